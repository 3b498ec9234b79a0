"""Better records: fill a work's missing DOI, year, abstract and name diacritics from Crossref or
OpenAlex, through the live-source client (cached, polite, retried) and the library's own merge.

    report = enrich(library, [12, 948], source="crossref", settings=FetchSettings(mailto="me@x.org"))
    report.filled   # {12: ["doi", "abstract"], 948: ["authors"]}

Each work is looked up by its DOI, else by its title and first author (the best answer that
`dedupe.same_work` accepts). The answer is read by the format's reader and merged into the work
like any other record of it: the merge keeps the richest value of each field (an abstract over
none, 'Öge' over 'Oge') and records which source record (named by its URL) gave each field, so
`vissue show ID --json` says where every filled field came from. Resumable: the works done are
saved in `<library>/fetches/` after each one; the same command run again skips them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..errors import InputError
from ..library.dedupe import same_work
from ..library.ingest import FileReport, ingest_records
from ..library.store import Library, StoredWork
from ..readers import reader
from ..work import Work
from . import FetchStates, PagedSource, api_root
from .crossref import SOURCE as CROSSREF
from .http import FetchSettings, HttpClient, HttpStatusError, ResponseCache, SourceError
from .openalex import SOURCE as OPENALEX

SOURCES: dict[str, PagedSource] = {"crossref": CROSSREF, "openalex": OPENALEX}
FIELDS = ("doi", "year", "abstract", "authors")  # what enrich fills


def wanted(work: Work) -> list[str]:
    """What a record lacks that a live source may have: a DOI, a year, an abstract, and names
    that may have lost their diacritics (all ASCII: WoS strips them)."""
    out = []
    if not work.ids.get("doi"):
        out.append("doi")
    if work.year is None:
        out.append("year")
    if not work.abstract:
        out.append("abstract")
    if work.authors and all(f"{a.family}{a.given}".isascii() for a in work.authors):
        out.append("authors")
    return out


@dataclass
class EnrichReport:
    source: str
    works: int = 0  # works asked about
    looked_up: int = 0  # of them, asked of the source (the others lacked nothing, or were done)
    found: int = 0  # answered with a record of the same work
    filled: dict[int, list[str]] = field(default_factory=dict)  # work id -> fields that changed
    not_found: list[int] = field(default_factory=list)
    skipped: int = 0  # done by an earlier, interrupted run
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "works": self.works, "looked_up": self.looked_up, "found": self.found,
                "filled": {str(k): v for k, v in self.filled.items()}, "not_found": self.not_found,
                "skipped": self.skipped, "error": self.error}


def _snapshot(stored: StoredWork) -> dict[str, Any]:
    w = stored.work
    return {"doi": w.ids.get("doi"), "year": w.year, "abstract": w.abstract,
            "authors": [(a.family, a.given) for a in w.authors]}


def _lookups(source: PagedSource, root: str, work: Work) -> list[tuple[str, dict[str, str]]]:
    """The requests that may find a work: by DOI, else by title (and first author)."""
    doi = work.ids.get("doi")
    if source is CROSSREF:
        if doi:
            return [(f"{root}/works/{quote(doi, safe='/:;()._-')}", {})]
        text = " ".join(x for x in [work.title or "", work.authors[0].family if work.authors else ""] if x)
        return [(f"{root}/works", {"query.bibliographic": text, "rows": "5"})] if text.strip() else []
    if doi:
        return [(f"{root}/works/doi:{quote(doi, safe='/:;()._-')}", {})]
    return [(f"{root}/works", {"search": work.title, "per-page": "5"})] if work.title else []


def _answer_ok(document: Any) -> object:
    return None if isinstance(document, dict) else "not a JSON object"


def _candidates(source: PagedSource, document: Any, url: str) -> list[Work]:
    if source is CROSSREF:
        message = document.get("message")
        items = message.get("items") if isinstance(message, dict) and "items" in message else [message]
    else:
        items = document.get("results") if isinstance(document.get("results"), list) else [document]
    items = [i for i in items or [] if isinstance(i, dict)]
    if not items:
        return []
    return [r for r in reader(source.format).read(json.dumps(items, ensure_ascii=False), file=url)
            if isinstance(r, Work)]


def _matching(work: Work, candidates: list[Work]) -> Work | None:
    doi = (work.ids.get("doi") or "").lower()
    for candidate in candidates:
        if doi and (candidate.ids.get("doi") or "").lower() == doi:
            return candidate
        if same_work(work, candidate):
            return candidate
    return None


def enrich(
    library: Library,
    ids: list[int] | None = None,
    *,
    source: str = "crossref",
    settings: FetchSettings | None = None,
    notify: Callable[[str], None] | None = None,
) -> EnrichReport:
    """Look up `ids` (default: every work of the library) in `source` and merge what it has."""
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}: choose {' or '.join(SOURCES)}")
    settings = settings or FetchSettings()
    live = SOURCES[source]
    root = api_root(settings.crossref_url if live is CROSSREF else settings.openalex_url)
    targets = ids if ids is not None else [w.id for w in library.works()]
    report = EnrichReport(source=source, works=len(targets))
    states = FetchStates(library.path)
    key = "enrich-" + hashlib.sha256(json.dumps([source, root, targets]).encode()).hexdigest()[:16]
    done = set(_done(states, key))
    report.skipped = len(done & set(targets))
    file_report = FileReport(file=f"{root} (enrich)", format=live.format.value)
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cache = ResponseCache(library.path, ttl=settings.cache_ttl)
    try:
        with live.client(settings, cache=cache, notify=notify) as client:
            for work_id in targets:
                if work_id in done:
                    continue
                _enrich_one(library, client, live, root, work_id, report, file_report)
                done.add(work_id)
                _save(states, key, source, sorted(done))
    except SourceError as e:
        report.error = f"{e} [{len(done)} of {len(targets)} works done; the same command continues]"
    finally:
        cache.close()
    if report.error is None:
        states.drop(key)
    library.log_ingest(file_report.file, file_report.format,
                       {"filled": sum(len(v) for v in report.filled.values()), "found": report.found}, started)
    return report


def _enrich_one(library: Library, client: HttpClient, live: PagedSource, root: str, work_id: int,
                report: EnrichReport, file_report: FileReport) -> None:
    try:
        stored = library.get(str(work_id))
    except (KeyError, InputError) as e:
        raise InputError(f"no work {work_id} in the library") from e
    work = stored.work
    if not wanted(work):
        return
    report.looked_up += 1
    for url, params in _lookups(live, root, work):
        try:
            document = client.get_json(url, params, check=_answer_ok)
        except HttpStatusError as e:
            if e.status == 404:
                continue  # the source does not know this DOI
            raise
        match = _matching(work, _candidates(live, document, url))
        if match is None:
            continue
        report.found += 1
        before = _snapshot(stored)
        ingest_records(library, [match], file_report)
        after = _snapshot(library.get(str(work_id)))
        changed = [f for f in FIELDS if before[f] != after[f]]
        if changed:
            report.filled[work_id] = changed
        return
    report.not_found.append(work_id)


def _done(states: FetchStates, key: str) -> list[int]:
    try:
        state = json.loads(states._path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [i for i in state.get("done", []) if isinstance(i, int)] if isinstance(state, dict) else []


def _save(states: FetchStates, key: str, source: str, done: list[int]) -> None:
    # the fetch-state file's fields, so `FetchStates.pending` lists an unfinished enrich too
    states.save(key, {"source": source, "query": "enrich", "cursor": "", "count": len(done), "pages": 0,
                      "done": done, "updated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
