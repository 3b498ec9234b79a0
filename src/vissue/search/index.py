"""The library's search index behind two top-k calls: the seam a distributed engine implements.

    index = SearchIndex.open(library, embedder)
    index.lexical_top(query, k, filters)      (work ids, BM25 scores), best first
    index.vector_top(queries, k, filters)     (work ids, cosines): the union of each query
                                              vector's k nearest works, with the cosine of every
                                              one of them to every query vector
    index.vectors(work_ids)                   the works' vectors
    index.refresh(library)                    pick up works added or changed since it opened

Filters (venues, years, kinds) are applied before ranking, so a filtered top-k is the top-k
of the works allowed. Nothing else about the works is held: titles, abstracts and the rest
are read from the store for the hits only.

On disk, in the folder `index-<model>/` of the library (derived data: deleted, it is rebuilt):
    manifest.json                    format, model, dimension, works, `built` (the library's
                                     generation it was built at), whether HNSW is used
    ids.npy years.npy venues.npy kinds.npy   a row a work, in id order (int64, int16, int32, int8)
    vectors.npy                      unit vectors (float32; float16 from ANN_MIN works), memory-mapped
    hnsw.usearch                     HNSW graph (usearch) over the vectors from ANN_MIN works on,
                                     viewed from disk; below that an exact scan is as fast
    bm25/                            bm25s's matrices, memory-mapped
    references.npz                   works × cited references (bibliographic coupling), sparse
Works added or changed after `built` (`Library.scan(since=built)`) go to a delta held in memory and searched beside the main
index; when the delta passes max(MERGE_MIN, MERGE_SHARE × works) the main index is rebuilt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..library.store import Library
from .lexical import Bm25Index, DeltaBm25, document_text, top_rows
from .references import ReferenceIndex
from .semantic import Embedder, EmbeddingCache, Vectors, embed_batches, hash_text, text_of

Progress = Callable[[int, int], None]
FORMAT = 3  # bump when the layout changes: older folders are rebuilt
ANN_MIN = 20_000  # works from which vectors are searched by HNSW: an exact scan of float16
# vectors takes ~180 ms at 100,000 works here, ~5 ms at 2,795 (benchmarks/scale.py)


def vector_type(works: int) -> type[np.floating]:
    """float32 where the scan is exact (under ANN_MIN works: at most 30 MB of vectors), float16
    for HNSW-sized libraries. Measured on the dev cases: float16 moves cosines by ~1e-3, enough
    to swap two near-tied works at rank 10/11 and so change the works whose references the
    coupling compares with (dev recall@20 0.702 in float32, 0.667 in float16: one article)."""
    return np.float32 if works < ANN_MIN else np.float16
MERGE_MIN, MERGE_SHARE = 2_000, 0.05
CHUNK = 20_000  # works read, embedded and written at a time when building
KINDS = ("article", "review", "book", "chapter", "proceedings", "editorial", "book-review",
         "correction", "preprint", "dataset", "thesis", "report", "other")
_WORD = re.compile(r"\w+")


def words(text: str) -> str:
    """' central asia s regime ' for "Central Asia's regime": matching on it is whole-word,
    case- and punctuation-insensitive."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def kind_code(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS) - 1


@dataclass(frozen=True)
class Filters:
    """Which works a search may return: all of them by default."""

    venue_ids: frozenset[int] | None = None  # only these venues
    since: int | None = None  # published in or after
    until: int | None = None  # published in or before (works of unknown year stay)
    exclude_kinds: frozenset[str] = frozenset()  # document types left out

    def mask(self, columns: Columns) -> np.ndarray:
        keep = np.ones(len(columns.ids), dtype=bool)
        if self.venue_ids is not None:
            keep &= np.isin(columns.venues, np.fromiter(self.venue_ids, dtype=np.int32))
        if self.since is not None:
            keep &= columns.years >= self.since
        if self.until is not None:
            keep &= (columns.years <= self.until) | (columns.years == 0)
        if self.exclude_kinds:
            keep &= ~np.isin(columns.kinds, [kind_code(k) for k in self.exclude_kinds])
        return keep


