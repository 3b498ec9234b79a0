"""Scopus CSV export (fully quoted, comma-separated, one header row, fields may hold line breaks).

Columns are found by their header names, so older (2016: 'Authors,Title,Year,…') and newer
(2022: 'Authors,Author(s) ID,…,Publication Stage,Open Access,…') exports read alike.

Scopus has a bug: when a record has a second funding text, the row gets an extra field that
has no header ('Funding Text 2'), and every later column moves one to the right. Such rows
are realigned here by finding where the extra field sits, using the columns whose content is
recognisable (EID, DOI, Link, Document Type, Publication Stage, Source, ISSN, …).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_eid,
    normalize_isbn,
    normalize_issn,
    normalize_pmid,
    split_isbns,
)
from ..text import clean_abstract, clean_field, fold
from ..work import (
    Author,
    DocType,
    Origin,
    Reject,
    Venue,
    Work,
    parse_doc_type,
    parse_name,
    parse_year,
)
from .fields import dedupe, page_range, split_cell, split_references

FORMAT = "scopus"

# csv's default limit (128 KiB a field) is below what a long reference list can reach.
_FIELD_LIMIT = 1 << 26

_INITIALS = re.compile(r"(?:[A-Z\u00C0-\u024F][a-z]{0,2}\.|-|[A-Z]\b)+")
_SUFFIXES = {"Jr.", "Sr."}
_FULL_NAME_ID = re.compile(r"\s*\(\d+\)\s*$")
# '© 2005 Wiley Periodicals, Inc.' / 'Copyright © 2019 …' at the end of an abstract.
_COPYRIGHT_SIGN = re.compile(r"(?:^|\s)(?:Copyright\s*)?(?:©|\(C\)\s*(?=\d{4}))", re.IGNORECASE)
_COPYRIGHT_TAIL = 400

_DOC_TYPES = {
    "article", "review", "conference paper", "book chapter", "book", "editorial", "letter",
    "note", "erratum", "short survey", "conference review", "data paper", "retracted",
    "article in press", "business article", "report", "abstract report", "undefined",
}

# Scopus labels the shared vocabulary does not know.
_TYPE_ALIASES = {"short survey": "review"}


def _is_year(v: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", v))


def _is_number(v: str) -> bool:
    return v.isdigit()


def _is_doc_type(v: str) -> bool:
    return v.lower() in _DOC_TYPES or parse_doc_type(v) is not DocType.OTHER


# What the content of a column looks like, for the columns where that is unmistakable.
_CHECKS: dict[str, Callable[[str], bool]] = {
    "Author(s) ID": lambda v: bool(re.fullmatch(r"[\d;\s]+|\[No author id available\]", v)),
    "Year": _is_year,
    "Cited by": _is_number,
    "DOI": lambda v: v.startswith("10."),
    "Link": lambda v: v.startswith("http"),
    "ISSN": lambda v: bool(re.fullmatch(r"\d{7}[\dXx]", v)),
    "ISBN": lambda v: bool(split_isbns(v)),
    "CODEN": lambda v: bool(re.fullmatch(r"[A-Z0-9]{5,6}", v)),
    "PubMed ID": _is_number,
    "Conference code": _is_number,
    "Language of Original Document": lambda v: bool(re.fullmatch(r"[^\W\d_]+(?:[;,]? [^\W\d_]+)*", v)),
    "Document Type": _is_doc_type,
    "Publication Stage": lambda v: v in {"Final", "Article in Press"},
    "Open Access": lambda v: "open access" in v.lower() or "(OA)" in v,
    "Source": lambda v: v == "Scopus",
    "EID": lambda v: v.startswith("2-s2.0-"),
}

# Columns the Work model has a place for (the rest go to `extra`).
_USED = {
    "Title", "Year", "Source title", "Volume", "Issue", "DOI", "EID", "Abstract",
    "Author Keywords", "Index Keywords", "References", "Publisher", "PubMed ID",
    "Language of Original Document", "Abbreviated Source Title", "Document Type",
    "Publication Stage", "Authors", "Author full names",
}


def _parse_header(line: str) -> list[str] | None:
    try:
        row = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    return [name.strip().lstrip("\ufeff") for name in row]


def sniff(head: str) -> bool:
    """A CSV header line with 'Title' and one of 'EID', 'Source title', 'Authors'."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in first or "Title" not in first:
        return False
    names = _parse_header(first)
    if not names or len(names) < 3:
        return False
    return "Title" in names and bool({"EID", "Source title", "Authors"} & set(names))


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """One Work (or Reject) per data row; position is 'line N', the line where the row starts."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise FormatError(f"{file}: the file is empty") from None
    except csv.Error as e:
        raise FormatError(f"{file}, line 1: the CSV header cannot be read ({e})") from e
    if "Title" not in header:
        raise FormatError(
            f"{file}, line 1: not a Scopus CSV export (its header has no 'Title' column; "
            f"it starts {lines[0][:60]!r})"
        )
    width = len(header)
    end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise FormatError(f"{file}, line {reader.line_num}: the CSV cannot be read ({e})") from e
        start, end = end + 1, reader.line_num
        if not row or not any(field.strip() for field in row):
            continue
        raw = "\n".join(lines[start - 1:end])
        position = f"line {start}"
        if len(row) < width:
            last = not any(rest.strip() for rest in lines[end:])
            reason = (
                f"record is truncated: the file ends after {len(row)} of the row's {width} fields"
                if last
                else f"the row has {len(row)} fields but the header has {width}"
            )
            yield Reject(file, position, header[len(row)], reason, raw)
            continue
        data, unheaded = _align(header, row)
        yield _record(data, unheaded, file, position, raw)


def _align(header: list[str], row: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Map a row onto the header; extra fields are taken out where they fit best.

    Returns the named values and the un-headed ones (named 'Funding Text 2' where that is
    what they are, else 'column N').
    """
    width = len(header)
    extra = len(row) - width
    if extra <= 0:
        return dict(zip(header, row, strict=False)), {}
    if not any(v.strip() for v in row[width:]):
        return dict(zip(header, row[:width], strict=False)), {}

    checked = [(i, _CHECKS[name]) for i, name in enumerate(header) if name in _CHECKS]

    def score(cut: int) -> int:
        aligned = row[:cut] + row[cut + extra:]
        total = 0
        for i, check in checked:
            value = aligned[i].strip()
            if value:
                total += 1 if check(value) else -1
        return total

    scores = {cut: score(cut) for cut in range(width + 1)}
    best = max(scores.values())
    ties = [cut for cut, s in scores.items() if s == best]
    funding = [i for i, name in enumerate(header) if re.fullmatch(r"Funding Text \d+", name)]
    after_funding = funding[-1] + 1 if funding else None
    cut = after_funding if after_funding in ties else ties[-1]
    aligned = row[:cut] + row[cut + extra:]
    unheaded: dict[str, str] = {}
    for j, value in enumerate(row[cut:cut + extra]):
        if cut == after_funding and funding:
            number = int(header[funding[-1]].rsplit(" ", 1)[1]) + 1 + j
            name = f"Funding Text {number}"
        else:
            name = f"column {cut + j + 1} (no header)"
        unheaded[name] = value
    return dict(zip(header, aligned, strict=False)), unheaded


