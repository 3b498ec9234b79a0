"""The gazetteers shipped in ``vissue/data``, and the word lists the event brief reads with.

    places = place_gazetteer()
    places.scan("Unrest in Almaty and Astana")   # [(10, 16, [302]), (21, 27, [301])]
    places.entries[302]["name"]                   # 'Almaty'

A gazetteer is the entries of places.json (countries with their adjectives and demonyms,
regions with their members, cities, provinces) or actors.json (international bodies, parties,
companies), and one n-gram lookup over word tokens that finds their forms in a text, the
longest form first, acronyms only in their own case.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Collection
from functools import cache
from importlib import resources
from typing import Any

from ..text import fold, is_shouting


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_in_order(text: str) -> list[str]:
    return text.split()


# --- Word lists ------------------------------------------------------------------------------

# English function words, auxiliaries and common verbs: never part of a phrase or a name.
STOPWORDS = word_set("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anyone anything anyway are around as at back be became
because become becomes been before being below beside besides between beyond both but by can
cannot could did do does doing done down due during each either else elsewhere enough etc even
ever every few for former formerly from further had has have having he hence her here hers
herself him himself his how however i if in indeed into is it its itself just last latter least
less many may me meanwhile might mine more moreover most mostly much must my myself neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto
or other others otherwise our ours ourselves out over own per perhaps please quite rather
same several she should since so some somehow someone something sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore these
they this those though through throughout thus to together too toward towards under until up upon
us very via was we well were what whatever when whence whenever where whereas whereby wherein
whether which while whither who whoever whole whom whose why will with within without would yet
you your yours yourself yourselves also amid amidst despite following regarding concerning
including against according among whilst ago later earlier first second third new recent recently
initially apparently possibly likely several various certain particular another
say said says saw see seen sees make made makes take took taken takes give gave given gives go
went gone goes come came comes get got gets become became keep kept let lead led leave left
hold held meet met send sent build built fell fallen rose risen begin began begun
found tell told bring brought think thought stand stood won lose lost paid spend
spent put showed shown know knew known grow grew grown drew drawn broke
broken ran seem seemed seems appear appeared tried used want wanted needed
remain remained remains continue continued include included includes called calls
two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds
thousand thousands million millions billion billions
""")

MONTHS = {m: i for i, m in enumerate(_words_in_order(
    "january february march april may june july august september october november december"), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

# Words that come before a name: a title makes the next capitalised word a person.
TITLES = word_set("""
president presidents prime minister ministers chancellor king queen prince princess crown sheikh
emir sultan general gen colonel col lieutenant admiral marshal senator sen governor mayor
ambassador secretary secretary-general chairman chairwoman chair premier pope patriarch ayatollah
imam mr mrs ms dr prof professor sir dame lord lady commander leader opposition former late
ex-president vice deputy foreign defence defense interior speaker judge justice chief head
director founder activist journalist blogger tycoon oligarch dictator strongman incumbent
""")


# --- Gazetteer: one n-gram lookup over word tokens, longest form first ---------------------

_TOKEN = re.compile(r"[^\W_]+")
_LIGHT_GAP = re.compile(r"[\s\-‐‑'’.&,]{0,3}")  # what may stand between the words of a name


class Gazetteer:
    """Entries of places.json or actors.json, and the lookup that finds them in a text."""

    def __init__(self, entries: list[dict[str, Any]], capitalised_only: list[str]) -> None:
        self.entries = entries
        self.by_name = {fold(e["name"]): e for e in entries}
        capital = {fold(a) for a in capitalised_only}
        self.exact: dict[tuple[str, ...], list[int]] = {}
        self.folded: dict[tuple[str, ...], list[int]] = {}
        self.capital: set[tuple[str, ...]] = set()
        self.sizes: dict[str, list[int]] = {}  # first folded token -> token counts, largest first
        for i, entry in enumerate(entries):
            for alias in entry["aliases"]:
                self.add(alias, i, capital)

    def add(self, alias: str, index: int, capital: Collection[str] = ()) -> None:
        raw = tuple(_TOKEN.findall(alias))
        if len(raw) > 1 and raw[0].lower() == "the":  # "the Sahel": the Sahel is enough
            raw = raw[1:]
        if not raw:
            return
        key = tuple(_fold_token(t) for t in raw)
        if _is_acronym(alias):
            self.exact.setdefault(raw, []).append(index)
        else:
            self.folded.setdefault(key, []).append(index)
            if fold(alias) in capital:
                self.capital.add(key)
        sizes = self.sizes.setdefault(key[0], [])
        if len(key) not in sizes:
            sizes.append(len(key))
            sizes.sort(reverse=True)

    def scan(self, text: str) -> list[tuple[int, int, list[int]]]:
        """(start, end, entry indexes) of each form found, longest first, never overlapping."""
        matches = list(_TOKEN.finditer(text))
        folded = [_fold_token(m.group()) for m in matches]
        shouting = is_shouting(text)
        found = []
        i, count = 0, len(matches)
        while i < count:
            step = 1
            for size in self.sizes.get(folded[i], ()):
                if i + size > count:
                    continue
                span = matches[i:i + size]
                if size > 1 and not all(_LIGHT_GAP.fullmatch(text, span[k].end(), span[k + 1].start())
                                        for k in range(size - 1)):
                    continue
                raw = tuple(m.group() for m in span)
                key = tuple(folded[i:i + size])
                hit = None
                if raw in self.exact and not (shouting and key[0] in STOPWORDS):
                    hit = self.exact[raw]
                elif key in self.folded and (key not in self.capital or not raw[0].islower()):
                    hit = self.folded[key]
                if hit:
                    found.append((span[0].start(), span[-1].end(), hit))
                    step = size
                    break
            i += step
        return found


def inside_spans(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """A test of whether an offset falls in one of the (start, end) spans."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    starts = [s for s, _ in merged]

    def test(offset: int) -> bool:
        i = bisect_right(starts, offset) - 1
        return i >= 0 and offset < merged[i][1]

    return test


def _fold_token(token: str) -> str:
    """Lower case without diacritics: 'Chișinău' -> 'chisinau'."""
    return token.lower() if token.isascii() else fold(token).replace(" ", "")


def _is_acronym(alias: str) -> bool:
    """'CSTO', 'U.S.', 'G7', 'EaEU': matched with their case, so 'us' is not the US."""
    if not any(c.islower() for c in alias):
        return True
    return " " not in alias and len(alias) <= 8 and sum(c.isupper() for c in alias) >= 2


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("vissue").joinpath("data", name).read_text(encoding="utf-8"))
    return data


@cache
def place_gazetteer() -> Gazetteer:
    data = _load("places.json")
    return Gazetteer(data["places"], data["capitalised_only"])


@cache
def actor_gazetteer() -> Gazetteer:
    data = _load("actors.json")
    return Gazetteer(data["actors"], data["capitalised_only"])