@dataclass
class Columns:
    """What filters read, a row a work: id, year (0: unknown), venue (-1: none), kind code."""

    ids: np.ndarray
    years: np.ndarray
    venues: np.ndarray
    kinds: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]]) -> Columns:
        return cls(np.array([r["id"] for r in rows], dtype=np.int64),
                   np.array([r["year"] or 0 for r in rows], dtype=np.int16),
                   np.array([-1 if r["venue_id"] is None else r["venue_id"] for r in rows], dtype=np.int32),
                   np.array([kind_code(r["doc_type"]) for r in rows], dtype=np.int8))

    def save(self, folder: Path) -> None:
        for name in ("ids", "years", "venues", "kinds"):
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> Columns:
        return cls(*(np.load(folder / f"{n}.npy") for n in ("ids", "years", "venues", "kinds")))


class VectorStore:
    """Unit vectors a row a work (see `vector_type`), searched exactly or, when `ann` is given, by HNSW."""

    def __init__(self, matrix: np.ndarray, ann: Any = None) -> None:
        self.matrix = matrix
        self.ann = ann

    def rows(self, rows: np.ndarray) -> Vectors:
        return np.asarray(self.matrix[np.sort(rows)] if len(rows) else self.matrix[:0], dtype=np.float32)

    def top(self, queries: Vectors, k: int, allowed: np.ndarray) -> np.ndarray:
        """Rows of the union of each query's k nearest allowed rows."""
        count = int(allowed.sum())
        if not count:
            return np.zeros(0, dtype=np.int64)
        if self.ann is not None and count > ANN_MIN // 4:
            found = self._ann_top(queries, k, allowed, count)
            if found is not None:
                return found
        return self._exact_top(queries, k, allowed)

    def _exact_top(self, queries: Vectors, k: int, allowed: np.ndarray) -> np.ndarray:
        rows = np.flatnonzero(allowed)
        best: list[np.ndarray] = []
        scores_parts, rows_parts = [], []
        for start in range(0, len(rows), CHUNK * 5):
            part = rows[start : start + CHUNK * 5]
            block = np.asarray(self.matrix[part], dtype=np.float32) @ queries.T  # (rows, queries)
            keep = min(k, len(part))
            top = np.argpartition(-block, keep - 1, axis=0)[:keep]  # (keep, queries)
            rows_parts.append(part[top])
            scores_parts.append(np.take_along_axis(block, top, axis=0))
        rows_all, scores_all = np.concatenate(rows_parts), np.concatenate(scores_parts)
        for q in range(queries.shape[0]):
            keep = min(k, len(rows_all))
            order = np.lexsort((rows_all[:, q], -scores_all[:, q]))[:keep]
            best.append(rows_all[order, q])
        return np.unique(np.concatenate(best))

    def _ann_top(self, queries: Vectors, k: int, allowed: np.ndarray, count: int) -> np.ndarray | None:
        share = count / len(allowed)
        want = min(len(allowed), int(k / share * 1.5) + 16)
        while True:
            found = self.ann.search(queries, want)
            keys = np.asarray(found.keys, dtype=np.int64).reshape(len(queries), -1)
            best = []
            for row_keys in keys:
                row_keys = row_keys[(row_keys >= 0) & (row_keys < len(allowed))]
                row_keys = row_keys[allowed[row_keys]][:k]
                if len(row_keys) < min(k, count):
                    break
                best.append(row_keys)
            else:
                return np.unique(np.concatenate(best))
            if want >= len(allowed) or want > 50 * k:
                return None  # the filter leaves too few near works: scan instead
            want *= 4


@dataclass
class _Part:
    """A searchable set of works: the main index (on disk) or the delta (in memory)."""

    columns: Columns
    lexical: Bm25Index | DeltaBm25
    vectors: VectorStore
    references: ReferenceIndex | None = None  # the main index's only: delta works couple after a merge

    def row_of(self, work_ids: np.ndarray) -> np.ndarray:
        """Row of each work id; -1 for ids this part lacks."""
        ids = self.columns.ids
        at = np.searchsorted(ids, work_ids)
        at = np.minimum(at, max(len(ids) - 1, 0))
        found = (len(ids) > 0) & (ids[at] == work_ids) if len(ids) else np.zeros(len(work_ids), bool)
        return np.where(found, at, -1)


