"""PubMed MEDLINE / .nbib: tagged records ('PMID- 123', 'TI  - …', continuation lines indented).

A record starts at its 'PMID-' line (or at the first tag after a blank line) and runs to the
next blank line. Tags are four characters padded with spaces, then '- '; a long value goes on
in lines indented six spaces. PubMed ends every record with its 'SO' (source) line, which is
how a record cut off by the end of the file is told apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from ..text import clean_abstract, clean_field
from ..work import Author, DocType, Origin, Reject, Venue, Work, parse_doc_type, parse_year
from .fields import add_unique

FORMAT = "medline"

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{3})-(?: |$)(.*)$")
_SNIFF = re.compile(r"^PMID- ?\d", re.MULTILINE)
_ANY_TAG = re.compile(r"^[A-Z][A-Z0-9 ]{3}- ", re.MULTILINE)

# Tags that may occur more than once in a record: kept as lists in `extra` even when single.
REPEATABLE = {
    "AD", "AID", "AU", "AUID", "CIN", "CN", "CON", "CRF", "CRI", "DDIN", "DRIN", "ECF", "ECI",
    "EFR", "EIN", "FAU", "FED", "FIR", "FPS", "GN", "GR", "GS", "IR", "IRAD", "IS", "ISBN",
    "LA", "LID", "MH", "MID", "OAB", "OABL", "OCI", "OID", "ORI", "OT", "OTO", "PHST", "PMCR",
    "PS", "PT", "RF", "RIN", "RN", "ROF", "RPF", "RPI", "RRF", "RRI", "SFM", "SI", "SPIN",
    "UIN", "UOF", "COIS", "ED",
}

# PubMed publication types that parse_doc_type does not know by that name. None: the type
# says nothing about the kind of document (it is a flag on top of the real type).
PUBMED_TYPES: dict[str, str | None] = {
    "journal article": "article",
    "published erratum": "erratum",
    "retraction of publication": "retraction",
    "retracted publication": None,
    "expression of concern": "correction",
    "comment": None,
    "case reports": "article",
    "congress": "conference",
    "clinical conference": "conference",
    "consensus development conference": "conference",
    "consensus development conference, nih": "conference",
    "systematic review": "review",
    "scoping review": "review",
    "meta-analysis": "review",
    "review": "review",
    "editorial": "editorial",
    "letter": "letter",
    "news": "news",
    "newspaper article": "newspaper-article",
    "preprint": "preprint",
    "dataset": "dataset",
    "technical report": "report",
    "book": "book",
    "introductory journal article": "article",
    "historical article": "article",
    "biography": "article",
    "portrait": None,
    "interview": "article",
    "lecture": "article",
    "address": "article",
    "autobiography": "article",
}


def pubmed_doc_type(types: list[str]) -> DocType:
    """PubMed publication types ('Journal Article', 'Review', 'Published Erratum') -> DocType."""
    labels: list[str] = []
    for kind in types:
        key = " ".join(kind.lower().split())
        if key in PUBMED_TYPES:
            label = PUBMED_TYPES[key]
            if label:
                labels.append(label)
        else:
            # Types such as "Research Support, Non-U.S. Gov't": keep the comma from splitting.
            labels.append(key.replace(",", " "))
    return parse_doc_type(*labels)


def expand_pages(text: str | None) -> str | None:
    """'1118-28' -> '1118-1128' (MEDLINE shortens end pages); en dashes and spaces normalised."""
    if not text:
        return None
    pages = re.sub(r"\s*[‐‑‒–—−-]\s*", "-", " ".join(text.split()))
    match = re.fullmatch(r"(\d+)-(\d+)", pages)
    if match:
        start, end = match.groups()
        if len(end) < len(start):
            full = start[: len(start) - len(end)] + end
            if int(full) >= int(start):
                end = full
        pages = f"{start}-{end}"
    return pages or None


def sniff(head: str) -> bool:
    """A 'PMID- ' line among the first lines, and tag-shaped lines around it."""
    top = "\n".join(head.split("\n", 40)[:40])
    return bool(_SNIFF.search(top)) and len(_ANY_TAG.findall(top)) >= 2


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines as written) of each record."""
    start = 0
    lines: list[str] = []
    blank_before = True
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            blank_before = True
            continue
        is_tag = bool(_TAG_LINE.match(line.rstrip()))
        if lines and is_tag and (line.startswith("PMID-") or blank_before):
            yield start, lines
            lines = []
        if not lines:
            start = number
        lines.append(line)
        blank_before = False
    if lines:
        yield start, lines


