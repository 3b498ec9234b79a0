"""Why a work is where it is, in an editor's words: built from the structured fields a candidate
carries (the ranks, the places and phrases it names), never from the engine's own notation.

    plain_reason(work.why, event_words, work.title + " " + work.abstract)
    # 'shares the words border, demarcation; among the 10 works closest in meaning to the event;
    #  names Kyrgyzstan, Tajikistan'

The scores and ranks stay available behind a details toggle (macros.why_table).
"""

from __future__ import annotations

import re
from typing import Any

from ..editorial.sentences import content_words, word_tokens

#: The reasons the desk itself writes when an editor acts: shown as they are.
EDITOR_PREFIXES = ("accepted by the editor", "rejected by the editor", "added in place of", "kept: pinned")
#: Closeness in meaning is said by rank among the library's works, in these steps.
CLOSENESS_STEPS = (10, 50, 100)
MAX_WORDS = 5


def event_words(brief: dict[str, Any]) -> dict[str, str]:
    """The content words of the event's search query (its text when there is no query): each
    folded form, once, with the word as the event writes it ("kyrgyzstan" -> "Kyrgyzstan")."""
    text = str(brief.get("query") or brief.get("text") or "")
    content = set(content_words(text))
    words: dict[str, str] = {}
    for folded, start, end in word_tokens(text):
        if folded in content and folded not in words:
            words[folded] = text[start:end]
    return words


def shared_words(words: dict[str, str], text: str) -> list[str]:
    present = set(content_words(text))
    return [shown for folded, shown in words.items() if folded in present]


def plain_reason(why: dict[str, Any] | None, words: dict[str, str], text: str) -> str:
    """One line: the words it shares with the event, how close in meaning it is, what it names."""
    why = why or {}
    parts = []
    shared = shared_words(words, text)
    if shared:
        more = len(shared) - MAX_WORDS
        parts.append("shares the word" + ("s " if len(shared) > 1 else " ") + ", ".join(shared[:MAX_WORDS])
                     + (f" and {more} more" if more > 0 else ""))
    elif why.get("lexical_rank") is None and "lexical_rank" in why:
        parts.append("shares no word with the event")
    rank = why.get("semantic_rank")
    if isinstance(rank, int) and rank > 0:
        step = next((s for s in CLOSENESS_STEPS if rank <= s), None)
        parts.append(f"among the {step} works closest in meaning to the event" if step
                     else "further in meaning from the event than most candidates")
    if why.get("places"):
        parts.append("names " + ", ".join(why["places"]))
    phrases = [p for p in why.get("phrases") or [] if p]
    if phrases:
        parts.append("speaks of " + ", ".join(f"“{p}”" for p in phrases[:3]))
    return "; ".join(parts) or "added by the editor"


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
