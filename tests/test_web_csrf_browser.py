"""The cross-port CSRF attack of issue 9, in a real Chromium against a real `vissue serve`.

A page on another port of 127.0.0.1 (cookies ignore ports, and the two are the same site) sets
the `vissue_csrf` cookie to a value of its own, then posts a change with that value as the
form's token and no referrer, so that the browser sends `Origin: null`: once as a form that
navigates, once as a no-cors fetch. Nothing may change."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from conftest import serving
from test_web_hostile import small_library

FORGED = "A" * 43

ATTACK = """<!doctype html><html><head><meta name="referrer" content="no-referrer"></head><body>
<form id="attack" method="POST" action="{target}/issues/1/change">
  <input name="csrf" value="{forged}"><input name="base_version" value="1">
  <input name="op" value="set_title"><input name="title" value="Hijacked by a form">
  <input name="back" value="review">
</form>
<script>
document.cookie = "vissue_csrf={forged}; path=/";
const body = new URLSearchParams({{csrf: "{forged}", base_version: "1", op: "set_title",
                                   title: "Hijacked by fetch", back: "review"}});
fetch("{target}/issues/1/change", {{method: "POST", mode: "no-cors", credentials: "include",
                                   referrerPolicy: "no-referrer", body}})
  .finally(() => {{ document.title = "fetched"; document.getElementById("attack").submit(); }});
</script></body></html>"""


@pytest.fixture(scope="module")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = small_library(tmp_path_factory.mktemp("csrf") / "library")
    with serving(folder) as (url, _):
        yield url


@pytest.fixture(scope="module")
def attacker(server: str) -> Iterator[str]:
    """The attacker's page, served from another port of 127.0.0.1."""
    page = ATTACK.format(target=server, forged=FORGED).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_on_another_port_changes_nothing(browser: Any, server: str, attacker: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()  # a browser without the desk's own (HttpOnly) cookie yet
        posted: list[tuple[str, int, str | None]] = []
        page.on("response", lambda r: posted.append((r.request.method, r.status, r.request.headers.get("origin")))
                if r.request.method == "POST" else None)
        page.goto(attacker)
        page.wait_for_url(re.compile(re.escape(server) + r"/issues/1/"), timeout=30_000)  # refused, or saved
        page.wait_for_load_state("load")
        assert "vissue_csrf" in {c["name"] for c in context.cookies(server)}
        forged = [c for c in context.cookies(server) if c["name"] == "vissue_csrf" and c["value"] == FORGED]
        assert forged, "the attacker's page could set the cookie (as a real attacker can)"
        assert ("POST", 403, "null") in posted, posted
        assert "are refused" in page.content()
    finally:
        context.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the no-cors fetch may land after the navigation
        issue = httpx.get(f"{server}/api/issues/1", timeout=10).json()
        assert issue["version"] == 1 and issue["issue"]["title"] == "Before", issue["issue"]["title"]
        time.sleep(0.5)
