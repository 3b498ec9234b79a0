"""Ingest speed on the real Web of Science export, txt and bib separately.

Each figure is measured against a baseline taken in the same run (these machines are noisy):
reading the same bytes and splitting them into lines, which is the least any reader must do.

    python benchmarks/ingest_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vissue.library.ingest import ingest
from vissue.library.store import Library
from vissue.readers import read_path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wos-central-asia"


def plain_read(files: list[Path]) -> int:
    return sum(len(f.read_bytes().decode("utf-8-sig").splitlines()) for f in files)


def parse_only(files: list[Path]) -> int:
    return sum(1 for f in files for _ in read_path(f).records())


def full_ingest(files: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as folder, Library(folder) as library:
        report = ingest(library, files)
        return report.total("read")


def best_of(func, files, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        count = func(files)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"shared data not found at {SHARED}: nothing to measure")
    print(f"{'files':5} {'step':14} {'records':>7} {'best s':>7} {'records/s':>10} {'x plain read':>12}")
    for kind in ("txt", "bib"):
        files = sorted(SHARED.glob(f"*.{kind}"))
        base, _, _ = best_of(plain_read, files, args.repeat)
        for name, func in (("plain read", plain_read), ("parse", parse_only), ("ingest", full_ingest)):
            best, _, count = best_of(func, files, args.repeat)
            records = count if name != "plain read" else 2791
            print(f"{kind:5} {name:14} {records:7} {best:7.3f} {records / best:10.0f} {best / base:12.1f}")


if __name__ == "__main__":
    main()