class SearchIndex:
    """The library's lexical and vector indexes (main and delta) behind the top-k calls."""

    def __init__(self, library_path: Path, embedder: Embedder, main: _Part, built: int,
                 delta: _Part, delta_built: str, count: int) -> None:
        self.library_path = library_path
        self.embedder = embedder
        self.main, self.built = main, built
        self.delta, self.delta_built = delta, delta_built
        self.count = count
        self._hidden = self._hidden_rows()
        self._masks: dict[Filters, tuple[np.ndarray, np.ndarray]] = {}  # of this main and delta

    @classmethod
    def open(cls, library: Library, embedder: Embedder, *, progress: Progress | None = None) -> SearchIndex:
        folder = index_folder(library.path, embedder.name)
        manifest = _manifest(folder, embedder)
        main = None
        if manifest is not None:
            try:
                main = _load_main(folder, manifest)
            except (OSError, ValueError, KeyError):
                main = None  # derived data, damaged: rebuilt below
        if main is None:
            manifest = build_main(library, embedder, folder, progress=progress)
            main = _load_main(folder, manifest)
        delta, delta_built = _delta(library, embedder, manifest["built"], main)
        if len(delta.columns.ids) > max(MERGE_MIN, MERGE_SHARE * len(main.columns.ids)):
            manifest = build_main(library, embedder, folder, progress=progress)
            main = _load_main(folder, manifest)
            delta, delta_built = _delta(library, embedder, manifest["built"], main)
        return cls(library.path, embedder, main, manifest["built"], delta, delta_built, library.count())

    def __len__(self) -> int:
        return self.count

    def refresh(self, library: Library) -> bool:
        """Pick up works added or changed since the index opened (rebuilding the delta only);
        True when there were any."""
        if library.state() == self.delta_built:
            return False
        self.delta, self.delta_built = _delta(library, self.embedder, self.built, self.main)
        self.count = library.count()
        self._hidden = self._hidden_rows()
        self._masks = {}
        return True

    def _hidden_rows(self) -> np.ndarray:
        """Rows of the main index whose work the delta holds a newer version of."""
        rows = self.main.row_of(np.asarray(self.delta.columns.ids))
        hidden = np.zeros(len(self.main.columns.ids), dtype=bool)
        hidden[rows[rows >= 0]] = True
        return hidden

    def _allowed(self, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the main index and of the delta the filters allow; kept for the few
        filters last asked for (a search asks a dozen times, and at a million works each costs
        a millisecond)."""
        masks = self._masks
        found = masks.get(filters)
        if found is None:
            found = (filters.mask(self.main.columns) & ~self._hidden, filters.mask(self.delta.columns))
            for mask in found:
                mask.flags.writeable = False  # shared by every search with these filters
            if len(masks) >= 8:
                masks.clear()  # searches in other threads keep the masks they hold
            masks[filters] = found
        return found

    # -- the top-k interface ------------------------------------------------------------------

    def lexical_top(self, query: str, k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """(work ids, BM25 scores) of the k allowed works scoring highest (above 0), best first.

        Delta works are scored by the delta's own BM25 statistics (close to the main index's
        while the delta is small) and merged by score."""
        main_allowed, delta_allowed = self._allowed(filters)
        rows, scores = self.main.lexical.top(query, k, main_allowed)
        ids = np.asarray(self.main.columns.ids)[rows]
        if len(self.delta.columns.ids):
            drows, dscores = self.delta.lexical.top(query, k, delta_allowed)
            ids = np.concatenate([ids, self.delta.columns.ids[drows]])
            scores = np.concatenate([scores, dscores])
            order = np.lexsort((ids, -scores))[:k]
            ids, scores = ids[order], scores[order]
        return ids, scores

    def vector_top(self, queries: np.ndarray, k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """(work ids, cosines): the union of each query vector's k nearest allowed works
        (approximate on a large library), and the exact cosine of each of them to every query
        vector, shape (works, queries). Ids ascending."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        main_allowed, delta_allowed = self._allowed(filters)
        rows = self.main.vectors.top(queries, k, main_allowed)
        drows = self.delta.vectors.top(queries, k, delta_allowed)
        ids = np.concatenate([np.asarray(self.main.columns.ids)[np.sort(rows)],
                              self.delta.columns.ids[np.sort(drows)]])
        cosines = np.concatenate([self.main.vectors.rows(rows), self.delta.vectors.rows(drows)]) @ queries.T
        if len(drows) and len(rows):  # each query's k nearest of the two parts together
            keep = np.zeros(len(ids), dtype=bool)
            for q in range(cosines.shape[1]):
                keep[np.lexsort((ids, -cosines[:, q]))[:k]] = True
            ids, cosines = ids[keep], cosines[keep]
        order = np.argsort(ids, kind="stable")
        return ids[order], cosines[order]

    def coupling_top(self, seed_ids: Sequence[int], k: int, filters: Filters = Filters()
                     ) -> tuple[np.ndarray, np.ndarray]:
        """(work ids, coupling) of the k allowed works whose cited references are most like
        those of the seed works (`references.py`), best first; works of the delta are not
        coupled until it is merged."""
        references = self.main.references
        if references is None or references.empty:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = self.main.row_of(np.asarray(list(seed_ids), dtype=np.int64))
        scores = references.coupling(rows[rows >= 0].tolist())
        scores = np.where(self._allowed(filters)[0], scores, 0.0)
        top, values = top_rows(scores, k)
        return np.asarray(self.main.columns.ids)[top], values

    def shared_references(self, work_ids: Sequence[int], seed_ids: Sequence[int]) -> dict[int, int]:
        """For each work, how many distinct references it shares with the other seed works."""
        references = self.main.references
        if references is None or references.empty or not len(work_ids):
            return {}
        matrix = references.matrix

        def cited(row: int) -> set[int]:
            return set(matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist()) if row >= 0 else set()

        seeds = {int(s): cited(int(r)) for s, r in zip(seed_ids, self.main.row_of(np.asarray(list(seed_ids), dtype=np.int64)), strict=True)}
        rows = self.main.row_of(np.asarray(list(work_ids), dtype=np.int64))
        return {int(w): len(cited(int(r)) & set().union(*(c for s, c in seeds.items() if s != int(w))))
                for w, r in zip(work_ids, rows, strict=True)}

    @property
    def lexical(self) -> Bm25Index:
        """The main index's BM25 (its tokenizer and stems, and word shares)."""
        return self.main.lexical  # type: ignore[return-value]

    def word_share(self, token: str) -> float:
        """The share of the main index's works that contain a token (as the index stems it)."""
        lexical = self.main.lexical
        return lexical.document_frequency(token) / lexical.size if lexical.size else 0.0

    def years(self, work_ids: np.ndarray) -> np.ndarray:
        """Publication year of each work (0: unknown, or not in the index)."""
        out = np.zeros(len(work_ids), dtype=np.int64)
        for part, hidden in ((self.main, self._hidden), (self.delta, None)):
            rows = part.row_of(np.asarray(work_ids, dtype=np.int64))
            if hidden is not None:
                rows = np.where((rows >= 0) & ~hidden[np.maximum(rows, 0)], rows, -1)
            have = rows >= 0
            out[have] = np.asarray(part.columns.years)[rows[have]]
        return out

    def vectors(self, work_ids: Sequence[int]) -> Vectors:
        """The vectors of the given works, in that order (zeros for a work the index lacks)."""
        wanted = np.asarray(list(work_ids), dtype=np.int64)
        out = np.zeros((len(wanted), self.embedder.dim), dtype=np.float32)
        for part, hidden in ((self.main, self._hidden), (self.delta, None)):
            rows = part.row_of(wanted)
            if hidden is not None:
                rows = np.where((rows >= 0) & ~hidden[np.maximum(rows, 0)], rows, -1)
            have = np.flatnonzero(rows >= 0)
            if len(have):
                order = np.argsort(rows[have])
                out[have[order]] = part.vectors.rows(rows[have])
        return out

    def works(self, work_ids: Sequence[int]) -> list[dict[str, Any]]:
        """What the store holds of these works (`Library.catalogue`), in id order; ids the
        library no longer has are left out."""
        with Library(self.library_path, create=False) as library:
            return library.catalogue(work_ids)

    def allowed_count(self, filters: Filters = Filters()) -> int:
        main_allowed, delta_allowed = self._allowed(filters)
        return int(main_allowed.sum() + delta_allowed.sum())

    def newest_year(self) -> int:
        years = [int(np.max(p.columns.years)) for p in (self.main, self.delta) if len(p.columns.years)]
        return max(years, default=0)


