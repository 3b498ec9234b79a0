"""Themes: group the selected works by what they say, name each group from its own words.

    assign_themes(works, vectors, embedder=..., references=...)   # [Theme, ...]

1. How alike each pair of works is: in meaning (embeddings), in words (TF-IDF) and in what
   they cite (shared references) (``similarity``).
2. The works are grouped where the readings of that similarity agree (consensus of Ward and
   average-linkage clusterings of each), into as many themes as they call for: 2 to 5 for ten
   works (one theme for every two works at most, and at most max(6, n / 4)), or exactly
   `count` (``groups``). A work like none of its group's other works (cosine below
   APART_COSINE with each) stays a theme of its own rather than being forced into one.
3. Each group is named from its works' keywords and titles, among the phrases the library's
   authors use as keywords (``names``, ``field``), or, when the journal
   supplies a vocabulary (its profile's `themes = FILE`), by the journal's lens that fits it,
   where one does (cosine of the lens to the group's centroid at least LENS_FIT).
4. Themes run from the largest to the smallest, a work kept apart last; works within a theme
   by how close they sit to its centre.
With `names`, the user's names are the themes and every work goes to the name it fits best
(every name gets at least one work).

Same input, same output: no randomness anywhere, ties broken by work order.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..errors import InputError
from ..issue import IssueWork, Theme
from ..search.semantic import Embedder, unit_rows
from ..text import fold
from .field import FieldVocabulary
from .groups import APART_COSINE, MAX_THEMES, MIN_THEMES, group_works, keep_apart, theme_sizes
from .names import name_groups
from .similarity import Similarity, work_similarity
from .vocabulary import Vocabulary, load_vocabulary
from .words import GENERIC, plural_stems

#: A journal's lens names a group when its cosine to the group's centroid reaches this.
LENS_FIT = 0.25


def assign_themes(
    works: list[IssueWork],
    vectors: np.ndarray,
    *,
    embedder: Embedder,
    count: int | None = None,
    names: list[str] | None = None,
    vocabulary: Vocabulary | None = None,
    references: list[list[str]] | None = None,
    field: FieldVocabulary | None = None,
) -> list[Theme]:
    """Group the works into named themes.

    vectors: the works' unit-length embeddings, row i for works[i]. count: exactly this many
    themes. names: the themes' names, in the user's order; vissue assigns the works.
    references: each work's cited references (the library's `Work.references`), if known.
    field: the library's keywords (`library_field(library)`), the vocabulary names
    are drawn from; without it, the keywords of the works given.

    Example:

        themes = assign_themes(works, index.vectors([w.id for w in works]), embedder=embedder)
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(works)
    if vectors.ndim != 2 or len(vectors) != n:
        raise InputError(f"{n} works but vectors of shape {vectors.shape}: give one row a work")
    if references is not None and len(references) != n:
        raise InputError(f"{n} works but {len(references)} reference lists: give one a work")
    names = [" ".join(str(x).split()) for x in names] if names else []
    if names:
        if any(not name for name in names):
            raise InputError("--theme: a theme name is empty")
        if len({fold(x) for x in names}) < len(names):
            raise InputError("--theme: the same theme name is given twice")
        if count is not None and count != len(names):
            raise InputError(f"--themes {count} but {len(names)} theme names given: give one or the other")
        if len(names) > n:
            raise InputError(f"{len(names)} theme names for {n} selected works: each theme needs at least one work")
    if count is not None:
        if count < 1:
            raise InputError(f"--themes {count}: there must be at least one theme")
        if count > n:
            raise InputError(f"--themes {count} asks for more themes than there are selected works ({n}):"
                             f" each theme needs at least one work; give --themes {n} or fewer")
    if n == 0:
        return []
    if names:
        return _numbered(_named_themes(works, vectors, names, embedder))
    similarity = work_similarity(works, vectors, references, field)
    sizes = range(count, count + 1) if count is not None else theme_sizes(n)
    groups = group_works(similarity, sizes)
    if count is None:
        groups = keep_apart(groups, vectors)
    centroids = [unit_rows(vectors[g].mean(axis=0)) for g in groups]
    groups = [sorted(g, key=lambda i: (-float(vectors[i] @ c), i)) for g, c in zip(groups, centroids, strict=True)]
    order = sorted(range(len(groups)), key=lambda g: (len(groups[g]) == 1 and len(groups) > 1,
                                                        -len(groups[g]), groups[g][0]))
    groups = [groups[g] for g in order]
    centroids = [centroids[g] for g in order]
    lenses = _lens_names(centroids, vocabulary, embedder) if vocabulary else {}
    named = name_groups([[works[i] for i in group] for group in groups], embedder, centroids, field)
    labels = [lenses[g][0].label if g in lenses else name.label for g, name in enumerate(named)]
    themes = []
    for number, (group, name) in enumerate(zip(groups, named, strict=True)):
        rationale = _rationale(number, groups, labels, name.support, similarity)
        members = [works[i].id for i in group]
        if number in lenses:
            lens, fit = lenses[number]
            themes.append(Theme("", lens.label, members, lens.id,
                                f"the journal's theme '{lens.label}' fits these works (cosine {fit:.2f}); {rationale}"))
        else:
            themes.append(Theme("", name.label, members, None, rationale))
    return _numbered(_distinct_labels(themes))


