"""`vissue check ISSUE.json`: is the editorial faithful to the works it introduces?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import cli, handle_errors, out, print_json
from ..editorial.verify import check_issue
from ..issue import VirtualIssue


@cli.command("check")
@click.argument("issue_path", metavar="ISSUE.json", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"ok": ..., "problems": [...]}.')
@handle_errors
def check_command(issue_path: Path, as_json: bool) -> None:
    """Check a virtual issue's editorial against its works.

    Every selected work is introduced exactly once; no sentence names a work that is not
    selected; every gist is supported by the abstract sentence it records. And what an editor
    would strike out, naming the sentence: dangling references and deixis, first person, nested
    reporting, leftover connectives, a framing naming a journal the works are not all from or a
    place the brief does not, a person named who is not in the selection, over-long gists.
    Sentences an editor edited are checked for introductions and names only. Exit status 1 when
    there is a problem.
    """
    issue = VirtualIssue.load(issue_path)
    result = check_issue(issue)
    if as_json:
        print_json({"ok": result.ok, "problems": result.problems, "notes": result.notes,
                     "findings": [f.to_dict() for f in result.findings],
                     "sentences": result.sentences, "works": result.works, "edited": result.edited})
    else:
        for problem in result.problems:
            click.echo(problem)
        for note in result.notes:
            click.echo(f"note: {note}")
        if result.ok:
            out.print(f"ok: {result.works} works, each introduced once; {result.sentences} sentences, "
                      f"every gist supported by its abstract"
                      + (f" ({len(result.edited)} edited, not checked against abstracts)"
                         if result.edited else ""))
        else:
            click.echo(f"{len(result.problems)} problem(s) in {issue_path}", err=True)
    if not result.ok:
        sys.exit(1)
