"""The editor's desk end to end, in a real headless Chromium (Debian's, driven by Playwright)
against a real `vissue serve` on 127.0.0.1: an editor builds an issue from the seed's event
paragraph, rejects a work, moves one to another theme, renames a theme, edits a sentence,
publishes, and finds the edits on the published page. Screenshots of each step are kept in
artifacts/screenshots/web-*.png."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, serving
from test_web_api import CPCS, IMG, SCRIPT, XSS_DOI_2, add_hostile_records, copy_library, gold

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
RENAMED = "parties, parliaments and presidents"
EDITED = "EDITED BY THE EDITORS: this study shows how the separation of powers works in practice."
DESKTOP, PHONE = (1280, 900), (390, 844)
#: Text an editor reads outside the details toggles: no engine notation, no internal ids.
VISIBLE_TEXT = """() => { const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('details').forEach((d) => d.remove()); return main.innerText; }"""
TECHNICAL = re.compile(r"BM25|cosine|#\d+|\bwork \d+\b")


@pytest.fixture(scope="module")
def server(browser: Any, seed_library: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`vissue serve --port 0` on a copy of the seed library (plus two hostile records), until the
    search index is ready; stopped after the module."""
    folder = copy_library(seed_library, tmp_path_factory.mktemp("web-browser") / "library")
    add_hostile_records(folder)
    with serving(folder) as (url, process):
        deadline = time.monotonic() + 600
        while httpx.get(f"{url}/api/status", timeout=10).json()["index"] != "ready":
            assert process.poll() is None, "vissue serve stopped"
            assert time.monotonic() < deadline, "the search index did not load in 10 minutes"
            time.sleep(0.5)
        yield url


class Editor:
    """A browser tab with what went wrong in it: dialogs (an escaped script never opens one),
    console errors (a CSP violation is one) and failed requests."""

    def __init__(self, browser: Any, base: str, size: tuple[int, int] = DESKTOP) -> None:
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                           is_mobile=size == PHONE, has_touch=size == PHONE)
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
    reasons = selected.first.locator(".why").inner_text()
    assert re.search(r"shares the words|close in meaning|uses the event's phrases|names ", reasons), reasons
    assert not TECHNICAL.search(page.evaluate(VISIBLE_TEXT))
    assert "BM25" in selected.first.locator("details.tech").text_content()  # the numbers, behind the toggle
    editor.shot("04-review")

    # 3. reject a work
    victim = selected.nth(1)
    rejected_title = victim.locator(".title").inner_text()
    with page.expect_navigation():
        victim.get_by_role("button", name="Reject").click()
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
    with page.expect_navigation():
        card.get_by_role("button", name="Move").click()
    assert moved_title in page.locator(f".theme-column[data-theme={first_theme}] .card-title").all_inner_texts()
    dragged = page.locator(".theme-column[data-theme]").nth(2).locator(".card").first
    dragged.scroll_into_view_if_needed()
    dragged_title = dragged.locator(".card-title").inner_text()
    with page.expect_navigation():
        # dropped near the top of the column: a tall column's middle can be off the screen
        dragged.drag_to(page.locator(f".theme-column[data-theme={first_theme}] ul.cards"), target_position={"x": 40, "y": 8})
    assert dragged_title in page.locator(f".theme-column[data-theme={first_theme}] .card-title").all_inner_texts()
    editor.shot("06-moved")

    # 5. rename the theme the works moved to
    label = page.locator(f"#label-{first_theme}")
    label.fill(RENAMED)
    with page.expect_navigation():
        page.locator(f".theme-column[data-theme={first_theme}]").get_by_role("button", name="Rename").click()
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
    with page.expect_navigation():
        page.get_by_role("button", name="Save the sentence").click()
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
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Publish version \d+")).click()
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


def new_issue(server: str, size: int = 10) -> int:
    """An issue from the seed's event paragraph, through the API (the forms are tested above)."""
    answer = httpx.post(f"{server}/api/issues", json={"event": gold()["event"], "size": size}, timeout=300)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def document(server: str, issue: int) -> dict[str, Any]:
    return httpx.get(f"{server}/api/issues/{issue}", timeout=30).json()


