"""`vissue build`: from an event to a publishable virtual issue in one folder."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape

from ..brief.event import load_brief
from ..build import OUTPUTS, BuildOptions, build_issue, write_issue
from ..cli import _open_index, _settings, cli, handle_errors, open_library, out, print_ingest_report
from ..issue import Image
from ..profile import load_profile


def _fetch_candidates(library, brief, journal: str | None, max_works: int, mailto: str | None,
                      api_url: str | None, *, quiet: bool) -> None:
    """Fetch the event's candidates from OpenAlex into the library: the places and key phrases,
    OR-ed, within the journal."""
    import os

    from ..sources import FetchSettings
    from ..sources.openalex import fetch_for_event

    if not journal:
        raise click.ClickException("--from openalex needs the journal: give --journal NAME_OR_ISSN or a --profile with its ISSN")
    terms = [p.name for p in brief.places] + brief.key_phrases
    query = " OR ".join(f'"{t}"' if " " in t else t for t in dict.fromkeys(terms)) or brief.query
    settings = FetchSettings.from_env(os.environ, openalex_url=api_url, mailto=mailto)
    report = fetch_for_event(library, brief_query=query, issn=None, journal=journal, max_works=max_works,
                             settings=settings)
    if not quiet:
        print_ingest_report(report, library.path)


@cli.command("build")
@click.option("--event", "event", required=True, help="The editor's account of the event: text, a text file, or a JSON brief.")
@click.option("--journal", help="Candidates from this venue only: any of its names, or its ISSN (default: the profile's).")
@click.option("--size", type=click.IntRange(min=1), default=10, show_default=True, help="Works to select.")
@click.option("--since", type=int, help="Only works published in or after this year.")
@click.option("--until", type=int, help="Only works published in or before this year.")
@click.option("--themes", "theme_count", type=click.IntRange(min=1, max=6), help="Number of themes (default: chosen from the works, 2–6).")
@click.option("--theme", "theme_names", multiple=True, help="A theme's name (repeat, in order); vissue assigns the works.")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path), help="The journal's profile (TOML): name, ISSN, scope, style, themes.")
@click.option("--style", help="Citation style of the reference list (CSL name, e.g. apa, chicago-author-date).")
@click.option("--title", help="Title of the virtual issue.")
@click.option("--image", help="URL of an image for the page.")
@click.option("--image-caption", default="", help="Its caption.")
@click.option("--image-credit", default="", help="Its credit line.")
@click.option("--from", "source", type=click.Choice(["library", "openalex"]), default="library", show_default=True,
              help="Where the candidates come from: the library as it is, or fetched live from OpenAlex first "
                   "(a search of the event restricted to the journal; needs --journal or a profile's ISSN).")
@click.option("--max-fetch", type=click.IntRange(min=1), default=200, show_default=True, help="With --from openalex: works to fetch at most.")
@click.option("--mailto", help="With --from openalex: your e-mail, for OpenAlex's polite pool (or VISSUE_MAILTO).")
@click.option("--api-url", help="With --from openalex: the OpenAlex API's address (or VISSUE_OPENALEX_URL).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Folder to write the issue into.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (files, themes, works).")
@click.pass_context
@handle_errors
def build_command(ctx: click.Context, event: str, journal: str | None, size: int, since: int | None,
                  until: int | None, theme_count: int | None, theme_names: tuple[str, ...],
                  profile_path: Path | None, style: str | None, title: str | None, image: str | None,
                  image_caption: str, image_credit: str, source: str, max_fetch: int, mailto: str | None,
                  api_url: str | None, output: Path, as_json: bool) -> None:
    """Build a virtual issue: select the works an event calls for, group them into themes, write
    the editorial, and write issue.json with its renders (Markdown, HTML, RIS, BibTeX, CSL-JSON)."""
    if output.exists() and not output.is_dir():
        raise click.ClickException(f"{output}: is a file; give a folder for the output (-o DIR)")
    profile = load_profile(profile_path) if profile_path else None
    if style:
        from ..render.citations import style_path

        style_path(style)  # an unknown style is an error before any work is done
    brief = load_brief(event)
    options = BuildOptions(
        size=size, journal=journal, search=_settings(max(size, 50), journal, since, until),
        themes=theme_count, theme_names=list(theme_names), title=title, style=style,
        image=Image(image, image_caption, image_credit) if image else None,
    )
    with open_library(ctx, create=source == "openalex") as library:
        if source == "openalex":
            _fetch_candidates(library, brief, journal or (profile.journal.issn or profile.journal.name if profile else None),
                              max_fetch, mailto, api_url, quiet=as_json)
        elif library.count() == 0:
            raise click.ClickException("the library is empty: ingest exports (vissue ingest FILE…), fetch "
                                       "(vissue fetch openalex --issn …) or build with --from openalex")
        index = _open_index(library, quiet=as_json)
        issue = build_issue(library, index, brief, options=options, profile=profile)
    written = write_issue(issue, output)
    if as_json:
        click.echo(json.dumps({
            "title": issue.title, "files": [str(p) for p in written],
            "themes": [{"id": t.id, "label": t.label, "works": t.works} for t in issue.themes],
            "works": [{"id": w.id, "ids": w.ids, "title": w.title, "theme": w.theme} for w in issue.works],
        }, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{escape(issue.title)}[/]")
    out.print(f"{len(issue.works)} works in {len(issue.themes)} themes, from {issue.parameters['library_works']} in the library")
    for theme in issue.themes:
        out.print(f"  [bold]{escape(theme.label)}[/]")
        for work in issue.theme_works(theme):
            names = ", ".join(a.family for a in work.authors[:3]) + (" et al." if len(work.authors) > 3 else "")
            out.print(f"    {escape(names)} ({work.year or 'n.d.'}) {escape(work.title)}")
    out.print(f"wrote {', '.join(['issue.json', *OUTPUTS])} in {escape(str(output))}")
