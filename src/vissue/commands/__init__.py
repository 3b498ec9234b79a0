"""Command modules beyond the core ones in cli.py.

Each module here defines click commands on `vissue.cli.cli` (``from ..cli import cli``,
``@cli.command(...)``); cli.py imports every module of this package once the group exists, so a
new command needs no edit elsewhere.
"""
