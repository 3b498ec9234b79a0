"""OpenAlex, live: /works with cursor paging, read by `vissue.readers.openalex`.

    fetch(library, issn="0967-067X", since=2015, settings=FetchSettings(mailto="me@example.org"))

Filters: `primary_location.source.issn:ISSN` (a journal's works), `search=` (titles, abstracts
and full texts), `from_publication_date` / `to_publication_date`; 200 works a page; the e-mail
of the polite pool goes in `mailto=`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InputError
from ..ids import normalize_issn
from ..library.ingest import IngestReport, Progress
from ..library.store import Library
from ..readers import Format
from . import Page, PagedSource, Query, api_root, check_bounds, normalize_query_issn, run_query
from .http import FetchSettings, ResponseCache

DEFAULT_URL = FetchSettings.openalex_url


class OpenAlexSource(PagedSource):
    name = "openalex"
    format = Format.OPENALEX
    page_size_param = "per-page"
    page_size = 200
    hint = " (OpenAlex: https://docs.openalex.org; give --mailto for the polite pool.)"

    def read_page(self, document: Any) -> Page | str:
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            return "not an OpenAlex /works answer (no 'results' list)"
        meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
        cursor = meta.get("next_cursor")
        count = meta.get("count")
        return Page(items=document["results"], next_cursor=cursor if isinstance(cursor, str) and cursor else None,
                    total=count if isinstance(count, int) and not isinstance(count, bool) else None)

    def polite(self, mailto: str | None) -> tuple[dict[str, str], dict[str, str]]:
        return ({"mailto": mailto} if mailto else {}), {}


SOURCE = OpenAlexSource()


def works_query(
    settings: FetchSettings,
    *,
    issn: str | None = None,
    source_id: str | None = None,
    search: str | None = None,
    since: int | None = None,
    until: int | None = None,
    max_works: int | None = None,
) -> Query:
    """The /works query for these filters (nothing is fetched)."""
    filters = []
    if issn:
        filters.append(f"primary_location.source.issn:{issn}")
    if source_id:
        filters.append(f"primary_location.source.id:{source_id}")
    if since is not None:
        filters.append(f"from_publication_date:{since:04d}-01-01")
    if until is not None:
        filters.append(f"to_publication_date:{until:04d}-12-31")
    params = {"filter": ",".join(filters)} if filters else {}
    if search and search.strip():
        params["search"] = " ".join(search.split())
    return Query(SOURCE, f"{api_root(settings.openalex_url)}/works", params, max_works)


def fetch(
    library: Library,
    *,
    issn: str | None = None,
    search: str | None = None,
    since: int | None = None,
    until: int | None = None,
    max_works: int | None = None,
    settings: FetchSettings | None = None,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> IngestReport:
    """Fetch a journal's works (--issn) or a search's into the library; resumes an unfinished run.

    `notify` is told of each retry ('HTTP 429 Too Many Requests; try 2 of 6 in 1.0 s').
    """
    settings = settings or FetchSettings()
    issn = normalize_query_issn(issn)
    check_bounds(since=since, until=until, max_works=max_works)
    if not issn and not (search and search.strip()):
        raise InputError("give --issn or --search: without either the fetch would read all of OpenAlex")
    query = works_query(settings, issn=issn, search=search, since=since, until=until, max_works=max_works)
    return run_query(library, query, settings, progress=progress, notify=notify)


# ---- for vissue build --from openalex ------------------------------------------------------


def _library_issn(library: Library, journal: str) -> str | None:
    """The ISSN the library knows for a venue named `journal` (any spelling), if any."""
    wanted = set(library.find_venues(journal))
    for venue in library.venues():
        if venue["id"] in wanted and (venue["issn"] or venue["eissn"]):
            return str(venue["issn"] or venue["eissn"])
    return None


def find_source(journal: str, settings: FetchSettings, *, cache: ResponseCache | None = None
                ) -> tuple[str | None, str | None]:
    """(ISSN-L, OpenAlex source id) of the journal OpenAlex finds first for a name."""
    url = f"{api_root(settings.openalex_url)}/sources"

    def check(document: Any) -> str | None:
        ok = isinstance(document, dict) and isinstance(document.get("results"), list)
        return None if ok else "not an OpenAlex /sources answer (no 'results' list)"

    with SOURCE.client(settings, cache=cache) as client:
        document = client.get_json(url, {"search": journal, "per-page": "5"}, check=check)
    for source in document["results"]:
        if isinstance(source, dict) and isinstance(source.get("id"), str):
            issn_l = normalize_issn(source["issn_l"]) if isinstance(source.get("issn_l"), str) else None
            return issn_l, source["id"].rsplit("/", 1)[-1]
    return None, None


def fetch_for_event(
    library: Library,
    *,
    brief_query: str,
    issn: str | None,
    journal: str | None,
    max_works: int,
    settings: FetchSettings,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> IngestReport:
    """Fetch the candidates for an event live: an OpenAlex search of `brief_query` restricted
    to the journal (its ISSN, else the ISSN the library knows for `journal`, else the source
    OpenAlex finds by that name), at most `max_works` works, into the library.

    Raises InputError when `journal` is named but cannot be found anywhere.
    """
    if not brief_query.strip():
        raise InputError("the event gives no words to search OpenAlex with")
    issn = normalize_query_issn(issn)
    source_id = None
    if not issn and journal:
        issn = normalize_query_issn(journal) if _looks_like_issn(journal) else _library_issn(library, journal)
        if not issn:
            cache = ResponseCache(library.path, ttl=settings.cache_ttl)
            try:
                issn, source_id = find_source(journal, settings, cache=cache)
            finally:
                cache.close()
            if issn:
                source_id = None  # the ISSN filter: the one files and the library share
            if not (issn or source_id):
                raise InputError(f"OpenAlex knows no journal named {journal!r}; give its ISSN (--journal ISSN)")
    query = works_query(settings, issn=issn, source_id=source_id, search=brief_query, max_works=max_works)
    return run_query(library, query, settings, progress=progress, notify=notify)


def _looks_like_issn(text: str) -> bool:
    return len(text.strip()) <= 10 and normalize_issn(text) is not None
