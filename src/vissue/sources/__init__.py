"""Live sources: fill the library from the OpenAlex and Crossref APIs.

    from vissue.sources import openalex
    report = openalex.fetch(library, issn="0967-067X", settings=FetchSettings())

A fetch is one paged query: each page of the answer goes through the same reader as an
export file of that format (`vissue.readers.openalex`, `vissue.readers.crossref`) and into the
library through `vissue.ingest.ingest_records`, so records fetched and records read from
files deduplicate against each other, and the fetch ends with an `IngestReport` (one "file"
per query, named by its URL).

Resumable: after each page is committed, the state of the unfinished fetch (its query, the next
cursor, the works read so far) is saved in `<library>/fetches/`; the same command run again
after a network error, Ctrl-C or a kill continues from that page. A cursor the server says
has expired starts the query again from the first page (with a warning): works already in
the library are recognised, not doubled. Nothing here touches the network unless called.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ids import normalize_issn
from ..library.ingest import FileReport, IngestReport, Progress, ingest_records
from ..library.store import Library
from ..readers import Format, reader
from ..work import Notice, Reject, Work
from .http import (
    SETTINGS,
    FetchSettings,
    HttpClient,
    HttpStatusError,
    ResponseCache,
    SourceError,
    show_url,
)

STATE_DIR = "fetches"
MAX_RESTARTS = 3  # expired cursors tolerated in one run before giving up


@dataclass
class Page:
    """One page of a paged answer: its works (as JSON objects), the next cursor, the total."""

    items: list[Any]
    next_cursor: str | None
    total: int | None = None


class PagedSource:
    """What differs between live sources: paging parameters, the answer's shape, politeness."""

    name = ""
    format = Format.OPENALEX
    page_size_param = "per-page"
    page_size = 200
    hint = ""

    def read_page(self, document: Any) -> Page | str:
        """The page in an answer, or what is wrong with the answer."""
        raise NotImplementedError

    def polite(self, mailto: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) that put requests in the polite pool."""
        return {}, {}

    def client(self, settings: FetchSettings, *, cache: ResponseCache | None = None,
               notify: Callable[[str], None] | None = None) -> HttpClient:
        params, headers = self.polite(settings.mailto)
        return HttpClient(settings, cache=cache, params=params, headers=headers, hint=self.hint,
                          notify=notify)


@dataclass
class Query:
    """A paged query as the user asked for it: endpoint, filters, at most how many works."""

    source: PagedSource
    url: str
    params: dict[str, str] = field(default_factory=dict)
    max_works: int | None = None

    @property
    def label(self) -> str:
        """The 'file' of the report and of every record's origin: the query's URL."""
        return show_url(self.url, self.params)

    def key(self) -> str:
        """Names this query among unfinished fetches: same arguments, same key."""
        text = json.dumps([self.source.name, self.url, self.params, self.max_works], sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# ---- arguments shared by the sources ------------------------------------------------------


def api_root(url: str) -> str:
    """'https://api.openalex.org/works/' -> 'https://api.openalex.org' (the base URL)."""
    url = url.strip().rstrip("/")
    return url[: -len("/works")] if url.endswith("/works") else url


def check_bounds(*, since: int | None, until: int | None, max_works: int | None) -> None:
    """InputError for --since after --until or a --max below 1."""
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}")
    if max_works is not None and max_works < 1:
        raise InputError(f"--max {max_works}: give at least 1")


def normalize_query_issn(issn: str | None) -> str | None:
    """The ISSN as the APIs take it ('0967067x' -> '0967-067X'); InputError when it is not one."""
    if issn is None:
        return None
    value = normalize_issn(issn)
    if not value:
        raise InputError(f"--issn {issn!r} is not an ISSN (eight digits, the last may be X: 0967-067X)")
    return value


# ---- the state of unfinished fetches ------------------------------------------------------


class FetchStates:
    """One small JSON file per unfinished fetch, in `<library>/fetches/`, written atomically."""

    def __init__(self, library_dir: str | Path):
        self.folder = Path(library_dir) / STATE_DIR

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            state = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # none, or unreadable: start from the first page (dedupe keeps it right)
        ok = isinstance(state, dict) and isinstance(state.get("cursor"), str) and isinstance(
            state.get("count"), int) and isinstance(state.get("pages"), int)
        return state if ok else None

    def save(self, key: str, state: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        temporary = path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)

    def drop(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def pending(self) -> list[dict[str, Any]]:
        """Every unfinished fetch's state (for a status display)."""
        if not self.folder.is_dir():
            return []
        states = (self.load(p.stem) for p in sorted(self.folder.glob("*.json")))
        return [s for s in states if s]