def _record(row: dict[str, str], unheaded: dict[str, str], file: str, position: str,
            raw: str) -> Work | Reject:
    data = {k: v.strip() for k, v in row.items() if v and v.strip()}
    title = clean_field(data.get("Title"))
    if not title:
        return Reject(file, position, "Title", "record has no title", raw)
    used = set(_USED)
    work = Work(title=title)
    work.origin = Origin(file=file, position=position, format=FORMAT, raw=raw)

    doi = normalize_doi(data.get("DOI"))
    if doi:
        work.ids["doi"] = doi
    eid = normalize_eid(data.get("EID")) or normalize_eid(data.get("Link"))
    if eid:
        work.ids["eid"] = eid
    pmid = normalize_pmid(data.get("PubMed ID"))
    if pmid:
        work.ids["pmid"] = pmid

    work.authors = _authors(data)
    if _attach_affiliations(work.authors, data.get("Authors with affiliations")):
        used.update({"Authors with affiliations", "Affiliations"})

    work.year = parse_year(data.get("Year"))
    issns = [normalize_issn(p) for p in re.split(r"[;,]", data.get("ISSN", ""))]
    issns = [i for i in issns if i]
    work.venue = Venue(
        name=clean_field(data.get("Source title")),
        issn=issns[0] if issns else None,
        eissn=issns[1] if len(issns) > 1 else None,
        abbreviation=clean_field(data.get("Abbreviated Source Title")),
        publisher=clean_field(data.get("Publisher")),
    )
    if issns:
        used.add("ISSN")
    work.isbns = split_isbns(data.get("ISBN")) or [
        i for i in (normalize_isbn(p) for p in (data.get("ISBN") or "").split(";")) if i
    ]
    if work.isbns:
        used.add("ISBN")
    work.volume = clean_field(data.get("Volume"))
    work.issue = clean_field(data.get("Issue"))
    pages = page_range(data.get("Page start"), data.get("Page end"))
    if pages:
        used.update({"Page start", "Page end"})
    else:
        pages = clean_field(data.get("Art. No."))
        if pages:
            used.add("Art. No.")
    work.pages = pages

    doc_type = data.get("Document Type")
    stage = data.get("Publication Stage", "")
    work.doc_type = parse_doc_type(_TYPE_ALIASES.get((doc_type or "").lower(), doc_type))
    work.early_access = stage.lower() == "article in press" or (doc_type or "").lower() == "article in press"
    work.language = clean_field(data.get("Language of Original Document"))
    work.abstract = clean_abstract(_cut_copyright(data.get("Abstract")))
    work.keywords = dedupe(split_cell(data.get("Author Keywords")) + split_cell(data.get("Index Keywords")))
    work.references = split_references(data.get("References"))

    work.extra = {k: v for k, v in data.items() if k not in used}
    work.extra.update({k: v.strip() for k, v in unheaded.items() if v.strip()})
    return work


