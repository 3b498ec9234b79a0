"""Embedders side by side in one run: texts per second on real abstracts, and dev-suite recall@20.

    python benchmarks/embedding_speed.py --library DIR [-n 256] [--repeat 2] [--only NAME ...]

Every embedder of vissue.search.embedders.EMBEDDERS embeds the same n abstracts of the Web of
Science export (best of --repeat runs; the one-off cost of making and loading each model is
shown apart), and its rate is given as a multiple of the sentence-transformers fp32 model's in
the same run (these machines are shared and noisy: only ratios travel). Quality: each one's
vectors for the whole library (DIR, e.g. the 2,795 works of the WoS export; vectors are cached
there by model name), then recall@20 of vissue's default search over the whole library for each
dev case in shared/data/dev-cases, and their mean; and the mean cosine of its vectors to fp32's
(same dimension only).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from vissue.brief.event import brief_from_text
from vissue.evaluate.gold import load_gold, match_gold
from vissue.library.store import Library
from vissue.readers import read_path
from vissue.search.embedders import EMBEDDERS, make_embedder
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings, retrieve
from vissue.search.semantic import work_text
from vissue.work import Work

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASELINE = "minilm"


def read_texts(n: int) -> list[str]:
    """The first n works with an abstract in the export, as the text embedded for each."""
    texts: list[str] = []
    for path in sorted((DATA / "wos-central-asia").glob("*.txt")):
        for record in read_path(path).records():
            if isinstance(record, Work) and record.abstract:
                texts.append(work_text(record))
                if len(texts) == n:
                    return texts
    return texts


def best_time(embedder, texts: list[str], repeat: int) -> tuple[float, np.ndarray]:
    times, vectors = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        vectors = embedder.embed(texts)
        times.append(time.perf_counter() - started)
    return min(times), vectors


def dev_recall(library: Library, index: SearchIndex, cases: list[Path], k: int = 20) -> list[float]:
    """recall@k of the default search over the whole library, one figure a dev case."""
    recalls = []
    for path in cases:
        gold = load_gold(path)
        wanted = {i for i in match_gold(library, gold) if i is not None}
        hits = retrieve(index, brief_from_text(gold.event), SearchSettings(k=k))
        recalls.append(len(wanted & {h.id for h in hits}) / len(gold.articles))
    return recalls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="library folder (the WoS export ingested)")
    parser.add_argument("-n", type=int, default=256, help="abstracts to embed for speed (default 256)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument("--only", nargs="*", choices=list(EMBEDDERS), help="embedders to measure")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"shared data not found at {DATA}: nothing to measure")
    cases = sorted(p for p in (DATA / "dev-cases").glob("*.json") if p.name != "theme-mix.json")
    texts = read_texts(args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"speed: {len(texts)} abstracts of the WoS export, {words:.0f} words each on average;"
          f" quality: {len(cases)} dev cases, recall@20 over the whole library")
    names = args.only or list(EMBEDDERS)
    if BASELINE not in names:
        names = [BASELINE, *names]
    rows = []
    base_rate = base_vectors = base_recall = None
    with Library(args.library, create=False) as library:
        for name in names:
            embedder = make_embedder(name, device=args.device)
            started = time.perf_counter()
            embedder.embed(["make or load the model"])
            load = time.perf_counter() - started
            seconds, vectors = best_time(embedder, texts, args.repeat)
            rate = len(texts) / seconds
            index = SearchIndex.open(library, embedder)
            recalls = dev_recall(library, index, cases)
            recall = float(np.mean(recalls))
            if name == BASELINE:
                base_rate, base_vectors, base_recall = rate, vectors, recall
            agree = (float(np.mean(np.sum(vectors * base_vectors, axis=1)))
                     if vectors.shape == base_vectors.shape else float("nan"))
            rows.append((name, embedder.name, rate, rate / base_rate, load, agree, recall,
                         recall - base_recall, recalls))
            print(f"  measured {name}", file=sys.stderr, flush=True)
    print(f"\n| embedder | model name | texts/s | × fp32 | make+load s | cosine to fp32 |"
          f" recall@20 (mean of {len(cases)}) | Δ recall | per case |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, model, rate, ratio, load, agree, recall, delta, recalls in rows:
        print(f"| {name} | {model} | {rate:.1f} | {ratio:.2f} | {load:.1f} | {agree:.3f} | {recall:.3f} |"
              f" {delta:+.3f} | {' '.join(f'{r:.2f}' for r in recalls)} |")
    print(f"\ncases: {', '.join(p.stem for p in cases)}")


if __name__ == "__main__":
    main()