# ---- running a query ----------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_expired_cursor(error: SourceError, cursor: str) -> bool:
    """A 4xx answer to a page after the first: the same query answered with cursor=*, so what
    the server refuses is the cursor (expired, or of an index rebuilt since)."""
    return (cursor != "*" and isinstance(error, HttpStatusError) and 400 <= error.status < 500
            and error.status not in (401, 403, 429))


def _records(query: Query, items: list[Any], page: int) -> list[Work | Reject | Notice]:
    """The page's works read by the format's own reader, positioned 'page P, item N'."""
    records = list(reader(query.source.format).read(json.dumps(items, ensure_ascii=False),
                                                    file=query.label))
    for record in records:
        if isinstance(record, Work) and record.origin:
            record.origin.position = f"page {page}, {record.origin.position}"
        elif isinstance(record, (Reject, Notice)):
            record.position = f"page {page}, {record.position}"
    return records


def run_query(
    library: Library,
    query: Query,
    settings: FetchSettings,
    *,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> IngestReport:
    """Fetch every page of `query` into the library, resuming an unfinished run of it.

    A source that fails (after the retries) ends the query with `error` set in its report;
    what was committed before stays, and the same call continues from there.
    """
    report = IngestReport()
    file_report = FileReport(file=query.label, format=query.source.format.value)
    report.files.append(file_report)
    started = _now()
    states = FetchStates(library.path)
    cache = ResponseCache(library.path, ttl=settings.cache_ttl)
    try:
        with query.source.client(settings, cache=cache, notify=notify) as client:
            _run_pages(library, query, client, states, file_report, progress)
    except SourceError as e:
        file_report.error = str(e)
    finally:
        cache.close()
    library.log_ingest(file_report.file, file_report.format, asdict(file_report), started)
    report.works = library.count()
    return report


def _run_pages(
    library: Library,
    query: Query,
    client: HttpClient,
    states: FetchStates,
    report: FileReport,
    progress: Progress | None,
) -> None:
    source, key = query.source, query.key()
    per_page = min(source.page_size, query.max_works) if query.max_works else source.page_size
    cursor, count, pages, total = "*", 0, 0, None
    state = states.load(key)
    if state:
        cursor, count, pages, total = state["cursor"], state["count"], state["pages"], state.get("total")
        report.warnings.append(f"{query.label}: continuing an unfinished fetch at page {pages + 1}"
                               f" ({count} works were fetched before)")
    use_cache, restarts = True, 0
    if progress:
        progress("file", query.label, count, total)
    while True:
        params = {**query.params, source.page_size_param: str(per_page), "cursor": cursor}
        try:
            document = client.get_json(query.url, params, use_cache=use_cache, check=source.read_page)
        except SourceError as e:
            if not _is_expired_cursor(e, cursor) or restarts >= MAX_RESTARTS:
                if pages:
                    done = f"{count} works fetched so far" + (f" of {total}" if total else "")
                    raise SourceError(f"{e} [{done}; the same command continues from page {pages + 1}]") from e
                raise
            restarts += 1
            status = e.status if isinstance(e, HttpStatusError) else "?"
            report.warnings.append(
                f"{query.label}: the server refused the cursor of page {pages + 1} (HTTP {status}:"
                " expired?); the query was started again from the first page (works already in the"
                " library are recognised, not added twice)")
            cursor, count, pages, use_cache = "*", 0, 0, False
            states.drop(key)
            continue
        page = source.read_page(document)
        assert isinstance(page, Page)  # checked by get_json
        total = page.total if page.total is not None else total
        if query.max_works:
            total = min(total, query.max_works) if total is not None else query.max_works
        items = page.items[: query.max_works - count] if query.max_works else page.items
        ingest_records(library, _records(query, items, pages + 1), report)
        count += len(items)
        pages += 1
        if progress:
            progress("record", query.label, count, total)
        finished = (not page.next_cursor or not page.items or page.next_cursor == cursor
                    or (total is not None and count >= total))
        if finished:
            states.drop(key)
            return
        cursor = page.next_cursor
        states.save(key, {"source": source.name, "query": query.label, "params": query.params,
                          "max_works": query.max_works, "cursor": cursor, "count": count,
                          "pages": pages, "total": total, "updated": _now()})


__all__ = [
    "SETTINGS",
    "FetchSettings",
    "FetchStates",
    "HttpClient",
    "Page",
    "PagedSource",
    "Query",
    "ResponseCache",
    "SourceError",
    "api_root",
    "check_bounds",
    "normalize_query_issn",
    "run_query",
]
