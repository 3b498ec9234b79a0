"""OpenAlex works: API JSON (one work, a /works list response, a bare list) and JSON lines.

Abstracts come as an inverted index (word -> positions); `invert_abstract` rebuilds the text.
OpenAlex `keywords` become Work.keywords; topics, concepts, MeSH terms and SDGs are kept, as
lists of display names, in Work.extra ("topics", "concepts", "mesh", ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_issn,
    normalize_openalex,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from ..json_input import loads, raw_decode
from ..text import clean_abstract, clean_field
from ..work import Author, Origin, Reject, Venue, Work, parse_doc_type, parse_name, parse_year
from .fields import dedupe, hyphenate

FORMAT = "openalex"

_WORK_ID = re.compile(r'"id"\s*:\s*"https?://openalex\.org/W\d+"')

# Top-level fields turned into Work fields (everything else goes to extra).
_MAPPED = {
    "id", "doi", "title", "display_name", "ids", "publication_year", "language", "primary_location",
    "type", "type_crossref", "authorships", "biblio", "keywords", "referenced_works",
    "abstract_inverted_index",
}


# ---------------------------------------------------------------------------------------------
# Sniffing


def _is_work(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    ident = obj.get("id")
    return (isinstance(ident, str) and ident.startswith("https://openalex.org/W")) or (
        "abstract_inverted_index" in obj
    )


def _is_response(obj: Any) -> bool:
    """A /works list response: {"meta": {...}, "results": [work, ...]}."""
    if not (isinstance(obj, dict) and isinstance(obj.get("meta"), dict)):
        return False
    results = obj.get("results")
    if not isinstance(results, list):
        return False
    if results:
        return _is_work(results[0])
    return "db_response_time_ms" in obj["meta"]  # an empty OpenAlex response


def _sniff_object(obj: Any) -> bool:
    if isinstance(obj, list):
        return bool(obj) and _is_work(obj[0])
    return _is_work(obj) or _is_response(obj)


def sniff(head: str) -> bool:
    """OpenAlex JSON / JSON lines: the first work has an OpenAlex W id or an abstract index."""
    if not head or head[0] not in "{[":
        return False
    first_line = head.split("\n", 1)[0]
    try:  # JSON lines, or a compact one-line document
        return _sniff_object(loads(first_line, source="the file"))
    except ValueError:
        pass
    try:  # a whole (small) document
        return _sniff_object(loads(head, source="the file"))
    except ValueError:
        pass
    if head[0] == "[":  # a long list: decode its first element
        start = head.find("{")
        if start > 0 and not head[1:start].strip():
            try:
                return _is_work(raw_decode(head, start, source="the file")[0])
            except ValueError:
                pass
    # A document longer than the head: look for the marks of a work.
    return bool(_WORK_ID.search(head)) or '"abstract_inverted_index"' in head


# ---------------------------------------------------------------------------------------------
# Reading


def json_error(file: str, text: str, error: json.JSONDecodeError) -> FormatError:
    """A one-line FormatError for a whole-file JSON document that does not parse."""
    message = f"{file}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
    if error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated"):
        message += "; is the file cut off?"
    return FormatError(message)


def _is_json_lines(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return len(lines) >= 2 and all(line.startswith("{") for line in lines)


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Works from an OpenAlex API response or snapshot-style JSON lines."""
    try:
        document = loads(text, source=file)
    except json.JSONDecodeError as e:
        if _is_json_lines(text):
            yield from _read_lines(text, file)
            return
        raise json_error(file, text, e) from e
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        items = document["results"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict) and _is_work(document):
        items = [document]
    else:
        raise FormatError(
            f"{file}: not an OpenAlex work, /works response or list of works "
            "(no 'results' and no OpenAlex work id)"
        )
    for number, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False)
        yield _record(item, file, f"item {number}", raw)


def _read_lines(text: str, file: str) -> Iterator[Work | Reject]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        position = f"line {number}"
        try:
            item = loads(line, source=f"{file}, {position}")
        except json.JSONDecodeError as e:
            yield Reject(file, position, "line", f"invalid JSON at column {e.colno}: {e.msg}", line)
            continue
        except FormatError as e:
            yield Reject(file, position, "line", str(e).split(": ", 2)[-1], line[:2000])
            continue
        if _is_response(item):  # API pages saved one a line
            for n, work in enumerate(item["results"], start=1):
                raw = json.dumps(work, ensure_ascii=False)
                yield _record(work, file, f"{position}, item {n}", raw)
            continue
        yield _record(item, file, position, line)


def _record(item: Any, file: str, position: str, raw: str) -> Work | Reject:
    if not isinstance(item, dict):
        return Reject(file, position, "item",
                      f"not a JSON object but {type(item).__name__}", raw)
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


