"""The event's period: the dates of its text, the most precise ones deciding.

    period, spans = find_period("Since June 2022, monsoon floods have submerged ...")
    period.start, period.end, period.matched   # '2022-06', None, ['June 2022']

Absolute dates set the period (a day beats a month, a month beats a year); relative phrases
("the past week") are kept in `matched` only, and every date's span is returned so that later
readings of the text (people, key phrases, the query) can skip it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .gazetteer import MONTHS, word_set


@dataclass
class Period:
    """When the event happened: ISO dates, months or years; `end` None = ongoing or unsaid."""

    start: str | None
    end: str | None = None
    matched: list[str] = field(default_factory=list)


_MONTH = r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?P<y>(?:1[5-9]|20)\d\d)"
_DATE_PATTERNS = [  # most precise first; what one takes the later ones do not see
    ("day", re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I)),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)),
    ("iso", re.compile(rf"\b{_YEAR}-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("range", re.compile(rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|until)\s+(?P<y2>(?:1[5-9]|20)\d\d)\b", re.I)),
    ("range", re.compile(rf"\b{_YEAR}\s*[-–—]\s*(?P<y2>(?:1[5-9]|20)\d\d)\b")),
    ("month", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I)),
    ("since", re.compile(rf"\bsince\s+{_YEAR}\b", re.I)),
    ("decade", re.compile(rf"(?<![\d,.]){_YEAR}s\b")),
    ("year", re.compile(rf"(?<![\d,.$€£]){_YEAR}\b(?![\d,]\d)")),
]
_RELATIVE = re.compile(
    r"\b(?:(?:during|in|over|within)\s+)?(?:the\s+)?(?:past|last|previous|recent|coming|next)\s+"
    r"(?:few\s+|several\s+|two\s+|three\s+)?(?:days?|weeks?|months?|years?|decades?)\b"
    r"|\b(?:yesterday|today|this\s+(?:week|month|year)|in\s+recent\s+(?:days|weeks|months))\b",
    re.I)
_BEFORE_YEAR = word_set("""
in since of by from until till before after during early late mid the year years between and
to around circa spring summer autumn fall winter through as throughout than
""")


def _reads_as_year(text: str, start: int) -> bool:
    """A bare four-digit number is a year after 'in', 'since', '(' and the like."""
    before = text[:start].rstrip(" -")
    if not before or not (before[-1].isalnum()):
        return True
    word = re.search(r"(\w+)$", before)
    return word is not None and word.group(1).lower() in _BEFORE_YEAR


def find_period(text: str) -> tuple[Period | None, list[tuple[int, int]]]:
    """The event's period from absolute dates; relative phrases are kept in `matched` only."""
    spans: list[tuple[int, int]] = []
    points: list[tuple[int, str, str | None, str]] = []  # (precision, start, end, surface)
    masked = text
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(masked):
            if kind == "year" and not _reads_as_year(masked, m.start()):
                continue  # "killed 2000 people"
            g = m.groupdict()
            y = g["y"]
            try:
                if kind in ("day", "iso"):
                    month = int(g["mo"]) if kind == "iso" else MONTHS[g["m"].lower()[:3]]
                    points.append((0, date(int(y), month, int(g["d"])).isoformat(), None,
                                   m.group()))
                elif kind == "month":
                    iso = f"{y}-{MONTHS[g['m'].lower()[:3]]:02d}"
                    points.append((1, iso, iso, m.group()))
                elif kind == "range":
                    points.append((2, y, g["y2"], m.group()))
                elif kind == "since":
                    points.append((2, y, None, m.group()))
                elif kind == "decade":
                    points.append((2, y, str(int(y) + 9), m.group()))
                else:
                    points.append((2, y, y, m.group()))
            except ValueError:  # 31 February
                continue
            if re.search(r"\bsince\s+$", masked[max(0, m.start() - 8):m.start()], re.I):
                points[-1] = (*points[-1][:2], None, points[-1][3])  # "since June 2022"
            spans.append(m.span())
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    spans += [m.span() for m in _RELATIVE.finditer(text)]
    if not points:
        return None, spans
    best = min(p[0] for p in points)
    chosen = [p for p in points if p[0] == best]
    start = min(p[1] for p in chosen)
    ends = [p[2] for p in chosen if p[2] is not None]
    end = max(ends) if ends else None
    if best == 0 and len({p[1] for p in chosen}) > 1:
        end = max(p[1] for p in chosen)
    surfaces = [text[s:e].strip() for s, e in sorted(spans)]
    return Period(start, end, list(dict.fromkeys(surfaces))), spans
