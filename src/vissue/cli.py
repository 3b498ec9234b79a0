"""The `vissue` command: parse arguments, call the library, print. Nothing else lives here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .errors import VissueError
from .ingest import IngestReport, ingest
from .library import Library, StoredWork, default_library_dir
from .readers import DESCRIPTIONS, Format

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn vissue's errors into one-line messages and exit status 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VissueError as e:
            raise click.ClickException(str(e)) from e
        except KeyboardInterrupt:
            err.print("interrupted: everything committed before now is kept")
            sys.exit(130)

    return wrapper


@contextmanager
def open_library(ctx: click.Context, *, create: bool = False) -> Iterator[Library]:
    with Library(ctx.obj["library"], create=create) as library:
        yield library


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library", "library_dir", type=click.Path(path_type=Path), envvar="VISSUE_LIBRARY",
    help=f"Library folder (default: $VISSUE_LIBRARY, else {default_library_dir()}).",
)
@click.version_option(__version__, prog_name="vissue")
@click.pass_context
def cli(ctx: click.Context, library_dir: Path | None) -> None:
    """Build virtual issues: the research that explains an event, from a journal's records.

    Start by ingesting exports (Web of Science, Scopus, RIS, BibTeX, CSL-JSON, OpenAlex,
    Crossref, PubMed, JATS) into a library: vissue ingest FILE...
    """
    ctx.obj = {"library": library_dir or default_library_dir()}


# ---- ingest ------------------------------------------------------------------------------------

FORMAT_HELP = "; ".join(f"{f.value}: {DESCRIPTIONS[f]}" for f in Format)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *[f.value for f in Format]]),
              default="auto", show_default=True, help=f"Format of the files. {FORMAT_HELP}.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts and rejects.")
@click.pass_context
@handle_errors
def ingest_command(ctx: click.Context, paths: tuple[Path, ...], fmt: str, as_json: bool) -> None:
    """Read export files (or folders of them) into the library.

    Every record is added as a new work, merged into a work the library already has (same
    DOI, WoS accession, OpenAlex id… or same title, first author, year and venue), or rejected
    with a reason naming the file, the record and the field. Exit status 1 when a file could
    not be read or a record was rejected.
    """
    with open_library(ctx, create=True) as library:
        if as_json or not err.is_terminal:
            report = ingest(library, paths, fmt=fmt)
        else:
            report = _ingest_with_progress(library, paths, fmt)
        if as_json:
            _print_json(report.to_dict())
        else:
            _print_ingest_report(report, library.path)
    if report.failed:
        sys.exit(1)


def _ingest_with_progress(library: Library, paths: tuple[Path, ...], fmt: str) -> IngestReport:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest import expand_paths

    files = expand_paths(paths)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} files"),
                  TextColumn("{task.fields[records]} records"), TimeElapsedColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("ingesting", total=len(files), records=0)
        seen: dict[str, int] = {}

        def progress(event: str, file: str, done: int, total: int | None) -> None:
            if event == "file":
                if seen:
                    bar.advance(task)
                seen[file] = 0
                bar.update(task, description=f"reading {Path(file).name}")
            else:
                seen[file] = done
                bar.update(task, records=sum(seen.values()))

        return ingest(library, files, fmt=fmt, progress=progress)


def _print_ingest_report(report: IngestReport, where: Path) -> None:
    table = Table(title=None, show_edge=False, box=None, pad_edge=False)
    for name in ("file", "format", "read", "added", "merged", "rejected"):
        table.add_column(name, justify="left" if name in ("file", "format") else "right")
    for f in report.files:
        table.add_row(escape(f.file), f.format or "-", str(f.read), str(f.added), str(f.merged),
                      f"[red]{f.rejected}[/]" if f.rejected else "0")
    out.print(table)
    limit = 20
    problems = [("error", f.error) for f in report.files if f.error]
    problems += [("rejected", r["message"]) for f in report.files for r in f.rejects]
    problems += [("warning", w) for f in report.files for w in f.warnings]
    for kind, message in problems[:limit]:
        colour = {"error": "red", "rejected": "red", "warning": "yellow"}[kind]
        out.print(f"[{colour}]{kind}[/]: {escape(message)}")
    if len(problems) > limit:
        out.print(f"… and {len(problems) - limit} more (vissue ingest --json lists them all)")
    out.print(
        f"{report.total('read')} read · {report.total('added')} added · {report.total('merged')} merged"
        f" ({report.total('unchanged')} already in the library) · {report.total('rejected')} rejected"
        f" — the library at {escape(str(where))} holds {report.works} works"
    )


# ---- works and show ----------------------------------------------------------------------------

def _authors_short(stored: StoredWork) -> str:
    authors = stored.work.authors
    if not authors:
        return ""
    if len(authors) == 1:
        return authors[0].family
    if len(authors) == 2:
        return f"{authors[0].family} and {authors[1].family}"
    return f"{authors[0].family} et al."


def _summary(stored: StoredWork) -> dict[str, Any]:
    work = stored.work
    return {
        "id": stored.id,
        "ids": stored.ids(),
        "title": work.title,
        "authors": [a.display for a in work.authors],
        "year": work.year,
        "venue": stored.venue_name or work.venue.name,
        "doc_type": work.doc_type.value,
    }


@cli.command("works")
@click.option("--journal", help="Only works from this venue (any of its names, or its ISSN).")
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many works.")
@click.option("--json", "as_json", is_flag=True, help='Print {"works": [...]} with each work\'s identifiers.')
@click.pass_context
@handle_errors
def works_command(ctx: click.Context, journal: str | None, limit: int | None, as_json: bool) -> None:
    """List the works in the library."""
    with open_library(ctx) as library:
        venue_ids = None
        if journal:
            venue_ids = set(library.find_venues(journal))
            if not venue_ids:
                raise click.ClickException(f"no works from {journal!r} in this library")
        selected = [w for w in library.works() if venue_ids is None or w.venue_id in venue_ids]
        total = len(selected)
        if limit is not None:
            selected = selected[:limit]
        if as_json:
            _print_json({"works": [_summary(w) for w in selected], "total": total})
            return
        table = Table(show_edge=False, box=None, pad_edge=False)
        for name in ("id", "year", "authors", "title", "venue"):
            table.add_column(name, overflow="fold" if name == "title" else "ellipsis",
                             max_width=None if name == "title" else 28, no_wrap=name != "title")
        for w in selected:
            table.add_row(str(w.id), str(w.work.year or ""), escape(_authors_short(w)),
                          escape(w.work.title or ""), escape(w.venue_name or ""))
        out.print(table)
        out.print(f"{len(selected)} of {total} works" if limit is not None else f"{total} works")


@cli.command("show")
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record, its sources and provenance.")
@click.pass_context
@handle_errors
def show_command(ctx: click.Context, identifier: str, as_json: bool) -> None:
    """Show one work, by any identifier: library id, DOI, WOS:…, OpenAlex W…, pmid:…"""
    with open_library(ctx) as library:
        stored = library.get(identifier)
        sources = library.sources(stored.id)
    if as_json:
        data = stored.to_dict()
        data["provenance"] = stored.provenance
        data["sources"] = sources
        _print_json(data)
        return
    work = stored.work
    out.print(f"[bold]{escape(work.title or '(no title)')}[/]")
    out.print(escape(", ".join(a.display for a in work.authors)))
    where = ", ".join(x for x in (
        stored.venue_name or work.venue.name, str(work.year or ""), f"vol. {work.volume}" if work.volume else "",
        f"no. {work.issue}" if work.issue else "", f"pp. {work.pages}" if work.pages else "") if x)
    out.print(escape(where))
    out.print(f"type: {work.doc_type.value}" + (" (early access)" if work.early_access else ""))
    for scheme, value in stored.ids().items():
        out.print(f"{scheme}: {escape(str(value))}")
    if work.keywords:
        out.print(f"keywords: {escape('; '.join(work.keywords))}")
    if work.abstract:
        out.print()
        out.print(escape(work.abstract))
    out.print()
    out.print(f"[dim]{len(sources)} source record(s): " + escape(
        "; ".join(f"{s['file']} ({s['position']}, {s['format']})" for s in sources)) + "[/]")


def main() -> None:
    cli()
