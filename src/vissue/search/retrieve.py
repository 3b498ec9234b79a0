"""Hybrid retrieval: the works of a library that an event calls for, ranked, each with its reasons.

Three rankings of the allowed works are fused by weighted reciprocal rank fusion (RRF):
    fused(w) = Σ weight_i / (rrf_k + rank_i(w))
- lexical: BM25 of the event text (title, abstract and keywords of each work);
- semantic: the cosine of the work's embedding (title + abstract) to the event text's;
- references: bibliographic coupling with the best works of the first two — how much of what
  they cite the work cites too (`references.py`). It finds works on the same subject that use
  other words; where records carry no references it is simply absent;
- aspects: where the brief has parts that each call for works of their own (`brief.aspects`:
  "extremism policies", "unstable borders", "the risks faced by researchers doing fieldwork"),
  the lexical and the semantic ranking of each part, their reciprocal ranks averaged over the
  parts. Searched as one text, a brief that lists its questions is an average of them, and the one
  work on one question sits far from it; searched part by part, it is near the top of its part.
Then older work is gently pushed down: recency_weight × (0.5 ** (age / recency_half_life) - 1)
in units of a first rank (1 / (rrf_k + 1)); work of the event's year loses nothing, work with
no known year is left alone.

Every default was chosen by measurement over the seven dev cases and the seed together
(`benchmarks/quality.py`; README "Search quality"), not on one case. Signals that were measured
and dropped: a boost for works naming the event's places (in a library all on one region the
region's name tells nothing, and a country boost cost more gold works than it found),
a semantic score mixed with the event's key phrases, pseudo-relevance feedback on BM25 and on
the embeddings, title and keyword field weights (README).

Each ranking is a top list of the index (`SearchIndex.lexical_top`, `vector_top`,
`coupling_top`: `pool` works each, filters applied before ranking) and the fusion runs over
their union; titles, abstracts and years are read from the store for those works only. With
all_ranked every allowed work is in every list, and the ranking is the whole library's.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..brief.event import EventBrief, place_mentions
from ..errors import InputError
from ..library.store import Library
from ..text import fold
from ..work import DocType
from .index import Filters, SearchIndex, words

#: Kinds of publication left out unless asked for: they do not carry research findings.
EXCLUDED_TYPES = (DocType.EDITORIAL, DocType.BOOK_REVIEW, DocType.CORRECTION)


@dataclass(frozen=True)
class SearchSettings:
    """Everything that shapes a ranking; the comments say what each field does."""

    k: int = 50  # number of ranked candidates returned
    journal: str | None = None  # only works from this venue: any of its names, or its ISSN
    since: int | None = None  # only works published in or after this year
    until: int | None = None  # only works published in or before this year
    include_types: tuple[str, ...] = ()  # kinds normally left out (editorial, book-review, correction)
    lexical_weight: float = 1.0  # weight of the BM25 ranking in the fusion
    semantic_weight: float = 1.0  # weight of the embedding ranking in the fusion
    coupling_weight: float = 0.7  # weight of the shared-references ranking (0: off)
    coupling_seeds: int = 10  # how many of the best works' references the coupling compares with
    aspect_weight: float = 1.5  # weight of the brief's aspects, each ranked on its own (0: off)
    rrf_k: int = 60  # reciprocal rank fusion constant: larger flattens the top of each list
    recency_weight: float = 2.0  # push-down of older works, in units of a first rank (0: off)
    recency_half_life: float = 10.0  # age in years at which a work loses half the recency weight


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
    coupling_rank: int | None = None
    shared_references: int = 0  # distinct references shared with the other best works
    words: list[str] = field(default_factory=list)  # the event's distinctive words the work uses
    places: list[str] = field(default_factory=list)  # the event's places the work names
    phrases: list[str] = field(default_factory=list)  # the event's key phrases the work uses
    aspect: str | None = None  # the brief's aspect among whose best works it is
    aspect_rank: int | None = None  # its rank for that aspect
    recency_boost: float = 0.0
    title: str = ""
    year: int | None = None

    def why(self) -> str:
        """Why this work is here, in an editor's words (no ranks, no scores, no ids)."""
        parts = []
        if self.phrases:
            parts.append("uses the event's phrases " + ", ".join(f"“{p}”" for p in self.phrases[:3]))
        if self.words:
            parts.append("shares the words " + ", ".join(self.words[:5]))
        if self.semantic_rank and self.semantic_rank <= 10:
            parts.append("very close in meaning to the event")
        elif self.semantic_rank and self.semantic_rank <= 50:
            parts.append("close in meaning to the event")
        if self.aspect:
            parts.append(f"among the best matches for “{self.aspect}”")
        if self.shared_references >= 3:
            parts.append(f"cites {self.shared_references} of the works the best matches cite")
        if self.places:
            parts.append("names " + ", ".join(self.places))
        return "; ".join(parts) or "among the closest works the filters allow"

    def details(self) -> str:
        """The same in a search engineer's terms: ranks and scores of each list."""
        parts = [f"BM25 rank {self.lexical_rank} ({self.lexical_score:.2f})" if self.lexical_rank
                 else "BM25: no words in common",
                 f"embedding rank {self.semantic_rank} (cosine {self.semantic_score:.2f})"]
        if self.coupling_rank:
            parts.append(f"references rank {self.coupling_rank} ({self.shared_references} shared)")
        if self.aspect_rank:
            parts.append(f"aspect rank {self.aspect_rank}")
        if self.recency_boost:
            parts.append(f"age {self.recency_boost:+.4f}")
        return "; ".join(parts) + f"; fused {self.score:.4f}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "why": self.why(), "details": self.details()}


