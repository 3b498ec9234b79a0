"""Hybrid retrieval: the works of a library that an event calls for, ranked, each with its reasons.

Two rankings of the allowed works are fused by weighted reciprocal rank fusion (RRF):
    fused(w) = lexical_weight / (rrf_k + lexical_rank(w)) + semantic_weight / (rrf_k + semantic_rank(w))
- lexical: BM25 of the brief's query (the event text's content words);
- semantic: the cosine of the work to the event, mixed with its cosine to the event's closest
  key phrase: semantic_mix * cos(work, event) + (1 - semantic_mix) * max_p cos(work, phrase p).
  An event has several aspects (a fuel price rise, an autocratic leadership, a regional security
  organisation); a work that speaks strongly to one of them should not lose to works that speak
  vaguely to all.
Then, in units of a first rank (1 / (rrf_k + 1)):
- place_weight times the share of the event text's place mentions that goes to the most
  mentioned place the work names (the country the event happens in counts most);
- recency_weight times (0.5 ** (age / recency_half_life) - 1): older work is pushed down, work
  of the event's year not at all, and work with no known year is left alone.
The defaults were chosen by measurement on the seed's gold virtual issue
(benchmarks/search_quality.py prints the grid); the README shows the comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..brief.event import EventBrief
from ..errors import InputError
from ..library.store import Library
from ..text import fold
from ..work import DocType
from .index import Filters, SearchIndex, words

#: Kinds of publication left out unless asked for: they do not carry research findings.
EXCLUDED_TYPES = (DocType.EDITORIAL, DocType.BOOK_REVIEW, DocType.CORRECTION)


@dataclass(frozen=True)
class SearchSettings:
    """Everything that shapes a ranking. `SETTINGS` below documents each field."""

    k: int = 50
    journal: str | None = None
    since: int | None = None
    until: int | None = None
    include_types: tuple[str, ...] = ()  # kinds normally excluded that the user wants back
    lexical_weight: float = 1.0
    semantic_weight: float = 1.0
    semantic_mix: float = 0.25
    rrf_k: int = 60
    place_weight: float = 2.0
    recency_weight: float = 2.0
    recency_half_life: float = 10.0


SETTINGS: list[tuple[str, Any, str]] = [
    ("k", 50, "number of ranked candidates returned"),
    ("journal", None, "only works from this venue: any of its names, or its ISSN"),
    ("since", None, "only works published in or after this year"),
    ("until", None, "only works published in or before this year"),
    ("include_types", (), "kinds normally left out (editorial, book-review, correction) to keep"),
    ("lexical_weight", 1.0, "weight of the BM25 ranking in the fusion"),
    ("semantic_weight", 1.0, "weight of the embedding ranking in the fusion"),
    ("semantic_mix", 0.25, "share of the whole event (vs its closest key phrase) in the semantic score"),
    ("rrf_k", 60, "reciprocal rank fusion constant: larger flattens the top of each list"),
    ("place_weight", 2.0, "boost for works naming the event's places, in units of a first rank"),
    ("recency_weight", 2.0, "push-down of older works, in units of a first rank (0: off)"),
    ("recency_half_life", 10.0, "age in years at which a work loses half the recency weight"),
]


@dataclass
class Candidate:
    """A ranked work and why it is where it is."""

    id: int
    rank: int
    score: float
    lexical_rank: int | None
    lexical_score: float
    semantic_rank: int
    semantic_score: float
    places: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    place_boost: float = 0.0
    recency_boost: float = 0.0
    title: str = ""
    year: int | None = None

    def why(self) -> str:
        parts = [f"BM25 rank {self.lexical_rank}" if self.lexical_rank else "no words in common",
                 f"embedding rank {self.semantic_rank} (cosine {self.semantic_score:.2f})"]
        if self.places:
            parts.append("names " + ", ".join(self.places))
        if self.phrases:
            parts.append("mentions " + "; ".join(f"“{p}”" for p in self.phrases[:4]))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "why": self.why()}


def _ranks(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """1-based rank of each allowed work by score (ties keep their order); 0 where not allowed."""
    ranks = np.zeros(len(scores), dtype=np.int64)
    rows = np.flatnonzero(allowed)
    order = rows[np.argsort(-scores[rows], kind="stable")]
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


@dataclass
class _Matcher:
    """A place or phrase to find in works' texts, by any of its forms, as whole words."""

    name: str
    weight: float
    needles: list[str]  # each form as `words()` writes it

    def found_in(self, word_text: str) -> bool:
        return any(needle in word_text for needle in self.needles)

    def count_in(self, word_text: str) -> int:
        return sum(word_text.count(needle) for needle in self.needles)


def _matcher(name: str, forms: list[str], weight: float = 1.0) -> _Matcher:
    needles = [w for w in dict.fromkeys(words(f) for f in forms) if w.strip()]
    return _Matcher(name, weight, needles)


def place_matchers(brief: EventBrief) -> list[_Matcher]:
    """Each place of the brief, weighted by its share of the event text's place mentions."""
    matchers = [_matcher(place.name, [place.name, *place.aliases]) for place in brief.places]
    event = words(brief.text)
    for matcher in matchers:
        matcher.weight = float(matcher.count_in(event) or 1)
    top = max((m.weight for m in matchers), default=1.0)
    for matcher in matchers:
        matcher.weight /= top
    return matchers


def event_vectors(index: SearchIndex, brief: EventBrief) -> np.ndarray:
    """Row 0: the event text's vector; then one row for each key phrase (the event's aspects)."""
    texts = [brief.text, *brief.key_phrases]
    return np.asarray(index.embedder.embed(texts), dtype=np.float32)


