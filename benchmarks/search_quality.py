"""Search quality on a gold virtual issue: BM25 alone, embeddings alone, plain RRF and the hybrid.

    python benchmarks/search_quality.py --library DIR [--gold GOLD.json] [--grid]

All rows are measured in one run on the same library and brief. Within the journal (the gold's
venue) and in the whole library: recall@10/20/50 of the ranked candidates, and how many gold
articles the selection of 10 (maximal marginal relevance) takes. --grid also prints how the
hybrid's figures move with its main weights, to show how sensitive the defaults are.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

from vissue.evaluate.gold import evaluate, load_gold
from vissue.library.store import Library
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings
from vissue.search.semantic import SentenceTransformerEmbedder

SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "kazakhstan-2022" / "gold.json"
OFF = dict(place_weight=0.0, recency_weight=0.0)
METHODS = {
    "BM25 alone": SearchSettings(semantic_weight=0.0, **OFF),
    "embeddings alone (event text)": SearchSettings(lexical_weight=0.0, semantic_mix=1.0, **OFF),
    "embeddings alone (event + aspects)": SearchSettings(lexical_weight=0.0, **OFF),
    "plain RRF (BM25 + event text)": SearchSettings(semantic_mix=1.0, **OFF),
    "hybrid, no boosts": SearchSettings(**OFF),
    "hybrid + places": SearchSettings(recency_weight=0.0),
    "hybrid (default: + places + recency)": SearchSettings(),
}


def row(name: str, result: dict) -> str:
    journal = " ".join(f"{result[f'recall@{k}']:.1f}" for k in (10, 20, 50))
    whole = " ".join(f"{result['unfiltered'][f'recall@{k}']:.1f}" for k in (10, 20, 50))
    return f"| {name} | {result['selected_gold']}/{result['gold']} | {journal} | {whole} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--gold", default=str(SEED))
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    with Library(args.library, create=False) as library:
        index = SearchIndex.open(library, SentenceTransformerEmbedder())
        print(f"{gold.name}: {len(gold.articles)} gold articles, journal {gold.journal}")
        print("| method | selected (of gold) | recall@10 20 50, journal | recall@10 20 50, whole library |")
        print("|---|---|---|---|")
        for name, settings in METHODS.items():
            print(row(name, evaluate(library, index, gold, settings=settings)))
        if args.grid:
            print("\nhybrid around the defaults: place_weight, recency_weight, semantic_mix")
            for place, recency, mix in itertools.product((0, 1, 2, 3), (0, 1, 2), (0.0, 0.25, 0.5, 1.0)):
                settings = replace(SearchSettings(), place_weight=place, recency_weight=recency, semantic_mix=mix)
                print(row(f"place {place}, recency {recency}, mix {mix}", evaluate(library, index, gold, settings=settings)))


if __name__ == "__main__":
    main()
