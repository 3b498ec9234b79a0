"""A well-behaved HTTP client for the live sources: timeouts, retries, a cache, clear errors.

    HttpClient.get_json(url, params) -> the decoded JSON answer

- **Retries** on 429, 5xx, timeouts, dropped connections and cut-off JSON, with exponential
  backoff (`backoff_base` * 2^attempt, at most `backoff_max`, jittered) and the server's
  `Retry-After` (seconds or an HTTP date) honoured.
- **A response cache** (`ResponseCache`): answers are kept `cache_ttl` seconds in
  `<library>/http-cache.sqlite`, keyed by URL, so an identical request (a resumed fetch, the
  same query again) is answered without the network.
- **Errors** are `SourceError`s whose message names the URL and says what to do; never a
  traceback, never a bare status code.

Settings come in one `FetchSettings` object; `SETTINGS` documents each field and
`FetchSettings.from_env` is the one place that reads environment variables.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sqlite3
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from .. import __version__
from ..errors import InputError, VissueError
from ..json_input import loads

CACHE_NAME = "http-cache.sqlite"
USER_AGENT = f"vissue/{__version__}"


class SourceError(VissueError):
    """A live source could not be read; the message names the URL and the remedy."""


class HttpStatusError(SourceError):
    """The server answered with an error status that retrying does not cure."""

    def __init__(self, message: str, *, url: str, status: int, body: str):
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body


# ---- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchSettings:
    """How live sources are reached. `SETTINGS` below documents each field."""

    openalex_url: str = "https://api.openalex.org"
    crossref_url: str = "https://api.crossref.org"
    mailto: str | None = None
    timeout: float = 30.0
    retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0
    min_interval: float = 0.1
    cache_ttl: float = 86400.0
    refresh: bool = False

    #: Environment variables, read by `from_env` only.
    ENV: ClassVar[dict[str, str]] = {"mailto": "VISSUE_MAILTO", "openalex_url": "VISSUE_OPENALEX_URL",
           "crossref_url": "VISSUE_CROSSREF_URL"}

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> FetchSettings:
        """Defaults, then VISSUE_MAILTO / VISSUE_OPENALEX_URL / VISSUE_CROSSREF_URL, then
        `overrides` (the command line's options; a None override is no override)."""
        values: dict[str, Any] = {name: environ[var] for name, var in cls.ENV.items() if environ.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_setting(self, assignment: str) -> FetchSettings:
        """A copy with one setting changed from 'name=value' text (the CLI's --setting)."""
        name, sep, text = assignment.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in _DEFAULTS:
            raise InputError(f"--setting {assignment!r}: expected NAME=VALUE with NAME one of "
                             f"{', '.join(_DEFAULTS)}")
        default = _DEFAULTS[name]
        text = text.strip()
        try:
            if isinstance(default, bool):
                if text.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(text)
                value: Any = text.lower() in ("1", "true", "yes", "on")
            elif isinstance(default, int):
                value = int(text)
            elif isinstance(default, float):
                value = float(text)
            else:
                value = text or None
        except ValueError as e:
            kind = type(default).__name__ if default is not None else "str"
            raise InputError(f"--setting {name}={text!r}: not a {kind}") from e
        return dataclasses.replace(self, **{name: value})


SETTINGS: list[tuple[str, Any, str]] = [
    ("openalex_url", FetchSettings.openalex_url,
     "OpenAlex API base URL (a mirror, a test server); also VISSUE_OPENALEX_URL"),
    ("crossref_url", FetchSettings.crossref_url,
     "Crossref API base URL (a mirror, a test server); also VISSUE_CROSSREF_URL"),
    ("mailto", None, "your e-mail, for the polite pools (OpenAlex: mailto=, Crossref: User-Agent);"
     " also VISSUE_MAILTO"),
    ("timeout", FetchSettings.timeout, "seconds to wait for a connection or for data before retrying"),
    ("retries", FetchSettings.retries, "tries after the first on 429, 5xx, timeouts and dropped connections"),
    ("backoff_base", FetchSettings.backoff_base, "seconds before the first retry; doubled at each retry"),
    ("backoff_max", FetchSettings.backoff_max, "longest wait between two tries, in seconds"),
    ("retry_after_max", FetchSettings.retry_after_max,
     "a Retry-After longer than this many seconds stops the fetch (run it again later)"),
    ("min_interval", FetchSettings.min_interval, "seconds at least between two requests (rate limit)"),
    ("cache_ttl", FetchSettings.cache_ttl, "seconds a cached answer is reused (0: no cache)"),
    ("refresh", FetchSettings.refresh, "ignore cached answers and ask the server again"),
]
_DEFAULTS = {name: default for name, default, _ in SETTINGS}


# ---- cache --------------------------------------------------------------------------------


class ResponseCache:
    """Answers of the live sources, by URL, in `<library>/http-cache.sqlite` (compressed)."""

    def __init__(self, folder: str | Path, *, ttl: float):
        self.ttl = ttl
        self.path = Path(folder) / CACHE_NAME
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS responses (url TEXT PRIMARY KEY, body BLOB NOT NULL,"
                            " fetched REAL NOT NULL)")
            if ttl > 0:
                self.db.execute("DELETE FROM responses WHERE fetched < ?", (time.time() - ttl,))
        except sqlite3.DatabaseError as e:
            raise SourceError(f"{self.path}: the response cache cannot be used ({e}); delete the file"
                              " (it holds nothing that cannot be fetched again)") from e

    def get(self, url: str) -> str | None:
        if self.ttl <= 0:
            return None
        row = self.db.execute("SELECT body FROM responses WHERE url = ? AND fetched >= ?",
                              (url, time.time() - self.ttl)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def put(self, url: str, body: str) -> None:
        if self.ttl <= 0:
            return
        self.db.execute("INSERT OR REPLACE INTO responses (url, body, fetched) VALUES (?, ?, ?)",
                        (url, zlib.compress(body.encode("utf-8")), time.time()))

    def close(self) -> None:
        self.db.close()


# ---- client -------------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: '120', '1.5' or an HTTP date; None if absent
    or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def show_url(url: str, params: Mapping[str, str]) -> str:
    """The URL of a request as messages show it (without the polite-pool e-mail)."""
    shown = {k: v for k, v in params.items() if k != "mailto"}
    return f"{url}?{urlencode(shown, safe=':,*/')}" if shown else url


_RETRYABLE = {408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}


class _Retry(Exception):
    """One failed try that another try may cure."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class HttpClient:
    """GET JSON from a live source, politely and persistently.

    `params` are added to every request (OpenAlex's mailto=), `headers` to every request
    (Crossref's User-Agent). `sleep` and `notify` (told of each retry) are for the CLI and tests.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        cache: ResponseCache | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        hint: str = "",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        notify: Callable[[str], None] | None = None,
    ):
        self.settings = settings
        self.cache = cache
        self.params = dict(params or {})
        self.hint = hint
        self.sleep = sleep
        self.notify = notify
        self.requests = 0  # requests sent over the network (cache hits not counted)
        self._last = 0.0
        self.http = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(
        self,
        url: str,
        params: Mapping[str, str],
        *,
        use_cache: bool = True,
        check: Callable[[Any], object] | None = None,
    ) -> Any:
        """The JSON document at url?params: from the cache when it is fresh, else the server.

        `check(document)` returns a string saying what is wrong with an answer (it is then an
        error, and not cached), anything else when the answer is usable.
        """
        shown = show_url(url, params)
        if self.cache is not None and use_cache and not self.settings.refresh:
            body = self.cache.get(shown)
            if body is not None:
                return json.loads(body)
        document, body = self._get(url, {**params, **self.params}, shown)
        problem = check(document) if check else None
        if isinstance(problem, str):
            raise SourceError(f"{shown}: {problem}; is the API's address right? Check --api-url.{self.hint}")
        if self.cache is not None:
            self.cache.put(shown, body)
        return document

    def _get(self, url: str, params: dict[str, str], shown: str) -> tuple[Any, str]:
        settings = self.settings
        tries = settings.retries + 1
        for attempt in range(tries):
            try:
                return self._try(url, params, shown)
            except _Retry as e:
                if attempt + 1 >= tries:
                    raise SourceError(self._give_up(shown, e.reason, tries)) from None
                backoff = min(settings.backoff_max, settings.backoff_base * 2 ** attempt)
                backoff *= 0.5 + random.random() / 2  # jitter: clients that failed together spread out
                if e.wait is not None and e.wait > settings.retry_after_max:
                    raise SourceError(
                        f"{shown}: {e.reason}; the server asks to wait {e.wait:.0f} s, longer than"
                        f" retry_after_max ({settings.retry_after_max:.0f} s). Run the same command"
                        f" later: it continues where it stopped.{self.hint}") from None
                delay = max(backoff, e.wait or 0.0)
                if self.notify:
                    self.notify(f"{e.reason}; try {attempt + 2} of {tries} in {delay:.1f} s")
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pace(self) -> None:
        wait = self._last + self.settings.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def _try(self, url: str, params: dict[str, str], shown: str) -> tuple[Any, str]:
        self._pace()
        self.requests += 1
        try:
            response = self.http.get(url, params=params)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.settings.timeout:g} s") from None
        except httpx.UnsupportedProtocol as e:
            raise SourceError(f"{shown}: not an http(s) URL ({e}); check --api-url") from None
        except (httpx.TransportError, httpx.DecodingError) as e:
            raise _Retry(f"connection failed ({type(e).__name__}: {e})") from None
        except httpx.InvalidURL as e:
            raise SourceError(f"{shown}: not a valid URL ({e}); check --api-url") from None
        status = response.status_code
        if status in _RETRYABLE or 500 <= status < 600:
            raise _Retry(f"HTTP {status} {response.reason_phrase}",
                         parse_retry_after(response.headers.get("Retry-After")))
        body = response.text
        if status >= 400:
            raise HttpStatusError(self._status_message(shown, status, response.reason_phrase, body),
                                  url=shown, status=status, body=body)
        stripped = body.lstrip("\ufeff \t\r\n")
        if not stripped.startswith(("{", "[")):
            kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
            start = " ".join(stripped[:60].split())
            raise SourceError(
                f"{shown}: the server did not answer JSON ({kind}, starting {start!r});"
                f" is the API's address right? Check --api-url.{self.hint}")
        try:
            return loads(body, source=shown), body
        except json.JSONDecodeError as e:
            raise _Retry(f"invalid JSON at character {e.pos} of {len(body)} (cut off?)") from None

    def _status_message(self, shown: str, status: int, reason: str, body: str) -> str:
        detail = _error_detail(body)
        message = f"{shown}: HTTP {status} {reason}" + (f": {detail}" if detail else "")
        if status in (401, 403):
            return message + f"; the server refuses this client: give --mailto (or VISSUE_MAILTO).{self.hint}"
        if status == 404:
            return message + "; no such API endpoint: check --api-url."
        return message + "; check the options given (--issn, --search/--query, --since/--until)."

    def _give_up(self, shown: str, reason: str, tries: int) -> str:
        message = f"{shown}: {reason} (gave up after {tries} tries)"
        if reason.startswith("HTTP 429"):
            return (message + "; the server is limiting requests: give --mailto (or VISSUE_MAILTO)"
                    " for the polite pool, wait a while, and run the same command again: it continues"
                    " where it stopped." + self.hint)
        if reason.startswith(("no answer", "connection failed")):
            return (message + "; is the network up and the API's address right (--api-url)? Run the"
                    " same command again to continue where it stopped; a slow server may need"
                    " --setting timeout=120.")
        return message + "; the server is failing: run the same command later, it continues where it stopped."


def _error_detail(body: str) -> str:
    """The server's own words from an error body: OpenAlex's 'message', Crossref's messages."""
    try:
        data = loads(body, source="the answer")
    except (ValueError, InputError):
        text = " ".join(body.split())
        return text[:200] if text and not text.startswith("<") else ""
    parts: list[str] = []
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, str):
            parts.append(message)
        elif isinstance(message, list):  # Crossref: [{"type": ..., "message": ...}]
            parts += [str(m.get("message")) for m in message if isinstance(m, dict) and m.get("message")]
        elif isinstance(message, dict) and message.get("message"):
            parts.append(str(message["message"]))
        if not parts and isinstance(data.get("error"), str):
            parts.append(data["error"])
    return "; ".join(parts)[:300]
