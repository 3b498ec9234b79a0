"""The search index: top-k calls with filters, exact and HNSW vectors, the delta, the desk's view.

Synthetic libraries with the HashEmbedder check the mechanics; the real library (2,795 works,
the real model) checks that fusing top lists ranks as the whole-library ranking does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import shared_path
from vissue.brief.event import brief_from_text
from vissue.evaluate.gold import load_gold, match_gold
from vissue.library.store import Library
from vissue.search import index as index_module
from vissue.search.index import Filters, SearchIndex, VectorStore
from vissue.search.retrieve import SearchSettings, event_vector, retrieve
from vissue.search.semantic import HashEmbedder, SentenceTransformerEmbedder, embed_query
from vissue.work import DocType, Venue, Work

TOPICS = ["irrigation water cotton", "oil gas pipelines", "elections parliament parties",
          "migration remittances labour", "nomadic pastoralism livestock"]


def work(i: int, topic: str | None = None, **kw) -> Work:
    topic = topic or TOPICS[i % len(TOPICS)]
    base = dict(title=f"Study {i} of {topic}", abstract=f"We examine {topic} in case number {i}.",
                ids={"doi": f"10.9999/index.{i}"}, year=2000 + i % 20, doc_type=DocType.ARTICLE,
                venue=Venue(f"Journal {i % 3}", f"1234-567{i % 3}"))
    base.update(kw)
    return Work(**base)


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib") as lib:
        for i in range(60):
            lib.add(work(i))
        yield lib


def unit_rows(matrix):
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


# -- vectors -----------------------------------------------------------------------------------

def test_exact_vector_top_agrees_with_a_full_sort_and_respects_the_mask():
    rng = np.random.default_rng(7)
    matrix = unit_rows(rng.standard_normal((3000, 16)))
    store = VectorStore(matrix.astype(np.float16))
    allowed = rng.random(3000) < 0.3
    queries = unit_rows(rng.standard_normal((3, 16)))
    found = store.top(queries, 25, allowed)
    scores = matrix.astype(np.float16).astype(np.float32) @ queries.T
    expected = set()
    for q in range(3):
        rows = np.flatnonzero(allowed)
        expected |= set(rows[np.argsort(-scores[rows, q], kind="stable")[:25]].tolist())
    assert set(found.tolist()) == expected
    assert allowed[found].all()
    assert len(store.top(queries, 5, np.zeros(3000, dtype=bool))) == 0


def test_hnsw_finds_nearly_what_the_exact_scan_finds():
    from usearch.index import Index

    rng = np.random.default_rng(3)
    centres = unit_rows(rng.standard_normal((40, 64)))
    matrix = unit_rows(centres[rng.integers(0, 40, 20_000)] + 0.15 * rng.standard_normal((20_000, 64)))
    ann = Index(ndim=64, metric="cos", dtype="f16", connectivity=16, expansion_add=128, expansion_search=128)
    ann.add(np.arange(len(matrix), dtype=np.uint64), matrix)
    exact, approx = VectorStore(matrix.astype(np.float16)), VectorStore(matrix.astype(np.float16), ann)
    queries = unit_rows(centres[rng.integers(0, 40, 20)] + 0.15 * rng.standard_normal((20, 64)))
    allowed = np.ones(len(matrix), dtype=bool)
    allowed[rng.random(len(matrix)) < 0.5] = False  # a filter: half the works
    recall = []
    for q in queries:
        truth = set(exact._exact_top(q[None], 20, allowed).tolist())
        got = approx._ann_top(q[None], 20, allowed, int(allowed.sum()))
        assert got is not None and allowed[got].all()
        recall.append(len(truth & set(got.tolist())) / 20)
    assert np.mean(recall) >= 0.95, recall


# -- the index of a library --------------------------------------------------------------------

def test_filters_apply_before_ranking(library):
    embedder = HashEmbedder()
    index = SearchIndex.open(library, embedder)
    query = "study of irrigation water cotton"  # every title has 'study'; work 10 the topic too
    venue = library.find_venues("Journal 1")
    filters = Filters(since=2005, until=2014, venue_ids=frozenset(venue))
    allowed = {e["id"] for e in library.catalogue() if 2005 <= e["year"] <= 2014 and e["venue_id"] in venue}
    ids, scores = index.lexical_top(query, 5, filters)
    assert len(ids) == 5 and list(scores) == sorted(scores, reverse=True)
    assert set(ids.tolist()) <= allowed and len(allowed) > 5
    assert ids[0] == library.get("10.9999/index.10").id
    vector_ids, cosines = index.vector_top(embed_query(embedder, query), 4, filters)
    assert len(vector_ids) == 4 and set(vector_ids.tolist()) <= allowed
    assert cosines.shape == (len(vector_ids), 1)
    kinds = Filters(exclude_kinds=frozenset({"article"}))
    assert len(index.lexical_top(query, 5, kinds)[0]) == 0


def test_new_works_go_to_a_delta_without_a_rebuild(library, monkeypatch):
    embedder = HashEmbedder()
    index = SearchIndex.open(library, embedder)

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the main index was rebuilt")

    monkeypatch.setattr(index_module, "build_main", no_rebuild)
    assert not index.refresh(library)
    added = [library.add(work(100 + i, topic="glacier melt hydropower")).work_id for i in range(10)]
    changed = library.add(work(7, abstract="Now about glacier melt hydropower instead, in a longer abstract than it had.")).work_id
    assert index.refresh(library)
    ids, _ = index.lexical_top("glacier melt hydropower", 20)
    assert set(added) | {changed} <= set(ids.tolist())
    vector_ids, _ = index.vector_top(embed_query(embedder, "glacier melt hydropower"), 11)
    assert set(added) <= set(vector_ids.tolist())
    assert np.allclose(index.vectors([changed])[0], embedder.embed(
        ["Study 7 of elections parliament parties. Now about glacier melt hydropower instead, in a longer abstract than it had."])[0], atol=1e-3)
    reopened = SearchIndex.open(library, embedder)  # a new process: the same delta, no rebuild
    assert set(added) <= set(reopened.lexical_top("glacier melt hydropower", 20)[0].tolist())


def test_a_large_delta_is_merged_into_the_main_index(library, monkeypatch):
    embedder = HashEmbedder()
    SearchIndex.open(library, embedder)
    monkeypatch.setattr(index_module, "MERGE_MIN", 5)
    for i in range(8):
        library.add(work(200 + i))
    index = SearchIndex.open(library, embedder)
    assert len(index.main.columns.ids) == 68 and len(index.delta.columns.ids) <= 1


def test_a_stale_or_broken_index_folder_is_rebuilt(library):
    embedder = HashEmbedder()
    folder = SearchIndex.open(library, embedder) and index_module.index_folder(library.path, embedder.name)
    (folder / "manifest.json").write_text("{broken")
    index = SearchIndex.open(library, embedder)
    assert len(index.main.columns.ids) == 60
    assert json.loads((folder / "manifest.json").read_text())["works"] == 60


# -- the real library: top lists rank as the whole library does -------------------------------

def dev_cases() -> list[Path]:
    folder = shared_path("dev-cases")
    return [p for p in sorted(folder.glob("*.json")) if p.name != "theme-mix.json"]


def test_coupling_reads_the_seeds_references_alone_and_gives_the_whole_product(seed_library):
    """The coupling of every work, read through the seeds' reference columns, is the product of
    the whole works x references matrix with the seeds' centroid (the real library's references)."""
    with Library(seed_library) as library:
        references = SearchIndex.open(library, SentenceTransformerEmbedder()).main.references
    assert references is not None and not references.empty
    rng = np.random.default_rng(7)
    for seeds in ([0], rng.choice(len(references), 10, replace=False).tolist(), list(range(50))):
        centroid = np.asarray(references.matrix[seeds].sum(axis=0)).ravel()
        whole = references.matrix @ (centroid / np.linalg.norm(centroid))
        assert np.allclose(references.coupling(seeds), whole, atol=1e-6)
    assert not references.coupling([]).any()


def test_pooled_ranking_matches_the_whole_library_ranking(seed_library):
    """retrieve() over top lists (POOL works each, HNSW for the vectors) against the ranking
    of every work of the real library: nearly the same first 20 for each dev case and the
    seed, and the same recall@20."""
    from usearch.index import Index

    cases = [*dev_cases(), shared_path("seed", "kazakhstan-2022", "gold.json")]
    with Library(seed_library) as library:
        index = SearchIndex.open(library, SentenceTransformerEmbedder())
        exact_recall, approx_recall = [], []
        matrix = np.asarray(index.main.vectors.matrix, dtype=np.float32)
        ann = Index(ndim=matrix.shape[1], metric="cos", dtype="f16", connectivity=16,
                    expansion_add=128, expansion_search=128)
        ann.add(np.arange(len(matrix), dtype=np.uint64), matrix)
        for path in cases:
            gold = load_gold(path)
            wanted = {i for i in match_gold(library, gold) if i is not None}
            brief = brief_from_text(gold.event)
            vectors = event_vector(index, brief)
            whole = retrieve(index, brief, SearchSettings(), query_vector=vectors, all_ranked=True)[:20]
            index.main.vectors.ann = ann  # approximate vectors from here on
            try:
                pooled = retrieve(index, brief, SearchSettings(k=20), query_vector=vectors)
            finally:
                index.main.vectors.ann = None
            overlap = len({c.id for c in whole} & {c.id for c in pooled})
            assert overlap >= 18, (path.name, overlap)
            exact_recall.append(len(wanted & {c.id for c in whole}) / len(gold.articles))
            approx_recall.append(len(wanted & {c.id for c in pooled}) / len(gold.articles))
    assert abs(np.mean(exact_recall) - np.mean(approx_recall)) <= 0.01, (exact_recall, approx_recall)


# -- the desk sees works ingested while it serves ----------------------------------------------

def test_the_desk_finds_works_ingested_while_it_serves(seed_library, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    from vissue.web.app import create_app
    from vissue.web.desk import EditorsDesk
    from vissue.web.settings import ServeSettings

    folder = tmp_path / "library"
    shutil.copytree(seed_library, folder)
    desk = EditorsDesk(ServeSettings(library=folder))
    desk.start()
    desk.index(timeout=600)
    query = "Permafrost thaw under the Tian Shan reindeer corridors"
    with TestClient(create_app(desk.settings, desk=desk)) as client:
        before = client.get("/api/search", params={"q": query, "k": 5}).json()["hits"]
        ris = tmp_path / "new.ris"
        ris.write_text("".join(
            f"TY  - JOUR\nTI  - Permafrost thaw and reindeer corridors of the Tian Shan, part {i}\n"
            f"AU  - Tulegenova, Aigerim\nPY  - 2023\nJO  - Journal of Mountain Science\n"
            f"DO  - 10.9999/permafrost.{i}\nAB  - Permafrost thaw under the Tian Shan moves reindeer"
            f" corridors, site {i}.\nER  - \n\n" for i in range(3)), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "vissue", "--library", str(folder), "ingest", str(ris)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        after = client.get("/api/search", params={"q": query, "k": 5}).json()["hits"]
    titles = [h["title"] for h in after]
    assert not any("Permafrost" in h["title"] for h in before)
    assert sum("Permafrost thaw and reindeer corridors" in t for t in titles[:3]) == 3, titles


def test_delta_bm25_scores_like_the_whole_index():
    """A work in the delta scores (nearly) as it would inside the main index: its words keep
    the rarity they have in the library, however few works the delta holds."""
    from vissue.search.lexical import Bm25Index, DeltaBm25

    texts = [f"Study {i} of {TOPICS[i % 5]} in the steppe" + (" with glacier melt" if i % 40 == 0 else "")
             for i in range(400)]
    new = ["Glacier melt and hydropower in the steppe"]
    whole = Bm25Index.build([*texts, *new])
    delta = DeltaBm25(new, Bm25Index.build(texts))
    for query in ("glacier melt hydropower", "steppe", "oil gas pipelines glacier"):
        assert delta.scores(query)[0] == pytest.approx(whole.scores(query)[-1], rel=0.02), query
