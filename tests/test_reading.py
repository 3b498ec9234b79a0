"""Reading ahead (library/reading.py): a helper process reads the files while ingest stores; the
library and the report must be the ones reading here gives, errors included."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import shared_path
from vissue.library import reading
from vissue.library.ingest import ingest
from vissue.library.reading import read_files
from vissue.library.store import Library

DEEP = "[" * 1000 + "]" * 1000


def contents(folder: Path) -> list:
    """What a library holds, in id order: each work's data and provenance, its sources, the rejects."""
    with Library(folder) as lib:
        works = [(w.id, w.work.to_dict(), w.provenance, [(s["id"], s["file"], s["position"]) for s in lib.sources(w.id)])
                 for w in lib.works()]
        return [works, [vars(r) for r in lib.rejects()], lib.venues()]


def both_ways(tmp_path: Path, files: list) -> tuple:
    results = []
    for parallel in (True, False):
        folder = tmp_path / f"parallel-{parallel}"
        with Library(folder) as lib:
            results.append((ingest(lib, files, parallel=parallel).to_dict(), contents(folder)))
    return results


def test_read_ahead_stores_what_reading_here_stores_on_the_real_export(tmp_path):
    files = sorted(shared_path("wos-central-asia").glob("*.txt"))[:3]
    ahead, here = both_ways(tmp_path, files)
    assert ahead[0]["read"] > 1000 and ahead[0]["rejected"] == 0
    assert ahead == here


def test_every_sample_format_and_every_bad_file_reads_the_same_ahead(tmp_path):
    samples = shared_path("samples")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (bad / "deep.json").write_text('{"a":' * 1000 + "1" + "}" * 1000)
    lines = sorted((samples / "openalex_snapshot_jsonl_DERIVED").glob("*"))[0].read_text(encoding="utf-8").splitlines()
    (bad / "works.jsonl").write_text("\n".join([lines[0], '{"id": ' + DEEP + "}", *lines[1:3]]) + "\n")
    truncated = (samples / "wos_plaintext" / "centralasia_wos_res2501to2791_230316.txt").read_text(encoding="utf-8-sig")
    (bad / "truncated.txt").write_text(truncated[: len(truncated) // 2])
    files = [samples, bad, tmp_path / "no-such-file.ris"]
    ahead, here = both_ways(tmp_path, files)
    assert ahead == here
    errors = {Path(e["file"]).name: e["error"] for e in ahead[0]["errors"]}
    assert {"empty.txt", "binary.bin", "deep.json", "no-such-file.ris"} <= set(errors)
    assert "no such file" in errors["no-such-file.ris"]
    assert ahead[0]["rejected"] >= 2  # the truncated WoS record, the deep JSON line


def test_a_file_with_no_record_in_the_format_forced_gets_its_hint_ahead(tmp_path):
    big = sorted(shared_path("wos-central-asia").glob("*.txt"))[0]  # a WoS export of 2 MB, read as RIS
    errors = []
    for parallel in (True, False):
        with Library(tmp_path / f"lib-{parallel}") as lib:
            errors.append(ingest(lib, [big], fmt="ris", parallel=parallel).files[0].error)
    assert errors[0] == errors[1] and errors[0].endswith("; it looks like wos (try --format auto)")


CRASHING = """
import os, sys
from pathlib import Path
from vissue.library.ingest import ingest
from vissue.library.reading import ReaderCrash
from vissue.library.store import Library
from vissue.readers import wos

REAL_READ = wos.read

def failing_reader(text, *, file):
    records = REAL_READ(text, file=file)
    yield next(records)
    raise RuntimeError("a reader's bug")

def dying_reader(text, *, file):
    yield next(REAL_READ(text, file=file))
    os._exit(3)

wos.read = {"failing": failing_reader, "dying": dying_reader}[sys.argv[1]]  # the forked helper inherits it
try:
    with Library(Path(sys.argv[2])) as lib:
        ingest(lib, [Path(p) for p in sys.argv[3:]], parallel=True)
except ReaderCrash as e:
    print(f"ReaderCrash: {e}")
"""


@pytest.mark.parametrize(("reader", "message"), [("failing", "RuntimeError: a reader's bug"),
                                                 ("dying", "stopped (exit status 3)")])
def test_a_crash_or_death_of_the_helper_is_an_error_and_the_library_stays_whole(tmp_path, reader, message):
    """In a fresh process: this one may run threads of other tests (no helper is forked then), and a
    reader that ends its process must end the helper, never the test run."""
    files = sorted(shared_path("wos-central-asia").glob("*.txt"))[:2]
    done = subprocess.run([sys.executable, "-c", CRASHING, reader, str(tmp_path / "lib"), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "ReaderCrash: " in done.stdout and message in done.stdout, done.stdout + done.stderr
    with Library(tmp_path / "lib") as lib:
        assert lib.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert lib.count() <= 1


def test_no_helper_is_forked_while_another_thread_runs(tmp_path):
    files = sorted(shared_path("wos-central-asia").glob("*.txt"))[:1]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        for file_reading in read_files(files, None, parallel=True):
            assert sum(1 for _ in file_reading.records) > 100
            assert multiprocessing.active_children() == []
    finally:
        stop.set()
        other.join()


def test_reading_ahead_is_chosen_for_large_input_and_a_spare_core_only(tmp_path, monkeypatch):
    small = tmp_path / "small.txt"
    small.write_text("FN x\nEF\n")
    large = sorted(shared_path("wos-central-asia").glob("*.txt"))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.4, 0.4))
    assert reading._ahead_pays(large) and not reading._ahead_pays([small])
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 3.0, 3.0))  # both cores busy
    assert not reading._ahead_pays(large)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not reading._ahead_pays(large)


HELPER_THEN_WAIT = """
import multiprocessing, sys, time
from pathlib import Path
from vissue.library.ingest import ingest
from vissue.library.store import Library

def progress(event, file, done, total):
    if done >= 500:
        print(multiprocessing.active_children()[0].pid, flush=True)
        time.sleep(600)  # killed here, its helper still reading

with Library(sys.argv[1]) as lib:
    ingest(lib, sorted(Path(sys.argv[2]).glob("*.txt")), parallel=True, progress=progress)
"""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state  # a zombie has ended (an orphan's reaper may be slow)


def test_a_helper_whose_ingest_is_killed_stops(tmp_path):
    export = shared_path("wos-central-asia")
    ingest_process = subprocess.Popen([sys.executable, "-c", HELPER_THEN_WAIT, str(tmp_path / "lib"), str(export)],
                                      stdout=subprocess.PIPE, text=True)
    helper = int(ingest_process.stdout.readline())
    assert running(helper)
    ingest_process.kill()
    ingest_process.wait()
    ingest_process.stdout.close()
    deadline = time.monotonic() + 20
    while running(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(helper)
    with Library(tmp_path / "lib") as lib:
        assert lib.count() > 400 and lib.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_records_left_unread_are_skipped_at_the_next_file(tmp_path):
    files = sorted(shared_path("wos-central-asia").glob("*.txt"))[:3]
    ahead = [(r.file, next(iter(r.records)).origin.position) for r in read_files(files, None, parallel=True)]
    here = [(r.file, next(iter(r.records)).origin.position) for r in read_files(files, None, parallel=False)]
    assert ahead == here and len(ahead) == 3
    assert multiprocessing.active_children() == []
