"""The field's own vocabulary: the phrases a library's authors give as keywords, and how often.

    field = library_field(library)   # FieldVocabulary of the whole library (kept while it is unchanged)
    field.uses("oil")                # 27: works of the library with the keyword 'oil'
    field.frequency("oil")           # works of the library whose title, keywords or abstract use the word

Theme names are drawn from it (``names``): a phrase several authors of the library chose as a
keyword is a name the field knows ('oil', 'civil society'); a phrase one author coined
('compartmentalized ideology') is not. The same pass counts, for every word of titles, keywords
and abstracts (`words.terms`), how many works use it: how much a shared word says about two works
(``similarity``) is read against the whole library, not the few works being grouped; over a
library of more than WORD_SAMPLE works, against that many spread evenly over it (the rarity of a
word that matters is the same, and the count stays a second's work). Counted from the data, over
whatever library is open: no word list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sized
from dataclasses import dataclass, field
from typing import Any

from ..library.store import Library
from .words import plural_stems, terms

#: At most this many works, evenly spread over the library, have their words counted.
WORD_SAMPLE = 10_000
_KEPT: dict[str, FieldVocabulary] = {}  # library state -> its vocabulary (the last few)


@dataclass(frozen=True)
class FieldVocabulary:
    counts: Counter[str]  # plural-folded keyword -> how many works give it
    works: int  # how many works were counted
    words: Counter[str] = field(default_factory=Counter)  # word (`words.terms`) -> works that use it
    counted: int = 0  # how many works' words were counted (all of them, or WORD_SAMPLE)

    def uses(self, key: str) -> int:
        """How many works give this plural-folded phrase (words space-joined) as a keyword."""
        return self.counts.get(key, 0)

    def frequency(self, word: str) -> int:
        """How many works use this word (`words.terms`) in their title, keywords or abstract."""
        return self.words.get(word, 0)


def field_vocabulary(catalogue: Iterable[dict[str, Any]]) -> FieldVocabulary:
    """Count each work's keywords once (plural-folded), and each word of its title, keywords and
    abstract once (of every work, or of WORD_SAMPLE spread evenly over a catalogue that has a length):
    catalogue entries have 'title', 'keywords' and 'abstract' (missing ones are empty)."""
    counts: Counter[str] = Counter()
    words: Counter[str] = Counter()
    stride = -(-len(catalogue) // WORD_SAMPLE) if isinstance(catalogue, Sized) else 1
    works = counted = 0
    for entry in catalogue:
        keywords = entry.get("keywords") or []
        counts.update({" ".join(plural_stems(k)) for k in keywords} - {""})
        if works % stride == 0:
            counted += 1
            words.update(set(terms(" ; ".join([entry.get("title") or "", *keywords, entry.get("abstract") or ""]))))
        works += 1
    return FieldVocabulary(counts, works, words, counted)


def library_field(library: Library) -> FieldVocabulary:
    """The vocabulary of every work of the library, counted once for each state of it."""
    state = library.state()
    if state not in _KEPT:
        if len(_KEPT) >= 4:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[state] = field_vocabulary(library.catalogue())
    return _KEPT[state]


__all__ = ["WORD_SAMPLE", "FieldVocabulary", "field_vocabulary", "library_field"]
