"""Web of Science tab-delimited export ("Tab-delimited file", Windows UTF-16 or UTF-8).

The first line names the columns by the two-letter WoS field tags (PT AU BA … UT); every later
line is one record, its fields separated by tabs and never quoted. Data lines carry one more
(empty) field than the header because each ends with a tab. Multi-valued fields use "; "
(authors, keywords, cited references); C1 holds "[Family, Given; …] Affiliation" groups in
newer exports, and OI/RI hold "Family, Given/identifier" pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import FormatError
from ..ids import normalize_doi, normalize_issn, normalize_pmid, normalize_wos, split_isbns
from ..text import clean_abstract, clean_field, fold
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
from .fields import dedupe, page_range, split_cell, split_references

FORMAT = "wos-tab"

_TAG = re.compile(r"[A-Z][A-Z0-9]")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
# "[Family, Given; Family2, Given2] Affiliation" groups of C1, up to the next "; [" or the end.
_C1_GROUP = re.compile(r"\[([^\[\]]*)\]\s*(.*?)\s*(?=;\s*\[|$)", re.DOTALL)
# PT codes, for records whose DT is empty.
_PT_TYPES = {"J": "article", "B": "book", "S": "book", "P": "patent"}


def _header(line: str) -> list[str] | None:
    """The column tags of a header line, or None when it is not a WoS tab-delimited header."""
    tags = line.rstrip("\t\r ").split("\t")
    if len(tags) < 10 or tags[0] != "PT":
        return None
    good = sum(1 for t in tags if _TAG.fullmatch(t))
    return tags if good >= 0.9 * len(tags) else None


def sniff(head: str) -> bool:
    """A first line 'PT<tab>AU<tab>…' of two-letter tags (plain-text 'FN …' files do not match)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith("PT\t") and _header(first) is not None


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject | Notice]:
    """One Work (or Reject) per data line.

    A field holding a line break splits a record over lines; the lines are joined (with a
    warning) while together they have no more fields than the header, and never with a line
    that is a whole record by itself. A line too short to be a record is rejected, not glued
    onto the next.
    """
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    header = _header(lines[0]) if lines else None
    if header is None:
        first = lines[0][:60] if lines else ""
        raise FormatError(
            f"{file}, line 1: not a Web of Science tab-delimited file "
            f"(the first line should be the tags 'PT<tab>AU<tab>…', it is {first!r})"
        )
    width = len(header)
    index = 1
    while index < len(lines):
        start = index
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        fields = line.split("\t")
        while len(fields) < width and index < len(lines) and lines[index].strip():
            more = lines[index].split("\t")
            if len(more) >= width or len(fields) + len(more) - 1 > width + 1:
                break
            line += "\n" + lines[index]
            fields[-1] += "\n" + more[0]
            fields.extend(more[1:])
            index += 1
        position = f"line {start + 1}"
        if len(fields) < width:
            last = not any(rest.strip() for rest in lines[index:])
            missing = header[len(fields)]
            reason = (
                f"record is truncated: the file ends after {len(fields)} of its {width} fields"
                if last
                else f"the line has {len(fields)} fields but the header has {width} (no {missing} and after)"
            )
            yield Reject(file, position, missing, reason, line)
            continue
        if index > start + 1:
            broken = header[len(line.split("\n")[0].split("\t")) - 1]
            yield Notice(file, position, broken, f"the field holds a line break: lines {start + 1} to {index} "
                         "read as one record")
        yield _record(header, fields, file, position, line)


def _record(header: list[str], fields: list[str], file: str, position: str, raw: str) -> Work | Reject:
    data: dict[str, str] = {}
    for tag, value in zip(header, fields, strict=False):
        value = value.strip()
        if value and tag not in data:
            data[tag] = value
    # Values past the header: the trailing tab gives one empty field; anything else is kept.
    for number, value in enumerate(fields[len(header):], start=len(header) + 1):
        if value.strip():
            data[f"column {number}"] = value.strip()

    title = clean_field(data.get("TI"))
    if not title:
        return Reject(file, position, "TI", "record has no title", raw)
    used = {"TI"}

    def take(tag: str) -> str | None:
        value = data.get(tag)
        if value is not None:
            used.add(tag)
        return value

    work = Work(title=title)
    work.origin = Origin(file=file, position=position, format=FORMAT, raw=raw)

    for scheme, tag, normalize in (("wos", "UT", normalize_wos), ("doi", "DI", normalize_doi),
                                   ("pmid", "PM", normalize_pmid)):
        value = normalize(data.get(tag))
        if value:
            work.ids[scheme] = value
            used.add(tag)

    work.authors = _authors(data, used)
    _attach_affiliations(work.authors, data, used)
    _attach_orcids(work.authors, data, used)

    work.year = parse_year(take("PY"))
    if work.year is None:
        work.year = parse_year(data.get("EA"))  # early access date 'JUN 2021'; EA stays in extra

    abbreviation = take("JI") or take("J9")  # ISO abbreviation first, as the plain-text reader
    work.venue = Venue(
        name=clean_field(take("SO")),
        issn=normalize_issn(data.get("SN")),
        eissn=normalize_issn(data.get("EI")),
        abbreviation=clean_field(abbreviation),
        publisher=clean_field(take("PU")),
    )
    for tag in ("SN", "EI"):
        if normalize_issn(data.get(tag)):
            used.add(tag)
    work.isbns = split_isbns(data.get("BN"))
    if work.isbns:
        used.add("BN")

    work.volume = clean_field(take("VL"))
    work.issue = clean_field(take("IS"))
    last = data.get("EP")
    if last and last.strip() != "+":  # WoS writes EP '+' when the last page is unknown
        used.add("EP")
    else:
        last = None
    work.pages = page_range(take("BP"), last) or clean_field(take("AR"))

    doc_type = take("DT")
    work.doc_type = parse_doc_type(doc_type or _PT_TYPES.get(data.get("PT", "")))
    work.early_access = bool(doc_type and "early access" in doc_type.lower()) or (
        "PY" not in data and "EA" in data
    )
    work.language = clean_field(take("LA"))
    work.abstract = clean_abstract(take("AB"))
    work.keywords = dedupe(split_cell(take("DE")) + split_cell(take("ID")))
    work.references = split_references(take("CR"))

    work.extra = {tag: value for tag, value in data.items() if tag not in used}
    return work


