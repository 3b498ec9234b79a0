"""One shape for every error, and the templates every page is drawn with.

An error is ``{"ok": false, "error": "<one line>", "errors": [{"message": ...}, ...], "status": N}``
for the API and any client that does not ask for HTML; a browser asking for a page gets the
same fields as a page (`error.html`).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from .. import __version__

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

#: autoescape on for every template: record text (titles, abstracts, raw records) is never markup.
environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
environment.globals["vissue_version"] = __version__
templates = Jinja2Templates(env=environment)


def error_body(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": message, "errors": errors if errors is not None else [{"message": message}],
            "status": status}


def wants_html(scope: MutableMapping[str, Any]) -> bool:
    if str(scope.get("path", "")).startswith("/api"):
        return False
    accept = ""
    for name, value in scope.get("headers", []):
        if name == b"accept":
            accept = value.decode("latin-1").lower()
    return "text/html" in accept


def error_response(scope: MutableMapping[str, Any], status: int, message: str,
                   errors: list[dict[str, Any]] | None = None, *, headers: dict[str, str] | None = None) -> Response:
    body = error_body(status, message, errors)
    if wants_html(scope):
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = "Error"
        state = scope.get("state") or {}
        html = environment.get_template("error.html").render(
            error=body, title=title, csrf=state.get("csrf", ""), signed_in=state.get("signed_in", True),
            token_required=state.get("token_required", False), path=str(scope.get("path", "")),
            request=Request(scope))
        return HTMLResponse(html, status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)
