"""CSL-JSON (Zotero, Mendeley, citeproc, Better BibTeX): a list of item objects.

Also read: a single item object, {"items": [...]}, and one item per line (JSON lines).
Each item becomes one Work; an item that is not an object, or has no title, a Reject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    split_isbns,
    split_issns,
)
from ..json_input import loads, raw_decode
from ..text import clean_abstract, clean_field
from ..work import Author, Origin, Reject, Venue, Work, parse_doc_type, parse_year
from .fields import dedupe, hyphenate

FORMAT = "csljson"

_DECODER = json.JSONDecoder()
_WS = re.compile(r"\s*")
_NAME_FIELDS = {
    "author", "editor", "translator", "contributor", "collection-editor", "composer",
    "container-author", "director", "editorial-director", "illustrator", "interviewer",
    "original-author", "recipient", "reviewed-author", "chair", "compiler", "curator",
    "executive-producer", "guest", "host", "narrator", "organizer", "performer", "producer",
    "script-writer", "series-creator",
}
_DATE_FIELDS = {"issued", "accessed", "original-date", "event-date", "submitted", "available-date"}
# Fields mapped onto the Work model (the rest go to `extra`).
_USED = {
    "type", "title", "author", "issued", "container-title", "container-title-short",
    "journalAbbreviation", "volume", "issue", "page", "DOI", "ISSN", "ISBN", "PMID", "PMCID",
    "abstract", "keyword", "language", "publisher",
}
# Lines of Zotero's 'Extra' that it exports inside `note` ('PMID: 123').
_NOTE_IDS = re.compile(r"^\s*(DOI|PMID|PMCID)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_IN_PRESS = {"in press", "forthcoming", "advance online publication", "online first", "epub ahead of print"}


def _first_item(head: str) -> dict[str, Any] | None:
    """The first item object of a CSL-JSON text, parsed from (possibly cut-off) head text."""
    head = head.lstrip("\ufeff \t\r\n")
    try:
        if head.startswith("["):
            pos = _WS.match(head, 1).end()
            item, _ = raw_decode(head, pos, source="the file")
            return item if isinstance(item, dict) else None
        if head.startswith("{"):
            match = re.match(r'\{\s*"items"\s*:\s*\[\s*', head)
            if match:
                item, _ = raw_decode(head, match.end(), source="the file")
                return item if isinstance(item, dict) else None
            item, _ = raw_decode(head, source="the file")
            return item if isinstance(item, dict) else None
    except (json.JSONDecodeError, ValueError):
        return None
    return None


def _is_foreign(item: dict[str, Any]) -> bool:
    """True for OpenAlex works and Crossref messages/works, which are JSON but not CSL."""
    ident = str(item.get("id", ""))
    if ident.startswith(("https://openalex.org/", "http://openalex.org/")):
        return True
    if {"abstract_inverted_index", "openalex", "display_name", "publication_year"} & item.keys():
        return True
    if {"message-type", "message"} & item.keys():
        return True
    # Crossref works: list-valued titles, and bookkeeping fields CSL has no name for.
    crossref_keys = {"indexed", "deposited", "member", "reference-count"}
    return isinstance(item.get("title"), list) or bool(crossref_keys & item.keys())


def sniff(head: str) -> bool:
    """JSON whose first item has 'type' and a title/issued/author/container-title."""
    head = head.lstrip("\ufeff \t\r\n")
    if not head.startswith(("[", "{")):
        return False
    item = _first_item(head)
    if item is None:
        # An item too big for the head: fall back on what its text shows.
        return (
            bool(re.search(r'"type"\s*:\s*"', head[:8192]))
            and bool(re.search(r'"(?:title|issued|author|container-title)"\s*:', head[:8192]))
            and not re.search(r'openalex\.org|"abstract_inverted_index"|"message-type"|"indexed"\s*:', head[:8192])
        )
    if not isinstance(item.get("type"), str):
        return False
    if not ({"title", "issued", "author", "container-title"} & item.keys()):
        return False
    return not _is_foreign(item)


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def _items(text: str, file: str) -> Iterator[tuple[Any, str]]:
    """(item, its verbatim text) for each item of a list, an {"items": …} object, one item
    object, or JSON lines. The whole text is checked first, so a syntax error raises
    FormatError before any item is given out."""
    start = _WS.match(text).end()
    if start >= len(text):
        raise FormatError(f"{file}: the file is empty")
    if text[start] not in "[{":
        raise FormatError(
            f"{file}, {_where(text, start)}: not CSL-JSON (it should start with '[' or '{{')"
        )
    try:
        root = loads(text, source=file)
    except json.JSONDecodeError as e:
        if e.msg != "Extra data" or text[start] != "{":
            raise FormatError(
                f"{file}, line {e.lineno}, column {e.colno}: not valid JSON ({e.msg})"
            ) from e
        yield from _json_lines(text, start, file)
        return
    if isinstance(root, list):
        yield from zip(root, _spans(text, start), strict=True)
        return
    if isinstance(root, dict) and isinstance(root.get("items"), list) and "type" not in root:
        match = _ITEMS_FIRST.match(text, start)
        if match:
            yield from zip(root["items"], _spans(text, match.end()), strict=True)
        else:
            for item in root["items"]:
                yield item, json.dumps(item, ensure_ascii=False, indent=1)
        return
    if isinstance(root, dict) and "type" in root:
        yield root, text[start:].rstrip()
        return
    raise FormatError(
        f"{file}: not CSL-JSON (expected a list of items, an item, or an object with 'items')"
    )


_ITEMS_FIRST = re.compile(r'\{\s*"items"\s*:\s*(?=\[)')


def _json_lines(text: str, start: int, file: str) -> Iterator[tuple[Any, str]]:
    """One JSON value after another (JSON lines): each must parse before any is given out."""
    values = []
    pos = start
    while pos < len(text):
        try:
            obj, end = raw_decode(text, pos, source=file)
        except json.JSONDecodeError as e:
            raise FormatError(
                f"{file}, line {e.lineno}, column {e.colno}: not valid JSON ({e.msg})"
            ) from e
        values.append((obj, text[pos:end]))
        pos = _WS.match(text, end).end()
    yield from values


def _spans(text: str, start: int) -> Iterator[str]:
    """The verbatim text of each element of the (valid) JSON array starting at `start`."""
    pos = _WS.match(text, start + 1).end()
    if text[pos:pos + 1] == "]":
        return
    while True:
        _, end = _DECODER.raw_decode(text, pos)
        yield text[pos:end]
        pos = _WS.match(text, end).end()
        if text[pos:pos + 1] != ",":
            return
        pos = _WS.match(text, pos + 1).end()


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """One Work (or Reject) per item; position 'item N' (1-based)."""
    text = text.lstrip("\ufeff")
    for number, (item, raw) in enumerate(_items(text, file), start=1):
        position = f"item {number}"
        if not isinstance(item, dict):
            yield Reject(file, position, "item", f"item is not a JSON object but {type(item).__name__}", raw)
            continue
        yield _record(item, file, position, raw)


def _text(value: Any) -> str | None:
    """A CSL value as one string (numbers too; lists joined, as some exporters write them)."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        parts = [str(v) for v in value if isinstance(v, str | int | float)]
        return "; ".join(parts) if parts else None
    return str(value)


