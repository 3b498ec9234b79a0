"""Live sources against a real local HTTP server (real sockets on 127.0.0.1, started here) that
answers in the documented OpenAlex and Crossref formats, built from the real API samples in
../shared/data/samples, with paging and faults: 429 + Retry-After, 5xx, truncated JSON, a slow
answer, an expiring cursor, a connection dropped mid-page, garbage; and a real kill -9."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from vissue.cli import cli
from vissue.library.ingest import ingest
from vissue.library.store import Library
from vissue.sources import STATE_DIR, FetchStates
from vissue.sources import crossref as crossref_source
from vissue.sources import openalex as openalex_source
from vissue.sources.http import FetchSettings, parse_retry_after

ISSN = "0967-067X"
JOURNAL = "Communist and Post-Communist Studies"
NETWORK = os.environ.get("VISSUE_NETWORK_TESTS") == "1"  # read before the fixtures clean VISSUE_*
TEST_MAILTO = os.environ.get("VISSUE_TEST_MAILTO")
FAST = ["--setting", "backoff_base=0.01", "--setting", "backoff_max=0.05", "--setting", "min_interval=0",
        "--setting", "timeout=5"]


# ---- the journal the server holds, made from the real samples ------------------------------


def openalex_works(samples: Path, n: int = 25) -> list[dict[str, Any]]:
    """n OpenAlex works of the journal: the 5 of the sample list with their own ids (so that the
    sample file and the server share them), then copies of the sample works with new ids."""
    folder = samples / "openalex_api"
    listed = json.loads((folder / "zotero_OpenAlexJSON_works_list_5_results.json").read_text("utf-8-sig"))
    singles = [json.loads(p.read_text("utf-8-sig")) for p in sorted(folder.glob("zotero_OpenAlexJSON_W*.json"))]
    base = listed["results"] + singles
    works = []
    for i in range(n):
        work = copy.deepcopy(base[i % len(base)])
        if i >= len(listed["results"]):
            work["id"] = f"https://openalex.org/W99000{i:04d}"
            work["doi"] = f"https://doi.org/10.1016/j.postcomstud.2099.{i:03d}"
            work["ids"] = {"openalex": work["id"], "doi": work["doi"]}
            work["title"] = work["display_name"] = f"{work.get('title') or 'Untitled'} — part {chr(65 + i)}"
        location = work.get("primary_location") or {}
        location["source"] = {"id": "https://openalex.org/S51510254", "display_name": JOURNAL,
                              "issn_l": ISSN, "issn": [ISSN, "1873-6920"], "type": "journal"}
        work["primary_location"] = location
        works.append(work)
    return works


def crossref_works(samples: Path, n: int = 25) -> list[dict[str, Any]]:
    """n Crossref works (the real sample items, DOIs kept) moved into the journal."""
    folder = samples / "crossref_api"
    items: list[dict[str, Any]] = []
    for name in ("habanero_works_query_ecology_author_boettiger.json", "habanero_works_sample10.json"):
        items += json.loads((folder / name).read_text("utf-8"))["message"]["items"]
    works = []
    for item in copy.deepcopy(items[:n]):
        item["ISSN"] = [ISSN, "1873-6920"]
        item["issn-type"] = [{"type": "print", "value": ISSN}, {"type": "electronic", "value": "1873-6920"}]
        item["container-title"] = [JOURNAL]
        works.append(item)
    return works


# ---- the server ----------------------------------------------------------------------------


class FakeApi:
    """A threaded HTTP server on 127.0.0.1 serving /works (and OpenAlex /sources) in `kind`'s
    format, `page_size` works a page at most, with faults played per page offset."""

    def __init__(self, kind: str, works: list[dict[str, Any]], *, page_size: int = 10):
        self.kind = kind
        self.works = works
        self.page_size = page_size
        self.faults: dict[int, list[tuple[str, Any]]] = {}
        self.always: str | None = None  # a fault played on every request
        self.generation = 0
        self.log: list[dict[str, Any]] = []
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fault(self, offset: int, *faults: str | tuple[str, Any]) -> None:
        """Play these faults, one a request, on the page starting at `offset`."""
        self.faults.setdefault(offset, []).extend((f, None) if isinstance(f, str) else f for f in faults)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def served(self) -> set[str]:
        key = "id" if self.kind == "openalex" else "DOI"
        return {w[key] for w in self.works}

    def offsets(self) -> list[int | None]:
        return [entry["offset"] for entry in self.log]

    # -- answering --

    def _cursor(self, offset: int) -> str:
        return base64.urlsafe_b64encode(f"{self.generation}:{offset}".encode()).decode()

    def _offset(self, cursor: str) -> int | None:
        """The offset a cursor points at; None when it is of an older generation (expired)."""
        if cursor == "*":
            return 0
        generation, offset = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        return int(offset) if int(generation) == self.generation else None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        cursor = params.get("cursor", "*")
        offset = self._offset(cursor) if parts.path == "/works" else None
        self.log.append({"path": parts.path, "params": params, "offset": offset, "time": time.monotonic(),
                         "user_agent": request.headers.get("User-Agent")})
        fault, arg = (self.always, None) if self.always else (None, None)
        if not fault and offset is not None and self.faults.get(offset):
            fault, arg = self.faults[offset].pop(0)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, kill)
            self._answer(request, parts.path, params, offset, fault, arg)

    def _send(self, request: BaseHTTPRequestHandler, status: int, body: bytes,
              content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    def _answer(self, request: BaseHTTPRequestHandler, path: str, params: dict[str, str],
                offset: int | None, fault: str | None, arg: Any) -> None:
        if fault == "429":
            return self._send(request, 429, b'{"error": "Too many requests"}', headers={"Retry-After": arg or "1"})
        if fault in ("500", "503"):
            return self._send(request, int(fault), b"<html><body>Internal error</body></html>", "text/html")
        if fault == "garbage":
            return self._send(request, 200, b"<html><head><title>Welcome to nginx!</title></head></html>",
                              "text/html")
        if fault == "shapeless":
            return self._send(request, 200, b'{"hello": "world"}')
        if fault == "slow":
            time.sleep(arg or 1.5)
        if fault == "stall":
            self.release.wait(60)
        if path == "/sources" and self.kind == "openalex":
            body = {"meta": {"count": 1}, "results": [
                {"id": "https://openalex.org/S51510254", "display_name": JOURNAL, "issn_l": ISSN}]}
            return self._send(request, 200, json.dumps(body).encode())
        if path != "/works":
            return self._send(request, 404, b'{"error": "Not found"}')
        if offset is None or fault == "expire":
            self.generation += 1
            message = "cursor has expired or is invalid; start again with cursor=*"
            body = ({"error": "Invalid query parameters error.", "message": message} if self.kind == "openalex"
                    else {"status": "failed", "message-type": "validation-failure",
                          "message": [{"type": "cursor-expired", "value": params.get("cursor"),
                                       "message": message}]})
            return self._send(request, 400, json.dumps(body).encode())
        body = json.dumps(self._page(params, offset)).encode()
        if fault == "truncated":
            return self._send(request, 200, body[: len(body) // 2])
        if fault == "drop":  # promise the whole body, send half of it, hang up
            request.send_response(200)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body[: len(body) // 2])
            request.wfile.flush()
            request.close_connection = True
            return None
        return self._send(request, 200, body)

    def _matching(self, params: dict[str, str]) -> list[dict[str, Any]]:
        text = (params.get("search") or params.get("query") or "").lower()
        works = self.works
        if text:
            works = [w for w in works if any(word in json.dumps(w.get("title")).lower() for word in text.split())]
        return works

    def _page(self, params: dict[str, str], offset: int) -> dict[str, Any]:
        works = self._matching(params)
        size = min(int(params.get("per-page") or params.get("rows") or 25), self.page_size)
        results = works[offset:offset + size]
        following = self._cursor(offset + size)
        if self.kind == "openalex":  # next_cursor null once the results are out
            more = offset + size < len(works)
            return {"meta": {"count": len(works), "db_response_time_ms": 3, "page": None, "per_page": size,
                             "next_cursor": following if more else None, "groups_count": None},
                    "results": results, "group_by": []}
        # Crossref gives a next-cursor on every page, the last included
        return {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"facets": {}, "next-cursor": following, "total-results": len(works),
                            "items": results, "items-per-page": size,
                            "query": {"start-index": 0, "search-terms": params.get("query")}}}


@pytest.fixture
def openalex_api(samples: Path):
    api = FakeApi("openalex", openalex_works(samples))
    yield api
    api.close()


@pytest.fixture
def crossref_api(samples: Path):
    api = FakeApi("crossref", crossref_works(samples))
    yield api
    api.close()


def fast_settings(**kw: Any) -> FetchSettings:
    values = {"backoff_base": 0.01, "backoff_max": 0.05, "min_interval": 0.0, "timeout": 5.0, **kw}
    return FetchSettings(**values)


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def library_ids(folder: Path, scheme: str) -> list[str]:
    with Library(folder, create=False) as library:
        return [w.work.ids.get(scheme) for w in library.works()]


# ---- done when: a journal across pages, through a 429 and a 500; a second run adds nothing -----


def test_fetch_openalex_journal_through_429_and_500_then_again_adds_nothing(tmp_path, openalex_api):
    openalex_api.fault(10, ("429", "1"))
    openalex_api.fault(20, "500")
    lib = tmp_path / "lib"
    args = ["--library", lib, "fetch", "openalex", "--issn", ISSN, "--api-url", openalex_api.url,
            "--mailto", "editor@example.org", *FAST]
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["read"], report["added"], report["merged"], report["rejected"]) == (25, 25, 0, 0)
    assert report["works"] == 25 and report["errors"] == []
    assert report["files"][0]["file"] == (f"{openalex_api.url}/works?filter=primary_location.source.issn:{ISSN}")
    assert "HTTP 429" in result.stderr and "HTTP 500" in result.stderr  # each retry is told

    # Every work the server holds, once; three pages and the two faults were gone through.
    assert sorted(library_ids(lib, "openalex")) == sorted(w.rsplit("/", 1)[-1] for w in openalex_api.served())
    assert openalex_api.offsets() == [0, 10, 10, 20, 20]
    first, then = (e for e in openalex_api.log if e["offset"] == 10)
    assert then["time"] - first["time"] >= 0.95, "Retry-After: 1 was not honoured"
    assert all(e["params"]["mailto"] == "editor@example.org" for e in openalex_api.log)
    assert all(e["params"]["per-page"] == "200" for e in openalex_api.log)
    assert not (lib / STATE_DIR).exists() or not list((lib / STATE_DIR).iterdir())

    # Provenance: the query's URL and the page and item of each record.
    with Library(lib) as library:
        stored = library.get("W990000024")
        (source,) = library.sources(stored.id)
        assert source["file"] == report["files"][0]["file"]
        assert source["position"] == "page 3, item 5" and source["format"] == "openalex"
        assert stored.venue_name == JOURNAL

    # Again: the cached answers are the same works, nothing is added and nothing is asked.
    again = run_cli(*args)
    assert again.exit_code == 0, again.output
    assert "25 read · 0 added · 25 merged (25 already in the library)" in again.stdout
    assert len(openalex_api.log) == 5
    # With --refresh the server is asked again: still nothing added.
    refreshed = json.loads(run_cli(*args, "--refresh", "--json").stdout)
    assert (refreshed["read"], refreshed["added"], refreshed["works"]) == (25, 0, 25)
    assert len(openalex_api.log) == 8


def test_fetch_crossref_journal_through_429_and_500_then_again_adds_nothing(tmp_path, crossref_api):
    crossref_api.fault(10, ("429", "1"))
    crossref_api.fault(20, "500", "503")
    lib = tmp_path / "lib"
    args = ["--library", lib, "fetch", "crossref", "--issn", ISSN, "--api-url", crossref_api.url,
            "--mailto", "editor@example.org", *FAST, "--json"]
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["read"], report["added"], report["rejected"], report["works"]) == (25, 25, 0, 25)
    assert sorted(library_ids(lib, "doi")) == sorted(d.lower() for d in crossref_api.served())
    assert crossref_api.offsets() == [0, 10, 10, 20, 20, 20]
    assert all(e["params"]["filter"] == f"issn:{ISSN}" and e["params"]["rows"] == "100" for e in crossref_api.log)
    assert all(e["user_agent"].startswith("vissue/") and "mailto:editor@example.org" in e["user_agent"]
               for e in crossref_api.log)
    assert all("mailto" not in e["params"] for e in crossref_api.log)
    again = json.loads(run_cli(*args, "--refresh").stdout)
    assert (again["read"], again["added"], again["works"]) == (25, 0, 25)


# ---- the other faults -------------------------------------------------------------------------


def test_truncated_json_dropped_connection_and_slow_answer_are_retried(tmp_path, openalex_api):
    openalex_api.fault(0, "truncated")
    openalex_api.fault(10, "drop")
    openalex_api.fault(20, ("slow", 2.5))
    told: list[str] = []
    with Library(tmp_path / "lib") as library:
        report = openalex_source.fetch(library, issn=ISSN, settings=fast_settings(
            openalex_url=openalex_api.url, timeout=1.0), notify=told.append)
    assert report.works == 25 and report.total("added") == 25 and not report.failed
    assert openalex_api.offsets() == [0, 0, 10, 10, 20, 20]
    assert len(told) == 3, told
    assert told[0].startswith("invalid JSON at character ") and "(cut off?); try 2 of 6 in" in told[0]
    assert told[1].startswith("connection failed (RemoteProtocolError: ")
    assert told[2].startswith("no answer within 1 s; try 2 of 6 in")


def test_expired_cursor_starts_the_query_again_with_a_warning(tmp_path, crossref_api):
    crossref_api.fault(20, "expire")
    with Library(tmp_path / "lib") as library:
        report = crossref_source.fetch(library, issn=ISSN, settings=fast_settings(crossref_url=crossref_api.url))
        assert library.count() == 25
    assert not report.failed and report.total("added") == 25
    assert report.total("read") == 20 + 25 and report.total("unchanged") == 20  # the first pages again
    assert crossref_api.offsets() == [0, 10, 20, 0, 10, 20]
    (warning,) = report.files[0].warnings
    assert "the server refused the cursor of page 3 (HTTP 400: expired?)" in warning
    assert "started again from the first page" in warning


def test_a_fetch_stopped_by_a_network_error_continues_where_it_stopped(tmp_path, openalex_api):
    openalex_api.fault(20, *["500"] * 3)
    settings = fast_settings(openalex_url=openalex_api.url, retries=2)
    lib = tmp_path / "lib"
    with Library(lib) as library:
        report = openalex_source.fetch(library, issn=ISSN, settings=settings)
    assert report.failed and report.works == 20
    page3 = f"{openalex_api.url}/works?filter=primary_location.source.issn:{ISSN}&per-page=200&cursor="
    assert report.files[0].error.startswith(page3)
    assert "HTTP 500 Internal Server Error (gave up after 3 tries)" in report.files[0].error
    assert "[20 works fetched so far of 25; the same command continues from page 3]" in report.files[0].error
    assert len(FetchStates(lib).pending()) == 1

    with Library(lib) as library:
        again = openalex_source.fetch(library, issn=ISSN, settings=settings)
    assert not again.failed and again.works == 25 and again.total("added") == 5
    assert openalex_api.offsets() == [0, 10, 20, 20, 20, 20]  # finished pages are not fetched again
    assert "continuing an unfinished fetch at page 3 (20 works were fetched before)" in again.files[0].warnings[0]
    assert FetchStates(lib).pending() == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill -9", "ctrl-c"])
def test_killing_a_fetch_and_running_it_again_ends_with_exactly_the_servers_works(tmp_path, openalex_api, sig):
    openalex_api.fault(20, "stall")
    lib = tmp_path / "lib"
    cmd = [sys.executable, "-m", "vissue", "--library", str(lib), "fetch", "openalex", "--issn", ISSN,
           "--api-url", openalex_api.url, *FAST, "--json"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISSUE_") or k == "VISSUE_SHARED_DATA"}
    # a suite started in the background by a shell ignores ctrl-c, and a child inherits that: the
    # command is run as from a terminal, with ctrl-c at its default
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while 20 not in openalex_api.offsets() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, sig)
    _, stderr = proc.communicate(timeout=30)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL, "the fetch ended before it could be killed"
    else:
        assert proc.returncode == 130, stderr
        assert "interrupted: the pages fetched so far are in the library; run the same command again" in stderr
        assert "Traceback" not in stderr
    openalex_api.release.set()
    assert len(library_ids(lib, "openalex")) == 20

    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["added"], report["works"]) == (5, 25)
    assert sorted(library_ids(lib, "openalex")) == sorted(w.rsplit("/", 1)[-1] for w in openalex_api.served())
    assert openalex_api.offsets() == [0, 10, 20, 20]  # the finished pages are not fetched again


# ---- garbage and bad arguments: clear messages, no traceback -----------------------------------


@pytest.mark.parametrize("kind", ["openalex", "crossref"])
@pytest.mark.parametrize(("fault", "says"), [
    ("garbage", "the server did not answer JSON (text/html, starting '<html><head><title>Welcome to nginx!"),
    ("truncated", "invalid JSON at character"),
    ("shapeless", "/works answer"),
])
def test_a_server_answering_garbage_gets_a_clear_message(tmp_path, samples, kind, fault, says):
    works = openalex_works(samples) if kind == "openalex" else crossref_works(samples)
    api = FakeApi(kind, works)
    api.always = fault
    try:
        result = run_cli("--library", tmp_path / "lib", "fetch", kind, "--issn", ISSN, "--api-url", api.url,
                         *FAST, "--setting", "retries=2")
    finally:
        api.close()
    assert result.exit_code == 1
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    error = next(line for line in result.stdout.splitlines() if line.startswith("error: "))
    assert error.startswith(f"error: {api.url}/works?filter=")
    assert says in error
    assert "--api-url" in error or "gave up after 3 tries" in error


def test_a_server_error_names_the_url_and_the_servers_words(tmp_path, openalex_api):
    with Library(tmp_path / "lib") as library:
        report = openalex_source.fetch(library, issn=ISSN, settings=fast_settings(
            openalex_url=openalex_api.url + "/nowhere"))
    assert report.files[0].error == (
        f"{openalex_api.url}/nowhere/works?filter=primary_location.source.issn:{ISSN}&per-page=200&cursor=*:"
        " HTTP 404 Not Found: Not found; no such API endpoint: check --api-url.")


def test_a_long_retry_after_stops_at_once_with_the_remedy(tmp_path, openalex_api):
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    openalex_api.fault(0, ("429", later))
    with Library(tmp_path / "lib") as library:
        report = openalex_source.fetch(library, issn=ISSN, settings=fast_settings(openalex_url=openalex_api.url))
    error = report.files[0].error
    assert "HTTP 429 Too Many Requests; the server asks to wait 3600 s" in error or "asks to wait 359" in error
    assert "Run the same command later: it continues where it stopped" in error and "--mailto" in error
    assert len(openalex_api.log) == 1


def test_nothing_unreachable_is_a_traceback(tmp_path):
    result = run_cli("--library", tmp_path / "lib", "fetch", "openalex", "--issn", ISSN,
                     "--api-url", "http://127.0.0.1:9", *FAST, "--setting", "retries=1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("error: http://127.0.0.1:9/works?filter=primary_location.source.issn:0967-067X&per-page=200"
            "&cursor=*: connection failed (ConnectError: [Errno 111] Connection refused) (gave up after 2 tries);"
            " is the network up and the API's address right (--api-url)?") in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    ([], "Error: give --issn or --search: without either the fetch would read all of OpenAlex"),
    (["--issn", "12345"], "Error: --issn '12345' is not an ISSN (eight digits, the last may be X: 0967-067X)"),
    (["--issn", ISSN, "--since", "2020", "--until", "2010"], "Error: --since 2020 is after --until 2010"),
    (["--issn", ISSN, "--setting", "speed=3"], "Error: --setting 'speed=3': expected NAME=VALUE with NAME one of"),
    (["--issn", ISSN, "--setting", "retries=many"], "Error: --setting retries='many': not a int"),
])
def test_bad_arguments(tmp_path, args, message):
    result = run_cli("--library", tmp_path / "lib", "fetch", "openalex", *args, "--api-url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert message in result.stderr


# ---- the same works from a file and from the server: one work each --------------------------


def test_a_fetch_and_a_file_ingest_of_the_same_works_merge(tmp_path, samples, openalex_api):
    lib = tmp_path / "lib"
    sample = samples / "openalex_api" / "zotero_OpenAlexJSON_works_list_5_results.json"
    with Library(lib) as library:
        assert ingest(library, [sample]).total("added") == 5
        report = openalex_source.fetch(library, issn=ISSN, settings=fast_settings(openalex_url=openalex_api.url))
        assert (report.total("added"), report.total("merged"), report.works) == (20, 5, 25)
        stored = library.get("W2046245907")
        assert [s["file"] for s in library.sources(stored.id)] == [str(sample), report.files[0].file]
    # And the other way round: the file after the fetch adds nothing.
    with Library(tmp_path / "lib2") as library:
        openalex_source.fetch(library, issn=ISSN, settings=fast_settings(openalex_url=openalex_api.url))
        again = ingest(library, [sample])
        assert (again.total("added"), again.total("merged"), again.works) == (0, 5, 25)


# ---- queries ----------------------------------------------------------------------------------


def test_search_bounds_and_max_become_the_documented_parameters(tmp_path, openalex_api):
    lib = tmp_path / "lib"
    result = run_cli("--library", lib, "fetch", "openalex", "--issn", ISSN, "--search", "  part  ",
                     "--since", "1990", "--until", "2024", "--max", "12", "--api-url", openalex_api.url + "/works/",
                     *FAST, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["read"] == 12
    assert openalex_api.log[0]["params"] == {
        "filter": f"primary_location.source.issn:{ISSN},from_publication_date:1990-01-01,"
                  "to_publication_date:2024-12-31",
        "search": "part", "per-page": "12", "cursor": "*"}
    assert openalex_api.offsets() == [0, 10]  # the second page of ten is cut to two works


def test_base_urls_and_mailto_come_from_the_environment(tmp_path, monkeypatch, openalex_api, crossref_api):
    monkeypatch.setenv("VISSUE_OPENALEX_URL", openalex_api.url)
    monkeypatch.setenv("VISSUE_CROSSREF_URL", crossref_api.url)
    monkeypatch.setenv("VISSUE_MAILTO", "desk@example.org")
    for kind in ("openalex", "crossref"):
        result = run_cli("--library", tmp_path / "lib", "fetch", kind, "--issn", ISSN, "--max", "3", *FAST)
        assert result.exit_code == 0, result.output
        assert "3 read · 3 added" in result.stdout
    assert openalex_api.log[0]["params"]["mailto"] == "desk@example.org"
    assert "mailto:desk@example.org" in crossref_api.log[0]["user_agent"]


def test_fetch_for_event_searches_the_journal(tmp_path, openalex_api):
    settings = fast_settings(openalex_url=openalex_api.url)
    with Library(tmp_path / "lib") as library:
        report = openalex_source.fetch_for_event(library, brief_query="part", issn=None, journal=JOURNAL,
                                                 max_works=8, settings=settings)
        assert report.works == 8 and not report.failed
    sources, works = openalex_api.log[0], openalex_api.log[1]
    assert sources["path"] == "/sources" and sources["params"]["search"] == JOURNAL
    assert works["params"]["filter"] == f"primary_location.source.issn:{ISSN}"
    assert works["params"]["search"] == "part" and works["params"]["per-page"] == "8"


# ---- small parts ----------------------------------------------------------------------------


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_settings_from_environment_and_text():
    settings = FetchSettings.from_env({"VISSUE_MAILTO": "a@b.org", "VISSUE_OPENALEX_URL": "http://mirror"},
                                      openalex_url=None, crossref_url="http://cr")
    assert (settings.mailto, settings.openalex_url, settings.crossref_url) == ("a@b.org", "http://mirror", "http://cr")
    changed = settings.with_setting("backoff-base=0.5").with_setting("refresh=yes").with_setting("retries=0")
    assert (changed.backoff_base, changed.refresh, changed.retries) == (0.5, True, 0)


# ---- the real internet (skipped unless VISSUE_NETWORK_TESTS=1) -------------------------------


@pytest.mark.network
@pytest.mark.skipif(not NETWORK, reason="set VISSUE_NETWORK_TESTS=1 to use the internet")
def test_real_openalex_five_works_of_the_journal(tmp_path):
    with Library(tmp_path / "lib") as library:
        report = openalex_source.fetch(library, issn=ISSN, max_works=5, settings=FetchSettings(mailto=TEST_MAILTO))
        assert not report.failed, report.to_dict()["errors"]
        assert report.total("added") == 5 and report.works == 5
        assert all(w.work.venue.issn == ISSN or w.work.venue.eissn == ISSN for w in library.works())


def test_a_resumed_fetch_whose_cursor_expired_meanwhile_starts_again(tmp_path, openalex_api):
    openalex_api.fault(20, *["500"] * 2)
    settings = fast_settings(openalex_url=openalex_api.url, retries=1)
    lib = tmp_path / "lib"
    with Library(lib) as library:
        assert openalex_source.fetch(library, issn=ISSN, settings=settings).failed
    openalex_api.generation += 1  # time passes: the server forgets its cursors
    with Library(lib) as library:
        report = openalex_source.fetch(library, issn=ISSN, settings=settings)
        assert sorted(w.work.ids["openalex"] for w in library.works()) == sorted(
            w.rsplit("/", 1)[-1] for w in openalex_api.served())
    assert not report.failed and (report.total("added"), report.works) == (5, 25)
    assert openalex_api.offsets() == [0, 10, 20, 20, None, 0, 10, 20]
    resumed, refused = report.files[0].warnings
    assert resumed.endswith(": continuing an unfinished fetch at page 3 (20 works were fetched before)")
    assert ": the server refused the cursor of page 3 (HTTP 400: expired?)" in refused


def test_fetch_for_event_takes_the_journals_issn_from_the_library(tmp_path, samples, openalex_api):
    settings = fast_settings(openalex_url=openalex_api.url)
    with Library(tmp_path / "lib") as library:
        ingest(library, [samples / "openalex_api" / "zotero_OpenAlexJSON_works_list_5_results.json"])
        openalex_source.fetch_for_event(library, brief_query="Kazakhstan protests", issn=None,
                                        journal="the new england journal of medicine", max_works=5,
                                        settings=settings)
    (request,) = openalex_api.log
    assert request["path"] == "/works"
    assert request["params"]["filter"] == "primary_location.source.issn:0028-4793"


def test_build_from_openalex_fetches_the_candidates_then_builds(tmp_path, openalex_api):
    """`vissue build --from openalex` on an empty library: fetch the journal's works for the event
    (places and key phrases, OR-ed), then build as usual."""
    out = tmp_path / "out"
    result = run_cli("--library", tmp_path / "lib", "build", "--from", "openalex", "--api-url", openalex_api.url,
                     "--journal", ISSN, "--event", "Protests in Kazakhstan after a sudden rise in fuel prices.",
                     "--size", "5", "--json", "-o", out)
    assert result.exit_code == 0, result.output
    works = [entry for entry in openalex_api.log if entry["path"] == "/works"]
    assert works and works[0]["params"]["filter"] == f"primary_location.source.issn:{ISSN}"
    assert "Kazakhstan" in works[0]["params"]["search"] and " OR " in works[0]["params"]["search"]
    summary = json.loads(result.output[result.output.index("{"):])
    assert len(summary["works"]) == 5
    assert run_cli("check", out / "issue.json").exit_code == 0
    Library(tmp_path / "empty").close()
    empty = run_cli("--library", tmp_path / "empty", "build", "--event", "Floods.", "-o", tmp_path / "o2")
    assert empty.exit_code == 1 and "the library is empty" in empty.output and "--from openalex" in empty.output