def _authors(data: dict[str, str], used: set[str]) -> list[Author]:
    """AF (full names) else AU; book authors (BF/BA) when neither; group authors (CA) after."""
    authors: list[Author] = []
    for full, short in (("AF", "AU"), ("BF", "BA")):
        names = split_cell(data.get(full)) or split_cell(data.get(short))
        if names:
            shorts = split_cell(data.get(short)) if split_cell(data.get(full)) else []
            if len(shorts) == len(names):  # 'Zhou Qiang' with 'Zhou, Q': the family name comes first
                authors = [a for a in (parse_full_name(n, s) for n, s in zip(names, shorts, strict=True)) if a]
            else:
                authors = [a for a in (parse_name(n) for n in names) if a]
            used.update(tag for tag in (full, short) if tag in data)
            break
    for group in split_cell(data.get("CA")):
        authors.append(Author(family=group))
        used.add("CA")
    return authors


def _name_key(name: str) -> tuple[str, str]:
    author = parse_name(name) or Author(family=name)
    return fold(author.family), fold(author.given)


def _match(authors: list[Author], name: str) -> int | None:
    """The index of the author a 'Family, Given' name (from C1, OI or RI) refers to."""
    family, given = _name_key(name)
    if not family:
        return None
    keys = [(fold(a.family), fold(a.given)) for a in authors]

    def same_family(other: str) -> bool:
        return other == family or other.endswith(" " + family) or family.endswith(" " + other)

    exact = [i for i, (f, g) in enumerate(keys) if f == family and g == given]
    if len(exact) == 1:
        return exact[0]
    close = [
        i for i, (f, g) in enumerate(keys)
        if same_family(f) and (not g or not given or g[0] == given[0])
    ]
    if len(close) > 1:  # 'Breitkreutz, Bobby-Joe' and 'Breitkreutz, Ashton': first names decide
        close = [i for i in close if keys[i][1].split(" ")[:1] == given.split(" ")[:1]]
    return close[0] if len(close) == 1 else None


def _attach_affiliations(authors: list[Author], data: dict[str, str], used: set[str]) -> None:
    """Give each author the C1 addresses that name them; C1 stays in extra unless all attach."""
    c1 = data.get("C1")
    if not c1 or not authors:
        return
    found: dict[int, list[str]] = {}
    complete = True
    groups = list(_C1_GROUP.finditer(c1))
    if groups:
        for group in groups:
            address = " ".join(group.group(2).split()).rstrip(";").strip()
            for name in split_cell(group.group(1)):
                index = _match(authors, name)
                if index is None or not address:
                    complete = False
                    continue
                if address not in found.setdefault(index, []):
                    found[index].append(address)
    elif len(authors) == 1:  # old-style C1 without names: only a sole author can be sure
        found[0] = split_cell(c1)
    else:
        return
    for index, addresses in found.items():
        authors[index].affiliation = "; ".join(addresses)
    if complete and found:
        used.add("C1")


def _attach_orcids(authors: list[Author], data: dict[str, str], used: set[str]) -> None:
    """OI 'Family, Given/0000-0002-…; …' -> Author.orcid; OI stays in extra unless all match.

    RI holds ResearcherIDs ('Family, Given/A-1234-2008'), which the model has no place for; an
    ORCID found there is used too, but RI always stays in extra.
    """
    if not authors:
        return
    for tag in ("OI", "RI"):
        complete = True
        for entry in split_cell(data.get(tag)):
            name, _, ident = entry.rpartition("/")
            match = _ORCID.fullmatch(ident.strip())
            index = _match(authors, name) if match and name else None
            if index is None or match is None:
                complete = False
                continue
            if authors[index].orcid is None:
                authors[index].orcid = match.group(0)
        if tag == "OI" and complete and data.get("OI"):
            used.add("OI")
