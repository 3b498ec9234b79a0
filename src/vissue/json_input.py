"""JSON from users (exports, briefs, gold files, issue documents, API bodies), nesting limited.

Python's json module recurses once per level: a 2 KB document nested a thousand levels deep
raises RecursionError, and a little less deep parses but breaks whatever walks it later. Every
place that reads JSON a user gives goes through `loads`, which refuses more than `MAX_DEPTH`
levels with a FormatError naming the source, the line and the column.

    data = loads(path.read_text(), source=str(path))
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import JSONDepthError

#: The most levels of nesting accepted; real exports have fewer than 10 (OpenAlex: 6).
MAX_DEPTH = 100

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_DECODER = json.JSONDecoder()


def loads(text: str, *, source: str) -> Any:
    """`json.loads(text)`; json.JSONDecodeError for bad syntax (as json raises it), FormatError
    when the document is nested more than MAX_DEPTH levels."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise too_deep(text, source) from None
    if depth(data) > MAX_DEPTH:
        raise too_deep(text, source)
    return data


def raw_decode(text: str, start: int = 0, *, source: str) -> tuple[Any, int]:
    """(the JSON value starting at `text[start]`, where it ends), as json.JSONDecoder.raw_decode
    gives them, nesting limited."""
    try:
        data, end = _DECODER.raw_decode(text, start)
    except RecursionError:
        raise too_deep(text, source) from None
    if depth(data) > MAX_DEPTH:
        raise too_deep(text, source)
    return data, end


def depth(value: Any) -> int:
    """Levels of nesting of a parsed value (a scalar is 0), walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def too_deep(text: str, source: str) -> JSONDepthError:
    where = ""
    level = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            level += 1
            if level > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - (text.rfind("\n", 0, token.start()) + 1) + 1
                where = f" (level {level} starts at line {line}, column {column})"
                break
        elif mark in "]}":
            level -= 1
    return JSONDepthError(source, f"JSON nested more than {MAX_DEPTH} levels deep{where}; no export or "
                          "document vissue reads is nested that deep: is the file damaged?")
