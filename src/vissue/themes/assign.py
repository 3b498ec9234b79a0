"""Themes: group the selected works, name each group as an editor would, order the groups.

    load_vocabulary(path=None)                     the lenses: vissue's own, or a journal's file
    assign_themes(works, vectors, embedder=...)    2-6 named themes (or `count`, or the user's `names`)

(How produced themes agree with an editors' issue is measured in ``theme_metrics``.)

A *lens* is an angle from which the social sciences read an event (political institutions,
discourse and legitimacy, regional dynamics, ...): a label as an editor writes it, a short
description, cue terms and a rank in the argument. The default vocabulary is
`data/lenses.toml`; a journal can hand in its own (TOML or YAML, same keys).

How works become themes:
1. Every work is scored against every lens: the cosine of the work's embedding to the lens
   (the mean of the embeddings of its "label: description" and of its cue terms), plus
   `lexical_weight` times how strongly the cue terms occur (whole words, plurals folded) in its
   title, keywords (both counted double) and abstract, saturating as 1 - exp(-hits / 10).
2. A lens that is the best fit of most works (`topic_share`) is the issue's subject, not one of
   its themes (an issue on labour migration is all about migration): it is set aside, and the
   themes are the angles from which the subject is studied.
3. Scores are read in context: `context_weight` times a lens's mean score over the selection is
   taken off, so a lens that fits every work about equally does not swallow the issue; the
   lens that sets a work apart from the others does.
4. The set of lenses is chosen that explains the works best: each work goes to its best lens in
   the set, and the set maximises the works' summed scores less `theme_cost` a theme and
   `singleton_cost` a theme of one work, over every set of 2-6 lenses (`max_share` of the
   works at most: ten works make five themes at most). With `count` the set has exactly that
   many lenses; with `names` the user's names are the themes (a name close to a lens's label
   borrows its description and cues) and every name gets at least one work.
5. When the vocabulary fits the selection badly (for most works no lens, the subject's set
   aside, reaches a cosine of `fit_min`), the works are clustered instead (Ward, on the
   embeddings) and each cluster is named by its most distinctive keywords and title phrases,
   never by a place name (``clusters``).
6. Themes are ordered by the rank of their lens (structural conditions, institutions, ideas,
   society, the international scene); works within a theme by how well they fit it.

Same input, same output: no randomness anywhere, ties broken by lens order and work order.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..evaluate.themes import NAME_MATCH, NAME_STOPWORDS, WORD, name_overlap, plural_stems
from ..issue import IssueWork, Theme
from ..search.semantic import Embedder, unit_rows
from ..text import fold
from .clusters import cluster_themes

MIN_THEMES = 2
MAX_THEMES = 6
LENS_KEYS = ("id", "label", "description", "cues", "rank")
VOCABULARY_KEYS = ("name", "description", "lens")


# ---- vocabulary ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lens:
    id: str
    label: str
    description: str = ""
    cues: tuple[str, ...] = ()
    rank: int = 0

    def text(self) -> str:
        return f"{self.label}: {self.description}" if self.description else self.label


@dataclass
class Vocabulary:
    lenses: list[Lens]
    name: str = ""
    description: str = ""
    source: str = "vissue's default lenses"
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def vectors(self, embedder: Embedder) -> np.ndarray:
        """One unit-length vector a lens: the mean of its 'label: description' and its cues."""
        if embedder.name not in self._vectors:
            texts = [lens.text() for lens in self.lenses]
            texts += [", ".join(lens.cues) or lens.label for lens in self.lenses]
            matrix = np.asarray(embedder.embed(texts), dtype=np.float32)
            n = len(self.lenses)
            self._vectors[embedder.name] = unit_rows(matrix[:n] + matrix[n:])
        return self._vectors[embedder.name]

    def label_vectors(self, embedder: Embedder) -> np.ndarray:
        """One unit-length vector a lens label."""
        key = f"{embedder.name}\0labels"
        if key not in self._vectors:
            self._vectors[key] = unit_rows(np.asarray(embedder.embed([lens.label for lens in self.lenses]),
                                                  dtype=np.float32))
        return self._vectors[key]


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The lens vocabulary: vissue's default (data/lenses.toml), or a journal's TOML or YAML file.

    Every problem is an InputError naming the file, the lens and the key.
    """
    if path is None:
        return _default_vocabulary()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such vocabulary file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = _read_yaml(text, path)
    elif suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"{path}: not valid TOML ({e})") from e
    else:
        raise InputError(f"{path}: a vocabulary file is TOML (.toml) or YAML (.yaml, .yml)")
    return _parse_vocabulary(data, str(path))


