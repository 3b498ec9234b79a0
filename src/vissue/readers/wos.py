"""Web of Science plain text ("Other file formats", tagged): FN/VR header, PT … ER records, EF.

Two-letter tags start a field; continuation lines are indented three spaces. Multi-valued
fields (AU, AF, CR, C1, …) hold one value a line; AB keeps its line breaks as paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..ids import Scheme, normalize_doi, normalize_issn, normalize_pmid, normalize_wos, split_isbns
from ..text import clean_abstract, clean_field
from ..work import (
    Author,
    Notice,
    Origin,
    Reject,
    Venue,
    Work,
    parse_doc_type,
    parse_full_name,
    parse_name,
    parse_year,
)

FORMAT = "wos"
_TAG = re.compile(r"^([A-Z][A-Z0-9]) ?(.*)$")
_LIST_TAGS = {"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "C3", "DE", "ID", "EM", "RI", "OI",
              "FU", "WC", "SC"}
_MAPPED = {"PT", "AU", "AF", "TI", "SO", "LA", "DT", "DE", "ID", "AB", "C1", "CR", "SN", "EI", "BN",
           "J9", "JI", "PY", "EA", "VL", "IS", "BP", "EP", "AR", "DI", "D2", "UT", "PM", "OI", "RI",
           "PU", "SE", "BS", "CA", "GP"}


def sniff(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 2)[:2]
    if not first:
        return False
    return first[0].startswith(("FN ", "PT ")) and not first[0].startswith("PT\t") and (
        first[0].startswith("FN ") or bool(_TAG.match(first[1] if len(first) > 1 else ""))
    )


# A cited reference as WoS writes it: 'Abraham M., 1909, RC CIRC MAT PALERMO, V28, P1'.
_REFERENCE = re.compile(r"^[^,\[\]]{1,80}, (1[5-9]\d\d|20\d\d), [A-Z0-9]")


def _fields(lines: list[str], first: int, problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Group a record's lines by tag; continuation lines join the field they follow.

    A WoS record has each tag once; a tag met again, or cited references that follow another
    field because their CR tag is missing, are kept and reported in `problems`.
    """
    fields: dict[str, list[str]] = {}
    tag = None
    values: list[str] = []  # the current tag's values
    for offset, line in enumerate(lines):
        if line.startswith("   "):  # most lines: a cited reference, an author, an address
            if tag is None:
                fields.setdefault("", []).append(line.strip())
            else:
                values.append(line[3:].rstrip())
            continue
        if tag and line[:2].strip() == "" and line.strip():
            values.append(line.strip())
            continue
        match = _TAG.match(line)
        if not match:
            if line.strip():
                fields.setdefault("", []).append(line.strip())
            continue
        tag = match.group(1)
        if tag in fields:
            problems.append((tag, f"tag {tag} appears a second time at line {first + offset} "
                                  "(a WoS record has each tag once); both values kept"))
        values = fields.setdefault(tag, [])
        values.append(match.group(2).rstrip())
    for tag in [t for t in fields if t not in ("CR", "")]:
        refs = [v for v in fields[tag][1:] if _REFERENCE.match(v)]
        if len(refs) >= 2 and not _REFERENCE.match(fields[tag][0]):
            fields[tag] = [v for v in fields[tag] if v not in refs]
            fields["CR"] = refs + fields.get("CR", [])
            problems.append((tag, f"{len(refs)} lines after {tag} look like cited references "
                                  "(is the CR tag missing?); read them as CR"))
    return fields


def _one(fields: dict[str, list[str]], tag: str) -> str | None:
    values = fields.get(tag)
    if not values:
        return None
    if tag in _LIST_TAGS:
        return "; ".join(values)
    return " ".join(v.strip() for v in values).strip() or None


def _orcids(fields: dict[str, list[str]]) -> dict[str, str]:
    """'Family, Given/0000-0001-…' pairs from OI, keyed by folded family name."""
    found = {}
    for value in "; ".join(fields.get("OI", [])).split(";"):
        name, _, orcid = value.partition("/")
        if orcid.strip():
            found[name.strip().split(",")[0].strip().lower()] = orcid.strip()
    return found


def _affiliations(fields: dict[str, list[str]]) -> dict[str, str]:
    """'[Family, G; Other, H] Institution' lines -> {'family, g': 'Institution'}."""
    result = {}
    for line in fields.get("C1", []):
        match = re.match(r"\[(.+?)\]\s*(.+)", line)
        if not match:
            continue
        for name in match.group(1).split(";"):
            result.setdefault(name.strip().lower(), match.group(2).strip())
    return result


def _authors(fields: dict[str, list[str]]) -> list[Author]:
    names, shorts = [], []
    for full, short in (("AF", "AU"), ("AU", ""), ("BF", "BA"), ("BA", "")):
        if fields.get(full):
            names, shorts = fields[full], fields.get(short, []) if short else []
            break
    if len(shorts) != len(names):  # the short forms say which word is the family name, in order
        shorts = []
    orcids = _orcids(fields)
    affiliations = _affiliations(fields)
    authors = []
    for at, name in enumerate(names):
        author = parse_full_name(name, shorts[at]) if shorts else parse_name(name)
        if author is None:
            continue
        author.orcid = orcids.get(author.family.lower())
        author.affiliation = affiliations.get(name.strip().lower())
        authors.append(author)
    if not authors:
        for group in fields.get("CA", []) + fields.get("GP", []):
            authors.append(Author(family=group.strip()))
    return authors