def _reference_year(brief: EventBrief, index: SearchIndex) -> int:
    """The event's year (from its period), else the newest year in the library."""
    if brief.period and brief.period.start and brief.period.start[:4].isdigit():
        return int(brief.period.start[:4])
    return index.newest_year()


def search_filters(settings: SearchSettings, venue_ids: set[int] | None) -> Filters:
    """The works a search may return: the venue and years asked for, without the kinds left out."""
    excluded = {t.value for t in EXCLUDED_TYPES} - set(settings.include_types)
    return Filters(venue_ids=frozenset(venue_ids) if venue_ids is not None else None,
                   since=settings.since, until=settings.until, exclude_kinds=frozenset(excluded))


#: Works taken from each top list (BM25, and each query vector's nearest) before fusion: the
#: ranking of the first k is the same as over the whole library while k is well below it
#: (tests/test_index.py compares the two on the real library).
POOL = 1000


def retrieve(
    index: SearchIndex,
    brief: EventBrief,
    settings: SearchSettings,
    *,
    venue_ids: set[int] | None = None,
    query_vectors: np.ndarray | None = None,
    all_ranked: bool = False,
    pool: int | None = None,
) -> list[Candidate]:
    """The best `settings.k` works for the brief (all allowed works when all_ranked).

    The candidates are the union of the top lists of the index (`pool` works from each; all
    allowed works when all_ranked); ranks are their ranks in those lists."""
    if settings.k < 1 and not all_ranked:
        raise InputError("-k must be at least 1")
    vectors = query_vectors if query_vectors is not None else event_vectors(index, brief)
    filters = search_filters(settings, venue_ids)
    size = index.allowed_count(filters) if all_ranked else max(pool or POOL, settings.k)
    if not size:
        return []
    lexical_ids, lexical_scores = index.lexical_top(brief.query, size, filters)
    vector_ids, _ = index.vector_top(vectors, size, filters)
    ids = np.union1d(lexical_ids, vector_ids)  # ascending: ties keep id order, as before
    entries = index.works(ids.tolist())  # title, abstract, keywords, year: read for these only
    ids = np.array([e["id"] for e in entries], dtype=np.int64)  # less any work deleted since
    keep = np.isin(lexical_ids, ids)
    lexical_ids, lexical_scores = lexical_ids[keep], lexical_scores[keep]
    cosines = index.vectors(ids.tolist()) @ np.asarray(vectors, dtype=np.float32).T
    semantic = cosines[:, 0]
    if len(vectors) > 1:
        semantic = settings.semantic_mix * semantic + (1 - settings.semantic_mix) * cosines[:, 1:].max(axis=1)
    lexical = np.zeros(len(ids), dtype=np.float32)
    lexical[np.searchsorted(ids, lexical_ids)] = lexical_scores
    everyone = np.ones(len(ids), dtype=bool)
    lexical_ranks = _ranks(lexical, lexical > 0)
    semantic_ranks = _ranks(semantic, everyone)
    fused = np.where(lexical_ranks > 0, settings.lexical_weight / (settings.rrf_k + lexical_ranks), 0.0)
    fused = fused + settings.semantic_weight / (settings.rrf_k + semantic_ranks)
    unit = 1.0 / (settings.rrf_k + 1)

    texts = [words(f"{e['title']}\n{e['abstract']}\n{'; '.join(e['keywords'])}") for e in entries]
    places = place_matchers(brief)
    phrases = [_matcher(p, [p]) for p in brief.key_phrases]
    place_hits = [np.array([m.found_in(t) for t in texts], dtype=bool) for m in places]
    strongest = np.zeros(len(fused))
    for matcher, hits in zip(places, place_hits, strict=True):
        strongest = np.where(hits, np.maximum(strongest, matcher.weight), strongest)
    place_boost = settings.place_weight * unit * strongest
    recency = np.zeros(len(fused))
    if settings.recency_weight:
        years = np.array([e["year"] or 0 for e in entries], dtype=np.int64)
        age = np.maximum(0, _reference_year(brief, index) - years)
        recency = np.where(years > 0, settings.recency_weight * unit
                           * (0.5 ** (age / settings.recency_half_life) - 1), 0.0)
    fused = fused + place_boost + recency

    order = np.argsort(-fused, kind="stable")
    if not all_ranked:
        order = order[: settings.k]
    candidates = []
    for rank, i in enumerate(order, start=1):
        entry = entries[i]
        candidates.append(Candidate(
            id=entry["id"], rank=rank, score=round(float(fused[i]), 6),
            lexical_rank=int(lexical_ranks[i]) or None, lexical_score=round(float(lexical[i]), 4),
            semantic_rank=int(semantic_ranks[i]), semantic_score=round(float(semantic[i]), 4),
            places=[m.name for m, hits in zip(places, place_hits, strict=True) if hits[i]],
            phrases=[m.name for m in phrases if m.found_in(texts[i])],
            place_boost=round(float(place_boost[i]), 6), recency_boost=round(float(recency[i]), 6),
            title=entry["title"], year=entry["year"],
        ))
    return candidates


def resolve_journal(library: Library, name_or_issn: str) -> set[int]:
    """Venue ids for a journal filter; a clear error naming the closest venues when none match."""
    found = set(library.find_venues(name_or_issn))
    if found:
        return found
    names = [v["name"] for v in library.venues() if v["name"]]
    close = process.extract(name_or_issn, names, scorer=fuzz.WRatio, processor=fold, limit=3)
    hint = "; the closest venue names are " + ", ".join(f"'{n}'" for n, _, _ in close) if close else ""
    raise InputError(f"no works from '{name_or_issn}' in this library{hint}")
