"""Ingest speed on the real Web of Science export, txt and bib separately.

Each figure is measured against a baseline taken in the same run (these machines are noisy):
reading the same bytes and splitting them into lines, which is the least any reader must do.
Ingest is measured twice: with the files read ahead by a helper process while this one stores
(what `vissue ingest` does with this much input on two or more cores) and all in one process.
CPU seconds (this process and the helper) are given beside the wall time: on a machine others
load, they say what the work costs when the wall time says mostly how busy the machine was.

    python benchmarks/ingest_speed.py [--repeat 3] [--against OTHER/src]

`--against` also times the ingest of another checkout (its `src` folder: the code before a
change) in the same run, one process each time, and gives this code's speed as a multiple of it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
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


def full_ingest(files: list[Path], parallel: bool) -> int:
    with tempfile.TemporaryDirectory() as folder, Library(folder) as library:
        report = ingest(library, files, parallel=parallel)
        return report.total("read")


# Another checkout's ingest, timed in a process of its own (its code on the path).
OTHER = """
import json, sys, tempfile, time
from pathlib import Path
from vissue.library.ingest import ingest
from vissue.library.store import Library
files = [Path(f) for f in sys.argv[1:]]
with tempfile.TemporaryDirectory() as folder, Library(folder) as library:
    started = time.perf_counter()
    read = ingest(library, files).total("read")
    wall = time.perf_counter() - started
print(json.dumps([wall, read]))
"""


def other_ingest(src: str, files: list[Path]) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", OTHER, *map(str, files)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": src}, check=True)
    wall, read = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, read


def cpu_seconds() -> float:
    """User + system seconds of this process and of the helpers it has waited for."""
    own, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


def best_of(func, repeat):
    """(best wall seconds, CPU seconds of that run, records)."""
    best = (float("inf"), 0.0, 0)
    for _ in range(repeat):
        cpu, started = cpu_seconds(), time.perf_counter()
        count = func()
        wall = time.perf_counter() - started
        if wall < best[0]:
            best = (wall, cpu_seconds() - cpu, count)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", help="another checkout's src folder, timed in the same run")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"shared data not found at {SHARED}: nothing to measure")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'files':5} {'step':22} {'records':>7} {'best s':>7} {'records/s':>10} {'x plain read':>12} {'CPU s':>6}")
    for kind in ("txt", "bib"):
        files = sorted(SHARED.glob(f"*.{kind}"))
        steps = (("plain read", lambda files=files: plain_read(files)),
                 ("parse", lambda files=files: parse_only(files)),
                 ("ingest, read ahead", lambda files=files: full_ingest(files, True)),
                 ("ingest, one process", lambda files=files: full_ingest(files, False)))
        base = None
        for name, func in steps:
            best, cpu, count = best_of(func, args.repeat)
            records = count if name != "plain read" else 2791
            base = base or best
            print(f"{kind:5} {name:22} {records:7} {best:7.3f} {records / best:10.0f} {best / base:12.1f} {cpu:6.2f}")
        if args.against:  # in turns, each best of --repeat, so that both meet the same load
            here, theirs = float("inf"), (float("inf"), 0)
            for _ in range(args.repeat):
                here = min(here, best_of(lambda files=files: full_ingest(files, False), 1)[0])
                theirs = min(theirs, other_ingest(args.against, files))
            other, read = theirs
            print(f"{kind:5} {'ingest, --against':22} {read:7} {other:7.3f} {read / other:10.0f} {other / base:12.1f}"
                  f"      (this code in turn with it, one process: {here:.3f} s, x{other / here:.2f} its speed)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
