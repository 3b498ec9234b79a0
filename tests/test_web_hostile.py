"""The web app's edge under hostile input (issue 9): odd numbers, odd text and forged requests
are 4xx in the one error shape, never a 500; forged CSRF, wrong tokens and old sign-ins fail.

In-process (FastAPI's TestClient) on a small library of real records; the cross-port CSRF attack
in a real browser against a real server is in test_web_csrf_browser.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import shared_path
from vissue.issue import JournalProfile, VirtualIssue
from vissue.library.ingest import ingest
from vissue.library.store import Library
from vissue.web import ServeSettings, create_app

HUGE = "99999999999999999999"  # more than SQLite's 64-bit integers
TOKEN = "s3cret-token"


def small_library(folder: Path) -> Path:
    """Six real RIS records and one virtual issue (its document made by the model, no build)."""
    with Library(folder) as library:
        ingest(library, [shared_path("samples", "ris", "asreview_pubmed_zotero.ris")])
        document = VirtualIssue(title="Before", brief={"text": "Protests in Almaty."}, journal=JournalProfile(),
                                works=[], themes=[], sentences=[]).to_dict()
        library.create_issue(document)
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_library(tmp_path_factory.mktemp("web-hostile") / "library")


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(library=folder)), raise_server_exceptions=False) as client:
        yield client


def assert_error(response: Any, status: int, text: str = "") -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["errors"], body
    assert text in body["error"], body
    return body


def title(client: TestClient) -> str:
    return client.get("/api/issues/1").json()["issue"]["title"]


def form_token(client: TestClient) -> str:
    import re

    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/").text)
    assert found
    return found.group(1)


@pytest.mark.parametrize("path", [
    f"/api/works/{HUGE}", f"/api/issues/{HUGE}", f"/api/issues/1?version={HUGE}", f"/api/issues/{HUGE}/versions",
    f"/api/issues/{HUGE}/render/md", f"/api/issues/1/render/md?version={HUGE}", f"/works/{HUGE}",
    f"/issues/{HUGE}", f"/issues/{HUGE}/review", f"/issues/{HUGE}/themes", f"/issues/{HUGE}/editorial",
    f"/issues/{HUGE}/preview", f"/issues/1/preview?version={HUGE}", f"/issues/{HUGE}/render/md",
    f"/issues/{HUGE}/publish", f"/issues/{HUGE}/history", f"/api/search?q=x&k={HUGE}",
])
def test_huge_integers_are_not_found_not_a_500(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    assert response.json()["ok"] is False


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("PATCH", f"/api/issues/{HUGE}", {"base_version": 1, "changes": [{"op": "set_title", "title": "x"}]}, 404),
    ("PATCH", "/api/issues/1", {"base_version": int(HUGE), "changes": [{"op": "set_title", "title": "x"}]}, 409),
    ("POST", "/api/issues/1/restore", {"base_version": 1, "version": int(HUGE)}, 404),
    ("POST", f"/api/issues/{HUGE}/restore", {"base_version": 1, "version": 1}, 404),
    ("POST", f"/api/issues/{HUGE}/publish", {}, 404),
    ("POST", "/api/issues/1/publish", {"version": int(HUGE)}, 404),
])
def test_huge_integers_in_changes(client: TestClient, method: str, path: str, body: dict[str, Any],
                                  status: int) -> None:
    assert_error(client.request(method, path, content=json.dumps(body), headers={"content-type": "application/json"}),
                 status)
    assert title(client) == "Before"


def test_deep_json_brief_is_a_400(client: TestClient) -> None:
    deep = '{"text": "x", "a":' * 600 + "1" + "}" * 600
    assert_error(client.post("/api/brief", json={"text": deep}), 400, "JSON nested more than 100 levels deep")
    page = client.post("/issues/brief", data={"csrf": form_token(client), "event": deep})  # the form
    assert_error(page, 400, "JSON nested more than 100 levels deep")
    raw = '{"text": ' + "[" * 5000 + "]" * 5000 + "}"  # the request body itself
    response = client.post("/api/brief", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 and response.json()["ok"] is False


def test_surrogate_in_the_event_is_text(client: TestClient) -> None:
    body = '{"text": "Mass protests in Kazakhstan \\ud800 after a fuel price rise"}'
    response = client.post("/api/brief", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.text
    from vissue.brief.event import EventBrief

    brief = EventBrief.from_dict({"text": "Protests in Kazakhstan \ud800", "key_phrases": ["fuel \udcff price"]})
    assert "\ufffd" in brief.text and brief.key_phrases == ["fuel \ufffd price"]


def test_a_page_refuses_origin_null_and_same_site(client: TestClient) -> None:
    token = form_token(client)
    form = {"csrf": token, "base_version": "1", "op": "set_title", "title": "Hijacked"}
    for headers, text in (({"origin": "null"}, "another origin (null)"),
                          ({"sec-fetch-site": "same-site"}, "Sec-Fetch-Site: same-site"),
                          ({"origin": "http://127.0.0.1:1"}, "another origin")):
        assert_error(client.post("/issues/1/change", data=form, headers=headers), 403, text)
    assert title(client) == "Before"


def test_a_csrf_cookie_set_by_another_page_is_not_a_token(client: TestClient) -> None:
    """The double-submit bypass: the attacker sets the cookie and posts the same value."""
    forged = "A" * 43
    client.cookies.set("vissue_csrf", forged)
    form = {"csrf": forged, "base_version": "1", "op": "set_title", "title": "Hijacked"}
    assert_error(client.post("/issues/1/change", data=form), 403, "CSRF token")
    assert title(client) == "Before"
    # the page the server gives for that cookie carries the token bound to it; that one works
    token = form_token(client)
    assert token != forged
    done = client.post("/issues/1/change", data={**form, "title": "Changed", "csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    assert title(client) == "Changed"
    client.patch("/api/issues/1", json={"base_version": 2, "changes": [{"op": "set_title", "title": "Before"}]})


def test_wrong_tokens_are_throttled_and_logout_ends_the_session(folder: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with TestClient(create_app(ServeSettings(library=folder, token=TOKEN)), raise_server_exceptions=False) as guarded:
        base = guarded.get("/api/issues/1").json()["version"]
        body = {"base_version": base, "changes": [{"op": "set_title", "title": "Before"}]}
        for _ in range(5):
            assert_error(guarded.patch("/api/issues/1", json=body, headers={"authorization": "Bearer guess"}), 401)
        throttled = guarded.patch("/api/issues/1", json=body, headers={"authorization": "Bearer guess"})
        assert_error(throttled, 429, "too many wrong tokens")
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
        # the right token from that client waits too: guessing is slowed, not just counted
        assert guarded.patch("/api/issues/1", json=body, headers={"authorization": f"Bearer {TOKEN}"}).status_code == 429
        login = guarded.post("/login", data={"csrf": form_token(guarded), "token": TOKEN, "next": "/"})
        assert login.status_code == 429

    with TestClient(create_app(ServeSettings(library=folder, token=TOKEN)), raise_server_exceptions=False) as fresh:
        csrf = form_token(fresh)
        signed = fresh.post("/login", data={"csrf": csrf, "token": TOKEN, "next": "/"}, follow_redirects=False)
        assert signed.status_code == 303
        session = fresh.cookies.get("vissue_auth")
        assert session and TOKEN not in session
        form = {"csrf": csrf, "base_version": str(base), "op": "set_title", "title": "Signed in"}
        assert fresh.post("/issues/1/change", data=form, follow_redirects=False).status_code == 303
        assert fresh.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        fresh.cookies.set("vissue_auth", session)  # the old cookie, replayed
        form["base_version"] = str(base + 1)
        assert_error(fresh.post("/issues/1/change", data=form), 401, "needs its token")
        fresh.patch("/api/issues/1", json={"base_version": base + 1,
                                           "changes": [{"op": "set_title", "title": "Before"}]},
                    headers={"authorization": f"Bearer {TOKEN}"})


def test_surrogate_in_the_api_event_field_builds_an_issue(folder: Path) -> None:
    """The API `event` field with a lone surrogate escape: a 201 (the character replaced), not a 500."""
    from vissue.web.desk import EditorsDesk

    desk = EditorsDesk(ServeSettings(library=folder))
    desk.start()
    desk.index(timeout=600)
    with TestClient(create_app(desk.settings, desk=desk), raise_server_exceptions=False) as client:
        body = '{"event": "Mass protests in Kazakhstan \\ud800 after the fuel price rise of January 2022", "size": 3}'
        response = client.post("/api/issues", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 201, response.text[:300]
        assert "\ufffd" in response.json()["issue"]["brief"]["text"]
