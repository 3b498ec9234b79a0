"""`vissue render ISSUE.json --to md|html|ris|bibtex|csljson [--style STYLE] [-o FILE]`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..cli import cli, err, handle_errors
from ..errors import InputError
from ..issue import VirtualIssue
from ..render import FORMATS, render

FORMAT_HELP = "; ".join(f"{name}: {spec.description}" for name, spec in FORMATS.items())


@cli.command("render")
@click.argument("issue_path", metavar="ISSUE.json", type=click.Path(path_type=Path))
@click.option("--to", "fmt", type=click.Choice(list(FORMATS)), required=True, help=f"Output format. {FORMAT_HELP}.")
@click.option("--style", help="Citation style of the reference list (md, html): a name of the Zotero style "
                              "repository (apa, chicago-author-date, modern-language-association, …) or a "
                              ".csl file. Default: the journal profile's, else apa.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (its folder is made if need be); without it, print to stdout.")
@handle_errors
def render_command(issue_path: Path, fmt: str, style: str | None, output: Path | None) -> None:
    """Render a virtual issue (a build's issue.json) as a page, text or references.

    Every render is made from the issue file alone: the library is not opened.
    """
    issue = VirtualIssue.load(issue_path)
    text = render(issue, fmt, style=style)
    if output is None:
        click.echo(text, nl=False)
        return
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give a file name, e.g. {output / ('issue' + FORMATS[fmt].suffix)}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{output}: cannot write ({e.strerror or e})") from e
    err.print(f"wrote {escape(str(output))} ({fmt}, {len(issue.works)} works)")
