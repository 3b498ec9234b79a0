"""Quality on every dev case and the seed, in one run: vissue's defaults beside plain baselines.

    python benchmarks/quality.py --library DIR [--cases DIR_OR_FILE ...] [--embedder NAME] [--markdown]

The library is the one the checks use: the WoS export plus the seed's RIS file. For each
selection case (../shared/data/dev-cases/*.json and the seed's gold.json) and each method:
recall@10/20/50 and nDCG@20 of the ranked candidates, and how many gold works the selection of
10 takes (the seed within its journal, as its editors chose; the dev cases over the whole
library, as their gold files say). Methods:
- BM25 alone, embeddings alone, plain reciprocal rank fusion of the two (the baselines);
- vissue's default search (BM25 + embeddings + shared references, recency).
For a theme mix (dev-cases/theme-mix.json): the adjusted Rand index of vissue's themes (the
number chosen from the data) against the works' groups, beside Ward and k-means clustering of
the same MiniLM embeddings, with k = the number of groups and with k chosen by silhouette.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from vissue.brief.event import brief_from_text
from vissue.evaluate.gold import Gold, gold_venues, load_gold, match_gold, ndcg
from vissue.evaluate.suite import case_paths, evaluate_theme_mix, is_theme_mix
from vissue.library.store import Library
from vissue.search.embedders import DEFAULT_EMBEDDER, EMBEDDERS, make_embedder
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings, event_vector, retrieve
from vissue.search.selection import POOL, select

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CASES = [SHARED / "dev-cases", SHARED / "seed" / "kazakhstan-2022" / "gold.json"]
OFF = dict(coupling_weight=0.0, recency_weight=0.0, aspect_weight=0.0)
METHODS = {
    "BM25 alone": SearchSettings(semantic_weight=0.0, **OFF),
    "embeddings alone": SearchSettings(lexical_weight=0.0, **OFF),
    "plain RRF": SearchSettings(**OFF),
    "vissue, no aspects": SearchSettings(aspect_weight=0.0),
    "vissue default": SearchSettings(),
}
SIZE = 10
DEFAULT_ROW = "vissue default"


def selection_case(library: Library, index: SearchIndex, gold: Gold,
                   methods: dict[str, SearchSettings] = METHODS) -> dict[str, dict[str, float]]:
    """Every method's figures on one gold case."""
    wanted = {i for i in match_gold(library, gold) if i is not None}
    brief = brief_from_text(gold.event)
    vector = event_vector(index, brief)
    venues = gold_venues(library, gold)
    figures = {}
    for name, settings in methods.items():
        ranked = retrieve(index, brief, replace(settings, k=POOL), venue_ids=venues, query_vector=vector,
                          all_ranked=True)
        ids = [c.id for c in ranked]
        chosen = select(ranked[:POOL], index.vectors(ids[:POOL]), SIZE)
        n = len(gold.articles)
        whole = ids if venues is None else [c.id for c in retrieve(
            index, brief, replace(settings, k=50), query_vector=vector)]
        figures[name] = {**{f"recall@{k}": len(wanted & set(ids[:k])) / n for k in (10, 20, 50)},
                         "ndcg@20": ndcg(ids, wanted, n), "selected": len(wanted & set(chosen.ids)) / n,
                         "whole@50": len(wanted & set(whole[:50])) / n}
    return figures


