"""Naming a group of works as an editor would: a short noun phrase from their own words.

    name_group(group, others, embedder)   # Name('party systems and parliaments', terms, support)

Candidates are the works' keywords and the phrases of their titles (one to three words that
neither start nor end on a function word, hold no place name and no number), and two- and
three-word phrases of their abstracts. A candidate scores by the share of the group's works
that use it (title, keywords or abstract) less half the share of the other works that do (the
issue's subject may name a theme, but what sets the group apart names it better), with a small
preference for keywords and titles; the best few are then read by meaning: each gains its
cosine to the group's centroid. The name is the best phrase, joined by a second that shares no
word with it and speaks for works the first does not ("A and B").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..issue import IssueWork
from ..search.semantic import Embedder, unit_rows
from ..text import fold
from .words import GENERIC, WORD, place_words, plural_stems

ORIGIN_BONUS = {"keyword": 0.3, "title": 0.2, "abstract": 0.0}
OUTSIDE_WEIGHT = 0.5
ABSTRACT_SHARE = 0.5  # a work using the phrase in its abstract only counts half
PHRASE_BONUS = 0.0  # a word more (up to three): measured, no gain (benchmarks/themes_quality.py)
SECOND_SHARE = 0.6  # a second phrase joins the name when it scores this share of the first's
SHORTLIST = 10
MEANING_WEIGHT = 0.5  # the shortlist is read by the cosine of each phrase to the group's centre
_LOOSE = frozenset({"in", "on", "at", "to", "for", "from", "by", "with", "as", "into", "and", "or"})
MAX_WORDS = 5  # a name of two phrases stays this short
_SEGMENT = re.compile(r"[:;,.?!()\[\]\"“”‘’]|\s[-–—]\s")


@dataclass
class Name:
    label: str
    terms: list[str]  # the phrases the label is made of
    support: dict[str, int]  # phrase -> how many of the group's works use it


@dataclass
class _Candidate:
    key: str  # plural-folded words, space-joined
    surface: Counter[str]  # how the works write it
    origin: str


def _phrases(work: IssueWork, places: frozenset[str]) -> list[tuple[str, str, str]]:
    """(key, surface form, origin) of every candidate name in a work."""
    found: list[tuple[str, str, str]] = []

    def take(words: list[str], origin: str) -> None:
        folded = [fold(w) for w in words]
        if not folded or folded[0] in GENERIC or folded[-1] in GENERIC:
            return
        if any(w in places or w.isdigit() or (len(w) < 3 and w not in GENERIC)
               for token in folded for w in WORD.findall(token)):
            return
        if re.search(r"['’]s$", words[-1]) or (origin != "keyword" and any(w in _LOOSE for w in folded[1:-1])):
            return  # 'the state's', 'conflict in contemporary': not a noun phrase
        found.append((" ".join(plural_stems(" ".join(words))), " ".join(words), origin))

    acronyms = {w for w in re.findall(r"[\w-]+", f"{work.title} {work.abstract or ''}") if w.isupper() and len(w) > 1}

    def case(words: list[str]) -> list[str]:  # 'OIL' -> 'oil', 'CSTO' stays
        return [w if w in acronyms else w.lower() for w in words]

    for keyword in work.keywords:
        words = keyword.split()
        if 1 <= len(words) <= 4:
            take(case(words), "keyword")
    for text, origin, sizes in ((work.title or "", "title", (1, 2, 3)), (work.abstract or "", "abstract", (2, 3))):
        for segment in _SEGMENT.split(text):
            words = case([w for w in re.findall(r"[\w'’-]+", segment) if WORD.search(fold(w))])
            for size in sizes:
                for at in range(len(words) - size + 1):
                    take(words[at: at + size], origin)
    return found


def _stem_text(work: IssueWork, *, abstract: bool = True) -> str:
    fields = [work.title or "", *work.keywords, work.abstract or ""] if abstract else [work.title or "", *work.keywords]
    return " " + " ".join(plural_stems(" ; ".join(fields))) + " "


def name_group(group: list[IssueWork], others: list[IssueWork], embedder: Embedder,
               centroid: np.ndarray) -> Name:
    """The group's name (module docstring); centroid: the unit mean of its works' embeddings."""
    places = place_words()
    candidates: dict[str, _Candidate] = {}
    rank = {"keyword": 0, "title": 1, "abstract": 2}
    for work in group:
        for key, surface, origin in _phrases(work, places):
            if not key:
                continue
            entry = candidates.setdefault(key, _Candidate(key, Counter(), origin))
            entry.surface[surface] += 1
            if rank[origin] < rank[entry.origin]:
                entry.origin = origin
    if not candidates:
        return Name(group[0].title or "untitled", [], {})
    inside = [_stem_text(w) for w in group]
    headline = [_stem_text(w, abstract=False) for w in group]
    outside = [_stem_text(w) for w in others]
    support = {k: sum(f" {k} " in t for t in inside) for k in candidates}
    spread = {k: sum(f" {k} " in t for t in outside) for k in candidates}
    named = {k: sum(f" {k} " in t for t in headline) for k in candidates}
    needed = min(2, len(group))

    def score(key: str) -> float:
        # a phrase in a title or keywords speaks for a work more than one in its abstract
        share = (named[key] + ABSTRACT_SHARE * (support[key] - named[key])) / len(group)
        rest = spread[key] / len(others) if others else 0.0
        words = min(key.count(" ") + 1, 3)
        return share - OUTSIDE_WEIGHT * rest + ORIGIN_BONUS[candidates[key].origin] + PHRASE_BONUS * (words - 1)

    pool = [k for k in candidates if support[k] >= needed or (named[k] and candidates[k].origin != "abstract")]
    phrases = [k for k in pool if " " in k]
    ranked = sorted(phrases or pool, key=lambda k: (-score(k), k))  # a phrase names better than a word
    shortlist = _distinct(ranked)[:SHORTLIST]
    surfaces = [_surface(candidates[k]) for k in shortlist]
    vectors = unit_rows(np.asarray(embedder.embed(surfaces), dtype=np.float32))
    meaning = vectors @ np.asarray(centroid, dtype=np.float32)
    value = {k: score(k) + MEANING_WEIGHT * float(m) for k, m in zip(shortlist, meaning, strict=True)}
    order = sorted(shortlist, key=lambda k: (-value[k], k))
    first = order[0]
    terms = [first]
    covered = {i for i, t in enumerate(inside) if f" {first} " in t}
    for key in order[1:]:
        if set(key.split()) & set(first.split()):
            continue
        adds = {i for i, t in enumerate(inside) if f" {key} " in t} - covered
        if value[key] < SECOND_SHARE * value[first] and 2 * len(covered) > len(group):
            break  # a weak second phrase only joins to speak for the works the first leaves out
        if len(first.split()) + len(key.split()) > MAX_WORDS or "and" in first.split() + key.split():
            continue  # short, and never 'A and B and C'
        if adds or len(group) == 1:
            terms.append(key)
            break
    words = [_surface(candidates[k]) for k in terms]
    label = words[0] if len(words) == 1 else f"{words[0]} and {words[1]}"
    return Name(label, [_surface(candidates[k]) for k in terms], {_surface(candidates[k]): support[k] for k in terms})


def _distinct(keys: list[str]) -> list[str]:
    """Drop a phrase that sits inside a better-ranked one ('party' after 'party system')."""
    kept: list[str] = []
    for key in keys:
        if any(f" {key} " in f" {k} " or f" {k} " in f" {key} " for k in kept):
            continue
        kept.append(key)
    return kept


def _surface(candidate: _Candidate) -> str:
    return max(sorted(candidate.surface), key=lambda s: candidate.surface[s])


__all__ = ["Name", "name_group"]
