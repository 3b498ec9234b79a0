"""Grouping works by their similarity: Ward clusters, as many as the works call for.

    groups = group_works(similarity.combined, range(2, 6))   # [[work index, ...], ...]

The similarity (``similarity``) becomes a distance (the most alike pair is 0 apart) and the
works points whose distances are those (classical multidimensional scaling), then Ward's
method merges them. Of the clusterings into as many groups as `sizes` allows, the finest one
whose separation (silhouette) reaches SEPARATION of the best is kept: an issue reads better in
four themes than in two, but not in groups that are not told apart. A work like none of its
group's other works is then kept apart (`keep_apart`) rather than forced in.
"""

from __future__ import annotations

import numpy as np

#: A clustering is kept when its silhouette reaches this share of the best one's (the finest such).
SEPARATION = 0.8
#: A work whose embedding reaches this cosine with none of its group's other works is kept apart.
#: In the theme mix and the seed (benchmarks/themes_quality.py) every grouped work reaches at
#: least 0.42 with one of its group; works of the library far from a selection reach 0.15-0.33.
APART_COSINE = 0.35


def group_works(similarity: np.ndarray, sizes: range) -> list[list[int]]:
    """Groups of work indexes, each a list; exactly len(sizes) == 1 gives that many groups."""
    n = len(similarity)
    if n == 0:
        return []
    if sizes.stop - 1 <= 1 or n == 1:
        return [list(range(n))]
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    distance = similarity.max() - similarity
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    points = _scaled(distance)
    tried: list[tuple[float, np.ndarray]] = []
    for k in sizes:
        if k >= n:
            labels = np.arange(n)
        else:
            labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(points)
        quality = float(silhouette_score(distance, labels, metric="precomputed")) if 1 < k < n else 0.0
        tried.append((quality, labels))
    if len(tried) == 1:
        labels = tried[0][1]
    else:
        top = max(q for q, _ in tried)
        labels = [labels for q, labels in tried if q >= SEPARATION * top][-1]
    return [[i for i in range(n) if labels[i] == c] for c in dict.fromkeys(labels.tolist())]


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


__all__ = ["APART_COSINE", "SEPARATION", "group_works", "keep_apart"]