def theme_sentence(doc: dict[str, Any], work: int) -> dict[str, Any]:
    return next(s for s in doc["issue"]["editorial"]["sentences"] if s["part"] == "theme" and s["works"] == [work])


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_editor_repairs_the_selection(browser: Any, server: str, size: tuple[int, int]) -> None:
    """A work found by search is added; a pin and an edited sentence survive a re-run of an
    edited brief; a rejected work is replaced by the next candidate, and the reject undone."""
    issue = new_issue(server)
    editor = Editor(browser, server, size)
    page = editor.page
    try:
        doc = document(server, issue)
        known = {w["id"] for w in doc["issue"]["works"]} | {c["id"] for c in doc["issue"]["passed_over"]}
        hits = httpx.get(f"{server}/api/search", params={"q": "water irrigation Aral Sea", "k": 30}, timeout=60).json()
        outsider = next(h for h in hits["hits"] if h["id"] not in known)

        # 1. add a work found by searching inside the issue
        editor.goto(f"/issues/{issue}/review")
        page.locator("#add-q").fill(outsider["title"])
        with page.expect_navigation():
            page.locator("form.add-search button").click()
        hit = page.locator("#add ol.hits li").filter(has_text=outsider["title"]).first
        with page.expect_navigation():
            hit.get_by_role("button", name="Add to the issue").click()
        assert "accepted “" in page.locator(".notice.ok").inner_text()
        assert outsider["title"] in page.locator("li.candidate.selected .title").all_inner_texts()
        assert not TECHNICAL.search(page.evaluate(VISIBLE_TEXT))

        # 2. pin a work and edit the sentence that introduces it
        doc = document(server, issue)
        pinned = doc["issue"]["works"][0]
        with page.expect_navigation():
            page.locator(f"#work-{pinned['id']}").get_by_role("button", name="Pin").click()
        assert page.locator(f"#work-{pinned['id']} .tag.pin").count() == 1
        sentence = theme_sentence(document(server, issue), pinned["id"])
        editor.goto(f"/issues/{issue}/editorial")
        with page.expect_navigation():
            page.locator(f"a.sentence#{sentence['id']}").click()
        box = page.locator("#sentence-text").bounding_box()
        assert box is not None and 0 <= box["y"] <= size[1] - box["height"] / 2, box  # opens where the sentence is
        mine = "The editors kept this work: it reads the protests through the state."
        page.locator("#sentence-text").fill(mine)
        with page.expect_navigation():
            page.get_by_role("button", name="Save the sentence").click()
        assert page.locator(f"a.sentence#{sentence['id']}").inner_text() == mine

        # 3. correct the brief and search again: the pin and the edit are kept
        page.get_by_role("link", name="Brief", exact=True).click()
        phrases = page.locator("#brief-phrases")
        phrases.fill(phrases.input_value() + "\nborder demarcation\nwater and irrigation")
        page.get_by_role("button", name="Search again with this brief").click()
        page.wait_for_url(re.compile(r"/review\?saved="), timeout=180_000)
        assert "searched again with the edited brief" in page.locator(".notice.ok").inner_text()
        assert page.locator(f"#work-{pinned['id']} .tag.pin").count() == 1
        doc = document(server, issue)
        assert "water and irrigation" in doc["issue"]["brief"]["key_phrases"]
        assert mine in [s["text"] for s in doc["issue"]["editorial"]["sentences"] if s["edited"]]

        # 4. reject a work: the next candidate takes its place; Undo brings it back
        count = page.locator("li.candidate.selected").count()
        victim = next(w for w in doc["issue"]["works"] if w["id"] != pinned["id"])
        with page.expect_navigation():
            page.locator(f"#work-{victim['id']}").get_by_role("button", name="Reject").click()
        assert "in its place" in page.locator(".notice.ok").inner_text()
        assert page.locator("li.candidate.selected").count() == count
        assert victim["title"] not in page.locator("li.candidate.selected .title").all_inner_texts()
        with page.expect_navigation():
            page.locator(".notice.ok").get_by_role("button", name="Undo").click()
        assert victim["title"] in page.locator("li.candidate.selected .title").all_inner_texts()
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        editor.shot(f"14-repaired-{size[0]}")
        assert editor.dialogs == [] and editor.console == [], (editor.dialogs, editor.console)
    finally:
        editor.close()


