"""The aspects of an event: the parts of the brief that each call for works of their own.

    find_aspects("Everyday insecurity: extremism policies, unstable borders and the risks of fieldwork",
                 key_phrases)   # ['extremism policies', 'unstable borders and the risks of fieldwork']

An editor's brief often lists what the issue should answer ("a border war: the clashes,
demarcation, water and land, the CSTO"). Searched as one text, such a list is an average of its
items, and a work on one item alone (the one article on fieldwork risks) sits far from it. So the
items of the brief's lists are its aspects, and search ranks the library for each of them too
(`search.retrieve`).

A list is lines that open with a bullet or a number ("- the clashes", "2. crop losses"), what
follows a colon, in pieces between commas, semicolons and dashes, or a sentence of three pieces
or more; an "and"/"or" opening a piece is dropped, and a piece is parted at
"and"/"or" too where the words on each side hold a key phrase of their own ("marginalised urban
groups and the risks of fieldwork" are two items; "dams upstream and downstream" one). An item
must hold one of the brief's key phrases: a piece of no substance ("During the past week") is
none. A brief told as a story (its sentences no lists), or with fewer than two items, has no
aspects: the whole text is its one question (a story's clauses, searched one by one, pull in
works on its incidental words). Read from the punctuation of the text alone: no word list.
"""

from __future__ import annotations

import re

#: At most this many aspects are kept (the first ones), so a long brief stays a few searches.
MAX_ASPECTS = 12

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])")
_PIECE = re.compile(r"\s*(?:[,;:]|\s[-–—]\s|—)\s*")
_OPENING = re.compile(r"^(?:and|or|but)\s+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d{1,2}[.)])\s+")
_DATE_COMMA = re.compile(r"(\d{1,2}),\s*(\d{4})")
_JOINED = re.compile(r"\s+(and|or)\s+", re.IGNORECASE)


def find_aspects(text: str, key_phrases: list[str]) -> list[str]:
    """The items of the lists the text makes, that hold a key phrase, in the order of the text
    (module docstring)."""
    phrases = [p.lower() for p in key_phrases if p.strip()]
    found: list[str] = []

    def add(pieces: list[str], least: int) -> None:
        """The pieces' items, when they are a list of at least `least` items."""
        items = [part for piece in pieces
                 for part in _parted(_OPENING.sub("", piece.strip(" .?!;,\"“”'’()")).strip(), phrases)
                 if _holds(part, phrases)]
        if len(items) >= least:
            for item in items:
                if item.lower() not in {f.lower() for f in found}:
                    found.append(item)

    lines = text.strip().splitlines()
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line)]
    if len(bullets) >= 2:  # one list; the other lines are read as prose
        add(bullets, 2)
        text = "\n".join(line for line in lines if not _BULLET.match(line))
    for sentence in _SENTENCE.split(text.strip()):
        sentence = _DATE_COMMA.sub(r"\1 \2", _unbracketed(sentence))  # 'January 1, 2022' is no list
        _, colon, rest = sentence.partition(":")
        add(_PIECE.split(rest if colon else sentence), 2 if colon else 3)
    return found[:MAX_ASPECTS] if len(found) >= 2 else []


def _holds(text: str, phrases: list[str]) -> bool:
    """Whether the text holds one of the phrases as whole words ('land', not 'Finland')."""
    text = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in phrases)


def _parted(piece: str, phrases: list[str]) -> list[str]:
    """The piece parted at each 'and'/'or' whose sides both hold a key phrase; a side without
    one stays joined to the words before it (or, first, after it)."""
    words = _JOINED.split(piece)  # [part, conjunction, part, ...]
    parts = [words[0]]
    for conjunction, part in zip(words[1::2], words[2::2], strict=True):
        if _holds(part, phrases) and _holds(parts[-1], phrases):
            parts.append(part)
        else:
            parts[-1] = f"{parts[-1]} {conjunction} {part}"
    return [p.strip() for p in parts if p.strip()]


def _unbracketed(sentence: str) -> str:
    """The sentence without its parenthetical asides ('(and other)', '(CSTO)'): the commas inside
    them do not part it."""
    return re.sub(r"\s*\([^()]*\)", "", sentence)


__all__ = ["MAX_ASPECTS", "find_aspects"]
