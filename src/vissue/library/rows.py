"""What the store writes for a record, however it is written (`store`, `batch`): the JSON of
its data, the hash that names a source or a reject, the time stamp, and what adding it did."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

_clock: list[Any] = [None, ""]  # the second last formatted, and its text


def now() -> str:
    second = int(time.time())
    if second != _clock[0]:
        _clock[:] = [second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    return _clock[1]


def dumps(value: Any) -> str:
    """JSON text of a record's data (orjson: ten times the standard encoder's speed); the
    standard encoder for what orjson refuses (an integer beyond 64 bits, a lone surrogate,
    which the database then refuses with the reason)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def text_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


@dataclass
class AddResult:
    action: str  # 'added', 'merged' or 'unchanged'
    work_id: int
