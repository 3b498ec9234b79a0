"""Renders of a virtual issue: pure functions of the document, one module a format.

    from vissue.render import render, FORMATS
    html = render(issue, "html", style="chicago-author-date")
    Path("issue" + FORMATS["bibtex"].suffix).write_text(render(issue, "bibtex"))

Renders never query the library: everything they print is in the VirtualIssue. Same document
in, same text out (the only date shown is the document's own ``created``). The helpers below
are what several renders share: the citation keys, DOI links, names, the works theme by theme,
and the editorial's paragraphs.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from ..errors import InputError
from ..issue import IssueAuthor, IssueWork, Sentence, Theme, VirtualIssue
from ..text import is_shouting, name_list, particle_name, smart_title

__all__ = [
    "FORMATS",
    "Format",
    "RenderFormat",
    "render",
]


class Format(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    RIS = "ris"
    BIBTEX = "bibtex"
    CSLJSON = "csljson"


@dataclass(frozen=True)
class RenderFormat:
    format: Format
    suffix: str  # what a file of this format is called: issue + suffix
    media_type: str
    description: str
    function: str  # "module:function" in this package, imported when first used
    styled: bool = False  # takes a citation style (it prints a reference list)


FORMATS: dict[str, RenderFormat] = {f.format.value: f for f in (
    RenderFormat(Format.MARKDOWN, ".md", "text/markdown; charset=utf-8",
                 "the issue as Markdown text", "markdown:render_markdown", styled=True),
    RenderFormat(Format.HTML, ".html", "text/html; charset=utf-8",
                 "a standalone web page (no outside requests)", "html:render_html", styled=True),
    RenderFormat(Format.RIS, ".ris", "application/x-research-info-systems",
                 "the selected works as RIS records", "ris:render_ris"),
    RenderFormat(Format.BIBTEX, ".bib", "application/x-bibtex; charset=utf-8",
                 "the selected works as BibTeX entries", "bibtex:render_bibtex"),
    RenderFormat(Format.CSLJSON, ".csl.json", "application/vnd.citationstyles.csl+json",
                 "the selected works as CSL-JSON items", "csljson:render_csljson"),
)}


def render(issue: VirtualIssue, fmt: str, *, style: str | None = None) -> str:
    """The issue in one format (see FORMATS); ``style`` is the citation style of the reference
    list (md, html), by default the journal's (``issue.journal.citation_style``)."""
    spec = FORMATS.get(str(fmt))
    if spec is None:
        raise InputError(f"unknown render format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if style is not None and not spec.styled:
        raise InputError(f"a citation style applies to the reference list of "
                         f"{' and '.join(k for k, f in FORMATS.items() if f.styled)}, not to {spec.format.value}")
    module_name, function_name = spec.function.split(":")
    function: Callable[..., str] = getattr(importlib.import_module(f"{__name__}.{module_name}"), function_name)
    issue = displayed(issue)
    return function(issue, style=style) if spec.styled else function(issue)


def displayed(issue: VirtualIssue) -> VirtualIssue:
    """The issue as every render shows it: titles exported in capitals ('US POLICY AND CENTRAL
    ASIA') in title case with their acronyms kept ('US Policy and Central Asia'); a surname cut
    before its particle made whole ('Feaux de la Croix, Jeanne')."""
    shown = copy.copy(issue)
    shown.works = [_displayed_work(w) for w in issue.works]
    return shown


def _displayed_work(work: IssueWork) -> IssueWork:
    authors = []
    for a in work.authors:
        family, given = particle_name(a.family, a.given)
        authors.append(a if (family, given) == (a.family, a.given) else dataclasses.replace(a, family=family, given=given))
    title = smart_title(work.title) if is_shouting(work.title) else work.title
    if title == work.title and authors == work.authors:
        return work
    return dataclasses.replace(work, title=title, authors=authors)


# ---- shared by the renders ---------------------------------------------------------------------

def doi_url(doi: str | None) -> str | None:
    """https://doi.org/10.1016/… with the characters a URL cannot hold escaped."""
    if not doi:
        return None
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-")


def first_page_last_page(pages: str | None) -> tuple[str | None, str | None]:
    """'161-171' -> ('161', '171'); 'e123' -> ('e123', None)."""
    if not pages:
        return None, None
    parts = [p.strip() for p in re.split(r"\s*[-–—]+\s*", pages.strip()) if p.strip()]
    if not parts:
        return None, None
    return parts[0], (parts[1] if len(parts) > 1 else None)


def author_display(author: IssueAuthor) -> str:
    return f"{author.given} {author.family}".strip() if author.given else author.family


def authors_short(work: IssueWork) -> str:
    """As the editorial names works: 'Öge', 'Palazuelos and Fernández', 'Somzhurek et al.'."""
    return name_list([a.family for a in work.authors]) or work.venue or "Anonymous"


def year_label(work: IssueWork) -> str:
    return str(work.year) if work.year else "n.d."


def work_label(work: IssueWork) -> str:
    """'Öge 2017', 'Vanderhill n.d.': short enough to label a point of a figure."""
    names = [a.family for a in work.authors if a.family]
    who = (names[0] + (" et al." if len(names) > 2 else f" & {names[1]}" if len(names) == 2 else "")
           if names else (work.title or "")[:24])
    return f"{who} {year_label(work)}"


_TITLE_STOP = frozenset(["a", "an", "the", "of", "on", "in", "and", "for", "to", "from", "with", "at", "by", "is", "are"])


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def citation_keys(works: list[IssueWork]) -> dict[int, str]:
    """A stable key a work, shared by RIS (ID), BibTeX and CSL-JSON (id): first author's family
    name, year (left out when unknown) and first significant title word, ASCII, lower case
    ('kanapyanov2018role', 'vanderhillactive'); a repeat gets 'b', 'c', … in issue order."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for work in works:
        family = next((_ascii_word(a.family) for a in work.authors if _ascii_word(a.family)), "")
        words = [_ascii_word(w) for w in re.sub(r"<[^>]+>", " ", work.title or "").split()]
        words = [w for w in words if w]
        first = next((w for w in words if w not in _TITLE_STOP), words[0] if words else "")
        base = f"{family or 'anon'}{work.year or ''}{first}"
        key, n = base, 1
        while key in taken:
            key = base + "abcdefghijklmnopqrstuvwxyz"[n] if n < 26 else f"{base}{n}"
            n += 1
        taken.add(key)
        keys[work.id] = key
    return keys


@dataclass
class ThemeGroup:
    """A theme with its works in the order the editorial introduces them."""

    id: str | None
    label: str
    works: list[IssueWork]
    number: int  # 1-based, in the order of the argument


def heading(label: str) -> str:
    """A theme's name as a heading: its first letter a capital ('oil' -> 'Oil'; 'CSTO' stays)."""
    return label[:1].upper() + label[1:]


def theme_groups(issue: VirtualIssue) -> list[ThemeGroup]:
    """The works theme by theme, each under its name as a heading; works no theme lists come
    last under 'Further works'."""
    groups: list[ThemeGroup] = []
    listed: set[int] = set()
    for n, theme in enumerate(issue.themes, 1):
        groups.append(ThemeGroup(theme.id, heading(theme.label), _theme_works(issue, theme), n))
        listed.update(theme.works)
    rest = [w for w in issue.works if w.id not in listed]
    if rest:
        groups.append(ThemeGroup(None, "Further works" if groups else "Works", rest, len(groups) + 1))
    return groups


def _theme_works(issue: VirtualIssue, theme: Theme) -> list[IssueWork]:
    try:
        return issue.theme_works(theme)
    except KeyError as e:
        raise InputError(f"theme {theme.id} ({theme.label!r}) lists work {e.args[0]}, "
                         "which is not among the issue's works") from e


def ordered_works(issue: VirtualIssue) -> list[IssueWork]:
    """Every selected work once, theme by theme: the order of every list the renders print."""
    return [w for group in theme_groups(issue) for w in group.works]


@dataclass
class Editorial:
    """The editorial's sentences as paragraphs: the event first (the image follows it), then the
    rest; the scope sentences apart, for the end of the page."""

    lead: list[list[Sentence]]
    body: list[list[Sentence]]
    scope: list[Sentence]


def editorial_paragraphs(issue: VirtualIssue) -> Editorial:
    order: list[int] = []
    by_paragraph: dict[int, list[Sentence]] = {}
    scope: list[Sentence] = []
    for sentence in issue.sentences:
        if sentence.part == "scope":
            scope.append(sentence)
            continue
        if sentence.paragraph not in by_paragraph:
            order.append(sentence.paragraph)
            by_paragraph[sentence.paragraph] = []
        by_paragraph[sentence.paragraph].append(sentence)
    paragraphs = [by_paragraph[p] for p in sorted(order)]
    lead_count = 0
    for paragraph in paragraphs:
        if all(s.part == "event" for s in paragraph):
            lead_count += 1
        else:
            break
    return Editorial(paragraphs[:lead_count], paragraphs[lead_count:], scope)


def scope_text(issue: VirtualIssue) -> str | None:
    """The journal's scope statement: the editorial's scope sentences, else the profile's."""
    sentences = [s.text for s in issue.sentences if s.part == "scope"]
    return " ".join(sentences) if sentences else (issue.journal.scope or None)


_LANGUAGES = {
    "english": "en", "russian": "ru", "german": "de", "french": "fr", "spanish": "es",
    "italian": "it", "portuguese": "pt", "chinese": "zh", "japanese": "ja", "kazakh": "kk",
    "polish": "pl", "czech": "cs", "ukrainian": "uk", "turkish": "tr", "uzbek": "uz",
    "hungarian": "hu", "romanian": "ro", "croatian": "hr", "serbian": "sr", "dutch": "nl",
    "korean": "ko", "arabic": "ar", "persian": "fa", "swedish": "sv", "finnish": "fi",
}


def language_code(language: str | None) -> str | None:
    """'English' -> 'en'; a code ('en', 'en-US') as it is; None when unknown."""
    if not language:
        return None
    text = language.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", text) and len(text.split("-")[0]) <= 3:
        return text if "-" in text else text.lower()
    return _LANGUAGES.get(text.lower())
