"""Embedders side by side in one run: texts per second on the library's texts, and dev-suite recall@20.

    python benchmarks/embedding_speed.py --library DIR [-n 256] [--repeat 3] [--only NAME ...]

Speed: n texts drawn at random (seed 0) from the library DIR, each as `vissue index` embeds it
(title and abstract; title alone where there is none), embedded by every embedder of
vissue.search.embedders.EMBEDDERS (or --only) in turns: round 1 runs each once, round 2 each
again, and so on; the best of --repeat rounds counts. The one-off cost of making and loading each
model is shown apart. Each rate is a multiple of the sentence-transformers fp32 model's in the
same run: these machines are shared and loaded (the load average is printed before and after),
so only ratios travel. Quality: each one's vectors for the whole library (cached in DIR by model
name), then recall@20 of vissue's default search over the whole library for each dev case in
shared/data/dev-cases, and their mean; and the mean and least cosine of its vectors to fp32's on
the speed sample (the same network only: a static model's vectors live in another space).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

from vissue.brief.event import brief_from_text
from vissue.evaluate.gold import load_gold, match_gold
from vissue.library.store import Library
from vissue.search.embedders import DEFAULT_EMBEDDER, EMBEDDERS, StaticEmbedder, make_embedder
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings, retrieve
from vissue.search.semantic import work_text

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASELINE = "minilm"


def sample_texts(library: Library, n: int) -> list[str]:
    """n of the library's work texts, drawn at random (seed 0): what indexing it embeds."""
    texts = [work_text(stored.work) for stored in library.works()]
    return random.Random(0).sample(texts, min(n, len(texts)))


def dev_recall(library: Library, index: SearchIndex, cases: list[Path], k: int = 20) -> list[float]:
    """recall@k of the default search over the whole library, one figure a dev case."""
    recalls = []
    for path in cases:
        gold = load_gold(path)
        wanted = {i for i in match_gold(library, gold) if i is not None}
        hits = retrieve(index, brief_from_text(gold.event), SearchSettings(k=k))
        recalls.append(len(wanted & {h.id for h in hits}) / len(gold.articles))
    return recalls


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="library folder (the WoS export ingested)")
    parser.add_argument("-n", type=int, default=256, help="texts to embed for speed (default 256)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each embedder counts")
    parser.add_argument("--only", nargs="*", choices=list(EMBEDDERS), help="embedders to measure")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"shared data not found at {DATA}: nothing to measure")
    cases = sorted(p for p in (DATA / "dev-cases").glob("*.json") if p.name != "theme-mix.json")
    names = args.only or list(EMBEDDERS)
    if BASELINE not in names:
        names = [BASELINE, *names]
    with Library(args.library, create=False) as library:
        texts = sample_texts(library, args.n)
        words = sum(len(t.split()) for t in texts) / len(texts)
        print(f"speed: {len(texts)} texts of the library's {library.count():,}, {words:.0f} words each on"
              f" average, best of {args.repeat} rounds; quality: {len(cases)} dev cases, recall@20 over"
              f" the whole library; {os.cpu_count()} CPUs, load average {load_average()} before")
        embedders, loads = {}, {}
        for name in names:
            embedders[name] = make_embedder(name, device=args.device)
            started = time.perf_counter()
            embedders[name].embed(["make or load the model"])
            loads[name] = time.perf_counter() - started
        best = dict.fromkeys(names, float("inf"))
        vectors = {}
        for _ in range(args.repeat):
            for name in names:
                started = time.perf_counter()
                vectors[name] = embedders[name].embed(texts)
                best[name] = min(best[name], time.perf_counter() - started)
        after = load_average()
        rows = []
        for name in names:
            index = SearchIndex.open(library, embedders[name])
            recalls = dev_recall(library, index, cases)
            rows.append((name, recalls))
            print(f"  measured {name}", file=sys.stderr, flush=True)
    base = vectors[BASELINE]
    base_recall = float(np.mean(rows[0][1]))
    print(f"load average {after} after the speed rounds\n")
    print(f"| embedder | model name | texts/s | × fp32 | make+load s | cosine to fp32 (mean, least) |"
          f" recall@20 (mean of {len(cases)}) | Δ recall | per case |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, recalls in rows:
        rate = len(texts) / best[name]
        same_space = vectors[name].shape == base.shape and not isinstance(embedders[name], StaticEmbedder)
        cosines = np.sum(vectors[name] * base, axis=1) if same_space else None
        agree = "— (another space)" if cosines is None else f"{cosines.mean():.4f}, {cosines.min():.4f}"
        recall = float(np.mean(recalls))
        label = f"{name} (default)" if name == DEFAULT_EMBEDDER else name
        print(f"| {label} | {embedders[name].name} | {rate:.1f} | {best[BASELINE] / best[name]:.2f} |"
              f" {loads[name]:.1f} | {agree} | {recall:.3f} | {recall - base_recall:+.3f} |"
              f" {' '.join(f'{r:.2f}' for r in recalls)} |")
    print(f"\ncases: {', '.join(p.stem for p in cases)}")


if __name__ == "__main__":
    main()
