"""RIS: 'TY  - JOUR' … 'ER  - ' records from Zotero, EndNote, Scopus, Dimensions, Lens, EBSCO, Ovid, …

A tagged line is two characters (letter, then letter or digit), two spaces, a hyphen and a space.
Every other line inside a record continues the field above it: abstract paragraphs, EndNote's
one-keyword-a-line KW, Scopus references under N1, a second URL under UR, and the stray
free-text lines some managers leave between tags ('Export Date: …', 'Article'). Text between
records (Ovid's '1.' number lines, its 'Link to the Ovid Full Text' lines) is not part of any.

Tags as the common exporters use them:
    TY type · TI/T1/CT title (BT for a whole book) · AU/A1 authors · A2/A3/A4 editors etc. (extra)
    PY/Y1/DA date · T2/JF/JO venue in full (BT for a chapter's book) · J2/JA/J1/JI abbreviation
    SN ISSN or ISBN · VL/VO volume · IS issue · SP/EP pages · DO DOI · UR/L1/L2 links
    AB/N2 abstract · KW keywords · LA language · PB publisher · AN accession number
    U1/U2/C2/C5 PubMed ids in some exports · N1 notes (Scopus: 'References: …') · M3 type hint
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..errors import FormatError
from ..ids import (
    Scheme,
    normalize_doi,
    normalize_eid,
    normalize_isbn,
    normalize_issn,
    normalize_openalex,
    normalize_pmcid,
    normalize_pmid,
    normalize_wos,
)
from ..text import clean_abstract, clean_field
from ..work import (
    Author,
    DocType,
    Notice,
    Origin,
    Reject,
    Venue,
    Work,
    parse_doc_type,
    parse_name,
    parse_year,
)
from .fields import dedupe

FORMAT = "ris"

_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*)|\s*)$")
_TY_LINE = re.compile(r"^TY  -", re.MULTILINE)
_NUMBER_LINE = re.compile(r"\d+\.?")

# Fields whose lines (the tagged one and its continuations) are each a value of their own.
_LINE_ITEMS = {"AU", "A1", "A2", "A3", "A4", "KW", "SN", "BN", "UR", "L1", "L2", "L3", "L4", "LK",
               "AD", "C3"}
_URL_TAGS = ("UR", "L3", "L2", "L1", "L4")  # where a DOI is looked for when DO has none
_FULL_VENUE = ("T2", "JF", "JO")
_ABBREVIATIONS = ("J2", "JA", "J1", "JI")
_CHAPTER_TYPES = {"CHAP", "ECHAP", "CONF", "CPAPER", "SER"}
_BOOK_TYPES = {"BOOK", "EBOOK", "EDBOOK"}
# Document types Scopus writes on a line of their own (inside N1, or loose in managers' RIS).
_SCOPUS_TYPES = {
    "article", "review", "conference paper", "conference review", "book chapter", "book",
    "letter", "editorial", "note", "erratum", "short survey", "data paper", "article in press",
    "retracted", "report",
}
_APA_LINE = re.compile(
    r"\s*\((?:Psyc\w+\s+)?Database\s+Record\s+\(c\)\s*\d{4}\s+APA,?\s+all\s+rights\s+reserved\)\.?",
    re.IGNORECASE,
)
_DOI_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|10\.\d{4,9}/)", re.IGNORECASE)
_EBSCO_MARK = re.compile(r"\s*\[ABSTRACT FROM (?:AUTHOR|PUBLISHER)\]", re.IGNORECASE)
_WOS_ACCESSION = re.compile(
    r"(?:(?:WOS|MEDLINE|BCI|CCC|KJD|RSCI|SCIELO|DIIDW|ZOOREC|A1\d{4}):[0-9A-Z]{15}|00[01]\d{12})",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_EDITOR_MARK = re.compile(r"^(.*\S)\s*,?\s+\(?(?:eds?|editors?)\.?\)?$")


def sniff(head: str) -> bool:
    """RIS when the first line that is neither blank nor a bare number ('1.') is 'TY  - …'."""
    for line in head.lstrip("\ufeff").split("\n", 40)[:40]:
        stripped = line.strip()
        if not stripped or _NUMBER_LINE.fullmatch(stripped):
            continue
        return line.startswith("TY  - ") or line.rstrip() == "TY  -"
    return False


class _Field:
    __slots__ = ("lines", "tag")

    def __init__(self, tag: str, value: str) -> None:
        self.tag = tag
        self.lines = [value]

    def text(self, sep: str = "\n") -> str:
        """The value with its continuation lines, blank ones left out."""
        return sep.join(line for line in self.lines if line).strip()

    def items(self) -> list[str]:
        return [line for line in self.lines if line]


class _Record:
    """A record's fields in file order, and which of them have been put into the Work."""

    def __init__(self, fields: list[_Field]) -> None:
        self.fields = fields
        self.used: set[int] = set()
        self.extra: dict[str, list[str]] = {}
        self.by_tag: dict[str, list[_Field]] = {}
        for f in fields:
            self.by_tag.setdefault(f.tag, []).append(f)

    def all(self, *tags: str) -> list[_Field]:
        """The fields of these tags, in file order."""
        if len(tags) == 1:
            return self.by_tag.get(tags[0], [])
        return [f for f in self.fields if f.tag in tags]

    def take(self, *tags: str) -> list[_Field]:
        found = self.all(*tags)
        self.used.update(id(f) for f in found)
        return found

    def keep(self, tag: str, value: str) -> None:
        """Put a value the model has no place for into extra (after a field was taken)."""
        self.extra.setdefault(tag, []).append(value)

    def leftover(self) -> dict[str, str | list[str]]:
        out: dict[str, list[str]] = {}
        for f in self.fields:
            if id(f) in self.used:
                continue
            values = f.items() if f.tag in _LINE_ITEMS else [f.text()]
            out.setdefault(f.tag, []).extend(v for v in values if v)
        for tag, values in self.extra.items():
            out.setdefault(tag, []).extend(values)
        return {tag: values[0] if len(values) == 1 else values for tag, values in out.items() if values}


