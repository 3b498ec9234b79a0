"""Theme grouping beyond the one mix: ARI over many sub-mixes of the dev issues, with and without strangers.

    python benchmarks/themes_submix.py --library DIR [--strangers 3] [--against CHECKOUT]

The theme mix (`dev-cases/theme-mix.json`) is one case: a change that helps it alone may be tuned
to it. This benchmark scores the grouping (`assign_themes`, number of themes chosen from the data,
and told the true number) on:
- full: the mix's 35 articles, 7 issues;
- sub: every subset of 4, 5 and 6 of the 7 issues (63 mixes);
- sub+s: each of those with `--strangers` works of the library added (drawn at random, seeded, each
  its own group: a good grouping keeps each apart or at least out of the issues' groups);
- alone+s: each issue alone with 2 strangers (does it keep the issue together and the strangers out?);
- seed: the seed's selection (`vissue eval` of its gold), ARI over the gold works selected.
Each row: mean ± standard deviation of the adjusted Rand index. Against Ward and k-means on the
same MiniLM embeddings (k told, and k by the best cosine silhouette over vissue's sizes).
`--against` runs the same on another checkout's code in the same run, and counts, for each set,
the cases this code does better and worse on (a change is a gain if it wins on most).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_cases(library_dir: Path, strangers: int) -> tuple[list, dict[str, list]]:
    """(embedder, {set name: [(works, vectors, references, groups), ...]}) read from the library."""
    from vissue.evaluate.gold import evaluate, load_gold, match_gold
    from vissue.issue import IssueWork
    from vissue.library.store import Library
    from vissue.search.index import SearchIndex
    from vissue.search.semantic import SentenceTransformerEmbedder
    from vissue.themes.field import library_field

    embedder = SentenceTransformerEmbedder()
    mix = json.loads((DATA / "dev-cases" / "theme-mix.json").read_text(encoding="utf-8"))
    with Library(library_dir) as library:
        index = SearchIndex.open(library, embedder)

        def load(ids: list[int]):
            stored = [library.get(str(i)) for i in ids]
            return ([IssueWork.from_stored(s) for s in stored], np.asarray(index.vectors(ids), dtype=np.float32),
                    [list(s.work.references) for s in stored])

        mix_ids = [library.get(w["wos_ut"]).id for w in mix["works"]]
        groups = [w["group"] for w in mix["works"]]
        works, vectors, references = load(mix_ids)
        taken = set(mix_ids)
        pool_ids = random.Random(7).sample([e["id"] for e in library.scan() if e["id"] not in taken], 300)
        pool = load(pool_ids)
        gold = load_gold(DATA / "seed" / "kazakhstan-2022" / "gold.json")
        selected = [s["id"] for s in evaluate(library, index, gold)["selected"]]
        theme_of = {i: a["theme"] for a, i in zip(gold.articles, match_gold(library, gold), strict=True)}
        seed = (*load(selected), [theme_of.get(i) for i in selected])
        field = library_field(library)

    def part(keep: list[int], extra: list[int]):
        return ([works[i] for i in keep] + [pool[0][j] for j in extra],
                np.vstack([vectors[keep], pool[1][extra]]) if extra else vectors[keep],
                [references[i] for i in keep] + [pool[2][j] for j in extra],
                [groups[i] for i in keep] + [f"stranger {j}" for j in extra])

    issues = sorted(set(groups))
    sets: dict[str, list] = {"full": [part(list(range(len(works))), [])], "sub": [], "sub+s": [], "alone+s": []}
    for number, combo in enumerate(c for size in (4, 5, 6) for c in itertools.combinations(issues, size)):
        keep = [i for i, g in enumerate(groups) if g in combo]
        sets["sub"].append(part(keep, []))
        sets["sub+s"].append(part(keep, random.Random(number).sample(range(len(pool_ids)), strangers)))
    for number, issue in enumerate(issues):
        keep = [i for i, g in enumerate(groups) if g == issue]
        sets["alone+s"].append(part(keep, random.Random(1000 + number).sample(range(len(pool_ids)), 2)))
    sets["seed"] = [seed]
    return embedder, field, sets


def ari(groups: list, labels: list) -> float:
    keep = [i for i, g in enumerate(groups) if g]
    return float(adjusted_rand_score([groups[i] for i in keep], [labels[i] for i in keep]))


def vissue_method(embedder, field):
    """assign_themes, its naming skipped: names do not change the grouping, and embedding them
    for some 300 groupings would be most of the run."""
    from vissue.themes import assign
    from vissue.themes.names import Name

    assign.name_groups = lambda groups, *rest, **options: [Name(f"group {i}", [], {}) for i in range(len(groups))]
    assign_themes = assign.assign_themes

    def method(works, vectors, references, count):
        themes = assign_themes(works, vectors, embedder=embedder, references=references, count=count, field=field)
        of = {w: t.id for t in themes for w in t.works}
        return [of[w.id] for w in works]
    return method


def baseline(cluster):
    from vissue.themes.assign import theme_sizes

    def method(works, vectors, references, count):
        if count:
            return cluster(vectors, count).tolist()
        tried = [(silhouette_score(vectors, labels, metric="cosine"), -k, labels.tolist())
                 for k in theme_sizes(len(vectors)) if 1 < k < len(vectors) for labels in [cluster(vectors, k)]]
        return max(tried)[2]
    return method


def ward(vectors, k):
    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)


def kmeans(vectors, k):
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)


def score(method, sets, *, told: bool) -> dict[str, list[float]]:
    return {name: [ari(g, method(w, v, r, len({x for x in g if x}) if told else None)) for w, v, r, g in cases]
            for name, cases in sets.items()}


def row(title: str, values: dict[str, list[float]], against: dict[str, list[float]] | None = None) -> str:
    parts = []
    for name, vals in values.items():
        text = f"{name} {np.mean(vals):.3f}±{np.std(vals):.3f}"
        if against is not None and len(vals) > 1:
            diff = np.asarray(vals) - np.asarray(against[name])
            text += f" (+{int((diff > 1e-9).sum())}/-{int((diff < -1e-9).sum())})"
        parts.append(text)
    return f"  {title:<30} " + " | ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, type=Path)
    parser.add_argument("--strangers", type=int, default=3, help="works of the library added to each sub-mix")
    parser.add_argument("--against", type=Path, help="another vissue checkout, scored in the same run")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # where --against's child writes its scores
    args = parser.parse_args()
    embedder, field, sets = load_cases(args.library, args.strangers)
    sizes = ", ".join(f"{name} {len(cases)}" for name, cases in sets.items())
    ours = {"chosen": score(vissue_method(embedder, field), sets, told=False),
            "told": score(vissue_method(embedder, field), sets, told=True)}
    if args.json:  # the child of --against: its scores only
        args.json.write_text(json.dumps(ours), encoding="utf-8")
        return
    theirs = None
    if args.against:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "scores.json"
            env = {**os.environ, "PYTHONPATH": str(args.against.resolve() / "src")}
            subprocess.run([sys.executable, __file__, "--library", str(args.library), "--strangers",
                            str(args.strangers), "--json", str(out)], env=env, check=True)
            theirs = json.loads(out.read_text(encoding="utf-8"))
    print(f"ARI, mean ± sd over the cases of each set ({sizes}); (+wins/-losses) against {args.against}")
    if theirs:
        print(row(f"{args.against.name}: themes (k chosen)", theirs["chosen"]))
    print(row("vissue themes (k chosen)", ours["chosen"], theirs["chosen"] if theirs else None))
    if theirs:
        print(row(f"{args.against.name}: themes (k told)", theirs["told"]))
    print(row("vissue themes (k told)", ours["told"], theirs["told"] if theirs else None))
    for name, cluster in (("Ward", ward), ("k-means", kmeans)):
        print(row(f"{name} (k chosen)", score(baseline(cluster), sets, told=False), ours["chosen"]))
        print(row(f"{name} (k told)", score(baseline(cluster), sets, told=True), ours["told"]))
    print("  (a baseline's +/- counts the cases it does better / worse than vissue on)")


if __name__ == "__main__":
    main()
