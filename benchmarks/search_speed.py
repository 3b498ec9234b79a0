"""Warm search latency on a library: the full hybrid search against BM25 scoring alone, same run.

    python benchmarks/search_speed.py --library DIR [--repeat 30]

"Warm" means the indexes and the model are loaded (as in the web app, or any second query of a
process); each query is still embedded. Figures are medians and 95th percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

from vissue.brief.event import brief_from_text
from vissue.library.store import Library
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings, retrieve
from vissue.search.semantic import SentenceTransformerEmbedder

QUERIES = [
    "mass protests in Kazakhstan after a fuel price rise",
    "water management in the Aral Sea basin",
    "labour migration from Tajikistan to Russia",
    "Chinese investment and the Belt and Road in Central Asia",
    "Islam and the state in Uzbekistan",
]


def timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with Library(args.library, create=False) as library:
        started = time.perf_counter()
        index = SearchIndex.open(library, SentenceTransformerEmbedder())
        opened = time.perf_counter() - started
        index.embedder.embed(["warm up"])
        print(f"{len(index)} works; indexes opened in {opened:.2f} s (model loads lazily)")
        print(f"{'query':52} {'bm25 p50':>8} {'hybrid p50':>10} {'p95':>6} {'ratio':>6}")
        settings = SearchSettings(k=20)
        for text in QUERIES:
            brief = brief_from_text(text)
            base = timed(lambda brief=brief: index.lexical_top(brief.text, 20), args.repeat)
            full = timed(lambda brief=brief: retrieve(index, brief, settings), args.repeat)
            b50, f50 = statistics.median(base), statistics.median(full)
            f95 = sorted(full)[int(0.95 * (len(full) - 1))]
            print(f"{text[:52]:52} {b50:8.2f} {f50:10.2f} {f95:6.1f} {f50 / b50:6.1f}")


if __name__ == "__main__":
    main()
