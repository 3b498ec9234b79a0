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

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from .errors import InputError
from .event import EventBrief
from .index.lexical import phrase_pattern
from .library import Library
from .search_index import SearchIndex
from .text import fold
from .work import DocType

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
    """1-based rank of each allowed work by score (ties keep catalogue order); 0 where not allowed."""
    ranks = np.zeros(len(scores), dtype=np.int64)
    rows = np.flatnonzero(allowed)
    order = rows[np.argsort(-scores[rows], kind="stable")]
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def place_weights(brief: EventBrief) -> dict[str, tuple[float, list[re.Pattern[str]]]]:
    """Each place of the brief: its share of the event text's place mentions, and its patterns."""
    weights: dict[str, tuple[float, list[re.Pattern[str]]]] = {}
    for place in brief.places:
        patterns = [phrase_pattern(alias) for alias in dict.fromkeys([place.name, *place.aliases]) if alias]
        count = sum(len(p.findall(brief.text)) for p in patterns) or 1
        weights[place.name] = (float(count), patterns)
    top = max((w for w, _ in weights.values()), default=1.0)
    return {name: (count / top, patterns) for name, (count, patterns) in weights.items()}


def event_vectors(index: SearchIndex, brief: EventBrief) -> np.ndarray:
    """Row 0: the event text's vector; then one row for each key phrase (the event's aspects)."""
    texts = [brief.text, *brief.key_phrases]
    return np.asarray(index.embedder.embed(texts), dtype=np.float32)


def _reference_year(brief: EventBrief, index: SearchIndex) -> int:
    """The event's year (from its period), else the newest year in the library."""
    if brief.period and brief.period.start and brief.period.start[:4].isdigit():
        return int(brief.period.start[:4])
    return max((e["year"] or 0 for e in index.catalogue), default=0)


def allowed_mask(index: SearchIndex, settings: SearchSettings, venue_ids: set[int] | None) -> np.ndarray:
    keep_types = {t.value for t in EXCLUDED_TYPES} & set(settings.include_types)
    excluded = {t.value for t in EXCLUDED_TYPES} - keep_types
    mask = np.ones(len(index.catalogue), dtype=bool)
    for i, entry in enumerate(index.catalogue):
        if entry["doc_type"] in excluded or (venue_ids is not None and entry["venue_id"] not in venue_ids) or (settings.since is not None and (entry["year"] or 0) < settings.since) or (settings.until is not None and entry["year"] is not None and entry["year"] > settings.until):
            mask[i] = False
    return mask


def retrieve(
    index: SearchIndex,
    brief: EventBrief,
    settings: SearchSettings,
    *,
    venue_ids: set[int] | None = None,
    query_vectors: np.ndarray | None = None,
    all_ranked: bool = False,
) -> list[Candidate]:
    """The best `settings.k` works for the brief (all allowed works when all_ranked)."""
    if settings.k < 1 and not all_ranked:
        raise InputError("-k must be at least 1")
    vectors = query_vectors if query_vectors is not None else event_vectors(index, brief)
    allowed = allowed_mask(index, settings, venue_ids)
    lexical = index.lexical_scores(brief.query)
    semantic = index.semantic_scores(vectors[0])
    if len(vectors) > 1:
        closest_aspect = np.max([index.semantic_scores(v) for v in vectors[1:]], axis=0)
        semantic = settings.semantic_mix * semantic + (1 - settings.semantic_mix) * closest_aspect
    lexical_ranks = _ranks(lexical, allowed & (lexical > 0))
    semantic_ranks = _ranks(semantic, allowed)
    fused = np.where(lexical_ranks > 0, settings.lexical_weight / (settings.rrf_k + lexical_ranks), 0.0)
    fused = fused + np.where(allowed, settings.semantic_weight / (settings.rrf_k + semantic_ranks), 0.0)
    unit = 1.0 / (settings.rrf_k + 1)

    places = place_weights(brief)
    phrases = [(p, phrase_pattern(p)) for p in brief.key_phrases]
    boosts: dict[int, tuple[float, float, list[str], list[str]]] = {}
    rows = np.flatnonzero(allowed)
    reference_year = _reference_year(brief, index)
    for i in rows:
        entry = index.catalogue[i]
        text = f"{entry['title']}\n{entry['abstract']}\n{'; '.join(entry['keywords'])}"
        named = [name for name, (_, patterns) in places.items() if any(p.search(text) for p in patterns)]
        place_boost = settings.place_weight * unit * max((places[n][0] for n in named), default=0.0)
        recency = 0.0
        if settings.recency_weight and entry["year"]:
            age = max(0, reference_year - entry["year"])
            recency = settings.recency_weight * unit * (0.5 ** (age / settings.recency_half_life) - 1)
        found = [p for p, pattern in phrases if pattern.search(text)]
        boosts[int(i)] = (place_boost, recency, named, found)
        fused[i] += place_boost + recency

    order = rows[np.argsort(-fused[rows], kind="stable")]
    if not all_ranked:
        order = order[: settings.k]
    candidates = []
    for rank, i in enumerate(order, start=1):
        entry = index.catalogue[i]
        place_boost, recency, named, found = boosts[int(i)]
        candidates.append(Candidate(
            id=entry["id"], rank=rank, score=round(float(fused[i]), 6),
            lexical_rank=int(lexical_ranks[i]) or None, lexical_score=round(float(lexical[i]), 4),
            semantic_rank=int(semantic_ranks[i]), semantic_score=round(float(semantic[i]), 4),
            places=named, phrases=found, place_boost=round(place_boost, 6),
            recency_boost=round(recency, 6), title=entry["title"], year=entry["year"],
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
