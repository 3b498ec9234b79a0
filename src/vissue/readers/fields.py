"""Helpers readers share for field values: keyword lists, ';'-separated cells, page ranges.

What is one export's quirk stays in its reader; what several formats write alike is here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..text import clean_field

_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]+\s*")


def add_unique(target: list[str], values: Iterable[str | None]) -> None:
    """Append each value not yet in `target`, ignoring case; empty values are skipped."""
    seen = {v.casefold() for v in target}
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            target.append(value)


def dedupe(values: Iterable[str | None]) -> list[str]:
    """The values in order, each once (the first spelling kept, case ignored), empty ones dropped."""
    out: list[str] = []
    add_unique(out, values)
    return out


def split_cell(value: str | None) -> list[str]:
    """'Keyword one;  keyword two; ' -> ['Keyword one', 'keyword two']: split on ';', white
    space folded, empty parts dropped."""
    if not value:
        return []
    return [part for part in (" ".join(p.split()) for p in value.split(";")) if part]


def split_references(value: str | None) -> list[str]:
    """Cited references are separated by '; ' (a bare ';' occurs inside SICI DOIs)."""
    if not value:
        return []
    return [ref for ref in (" ".join(r.split()) for r in re.split(r";\s+", value)) if ref]


def hyphenate(text: str) -> str:
    """'79 – 88' -> '79-88': each run of dashes or minus signs, with the space around it, one '-'."""
    return _DASHES.sub("-", text)


def page_range(first: str | None, last: str | None) -> str | None:
    """First and last page as one range: ('79', '88') -> '79-88', ('5', '5') -> '5';
    no first page, no range."""
    first, last = clean_field(first), clean_field(last)
    if first and last and first != last:
        return hyphenate(f"{first}-{last}")
    return hyphenate(first) if first else None
