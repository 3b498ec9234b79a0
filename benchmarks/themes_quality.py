"""Theme quality: vissue's themes against Ward and k-means on the same MiniLM embeddings.

    python benchmarks/themes_quality.py --library DIR [--mix theme-mix.json] [--gold gold.json]

One run, one library (the WoS export + the seed's RIS), the same embeddings for every method:
- the theme mix (35 articles of 7 special issues): adjusted Rand index against `group` of
  vissue's themes (number chosen from the data, and told 7 as `--themes 7`), Ward and k-means
  with k = 7 and with k chosen from the data (the best silhouette over vissue's range of sizes);
- leave one group out: the same, with each of the 7 issues taken out in turn (6 left), mean ARI;
- the seed: the selection `vissue eval` makes from the gold event, ARI over the gold works
  selected and names matched (`theme_agreement`), beside Ward at the size vissue chose;
- names: each of the mix's 7 issues named against the other six (`name_groups`), scored against
  the issue's topic label (`themes_in_editorial_order` of its dev case) by the name measure
  (max of the names' cosine and their content-word overlap), beside the baseline of the
  issue's most used author keyword (no place);
- the time of assign_themes on the seed's ten works, against Ward's on the same vectors.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from vissue.evaluate.gold import evaluate, load_gold
from vissue.evaluate.themes import name_overlap
from vissue.issue import IssueWork
from vissue.library.store import Library
from vissue.search.index import SearchIndex
from vissue.search.semantic import SentenceTransformerEmbedder, unit_rows
from vissue.themes.assign import assign_themes, theme_sizes
from vissue.themes.field import FieldVocabulary, library_field
from vissue.themes.names import name_groups
from vissue.themes.words import place_words, plural_stems

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def ward(vectors: np.ndarray, k: int) -> np.ndarray:
    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)


def kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)


def chosen_k(method, vectors: np.ndarray) -> tuple[int, np.ndarray]:
    """The baseline's k from the data: the best cosine silhouette over vissue's range of sizes."""
    tried = [(silhouette_score(vectors, labels, metric="cosine"), k, labels)
             for k in theme_sizes(len(vectors)) if 1 < k < len(vectors)
             for labels in [method(vectors, k)]]
    _, k, labels = max(tried, key=lambda t: (t[0], -t[1]))
    return k, labels


def vissue_labels(works, vectors, references, embedder, field, count=None) -> tuple[int, list[str]]:
    themes = assign_themes(works, vectors, embedder=embedder, references=references, count=count, field=field)
    of = {w: t.id for t in themes for w in t.works}
    return len(themes), [of[w.id] for w in works]


def mix_rows(works, vectors, references, groups, embedder, field) -> dict[str, tuple[float, int]]:
    ari = lambda labels: round(float(adjusted_rand_score(groups, labels)), 3)  # noqa: E731
    k_true = len(set(groups))
    k, labels = vissue_labels(works, vectors, references, embedder, field)
    rows = {"vissue themes (k from the data)": (ari(labels), k)}
    _, labels = vissue_labels(works, vectors, references, embedder, field, count=k_true)
    rows[f"vissue themes --themes {k_true}"] = (ari(labels), k_true)
    for name, method in (("Ward", ward), ("k-means", kmeans)):
        rows[f"{name} k={k_true}"] = (ari(method(vectors, k_true)), k_true)
        k, labels = chosen_k(method, vectors)
        rows[f"{name} (k from the data)"] = (ari(labels), k)
    return rows


def most_used_keyword(group: list[IssueWork]) -> str:
    """The baseline name: the author keyword most of the group's works give (no place), first on ties."""
    places = place_words()
    counts: dict[str, list] = {}
    for work in group:
        for keyword in dict.fromkeys(" ".join(plural_stems(k)) for k in work.keywords):
            if keyword and not set(keyword.split()) & places:
                counts.setdefault(keyword, [0, next(k for k in work.keywords
                                                    if " ".join(plural_stems(k)) == keyword)])[0] += 1
    return max(counts.values(), key=lambda c: c[0])[1].lower() if counts else group[0].title


