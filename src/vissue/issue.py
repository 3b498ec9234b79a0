"""The VirtualIssue document: the single source of truth of a build.

One JSON file holds everything a virtual issue is: the event brief, the journal profile, the
selected works (self-contained: renders never query the library), the themes, the editorial
with the provenance of every sentence, why each work was chosen (and why others were passed
over), and the parameters and vissue version that built it. Every render (Markdown, HTML, RIS,
BibTeX, CSL-JSON) is a pure function of this document.

Shape (schema version 1)::

    {
      "schema": "vissue/virtual-issue", "version": 1, "vissue": "0.1.0", "created": "2026-…Z",
      "title": "…", "brief": {EventBrief.to_dict()}, "journal": {JournalProfile},
      "parameters": {"size": 10, "search": {…}, "themes": …},
      "works":   [IssueWork…]      in the order of the issue (theme by theme),
      "themes":  [Theme…]          in the order of the argument,
      "editorial": {"sentences": [Sentence…]},
      "passed_over": [{"id", "title", "reason"}…],
      "image": {"url", "caption", "credit"} | null,
      "map": [{"id", "x", "y", "theme", "selected", "title"}…]   2-D map of the candidates
    }
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .json_input import loads

SCHEMA = "vissue/virtual-issue"
VERSION = 1
TIMESTAMP_FIELD = "created"  # the one field that differs between two builds of the same inputs


@dataclass
class IssueAuthor:
    family: str
    given: str = ""
    orcid: str | None = None


@dataclass
class IssueWork:
    """A selected work, with everything renders need and why it was chosen."""

    id: int  # the library's id
    ids: dict[str, str]  # doi, wos, openalex, pmid, … (no library id)
    title: str
    authors: list[IssueAuthor]
    year: int | None
    venue: str | None
    issn: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doc_type: str = "article"
    language: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    publisher: str | None = None
    theme: str | None = None  # Theme.id
    why: dict[str, Any] = field(default_factory=dict)  # rank, scores, places, phrases, reason

    @classmethod
    def from_stored(cls, stored: Any, *, why: dict[str, Any] | None = None) -> IssueWork:
        """The document's copy of a library work (a vissue.library.StoredWork)."""
        work = stored.work
        return cls(
            id=stored.id,
            ids=dict(work.ids),
            title=work.title or "",
            authors=[IssueAuthor(a.family, a.given, a.orcid) for a in work.authors],
            year=work.year,
            venue=stored.venue_name or work.venue.name,
            issn=work.venue.issn or work.venue.eissn,
            volume=work.volume,
            issue=work.issue,
            pages=work.pages,
            doc_type=work.doc_type.value,
            language=work.language,
            abstract=work.abstract,
            keywords=list(work.keywords),
            publisher=work.venue.publisher,
            why=why or {},
        )


@dataclass
class Theme:
    id: str  # 't1', 't2', … in the order of the argument
    label: str  # as an editor would name it: 'political institutions'
    works: list[int]  # IssueWork.id, in the order the editorial introduces them
    lens: str | None = None  # the vocabulary entry the label came from, if any
    rationale: str = ""  # why these works and this name (terms that matched)


@dataclass
class SourceSentence:
    """A sentence of a work's abstract that an editorial sentence rests on."""

    work: int
    index: int  # 0-based sentence number in the work's abstract (-1: the title)
    text: str


@dataclass
class Sentence:
    """One sentence of the editorial and where it came from."""

    id: str  # 's1', 's2', …
    text: str
    part: str  # 'event' | 'framing' | 'theme' | 'scope'
    paragraph: int
    theme: str | None = None
    works: list[int] = field(default_factory=list)  # works it names or speaks of
    sources: list[SourceSentence] = field(default_factory=list)
    edited: bool = False  # changed by an editor: no longer generated


@dataclass
class JournalProfile:
    name: str | None = None
    issn: str | None = None
    publisher: str | None = None
    scope: str | None = None
    citation_style: str = "apa"
    url: str | None = None
    library: str | None = None  # how the editorial names works from several journals ("the X Library")


@dataclass
class Image:
    url: str
    caption: str = ""
    credit: str = ""


@dataclass
class VirtualIssue:
    title: str
    brief: dict[str, Any]
    journal: JournalProfile
    works: list[IssueWork]
    themes: list[Theme]
    sentences: list[Sentence]
    parameters: dict[str, Any] = field(default_factory=dict)
    passed_over: list[dict[str, Any]] = field(default_factory=list)
    image: Image | None = None
    map: list[dict[str, Any]] = field(default_factory=list)  # {"id", "x", "y", "theme", "selected", "title"}
    created: str = ""
    vissue: str = __version__

    # -- lookups -------------------------------------------------------------------------------

    def work(self, work_id: int) -> IssueWork:
        for work in self.works:
            if work.id == work_id:
                return work
        raise KeyError(work_id)

    def theme_works(self, theme: Theme) -> list[IssueWork]:
        return [self.work(i) for i in theme.works]

    # -- JSON ----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "version": VERSION,
            "vissue": self.vissue,
            "created": self.created,
            "title": self.title,
            "brief": self.brief,
            "journal": asdict(self.journal),
            "parameters": self.parameters,
            "works": [asdict(w) for w in self.works],
            "themes": [asdict(t) for t in self.themes],
            "editorial": {"sentences": [asdict(s) for s in self.sentences]},
            "passed_over": self.passed_over,
            "image": asdict(self.image) if self.image else None,
            "map": self.map,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "the issue") -> VirtualIssue:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise InputError(f"{source}: not a vissue virtual issue (no \"schema\": \"{SCHEMA}\")")
        if data.get("version") != VERSION:
            raise InputError(f"{source}: virtual issue version {data.get('version')}; this vissue reads {VERSION}")
        try:
            works = [IssueWork(**{**w, "authors": [IssueAuthor(**a) for a in w.get("authors", [])]})
                     for w in data["works"]]
            sentences = [Sentence(**{**s, "sources": [SourceSentence(**x) for x in s.get("sources", [])]})
                         for s in data["editorial"]["sentences"]]
            return cls(
                title=data["title"], brief=data["brief"], journal=JournalProfile(**data.get("journal") or {}),
                works=works, themes=[Theme(**t) for t in data["themes"]], sentences=sentences,
                parameters=data.get("parameters") or {}, passed_over=data.get("passed_over") or [],
                image=Image(**data["image"]) if data.get("image") else None, map=data.get("map") or [],
                created=data.get("created", ""), vissue=data.get("vissue", ""),
            )
        except (KeyError, TypeError) as e:
            raise InputError(f"{source}: malformed virtual issue ({e})") from e

    @classmethod
    def load(cls, path: str | Path) -> VirtualIssue:
        path = Path(path)
        try:
            data = loads(path.read_text(encoding="utf-8"), source=str(path))
        except FileNotFoundError as e:
            raise InputError(f"{path}: no such file") from e
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
        return cls.from_dict(data, source=str(path))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")


def known_fields(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}
