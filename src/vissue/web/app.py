"""The web app: FastAPI, server-rendered pages (Jinja2), a JSON API under /api.

    app = create_app(ServeSettings(library=Path("library")))   # then: uvicorn.run(app, ...)

`create_app` wires the editor's desk (`desk.EditorsDesk`), the guard (`security.Guard`), the
pages (`pages`), the API (`api`) and one error shape for everything (`responses`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .. import __version__
from ..errors import ConflictError, InputError, LibraryError, NotFoundError, VissueError
from . import api, pages
from .desk import EditorsDesk, IndexUnavailableError, ServeSettings
from .responses import STATIC, error_response
from .security import Guard, GuardState

log = logging.getLogger("vissue.web")

DESCRIPTION = """The editor's desk of [vissue](/): turn an event into a published virtual issue.

Reading needs nothing. Every change is JSON and, when the server was started with a token,
carries it (`Authorization: Bearer TOKEN`). A change to an issue names the version it was made
on (`base_version`): when someone saved a newer one meanwhile, the change is refused with 409
and nothing is saved. Every error has the same shape: `{"ok": false, "error": "...",
"errors": [{"message": "..."}], "status": N}`.
"""


def create_app(settings: ServeSettings, *, desk: EditorsDesk | None = None) -> FastAPI:
    """The ASGI app for a library. The search index loads in the background (`desk.start()`)."""
    app = FastAPI(title="vissue", version=__version__, description=DESCRIPTION, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json")
    app.state.desk = desk or EditorsDesk(settings)
    app.state.settings = settings
    app.state.guard = GuardState()
    app.add_middleware(Guard, max_body=settings.max_body, token=settings.token,
                       allowed_hosts=settings.allowed_hosts, sessions=app.state.guard.sessions,
                       throttle=app.state.guard.throttle)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing here: {request.url.path}"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request.scope, exc.status_code, message, headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for item in exc.errors():
            where = ".".join(str(x) for x in item.get("loc", ()) if x not in ("body", "query", "path"))
            errors.append({"message": f"{where}: {item.get('msg')}" if where else str(item.get("msg")),
                           "loc": [str(x) for x in item.get("loc", ())], "type": item.get("type")})
        summary = errors[0]["message"] if len(errors) == 1 else f"{len(errors)} problems in the request"
        return error_response(request.scope, 422, summary, errors)

    @app.exception_handler(VissueError)
    async def vissue_error(request: Request, exc: VissueError) -> Response:
        status, extra, headers = 400, {}, None
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, ConflictError):
            status = 409
            extra = {"issue": exc.issue_id, "base_version": exc.base_version,
                     "current_version": exc.current_version}
        elif isinstance(exc, IndexUnavailableError):
            status, headers = 503, {"Retry-After": "5"}
        elif isinstance(exc, LibraryError):
            status = 500
        elif not isinstance(exc, InputError):
            status = 400
        return error_response(request.scope, status, str(exc), [{"message": str(exc), **extra}], headers=headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(request.scope, 500, f"internal error ({type(exc).__name__}); the server's log has "
                              "the details")


def openapi_operations(app: FastAPI) -> list[dict[str, Any]]:
    """The API's operations, from the OpenAPI document, for the docs page."""
    spec = app.openapi()
    schemas = spec.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "description": p.get("description") or p.get("schema", {}).get("description", ""),
                                "type": _type(p.get("schema", {}), schemas)} for p in op.get("parameters", [])],
                "body": _schema_fields(body, schemas) if body else None,
                "body_name": body.get("$ref", "").rsplit("/", 1)[-1] if body else None,
                "responses": [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()],
            })
    return operations


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_type(s, schemas) for s in schema[key])
    if schema.get("type") == "array":
        return f"list[{_type(schema.get('items', {}), schemas)}]"
    if "const" in schema:
        return repr(schema["const"])
    return str(schema.get("type", "any"))


def _schema_fields(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(schema, schemas)
    required = set(schema.get("required", []))
    return [{"name": name, "type": _type(prop, schemas), "required": name in required,
             "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items()]