def test_two_editors_never_lose_an_edit(browser: Any, server: str) -> None:
    """A at 1280x900 and B at 390x844 on the same editorial: edits to different sentences both
    land; edits to the same sentence end in a visible choice; "Go back" after it never overwrites."""
    issue = new_issue(server)
    a, b = Editor(browser, server, DESKTOP), Editor(browser, server, PHONE)
    try:
        doc = document(server, issue)
        theme = [s for s in doc["issue"]["editorial"]["sentences"] if s["part"] == "theme"]
        first, second, third = theme[1], theme[2], theme[3]

        def edit(editor: Editor, sentence: str, text: str) -> None:
            editor.page.locator("#sentence-text").fill(text)
            with editor.page.expect_navigation():
                editor.page.get_by_role("button", name="Save the sentence").click()

        # different sentences: both land, whoever saves second
        a.goto(f"/issues/{issue}/editorial?s={first['id']}")
        b.goto(f"/issues/{issue}/editorial?s={second['id']}")
        edit(a, first["id"], "A's words for the first sentence.")
        edit(b, second["id"], "B's words for the second sentence.")
        assert "merged with version" in b.page.locator(".notice.ok").inner_text()
        texts = [s["text"] for s in document(server, issue)["issue"]["editorial"]["sentences"]]
        assert "A's words for the first sentence." in texts and "B's words for the second sentence." in texts

        # the same sentence: B sees both texts and chooses; nothing was overwritten meanwhile
        a.goto(f"/issues/{issue}/editorial?s={third['id']}")
        b.goto(f"/issues/{issue}/editorial?s={third['id']}")
        edit(a, third["id"], "A's version of the third sentence.")
        edit(b, third["id"], "B's version of the third sentence.")
        conflict = b.page.locator("main")
        assert "was changed since you opened it" in conflict.inner_text()
        assert "A's version of the third sentence." in b.page.locator(".choice.theirs").inner_text()
        assert b.page.locator(".choice.mine textarea").input_value() == "B's version of the third sentence."
        assert b.page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        b.shot("15-conflict", full=False)

        # "Go back" and save again: Chromium must not resubmit B's text over A's
        b.page.get_by_role("link", name="Go back").click()
        b.page.wait_for_url(re.compile(r"/editorial\?s="))
        b.page.locator("#sentence-text").wait_for()
        with b.page.expect_navigation():
            b.page.get_by_role("button", name="Save the sentence").click()
        current = document(server, issue)["issue"]["editorial"]["sentences"]
        assert "A's version of the third sentence." in [s["text"] for s in current]
        assert "B's version of the third sentence." not in [s["text"] for s in current]

        # B chooses their own text, knowingly
        b.goto(f"/issues/{issue}/editorial?s={third['id']}")
        edit(b, third["id"], "B's version of the third sentence.")
        if b.page.locator(".choice.mine").count():
            with b.page.expect_navigation():
                b.page.locator(".choice.mine").get_by_role("button", name="Use mine").click()
        texts = [s["text"] for s in document(server, issue)["issue"]["editorial"]["sentences"]]
        assert "B's version of the third sentence." in texts and "A's words for the first sentence." in texts

        # an unsaved sentence is not dropped silently: leaving it asks first
        a.goto(f"/issues/{issue}/editorial?s={first['id']}")
        a.page.locator("#sentence-text").fill("typed, not saved")
        a.page.locator(f"a.sentence#{second['id']}").click()
        assert a.dialogs and "not saved" in a.dialogs[-1]
        assert a.page.locator("#sentence-text").input_value() == "typed, not saved"
    finally:
        a.close()
        b.close()