@functools.cache
def _default_vocabulary() -> Vocabulary:
    """Read once a process, so its lens vectors are embedded once (about two seconds on a CPU)."""
    text = resources.files("vissue").joinpath("data", "lenses.toml").read_text(encoding="utf-8")
    return _parse_vocabulary(tomllib.loads(text), "vissue's default lenses")


def _read_yaml(text: str, path: Path) -> Any:
    try:
        import yaml
    except ImportError as e:
        raise InputError(f"{path}: reading YAML needs PyYAML: pip install pyyaml (or write the file in TOML)") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"{path}: not valid YAML ({e})") from e


def _parse_vocabulary(data: Any, source: str) -> Vocabulary:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a vocabulary has the keys {', '.join(VOCABULARY_KEYS)}")
    for key in data:
        if key not in VOCABULARY_KEYS:
            raise InputError(f"{source}: unknown key {key!r}; a vocabulary has the keys"
                             f" {', '.join(VOCABULARY_KEYS)} (each lens in a [[lens]] table)")
    entries = data.get("lens")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{source}: no lenses: give at least one [[lens]] table with a label")
    lenses: list[Lens] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: lens {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: a lens is a table with the keys {', '.join(LENS_KEYS)}")
        if isinstance(entry.get("label"), str):
            where += f" ({entry['label']!r})"
        for key in entry:
            if key not in LENS_KEYS:
                raise InputError(f"{where}: unknown key {key!r}; a lens has the keys {', '.join(LENS_KEYS)}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise InputError(f"{where}: key 'label' is missing or empty: name the theme as an editor would")
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise InputError(f"{where}: key 'description' must be text")
        cues = entry.get("cues", [])
        if not isinstance(cues, list) or not all(isinstance(c, str) and c.strip() for c in cues):
            raise InputError(f"{where}: key 'cues' must be a list of words or phrases")
        rank = entry.get("rank", number * 10)
        if isinstance(rank, bool) or not isinstance(rank, int | float):
            raise InputError(f"{where}: key 'rank' must be a number (small: early in the argument)")
        lens_id = entry.get("id", re.sub(r"[^a-z0-9]+", "-", fold(label)).strip("-"))
        if not isinstance(lens_id, str) or not lens_id:
            raise InputError(f"{where}: key 'id' must be a short name")
        if any(lens.id == lens_id for lens in lenses):
            raise InputError(f"{where}: id {lens_id!r} is used by an earlier lens; ids must differ")
        lenses.append(Lens(lens_id, " ".join(label.split()), " ".join(description.split()),
                           tuple(" ".join(c.split()) for c in cues), int(rank)))
    name, description = data.get("name", ""), data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise InputError(f"{source}: keys 'name' and 'description' must be text")
    return Vocabulary(lenses, name, description, source)


# ---- settings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemeSettings:
    """The weights of the method (module docstring); defaults measured on the seed and other topics."""

    lexical_weight: float = 0.25
    context_weight: float = 0.25
    theme_cost: float = 0.05
    singleton_cost: float = 0.1
    max_share: float = 0.5  # themes at most this share of the works (ten works: five themes)
    fit_min: float = 0.25  # semantic fit below which a work fits no lens
    candidates: int = 12  # lenses considered for the set: the best for some work first
    topic_share: float = 0.6  # a lens best for this share of the works is the topic, not a theme
    topic_min_works: int = 5


# ---- scoring ------------------------------------------------------------------------------------


@dataclass
class _Fields:
    """A work's text as plural-folded, space-padded strings, for whole-word phrase counts."""

    title: str
    keywords: str
    abstract: str

    @classmethod
    def of(cls, work: IssueWork) -> _Fields:
        def pad(text: str) -> str:
            return " " + " ".join(plural_stems(text)) + " "

        return cls(pad(work.title or ""), pad(" ; ".join(work.keywords)), pad(work.abstract or ""))

    def hits(self, cue: str) -> float:
        needle = f" {cue} "
        return (2 * min(self.title.count(needle), 3) + 2 * min(self.keywords.count(needle), 3)
                + min(self.abstract.count(needle), 3))


def _cue_stems(lens_cues: tuple[str, ...]) -> list[str]:
    return sorted({" ".join(plural_stems(c)) for c in lens_cues} - {""})


def _lexical(fields: list[_Fields], cue_lists: list[list[str]]) -> tuple[np.ndarray, list[list[list[str]]]]:
    """Saturated cue hits (works x lenses) and, per work and lens, the cues found."""
    raw = np.zeros((len(fields), len(cue_lists)), dtype=np.float64)
    found: list[list[list[str]]] = [[[] for _ in cue_lists] for _ in fields]
    for i, f in enumerate(fields):
        for j, cues in enumerate(cue_lists):
            for cue in cues:
                n = f.hits(cue)
                if n:
                    raw[i, j] += n * (1 + 0.5 * cue.count(" "))
                    found[i][j].append(cue)
    return 1 - np.exp(-raw / 10), found


@dataclass
class _Scores:
    semantic: np.ndarray  # works x lenses: cosine
    lexical: np.ndarray  # works x lenses: saturated cue hits in [0, 1)
    raw: np.ndarray  # works x lenses: semantic + lexical
    score: np.ndarray  # works x lenses: in context
    found: list[list[list[str]]]


def _score(works: list[IssueWork], vectors: np.ndarray, lens_vectors: np.ndarray,
           cue_lists: list[list[str]], settings: ThemeSettings) -> _Scores:
    semantic = np.asarray(vectors, dtype=np.float64) @ np.asarray(lens_vectors, dtype=np.float64).T
    lexical, found = _lexical([_Fields.of(w) for w in works], cue_lists)
    raw = semantic + settings.lexical_weight * lexical
    score = raw - settings.context_weight * raw.mean(axis=0, keepdims=True) if len(works) > 2 else raw
    return _Scores(semantic, lexical, raw, score, found)


# ---- choosing the set of lenses -----------------------------------------------------------------

def _topic_lenses(scores: _Scores, settings: ThemeSettings) -> list[int]:
    """Lenses that are the selection's subject rather than an angle on it: the best fit of most works.

    A virtual issue on labour migration is all about migration; its themes are the angles
    (remittances and households, health, children's schooling, gender) from which it is studied.
    """
    n, total = scores.raw.shape
    topics: list[int] = []
    if n < settings.topic_min_works:
        return topics
    raw = scores.raw.copy()
    while len(topics) < total - 1:  # a subject can span two lenses (water and agriculture)
        count, j = max((c, -j) for j, c in Counter(np.argmax(raw, axis=1).tolist()).items())
        if count < settings.topic_share * n:
            break
        topics.append(-j)
        raw[:, -j] = -np.inf
    return sorted(topics)


def _best_set(score: np.ndarray, sizes: range, settings: ThemeSettings, *, exact: bool) -> tuple[int, ...]:
    """The lenses (column indexes) that explain the works best, every one given at least a work."""
    n, total = score.shape
    order = np.argsort(-score, axis=1, kind="stable")
    pool: list[int] = []
    for depth in range(total):  # each work's best lens, then each work's second best, ...
        for i in range(n):
            j = int(order[i, depth])
            if j not in pool:
                pool.append(j)
        if len(pool) >= max(settings.candidates, sizes.stop - 1):
            break
    pool = sorted(pool[: max(settings.candidates, sizes.stop - 1)])
    best: tuple[float, tuple[int, ...]] | None = None
    for k in sizes:
        if k > len(pool):
            break
        combos = list(itertools.combinations(pool, k))
        if len(combos) > 50_000:
            chosen = _greedy_set(score, pool, k)
            combos = [chosen]
        value = _evaluate(score, np.asarray(combos, dtype=np.int64), settings, exact=exact)
        if not np.isfinite(value).any():
            continue
        at = int(np.argmax(value))  # the first best: combinations come in lens order
        if best is None or value[at] > best[0] + 1e-12:
            best = (float(value[at]), combos[at])
    if best is None:
        return ()
    return best[1]


def _evaluate(score: np.ndarray, combos: np.ndarray, settings: ThemeSettings, *, exact: bool) -> np.ndarray:
    """The objective of each set of lenses (rows of combos); -inf where a lens gets no work."""
    sub = score[:, combos]  # works x sets x k
    assigned = np.argmax(sub, axis=2)  # works x sets
    fit = np.take_along_axis(sub, assigned[:, :, None], axis=2)[:, :, 0].sum(axis=0)
    k = combos.shape[1]
    counts = np.stack([(assigned == j).sum(axis=0) for j in range(k)], axis=1)  # sets x k
    value = fit - (0.0 if exact else settings.theme_cost * k) - settings.singleton_cost * (counts == 1).sum(axis=1)
    return np.where((counts > 0).all(axis=1), value, -np.inf)


def _greedy_set(score: np.ndarray, pool: list[int], k: int) -> tuple[int, ...]:
    chosen: list[int] = []
    for _ in range(k):
        best = max((j for j in pool if j not in chosen),
                   key=lambda j: (score[:, [*chosen, j]].max(axis=1).sum(), -j))
        chosen.append(best)
    return tuple(sorted(chosen))


def _assign(score: np.ndarray) -> list[int]:
    """Each work's best column, then every empty column given the work it costs least to move."""
    assigned = [int(np.argmax(row)) for row in score]
    k = score.shape[1]
    for j in range(k):
        if j in assigned:
            continue
        counts = Counter(assigned)
        movable = [i for i in range(len(assigned)) if counts[assigned[i]] > 1]
        if not movable:
            break
        i = max(movable, key=lambda i: (score[i, j] - score[i, assigned[i]], -i))
        assigned[i] = j
    return assigned


# ---- themes -------------------------------------------------------------------------------------

def assign_themes(
    works: list[IssueWork],
    vectors: np.ndarray,
    *,
    embedder: Embedder,
    count: int | None = None,
    names: list[str] | None = None,
    vocabulary: Vocabulary | None = None,
    settings: ThemeSettings | None = None,
) -> list[Theme]:
    """Group the works into named themes, in the order of the argument.

    vectors: the works' unit-length embeddings, row i for works[i]. count: exactly this many
    themes. names: the themes' names, in the user's order; vissue assigns the works.

    Example:

        themes = assign_themes(works, index.vectors([w.id for w in works]), embedder=embedder)
    """
    settings = settings or ThemeSettings()
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(works)
    if vectors.ndim != 2 or len(vectors) != n:
        raise InputError(f"{n} works but vectors of shape {vectors.shape}: give one row a work")
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
    vocabulary = vocabulary or load_vocabulary()
    if names:
        return _numbered(_named_themes(works, vectors, names, embedder, vocabulary, settings))
    lenses = vocabulary.lenses
    cue_text = [{" ".join(plural_stems(c)): c for c in reversed(lens.cues)} for lens in lenses]
    scores = _score(works, vectors, vocabulary.vectors(embedder),
                    [_cue_stems(lens.cues) for lens in lenses], settings)
    topics = _topic_lenses(scores, settings)
    if topics:
        scores.score[:, topics] = -np.inf
    others = [j for j in range(len(lenses)) if j not in topics]
    unfit = scores.semantic[:, others].max(axis=1) < settings.fit_min if others else np.ones(n, dtype=bool)
    if count is not None:
        sizes = range(count, count + 1)
    else:
        most = max(MIN_THEMES, min(MAX_THEMES, math.floor(n * settings.max_share)))
        sizes = range(min(MIN_THEMES, n), min(most, n) + 1)
    chosen = () if unfit.mean() > 0.5 or sizes.start > len(lenses) else \
        _best_set(scores.score, sizes, settings, exact=count is not None)
    if not chosen:
        best_fit = float(scores.semantic.max()) if scores.semantic.size else 0.0
        return _numbered(cluster_themes(works, vectors, sizes, best_fit=best_fit))
    columns = list(chosen)
    sub = scores.score[:, columns]
    assigned = _assign(sub)
    themes: list[tuple[int, Theme]] = []
    for position, j in enumerate(columns):
        members = sorted((i for i in range(n) if assigned[i] == position), key=lambda i: (-sub[i, position], i))
        lens = lenses[j]
        cues = sorted({cue_text[j][c] for i in members for c in scores.found[i][j]}, key=str.casefold)
        fits = [float(scores.semantic[i, j]) for i in members]
        spread = f"{min(fits):.2f}" if len(fits) == 1 else f"{min(fits):.2f}-{max(fits):.2f}"
        rationale = f"read through the lens '{lens.label}' ({lens.id}): closest in meaning (cosine {spread})"
        rationale += f"; its cue terms found: {', '.join(cues[:8])}" if cues else "; none of its cue terms found"
        if topics:
            subject = " and ".join(f"'{lenses[t].label}'" for t in topics)
            rationale += f"; the selection as a whole is about {subject}, so that lens names no theme"
        themes.append((lens.rank, Theme("", lens.label, [works[i].id for i in members], lens.id, rationale)))
    themes.sort(key=lambda pair: pair[0])  # stable: equal ranks keep the vocabulary's order
    return _numbered([theme for _, theme in themes])


def _numbered(themes: list[Theme]) -> list[Theme]:
    for number, theme in enumerate(themes, start=1):
        theme.id = f"t{number}"
    return themes


def _named_themes(works: list[IssueWork], vectors: np.ndarray, names: list[str], embedder: Embedder,
                  vocabulary: Vocabulary, settings: ThemeSettings) -> list[Theme]:
    """The user's themes. A name close to a lens's label (as close as NAME_MATCH) borrows the
    lens's description and cues; each lens lends itself to one name at most."""
    name_vectors = unit_rows(np.asarray(embedder.embed(names), dtype=np.float32))
    similarity = np.maximum(
        name_vectors @ vocabulary.label_vectors(embedder).T,
        np.array([[name_overlap(name, lens.label) for lens in vocabulary.lenses] for name in names]),
    )
    borrowed: dict[int, int] = {}  # name -> lens
    for flat in np.argsort(-similarity, axis=None, kind="stable"):
        i, j = divmod(int(flat), similarity.shape[1])
        if similarity[i, j] < NAME_MATCH:
            break
        if i not in borrowed and j not in borrowed.values():
            borrowed[i] = j
    lens_vectors = vocabulary.vectors(embedder)
    rows, cue_lists = [], []
    for i, name in enumerate(names):
        words = [w for w in WORD.findall(fold(name)) if w not in NAME_STOPWORDS and len(w) > 2]
        if i in borrowed:
            lens = vocabulary.lenses[borrowed[i]]
            rows.append(unit_rows(name_vectors[i] + lens_vectors[borrowed[i]]))
            cue_lists.append(_cue_stems((*lens.cues, name, *words)))
        else:
            rows.append(name_vectors[i])
            cue_lists.append(_cue_stems((name, *words)))
    scores = _score(works, vectors, np.stack(rows), cue_lists, settings)
    assigned = _assign(scores.score)
    themes = []
    for i, name in enumerate(names):
        members = sorted((w for w in range(len(works)) if assigned[w] == i), key=lambda w: (-scores.score[w, i], w))
        lens = vocabulary.lenses[borrowed[i]] if i in borrowed else None
        how = f"its own words and the lens '{lens.label}'" if lens else "its own words"
        themes.append(Theme("", name, [works[w].id for w in members], lens.id if lens else None,
                            f"named by the editor; works assigned by their fit to {how}"))
    return themes


__all__ = [
    "LENS_KEYS",
    "MAX_THEMES",
    "MIN_THEMES",
    "Lens",
    "ThemeSettings",
    "Vocabulary",
    "assign_themes",
    "load_vocabulary",
]