def _first_text(record: _Record, *tags: str, sep: str = " ") -> str | None:
    """The first non-empty value among tags (taken); further values go to extra."""
    chosen = None
    for f in record.take(*tags):
        value = f.text(sep)
        if not value:
            continue
        if chosen is None:
            chosen = value
        elif value != chosen:
            record.keep(f.tag, value)
    return chosen


def _author(text: str) -> tuple[Author | None, bool]:
    """An author from 'Family, Given', 'Given Family' or 'Family Initials' (Embase 'Adler D.G.').

    Returns the author and whether an editor mark ('Takada, Mitsuo eds') was removed.
    """
    text = " ".join(text.split()).strip(" ;,")
    edited = False
    match = _EDITOR_MARK.match(text)
    if match and match.group(1).count(" ") + match.group(1).count(",") >= 1:
        text, edited = match.group(1).strip(" ,"), True
    if "," not in text:
        parts = text.split(" ")
        if len(parts) >= 2 and _INITIALS.fullmatch(parts[-1]) and not _INITIALS.fullmatch(parts[0]):
            return Author(family=" ".join(parts[:-1]), given=parts[-1]), edited
    return parse_name(text), edited


def _authors(record: _Record) -> list[Author]:
    authors: list[Author] = []
    previous = None
    for f in record.take("AU", "A1"):
        for line in f.items():
            for name in line.split(";"):
                name = name.strip()
                if not name:
                    continue
                if name == previous:  # IEEE writes some authors twice in a row
                    record.keep(f.tag + " (repeated)", name)
                    continue
                previous = name
                author, edited = _author(name)
                if author is None:
                    continue
                if edited:
                    record.keep(f.tag + " (editor mark)", name)
                authors.append(author)
    return authors