def theme_mix_case(library: Library, index: SearchIndex, path: Path, data: dict) -> dict[str, float | None]:
    """vissue's themes, Ward and k-means on the same embeddings: ARI against the groups."""
    row = evaluate_theme_mix(library, index, path, data)
    articles = [{"title": w.get("title") or "", "doi": w.get("doi"), "wos_ut": w.get("wos_ut"),
                 "theme": str(w["group"])} for w in data["works"]]
    gold = Gold(name=row["name"], event="", journal=None, issn=None, articles=articles, themes=[])
    pairs = [(i, a["theme"]) for i, a in zip(match_gold(library, gold), articles, strict=True) if i is not None]
    vectors = index.vectors([i for i, _ in pairs]).astype(np.float64)
    groups = [g for _, g in pairs]
    k_true = len(set(groups))

    def ward(k: int) -> np.ndarray:
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)

    def kmeans(k: int) -> np.ndarray:
        return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)

    def chosen_k(cluster) -> int:
        ks = range(2, min(12, len(pairs) - 1))
        return max(ks, key=lambda k: silhouette_score(vectors, cluster(k), metric="cosine"))

    result: dict[str, float | None] = {"vissue themes": row["theme_ari"]}
    for name, cluster in (("Ward", ward), ("k-means", kmeans)):
        result[f"{name}, k = {k_true}"] = float(adjusted_rand_score(groups, cluster(k_true)))
        k = chosen_k(cluster)
        result[f"{name}, k = {k} by silhouette"] = float(adjusted_rand_score(groups, cluster(k)))
    result["_themes_found"] = row["themes_found"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--cases", type=Path, nargs="+", default=CASES)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--embedder", choices=list(EMBEDDERS), default=DEFAULT_EMBEDDER,
                        help=f"the vectors' model (default {DEFAULT_EMBEDDER}, vissue's default)")
    parser.add_argument("--grid", metavar="FIELD=V1,V2,...",
                        help="instead of the baselines, vissue's default with one search setting at each value "
                             "(aspect_weight=0,1,2), and which value wins with each case left out")
    args = parser.parse_args()
    methods = grid_methods(parser, args.grid) if args.grid else METHODS
    started = time.perf_counter()
    with Library(args.library) as library:
        index = SearchIndex.open(library, make_embedder(args.embedder))
        selections: dict[str, dict[str, dict[str, float]]] = {}
        mixes: dict[str, dict[str, float | None]] = {}
        for path in case_paths(args.cases):
            data = json.loads(path.read_text(encoding="utf-8"))
            if is_theme_mix(data):
                mixes[path.stem] = theme_mix_case(library, index, path, data)
            else:
                gold = load_gold(path)
                selections[gold.name] = selection_case(library, index, gold, methods)

    names = list(selections)
    dev = [n for n in names if n != "kazakhstan-2022"]
    print(f"## Retrieval: recall@20 per case ({library_note(args.library)}, {args.embedder})\n")
    print("| method | " + " | ".join(names) + f" | **mean of {len(dev)} dev** |")
    print("|---" * (len(names) + 2) + "|")
    for method in methods:
        cells = [f"{selections[n][method]['recall@20']:.2f}" for n in names]
        mean = np.mean([selections[n][method]["recall@20"] for n in dev]) if dev else float("nan")
        print(f"| {method} | " + " | ".join(cells) + f" | **{mean:.3f}** |")
    print(f"\n## Mean over the {len(dev)} dev cases, and the seed\n")
    print("| method | r@10 | r@20 | r@50 | nDCG@20 | selected of 10 | seed: r@20 | seed: selected |"
          " seed: r@50, whole library |")
    print("|---|---|---|---|---|---|---|---|---|")
    for method in methods:
        m = {key: np.mean([selections[n][method][key] for n in dev]) for key in
             ("recall@10", "recall@20", "recall@50", "ndcg@20", "selected")} if dev else {}
        seed = selections.get("kazakhstan-2022", {}).get(method)
        seed_cells = (f"{seed['recall@20']:.2f} | {round(seed['selected'] * 10)}/10 | {seed['whole@50']:.1f}"
                      if seed else "- | - | -")
        print(f"| {method} | " + " | ".join(f"{m[k]:.3f}" for k in
              ("recall@10", "recall@20", "recall@50", "ndcg@20", "selected")) + f" | {seed_cells} |")
    for name, figures in mixes.items():
        print(f"\n## Themes: {name} (adjusted Rand index against the groups; vissue found "
              f"{figures['_themes_found']} themes)\n")
        print("| method | ARI |\n|---|---|")
        for method, value in figures.items():
            if not method.startswith("_"):
                print(f"| {method} | {'-' if value is None else f'{value:.2f}'} |")
    if args.grid and len(dev) > 1:
        print(left_one_out(selections, dev, [m for m in methods if m != DEFAULT_ROW]))
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.json:
        print(json.dumps({"selections": selections, "theme_mixes": mixes}, indent=1))


def grid_methods(parser: argparse.ArgumentParser, grid: str) -> dict[str, SearchSettings]:
    """'aspect_weight=0,1,2' -> {'aspect_weight=0': SearchSettings(aspect_weight=0.0), ...}."""
    name, _, values = grid.partition("=")
    fields = {f.name: f.type for f in dataclasses.fields(SearchSettings)}
    if name not in fields or not values:
        parser.error(f"--grid: give FIELD=V1,V2,... with FIELD one of {', '.join(sorted(fields))}")
    cast = int if fields[name] in (int, "int") else float
    try:
        return {DEFAULT_ROW: SearchSettings()} | {f"{name}={v}": SearchSettings(**{name: cast(v)}) for v in values.split(",")}
    except ValueError:
        parser.error(f"--grid: {values!r} are not numbers")


def left_one_out(selections: dict[str, dict[str, dict[str, float]]], dev: list[str], methods: list[str]) -> str:
    """For each dev case, the value that wins on the other cases (mean recall@20, then nDCG@20)
    and what it gives on the case left out: whether the choice holds beyond the cases it was made on."""
    lines = ["\n## Each dev case left out: the value the others choose, and its recall@20 there\n",
             "| left out | chosen on the others | its r@20 | default's r@20 |", "|---|---|---|---|"]
    held_out, default = [], []
    for case in dev:
        others = [n for n in dev if n != case]
        best = max(methods, key=lambda m: (np.mean([selections[n][m]["recall@20"] for n in others]),
                                           np.mean([selections[n][m]["ndcg@20"] for n in others])))
        mine = selections[case][best]["recall@20"]
        base = selections[case][DEFAULT_ROW]["recall@20"] if DEFAULT_ROW in selections[case] else float("nan")
        held_out.append(mine)
        default.append(base)
        lines.append(f"| {case} | {best} | {mine:.2f} | {base:.2f} |")
    lines.append(f"| **mean** | | **{np.mean(held_out):.3f}** | {np.mean(default):.3f} |")
    return "\n".join(lines)


def library_note(path: Path) -> str:
    with Library(path) as library:
        return f"{library.count():,} works"


if __name__ == "__main__":
    main()
