"""`vissue serve [--host 127.0.0.1] [--port 8000] [--token T]`: the editor's web app."""

from __future__ import annotations

import ipaddress
import socket
import sys
import time
from pathlib import Path

import click

from ..cli import cli, handle_errors
from ..errors import InputError

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _help(name: str) -> str:
    """An option's help, from the web app's settings table (one place for every setting)."""
    from ..web.settings import SETTINGS

    text = next(text for key, _, text in SETTINGS if key == name)
    return text[0].upper() + text[1:] + "."


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> list[str]:
    """Host headers a loopback server answers (a page elsewhere cannot rebind a name to it)."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if host.strip("[]") not in ("127.0.0.1", "localhost", "::1"):
        names.append(host if ":" not in host or host.startswith("[") else f"[{host}]")
    return [n for name in names for n in (name, f"{name}:{port}")]


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        hint = " (is another server using it? try --port 0 for any free port)" if e.errno == 98 else ""
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror}{hint}") from e
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help=_help("host"))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help=_help("port"))
@click.option("--token", envvar="VISSUE_TOKEN", help=_help("token"))
@click.option("--profile", type=click.Path(path_type=Path), help=_help("profile"))
@click.option("--max-body", type=click.IntRange(1024), default=1_000_000, show_default=True, help=_help("max_body"))
@click.pass_context
@handle_errors
def serve_command(ctx: click.Context, host: str, port: int, token: str | None, profile: Path | None,
                  max_body: int) -> None:
    """Open the editor's web app on the library: review, edit and publish virtual issues.

    Pages for the library, works, new issues from an event, candidate review, the theme
    board, the editorial, preview, publishing and history; a JSON API under /api (its
    documentation at /api/docs). Listens on loopback by default; on any other address a token
    is required.
    """
    started = time.perf_counter()
    token = token or None
    if not is_loopback(host) and not token:
        raise click.ClickException(
            f"refusing to listen on {host} without a token: anyone who can reach this address could "
            "change your virtual issues. Give one with --token SECRET or the VISSUE_TOKEN environment "
            "variable (editors then sign in with it), or listen on 127.0.0.1 only (the default).")
    try:
        import uvicorn

        from ..web import ServeSettings, create_app
        from ..web.desk import EditorsDesk
    except ImportError as e:
        raise click.ClickException(f"the web app needs its dependencies ({e.name} is missing): "
                                   "pip install 'vissue'") from e
    settings = ServeSettings(library=ctx.obj["library"], host=host, port=port, token=token, max_body=max_body,
                             profile=profile)
    desk = EditorsDesk(settings)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    if is_loopback(host):
        settings.allowed_hosts = allowed_hosts(host, port)
    app = create_app(settings, desk=desk)
    desk.start()
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    click.echo(f"vissue: the editor's desk for {desk.library_path} ({desk.works_count:,} works) "
               f"at http://{shown}:{port}/ (ready in {time.perf_counter() - started:.1f} s; "
               "the search index loads in the background)", err=False)
    if token:
        click.echo("vissue: changes need the token (sign in at /login; API: Authorization: Bearer TOKEN)")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5, limit_concurrency=None)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