def invert_abstract(index: dict[str, list[int]] | None) -> str | None:
    """Rebuild an abstract from OpenAlex's inverted index {word: [positions]}.

    Words are put at their positions and joined with single spaces; gaps in the positions are
    skipped. None when there is no index or it holds no words.
    """
    if not index or not isinstance(index, dict):
        return None
    slots: list[tuple[int, str]] = []
    for word, positions in index.items():
        if isinstance(positions, int) and not isinstance(positions, bool):
            positions = [positions]
        if not isinstance(positions, list):
            continue
        for pos in positions:
            if isinstance(pos, int) and not isinstance(pos, bool) and pos >= 0:
                slots.append((pos, str(word)))
    if not slots:
        return None
    slots.sort(key=lambda slot: slot[0])
    return " ".join(word for _, word in slots)


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return clean_field(str(value))


def join_pages(first: Any, last: Any = None) -> str | None:
    """'543','543' -> '543'; '543','569' -> '543-569'; dashes and spaces normalised."""
    start, end = _s(first), _s(last)
    if start:
        start = hyphenate(start)
    if end:
        end = hyphenate(end)
    if start and end and start != end:
        return f"{start}-{end}"
    return start or end


def _pmid(value: Any) -> str | None:
    """'https://pubmed.ncbi.nlm.nih.gov/12345' -> '12345'."""
    if not isinstance(value, str):
        return None
    return normalize_pmid(value.rstrip("/").rsplit("/", 1)[-1])


def _pmcid(value: Any) -> str | None:
    """'https://www.ncbi.nlm.nih.gov/pmc/articles/123' or '…/PMC123' -> 'PMC123'."""
    if not isinstance(value, str):
        return None
    last = value.rstrip("/").rsplit("/", 1)[-1]
    return normalize_pmcid(f"PMC{last}" if last.isdigit() else last)


def _short_id(value: Any) -> Any:
    """'https://openalex.org/A5081873388' -> 'A5081873388' (other values unchanged)."""
    if isinstance(value, str) and value.startswith("https://openalex.org/"):
        return value.rsplit("/", 1)[-1]
    return value


def _names(values: Any, key: str = "display_name") -> list[str]:
    out = []
    for value in _l(values):
        name = _s(_d(value).get(key))
        if name:
            out.append(name)
    return out


def _author(authorship: dict[str, Any]) -> Author | None:
    person = _d(authorship.get("author"))
    name = _s(person.get("display_name")) or _s(authorship.get("raw_author_name"))
    if not name:
        return None
    author = parse_name(name) or Author(family=name)
    author.orcid = normalize_orcid(_s(person.get("orcid")))
    institutions = _l(authorship.get("institutions"))
    affiliation = _s(_d(institutions[0]).get("display_name")) if institutions else None
    if not affiliation:
        raws = _l(authorship.get("raw_affiliation_strings"))
        affiliation = _s(raws[0]) if raws else _s(authorship.get("raw_affiliation_string"))
    author.affiliation = affiliation
    return author


def _authorship_extra(authorship: dict[str, Any]) -> dict[str, Any]:
    person = _d(authorship.get("author"))
    info = {
        "id": _short_id(person.get("id")),
        "position": authorship.get("author_position"),
        "institutions": _names(authorship.get("institutions")),
        "countries": _l(authorship.get("countries")),
        "is_corresponding": authorship.get("is_corresponding") or None,
        "raw_author_name": authorship.get("raw_author_name")
        if authorship.get("raw_author_name") != person.get("display_name") else None,
    }
    return {k: v for k, v in info.items() if v not in (None, [], "")}


def _venue(item: dict[str, Any]) -> tuple[Venue, dict[str, Any]]:
    """The venue from primary_location.source (or the first location that has a source)."""
    source = _d(_d(item.get("primary_location")).get("source"))
    if not source:
        for location in _l(item.get("locations")):
            source = _d(_d(location).get("source"))
            if source:
                break
    extra: dict[str, Any] = {}
    if not source:
        return Venue(), extra
    issns = [i for i in (normalize_issn(x) for x in _l(source.get("issn")) if isinstance(x, str)) if i]
    linking = normalize_issn(source.get("issn_l")) if isinstance(source.get("issn_l"), str) else None
    issn = linking or (issns[0] if issns else None)
    others = [i for i in issns if i != issn]
    if len(others) > 1:
        extra["issn"] = issns
    venue = Venue(
        name=_s(source.get("display_name")),
        issn=issn,
        eissn=others[0] if others else None,
        abbreviation=_s(source.get("abbreviated_title")),
        publisher=_s(source.get("host_organization_name")),
    )
    for key, name in (("id", "source_id"), ("type", "source_type")):
        if source.get(key):
            extra[name] = _short_id(source[key])
    return venue, extra


def _location(value: Any) -> dict[str, Any] | None:
    loc = _d(value)
    if not loc:
        return None
    info = {
        "source": _s(_d(loc.get("source")).get("display_name")),
        "landing_page_url": loc.get("landing_page_url"),
        "pdf_url": loc.get("pdf_url"),
        "is_oa": loc.get("is_oa"),
        "version": loc.get("version"),
        "license": loc.get("license"),
    }
    return {k: v for k, v in info.items() if v is not None}


