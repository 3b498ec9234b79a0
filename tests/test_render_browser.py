"""The HTML page of the seed issue in a real headless Chromium (Debian's, driven by Playwright):
what a reader sees, on a desktop, a phone and paper. A full-page screenshot is kept at
artifacts/screenshots/issue.png (and issue-phone.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, shared_path
from test_render import GOLD, OGE_DOI, build_seed_issue
from vissue.issue import VirtualIssue
from vissue.render import heading as heading_text
from vissue.render import render

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# A stand-in for the editor's photograph (the test has no network and ships no photo).
IMAGE = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" viewBox="0 0 1200 600">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7f9bb8"/>
<stop offset="1" stop-color="#d8d0bf"/></linearGradient></defs><rect width="1200" height="600" fill="url(#sky)"/>
<rect y="400" width="1200" height="200" fill="#5f5b54"/><rect x="140" y="250" width="260" height="150" fill="#8a8172"/>
<rect x="760" y="210" width="320" height="190" fill="#7b7367"/></svg>"""


@pytest.fixture(scope="module")
def page_issue(browser: Any, seed_library: Path) -> VirtualIssue:
    return build_seed_issue(seed_library, shared_path(*GOLD))


@pytest.fixture(scope="module")
def page_file(page_issue: VirtualIssue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page")
    (folder / "aktobe.svg").write_text(IMAGE, encoding="utf-8")
    path = folder / "issue.html"
    path.write_text(render(page_issue, "html"), encoding="utf-8")
    return path


def _open(browser: Any, path: Path, *, width: int, height: int = 900) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, requests


def test_page_shows_editorial_themes_figures_and_list(browser: Any, page_file: Path, page_issue: VirtualIssue) -> None:
    context, page, requests = _open(browser, page_file, width=1280)
    try:
        assert page.title().startswith(page_issue.title)
        assert page.locator("h1").inner_text() == page_issue.title
        # the editorial, sentence by sentence, each with its sources in a tooltip
        sentences = page.locator("#editorial span[data-sentence]")
        assert sentences.count() == len(page_issue.sentences)
        assert sentences.first.is_visible()
        assert page.locator("#editorial").inner_text().count(page_issue.sentences[2].text) == 1
        assert page.locator("#editorial span[data-works]").first.get_attribute("title").startswith("Drawn from:")
        image = page.locator(".event-image img")
        assert image.is_visible() and image.evaluate("img => img.naturalWidth") > 0
        # the themes and their works
        for theme in page_issue.themes:
            heading = page.locator(f"#theme-{theme.id}-heading")
            assert heading.is_visible() and heading_text(theme.label) in heading.inner_text()
            assert page.locator(f"#theme-{theme.id} article.work").count() == len(theme.works)
        oge = next(w for w in page_issue.works if w.ids.get("doi") == OGE_DOI)
        link = page.locator(f"#work-{oge.id} h4 a")
        assert link.is_visible() and link.get_attribute("href") == f"https://doi.org/{OGE_DOI}"
        # the figures: both drawn, at a readable size, with their dots
        for selector in ("#theme-map svg", "#timeline svg"):
            svg = page.locator(selector)
            assert svg.is_visible()
            box = svg.bounding_box()
            assert box["width"] > 500 and box["height"] > 150, box
        assert page.locator("#theme-map svg g.selected").count() == len(page_issue.works)
        assert page.locator("#timeline svg g.selected").count() == len(page_issue.works)
        # the reference list and the scope
        assert page.locator("#references li").count() == len(page_issue.works)
        assert page.locator("#references").is_visible() and page.locator("#about").is_visible()
        # nothing but the page and its image was asked for
        assert all(url.startswith("file://") for url in requests), requests
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "issue.png"), full_page=True)
        assert (SCREENSHOTS / "issue.png").stat().st_size > 50_000
    finally:
        context.close()


def test_page_on_a_phone_is_one_column(browser: Any, page_file: Path) -> None:
    context, page, _ = _open(browser, page_file, width=390, height=844)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page
        toc, main = page.locator("nav.toc").bounding_box(), page.locator("main").bounding_box()
        assert toc["y"] + toc["height"] <= main["y"] and abs(toc["x"] - main["x"]) < 2
        first_work = page.locator("article.work").first.bounding_box()
        assert first_work["width"] > 330
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "issue-phone.png"), full_page=True)
    finally:
        context.close()


def test_page_in_print(browser: Any, page_file: Path, page_issue: VirtualIssue) -> None:
    context, page, _ = _open(browser, page_file, width=1000)
    try:
        page.emulate_media(media="print")
        assert not page.locator("nav.toc").is_visible() and not page.locator(".skip-link").is_visible()
        oge = next(w for w in page_issue.works if w.ids.get("doi") == OGE_DOI)
        after = page.locator(f"#work-{oge.id} h4 a").evaluate(
            "a => getComputedStyle(a, '::after').content")
        assert f"https://doi.org/{OGE_DOI}" in after
        assert page.locator("#theme-map svg").is_visible()
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    finally:
        context.close()

