"""Themes when no lens fits the works: Ward clusters of their embeddings, named by their terms.

    cluster_themes(works, vectors, sizes=range(2, 6), best_fit=0.18)   # [Theme, ...]

Of the clusterings into as many groups as `sizes` allows, the finest one nearly as well
separated (silhouette, cosine) as the best is kept. A cluster is named by the terms most
common in it and rare outside it: keywords, then title words and pairs, then abstract pairs,
never a place name nor a word every study uses ('analysis', 'evidence').
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from importlib import resources

import numpy as np

from ..evaluate.themes import WORD
from ..issue import IssueWork, Theme
from ..search.semantic import unit_rows
from ..text import fold


def cluster_themes(works: list[IssueWork], vectors: np.ndarray, sizes: range, *,
                   best_fit: float) -> list[Theme]:
    """No lens fits: Ward clusters of the embeddings, each named by its most distinctive terms."""
    n = len(works)
    if n == 1 or sizes.stop - 1 <= 1:
        groups = [list(range(n))]
    else:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.metrics import silhouette_score

        tried = []
        for k in sizes:
            labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)
            quality = float(silhouette_score(vectors, labels, metric="cosine")) if 1 < k < n else 0.0
            tried.append((quality, labels))
        # the finest clustering that is nearly as well separated as the best: an issue reads
        # better in three or four themes than in two
        top = max(q for q, _ in tried)
        labels = [labels for q, labels in tried if q >= 0.8 * top][-1]
        groups = [[i for i in range(n) if labels[i] == c] for c in dict.fromkeys(labels.tolist())]
    centroid = [unit_rows(vectors[g].mean(axis=0)) for g in groups]
    groups = [sorted(g, key=lambda i: (-float(vectors[i] @ c), i)) for g, c in zip(groups, centroid, strict=True)]
    groups.sort(key=lambda g: (-len(g), g[0]))
    themes = []
    for group in groups:
        terms = _distinctive_terms([works[i] for i in group], works)
        label = _join(terms) if terms else (works[group[0]].title or "untitled")
        themes.append(Theme("", label, [works[i].id for i in group], None,
                            f"no lens of the vocabulary fits these works (best fit {best_fit:.2f});"
                            f" grouped by meaning and named by their most distinctive terms: {', '.join(terms)}"))
    return themes


_GENERIC = frozenset(str.split(
    "a about also although among an and analysis approach approaches are article as at based be between"
    " both by can case could data does due during each effect effects evidence examine examines explore"
    " explores factor factors for found findings first focus from has have how however impact in into is"
    " it its level may more most new not of on one only or other our paper papers post research result"
    " results role s show shows study studies such than that the their these they this those through"
    " to two using was we were what when where which while who whose why will with within without would"
))


@functools.cache
def _place_words() -> frozenset[str]:
    """Every folded word of every place name the gazetteer knows: no theme is named after a place."""
    data = json.loads(resources.files("vissue").joinpath("data", "places.json").read_text(encoding="utf-8"))
    return frozenset(word for place in data["places"] for alias in [place["name"], *place.get("aliases", [])]
                     for word in WORD.findall(fold(alias)))


def _terms(work: IssueWork, places: frozenset[str]) -> dict[str, float]:
    """Candidate names of a work and their weight: keywords 3, title pairs 2 and words 1.5, abstract pairs 1."""
    found: dict[str, float] = {}

    def add(tokens: list[str], weight: float) -> None:
        if not tokens or any(t in places or t.isdigit() or len(t) < 3 for t in tokens):
            return
        if tokens[0] in _GENERIC or tokens[-1] in _GENERIC:
            return
        key = " ".join(tokens)
        found[key] = max(found.get(key, 0.0), weight)

    for keyword in work.keywords:
        tokens = WORD.findall(fold(keyword))
        if len(tokens) <= 4:
            add(tokens, 3.0)
    for text, weights in ((work.title or "", (1.5, 2.0)), (work.abstract or "", (0.0, 1.0))):
        tokens = WORD.findall(fold(text))
        for size, weight in zip((1, 2), weights, strict=True):
            for at in range(len(tokens) - size + 1):
                if weight:
                    add(tokens[at : at + size], weight)
    return found


def _distinctive_terms(group: list[IssueWork], everyone: list[IssueWork], top: int = 2) -> list[str]:
    """Terms common in the group and rare outside it: weighted share inside minus share outside."""
    places = _place_words()
    inside_ids = {id(w) for w in group}
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for work in everyone:
        for term, weight in _terms(work, places).items():
            (inside if id(work) in inside_ids else outside)[term] += weight
    rest = max(1, len(everyone) - len(group))
    value = {t: inside[t] / len(group) - outside[t] / rest + 0.1 * t.count(" ") for t in inside}
    ranked = sorted((t for t in inside if inside[t] >= 2 or len(group) == 1), key=lambda t: (-value[t], t))
    chosen: list[str] = []
    for term in ranked:
        if any(set(term.split()) & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == top:
            break
    return chosen


def _join(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else f"{', '.join(terms[:-1])} and {terms[-1]}"
