"""`vissue fetch openalex|crossref`: fill the library from a live source (the only commands
that use the network)."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from ..cli import cli, err, handle_errors, open_library, print_ingest_report, print_json
from ..library.ingest import IngestReport
from ..library.store import Library
from ..sources import SETTINGS, FetchSettings
from ..sources import crossref as crossref_source
from ..sources import openalex as openalex_source

SETTINGS_EPILOG = "\b\nSettings (--setting NAME=VALUE):\n" + "\n".join(
    f"  {name} = {default!r}: {text}" for name, default, text in SETTINGS)


@cli.group("fetch", epilog=SETTINGS_EPILOG)
def fetch_group() -> None:
    """Fetch works from a live source (OpenAlex, Crossref) into the library.

    Records go through the same readers, deduplication and store as files do; the command
    ends with the same summary as vissue ingest. An interrupted fetch (network error, Ctrl-C,
    kill) continues from where it stopped when the same command is run again.
    """


def _common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--issn", help="Only works of the journal with this ISSN."),
        click.option("--since", type=int, help="Only works published in or after this year."),
        click.option("--until", type=int, help="Only works published in or before this year."),
        click.option("--max", "max_works", type=click.IntRange(min=1), help="Fetch at most this many works."),
        click.option("--mailto", metavar="EMAIL",
                     help="Your e-mail, for the API's polite pool (default: $VISSUE_MAILTO)."),
        click.option("--api-url", metavar="URL", help="The API's base URL: a mirror or a test server."),
        click.option("--refresh", is_flag=True, default=None,
                     help="Ask the server again instead of using answers cached in the library."),
        click.option("--setting", "assignments", multiple=True, metavar="NAME=VALUE",
                     help="Change a setting of the HTTP client (timeout, retries, backoff_base, …;"
                          " vissue fetch --help lists them)."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts and rejects."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(url_field: str, api_url: str | None, mailto: str | None, refresh: bool | None,
              assignments: tuple[str, ...]) -> FetchSettings:
    settings = FetchSettings.from_env(os.environ)
    for assignment in assignments:
        settings = settings.with_setting(assignment)
    explicit = {url_field: api_url, "mailto": mailto, "refresh": refresh}
    return dataclasses.replace(settings, **{k: v for k, v in explicit.items() if v is not None})


@fetch_group.command("openalex")
@click.option("--search", help="Only works matching this text (titles, abstracts, full texts).")
@_common_options
@click.pass_context
@handle_errors
def fetch_openalex(ctx: click.Context, search: str | None, issn: str | None, since: int | None,
                   until: int | None, max_works: int | None, mailto: str | None, api_url: str | None,
                   refresh: bool | None, assignments: tuple[str, ...], as_json: bool) -> None:
    """Fetch works from OpenAlex: a journal's (--issn) or a search's (--search).

    Base URL: --api-url, else $VISSUE_OPENALEX_URL, else https://api.openalex.org.
    """
    settings = _settings("openalex_url", api_url, mailto, refresh, assignments)

    def run(library: Library, progress: Any, notify: Any) -> IngestReport:
        return openalex_source.fetch(library, issn=issn, search=search, since=since, until=until,
                                     max_works=max_works, settings=settings, progress=progress, notify=notify)

    _run(ctx, run, as_json)


@fetch_group.command("crossref")
@click.option("--query", help="Only works matching this bibliographic text.")
@_common_options
@click.pass_context
@handle_errors
def fetch_crossref(ctx: click.Context, query: str | None, issn: str | None, since: int | None,
                   until: int | None, max_works: int | None, mailto: str | None, api_url: str | None,
                   refresh: bool | None, assignments: tuple[str, ...], as_json: bool) -> None:
    """Fetch works from Crossref: a journal's (--issn) or a query's (--query).

    Base URL: --api-url, else $VISSUE_CROSSREF_URL, else https://api.crossref.org.
    """
    settings = _settings("crossref_url", api_url, mailto, refresh, assignments)

    def run(library: Library, progress: Any, notify: Any) -> IngestReport:
        return crossref_source.fetch(library, issn=issn, query=query, since=since, until=until,
                                     max_works=max_works, settings=settings, progress=progress, notify=notify)

    _run(ctx, run, as_json)


def _run(ctx: click.Context, run: Callable[[Library, Any, Any], IngestReport], as_json: bool) -> None:
    with open_library(ctx, create=True) as library:
        try:
            if as_json or not err.is_terminal:
                report = run(library, None, lambda text: click.echo(f"retry: {text}", err=True))
            else:
                report = _run_with_progress(library, run)
        except KeyboardInterrupt:
            click.echo("interrupted: the pages fetched so far are in the library; run the same command"
                       " again to continue where it stopped", err=True)
            sys.exit(130)
        if as_json:
            print_json(report.to_dict())
        else:
            print_ingest_report(report, library.path)
    if report.failed:
        sys.exit(1)


def _run_with_progress(library: Library, run: Callable[[Library, Any, Any], IngestReport]) -> IngestReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("works"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("fetching", total=None)

        def progress(event: str, label: str, done: int, total: int | None) -> None:
            bar.update(task, description="fetching", completed=done, total=total)

        def notify(text: str) -> None:
            bar.console.print(f"retry: {text}", markup=False)
            bar.update(task, description="waiting")

        return run(library, progress, notify)
