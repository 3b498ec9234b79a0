"""Search indexes over a library: lexical (BM25, `lexical`) and semantic (sentence embeddings,
`semantic`).

Each index is built from the library, saved in the library folder with a stamp of the works it
was built from, and searched through a small interface that another engine can serve later.
"""

from .semantic import (
    Embedder,
    EmbeddingCache,
    HashEmbedder,
    SemanticIndex,
    SentenceTransformerEmbedder,
    build_semantic_index,
    embed_query,
    embed_works,
    work_text,
)

__all__ = [
    "Embedder",
    "EmbeddingCache",
    "HashEmbedder",
    "SemanticIndex",
    "SentenceTransformerEmbedder",
    "build_semantic_index",
    "embed_query",
    "embed_works",
    "work_text",
]
