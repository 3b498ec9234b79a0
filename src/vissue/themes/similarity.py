"""How alike two selected works are: in meaning, in their words and in what they cite.

    similarity = work_similarity(works, vectors, references, field)   # Similarity: n x n, and its parts

Three readings of each pair of works, each put on one scale (standard scores over the pairs of
this selection, so a reading that tells these works apart weighs as much as it tells them apart):
- meaning: the cosine of their embeddings once the selection's mean is taken off (what every
  work shares, the issue's subject, does not make two works alike);
- words: the cosine of their TF-IDF vectors over title and keywords (counted double) and abstract,
  each word weighed by how rare it is in the library (`field.frequency`; without a field, in the
  works given): in a library all on one region, the region's words say little;
- citations: bibliographic coupling, the cosine of their sets of cited references, where both
  works carry references (records from some sources carry none: that pair is then read by
  meaning and words alone, never pushed apart for it).
The similarity is the mean of the readings a pair has (WEIGHTS). `readings()` gives each reading
on its own, on the same scale, for grouping that weighs their agreement (``groups``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..issue import IssueWork
from ..search.semantic import unit_rows
from ..text import fold
from .field import FieldVocabulary
from .words import terms

#: Weights of the readings: equal. Of the grid words 0.25-1 x citations 0.5-1.5 (meaning 1) measured
#: on the theme mix (k from the data and k = 7, and leaving each issue out) and the seed together,
#: equal weights are as good as any on each and the best on the mix with an issue left out.
WEIGHTS = {"meaning": 1.0, "words": 1.0, "citations": 1.0}

_DOI = re.compile(r"10\.\d{4,9}/\s?[^\s,;\]]+")


def reference_key(reference: str) -> str | None:
    """One key a cited work, whatever the record's style: its DOI, else 'family|year|source'.

    'Adams LL, 2009, EUROPE-ASIA STUD, V61, P1249' -> 'adams|2009|europe'. None when the
    reference has too little to be told from another (a bare name).
    """
    text = reference.lower()
    doi = _DOI.search(text)
    if doi:
        return doi.group(0).replace(" ", "").rstrip(".)")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    family = re.findall(r"[a-z]+", fold(parts[0]))
    source = re.sub(r"[^a-z]", "", fold(parts[2]))[:6]
    return f"{family[0]}|{parts[1]}|{source}" if family and source else None


@dataclass
class Similarity:
    combined: np.ndarray  # n x n, standard-score scale: 0 is an average pair of this selection
    cosine: np.ndarray  # n x n cosine of the embeddings as they are (what a rationale quotes)
    meaning: np.ndarray  # n x n cosine, selection-centred embeddings
    words: np.ndarray  # n x n TF-IDF cosine
    citations: np.ndarray  # n x n cosine of the cited-reference sets (NaN where a work has none)
    shared: np.ndarray  # n x n count of cited references in common (0 where a work has none)

    def readings(self) -> list[np.ndarray]:
        """Each reading the works have (citations only where some pair has them), on the combined
        scale: standard scores, a pair without the reading at 0 (an average pair)."""
        found = []
        for matrix in (self.meaning, self.words, self.citations):
            scored = _standard(matrix)
            off = ~np.eye(len(matrix), dtype=bool)
            if len(matrix) > 1 and not np.isnan(scored[off]).all():
                scored = np.where(np.isnan(scored), 0.0, scored)
                np.fill_diagonal(scored, scored.max())
                found.append(scored)
        return found


def work_similarity(works: list[IssueWork], vectors: np.ndarray,
                    references: list[list[str]] | None = None, field: FieldVocabulary | None = None) -> Similarity:
    """The pairwise similarity of the works (module docstring); references[i] are works[i]'s
    citations; field: the library's word counts (`library_field`), what a shared word is weighed by."""
    n = len(works)
    vectors = np.asarray(vectors, dtype=np.float64)
    centred = unit_rows(vectors - vectors.mean(axis=0)) if n > 2 else vectors
    meaning = centred @ centred.T
    words = _word_similarity(works, field)
    keys = [{k for k in map(reference_key, refs) if k} for refs in (references or [[] for _ in works])]
    shared = np.array([[len(a & b) for b in keys] for a in keys], dtype=np.float64)
    sizes = np.array([len(k) for k in keys], dtype=np.float64)
    both = np.outer(sizes > 0, sizes > 0)
    citations = np.where(both, shared / np.sqrt(np.maximum(np.outer(sizes, sizes), 1)), np.nan)
    readings = {"meaning": meaning, "words": words, "citations": citations}
    total = np.zeros((n, n))
    weight = np.zeros((n, n))
    for name, matrix in readings.items():
        scored = _standard(matrix)
        present = ~np.isnan(scored)
        total += np.where(present, scored, 0.0) * WEIGHTS[name]
        weight += present * WEIGHTS[name]
    combined = total / np.maximum(weight, 1e-12)
    np.fill_diagonal(combined, combined.max() if n else 0.0)
    return Similarity(combined, vectors @ vectors.T, meaning, words, citations, np.where(both, shared, 0.0))


def _word_similarity(works: list[IssueWork], field: FieldVocabulary | None) -> np.ndarray:
    """Cosine of TF-IDF vectors: 1 + log of a word's count in the work, times its inverse document
    frequency in the library (scikit-learn's smoothed idf) or, without a field, in the works."""
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    texts = [terms(" ".join([w.title or ""] * 2 + [" ; ".join(w.keywords)] * 2 + [w.abstract or ""])) for w in works]
    vocabulary = {t: i for i, t in enumerate(sorted({t for text in texts for t in text}))}
    if not vocabulary:  # no word left in any work (empty titles and abstracts)
        return np.zeros((len(works), len(works)))
    if field is not None and field.counted:
        documents, frequency = field.counted, [max(field.frequency(t), 1) for t in vocabulary]
    else:
        documents, frequency = len(works), [sum(t in set(text) for text in texts) for t in vocabulary]
    idf = np.log((1 + documents) / (1 + np.asarray(frequency, dtype=np.float64))) + 1
    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        for term, count in Counter(text).items():
            rows.append(row)
            cols.append(vocabulary[term])
            values.append((1 + np.log(count)) * idf[vocabulary[term]])
    matrix = normalize(csr_matrix((values, (rows, cols)), shape=(len(works), len(vocabulary))))
    return np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)


def _standard(matrix: np.ndarray) -> np.ndarray:
    """Standard scores over the off-diagonal pairs that have a value (NaN stays NaN)."""
    n = len(matrix)
    values = matrix[~np.eye(n, dtype=bool)]
    values = values[~np.isnan(values)]
    if values.size < 2 or values.std() < 1e-9:
        return np.where(np.isnan(matrix), np.nan, 0.0)
    return (matrix - values.mean()) / values.std()


__all__ = ["WEIGHTS", "Similarity", "reference_key", "work_similarity"]