def _standard_numbers(record: _Record) -> tuple[list[str], list[str]]:
    """ISSNs and ISBNs from SN (and BN), told apart by their length."""
    issns: list[str] = []
    isbns: list[str] = []
    for f in record.take("SN", "BN"):
        for line in f.items():
            leftover = False
            for token in re.findall(r"[0-9Xx][0-9Xx-]*[0-9Xx]|\S+", re.sub(r"\([^)]*\)", " ", line)):
                compact = token.replace("-", "")
                issn = normalize_issn(compact) if len(compact) == 8 else None
                isbn = normalize_isbn(compact) if len(compact) in (10, 13) else None
                if issn:
                    if issn not in issns:
                        issns.append(issn)
                elif isbn:
                    if isbn not in isbns:
                        isbns.append(isbn)
                elif token.strip(",;"):
                    leftover = True
            if leftover:
                record.keep(f.tag, line)
    if len(issns) > 2:
        record.keep("SN", "; ".join(issns[2:]))
    return issns, isbns


def _pages(record: _Record) -> str | None:
    start = _first_text(record, "SP")
    end = _first_text(record, "EP")
    start = re.sub(r"\s*[-‐‑‒–—]\s*", "-", start) if start else None
    end = end.strip() if end else None
    if start and end and start != end and "-" not in start:
        return f"{start}-{end}"
    if start and end and "-" in start and end not in start:
        record.keep("EP", end)
    return start or end