def name_rows(works, vectors, groups, cases: Path, embedder, field: FieldVocabulary) -> None:
    """Each issue of the mix named against the others, scored against its dev case's label."""
    issues = sorted(set(groups))
    rows = [[i for i, g in enumerate(groups) if g == issue] for issue in issues]
    members = [[works[i] for i in row] for row in rows]
    ours = [n.label for n in name_groups(members, embedder, [unit_rows(vectors[r].mean(axis=0)) for r in rows], field)]
    base = [most_used_keyword(m) for m in members]
    import json

    gold = [json.loads((cases / f"{issue}.json").read_text(encoding="utf-8"))["themes_in_editorial_order"][0]
            for issue in issues]
    vectors = np.asarray(embedder.embed([*gold, *ours, *base]), dtype=np.float64)
    n = len(gold)

    def measure(names: list[str], at: int) -> list[float]:
        return [max(float(vectors[i] @ vectors[at + i]), name_overlap(g, x))
                for i, (g, x) in enumerate(zip(gold, names, strict=True))]

    our, their = measure(ours, n), measure(base, 2 * n)
    print("names: each mix issue named against the other six; name measure against its topic label")
    for issue, label, a, x, b, y in zip(issues, gold, ours, our, base, their, strict=True):
        print(f"  {issue:<20} {a!r:<40} {x:.2f}   most used keyword {b!r:<26} {y:.2f}   ({label!r})")
    print(f"  mean: vissue {np.mean(our):.3f}; most used keyword {np.mean(their):.3f}"
          f" ({np.mean(our) / max(np.mean(their), 1e-9):.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, type=Path)
    parser.add_argument("--mix", type=Path, default=DATA / "dev-cases" / "theme-mix.json")
    parser.add_argument("--gold", type=Path, default=DATA / "seed" / "kazakhstan-2022" / "gold.json")
    args = parser.parse_args()
    import json

    embedder = SentenceTransformerEmbedder()
    mix = json.loads(args.mix.read_text(encoding="utf-8"))
    with Library(args.library) as library:
        index = SearchIndex.open(library, embedder)
        stored = [library.get(w["wos_ut"]) for w in mix["works"]]
        works = [IssueWork.from_stored(s) for s in stored]
        references = [list(s.work.references) for s in stored]
        vectors = index.vectors([s.id for s in stored])
        groups = [w["group"] for w in mix["works"]]
        seed = evaluate(library, index, load_gold(args.gold))
        seed_ids = [s["id"] for s in seed["selected"]]
        seed_stored = [library.get(str(i)) for i in seed_ids]
        seed_vectors = index.vectors(seed_ids)
        field = library_field(library)

    print(f"theme mix: {len(works)} works, {len(set(groups))} groups; ARI against `group` (k: themes made)")
    rows = mix_rows(works, vectors, references, groups, embedder, field)
    for name, (value, k) in rows.items():
        print(f"  {name:<34} ARI {value:6.3f}   k={k}")

    print("leave one group out (6 groups left, mean ARI over the 7 runs)")
    totals: dict[str, list[float]] = {}
    for left_out in sorted(set(groups)):
        keep = [i for i, g in enumerate(groups) if g != left_out]
        sub = mix_rows([works[i] for i in keep], vectors[keep], [references[i] for i in keep],
                       [groups[i] for i in keep], embedder, field)
        for name, (value, _) in sub.items():
            totals.setdefault(name.replace("=7", "=6").replace(" 7", " 6"), []).append(value)
    for name, values in totals.items():
        print(f"  {name:<34} ARI {np.mean(values):6.3f}   (min {min(values):.3f})")

    print(f"seed ({seed['name']}): {seed['selected_gold']} of {seed['gold']} gold works selected,"
          f" {seed['theme_gold_selected']} with a theme")
    print(f"  vissue themes                      ARI {seed['theme_ari']:6.3f}   k={len(seed['themes'])}"
          f"   names matched {seed['theme_names_matched']} of {seed['theme_names_total']}")
    gold_of = {s["id"]: s["gold_theme"] for s in seed["selected"]}
    keep = [i for i, w in enumerate(seed_ids) if gold_of[w]]
    labels = ward(seed_vectors, len(seed["themes"]))
    print(f"  Ward k={len(seed['themes'])}                           ARI "
          f"{adjusted_rand_score([gold_of[seed_ids[i]] for i in keep], [labels[i] for i in keep]):6.3f}")
    for pair in seed["theme_name_pairs"]:
        print(f"    {pair['gold']!r:<40} <- {pair['produced']!r} ({pair['score']:.2f})")

    seed_works = [IssueWork.from_stored(s) for s in seed_stored]
    seed_refs = [list(s.work.references) for s in seed_stored]
    name_rows(works, vectors, groups, args.mix.parent, embedder, field)

    assign_themes(seed_works, seed_vectors, embedder=embedder, references=seed_refs, field=field)  # warm the model
    started = time.perf_counter()
    for _ in range(3):
        assign_themes(seed_works, seed_vectors, embedder=embedder, references=seed_refs, field=field)
    ours = (time.perf_counter() - started) / 3
    started = time.perf_counter()
    for _ in range(3):
        ward(seed_vectors, len(seed["themes"]))
    base = (time.perf_counter() - started) / 3
    print(f"time, seed's {len(seed_works)} works: assign_themes {ours:.2f} s; Ward alone {base * 1000:.1f} ms"
          f" ({ours / max(base, 1e-9):.0f}x: the names are embedded)")


if __name__ == "__main__":
    main()