def _rationale(number: int, groups: list[list[int]], labels: list[str], support: dict[str, int],
               similarity: Similarity) -> str:
    """Why these works belong together (or why a work stands alone), in plain words."""
    group = groups[number]
    size = len(group)
    meaning = similarity.cosine
    if size == 1:
        words = ", ".join(f"'{t}'" for t in support) or "its title"
        if len(groups) == 1:
            return f"named by the work's own words ({words})"
        work = group[0]
        others = [i for i in range(len(meaning)) if i != work]
        best = float(max(meaning[work, others]))
        if best < APART_COSINE:
            return (f"this work is kept apart: it is like none of the other works (cosine at most {best:.2f},"
                    f" below {APART_COSINE}); named by its own words ({words})")
        closest = max((g for g in range(len(groups)) if g != number),
                      key=lambda g: (float(np.mean(meaning[work, groups[g]])), -g))
        near = float(np.mean(meaning[work, groups[closest]]))
        return (f"this work stands alone: its meaning, words and citations taken together set it apart from"
                f" the other themes (in meaning alone the closest is '{labels[closest]}', mean cosine"
                f" {near:.2f}); named by its own words ({words})")
    def how_many(count: int) -> str:
        return "both works" if count == size == 2 else f"all {size} works" if count == size else f"{count} of the {size} works"

    said = [f"'{term}' ({how_many(count)})" for term, count in support.items() if count > 1]
    parts = []
    if said:
        parts.append(f"these works share the term{'s' if len(said) > 1 else ''} {' and '.join(said)}")
    pairs = [(a, b) for x, a in enumerate(group) for b in group[x + 1:]]
    inside = float(np.mean([meaning[a, b] for a, b in pairs]))
    rest = [i for g in groups if g is not group for i in g]
    outside = float(np.mean(meaning[np.ix_(group, rest)])) if rest else None
    if outside is not None and round(inside, 2) > round(outside, 2):  # closer as the figures show it
        parts.append("they are closer in meaning to one another than to the issue's other works"
                     f" (mean cosine {inside:.2f} against {outside:.2f})")
    cited = sum(similarity.shared[a, b] > 0 for a, b in pairs)
    if cited:
        most = int(max(similarity.shared[a, b] for a, b in pairs))
        pairs_cite = ("both cite" if len(pairs) == 1 else "every pair of them cites" if cited == len(pairs)
                      else f"{cited} of their {len(pairs)} pairs cite")
        in_common = "one reference" if most == 1 else f"up to {most} references"
        parts.append(f"{pairs_cite} the same works ({in_common} in common)")
    if not parts:
        parts.append("grouped by meaning, words and citations taken together, though no one of them sets them apart")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def _lens_names(centroids: list[np.ndarray], vocabulary: Vocabulary, embedder: Embedder) -> dict[int, tuple]:
    """Group -> (lens, cosine): the journal's lenses given to the groups they fit, one lens a group."""
    from scipy.optimize import linear_sum_assignment

    fit = np.stack(centroids).astype(np.float64) @ vocabulary.vectors(embedder).astype(np.float64).T
    rows, cols = linear_sum_assignment(-fit)
    return {int(g): (vocabulary.lenses[j], float(fit[g, j])) for g, j in zip(rows, cols, strict=True)
            if fit[g, j] >= LENS_FIT}


def _distinct_labels(themes: list[Theme]) -> list[Theme]:
    """Two themes never share a label: a later one is numbered ('energy policy (2)')."""
    seen: Counter[str] = Counter()
    for theme in themes:
        key = fold(theme.label)
        seen[key] += 1
        if seen[key] > 1:
            theme.label = f"{theme.label} ({seen[key]})"
    return themes


def _numbered(themes: list[Theme]) -> list[Theme]:
    for number, theme in enumerate(themes, start=1):
        theme.id = f"t{number}"
    return themes


def _named_themes(works: list[IssueWork], vectors: np.ndarray, names: list[str], embedder: Embedder) -> list[Theme]:
    """The user's themes: each work to the name it is closest to (cosine, plus a share for the
    name's words found in its title and keywords); every name gets at least one work."""
    name_vectors = unit_rows(np.asarray(embedder.embed(names), dtype=np.float32))
    score = np.asarray(vectors, dtype=np.float64) @ name_vectors.astype(np.float64).T
    for i, work in enumerate(works):
        text = " " + " ".join(plural_stems(" ; ".join([work.title or "", *work.keywords]))) + " "
        for j, name in enumerate(names):
            stems = [s for s in plural_stems(name) if s not in GENERIC]
            if stems:
                score[i, j] += 0.1 * sum(f" {s} " in text for s in stems) / len(stems)
    assigned = _assign(score)
    themes = []
    for j, name in enumerate(names):
        members = sorted((i for i in range(len(works)) if assigned[i] == j), key=lambda i: (-score[i, j], i))
        themes.append(Theme("", name, [works[i].id for i in members], None,
                            "named by the editor; each work goes to the name closest to it in meaning"))
    return themes


def _assign(score: np.ndarray) -> list[int]:
    """Each work's best column, then every empty column given the work it costs least to move."""
    assigned = [int(np.argmax(row)) for row in score]
    for j in range(score.shape[1]):
        if j in assigned:
            continue
        counts = Counter(assigned)
        movable = [i for i in range(len(assigned)) if counts[assigned[i]] > 1]
        if not movable:
            break
        i = max(movable, key=lambda i: (score[i, j] - score[i, assigned[i]], -i))
        assigned[i] = j
    return assigned


__all__ = [
    "MAX_THEMES",
    "MIN_THEMES",
    "assign_themes",
    "load_vocabulary",
    "theme_sizes",
]
