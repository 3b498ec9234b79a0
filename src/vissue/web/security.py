"""What stands between a request and the app: size limits, hosts, tokens, CSRF, headers.

- Request bodies larger than ``max_body`` bytes are refused (413), whether they say their
  length or not.
- With ``allowed_hosts`` (the server binds to loopback), any other Host header is refused
  (400): a web page elsewhere cannot reach the app through DNS rebinding.
- Every change (POST, PATCH, PUT, DELETE) is refused when a browser says it comes from
  anywhere but this origin (``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an
  ``Origin`` that is not this server's, ``null`` included: a page can make its requests send
  ``Origin: null``); API changes must be JSON (a cross-site form cannot send it without the
  browser asking first, and this app never says yes); form posts carry a CSRF token bound to
  this server: an HMAC, under a secret only the server knows, of the nonce in the
  ``vissue_csrf`` cookie (`csrf_ok`). A page on another port of the same host can set that
  cookie (cookies ignore ports) but cannot compute the token.
- With a token, every change must carry it: ``Authorization: Bearer TOKEN``, an
  ``X-Vissue-Token`` header, or the sign-in cookie that /login sets: a random session id the
  server keeps (`Sessions`) until /logout ends it. Wrong tokens are throttled per client
  (`Throttle`): after 5 in a minute, 429 with ``Retry-After`` until the minute has passed.
- Every answer carries a Content-Security-Policy (scripts and styles from this server only),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` and frame limits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
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


class Sessions:
    """Sign-ins of a server with a token: the sign-in cookie holds a random id kept here until
    logout (or `lifetime` seconds) ends it. They live in memory: a restart signs everyone out."""

    def __init__(self, *, lifetime: float = 12 * 3600) -> None:
        self.lifetime = lifetime
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self) -> str:
        session = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._expiry = {k: v for k, v in self._expiry.items() if v > now}
            self._expiry[session] = now + self.lifetime
        return session

    def valid(self, session: str) -> bool:
        with self._lock:
            expiry = self._expiry.get(session)
        return expiry is not None and expiry > time.monotonic()

    def end(self, session: str) -> None:
        with self._lock:
            self._expiry.pop(session, None)


class Throttle:
    """Wrong tokens per client: after `limit` within `window` seconds, refused until it passes."""

    def __init__(self, *, limit: int = 5, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds the client must wait before its next try; 0 when it may try now."""
        with self._lock:
            now = time.monotonic()
            recent = [t for t in self._failures.get(client, []) if t > now - self.window]
            self._failures[client] = recent
            if len(recent) < self.limit:
                return 0
            return max(1, int(recent[0] + self.window - now + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, []).append(time.monotonic())


class GuardState:
    """What the guard and the sign-in pages share: the sessions and the wrong-token throttle."""

    def __init__(self) -> None:
        self.sessions = Sessions()
        self.throttle = Throttle()


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def csrf_token(secret: bytes, nonce: str) -> str:
    """The form token for the nonce of a browser's CSRF cookie: only this server can make it."""
    return hmac.new(secret, nonce.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


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


def token_verdict(scope: Scope, token: str, sessions: Sessions) -> str:
    """'ok' (the token, or a live sign-in), 'wrong' (a token that is not it) or 'missing'."""
    given = headers(scope)
    bearer = given.get("authorization", "")
    candidates = [given.get(TOKEN_HEADER, "")]
    if bearer.lower().startswith("bearer "):
        candidates.append(bearer[7:].strip())
    candidates = [c for c in candidates if c]
    if any(hmac.compare_digest(c.encode("utf-8", "replace"), token.encode()) for c in candidates):
        return "ok"
    if candidates:
        return "wrong"
    session = cookies(scope).get(AUTH_COOKIE, "")
    return "ok" if session and sessions.valid(session) else "missing"


def csrf_ok(scope: Scope, submitted: str | None) -> bool:
    """Whether a form's token is the one this server made for the browser's CSRF cookie."""
    expected = (scope.get("state") or {}).get("csrf", "")
    given = submitted or headers(scope).get(CSRF_HEADER, "")
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


class Guard:
    """ASGI middleware applying the rules in this module's docstring."""

    def __init__(self, app: ASGIApp, *, max_body: int, token: str | None, allowed_hosts: list[str] | None,
                 secure_cookies: bool = False, sessions: Sessions | None = None,
                 throttle: Throttle | None = None, secret: bytes | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self.secure_cookies = secure_cookies
        self.sessions = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self.secret = secret or secrets.token_bytes(32)  # new at each start: old forms expire

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, message, *extra = refusal
            await error_response(scope, status, message, headers=extra[0] if extra else None)(scope, receive, send)
            return
        jar = cookies(scope)
        nonce = jar.get(CSRF_COOKIE, "")
        new_cookie = not (32 <= len(nonce) <= 128 and nonce.isascii())
        if new_cookie:
            nonce = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = csrf_token(self.secret, nonce)
        scope["state"]["signed_in"] = self.token is None or token_verdict(scope, self.token, self.sessions) == "ok"
        scope["state"]["token_required"] = self.token is not None
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                extra = {
                    b"x-content-type-options": b"nosniff",
                    # same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on
                    # the desk's own form posts, which the origin check above must refuse
                    b"referrer-policy": b"same-origin",
                    b"x-frame-options": b"SAMEORIGIN",
                    b"content-security-policy": PAGE_POLICY.encode(),
                    b"cross-origin-opener-policy": b"same-origin",
                }
                raw += [(k, v) for k, v in extra.items() if k not in names]
                if new_cookie:
                    secure = "; Secure" if self.secure_cookies else ""
                    raw.append((b"set-cookie",
                                f"{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()))
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

    def _refusal(self, scope: Scope) -> tuple[int, str] | tuple[int, str, dict[str, str]] | None:
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
        site = given.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return 403, f"changes from another site are refused (Sec-Fetch-Site: {site})"
        origin = given.get("origin")
        if origin is not None:
            parts = urlsplit(origin)
            if origin == "null" or parts.netloc.lower() != given.get("host", "").lower():
                return 403, f"changes from another origin ({origin}) are refused"
        path = scope.get("path", "")
        if self.token is not None and path not in TOKEN_FREE:
            client = client_of(scope)
            wait = self.throttle.retry_after(client)
            if wait:
                return 429, (f"too many wrong tokens from {client}: try again in {wait} s"), {"Retry-After": str(wait)}
            verdict = token_verdict(scope, self.token, self.sessions)
            if verdict == "wrong":
                self.throttle.failed(client)
            if verdict != "ok":
                return 401, ("this server needs its token for every change: send it as 'Authorization: Bearer "
                             "TOKEN' (API) or sign in at /login (browser)")
        if path.startswith("/api/"):
            content_type = given.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                return 415, "changes through the API are JSON: send Content-Type: application/json"
        return None
