"""Selection: from ranked candidates, the N works that make a virtual issue.

Maximal marginal relevance (MMR): each pick maximises
    diversity_lambda * relevance(w) - (1 - diversity_lambda) * max similarity(w, already picked)
where relevance is the candidate's fused score scaled to [0, 1] over the pool and similarity
is the cosine of the works' embeddings. A high lambda follows the ranking; a lower one spreads
the issue over the event's different aspects instead of ten variations of one. Every candidate,
picked or passed over, keeps the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .retrieve import Candidate

DIVERSITY_LAMBDA = 0.7
POOL = 50  # candidates considered for selection


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


def select(
    candidates: list[Candidate],
    vectors: np.ndarray,
    size: int,
    *,
    diversity_lambda: float = DIVERSITY_LAMBDA,
    pool: int = POOL,
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
    picked: list[int] = []
    mmr_at_pick: dict[int, float] = {}
    remaining = list(range(len(considered)))
    while remaining and len(picked) < size:
        if picked:
            redundancy = similarity[np.ix_(remaining, picked)].max(axis=1)
        else:
            redundancy = np.zeros(len(remaining))
        values = diversity_lambda * relevance[remaining] - (1 - diversity_lambda) * redundancy
        best = int(np.argmax(values))  # ties: the better-ranked candidate
        mmr_at_pick[remaining[best]] = float(values[best])
        picked.append(remaining.pop(best))

    selection = Selection()
    for order, i in enumerate(picked, start=1):
        others = [j for j in picked if j != i]
        closest = max(others, key=lambda j: similarity[i, j]) if others else None
        reason = (f"picked {order}: relevance {relevance[i]:.2f}" +
                  (f", most like #{considered[closest].id} (cosine {similarity[i, closest]:.2f})"
                   if closest is not None else ""))
        selection.chosen.append(Choice(considered[i], True, order, round(mmr_at_pick[i], 4), reason,
                                       considered[closest].id if closest is not None else None,
                                       round(float(similarity[i, closest]), 4) if closest is not None else None))
    for i in remaining:
        closest = max(picked, key=lambda j: similarity[i, j])
        value = diversity_lambda * relevance[i] - (1 - diversity_lambda) * similarity[i, closest]
        if relevance[i] >= min(relevance[j] for j in picked):
            reason = (f"passed over: relevant ({relevance[i]:.2f}) but too like #{considered[closest].id}"
                      f" (cosine {similarity[i, closest]:.2f}), already chosen")
        else:
            reason = f"passed over: less relevant ({relevance[i]:.2f}) than the works chosen"
        selection.passed_over.append(Choice(considered[i], False, None, round(float(value), 4), reason,
                                            considered[closest].id, round(float(similarity[i, closest]), 4)))
    return selection