def _cut_copyright(abstract: str | None) -> str | None:
    """Drop the '© 2005 Wiley Periodicals, Inc.' tail Scopus appends to abstracts."""
    if not abstract:
        return abstract
    for match in _COPYRIGHT_SIGN.finditer(abstract):
        if len(abstract) - match.start() <= _COPYRIGHT_TAIL:
            return abstract[:match.start()].rstrip()
    return abstract


def _short_name(text: str) -> Author | None:
    """'Phillips J.C.' / 'Van Der Berg J.-P.' / 'Phillips, J.C.' -> Author; a group stays whole."""
    text = " ".join(text.split()).strip(" ;,")
    if not text or text.lower().startswith("[no author"):
        return None
    if "," in text:
        return parse_name(text)
    parts = text.split(" ")
    cut = len(parts)
    while cut > 1 and _INITIALS.fullmatch(parts[cut - 1]) and parts[cut - 1] not in _SUFFIXES:
        cut -= 1
    if cut == len(parts):
        return Author(family=text)
    return Author(family=" ".join(parts[:cut]), given=" ".join(parts[cut:]))


def _authors(data: dict[str, str]) -> list[Author]:
    """'Authors' (short names), with given names from 'Author full names' when it has them."""
    text = data.get("Authors") or ""
    names = text.split(";") if ";" in text else text.split(",")
    authors = [a for a in (_short_name(n) for n in names) if a]
    full = data.get("Author full names")
    if full:
        named = [parse_name(_FULL_NAME_ID.sub("", n)) for n in full.split(";") if n.strip()]
        full_authors = [a for a in named if a]
        if not authors or len(full_authors) == len(authors):
            authors = full_authors
    return authors


def _attach_affiliations(authors: list[Author], text: str | None) -> bool:
    """'Family, I., Affiliation; Family2, I., Affiliation' -> Author.affiliation, in order.

    True when every part matched its author (then the column is fully represented).
    """
    if not text or not authors:
        return False
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if len(parts) != len(authors):
        return False
    found = []
    for author, part in zip(authors, parts, strict=True):
        pieces = [p.strip() for p in part.split(",")]
        # 'Family, I., Affiliation' (older exports) or 'Family I., Affiliation' (newer).
        n = 2 if len(pieces) > 1 and _INITIALS.fullmatch(pieces[1].replace(" ", "")) else 1
        if not fold(" ".join(pieces[:n])).startswith(fold(author.family)):
            return False
        found.append(", ".join(pieces[n:]))
    for author, affiliation in zip(authors, found, strict=True):
        author.affiliation = affiliation or None
    return True
