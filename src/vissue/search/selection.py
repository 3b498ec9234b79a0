"""Selection: from ranked candidates, the N works that make a virtual issue.

Maximal marginal relevance (MMR): each pick maximises
    diversity_lambda * relevance(w) - (1 - diversity_lambda) * redundancy(w)
where relevance is the candidate's fused score scaled to [0, 1] over the pool, and redundancy
is how far the work's closest already-picked work is above REDUNDANT in cosine similarity of
their embeddings, scaled to [0, 1]. Below REDUNDANT two works say different things and neither
costs the other anything: only a near-duplicate (another paper on the same case from the same
angle) is passed over for adding little. A high lambda follows the ranking.

Where the brief has aspects (`brief.aspects`, the items of its lists), a candidate among the
best works of an aspect no chosen work answers yet gains COVERAGE: the issue answers each part
of the brief before it takes a second work on another (measured on the dev cases: the gold
works selected rise from 0.567 to 0.602 of the dev cases' articles for any lift of 0.05-0.2;
0.3 starts to take weak works for their aspect).
Every candidate, picked or passed over, keeps a reason in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .retrieve import Candidate

DIVERSITY_LAMBDA = 0.7
POOL = 50  # candidates considered for selection
#: Cosine similarity of two works' embeddings above which the second adds little to the first
#: (measured over the top 50 candidates of the seed and the seven dev cases: the median pair is at
#: 0.51, the 90th percentile 0.66, and 2% of pairs reach 0.75 — the same case from the same angle).
REDUNDANT = 0.75
COVERAGE = 0.1  # the lift of a work answering an aspect no chosen work answers (0: off)


@dataclass
class Choice:
    candidate: Candidate
    selected: bool
    order: int | None  # 1-based order of selection
    mmr: float | None
    reason: str
    closest: int | None = None  # id of the selected work it is most similar to
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.candidate.id, "selected": self.selected, "order": self.order,
                "rank": self.candidate.rank, "mmr": self.mmr, "reason": self.reason,
                "closest": self.closest, "similarity": self.similarity, "why": self.candidate.why()}


@dataclass
class Selection:
    chosen: list[Choice] = field(default_factory=list)
    passed_over: list[Choice] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [c.candidate.id for c in self.chosen]


def _short(title: str, words: int = 8) -> str:
    parts = title.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def select(
    candidates: list[Candidate],
    vectors: np.ndarray,
    size: int,
    *,
    diversity_lambda: float = DIVERSITY_LAMBDA,
    pool: int = POOL,
    coverage: float = COVERAGE,
) -> Selection:
    """Choose `size` works from ranked candidates (vectors: one unit-length row per candidate)."""
    if size < 1:
        raise InputError("--size must be at least 1")
    considered = candidates[:max(pool, size)]
    if not considered:
        return Selection()
    vectors = np.asarray(vectors[: len(considered)], dtype=np.float32)
    scores = np.array([c.score for c in considered], dtype=np.float64)
    spread = scores.max() - scores.min()
    relevance = (scores - scores.min()) / spread if spread > 0 else np.ones_like(scores)
    similarity = vectors @ vectors.T
    overlap = np.clip((similarity - REDUNDANT) / (1 - REDUNDANT), 0, 1)
    picked: list[int] = []
    mmr_at_pick: dict[int, float] = {}
    first_for: dict[int, str] = {}  # pick -> the aspect it was the first chosen work to answer
    remaining = list(range(len(considered)))
    while remaining and len(picked) < size:
        redundancy = overlap[np.ix_(remaining, picked)].max(axis=1) if picked else np.zeros(len(remaining))
        values = diversity_lambda * relevance[remaining] - (1 - diversity_lambda) * redundancy
        answered = {considered[j].aspect for j in picked}
        new = np.array([bool(considered[j].aspect) and considered[j].aspect not in answered for j in remaining])
        values = values + coverage * new
        best = int(np.argmax(values))  # ties: the better-ranked candidate
        mmr_at_pick[remaining[best]] = float(values[best])
        if new[best]:
            first_for[remaining[best]] = considered[remaining[best]].aspect or ""
        picked.append(remaining.pop(best))

    selection = Selection()
    for order, i in enumerate(picked, start=1):
        others = [j for j in picked if j != i]
        closest = max(others, key=lambda j: similarity[i, j]) if others else None
        reason = f"chosen {_ordinal(order)}: {considered[i].why()}"
        if i in first_for:
            reason += f"; the first chosen for “{first_for[i]}”"
        selection.chosen.append(Choice(considered[i], True, order, round(mmr_at_pick[i], 4), reason,
                                       considered[closest].id if closest is not None else None,
                                       round(float(similarity[i, closest]), 4) if closest is not None else None))
    weakest = min(relevance[j] for j in picked)
    for i in remaining:
        closest = max(picked, key=lambda j: similarity[i, j])
        value = diversity_lambda * relevance[i] - (1 - diversity_lambda) * overlap[i, closest]
        if relevance[i] >= weakest and similarity[i, closest] >= REDUNDANT:
            reason = (f"passed over: it covers much the same ground as “{_short(considered[closest].title)}”,"
                      " already chosen")
        else:
            reason = "passed over: the works chosen match the event more closely"
        selection.passed_over.append(Choice(considered[i], False, None, round(float(value), 4), reason,
                                            considered[closest].id, round(float(similarity[i, closest]), 4)))
    return selection


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