def _fields(lines: list[str]) -> list[tuple[str, str]]:
    """(tag, value) pairs in order; continuation lines joined to their field with a space."""
    out: list[tuple[str, str]] = []
    for line in lines:
        line = line.rstrip()
        match = _TAG_LINE.match(line)
        if match:
            out.append((match.group(1).strip(), match.group(2).strip()))
        elif out:
            tag, value = out[-1]
            out[-1] = (tag, f"{value} {line.strip()}".strip())
        else:
            out.append(("", line.strip()))
    return out


def _split_au(text: str) -> Author | None:
    """'Neilen AD' -> Author('Neilen', 'AD'); 'van der Meulen MJ' -> ('van der Meulen', 'MJ')."""
    parts = text.split()
    if not parts:
        return None
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        return Author(family=" ".join(parts[:-1]), given=parts[-1])
    return Author(family=" ".join(parts))


def _parse_fau(text: str) -> Author | None:
    family, comma, given = text.partition(",")
    if not comma:
        return _split_au(text)
    return Author(family=family.strip(), given=given.strip())


def _keyword_from_mesh(term: str) -> str:
    """'*Flow Cytometry/methods' -> 'Flow Cytometry'."""
    return term.split("/")[0].strip().lstrip("*").strip()


def _work(fields: list[tuple[str, str]], *, file: str, position: str, raw: str) -> Work | Reject:
    extra: dict[str, Any] = {}
    authors: list[Author] = []
    ids: dict[str, str] = {}
    venue = Venue()
    values: dict[str, list[str]] = {}
    last_person: str | None = None  # 'author' or 'other' (investigators): where AD/AUID belong
    current: Author | None = None
    have_fau_for_current = False

    def keep(tag: str, value: str) -> None:
        if tag in REPEATABLE:
            extra.setdefault(tag, []).append(value)
        elif tag in extra:
            old = extra[tag]
            extra[tag] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            extra[tag] = value

    for tag, value in fields:
        values.setdefault(tag, []).append(value)
        if tag == "FAU":
            current = _parse_fau(value)
            if current:
                authors.append(current)
            have_fau_for_current = True
            last_person = "author"
        elif tag == "AU":
            if have_fau_for_current and last_person == "author":
                have_fau_for_current = False  # the short form of the FAU just read
                continue
            current = _split_au(value)
            if current:
                authors.append(current)
            last_person = "author"
        elif tag == "CN":
            current = Author(family=value)
            authors.append(current)
            have_fau_for_current = False
            last_person = "author"
        elif tag in {"IR", "FIR"}:
            keep(tag, value)
            last_person = "other"
            have_fau_for_current = False
        elif tag == "AD" and last_person == "author" and current is not None:
            current.affiliation = f"{current.affiliation}; {value}" if current.affiliation else value
        elif tag == "AUID" and last_person == "author" and current is not None and (
            value.upper().startswith("ORCID") and normalize_orcid(value)
        ):
            current.orcid = normalize_orcid(value)
        elif tag in {"AD", "AUID"}:
            keep(tag, value)  # an investigator's, or an identifier that is not an ORCID
        elif tag in _MAPPED:
            continue
        else:
            keep(tag, value)

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found else None

    title = clean_field(first("TI"))
    book_title = clean_field(first("BTI"))
    if not title and book_title:
        title, book_title = book_title, None
    if not title:
        return Reject(file, position, "TI", "record has no title", raw)

    pmid = normalize_pmid(first("PMID"))
    if pmid:
        ids["pmid"] = pmid
    doi = None
    for tag in ("LID", "AID"):
        for value in values.get(tag, []):
            if value.lower().endswith("[doi]") and not doi:
                doi = normalize_doi(value[: -len("[doi]")])
    if doi:
        ids["doi"] = doi
    pmcid = normalize_pmcid(first("PMC"))
    if pmcid:
        ids["pmcid"] = pmcid

    for value in values.get("IS", []):
        kind = value.rpartition("(")[2].rstrip(")").strip().lower() if "(" in value else "print"
        issn = normalize_issn(value)
        if kind == "print" and issn and not venue.issn:
            venue.issn = issn
        elif kind == "electronic" and issn and not venue.eissn:
            venue.eissn = issn
        else:
            extra.setdefault("IS", []).append(value)
    venue.name = clean_field(first("JT")) or book_title
    venue.abbreviation = clean_field(first("TA"))
    venue.publisher = clean_field(first("PB"))
    isbns = []
    for value in values.get("ISBN", []):
        isbn = normalize_isbn(value)
        if isbn and isbn not in isbns:
            isbns.append(isbn)

    keywords: list[str] = []
    add_unique(keywords, [clean_field(k) for k in values.get("OT", [])])
    add_unique(keywords, [clean_field(_keyword_from_mesh(m)) for m in values.get("MH", [])])

    types = values.get("PT", [])
    doc_type = pubmed_doc_type(types)
    if book_title and doc_type in {DocType.OTHER, DocType.BOOK} and first("TI"):
        doc_type = DocType.CHAPTER
    status = (first("PST") or "").lower()
    languages = values.get("LA", [])

    return Work(
        title=title,
        ids=ids,
        isbns=isbns,
        authors=authors,
        year=parse_year(first("DP")) or parse_year(first("DEP")),
        venue=venue,
        volume=clean_field(first("VI")),
        issue=clean_field(first("IP")),
        pages=expand_pages(first("PG")),
        doc_type=doc_type,
        early_access=status in {"aheadofprint", "aheadofprint-epublish"} or "in press" in status,
        language="; ".join(languages) if languages else None,
        abstract=clean_abstract(first("AB")),
        keywords=keywords,
        extra=extra,
        origin=Origin(file=file, position=position, format=FORMAT, raw=raw),
    )


