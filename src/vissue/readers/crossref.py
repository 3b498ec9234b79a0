"""Crossref REST API works: /works list responses, single-work responses, bare lists of works.

Abstracts are JATS with the `jats:` prefix, often pretty-printed with newlines and indentation;
they are flattened (section titles on their own line, one line a paragraph) before cleaning.
The subtitle is kept in extra["subtitle"]; the title is title[0] alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import FormatError
from ..ids import normalize_doi, normalize_isbn, normalize_issn, normalize_orcid
from ..json_input import loads, raw_decode
from ..text import clean_abstract, clean_field
from ..work import Author, Origin, Reject, Venue, Work, parse_doc_type, parse_year
from .fields import dedupe
from .openalex import join_pages, json_error

FORMAT = "crossref"

_MESSAGE_TYPE = re.compile(r'"message-type"\s*:\s*"work(?:-list)?"')
_GENERIC_HEADING = re.compile(
    r"^\s*<(?:jats:)?title\b[^>]*>\s*(?:abstract|summary|résumé|resumo|resumen|zusammenfassung|"
    r"аннотация|реферат|abstrakt|riassunto|sommario)\s*[.:]?\s*</(?:jats:)?title>",
    re.IGNORECASE,
)
# Pretty-printing puts newlines and indentation around inline tags: '(\n  <i>KRAS</i>\n  )/'.
_SPACE_BEFORE_CLOSER = re.compile(r"[ \t]*\n\s*(?=[,.;:)\]/])")
_SPACE_AFTER_OPENER = re.compile(r"(?<=[(\[/])[ \t]*\n\s*")
# Some publishers (Wiley) lose the spaces around inline elements: 'an<scp>R</scp>package'.
# An element glued to the word before it is taken to have lost its spaces (sub/sup excluded:
# 'CO<sub>2</sub>' is glued on purpose; '<scp>T</scp>reebase', glued only after, is left alone).
_GLUED_INLINE = re.compile(
    r"(?<=[^\W_]|[,;:])<((?:jats:)?(?:italic|bold|sc|scp|styled-content|ext-link|underline|"
    r"monospace|named-content|i|b|em|strong|u))\b([^<>]*)>(.*?)</\1>",
    re.DOTALL,
)

# Fields turned into Work fields (everything else goes to extra, compacted).
_MAPPED = {
    "DOI", "title", "author", "issued", "container-title", "short-container-title", "ISSN",
    "issn-type", "ISBN", "volume", "issue", "page", "type", "language", "abstract", "subject",
    "reference", "publisher",
}
_DATE_ORDER = ("issued", "published", "published-print", "published-online", "posted",
               "published-other")


# ---------------------------------------------------------------------------------------------
# Sniffing


def _is_item(obj: Any) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get("DOI"), str)
            and isinstance(obj.get("title", []), list)
            and isinstance(obj.get("container-title"), list))


def _is_envelope(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if obj.get("message-type") in ("work", "work-list"):
        return True
    message = obj.get("message")
    return isinstance(message, dict) and ("DOI" in message or isinstance(message.get("items"), list))


def sniff(head: str) -> bool:
    """A Crossref works response ('message-type': 'work'/'work-list') or a list of works."""
    if not head or head[0] not in "{[":
        return False
    if head[0] == "{":
        if _MESSAGE_TYPE.search(head[:2000]):
            return True
        try:
            return _is_envelope(loads(head, source="the file"))
        except ValueError:
            return False
    try:
        first = loads(head, source="the file")
        first = first[0] if isinstance(first, list) and first else None
    except ValueError:
        start = head.find("{")
        if start < 0 or head[1:start].strip():
            return False
        try:
            first = raw_decode(head, start, source="the file")[0]
        except ValueError:
            return False
    return _is_item(first)


# ---------------------------------------------------------------------------------------------
# Reading


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Works from a Crossref API response (or a JSON list of Crossref work objects)."""
    try:
        document = loads(text, source=file)
    except json.JSONDecodeError as e:
        raise json_error(file, text, e) from e
    items: list[Any]
    if isinstance(document, dict) and "message" in document:
        message = document["message"]
        if isinstance(message, dict) and isinstance(message.get("items"), list):
            items = message["items"]
        elif isinstance(message, dict) and "DOI" in message:
            items = [message]
        else:
            kind = document.get("message-type") or type(message).__name__
            raise FormatError(f"{file}: a Crossref response, but not of works (message-type {kind})")
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict) and "DOI" in document:
        items = [document]
    else:
        raise FormatError(f"{file}: not a Crossref works response (no 'message' with works)")
    for number, item in enumerate(items, start=1):
        yield _record(item, file, f"item {number}")


