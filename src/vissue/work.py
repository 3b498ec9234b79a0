"""The record model: a Work with its Authors, Venue and the Origin of the record it was read from."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from .ids import WORK_SCHEMES, Scheme


class DocType(StrEnum):
    """Kinds of publication, one vocabulary for every source format."""

    ARTICLE = "article"
    REVIEW = "review"
    BOOK = "book"
    CHAPTER = "book-chapter"
    PROCEEDINGS = "proceedings-paper"
    THESIS = "thesis"
    REPORT = "report"
    EDITORIAL = "editorial"
    BOOK_REVIEW = "book-review"
    CORRECTION = "correction"
    LETTER = "letter"
    PREPRINT = "preprint"
    DATASET = "dataset"
    OTHER = "other"


# What sources call their types, folded to lower case, mapped onto DocType.
_TYPE_WORDS = {
    DocType.CORRECTION: ("correction", "erratum", "corrigendum", "retraction", "addendum",
                         "published erratum", "retraction of publication"),
    DocType.BOOK_REVIEW: ("book review", "book-review"),
    DocType.EDITORIAL: ("editorial", "editorial material", "editor", "note", "comment", "news",
                        "article-commentary"),
    DocType.CHAPTER: ("book chapter", "book-chapter", "chapter", "chap", "inbook", "incollection",
                      "book-section", "book-part", "echap", "section"),
    DocType.PROCEEDINGS: ("proceedings paper", "proceedings-article", "conference paper",
                          "conference", "inproceedings", "conf", "cpaper", "paper-conference",
                          "proceedings"),
    DocType.THESIS: ("thesis", "thes", "phdthesis", "mastersthesis", "dissertation",
                     "phd thesis", "mres thesis"),
    DocType.REVIEW: ("review", "review article", "short survey", "review-article", "scoping review", "systematic review", "meta-analysis"),
    DocType.BOOK: ("book", "monograph", "ebook", "edbook", "edited-book", "collection"),
    DocType.REPORT: ("report", "rprt", "techreport", "working paper"),
    DocType.LETTER: ("letter", "letter to the editor"),
    DocType.PREPRINT: ("preprint", "posted-content"),
    DocType.DATASET: ("dataset", "data", "data paper"),
    DocType.ARTICLE: ("article", "journal article", "case-report", "brief-report", "case reports", "journal-article", "jour", "ejour",
                      "article-journal", "research-article", "journal", "gen", "original article",
                      "early access", "article in press", "mgzn", "magazine-article", "newspaper-article"),
}
_TYPE_LOOKUP = {word: kind for kind, words in _TYPE_WORDS.items() for word in words}


def parse_doc_type(*labels: str | None) -> DocType:
    """Map a source's type labels ('Article; Book Chapter', 'JOUR', 'incollection') to a DocType.

    When a record gives several ('Article; Book Chapter'), the most specific one wins.
    """
    found: list[DocType] = []
    for label in labels:
        if not label:
            continue
        for part in re.split(r"[;,|]", label):
            word = " ".join(part.strip().lower().replace("_", " ").split())
            kind = _TYPE_LOOKUP.get(word) or _TYPE_LOOKUP.get(word.replace(" ", "-"))
            if kind:
                found.append(kind)
    if not found:
        return DocType.OTHER
    order = list(_TYPE_WORDS)  # most specific first
    return min(found, key=order.index)


@dataclass
class Author:
    family: str
    given: str = ""
    orcid: str | None = None
    affiliation: str | None = None

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip() if self.given else self.family


@dataclass
class Venue:
    name: str | None = None
    issn: str | None = None
    eissn: str | None = None
    abbreviation: str | None = None
    publisher: str | None = None


@dataclass
class Origin:
    """Where a record came from: the file, its position in it, its format, its text verbatim."""

    file: str
    position: str  # 'line 12', 'key WOS:000…', 'item 3'
    format: str
    raw: str = ""


@dataclass
class Work:
    """One publication as read from one record (or merged from several)."""

    title: str | None = None
    ids: dict[str, str] = field(default_factory=dict)  # Scheme value -> canonical id
    isbns: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    venue: Venue = field(default_factory=Venue)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doc_type: DocType = DocType.OTHER
    early_access: bool = False
    language: str | None = None
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # fields the model has no place for
    origin: Origin | None = None

    def identifiers(self) -> list[tuple[str, str]]:
        """(scheme, value) pairs by which this work can be found, ISBNs included."""
        pairs = [(s, v) for s, v in self.ids.items() if v]
        pairs += [(Scheme.ISBN.value, isbn) for isbn in self.isbns]
        return pairs

    def work_ids(self) -> list[tuple[str, str]]:
        """The identifiers that name exactly this work (no ISBN: chapters share it)."""
        return [(s.value, self.ids[s.value]) for s in WORK_SCHEMES if self.ids.get(s.value)]

    def to_dict(self, *, origin: bool = False) -> dict[str, Any]:
        """Plain data for JSON (written out by hand: dataclasses.asdict deep-copies, slowly)."""
        data = {
            "title": self.title,
            "ids": dict(self.ids),
            "isbns": list(self.isbns),
            "authors": [vars(a).copy() for a in self.authors],
            "year": self.year,
            "venue": vars(self.venue).copy(),
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doc_type": self.doc_type.value,
            "early_access": self.early_access,
            "language": self.language,
            "abstract": self.abstract,
            "keywords": list(self.keywords),
            "references": list(self.references),
            "extra": dict(self.extra),
        }
        if origin:
            data["origin"] = asdict(self.origin) if self.origin else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Work:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["authors"] = [Author(**a) for a in data.get("authors") or []]
        values["venue"] = Venue(**(data.get("venue") or {}))
        values["doc_type"] = DocType(data.get("doc_type") or DocType.OTHER)
        if data.get("origin"):
            values["origin"] = Origin(**data["origin"])
        return cls(**values)


@dataclass
class Reject:
    """A record that could not become a Work, and why."""

    file: str
    position: str
    field: str | None
    reason: str
    raw: str = ""

    def message(self) -> str:
        where = f"{self.file}, {self.position}"
        what = f"field {self.field}: " if self.field else ""
        return f"{where}: {what}{self.reason}"


@dataclass
class Notice:
    """Something a reader repaired or doubts in a record it still read: shown, never fatal."""

    file: str
    position: str
    field: str | None
    message: str

    def text(self) -> str:
        what = f"field {self.field}: " if self.field else ""
        return f"{self.file}, {self.position}: {what}{self.message}"


def parse_year(text: str | int | None) -> int | None:
    """The first plausible four-digit year in a date field ('2010///', 'OCT 2020', 2019)."""
    if text is None:
        return None
    if isinstance(text, int):
        return text if 1000 <= text <= 2100 else None
    match = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)", str(text))
    return int(match.group(1)) if match else None


def parse_name(text: str) -> Author | None:
    """'Cojocaru, A' / 'Palazuelos, Enrique' / 'Enrique Palazuelos' -> Author."""
    text = " ".join(text.split()).strip(" ;,")
    if not text:
        return None
    if "," in text:
        family, _, given = text.partition(",")
        return Author(family=family.strip(), given=given.strip())
    parts = text.split(" ")
    if len(parts) == 1:
        return Author(family=parts[0])
    # Particles belong to the family name: 'Ludwig van Beethoven' -> 'van Beethoven'.
    cut = len(parts) - 1
    while cut > 1 and parts[cut - 1].lower() in {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos", "das", "bin", "ibn", "al"}:
        cut -= 1
    return Author(family=" ".join(parts[cut:]), given=" ".join(parts[:cut]))


def parse_full_name(full: str, short: str) -> Author | None:
    """A full name without a comma read by its short form, which says what the family name is:
    'Zhou Qiang' with 'Zhou, Q' (family first, as Web of Science gives many Chinese and Korean
    names), 'Filippo Costa Buranelli' with 'Costa Buranelli, F' (a family name of two words).
    Without such a short form, or when its family name neither opens nor ends the full name,
    the full name is read alone (`parse_name`)."""
    full = " ".join(full.split()).strip(" ;,")
    family = short.partition(",")[0].split()
    words = full.split()
    if "," in full or "," not in short or not family or len(words) <= len(family):
        return parse_name(full)
    folded = [w.lower() for w in words]
    wanted = [w.lower() for w in family]
    if folded[:len(family)] == wanted:
        return Author(family=" ".join(words[:len(family)]), given=" ".join(words[len(family):]))
    if folded[-len(family):] == wanted:
        return Author(family=" ".join(words[-len(family):]), given=" ".join(words[:-len(family)]))
    return parse_name(full)
