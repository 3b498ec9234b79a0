"""The web server's settings: one table (name, default, help) that `vissue serve --help` reads,
and the object the app is built from. Importing this module imports no web framework."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The web server's settings: name, default, help. `vissue serve --help` and the docs read it.
SETTINGS: list[tuple[str, Any, str]] = [
    ("host", "127.0.0.1", "address to listen on; any address but loopback needs a token"),
    ("port", 8000, "port to listen on (0: any free port; the address is printed)"),
    ("token", None, "secret every change must carry (also VISSUE_TOKEN): editors sign in with it at /login, "
                    "API clients send 'Authorization: Bearer TOKEN'"),
    ("max_body", 1_000_000, "largest request body accepted, in bytes (larger: 413)"),
    ("index_timeout", 600.0, "seconds a search waits for the search index to load before a 503"),
    ("profile", None, "journal profile (TOML) used for new issues: name, ISSN, scope, style, themes"),
]


@dataclass
class ServeSettings:
    library: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body: int = 1_000_000
    index_timeout: float = 600.0
    profile: Path | None = None
    allowed_hosts: list[str] | None = None  # Host headers answered; None: any