def _record(item: Any, file: str, position: str) -> Work | Reject:
    raw = json.dumps(item, ensure_ascii=False)
    if not isinstance(item, dict):
        return Reject(file, position, "item", f"not a JSON object but {type(item).__name__}", raw)
    try:
        work = _to_work(item)
    except (TypeError, AttributeError, ValueError, KeyError) as e:
        return Reject(file, position, "record", f"unexpected structure in the work: {e!r}", raw)
    if not work.title:
        return Reject(file, position, "title", "record has no title", raw)
    work.origin = Origin(file=file, position=position, format=FORMAT, raw=raw)
    return work


# ---------------------------------------------------------------------------------------------
# Mapping one work


def _l(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unglue(match: re.Match[str]) -> str:
    after = match.string[match.end():match.end() + 1]
    return " " + match.group(0) + (" " if after.isalnum() else "")


def _tidy(text: str) -> str:
    """Undo the layout around inline tags: '(\\n  <i>X</i>\\n  )' -> '(<i>X</i>)',
    'an<scp>R</scp>package' -> 'an <scp>R</scp> package'."""
    if "\n" in text:
        text = _SPACE_BEFORE_CLOSER.sub("", text)
        text = _SPACE_AFTER_OPENER.sub("", text)
    if "<" in text:
        text = _GLUED_INLINE.sub(_unglue, text)
    return text


def _s(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return clean_field(_tidy(str(value)))


def _first(value: Any) -> str | None:
    for entry in _l(value):
        text = _s(entry)
        if text:
            return text
    return None


def jats_abstract(text: str | None, doi: str | None = None) -> str | None:
    """Crossref's JATS abstract to plain text: titles and paragraphs on their own lines."""
    if not text or not isinstance(text, str):
        return None
    text = " ".join(_tidy(text).split())  # newlines in JATS are layout, not paragraphs
    text = _GENERIC_HEADING.sub("", text)
    cleaned = clean_abstract(text)
    if cleaned and doi:
        # Some publishers glue the DOI link to the start: 'http://dx.doi.org/10.5902/X14555By …'.
        link = re.match(r"(?:https?://)?(?:dx\.)?doi\.org/" + re.escape(doi) + r"\s*", cleaned,
                        re.IGNORECASE)
        if link:
            cleaned = clean_abstract(cleaned[link.end():])
    return cleaned


def _date(value: Any) -> str | None:
    """{'date-parts': [[2021, 5, 3]]} -> '2021-05-03'; [[None]] -> None."""
    parts = _l(_d(value).get("date-parts"))
    first = [p for p in _l(parts[0]) if p is not None] if parts else []
    if not first:
        return None
    out = [str(first[0])]
    out += [f"{int(p):02d}" if str(p).isdigit() else str(p) for p in first[1:3]]
    return "-".join(out)


def _year(item: dict[str, Any]) -> int | None:
    """The year of 'issued', else of the first publication date the record has."""
    for key in _DATE_ORDER:
        parts = _l(_d(item.get(key)).get("date-parts"))
        first = _l(parts[0]) if parts else []
        year = parse_year(first[0]) if first else None
        if year:
            return year
    return None


def _person(entry: Any) -> Author | None:
    person = _d(entry)
    family, given = _s(person.get("family")), _s(person.get("given"))
    if family and not any(c.isalnum() for c in family):
        family = None  # 'Sumaryadi' with family '-': a single-name author
    if not family:
        family, given = given or _s(person.get("name")), None
    if not family:
        return None
    affiliations = _l(person.get("affiliation"))
    affiliation = _s(_d(affiliations[0]).get("name")) if affiliations else None
    return Author(family=family, given=given or "", orcid=normalize_orcid(_s(person.get("ORCID"))),
                  affiliation=affiliation)


def _issns(item: dict[str, Any]) -> tuple[str | None, str | None, list[str]]:
    """(print ISSN, electronic ISSN, other ISSNs) from issn-type, else from the ISSN list."""
    printed = electronic = None
    for entry in _l(item.get("issn-type")):
        entry = _d(entry)
        value = normalize_issn(_s(entry.get("value")))
        kind = str(entry.get("type") or "").lower()
        if kind == "print" and not printed:
            printed = value
        elif kind == "electronic" and not electronic:
            electronic = value
    plain = [i for i in (normalize_issn(_s(x)) for x in _l(item.get("ISSN"))) if i]
    for issn in plain:
        if not printed and issn != electronic:
            printed = issn
        elif not electronic and issn != printed:
            electronic = issn
    others = [i for i in dict.fromkeys(plain) if i not in (printed, electronic)]
    return printed, electronic, others


def _reference(entry: Any) -> str | None:
    ref = _d(entry)
    doi = normalize_doi(_s(ref.get("DOI")))
    text = _s(ref.get("unstructured"))
    if text:
        if doi and doi not in text.lower():
            text += f", DOI {doi}"
        return text
    source = _s(ref.get("journal-title")) or _s(ref.get("volume-title")) or _s(ref.get("series-title"))
    parts = [
        _s(ref.get("author")), _s(ref.get("year")), _s(ref.get("article-title")), source,
        f"V{ref['volume']}" if _s(ref.get("volume")) else None,
        f"P{ref['first-page']}" if _s(ref.get("first-page")) else None,
        f"DOI {doi}" if doi else None,
    ]
    joined = ", ".join(p for p in parts if p)
    return joined or None


def _names(values: Any) -> list[str]:
    out = []
    for entry in _l(values):
        author = _person(entry)
        if author:
            out.append(f"{author.family}, {author.given}" if author.given else author.family)
    return out


def _compact(value: Any) -> Any:
    """Dates to ISO strings, empty values out, the rest as it is."""
    if isinstance(value, dict):
        if "date-parts" in value:
            return _date(value)
        out = {k: _compact(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [v for v in (_compact(x) for x in value) if v not in (None, [], {}, "")]
    if isinstance(value, str):
        return clean_field(value) if "<" in value else value
    return value


def _funders(values: Any) -> list[str]:
    out = []
    for entry in _l(values):
        funder = _d(entry)
        name = _s(funder.get("name")) or _s(funder.get("DOI"))
        awards = [a for a in (_s(x) for x in _l(funder.get("award"))) if a]
        text = f"{name} ({'; '.join(awards)})" if name and awards else name or "; ".join(awards)
        if text:
            out.append(text)
    return out


def _assertions(values: Any) -> dict[str, Any]:
    out = {}
    for entry in _l(values):
        entry = _d(entry)
        key = _s(entry.get("label")) or _s(entry.get("name"))
        if key and entry.get("value") not in (None, ""):
            out[key] = _s(entry.get("value"))
    return out


_COMPACT = {
    "link": lambda v: [_d(x).get("URL") for x in _l(v) if _d(x).get("URL")],
    "license": lambda v: [_d(x).get("URL") for x in _l(v) if _d(x).get("URL")],
    "resource": lambda v: _d(_d(v).get("primary")).get("URL") or _compact(v),
    "funder": _funders,
    "assertion": _assertions,
    "editor": _names,
    "translator": _names,
    "chair": _names,
    "isbn-type": lambda v: {_d(x).get("type"): normalize_isbn(_s(_d(x).get("value")))
                            for x in _l(v) if _d(x).get("type")},
    "subtitle": lambda v: [s for s in (_s(x) for x in _l(v)) if s],
    "original-title": lambda v: [s for s in (_s(x) for x in _l(v)) if s],
    "short-title": lambda v: [s for s in (_s(x) for x in _l(v)) if s],
}


def _to_work(item: dict[str, Any]) -> Work:
    doi = normalize_doi(_s(item.get("DOI")))
    extra: dict[str, Any] = {}

    container = [c for c in (_s(x) for x in _l(item.get("container-title"))) if c]
    if len(container) > 1:
        extra["container-title"] = container  # e.g. [series title, book title] for chapters
    venue_name = container[0] if container else None
    if not venue_name and item.get("type") == "posted-content":
        venue_name = _first([_d(x).get("name") for x in _l(item.get("institution"))])
    printed, electronic, other_issns = _issns(item)
    if other_issns:
        extra["ISSN"] = other_issns
    venue = Venue(
        name=venue_name,
        issn=printed,
        eissn=electronic,
        abbreviation=_first(item.get("short-container-title")),
        publisher=_s(item.get("publisher")),
    )
    titles = [t for t in (_s(x) for x in _l(item.get("title"))) if t]
    if len(titles) > 1:
        extra["title"] = titles[1:]

    keywords = dedupe(_s(x) for x in _l(item.get("subject")))

    for key, value in item.items():
        if key in _MAPPED:
            continue
        compact = _COMPACT[key](value) if key in _COMPACT else _compact(value)
        if compact not in (None, [], {}, ""):
            extra[key] = compact
    issued = _date(item.get("issued"))
    if issued:
        extra["issued"] = issued

    return Work(
        title=titles[0] if titles else None,
        ids={"doi": doi} if doi else {},
        isbns=list(dict.fromkeys(i for i in (normalize_isbn(_s(x)) for x in _l(item.get("ISBN"))) if i)),
        authors=[a for a in (_person(x) for x in _l(item.get("author"))) if a],
        year=_year(item),
        venue=venue,
        volume=_s(item.get("volume")),
        issue=_s(item.get("issue")),
        pages=join_pages(item.get("page")),
        doc_type=parse_doc_type(_s(item.get("type")), _s(item.get("subtype"))),
        language=_s(item.get("language")),
        abstract=jats_abstract(item.get("abstract"), doi),
        keywords=keywords,
        references=[r for r in (_reference(x) for x in _l(item.get("reference"))) if r],
        extra=extra,
    )
