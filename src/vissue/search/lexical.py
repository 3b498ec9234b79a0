"""Lexical search: BM25 over title, abstract and keywords (bm25s, sparse matrices).

bm25s was chosen by measurement: it indexes the 2,795 works of the WoS library in ~0.2 s and
scores a query against all of them in well under a millisecond (benchmarks/quality.py
and benchmarks/search_speed.py). Tokens are lower-cased, English stop words dropped, and
stemmed with the Snowball stemmer (PyStemmer) so that 'protests' finds 'protest'. A saved
index is memory-mapped: its pages are read from disk as queries touch them.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from ..work import Work

_TOKEN = r"(?u)\b\w\w+\b"


def work_document(work: Work) -> str:
    """The text of a work that lexical search sees."""
    return document_text(work.title or "", work.abstract or "", work.keywords)


def document_text(title: str, abstract: str, keywords: Sequence[str]) -> str:
    """Title, abstract and keywords as one text (what BM25 indexes)."""
    return "\n".join(p for p in (title, abstract, "; ".join(keywords)) if p)


def _stemmer():
    try:
        import Stemmer  # PyStemmer
    except ImportError:  # stemming is an improvement, not a requirement
        return None
    return Stemmer.Stemmer("english")


class Bm25Index:
    """BM25 over documents numbered 0..n-1 (the caller keeps what each row is)."""

    def __init__(self, retriever: bm25s.BM25 | None, size: int, average_length: float = 0.0):
        self.retriever = retriever
        self.size = size
        self.average_length = average_length  # tokens a document, for scoring others alike
        self._stemmer = _stemmer()
        self._vocab = retriever.vocab_dict if retriever is not None else {}

    @classmethod
    def build(cls, texts: Sequence[str]) -> Bm25Index:
        if not texts:
            return cls(None, 0)
        tokens = bm25s.tokenize(list(texts), token_pattern=_TOKEN, stopwords="en",
                                stemmer=_stemmer(), show_progress=False)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts), sum(map(len, tokens.ids)) / len(texts))

    def analyse(self, texts: Sequence[str]) -> list[list[str]]:
        """Each text's tokens, as the index makes them (known to it or not)."""
        return bm25s.tokenize(list(texts), token_pattern=_TOKEN, stopwords="en", stemmer=self._stemmer,
                              return_ids=False, show_progress=False)

    def document_frequency(self, token: str) -> int:
        """How many indexed documents hold the token."""
        column = self._vocab.get(token)
        if column is None or self.retriever is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def tokens(self, query: str) -> list[str]:
        """The query's tokens that the index knows."""
        found = bm25s.tokenize([query], token_pattern=_TOKEN, stopwords="en", stemmer=self._stemmer,
                               return_ids=False, show_progress=False)[0]
        return [t for t in found if t in self._vocab]

    def stem(self, word: str) -> str:
        """A lower-case word as the index stores it (its Snowball stem)."""
        return self._stemmer.stemWord(word) if self._stemmer is not None else word

    def scores(self, query: str, allowed: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every row (0 where `allowed`, a boolean mask, is False)."""
        tokens = self.tokens(query)
        if not tokens or self.retriever is None:
            return np.zeros(self.size, dtype=np.float32)
        mask = None if allowed is None else allowed.astype(np.float32)
        return np.asarray(self.retriever.get_scores(tokens, weight_mask=mask), dtype=np.float32)

    def top(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the k best-scoring allowed rows with a score above 0, best first;
        ties by lower row."""
        return top_rows(self.scores(query, allowed), k)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        if self.retriever is not None:
            self.retriever.save(str(folder), show_progress=False)
        (folder / "vissue.json").write_text(json.dumps({"size": self.size, "average_length": self.average_length}))

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        """The saved index, memory-mapped."""
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        meta = json.loads((folder / "vissue.json").read_text())
        retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False) if meta["size"] else None
        return cls(retriever, meta["size"], meta["average_length"])


class DeltaBm25:
    """BM25 of a few documents (the delta) with the statistics of a larger index (document
    frequencies, number and average length of documents), so that their scores compare with
    its own: a word rare in the library stays rare in the delta."""

    def __init__(self, texts: Sequence[str], main: Bm25Index) -> None:
        self.main = main
        self.size = len(texts)
        self.documents = [Counter(tokens) for tokens in main.analyse(texts)] if texts else []
        self.lengths = np.array([sum(d.values()) for d in self.documents], dtype=np.float32)
        retriever = main.retriever
        self.k1, self.b = (retriever.k1, retriever.b) if retriever is not None else (1.5, 0.75)
        self.count = main.size + self.size
        own = float(self.lengths.mean()) if self.size else 0.0
        self.average_length = ((main.average_length * main.size + own * self.size) / self.count
                               if self.count else 1.0) or 1.0

    def scores(self, query: str, allowed: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return out
        norm = self.k1 * ((1 - self.b) + self.b * self.lengths / self.average_length)
        for token in dict.fromkeys(self.main.analyse([query])[0]):
            tf = np.array([d.get(token, 0) for d in self.documents], dtype=np.float32)
            if not tf.any():
                continue
            df = self.main.document_frequency(token) + int((tf > 0).sum())
            idf = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            out += idf * tf / (norm + tf)
        return out if allowed is None else np.where(allowed, out, 0.0).astype(np.float32)

    def top(self, query: str, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return top_rows(self.scores(query, allowed), k)


def top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the k highest scores above 0, best first, ties by lower row."""
    positive = np.flatnonzero(scores > 0)
    if k < len(positive):
        part = scores[positive]
        kth = np.partition(part, len(part) - k)[len(part) - k]
        positive = positive[part >= kth]
    order = positive[np.lexsort((positive, -scores[positive]))][:k]
    return order, scores[order]


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for a phrase ('Central Asia' matches 'central  Asia')."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"(?!\w)", re.IGNORECASE)
