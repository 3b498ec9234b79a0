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
from .brief.event import load_brief
from .errors import VissueError
from .evaluate.gold import evaluate, load_gold
from .evaluate.suite import case_paths, check_cases, evaluate_suite
from .library.ingest import IngestReport, ingest
from .library.store import Library, default_library_dir
from .readers import DESCRIPTIONS, Format
from .search.index import SearchIndex
from .search.retrieve import SearchSettings, resolve_journal, retrieve
from .search.semantic import Embedder

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn vissue's errors into one-line messages and exit status 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VissueError as e:
            raise click.ClickException(str(e)) from e
        except OSError as e:  # a file or folder the user named cannot be written or read
            where = f"{e.filename}: " if e.filename else ""
            raise click.ClickException(f"{where}{e.strerror or e}") from e
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
            print_json(report.to_dict())
        else:
            print_ingest_report(report, library.path)
    if report.failed:
        sys.exit(1)


def _ingest_with_progress(library: Library, paths: tuple[Path, ...], fmt: str) -> IngestReport:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .library.ingest import expand_paths

    files = expand_paths(paths)
    # Refreshed by the callbacks, not by a thread: ingest reads ahead in a forked process only
    # when no other thread runs (library/reading.py).
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} files"),
                  TextColumn("{task.fields[records]} records"), TimeElapsedColumn(), console=err,
                  transient=True, auto_refresh=False) as bar:
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
            bar.refresh()

        return ingest(library, files, fmt=fmt, progress=progress)


def print_ingest_report(report: IngestReport, where: Path) -> None:
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
            print_json({"works": [w.summary() for w in selected], "total": total})
            return
        table = Table(show_edge=False, box=None, pad_edge=False)
        for name in ("id", "year", "authors", "title", "venue"):
            table.add_column(name, overflow="fold" if name == "title" else "ellipsis",
                             max_width=None if name == "title" else 28, no_wrap=name != "title")
        for w in selected:
            table.add_row(str(w.id), str(w.work.year or ""), escape(w.summary()['authors_short']),
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
        print_json(data)
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


# ---- search, brief, eval ------------------------------------------------------------------------

def _open_index(library: Library, *, quiet: bool, embedder: Embedder | None = None) -> SearchIndex:
    """The library's search index; the first build embeds every work, showing rate and time left."""
    from .search.embedders import library_embedder

    embedder = embedder or library_embedder(library.path)
    if quiet or not err.is_terminal:
        return SearchIndex.open(library, embedder)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("embedding works"), BarColumn(), MofNCompleteColumn(),
                  TaskProgressColumn(show_speed=True), TimeRemainingColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("embed", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return SearchIndex.open(library, embedder, progress=progress)


def _settings(k: int, journal: str | None, since: int | None, until: int | None) -> SearchSettings:
    if since is not None and until is not None and since > until:
        raise click.BadParameter(f"--since {since} is after --until {until}")
    return SearchSettings(k=k, journal=journal, since=since, until=until)


@cli.command("brief")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the brief as JSON (edit it and give it back with --brief).")
@handle_errors
def brief_command(text: str, as_json: bool) -> None:
    """Show what vissue understands of an event: places, actors, period, key phrases.

    TEXT is the editor's account of the event, or a file holding it (text or a JSON brief).
    """
    brief = load_brief(text)
    if as_json:
        print_json(brief.to_dict())
        return
    out.print(f"[bold]query[/]: {escape(brief.query)}")
    out.print("[bold]places[/]: " + escape("; ".join(f"{p.name} ({p.kind})" for p in brief.places) or "-"))
    out.print("[bold]actors[/]: " + escape("; ".join(f"{a.name} ({a.kind})" for a in brief.actors) or "-"))
    if brief.period:
        out.print(f"[bold]period[/]: {brief.period.start or '?'} – {brief.period.end or 'ongoing'}")
    out.print("[bold]key phrases[/]: " + escape("; ".join(brief.key_phrases) or "-"))
    out.print("[bold]aspects[/]: " + escape("; ".join(brief.aspects) or "- (the whole text is one question)"))


@cli.command("search")
@click.argument("text")
@click.option("-k", "k", type=click.IntRange(min=1), default=20, show_default=True, help="Number of results.")
@click.option("--journal", help="Only works from this venue: any of its names, or its ISSN.")
@click.option("--since", type=int, help="Only works published in or after this year.")
@click.option("--until", type=int, help="Only works published in or before this year.")
@click.option("--json", "as_json", is_flag=True, help='Print {"hits": [...]} best first, with ids, scores and why.')
@click.pass_context
@handle_errors
def search_command(ctx: click.Context, text: str, k: int, journal: str | None, since: int | None,
                   until: int | None, as_json: bool) -> None:
    """Find the works of the library that an event (or any text) calls for.

    TEXT is the editor's account of the event, or a file holding it (text or a JSON brief from
    vissue brief --json, corrected). Ranking: BM25 and sentence embeddings fused, works naming
    the event's places boosted, older works gently pushed down.
    """
    settings = _settings(k, journal, since, until)
    brief = load_brief(text)
    with open_library(ctx) as library:
        venue_ids = resolve_journal(library, journal) if journal else None
        index = _open_index(library, quiet=as_json)
        hits = retrieve(index, brief, settings, venue_ids=venue_ids)
        stored = {h.id: library.get(str(h.id)) for h in hits}
    if as_json:
        print_json({"hits": [{**stored[h.id].summary(), "score": h.score, "rank": h.rank,
                               "why": h.why(), "scores": h.to_dict()} for h in hits]})
        return
    for h in hits:
        work = stored[h.id]
        out.print(f"[bold]{h.rank:>3}[/] {escape(work.work.title or '')} "
                  f"[dim]({escape(work.summary()['authors_short'])}, {work.work.year or 'n.d.'}; "
                  f"{escape(work.venue_name or '')}) #{h.id}[/]")
        out.print(f"     [dim]{escape(h.why())}[/]")


@cli.command("eval")
@click.argument("gold_paths", metavar="GOLD...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--size", type=click.IntRange(min=1), default=10, show_default=True, help="Works to select.")
@click.option("--json", "as_json", is_flag=True,
              help='Print every figure as JSON: one object for one gold file, else {"cases": [...], "mean": {...}}.')
@click.pass_context
@handle_errors
def eval_command(ctx: click.Context, gold_paths: tuple[Path, ...], size: int, as_json: bool) -> None:
    """Build from gold virtual issues' event texts and compare with the editors' choices.

    GOLD is a gold file (the shape of the seed's gold.json), a theme mix (works with their
    group), or a folder of them. For each selection case: the gold articles selected,
    recall@10/20/50 and nDCG@20 of the ranked candidates (within the gold's journal, and in the
    whole library) and the themes; for a theme mix, the adjusted Rand index of the themes found.
    Several cases print a row each and the mean.
    """
    paths = case_paths(list(gold_paths))
    mixes = check_cases(paths)
    with open_library(ctx) as library:
        index = _open_index(library, quiet=as_json)
        if len(paths) == 1 and not mixes[0]:
            result = evaluate(library, index, load_gold(paths[0]), size=size)
            if as_json:
                print_json(result)
            else:
                _print_case(result, size)
            return
        suite = evaluate_suite(library, index, paths, size=size)
    if as_json:
        print_json(suite)
        return
    _print_suite(suite)


def _print_suite(suite: dict[str, Any]) -> None:
    table = Table(box=None, pad_edge=False)
    for name in ("case", "selected", "r@10", "r@20", "r@50", "nDCG@20", "theme ARI", "names", "s"):
        if name == "case":  # the names wrap; the figures never lose a digit to a narrow terminal or a pipe
            table.add_column(name, justify="left", overflow="fold", ratio=1)
        else:
            table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 4))

    def fmt(value: Any) -> str:
        return "-" if value is None else f"{value:.2f}"

    for case in suite["cases"]:
        if case["kind"] == "theme-mix":
            table.add_row(escape(case["name"]) + f" (theme mix, {case['themes_found']} themes)", "", "", "", "", "",
                          fmt(case["theme_ari"]), "", f"{case['seconds']:.1f}")
            continue
        names = (f"{case['theme_names_matched']}/{case['theme_names_total']}"
                 if case.get("theme_ari") is not None else "")
        table.add_row(escape(case["name"]), f"{case['selected_gold']}/{case['gold']}",
                      *(fmt(case[k]) for k in ("recall@10", "recall@20", "recall@50", "ndcg@20", "theme_ari")),
                      names, f"{case['seconds']:.1f}")
    mean = suite["mean"]
    table.add_row(f"[bold]mean of {mean['cases']}[/]", fmt(mean["selected_share"]),
                  *(fmt(mean[k]) for k in ("recall@10", "recall@20", "recall@50", "ndcg@20", "theme_ari")), "", "")
    out.print(table)
    if mean.get("theme_mix_ari") is not None:
        out.print(f"theme mix: adjusted Rand index {mean['theme_mix_ari']:.2f}")