# Tags mapped onto the model (the rest go to `extra`). PT, MH, LA, LID and AID keep a copy
# in extra (all the types, MeSH qualifiers, the pii are not in the model), so they are not
# here; IS lines other than (Print)/(Electronic) are put in extra where they are read.
_MAPPED = {"PMID", "TI", "BTI", "AB", "FAU", "AU", "CN", "AD", "AUID", "DP", "TA", "JT", "IS",
           "VI", "IP", "PG", "OT", "PMC", "PB", "ISBN"}


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Works (or Rejects) from the text of a MEDLINE/.nbib export."""
    records = list(_records(text))
    if records and not any(line.startswith("PMID-") for _, lines in records for line in lines):
        first = records[0][1][0].strip()[:60]
        raise FormatError(
            f"{file}, line {records[0][0]}: not MEDLINE/.nbib (no 'PMID- ' line; it starts {first!r})"
        )
    has_source = [any(line.startswith("SO  -") for line in lines) for _, lines in records]
    for index, (start, lines) in enumerate(records):
        position = f"line {start}"
        raw = "\n".join(lines)
        fields = _fields(lines)
        if fields and fields[0][0] == "":
            yield Reject(file, position, "tag",
                         f"text that is not a MEDLINE field: {fields[0][1][:60]!r}", raw)
            continue
        last = index == len(records) - 1
        if last and not has_source[index] and len(records) > 1 and all(has_source[:-1]):
            yield Reject(file, position, "SO",
                         "record is truncated: the file ends before its SO line", raw)
            continue
        try:
            yield _work(fields, file=file, position=position, raw=raw)
        except Exception as e:  # one bad record never stops the rest
            yield Reject(file, position, "record", f"record could not be read ({e})", raw)
