"""What stands between a request and the app: size limits, hosts, tokens, CSRF, headers.

- Request bodies larger than ``max_body`` bytes are refused (413), whether they say their
  length or not.
- With ``allowed_hosts`` (the server binds to loopback), any other Host header is refused
  (400): a web page elsewhere cannot reach the app through DNS rebinding.
- Every change (POST, PATCH, PUT, DELETE) is refused when a browser says it comes from
  another site (``Sec-Fetch-Site: cross-site`` or an ``Origin`` that is not this server's);
  API changes must be JSON (a cross-site form cannot send it without the browser asking first,
  and this app never says yes); form posts carry a CSRF token equal to the ``vissue_csrf``
  cookie (double submit, checked by `check_csrf`).
- With a token, every change must carry it: ``Authorization: Bearer TOKEN``, an
  ``X-Vissue-Token`` header, or the sign-in cookie that /login sets.
- Every answer carries a Content-Security-Policy (scripts and styles from this server only),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and frame limits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from .responses import error_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "vissue_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
AUTH_COOKIE = "vissue_auth"
TOKEN_HEADER = "x-vissue-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Changes allowed without the token: signing in is how a browser gets it.
TOKEN_FREE = frozenset({"/login"})

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
#: For rendered issues (preview, published page): their own inline CSS, no script at all.
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src * data:; "
                   "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


class BodyTooLargeError(HTTPException):
    """Raised while reading a body that outgrows the limit: the app answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large(limit))


def too_large(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes, the most this server accepts"


def auth_digest(token: str) -> str:
    """What the sign-in cookie holds: a digest of the token, not the token itself."""
    return hmac.new(token.encode("utf-8"), b"vissue sign-in", hashlib.sha256).hexdigest()


def cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is as good as none
                continue
    return {k: m.value for k, m in jar.items()}


def headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def token_ok(scope: Scope, token: str) -> bool:
    given = headers(scope)
    bearer = given.get("authorization", "")
    candidates = [given.get(TOKEN_HEADER, "")]
    if bearer.lower().startswith("bearer "):
        candidates.append(bearer[7:].strip())
    if any(c and hmac.compare_digest(c.encode(), token.encode()) for c in candidates):
        return True
    cookie = cookies(scope).get(AUTH_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), auth_digest(token).encode())


def csrf_ok(scope: Scope, submitted: str | None) -> bool:
    expected = cookies(scope).get(CSRF_COOKIE, "")
    given = submitted or headers(scope).get(CSRF_HEADER, "")
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


class Guard:
    """ASGI middleware applying the rules in this module's docstring."""

    def __init__(self, app: ASGIApp, *, max_body: int, token: str | None, allowed_hosts: list[str] | None,
                 secure_cookies: bool = False) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, message = refusal
            await error_response(scope, status, message)(scope, receive, send)
            return
        jar = cookies(scope)
        csrf = jar.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = csrf
        scope["state"]["signed_in"] = self.token is None or token_ok(scope, self.token)
        scope["state"]["token_required"] = self.token is not None
        new_cookie = CSRF_COOKIE not in jar
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"SAMEORIGIN",
                    b"content-security-policy": PAGE_POLICY.encode(),
                    b"cross-origin-opener-policy": b"same-origin",
                }
                raw += [(k, v) for k, v in extra.items() if k not in names]
                if new_cookie:
                    secure = "; Secure" if self.secure_cookies else ""
                    raw.append((b"set-cookie",
                                f"{CSRF_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()))
                message["headers"] = raw
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLargeError(self.max_body)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLargeError:
            if started:
                raise
            await error_response(scope, 413, too_large(self.max_body))(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        given = headers(scope)
        if self.allowed_hosts is not None:
            host = given.get("host", "").lower()
            if host not in self.allowed_hosts:
                return 400, (f"this server answers requests for {', '.join(sorted(self.allowed_hosts))} only, "
                             f"not {host or 'no host'}")
        length = given.get("content-length")
        if length is not None:
            if not length.isdigit():
                return 400, "Content-Length is not a number"
            if int(length) > self.max_body:
                return 413, too_large(self.max_body)
        if scope["method"] in SAFE_METHODS:
            return None
        if given.get("sec-fetch-site") == "cross-site":
            return 403, "changes from another site are refused"
        origin = given.get("origin")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if parts.netloc.lower() != given.get("host", "").lower():
                return 403, f"changes from another origin ({origin}) are refused"
        path = scope.get("path", "")
        if self.token is not None and path not in TOKEN_FREE and not token_ok(scope, self.token):
            return 401, ("this server needs its token for every change: send it as 'Authorization: Bearer "
                         "TOKEN' (API) or sign in at /login (browser)")
        if path.startswith("/api/"):
            content_type = given.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                return 415, "changes through the API are JSON: send Content-Type: application/json"
        return None
