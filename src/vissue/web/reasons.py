"""What the desk shows an editor of the reasons a document carries: plain words in view, the
engine's numbers behind a details toggle (macros.reasons), no internal ids.

The reasons themselves are written where the choices are made (`Candidate.why()`, the
selection's reasons); the desk adds its own only for an editor's actions.
"""

from __future__ import annotations

import re

#: The reasons the desk itself writes when an editor acts: shown as they are.
EDITOR_PREFIXES = ("accepted by the editor", "rejected by the editor", "added in place of", "kept: pinned")


def editor_reason(reason: str | None) -> str | None:
    """The reason when the desk wrote it for an editor's action; None for the engine's own."""
    if reason and reason.startswith(EDITOR_PREFIXES):
        return reason
    return None


def without_ids(text: str, titles: dict[int, str]) -> str:
    """Internal ids (#123) replaced by the work's title; scores in parentheses dropped."""
    def title(match: re.Match[str]) -> str:
        name = titles.get(int(match.group(1)))
        return f"“{_short(name)}”" if name else "another chosen work"

    text = re.sub(r"#(\d+)", title, text)
    text = re.sub(r"\s*\((?:[a-z ]+ )?\d+\.\d+\)", "", text)
    text = re.sub(r":? ?relevance \d+\.\d+,?", "", text)
    return " ".join(text.split())


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
