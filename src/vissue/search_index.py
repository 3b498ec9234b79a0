"""The library's search indexes, loaded together: lexical (BM25), semantic (embeddings), catalogue.

`SearchIndex.open(library, embedder)` loads the indexes saved in the library folder when they
were built from the library as it is now, and builds (and saves) them otherwise. Building the
semantic index embeds only the works whose text the embedding cache has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .index.lexical import Bm25Index
from .index.semantic import Embedder, SemanticIndex, embed_works
from .library import Library

Progress = Callable[[int, int], None]
LEXICAL_DIR = "bm25"


@dataclass
class SearchIndex:
    library_path: Path
    catalogue: list[dict[str, Any]]  # id, venue_id, year, doc_type, title, abstract, keywords
    lexical: Bm25Index
    semantic: SemanticIndex
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
        return cls(library.path, catalogue, lexical, semantic, embedder, state)

    def positions(self) -> dict[int, int]:
        """Work id -> row in the catalogue."""
        return {entry["id"]: i for i, entry in enumerate(self.catalogue)}

    def semantic_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every catalogue work to the query, in catalogue order."""
        by_id = dict(zip(self.semantic.ids.tolist(), (self.semantic.matrix @ query_vector).tolist(), strict=True))
        return np.asarray([by_id.get(e["id"], 0.0) for e in self.catalogue], dtype=np.float32)

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every catalogue work, in catalogue order."""
        scores = self.lexical.scores(query)
        if self.lexical.ids.tolist() == [e["id"] for e in self.catalogue]:
            return scores
        by_id = dict(zip(self.lexical.ids.tolist(), scores.tolist(), strict=True))
        return np.asarray([by_id.get(e["id"], 0.0) for e in self.catalogue], dtype=np.float32)

    def vectors(self, work_ids: list[int]) -> np.ndarray:
        rows = {wid: i for i, wid in enumerate(self.semantic.ids.tolist())}
        return self.semantic.matrix[[rows[w] for w in work_ids]]
