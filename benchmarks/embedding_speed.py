"""Embedding speed of the real model on abstracts from the real Web of Science export.

Measured against the HashEmbedder (a hashed bag of words, no model) in the same run, since
these machines are noisy. The model's load time is reported apart and not counted.

    python benchmarks/embedding_speed.py [-n 200] [--repeat 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vissue.readers import read_path
from vissue.search.semantic import HashEmbedder, SentenceTransformerEmbedder, work_text
from vissue.work import Work

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wos-central-asia"


def read_texts(n: int) -> list[str]:
    """The first n works with an abstract in the export, as the text embedded for each."""
    texts: list[str] = []
    for path in sorted(SHARED.glob("*.txt")):
        for record in read_path(path).records():
            if isinstance(record, Work) and record.abstract:
                texts.append(work_text(record))
                if len(texts) == n:
                    return texts
    return texts


def best_time(embedder, texts: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        embedder.embed(texts)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="abstracts to embed (default 200)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best counts")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"shared data not found at {SHARED}: nothing to measure")
    texts = read_texts(args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} abstracts from the WoS export, {words:.0f} words each on average")

    model = SentenceTransformerEmbedder()
    started = time.perf_counter()
    model.embed(["load the model"])
    load = time.perf_counter() - started

    print(f"{'embedder':22} {'texts':>6} {'best s':>8} {'texts/s':>9} {'ms/text':>8}")
    for name, embedder in (("hash (baseline)", HashEmbedder()), (model.name, model)):
        seconds = best_time(embedder, texts, args.repeat)
        print(f"{name:22} {len(texts):6} {seconds:8.2f} {len(texts) / seconds:9.1f}"
              f" {1000 * seconds / len(texts):8.2f}")
    print(f"model import and load (once a process): {load:.1f} s")


if __name__ == "__main__":
    main()
