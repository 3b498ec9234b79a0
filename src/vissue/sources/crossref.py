"""Crossref, live: /works with cursor paging, read by `vissue.readers.crossref`.

    fetch(library, issn="0967-067X", query="Kazakhstan", settings=FetchSettings(mailto="me@example.org"))

Filters: `filter=issn:ISSN,from-pub-date:YYYY-01-01,until-pub-date:YYYY-12-31`, `query=`
(bibliographic text); 100 works a page (`rows`); the e-mail of the polite pool goes in the
User-Agent. Crossref's cursors expire after a few minutes unused: a fetch resumed later starts
the query again (works already fetched are recognised, not doubled).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InputError
from ..library.ingest import IngestReport, Progress
from ..library.store import Library
from ..readers import Format
from . import Page, PagedSource, Query, api_root, check_bounds, normalize_query_issn, run_query
from .http import USER_AGENT, FetchSettings

DEFAULT_URL = FetchSettings.crossref_url


class CrossrefSource(PagedSource):
    name = "crossref"
    format = Format.CROSSREF
    page_size_param = "rows"
    page_size = 100
    hint = " (Crossref: https://api.crossref.org; give --mailto for the polite pool.)"

    def read_page(self, document: Any) -> Page | str:
        message = document.get("message") if isinstance(document, dict) else None
        if not isinstance(message, dict) or not isinstance(message.get("items"), list):
            return "not a Crossref /works answer (no 'message' with 'items')"
        cursor = message.get("next-cursor")
        total = message.get("total-results")
        return Page(items=message["items"], next_cursor=cursor if isinstance(cursor, str) and cursor else None,
                    total=total if isinstance(total, int) and not isinstance(total, bool) else None)

    def polite(self, mailto: str | None) -> tuple[dict[str, str], dict[str, str]]:
        return {}, ({"User-Agent": f"{USER_AGENT} (mailto:{mailto})"} if mailto else {})


SOURCE = CrossrefSource()


def works_query(
    settings: FetchSettings,
    *,
    issn: str | None = None,
    query: str | None = None,
    since: int | None = None,
    until: int | None = None,
    max_works: int | None = None,
) -> Query:
    """The /works query for these filters (nothing is fetched)."""
    filters = []
    if issn:
        filters.append(f"issn:{issn}")
    if since is not None:
        filters.append(f"from-pub-date:{since:04d}-01-01")
    if until is not None:
        filters.append(f"until-pub-date:{until:04d}-12-31")
    params = {"filter": ",".join(filters)} if filters else {}
    if query and query.strip():
        params["query"] = " ".join(query.split())
    return Query(SOURCE, f"{api_root(settings.crossref_url)}/works", params, max_works)


def fetch(
    library: Library,
    *,
    issn: str | None = None,
    query: str | None = None,
    since: int | None = None,
    until: int | None = None,
    max_works: int | None = None,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> IngestReport:
    """Fetch a journal's works (--issn) or a query's into the library; resumes an unfinished run."""
    settings = settings or FetchSettings()
    issn = normalize_query_issn(issn)
    check_bounds(since=since, until=until, max_works=max_works)
    if not issn and not (query and query.strip()):
        raise InputError("give --issn or --query: without either the fetch would read all of Crossref")
    works = works_query(settings, issn=issn, query=query, since=since, until=until, max_works=max_works)
    return run_query(library, works, settings, progress=progress, notify=notify)