def _ranks(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """1-based rank of each allowed work by score (ties keep their order); 0 where not allowed."""
    ranks = np.zeros(len(scores), dtype=np.int64)
    rows = np.flatnonzero(allowed)
    order = rows[np.argsort(-scores[rows], kind="stable")]
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def _rrf(ranks: np.ndarray, weight: float, rrf_k: int) -> np.ndarray:
    return np.where(ranks > 0, weight / (rrf_k + ranks), 0.0)


def event_vector(index: SearchIndex, brief: EventBrief) -> np.ndarray:
    """The event text's vector (1-D)."""
    return np.asarray(index.embedder.embed([brief.text]), dtype=np.float32)[0]


def _reference_year(brief: EventBrief, index: SearchIndex) -> int:
    """The event's year (from its period), else the newest year in the library."""
    if brief.period and brief.period.start and brief.period.start[:4].isdigit():
        return int(brief.period.start[:4])
    return index.newest_year()


def search_filters(settings: SearchSettings, venue_ids: set[int] | None) -> Filters:
    """The works a search may return: the venue and years asked for, less the kinds left out."""
    excluded = {t.value for t in EXCLUDED_TYPES} - set(settings.include_types)
    return Filters(venue_ids=frozenset(venue_ids) if venue_ids is not None else None,
                   since=settings.since, until=settings.until, exclude_kinds=frozenset(excluded))


_STEM_WORD = re.compile(r"[^\W\d_]{3,}")


def _distinctive_words(index: SearchIndex, brief: EventBrief, entries: list[dict[str, Any]]) -> dict[int, list[str]]:
    """For each work, the event's words it uses (as the work writes them), rarest in the
    library first; words most of the library uses ('Central', 'Asia' in a library on the region)
    say nothing and are left out, as are function words and the places' own names (reasons name
    the places apart)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    place_words = {w for p in brief.places for name in (p.name, *p.aliases) for w in words(name).split()}
    stem = index.lexical.stem
    skip = {stem(w) for w in ENGLISH_STOP_WORDS | place_words}
    tokens = [t for t in dict.fromkeys(index.lexical.tokens(brief.text)) if t not in skip]
    share = {t: index.word_share(t) for t in tokens}  # of the library's works
    useful = [t for t in sorted(tokens, key=lambda t: share[t]) if share[t] < 0.3]
    found: dict[int, list[str]] = {}
    for entry in entries:
        forms: dict[str, str] = {}
        for word in _STEM_WORD.findall(f"{entry['title']} {entry['abstract']} {' '.join(entry['keywords'])}"):
            forms.setdefault(stem(word.lower()), word.lower())
        found[entry["id"]] = [forms[t] for t in useful if t in forms]
    return found


#: Works taken from each top list before fusion. The first k of the fused ranking are those
#: of the whole library's ranking while k is well below it (tests/test_index.py compares them
#: on the real library, with HNSW vectors).
POOL = 1000


def _positions(ids: np.ndarray, found: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Scores of `found` ids placed at their rows in the sorted `ids` (0 elsewhere)."""
    out = np.zeros(len(ids), dtype=np.float64)
    at = np.searchsorted(ids, found)
    keep = at < len(ids)
    keep[keep] = ids[at[keep]] == found[keep]
    out[at[keep]] = scores[keep]
    return out


#: A work is said to answer an aspect when it is among this many best works of that aspect, and
#: among its ASPECT_CLOSE closest in meaning.
ASPECT_BEST = 10
ASPECT_CLOSE = 30
#: Works taken from each aspect's two top lists (POOL for the whole brief's): an aspect's rank
#: 300 adds a sixth of its rank 1, averaged over the aspects, so the first k fused stay those of
#: the whole library's ranking (tests/test_index.py) at a fraction of the reading.
ASPECT_POOL = 300


@dataclass
class _Aspects:
    """The brief's aspects, each ranked on its own: a lexical and a semantic top list a part."""

    texts: list[str]
    vectors: np.ndarray  # aspects x dim
    lexical: list[tuple[np.ndarray, np.ndarray]]  # (ids, BM25 scores) of each aspect
    ids: np.ndarray  # every work any of the lists holds
    rrf_k: int

    @classmethod
    def search(cls, index: SearchIndex, texts: list[str], size: int, filters: Filters, rrf_k: int) -> _Aspects:
        if not texts:
            return cls([], np.zeros((0, index.embedder.dim), dtype=np.float32), [], np.zeros(0, dtype=np.int64), rrf_k)
        vectors = np.asarray(index.embedder.embed(texts), dtype=np.float32).reshape(len(texts), -1)
        lexical = [index.lexical_top(text, size, filters) for text in texts]
        vector_ids, _ = index.vector_top(vectors, size, filters)
        ids = np.unique(np.concatenate([vector_ids, *(found for found, _ in lexical)]).astype(np.int64))
        return cls(texts, vectors, lexical, ids, rrf_k)

    def scores(self, ids: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(aspects x ids) twice: each work's reciprocal-rank score in each aspect's two rankings,
        and its rank in the aspect's semantic ranking (rows: the works' vectors)."""
        semantic = rows @ self.vectors.T
        everyone = np.ones(len(ids), dtype=bool)
        out = np.zeros((len(self.texts), len(ids)))
        close = np.zeros((len(self.texts), len(ids)), dtype=np.int64)
        for a, (found, bm25) in enumerate(self.lexical):
            lexical = _positions(ids, found, bm25)
            close[a] = _ranks(semantic[:, a], everyone)
            out[a] = _rrf(_ranks(lexical, lexical > 0), 1.0, self.rrf_k) + _rrf(close[a], 1.0, self.rrf_k)
        return out, close

    def best(self, scores: np.ndarray, close: np.ndarray) -> tuple[list[str | None], np.ndarray]:
        """For each work (a column of `scores`), the aspect it answers best, and its rank there:
        among the aspect's ASPECT_BEST best works and its ASPECT_CLOSE closest in meaning (a work
        that only shares a word with it, 'silenced' for "the silence of the CSTO", answers
        nothing); None and 0 where it answers none."""
        works = scores.shape[1]
        if not self.texts or not works:
            return [None] * works, np.zeros(works, dtype=np.int64)
        ranks = np.stack([_ranks(row, np.ones(works, dtype=bool)) for row in scores])
        ranks = np.where((ranks <= ASPECT_BEST) & (close <= ASPECT_CLOSE), ranks, np.iinfo(np.int64).max)
        best = ranks.argmin(axis=0)
        rank = ranks[best, np.arange(works)]
        answers = rank <= ASPECT_BEST
        return ([self.texts[a] if ok else None for a, ok in zip(best, answers, strict=True)],
                np.where(answers, rank, 0))


def retrieve(
    index: SearchIndex,
    brief: EventBrief,
    settings: SearchSettings,
    *,
    venue_ids: set[int] | None = None,
    query_vector: np.ndarray | None = None,
    all_ranked: bool = False,
    pool: int | None = None,
) -> list[Candidate]:
    """The best `settings.k` works for the brief (all allowed works when all_ranked)."""
    if settings.k < 1 and not all_ranked:
        raise InputError("-k must be at least 1")
    vector = np.asarray(query_vector if query_vector is not None else event_vector(index, brief),
                        dtype=np.float32).reshape(-1)
    filters = search_filters(settings, venue_ids)
    size = index.allowed_count(filters) if all_ranked else max(pool or POOL, settings.k)
    if not size:
        return []
    k = settings.rrf_k
    lexical_ids, lexical_found = index.lexical_top(brief.text, size, filters)
    vector_ids, _ = index.vector_top(vector, size, filters)
    ids = np.union1d(lexical_ids, vector_ids)  # ascending: ties keep id order
    aspects = _Aspects.search(index, list(brief.aspects) if settings.aspect_weight else [],
                              size if all_ranked else min(size, ASPECT_POOL), filters, k)
    ids = np.union1d(ids, aspects.ids)

    def fuse(ids: np.ndarray) -> tuple[np.ndarray, ...]:
        lexical = _positions(ids, lexical_ids, lexical_found)
        rows = index.vectors(ids.tolist())
        semantic = rows @ vector
        lexical_ranks = _ranks(lexical, lexical > 0)
        semantic_ranks = _ranks(semantic, np.ones(len(ids), dtype=bool))
        fused = _rrf(lexical_ranks, settings.lexical_weight, k) + _rrf(semantic_ranks, settings.semantic_weight, k)
        by_aspect = aspects.scores(ids, rows)  # aspects x ids: scores, semantic ranks
        if aspects.texts:
            fused = fused + settings.aspect_weight * by_aspect[0].mean(axis=0)
        return lexical, semantic, lexical_ranks, semantic_ranks, fused, by_aspect

    lexical, semantic, lexical_ranks, semantic_ranks, fused, by_aspect = fuse(ids)
    coupling_ranks = np.zeros(len(ids), dtype=np.int64)
    seeds: list[int] = []
    if settings.coupling_weight and len(ids):
        seeds = ids[np.argsort(-fused, kind="stable")[: settings.coupling_seeds]].tolist()
        coupled_ids, coupled = index.coupling_top(seeds, size, filters)
        if len(coupled_ids):
            ids = np.union1d(ids, coupled_ids)
            lexical, semantic, lexical_ranks, semantic_ranks, fused, by_aspect = fuse(ids)
            coupling = _positions(ids, coupled_ids, coupled)
            coupling_ranks = _ranks(coupling, coupling > 0)
            fused = fused + _rrf(coupling_ranks, settings.coupling_weight, k)
    best_aspect, aspect_ranks = aspects.best(*by_aspect)

    years = index.years(ids)
    recency = np.zeros(len(fused))
    if settings.recency_weight:
        age = np.maximum(0, _reference_year(brief, index) - years)
        recency = np.where(years > 0, settings.recency_weight / (k + 1)
                           * (0.5 ** (age / settings.recency_half_life) - 1), 0.0)
        fused = fused + recency

    order = np.argsort(-fused, kind="stable")
    if not all_ranked:
        order = order[: settings.k]
    shown = order if all_ranked else order[: max(settings.k, 50)]
    entry_of = {e["id"]: e for e in index.works(ids[shown].tolist())}  # the store, for these only
    order = np.array([i for i in order if int(ids[i]) in entry_of], dtype=np.int64)  # less any deleted
    explained = [entry_of[int(ids[i])] for i in order[: max(settings.k, 50)]]  # the works anyone reads
    shared_words = _distinctive_words(index, brief, explained)
    explained_ids = {e["id"] for e in explained}
    shared = index.shared_references([e["id"] for e in explained], seeds)
    phrase_forms = [(p, words(p)) for p in brief.key_phrases if len(p.split()) > 1]
    candidates = []
    for rank, i in enumerate(order, start=1):
        entry = entry_of[int(ids[i])]
        text = f"{entry['title']}\n{entry['abstract']}\n{'; '.join(entry['keywords'])}"
        readable = entry["id"] in explained_ids
        word_text = words(text) if readable else ""
        phrases = [p for p, form in phrase_forms if form in word_text]
        in_phrases = set(" ".join(phrases).lower().split())
        candidates.append(Candidate(
            id=entry["id"], rank=rank, score=round(float(fused[i]), 6),
            lexical_rank=int(lexical_ranks[i]) or None, lexical_score=round(float(lexical[i]), 4),
            semantic_rank=int(semantic_ranks[i]), semantic_score=round(float(semantic[i]), 4),
            coupling_rank=int(coupling_ranks[i]) or None,
            shared_references=shared.get(entry["id"], 0) if coupling_ranks[i] else 0,
            words=[w for w in shared_words.get(entry["id"], []) if w not in in_phrases],
            places=place_mentions(brief, text) if readable else [],
            phrases=phrases,
            aspect=best_aspect[i], aspect_rank=int(aspect_ranks[i]) or None,
            recency_boost=round(float(recency[i]), 6),
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