def _unwrap(lines: list[str]) -> str:
    """Abstract lines as paragraphs; a line cut mid-sentence ('… science and' / 'public, …') is rejoined."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and line[0].islower() and out[-1][-1] not in ".!?:":
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out).strip()


def _abstract(record: _Record) -> str | None:
    """The first real abstract among AB and N2; boilerplate-only ones (EBSCO's) are dropped."""
    chosen = None
    for f in record.take("AB", "N2"):
        raw = _unwrap(f.lines)
        if "APA" in raw:
            raw = _APA_LINE.sub("", raw)
        for _ in range(3):  # HTML escaped twice or more (Lens: '<jats:p>&lt;p dir="ltr"&gt;…')
            if "&lt;" not in raw and "&amp;" not in raw:
                break
            raw = html.unescape(raw)
        if "[ABSTRACT FROM" in raw:
            raw = _EBSCO_MARK.sub("", raw)
        cleaned = clean_abstract(raw) if raw else None
        if cleaned is None:
            continue
        if chosen is None:
            chosen = cleaned
        elif cleaned != chosen:
            record.keep(f.tag, raw)
    return chosen


def _keywords(record: _Record) -> list[str]:
    return dedupe(clean_field(line) for f in record.take("KW") for line in f.items())


def _notes(record: _Record) -> list[str]:
    """N1 notes go to extra; a Scopus 'References: …' note gives one reference a line."""
    references: list[str] = []
    for f in record.take("N1"):
        if f.lines[0].startswith("References:"):
            first = f.lines[0][len("References:"):]
            for line in [first, *f.lines[1:]]:
                line = line.strip().rstrip(";").strip()
                if line:
                    references.append(line)
        else:
            value = f.text()
            if value:
                record.keep("N1", value)
    return references


def _venue_names(record: _Record, ty: str, title_from_bt: bool) -> tuple[str | None, str | None]:
    """(name in full, abbreviation): T2/JF/JO before J2/JA/J1/JI; a chapter's book is BT/T2."""
    if ty in _CHAPTER_TYPES:
        full_tags: tuple[str, ...] = ("BT", *_FULL_VENUE)
    elif ty in _BOOK_TYPES or title_from_bt:
        full_tags = _FULL_VENUE  # a book's BT is its own title
    else:
        full_tags = (*_FULL_VENUE, "BT")
    full: list[tuple[str, str]] = []
    for tag in full_tags:
        for f in record.take(tag):
            value = clean_field(f.text(" "))
            if value:
                full.append((tag, value))
    abbreviations: list[tuple[str, str]] = []
    for tag in _ABBREVIATIONS:
        for f in record.take(tag):
            value = clean_field(f.text(" "))
            if value:
                abbreviations.append((tag, value))
    name = full[0][1] if full else (abbreviations[0][1] if abbreviations else None)
    abbreviation = None
    for _tag, value in abbreviations:
        if name and value.casefold() != name.casefold():
            abbreviation = value
            break
    for tag, value in [*full, *abbreviations]:
        if value != name and value != abbreviation and (
            not name or value.casefold() != name.casefold()
        ):
            record.keep(tag, value)
    return name, abbreviation


def _ids(record: _Record) -> dict[str, str]:
    ids: dict[str, str] = {}
    for f in record.take("DO"):
        doi = normalize_doi(f.text(" "))
        if doi and Scheme.DOI.value not in ids:
            ids[Scheme.DOI.value] = doi
        elif f.text(" ") and doi != ids.get(Scheme.DOI.value):
            record.keep("DO", f.text(" "))
    if Scheme.DOI.value not in ids:
        for url in [url for tag in _URL_TAGS for f in record.all(tag) for url in f.items()]:
            doi = normalize_doi(url) if _DOI_URL.match(url) else None
            if doi:
                ids[Scheme.DOI.value] = doi
                break
    databases = " ".join(f.text(" ") for f in record.all("DB", "DP")).lower()
    for f in record.all("AN", "U1", "U2", "U3", "U4", "U5", "C2", "C5", "M2"):
        value = f.text(" ")
        found = None
        if re.search(r"\[pmid\]|\bpmid\s*:", value, re.IGNORECASE):
            found = (Scheme.PMID, normalize_pmid(re.sub(r"(?i)\s*\[pmid\]", "", value)))
        elif re.search(r"\[pmcid\]|^\s*PMC\d+\s*$", value, re.IGNORECASE):
            found = (Scheme.PMCID, normalize_pmcid(value))
        elif f.tag == "AN" and _WOS_ACCESSION.fullmatch(value.strip()):
            found = (Scheme.WOS, normalize_wos(value))
        elif f.tag == "AN" and normalize_eid(value) and value.strip().startswith("2-s2.0-"):
            found = (Scheme.EID, normalize_eid(value))
        elif value.strip().isdigit() and (
            (f.tag == "AN" and re.search(r"\b(?:nlm|pubmed|medline)\b", databases))
            or (f.tag == "C2" and "scopus" in databases)
            or (f.tag == "C5" and re.search(r"\b(?:embase|medline)\b", databases))
        ):
            found = (Scheme.PMID, normalize_pmid(value))
        if found and found[1]:
            record.used.add(id(f))
            ids.setdefault(found[0].value, found[1])
    # The record's own address: Scopus' record page holds the EID, OpenAlex's the W id. (Other
    # links are not read for ids: Lens lists links of related works among a record's own.)
    for f in record.all("UR"):
        for url in f.items():
            if Scheme.EID.value not in ids and "scopus.com" in url and (eid := normalize_eid(url)):
                ids[Scheme.EID.value] = eid
            if Scheme.OPENALEX.value not in ids and "openalex.org/" in url and (
                openalex := normalize_openalex(url)
            ):
                ids[Scheme.OPENALEX.value] = openalex
    return ids


def _type_lines(record: _Record) -> list[str]:
    """Scopus document types left loose in a record ('Export Date: …', '', 'Article')."""
    found = []
    for f in record.fields:
        if f.tag in ("AB", "N2", "KW"):
            continue
        for before, line in zip(f.lines, f.lines[1:], strict=False):
            if not before and line.lower() in _SCOPUS_TYPES:
                found.append(line)
    return found


def _dates(record: _Record) -> int | None:
    """The year from PY, else Y1, else DA; a date that says more than its year stays in extra."""
    year = None
    for tag in ("PY", "Y1", "DA"):
        for f in record.take(tag):
            value = f.text(" ")
            found = parse_year(value)
            if year is None:
                year = found
            if value and value.strip("/ ") != str(found):
                record.keep(tag, value)
    return year


def to_work(fields: list[_Field], origin: Origin) -> Work | Reject:
    """Turn one record's fields into a Work, or a Reject when it has no title."""
    record = _Record(fields)
    ty = fields[0].text(" ").upper()
    record.take("TY")
    title = None
    title_from_bt = False
    for tag in ("TI", "T1", "CT"):
        title = clean_field(_first_text(record, tag))
        if title:
            break
    if not title and ty in _BOOK_TYPES:
        title = clean_field(_first_text(record, "BT"))
        title_from_bt = bool(title)
    if not title:
        return Reject(origin.file, origin.position, "TI", "record has no title", origin.raw)

    type_hints = [f.text(" ") for f in record.all("M3")] + _type_lines(record)
    labels = [ty, *type_hints]
    if ty == "INPR":
        labels.append("article in press")
    doc_type = parse_doc_type(*labels)
    if ty and parse_doc_type(ty) is DocType.OTHER:  # CASE, PCOMM, …: keep what the record said
        record.keep("TY", ty)
    early = any(re.search(r"in press|early access", label, re.IGNORECASE) for label in labels)

    name, abbreviation = _venue_names(record, ty, title_from_bt)
    issns, isbns = _standard_numbers(record)
    volume = _first_text(record, "VL", "VO")
    return Work(
        title=title,
        ids=_ids(record),
        isbns=isbns,
        authors=_authors(record),
        year=_dates(record),
        venue=Venue(
            name=name,
            issn=issns[0] if issns else None,
            eissn=issns[1] if len(issns) > 1 else None,
            abbreviation=abbreviation,
            publisher=clean_field(_first_text(record, "PB", "PU")),
        ),
        volume=clean_field(volume),
        issue=clean_field(_first_text(record, "IS")),
        pages=clean_field(_pages(record)),
        doc_type=doc_type,
        early_access=early,
        language=clean_field(_first_text(record, "LA")),
        abstract=_abstract(record),
        keywords=_keywords(record),
        references=_notes(record),
        extra=record.leftover(),
        origin=origin,
    )


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject | Notice]:
    """Yield a Work (or a Reject) for each TY … ER record; a record without its ER line ends
    where the next TY line starts (warned, both kept)."""
    lines = text.split("\n")
    if not _TY_LINE.search(text):
        first = next((n for n, line in enumerate(lines, 1) if line.strip()), 1)
        raise FormatError(f"{file}, line {first}: not an RIS file (no 'TY  - ' line starts a record)")
    start: int | None = None  # index of the TY line of the open record
    fields: list[_Field] = []
    outside: int | None = None  # index of the first tagged line met outside any record

    def stray(end: int) -> Reject:
        assert outside is not None
        return Reject(file, f"line {outside + 1}", "TY",
                      "tagged lines outside a record: no TY line starts them",
                      "\n".join(lines[outside:end]).rstrip())

    for index, line in enumerate(lines):
        match = _TAG.match(line)
        if match is None:
            if start is not None:
                fields[-1].lines.append(line.strip())
            continue
        tag = match.group(1)
        value = (match.group(2) or "").strip()
        if tag == "TY":
            if outside is not None:
                yield stray(index)
                outside = None
            if start is not None:  # no ER: the record ends where the next one starts
                yield Notice(file, f"line {start + 1}", "ER", f"the record has no ER line: it is taken to "
                             f"end where the next record's TY line starts (line {index + 1}); both records kept")
                yield to_work(fields, Origin(file, f"line {start + 1}", FORMAT, "\n".join(lines[start:index]).rstrip()))
            start = index
            fields = [_Field(tag, value)]
        elif start is None:
            if tag != "ER" and outside is None:
                outside = index
        elif tag == "ER":
            origin = Origin(file, f"line {start + 1}", FORMAT, "\n".join(lines[start:index + 1]))
            yield to_work(fields, origin)
            start = None
        else:
            fields.append(_Field(tag, value))
    if outside is not None:
        yield stray(len(lines))
    if start is not None:
        yield Reject(file, f"line {start + 1}", "ER",
                     "record is truncated: the file ends before its ER line",
                     "\n".join(lines[start:]).rstrip())