def to_work(fields: dict[str, list[str]], origin: Origin) -> Work | Reject:
    title = clean_field(_one(fields, "TI"))
    if not title:
        return Reject(origin.file, origin.position, "TI", "record has no title (no TI field)", origin.raw)
    doc_label = _one(fields, "DT") or ""
    early = "early access" in doc_label.lower() or (not fields.get("PY") and bool(fields.get("EA")))
    ids = {}
    for scheme, value in ((Scheme.WOS, normalize_wos(_one(fields, "UT"))),
                          (Scheme.DOI, normalize_doi(_one(fields, "DI"))),
                          (Scheme.PMID, normalize_pmid(_one(fields, "PM")))):
        if value:
            ids[scheme.value] = value
    begin, end = _one(fields, "BP"), _one(fields, "EP")
    pages = f"{begin}-{end}" if begin and end and begin != end else begin or _one(fields, "AR")
    abstract_lines = fields.get("AB")
    keywords: list[str] = []
    for tag in ("DE", "ID"):
        for word in re.split(r";", " ".join(fields.get(tag, []))):
            word = word.strip()
            if word and word.lower() not in {k.lower() for k in keywords}:
                keywords.append(word)
    venue_name = clean_field(_one(fields, "SO"))
    is_book = bool(fields.get("BN")) and not fields.get("SN") and not fields.get("EI")
    extra = {tag: (values if tag in _LIST_TAGS or len(values) > 1 else values[0])
             for tag, values in fields.items() if tag not in _MAPPED}
    if extra.get("") is not None:
        extra["untagged"] = extra.pop("")
    if fields.get("SE"):
        extra["SE"] = _one(fields, "SE")
    return Work(
        title=title,
        ids=ids,
        isbns=split_isbns(_one(fields, "BN")),
        authors=_authors(fields),
        year=parse_year(_one(fields, "PY")) or parse_year(_one(fields, "EA")),
        venue=Venue(
            name=venue_name,
            issn=normalize_issn(_one(fields, "SN")),
            eissn=normalize_issn(_one(fields, "EI")),
            abbreviation=clean_field(_one(fields, "JI") or _one(fields, "J9")),
            publisher=clean_field(_one(fields, "PU")),
        ),
        volume=_one(fields, "VL"),
        issue=_one(fields, "IS"),
        pages=pages,
        doc_type=parse_doc_type(doc_label, "book" if is_book and not doc_label else None),
        early_access=early,
        language=_one(fields, "LA"),
        abstract=clean_abstract("\n".join(abstract_lines)) if abstract_lines else None,
        keywords=keywords,
        references=[r.strip() for r in fields.get("CR", []) if r.strip()],
        extra=extra,
        origin=origin,
    )


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject | Notice]:
    """Yield a Work (or a Reject) for each PT … ER record.

    A record whose ER line is missing ends where the next record's PT line starts: both are
    read, with a warning (a WoS record has one PT line, the first).
    """
    lines = text.split("\n")
    start = None  # the line number where the current record starts (its lines: lines[start - 1:number - 1])
    for number, line in enumerate(lines, start=1):
        if start is None:
            if line.startswith(("FN ", "VR ", "EF")) or not line.strip():
                continue
            start = number
        head = line[:2]  # only lines starting ER, EF or PT end a record: one test for the others
        if head != "ER" and head != "EF" and head != "PT":
            continue
        if head == "ER" and line.rstrip() == "ER":
            record = lines[start - 1 : number - 1]
            yield from _record(record, start, file, "\n".join([*record, "ER"]))
            start = None
            continue
        if head == "EF" and line.rstrip() == "EF" and _has_pt(lines, start, number):
            yield Notice(file, f"line {start}", "ER", f"the record has no ER line: it is taken to end at the "
                         f"EF line that ends the file (line {number})")
            record = lines[start - 1 : number - 1]
            yield from _record(record, start, file, "\n".join(record).rstrip())
            start = None
            continue
        if line.startswith("PT ") and _has_pt(lines, start, number):
            yield Notice(file, f"line {start}", "ER", f"the record has no ER line: it is taken to end where "
                         f"the next record's PT line starts (line {number}); both records kept")
            record = lines[start - 1 : number - 1]
            yield from _record(record, start, file, "\n".join(record).rstrip())
            start = number
    record = lines[start - 1 :] if start is not None else []
    if start is not None and any(line.strip() for line in record):
        raw = "\n".join(record)
        yield Reject(file, f"line {start}", "ER",
                     "record is truncated: the file ends before its ER line", raw)


def _has_pt(lines: list[str], start: int, number: int) -> bool:
    """Whether the record's lines so far (from line `start` up to line `number`) hold a PT line."""
    return any(r.startswith("PT ") for r in lines[start - 1 : number - 1])


def _record(record: list[str], start: int, file: str, raw: str) -> Iterator[Work | Reject | Notice]:
    problems: list[tuple[str, str]] = []
    fields = _fields(record, start, problems)
    for tag, message in problems:
        yield Notice(file, f"line {start}", tag, message)
    yield to_work(fields, Origin(file, f"line {start}", FORMAT, raw))
