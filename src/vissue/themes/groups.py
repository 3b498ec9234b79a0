"""Grouping works by their similarity: the groups its readings agree on, as many as the works call for.

    groups = group_works(similarity, theme_sizes(10))   # [[work index, ...], ...]

Evidence accumulation (consensus clustering): each reading of the works (``similarity``: the
combined similarity, and meaning, words and citations each on their own) is clustered by Ward's
method and by average linkage into every number of groups the works may make (`theme_sizes`); how
often two works land in one group, over all those clusterings, is how surely they belong
together (their co-association). A pair that every reading and both methods put together is a
pair; one that a single reading pulls together is not. The works are then grouped by average
linkage of the co-association, into the number of groups of `sizes` that separates them best
(silhouette), or exactly the one size given. A work like none of its group's other works is then
kept apart (`keep_apart`) rather than forced in.

Ward's method needs points: a similarity becomes a distance (the most alike pair is 0 apart) and
the works points whose distances are those (classical multidimensional scaling).
"""

from __future__ import annotations

import numpy as np

from .similarity import Similarity

#: A work whose embedding reaches this cosine with none of its group's other works is kept apart.
#: In the theme mix and the seed (benchmarks/themes_quality.py) every grouped work reaches at
#: least 0.42 with one of its group; works of the library far from a selection reach 0.15-0.33.
APART_COSINE = 0.35
MIN_THEMES = 2
MAX_THEMES = 6


def theme_sizes(n: int) -> range:
    """How many themes n works may make: 2 up to one theme for two works, at most max(6, n / 4)."""
    most = max(MIN_THEMES, min(n // 2, max(MAX_THEMES, n // 4)))
    return range(min(MIN_THEMES, n), min(most, n) + 1)


def group_works(similarity: Similarity, sizes: range) -> list[list[int]]:
    """Groups of work indexes, each a list; exactly len(sizes) == 1 gives that many groups."""
    n = len(similarity.combined)
    if n == 0:
        return []
    if sizes.stop - 1 <= 1 or n == 1:
        return [list(range(n))]
    if sizes.start >= n:
        return [[i] for i in range(n)]
    together = co_association(similarity, theme_sizes(n))
    distance = 1.0 - together
    np.fill_diagonal(distance, 0.0)
    tried = [(_separation(distance, labels), labels)
             for k in sizes for labels in [_average(distance, k) if k < n else np.arange(n)]]
    labels = max(tried, key=lambda t: t[0])[1]  # the first (fewest groups) of equally separated ones
    return [[i for i in range(n) if labels[i] == c] for c in dict.fromkeys(labels.tolist())]


def co_association(similarity: Similarity, sizes: range) -> np.ndarray:
    """n x n: the share of the clusterings (each reading x Ward and average linkage x each of the
    sizes from 2 and below n) that put the two works in one group; 1 on the diagonal."""
    n = len(similarity.combined)
    together = np.zeros((n, n))
    runs = 0
    for matrix in [similarity.combined, *similarity.readings()]:
        distance = matrix.max() - matrix
        np.fill_diagonal(distance, 0.0)
        distance = (distance + distance.T) / 2
        points = _scaled(distance)
        for k in sizes:
            if k < 2 or k >= n:
                continue
            for labels in (_ward(points, k), _average(distance, k)):
                together += labels[:, None] == labels[None, :]
                runs += 1
    return together / runs if runs else np.ones((n, n))


def keep_apart(groups: list[list[int]], vectors: np.ndarray) -> list[list[int]]:
    """Each work that is like none of its group's other works (APART_COSINE) becomes a group of its own."""
    vectors = np.asarray(vectors, dtype=np.float64)
    kept: list[list[int]] = []
    apart: list[list[int]] = []
    for group in groups:
        group = list(group)
        while len(group) > 1:
            best = {i: max(float(vectors[i] @ vectors[j]) for j in group if j != i) for i in group}
            loner = min(group, key=lambda i: (best[i], i))
            if best[loner] >= APART_COSINE:
                break
            group.remove(loner)
            apart.append([loner])
        kept.append(group)
    return kept + apart


def _ward(points: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(points)


def _average(distance: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, linkage="average", metric="precomputed").fit_predict(distance)


def _separation(distance: np.ndarray, labels: np.ndarray) -> float:
    """Silhouette of a grouping (0 when it has one group, or as many as works)."""
    from sklearn.metrics import silhouette_score

    groups = len(set(labels.tolist()))
    return float(silhouette_score(distance, labels, metric="precomputed")) if 1 < groups < len(labels) else 0.0


def _scaled(distance: np.ndarray) -> np.ndarray:
    """Points whose Euclidean distances are (as nearly as can be) the given ones: classical MDS."""
    n = len(distance)
    centring = np.eye(n) - 1.0 / n
    gram = -0.5 * centring @ (distance ** 2) @ centring
    values, vectors = np.linalg.eigh(gram)
    keep = values > 1e-9 * max(1.0, float(values.max()))
    if not keep.any():
        return np.zeros((n, 1))
    return vectors[:, keep] * np.sqrt(values[keep])


__all__ = ["APART_COSINE", "MAX_THEMES", "MIN_THEMES", "co_association", "group_works", "keep_apart", "theme_sizes"]
