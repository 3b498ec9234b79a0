"""Comparing themes: names that say the same thing, and agreement with an editors' issue.

    theme_agreement(gold_themes, produced, gold_order, embedder)   # ARI, names matched, order tau
    name_overlap("Elections and parties", "Party politics")         # 0.5: Dice of content words

Names are compared by their content words, folded and with plural endings taken off
(`themes.words.plural_stems`), and by the cosine of their embeddings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..issue import Theme
from ..search.semantic import Embedder
from ..themes.words import plural_stems

# ---- words --------------------------------------------------------------------------------------

# Words a theme name's content words are counted without.
NAME_STOPWORDS = frozenset(str.split(
    "a an and are as at be between by for from how in into is it its of on or s the their this to"
    " with within without case study studies analysis evidence role new post"
))


def name_overlap(a: str, b: str) -> float:
    """Dice overlap of two names' content words (plural-folded, NAME_STOPWORDS out), 0 to 1."""
    x = {s for s in plural_stems(a) if s not in NAME_STOPWORDS}
    y = {s for s in plural_stems(b) if s not in NAME_STOPWORDS}
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


# ---- agreement with the editors -----------------------------------------------------------------

#: A gold theme name counts as matched by a produced name when, in a one-to-one assignment of
#: names (Hungarian, maximising the summed similarity), their similarity reaches this value.
#: Similarity = max(cosine of the names' embeddings, Dice overlap of their content words).
NAME_MATCH = 0.65


def theme_agreement(
    gold_themes: dict[int, str],
    produced: list[Theme],
    gold_order: list[str],
    embedder: Embedder,
    *,
    threshold: float = NAME_MATCH,
) -> dict[str, Any]:
    """How the produced themes agree with the editors', over the gold works that were selected.

    gold_themes: selected work id -> the editors' theme name. Returns theme_ari (adjusted Rand
    index; None under two works), theme_names_matched (gold names matched, see NAME_MATCH),
    theme_name_pairs (each gold name, its produced partner and the scores), theme_order_tau
    (Kendall's tau between the editors' order and the produced order of the matched themes;
    None under two matches).
    """
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score

    produced_of = {work: theme.id for theme in produced for work in theme.works}
    shared = sorted(w for w in gold_themes if w in produced_of)
    ari = None
    if len(shared) >= 2:
        ari = round(float(adjusted_rand_score([gold_themes[w] for w in shared], [produced_of[w] for w in shared])), 4)
    gold_names = list(dict.fromkeys([*gold_order, *sorted(set(gold_themes.values()) - set(gold_order))]))
    labels = [theme.label for theme in produced]
    pairs: list[dict[str, Any]] = [{"gold": g, "produced": None, "score": 0.0, "cosine": None, "lexical": None,
                                    "matched": False} for g in gold_names]
    matched: list[tuple[int, int]] = []
    if gold_names and labels:
        matrix = np.asarray(embedder.embed([*gold_names, *labels]), dtype=np.float64)
        cosine = matrix[: len(gold_names)] @ matrix[len(gold_names):].T
        lexical = np.array([[name_overlap(g, p) for p in labels] for g in gold_names])
        similarity = np.maximum(cosine, lexical)
        rows, cols = linear_sum_assignment(-similarity)
        for g, p in zip(rows.tolist(), cols.tolist(), strict=True):
            ok = bool(similarity[g, p] >= threshold)
            pairs[g].update(produced=labels[p], score=round(float(similarity[g, p]), 4),
                            cosine=round(float(cosine[g, p]), 4), lexical=round(float(lexical[g, p]), 4),
                            matched=ok)
            if ok:
                matched.append((g, p))
    return {
        "theme_ari": ari,
        "theme_gold_selected": len(shared),
        "theme_names_matched": len(matched),
        "theme_names_total": len(gold_names),
        "theme_name_pairs": pairs,
        "theme_name_measure": f"one-to-one assignment of names; matched when max(cosine of the names'"
                              f" embeddings, Dice overlap of their content words, plurals folded) >= {threshold}",
        "theme_order_tau": _kendall_tau([p for _, p in sorted(matched)]),
    }


def _kendall_tau(order: list[int]) -> float | None:
    """Kendall's tau between positions 0..n-1 and `order` (distinct values); None under two."""
    n = len(order)
    if n < 2:
        return None
    concordant = sum(1 if order[i] < order[j] else -1 for i in range(n) for j in range(i + 1, n))
    return round(concordant / (n * (n - 1) / 2), 4)



__all__ = [
    "NAME_MATCH",
    "name_overlap",
    "theme_agreement",
]