def _record(item: dict[str, Any], file: str, position: str, raw: str) -> Work | Reject:
    title = clean_field(_text(item.get("title")))
    if not title:
        return Reject(file, position, "title", "record has no title", raw)
    work = Work(title=title)
    work.origin = Origin(file=file, position=position, format=FORMAT, raw=raw)
    used = set(_USED)

    note = _text(item.get("note")) or ""
    from_note = {k.upper(): v for k, v in _NOTE_IDS.findall(note)}
    for scheme, key, normalize in (("doi", "DOI", normalize_doi), ("pmid", "PMID", normalize_pmid),
                                   ("pmcid", "PMCID", normalize_pmcid)):
        value = normalize(_text(item.get(key))) or normalize(from_note.get(key))
        if value:
            work.ids[scheme] = value

    work.authors = [a for a in (_author(n) for n in _names(item.get("author"))) if a]
    work.year = _year(item.get("issued"))

    issns = split_issns(_text(item.get("ISSN")))
    work.venue = Venue(
        name=clean_field(_text(item.get("container-title"))),
        issn=issns[0] if issns else None,
        eissn=issns[1] if len(issns) > 1 else None,
        abbreviation=clean_field(_text(item.get("container-title-short") or item.get("journalAbbreviation"))),
        publisher=clean_field(_text(item.get("publisher"))),
    )
    work.isbns = split_isbns(_text(item.get("ISBN")))
    work.volume = clean_field(_text(item.get("volume")))
    work.issue = clean_field(_text(item.get("issue")))
    page = clean_field(_text(item.get("page")))
    work.pages = hyphenate(page) if page else None

    kind = _text(item.get("type"))
    work.doc_type = parse_doc_type(kind)
    status = (_text(item.get("status")) or "").strip().lower()
    work.early_access = status in _IN_PRESS
    work.language = clean_field(_text(item.get("language")))
    work.abstract = clean_abstract(_text(item.get("abstract")))
    work.keywords = _keywords(item.get("keyword"))
    work.references = []

    for key, value in item.items():
        if key in used or value in (None, "", [], {}):
            continue
        if key == "status" and work.early_access:
            continue
        work.extra[key] = _extra_value(key, value)
    for key in ("DOI", "ISSN", "ISBN", "PMID", "PMCID"):
        value = item.get(key)
        if value and not (work.ids.get(key.lower()) or (key == "ISSN" and issns)
                          or (key == "ISBN" and work.isbns)):
            work.extra[key] = value  # present but not a valid identifier: keep what was written
    return work


