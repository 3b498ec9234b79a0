"""The words of titles, keywords and abstracts, as themes compare and name them.

    plural_stems("Elections, Parties")   # ['election', 'party']
    terms("The Elections of 2020")       # ['elections', '2020']: the words a work is compared by
    place_words()                        # every folded word of a place name vissue knows

Plural endings and British spellings ('-isation') only: a full stemmer makes 'succession' match 'successful'.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

from ..text import fold

WORD = re.compile(r"[a-z0-9]+")  # a word of folded text

# Words no theme is named by: function words and what every study says of itself.
GENERIC = frozenset(str.split(
    "a about also although among an and analysis approach approaches are article as at based be between"
    " both by can case cases could data does due during each effect effects evidence examine examines"
    " explore explores factor factors for found findings first focus from has have how however impact in"
    " into is it its level may more most new not of on one only or other our paper papers post research"
    " result results role s show shows study studies such than that the their these they this those"
    " through to two using was we were what when where which while who whose why will with within without"
    " would perspective perspectives context contexts recent current key main use"
))


_BRITISH = re.compile(r"(?<=[a-z]{4})is(ation|ations|ing|e|es|ed)$")


def _singular(word: str) -> str:
    word = _BRITISH.sub(r"iz\1", word)  # 'securitisation' and 'securitization' are one word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plural_stems(text: str) -> list[str]:
    """The words of a text, folded, plural endings off: 'Elections, Parties' -> ['election', 'party']."""
    return [_singular(word) for word in WORD.findall(fold(text))]


_TERM = re.compile(r"\b\w\w+\b")  # scikit-learn's default token


@functools.cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def terms(text: str) -> list[str]:
    """The words two works are compared by (``similarity``): folded, words of two letters or more,
    scikit-learn's English stop words out; each as often as the text has it."""
    stop = _stop_words()
    return [t for t in _TERM.findall(fold(text)) if t not in stop]


@functools.cache
def place_words() -> frozenset[str]:
    """Every folded word of every place name the gazetteer knows ('and' of 'Trinidad and Tobago' and
    the like left out): no theme is named after a place."""
    data = json.loads(resources.files("vissue").joinpath("data", "places.json").read_text(encoding="utf-8"))
    return frozenset(word for place in data["places"] for alias in [place["name"], *place.get("aliases", [])]
                     for word in WORD.findall(fold(alias)) if word not in GENERIC and not word.isdigit())


__all__ = ["GENERIC", "WORD", "place_words", "plural_stems", "terms"]
