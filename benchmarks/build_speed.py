"""Warm `vissue build` on a library whose indexes exist: the whole command, and the pipeline in a
process that has the model loaded, against `vissue search` of the same event in the same run.

    python benchmarks/build_speed.py --library DIR [--repeat 3] [--against CHECKOUT]

--against runs the same benchmark, in the same run, with the code of another checkout of vissue
(e.g. `git worktree add /tmp/old <commit>`): the ratio of the two is the figure to quote.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vissue.brief.event import brief_from_text
from vissue.build import BuildOptions, build_issue, write_issue
from vissue.library.store import Library
from vissue.search.index import SearchIndex
from vissue.search.semantic import SentenceTransformerEmbedder

SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "kazakhstan-2022" / "gold.json"
JOURNAL = "Communist and Post-Communist Studies"


def best(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another vissue checkout to measure in the same run")
    args = parser.parse_args()
    if args.against:
        import os

        env = {**os.environ, "PYTHONPATH": str(args.against.resolve() / "src")}
        print(f"### {args.against}")
        subprocess.run([sys.executable, str(args.against / "benchmarks" / "build_speed.py"),
                        "--library", args.library, "--repeat", str(args.repeat)], check=True, env=env)
        print("### this checkout")
    event = json.loads(SEED.read_text())["event"]
    vissue = [sys.executable, "-m", "vissue", "--library", args.library]
    with tempfile.TemporaryDirectory() as out:
        search = best(args.repeat, lambda: subprocess.run(
            [*vissue, "search", event, "--journal", JOURNAL, "--json"], check=True, capture_output=True))
        build = best(args.repeat, lambda: subprocess.run(
            [*vissue, "build", "--event", event, "--journal", JOURNAL, "-o", out, "--json"],
            check=True, capture_output=True))
        with Library(args.library, create=False) as library:
            index = SearchIndex.open(library, SentenceTransformerEmbedder())
            brief = brief_from_text(event)
            options = BuildOptions(journal=JOURNAL)
            build_issue(library, index, brief, options=options)  # loads the model
            pipeline = best(args.repeat, lambda: write_issue(
                build_issue(library, index, brief, options=options), out))
    print(f"| step | best of {args.repeat}, s | x search command |")
    print("|---|---|---|")
    print(f"| `vissue search` (process, model load, one query) | {search:.2f} | 1.0 |")
    print(f"| `vissue build` (process, model load, whole issue, 6 files) | {build:.2f} | {build / search:.1f} |")
    print(f"| build pipeline in a warm process (web app) | {pipeline:.2f} | {pipeline / search:.1f} |")


if __name__ == "__main__":
    main()