def _print_case(result: dict[str, Any], size: int) -> None:
    scope = f"the {result['candidates']} works of {result['journal']}" if result["journal"] else "the library"
    out.print(f"[bold]{escape(result['name'])}[/]: {result['gold_in_library']} of {result['gold']} gold articles"
              f" are in the library; candidates: {escape(scope)}")
    out.print(f"selected {result['selected_gold']} of the editors' {result['gold']} articles with --size {size}")
    out.print("recall of the ranked candidates: " + ", ".join(
        f"@{k} {result[f'recall@{k}']:.2f}" for k in (10, 20, 50)) + f"; nDCG@20 {result['ndcg@20']:.2f}")
    if result["journal"]:
        whole = result["unfiltered"]
        out.print(f"in the whole library ({whole['candidates']} works): " + ", ".join(
            f"@{k} {whole[f'recall@{k}']:.2f}" for k in (10, 20, 50)))
    if result.get("theme_ari") is not None:
        tau = result["theme_order_tau"]
        out.print(f"themes: adjusted Rand index {result['theme_ari']:.2f} over the {result['theme_gold_selected']}"
                  f" gold articles selected; {result['theme_names_matched']} of {result['theme_names_total']}"
                  f" theme names matched; order tau {'-' if tau is None else f'{tau:.2f}'}")
        out.print(f"  [dim]{escape(result['theme_name_measure'])}[/]")
        for pair in result["theme_name_pairs"]:
            out.print(f"  [dim]{escape(str(pair))}[/]")
    labels = {t["id"]: t["label"] for t in result.get("themes", [])}
    theme_of = {w: t["id"] for t in result.get("themes", []) for w in t["works"]}
    for item in result["selected"]:
        label = labels.get(theme_of.get(item["id"], ""), "")
        out.print(f"  {'✓' if item['gold'] else '·'} {escape(item['title'] or '')} [dim]— {escape(label)}[/]")
    if result["missed"]:
        out.print("missed: " + escape("; ".join(result["missed"])))
    out.print(f"{result['seconds']:.1f} s")


def _register_commands() -> None:
    import importlib
    import pkgutil

    from . import commands

    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}")


_register_commands()


def main() -> None:
    cli()
