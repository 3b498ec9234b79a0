"""The library's search indexes, loaded together: lexical (BM25), semantic (embeddings), catalogue.

`SearchIndex.open(library, embedder)` loads the indexes saved in the library folder when they
were built from the library as it is now, and builds (and saves) them otherwise. Building the
semantic index embeds only the works whose text the embedding cache has not seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..library.store import Library
from .lexical import Bm25Index
from .references import ReferenceIndex
from .semantic import Embedder, SemanticIndex, embed_works

Progress = Callable[[int, int], None]
_WORD = re.compile(r"\w+")


def words(text: str) -> str:
    """' central asia s regime ' for "Central Asia's regime": matching on it is whole-word,
    case- and punctuation-insensitive."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "

LEXICAL_DIR = "bm25"


@dataclass
class SearchIndex:
    library_path: Path
    catalogue: list[dict[str, Any]]  # id, venue_id, year, doc_type, title, abstract, keywords
    lexical: Bm25Index
    semantic: SemanticIndex
    references: ReferenceIndex  # rows in catalogue order
    embedder: Embedder
    state: str

    @classmethod
    def open(cls, library: Library, embedder: Embedder, *, progress: Progress | None = None) -> SearchIndex:
        state = library.state()
        catalogue = library.catalogue()
        ids = [entry["id"] for entry in catalogue]
        lexical = Bm25Index.load(library.path / LEXICAL_DIR, stamp=state)
        if lexical is None:
            texts = ["\n".join(x for x in (e["title"], e["abstract"], "; ".join(e["keywords"])) if x)
                     for e in catalogue]
            lexical = Bm25Index.build(ids, texts, stamp=state)
            lexical.save(library.path / LEXICAL_DIR)
        semantic = SemanticIndex.load(library.path, embedder.name, stamp=state)
        if semantic is None:
            work_ids, matrix = embed_works(library, embedder, progress=progress)
            semantic = SemanticIndex(work_ids, matrix, model=embedder.name, stamp=state)
            semantic.save(library.path)
        references = ReferenceIndex.load(library.path, stamp=state)
        if references is None:
            lists = dict(library.reference_lists())
            references = ReferenceIndex.build(ids, [lists.get(i, []) for i in ids], stamp=state)
            references.save(library.path)
        return cls(library.path, catalogue, lexical, semantic, references, embedder, state)

    @cached_property
    def texts(self) -> list[str]:
        """Title, abstract and keywords of each catalogue work (for matching places and phrases)."""
        return [f"{e['title']}\n{e['abstract']}\n{'; '.join(e['keywords'])}" for e in self.catalogue]

    @cached_property
    def word_texts(self) -> list[str]:
        """Each work's text as ' word word … ' (lower case, punctuation out): whole-word phrase
        matching becomes a substring test (see `words`)."""
        return [words(t) for t in self.texts]

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {entry["id"]: i for i, entry in enumerate(self.catalogue)}

    @cached_property
    def _rows_by_word(self) -> dict[str, set[int]]:
        rows: dict[str, set[int]] = {}
        for row, text in enumerate(self.word_texts):
            for word in set(text.split()):
                rows.setdefault(word, set()).add(row)
        return rows

    def containing(self, needles: list[str]) -> np.ndarray:
        """Which catalogue works contain any of the needles (phrases as `words()` writes them)."""
        found = np.zeros(len(self.catalogue), dtype=bool)
        for needle in needles:
            tokens = needle.split()
            if not tokens:
                continue
            rows = set.intersection(*(self._rows_by_word.get(t, set()) for t in tokens))
            if len(tokens) > 1:
                rows = {r for r in rows if needle in self.word_texts[r]}
            found[list(rows)] = True
        return found

    def positions(self) -> dict[int, int]:
        """Work id -> row in the catalogue."""
        return self._positions

    @cached_property
    def matrix(self) -> np.ndarray:
        """The works' vectors in catalogue order (zeros for a work the semantic index lacks)."""
        rows = {int(w): i for i, w in enumerate(self.semantic.ids)}
        aligned = np.zeros((len(self.catalogue), self.semantic.dim), dtype=np.float32)
        for i, entry in enumerate(self.catalogue):
            if entry["id"] in rows:
                aligned[i] = self.semantic.matrix[rows[entry["id"]]]
        return aligned

    @cached_property
    def years(self) -> np.ndarray:
        """Publication year of each catalogue work; 0 where unknown."""
        return np.array([e["year"] or 0 for e in self.catalogue], dtype=np.int64)

    def semantic_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine of every catalogue work to each query vector: shape (works,) or (works, queries)."""
        return self.matrix @ np.asarray(query_vectors, dtype=np.float32).T

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every catalogue work, in catalogue order."""
        scores = self.lexical.scores(query)
        if len(self.lexical.ids) == len(self.catalogue) and self._lexical_aligned:
            return scores
        by_id = dict(zip(self.lexical.ids.tolist(), scores.tolist(), strict=True))
        return np.asarray([by_id.get(e["id"], 0.0) for e in self.catalogue], dtype=np.float32)

    @cached_property
    def _lexical_aligned(self) -> bool:
        return self.lexical.ids.tolist() == [e["id"] for e in self.catalogue]

    def vectors(self, work_ids: list[int]) -> np.ndarray:
        """The vectors of the given works, in that order."""
        rows = self.positions()
        return self.matrix[[rows[w] for w in work_ids]]
