"""Lexical search: BM25 over title, abstract and keywords (bm25s, sparse matrices).

bm25s was chosen by measurement: it indexes the 2,795 works of the WoS library in ~0.2 s and
scores a query against all of them in well under a millisecond (benchmarks/quality.py
and benchmarks/search_speed.py). Tokens are lower-cased, English stop words dropped, and
stemmed with the Snowball stemmer (PyStemmer) so that 'protests' finds 'protest'.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from ..work import Work

_TOKEN = r"(?u)\b\w\w+\b"


def work_document(work: Work) -> str:
    """The text of a work that lexical search sees."""
    parts = [work.title or "", work.abstract or "", "; ".join(work.keywords)]
    return "\n".join(p for p in parts if p)


def _stemmer():
    try:
        import Stemmer  # PyStemmer
    except ImportError:  # stemming is an improvement, not a requirement
        return None
    return Stemmer.Stemmer("english")


class Bm25Index:
    """BM25 scores of every indexed work for a query; ids are the library's work ids."""

    def __init__(self, ids: Sequence[int], retriever: bm25s.BM25, stamp: str = ""):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.retriever = retriever
        self.stamp = stamp
        self._stemmer = _stemmer()
        self._vocab = retriever.vocab_dict

    @classmethod
    def build(cls, ids: Sequence[int], texts: Sequence[str], *, stamp: str = "") -> Bm25Index:
        tokens = bm25s.tokenize(list(texts), token_pattern=_TOKEN, stopwords="en",
                                stemmer=_stemmer(), show_progress=False)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(ids, retriever, stamp)

    def tokens(self, query: str) -> list[str]:
        """The query's tokens that the index knows."""
        found = bm25s.tokenize([query], token_pattern=_TOKEN, stopwords="en", stemmer=self._stemmer,
                               return_ids=False, show_progress=False)[0]
        return [t for t in found if t in self._vocab]

    def stem(self, word: str) -> str:
        """A lower-case word as the index stores it (its Snowball stem)."""
        return self._stemmer.stemWord(word) if self._stemmer is not None else word

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed work, in the order of `self.ids`."""
        tokens = self.tokens(query)
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(self.ids[i]), float(scores[i])) for i in order if scores[i] > 0]

    # -- persistence -------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        self.retriever.save(str(folder), show_progress=False)
        (folder / "vissue.json").write_text(json.dumps({"stamp": self.stamp, "ids": self.ids.tolist()}))

    @classmethod
    def load(cls, folder: Path, *, stamp: str) -> Bm25Index | None:
        """The saved index, or None when there is none or it was built from another library state."""
        meta_path = folder / "vissue.json"
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("stamp") != stamp:
                return None
            retriever = bm25s.BM25.load(str(folder), show_progress=False)
        except (OSError, ValueError, KeyError):
            return None
        return cls(meta["ids"], retriever, stamp)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for a phrase ('Central Asia' matches 'central  Asia')."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(words) + r"(?!\w)", re.IGNORECASE)