def _topic(value: Any) -> dict[str, Any] | None:
    topic = _d(value)
    if not topic:
        return None
    info = {"display_name": _s(topic.get("display_name"))}
    for level in ("subfield", "field", "domain"):
        info[level] = _s(_d(topic.get(level)).get("display_name"))
    return {k: v for k, v in info.items() if v}


def _mesh(values: Any) -> list[str]:
    out = []
    for value in _l(values):
        term = _d(value)
        name = _s(term.get("descriptor_name"))
        qualifier = _s(term.get("qualifier_name"))
        if name:
            out.append(f"{name}/{qualifier}" if qualifier else name)
    return out


def _grants(values: Any) -> list[str]:
    out = []
    for value in _l(values):
        grant = _d(value)
        funder = _s(grant.get("funder_display_name")) or _s(_short_id(grant.get("funder")))
        award = _s(grant.get("award_id"))
        text = f"{funder} ({award})" if funder and award else funder or award
        if text:
            out.append(text)
    return out


def _counts(values: Any) -> dict[str, Any]:
    out = {}
    for value in _l(values):
        row = _d(value)
        if "year" in row:
            out[str(row["year"])] = row.get("cited_by_count")
    return out


# Compact forms of the large or nested fields kept in extra.
_COMPACT = {
    "primary_topic": _topic,
    "topics": _names,
    "concepts": _names,
    "sustainable_development_goals": _names,
    "mesh": _mesh,
    "grants": _grants,
    "counts_by_year": _counts,
    "best_oa_location": _location,
    "locations": lambda v: [x for x in (_location(loc) for loc in _l(v)) if x],
    "related_works": lambda v: [_short_id(x) for x in _l(v)],
    "corresponding_author_ids": lambda v: [_short_id(x) for x in _l(v)],
    "corresponding_institution_ids": lambda v: [_short_id(x) for x in _l(v)],
}


def _keyword(value: Any) -> str | None:
    """A keyword as a string or as {'display_name': …} / {'keyword': …}."""
    if isinstance(value, str):
        return _s(value)
    entry = _d(value)
    return _s(entry.get("display_name")) or _s(entry.get("keyword"))


def _keywords(item: dict[str, Any]) -> list[str]:
    return dedupe(_keyword(value) for value in _l(item.get("keywords")))


def _to_work(item: dict[str, Any]) -> Work:
    ids_in = _d(item.get("ids"))
    candidates = {
        "openalex": normalize_openalex(_s(item.get("id")) or _s(ids_in.get("openalex"))),
        "doi": normalize_doi(_s(item.get("doi")) or _s(ids_in.get("doi"))),
        "pmid": _pmid(ids_in.get("pmid")),
        "pmcid": _pmcid(ids_in.get("pmcid")),
    }
    ids: dict[str, str] = {k: v for k, v in candidates.items() if v}

    extra: dict[str, Any] = {}
    for key, value in ids_in.items():
        if key not in {"openalex", "doi", "pmid", "pmcid"} and value:
            extra[key] = _short_id(value)  # mag and any id OpenAlex adds later

    title = _s(item.get("title")) or _s(item.get("display_name"))
    display = _s(item.get("display_name"))
    if display and display != title:
        extra["display_name"] = display

    authors, authorships = [], []
    for entry in _l(item.get("authorships")):
        entry = _d(entry)
        author = _author(entry)
        if author:
            authors.append(author)
        info = _authorship_extra(entry)
        if info:
            authorships.append(info)
    if authorships:
        extra["authorships"] = authorships

    venue, venue_extra = _venue(item)
    extra.update(venue_extra)
    location = _location(item.get("primary_location"))
    if location:
        location.pop("source", None)
        if location:
            extra["primary_location"] = location

    biblio = _d(item.get("biblio"))
    index = item.get("abstract_inverted_index")
    if not index and isinstance(item.get("abstract_inverted_index_v3"), dict):
        index = item["abstract_inverted_index_v3"]

    for key, value in item.items():
        if key in _MAPPED or key in extra or key == "abstract_inverted_index_v3":
            continue
        compact = _COMPACT[key](value) if key in _COMPACT else value
        if compact not in (None, [], {}, ""):
            extra[key] = compact

    return Work(
        title=title,
        ids=ids,
        authors=authors,
        year=parse_year(item.get("publication_year")) or parse_year(_s(item.get("publication_date"))),
        venue=venue,
        volume=_s(biblio.get("volume")),
        issue=_s(biblio.get("issue")),
        pages=join_pages(biblio.get("first_page"), biblio.get("last_page")),
        doc_type=parse_doc_type(_s(item.get("type")), _s(item.get("type_crossref"))),
        language=_s(item.get("language")),
        abstract=clean_abstract(invert_abstract(index if isinstance(index, dict) else None)),
        keywords=_keywords(item),
        references=[r for r in (_s(x) for x in _l(item.get("referenced_works"))) if r],
        extra=extra,
    )