def _names(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [n for n in value if isinstance(n, dict)]
    return []


def _author(name: dict[str, Any]) -> Author | None:
    literal = clean_field(_text(name.get("literal")))
    family = clean_field(_text(name.get("family")))
    given = clean_field(_text(name.get("given"))) or ""
    for particle in ("non-dropping-particle", "dropping-particle"):
        part = clean_field(_text(name.get(particle)))
        if part and family:
            family = f"{part} {family}"
    suffix = clean_field(_text(name.get("suffix")))
    if suffix:
        given = f"{given}, {suffix}" if given else suffix
    orcid = normalize_orcid(_text(name.get("ORCID") or name.get("orcid")))
    if family:
        return Author(family=family, given=given, orcid=orcid)
    if literal:
        return Author(family=literal, orcid=orcid)
    if given:  # a mononym written as given only
        return Author(family=given)
    return None


def _year(date: Any) -> int | None:
    """issued: {"date-parts": [["2006"]]} / {"raw": "2006-05"} / {"literal": "ca. 1900"} / "2006"."""
    if isinstance(date, dict):
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parse_year(str(parts[0][0]))
            if year:
                return year
        for key in ("raw", "literal", "season"):
            year = parse_year(_text(date.get(key)))
            if year:
                return year
        return None
    return parse_year(_text(date))


def _date_text(date: Any) -> Any:
    if isinstance(date, dict):
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and all(isinstance(p, list) for p in parts):
            texts = ["-".join(str(x) for x in p) for p in parts if p]
            return "/".join(texts) if texts else date
        return _text(date.get("raw")) or _text(date.get("literal")) or date
    return date


def _name_text(name: dict[str, Any]) -> str:
    author = _author(name)
    if author is None:
        return ""
    return f"{author.family}, {author.given}" if author.given else author.family


def _extra_value(key: str, value: Any) -> Any:
    """Extra fields as text where CSL structures have an obvious text form."""
    if key in _NAME_FIELDS:
        names = [t for t in (_name_text(n) for n in _names(value)) if t]
        return "; ".join(names) if names else value
    if key in _DATE_FIELDS:
        return _date_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        words = [str(v) for v in value if isinstance(v, str | int | float)]
    elif isinstance(value, str):
        words = value.split(";") if ";" in value else value.split(",")
    else:
        words = []
    return dedupe(" ".join(word.split()) for word in words)