# -- building and loading ------------------------------------------------------------------------

def index_folder(library_path: Path, model: str) -> Path:
    return Path(library_path) / f"index-{re.sub(r'[^A-Za-z0-9._-]+', '_', model)}"


def _manifest(folder: Path, embedder: Embedder) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("model") != embedder.name:
        return None
    if manifest.get("ann") != (manifest.get("works", 0) >= ANN_MIN):
        return None  # built under another size rule
    return manifest


def build_main(library: Library, embedder: Embedder, folder: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Build the main index of every work into folder (replacing what is there); its manifest."""
    built = library.generation()
    count = library.count()
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    matrix = np.lib.format.open_memmap(partial / "vectors.npy", mode="w+", dtype=vector_type(count),
                                       shape=(count, embedder.dim))
    columns: list[Columns] = []
    texts: list[str] = []
    done = 0
    with EmbeddingCache(library.path) as cache:
        for rows in _chunks(library.scan(), CHUNK):
            columns.append(Columns.of(rows))
            texts.extend(document_text(r["title"], r["abstract"], r["keywords"]) for r in rows)
            vectors = embed_batches(cache, embedder, [text_of(r["title"], r["abstract"]) for r in rows],
                                    progress=_offset(progress, done, count))
            matrix[done : done + len(rows)] = vectors
            done += len(rows)
    matrix.flush()
    del matrix
    merged = Columns(*(np.concatenate([getattr(c, n) for c in columns]) if columns else
                       np.zeros(0, dtype=d) for n, d in (("ids", np.int64), ("years", np.int16),
                                                         ("venues", np.int32), ("kinds", np.int8))))
    merged.save(partial)
    Bm25Index.build(texts).save(partial / "bm25")
    del texts
    lists = dict(library.reference_lists())
    ReferenceIndex.build(merged.ids, [lists.get(int(i), []) for i in merged.ids]).save(partial)
    del lists
    ann = done >= ANN_MIN
    if ann:
        _build_hnsw(np.load(partial / "vectors.npy", mmap_mode="r"), partial / "hnsw.usearch")
    manifest = {"format": FORMAT, "model": embedder.name, "dim": embedder.dim, "works": done,
                "built": built, "ann": ann}
    (partial / "manifest.json").write_text(json.dumps(manifest))
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(partial, folder)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def _build_hnsw(matrix: np.ndarray, path: Path) -> None:
    from usearch.index import Index

    ann = Index(ndim=matrix.shape[1], metric="cos", dtype="f16", connectivity=16,
                expansion_add=128, expansion_search=128)
    for start in range(0, len(matrix), CHUNK * 5):
        block = np.asarray(matrix[start : start + CHUNK * 5], dtype=np.float32)
        ann.add(np.arange(start, start + len(block), dtype=np.uint64), block)
    ann.save(str(path))


def _load_main(folder: Path, manifest: dict[str, Any]) -> _Part:
    ann = None
    if manifest["ann"]:
        from usearch.index import Index

        ann = Index.restore(str(folder / "hnsw.usearch"), view=True)
        ann.expansion_search = 128
    matrix = np.load(folder / "vectors.npy", mmap_mode="r")
    references = ReferenceIndex.load(folder, stamp="")
    return _Part(Columns.load(folder), Bm25Index.load(folder / "bm25"),
                 VectorStore(matrix, ann), references)


def _delta(library: Library, embedder: Embedder, built: int, main: _Part) -> tuple[_Part, str]:
    """The works added or changed after generation `built`, indexed in memory; and the
    library state they were read at."""
    state = library.state()
    rows = list(library.scan(since=built))
    with EmbeddingCache(library.path) as cache:
        vectors = embed_batches(cache, embedder, [text_of(r["title"], r["abstract"]) for r in rows])
    lexical = DeltaBm25([document_text(r["title"], r["abstract"], r["keywords"]) for r in rows], main.lexical)
    return _Part(Columns.of(rows), lexical, VectorStore(vectors)), state


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _offset(progress: Progress | None, done: int, total: int) -> Progress | None:
    if progress is None:
        return None
    return lambda n, _: progress(done + n, total)


__all__ = ["ANN_MIN", "Filters", "SearchIndex", "build_main", "hash_text", "index_folder", "words"]
