"""The editor's desk end to end, in a real headless Chromium (Debian's, driven by Playwright)
against a real `vissue serve` on 127.0.0.1: an editor builds an issue from the seed's event
paragraph, rejects a work, moves one to another theme, renames a theme, edits a sentence,
publishes, and finds the edits on the published page. Screenshots of each step are kept in
artifacts/screenshots/web-*.png."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT
from test_web_api import CPCS, IMG, SCRIPT, XSS_DOI_2, add_hostile_records, copy_library, gold

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
RENAMED = "parties, parliaments and presidents"
EDITED = "EDITED BY THE EDITORS: this study shows how the separation of powers works in practice."


@pytest.fixture(scope="module")
def server(browser: Any, seed_library: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`vissue serve --port 0` on a copy of the seed library (plus two hostile records), until the
    search index is ready; stopped after the module."""
    folder = copy_library(seed_library, tmp_path_factory.mktemp("web-browser") / "library")
    add_hostile_records(folder)
    process = subprocess.Popen([sys.executable, "-m", "vissue", "--library", str(folder), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        assert found, f"vissue serve printed: {line!r}"
        url = found.group(1)
        deadline = time.monotonic() + 600
        while httpx.get(f"{url}/api/status", timeout=10).json()["index"] != "ready":
            assert process.poll() is None, "vissue serve stopped"
            assert time.monotonic() < deadline, "the search index did not load in 10 minutes"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


class Editor:
    """A browser tab with what went wrong in it: dialogs (an escaped script never opens one),
    console errors (a CSP violation is one) and failed requests."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1360, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.set_default_timeout(30_000)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def shot(self, name: str, *, full: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"web-{name}.png"), full_page=full)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def editor(browser: Any, server: str) -> Iterator[Editor]:
    editor = Editor(browser, server)
    yield editor
    editor.close()


def test_an_editor_builds_edits_and_publishes_an_issue(editor: Editor) -> None:
    page = editor.page
    g = gold()

    # 1. the library
    editor.goto("/")
    assert "2,797 works" in page.locator("h1").inner_text()
    editor.shot("01-library")

    # 2. a new issue from the event paragraph; the brief is shown and editable before searching
    page.get_by_role("link", name="New issue", exact=True).click()
    page.wait_for_url("**/issues/new")
    page.locator("textarea[name=event]").fill(g["event"])
    page.locator("select[name=journal]").select_option(CPCS)
    editor.shot("02-event")
    page.get_by_role("button", name="Read the event").click()
    page.wait_for_url("**/issues/brief")
    assert "Kazakhstan" in page.locator("textarea[name=places]").input_value()
    assert page.locator("textarea[name=key_phrases]").input_value().strip()
    editor.shot("03-brief")
    page.get_by_role("button", name="Build the issue").click()
    page.wait_for_url(re.compile(r"/issues/\d+/review"), timeout=180_000)
    issue_url = re.search(r"(/issues/\d+)/", page.url).group(1)
    selected = page.locator("li.candidate.selected")
    assert selected.count() == 10
    assert "BM25 rank" in selected.first.locator(".why").inner_text()
    editor.shot("04-review")

    # 3. reject a work
    victim = selected.nth(1)
    rejected_title = victim.locator(".title").inner_text()
    victim.get_by_role("button", name="Reject").click()
    page.wait_for_load_state("load")
    assert "rejected “" in page.locator(".notice.ok").inner_text()
    assert rejected_title not in page.locator("li.candidate.selected .title").all_inner_texts()
    assert page.locator("li.candidate.rejected .title").first.inner_text() == rejected_title
    editor.shot("05-rejected")

    # 4. move a work to another theme: with the Move button, then by dragging a card
    page.get_by_role("link", name="Themes").click()
    columns = page.locator(".theme-column[data-theme]")
    second = columns.nth(1)
    first_theme = columns.nth(0).get_attribute("data-theme")
    card = second.locator(".card").first
    moved_title = card.locator(".card-title").inner_text()
    card.locator("select[name=theme]").select_option(first_theme)
    card.get_by_role("button", name="Move").click()
    page.wait_for_load_state("load")
    assert moved_title in page.locator(f".theme-column[data-theme={first_theme}] .card-title").all_inner_texts()
    dragged = page.locator(".theme-column[data-theme]").nth(2).locator(".card").first
    dragged_title = dragged.locator(".card-title").inner_text()
    with page.expect_navigation():
        dragged.drag_to(page.locator(f".theme-column[data-theme={first_theme}]"))
    assert dragged_title in page.locator(f".theme-column[data-theme={first_theme}] .card-title").all_inner_texts()
    editor.shot("06-moved")

    # 5. rename the theme the works moved to
    label = page.locator(f"#label-{first_theme}")
    label.fill(RENAMED)
    page.locator(f".theme-column[data-theme={first_theme}]").get_by_role("button", name="Rename").click()
    page.wait_for_load_state("load")
    assert page.locator(f"#label-{first_theme}").input_value() == RENAMED
    assert "renamed theme" in page.locator(".notice.ok").inner_text()
    editor.shot("07-renamed")

    # 6. edit a sentence of the editorial; its provenance is shown on hover and on click
    page.get_by_role("link", name="Editorial").click()
    sentence = page.locator("p.part-theme a.sentence").nth(1)
    assert sentence.get_attribute("title").startswith("Generated by vissue from the abstract")
    sentence_id = sentence.get_attribute("data-sentence")
    sentence.click()
    page.wait_for_url(re.compile(rf"s={sentence_id}"))
    assert page.locator(".sentence-panel blockquote").count() >= 1  # the abstract sentence it rests on
    page.locator(".edit-sentence textarea").fill(EDITED)
    page.get_by_role("button", name="Save the sentence").click()
    page.wait_for_load_state("load")
    edited = page.locator(f"a.sentence#{sentence_id}")
    assert edited.inner_text() == EDITED and "edited" in edited.get_attribute("class")
    assert RENAMED in page.locator("#editorial").inner_text()
    editor.shot("08-editorial")

    # 7. preview, then publish and open the published page
    page.get_by_role("link", name="Preview").click()
    frame = page.frame_locator("iframe.preview")
    assert EDITED in frame.locator("body").inner_text()
    editor.shot("09-preview", full=False)
    page.get_by_role("link", name="Publish").click()
    page.get_by_role("button", name=re.compile(r"Publish version \d+")).click()
    page.wait_for_load_state("load")
    files = page.locator(".published").first.locator("td a").all_inner_texts()
    assert {"issue.html", "issue.ris", "issue.bib", "issue.csl.json", "issue.md", "issue.json"} <= set(files)
    editor.shot("10-publish")
    page.get_by_role("link", name="Open the published page").first.click()
    page.wait_for_url(re.compile(r"/published/issue-\d+/v\d+/issue\.html"))
    text = page.locator("body").inner_text()
    assert EDITED in text
    assert RENAMED in text.lower()
    assert moved_title in text and dragged_title in text
    assert rejected_title not in text
    editor.shot("11-published")
    # the moved works are listed under the renamed theme on the published page
    section = page.locator("section, div").filter(has=page.get_by_role("heading", name=re.compile(RENAMED, re.I))).last
    assert moved_title in section.inner_text() and dragged_title in section.inner_text()

    assert editor.dialogs == [], editor.dialogs
    assert editor.console == [], editor.console
    assert issue_url


def test_hostile_record_text_shows_as_text(editor: Editor) -> None:
    page = editor.page
    editor.goto(f"/works/{XSS_DOI_2}")
    heading = page.locator("h1").inner_text()
    assert SCRIPT in heading and IMG in heading
    assert SCRIPT in page.locator(".abstract").inner_text()
    assert page.locator("main img").count() == 0 and page.locator("main script").count() == 0
    editor.shot("12-escaped")
    editor.goto(f"/search?q=Zhanaozen+gas+prices+protests&journal={CPCS}")
    assert SCRIPT in page.locator("ol.hits").inner_text()
    assert editor.dialogs == [], editor.dialogs


def test_a_stale_page_cannot_overwrite_a_newer_change(editor: Editor, browser: Any, server: str) -> None:
    """Two editors on the same theme board: the second one's rename is refused (409), the first kept."""
    issue = httpx.get(f"{server}/api/issues", timeout=10).json()["issues"][0]["id"]
    other = Editor(browser, server)
    try:
        editor.goto(f"/issues/{issue}/themes")
        other.goto(f"/issues/{issue}/themes")
        theme = editor.page.locator(".theme-column[data-theme]").first.get_attribute("data-theme")
        editor.page.locator(f"#label-{theme}").fill("the first editor's name")
        editor.page.locator(f".theme-column[data-theme={theme}]").get_by_role("button", name="Rename").click()
        editor.page.wait_for_load_state("load")
        other.page.locator(f"#label-{theme}").fill("the second editor's name")
        other.page.locator(f".theme-column[data-theme={theme}]").get_by_role("button", name="Rename").click()
        other.page.wait_for_load_state("load")
        assert "was changed since you opened it" in other.page.locator("main").inner_text()
        other.shot("13-conflict", full=False)
        other.page.get_by_role("link", name=re.compile("Open the latest version")).click()
        other.page.wait_for_url(re.compile(r"/issues/\d+/review"))
        other.goto(f"/issues/{issue}/themes")
        assert other.page.locator(f"#label-{theme}").input_value() == "the first editor's name"
    finally:
        other.close()
