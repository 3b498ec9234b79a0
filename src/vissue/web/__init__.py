"""The editor's web app: `vissue serve`.

    from vissue.web import ServeSettings, create_app
    app = create_app(ServeSettings(library=Path("library")))

The web framework is imported when `create_app` or `EditorsDesk` is first used, not by
``import vissue.web`` (so `vissue --help` stays quick).
"""

from __future__ import annotations

from typing import Any

from .settings import SETTINGS, ServeSettings

__all__ = ["SETTINGS", "EditorsDesk", "ServeSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "EditorsDesk":
        from .desk import EditorsDesk

        return EditorsDesk
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
