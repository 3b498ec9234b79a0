"""Guards: every command has help and is documented in the README; the package imports cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from vissue.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(name):
    command = cli.commands[name]
    assert (command.help or "").strip(), f"vissue {name} has no help text"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    examples = README.split("```")[1::2]  # the README's code blocks
    assert any(f" {name}" in block for block in examples), f"vissue {name} has no example in the README"


def test_the_commands_the_design_names_exist():
    assert {"ingest", "works", "show", "search", "build", "themes", "render", "eval", "serve"} <= set(cli.commands)