def test_every_desk_page_fits_a_phone(browser: Any, server: str) -> None:
    """At 390x844 no desk page scrolls sideways; a skip link leads to the content."""
    issue = httpx.get(f"{server}/api/issues", timeout=10).json()["issues"][0]["id"]
    work = document(server, issue)["issue"]["works"][0]["id"]
    phone = Editor(browser, server, PHONE)
    page = phone.page
    try:
        wide = {}
        for path in ("/", "/search?q=border+conflict+Ferghana", "/search?q=xqzvy+blorft", f"/works/{work}",
                     "/issues/new", f"/issues/{issue}/review", f"/issues/{issue}/review?add_q=water",
                     f"/issues/{issue}/brief", f"/issues/{issue}/themes", f"/issues/{issue}/editorial",
                     f"/issues/{issue}/editorial?s=s4", f"/issues/{issue}/preview", f"/issues/{issue}/publish",
                     f"/issues/{issue}/history", f"/issues/{issue}/restore?version=1", "/api/docs"):
            phone.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE[0]:
                wide[path] = width
        phone.goto("/issues/new")
        page.locator("#event-text").fill(gold()["event"])
        page.get_by_role("button", name="Read the event").click()
        page.wait_for_url("**/issues/brief")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE[0]:
            wide["/issues/brief"] = page.evaluate("document.documentElement.scrollWidth")
        phone.shot("16-phone-brief")
        assert wide == {}, wide
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    finally:
        phone.close()


def test_a_published_issue_has_one_stable_address(editor: Editor, server: str) -> None:
    """Publish, change, publish again: the issue's address shows the latest published version;
    the older one keeps its own address; history marks what is published."""
    page = editor.page
    issue = new_issue(server, size=6)
    editor.goto(f"/issues/{issue}/publish")
    assert "Draft" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Publish version 1")).click()
    permalink = page.locator("a.permalink")
    address = permalink.get_attribute("href")
    assert address == f"/published/issue-{issue}/issue.html"
    first_title = document(server, issue)["issue"]["title"]
    changed = httpx.patch(f"{server}/api/issues/{issue}", timeout=60, json={
        "base_version": 1, "changes": [{"op": "set_title", "title": "The border, seen again"}]})
    assert changed.status_code == 200, changed.text
    editor.goto(f"/issues/{issue}/publish")
    assert "The border, seen again" in page.locator("#changes-since").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Publish version 2")).click()
    editor.goto(address)
    assert "The border, seen again" in page.locator("body").inner_text()
    editor.goto(f"/published/issue-{issue}/v1/issue.html")
    assert first_title in page.locator("body").inner_text()
    editor.goto(f"/issues/{issue}/history")
    marks = page.locator("li.version .tag.is-published").all_inner_texts()
    assert len(marks) == 2 and any("address shows it" in m for m in marks), marks
    assert "address shows it" in page.locator("li#v2").inner_text()


def test_screening_by_keyboard_and_in_bulk(editor: Editor, server: str) -> None:
    """j/k move between works, x ticks one, and one bulk action rejects every ticked work (each
    replaced by the next candidate); the lists show each work's abstract."""
    page = editor.page
    issue = new_issue(server, size=6)
    editor.goto(f"/issues/{issue}/review")
    assert page.locator("li.candidate:not(.selected) .snippet").count() > 0
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.dataset.work")
    page.keyboard.press("x")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.dataset.work")
    page.keyboard.press("x")
    assert first != second and page.locator("#bulk-selected").count() == 1
    assert page.locator("input.tick:checked").count() == 2
    with page.expect_navigation():
        page.get_by_role("button", name="Reject ticked").click()
    assert page.locator("li.candidate.selected").count() == 6
    selected = page.locator("li.candidate.selected").evaluate_all("(cards) => cards.map((c) => c.dataset.work)")
    assert first not in selected and second not in selected
    assert page.locator("li.candidate.rejected").count() == 2
