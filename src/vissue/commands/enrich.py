"""`vissue enrich`: fill missing DOIs, years, abstracts and name diacritics from Crossref or
OpenAlex, for an issue's works, some works, or the whole library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import cli, handle_errors, open_library, out, print_json
from ..issue import VirtualIssue
from ..sources.enrich import SOURCES, enrich
from .fetch import SETTINGS_EPILOG, _settings


@cli.command("enrich", epilog=SETTINGS_EPILOG)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--issue", "issue_path", type=click.Path(path_type=Path), help="The works of this issue.json.")
@click.option("--from", "source", type=click.Choice(sorted(SOURCES)), default="crossref", show_default=True,
              help="The live source to ask.")
@click.option("--mailto", metavar="EMAIL", help="Your e-mail, for the API's polite pool (default: $VISSUE_MAILTO).")
@click.option("--api-url", metavar="URL", help="The API's base URL: a mirror or a test server.")
@click.option("--refresh", is_flag=True, default=None, help="Ask again instead of using cached answers.")
@click.option("--setting", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Change a setting of the HTTP client (vissue fetch --help lists them).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: the works filled and how.")
@click.pass_context
@handle_errors
def enrich_command(ctx: click.Context, ids: tuple[str, ...], issue_path: Path | None, source: str,
                   mailto: str | None, api_url: str | None, refresh: bool | None,
                   assignments: tuple[str, ...], as_json: bool) -> None:
    """Fill the works' missing DOIs, years, abstracts and diacritics from a live source.

    Each work is looked up by DOI, else by title and first author; what the source has is merged
    like any record of the work (the richest value of each field: Öge over Oge), and `vissue show
    ID --json` (provenance) says which source record gave each field. Give IDs (any identifier),
    --issue ISSUE.json, or nothing for the whole library. Answers are cached; an interrupted run
    continues where it stopped.
    """
    settings = _settings("crossref_url" if source == "crossref" else "openalex_url", api_url, mailto,
                         refresh, assignments)
    with open_library(ctx) as library:
        targets: list[int] | None = None
        if issue_path is not None:
            targets = [w.id for w in VirtualIssue.load(issue_path).works]
        if ids:
            targets = (targets or []) + [library.get(i).id for i in ids]
        report = enrich(library, targets, source=source, settings=settings,
                        notify=lambda text: click.echo(f"retry: {text}", err=True))
    if as_json:
        print_json(report.to_dict())
    else:
        out.print(f"{report.works} works: {report.looked_up} looked up in {source}, {report.found} found, "
                  f"{len(report.filled)} filled" + (f", {report.skipped} done before" if report.skipped else ""))
        for work_id, fields in report.filled.items():
            out.print(f"  {work_id}: {', '.join(fields)}")
        if report.error:
            click.echo(report.error, err=True)
    if report.error:
        sys.exit(1)
