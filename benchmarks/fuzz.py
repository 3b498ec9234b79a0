"""The long fuzz run, by hand: every reader and the brief parser, on broken real samples.

    python benchmarks/fuzz.py --cases 10000            # about 10 minutes on 2 cores
    python benchmarks/fuzz.py --cases 500 --seed 7 --json

The cases and the invariants are the test suite's (tests/fuzz.py); the suite runs a few hundred
of them, this runs as many as asked for, spread over the 11 formats and the brief parser, and
keeps going after a failure: it prints every case that broke an invariant (the edits that made
it, and what went wrong) and exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fuzz  # noqa: E402  (tests/fuzz.py)
from vissue.library.store import Library  # noqa: E402

SHARED = Path(os.environ.get("VISSUE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def run(cases: int, seed_value: int, folder: Path) -> dict[str, Any]:
    samples = SHARED / "samples"
    targets = [*fuzz.SAMPLES, "brief text", "brief json"]
    share = {t: cases // len(targets) + (i < cases % len(targets)) for i, t in enumerate(targets)}
    failures: list[dict[str, Any]] = []
    counts: dict[str, Counter[str]] = {}
    started = time.perf_counter()

    def fail(target: str, case: Any, error: BaseException) -> None:
        failures.append({"target": target, "case": repr(case)[:2000],
                         "error": "".join(traceback.format_exception_only(type(error), error)).strip()[:2000]})

    def once(examples: int) -> settings:
        return settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck))

    def file_cases(target: str, text: str, library: Library, tally: Counter[str]) -> None:
        numbers = iter(range(10 ** 9))

        @seed(seed_value)
        @once(share[target])
        @given(edits=fuzz.mutations(), forced=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8", "utf-16"]))
        def case(edits: Any, forced: bool, encoding: str) -> None:
            path = folder / f"{target}-{next(numbers)}.txt"
            fuzz.write_case(path, fuzz.mutate(text, edits), encoding)
            tally["cases"] += 1
            try:
                result = fuzz.check_ingest(library, path, target if forced else "auto")
            except BaseException as e:
                fail(target, {"edits": edits, "forced": forced, "encoding": encoding}, e)
                return
            finally:
                path.unlink(missing_ok=True)
            for key in ("read", "added", "merged", "rejected", "warnings"):
                tally[key] += result[key]
            tally["file errors"] += bool(result["error"])

        case()

    def brief_cases(target: str, tally: Counter[str]) -> None:
        check = fuzz.check_brief_text if target == "brief text" else fuzz.check_brief_dict
        strategy = fuzz.event_texts() if target == "brief text" else fuzz.briefs()

        @seed(seed_value)
        @once(share[target])
        @given(value=strategy)
        def case(value: Any) -> None:
            tally["cases"] += 1
            try:
                check(value)
            except BaseException as e:
                fail(target, value, e)

        case()

    for target in targets:
        tally: Counter[str] = Counter()
        counts[target] = tally
        if target not in fuzz.SAMPLES:
            brief_cases(target, tally)
            continue
        library_dir = folder / target
        with Library(library_dir) as library:
            file_cases(target, fuzz.seed_text(samples, target), library, tally)
        with sqlite3.connect(library_dir / "library.sqlite") as db:
            if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                fail(target, "library", RuntimeError("PRAGMA integrity_check failed"))
    return {"cases": sum(c["cases"] for c in counts.values()), "seed": seed_value,
            "seconds": round(time.perf_counter() - started, 1), "failures": failures,
            "targets": {t: dict(c) for t, c in counts.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases in all (default 1000)")
    parser.add_argument("--seed", type=int, default=20260901, help="hypothesis seed (default 20260901)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    if not (SHARED / "samples").exists():
        sys.exit(f"shared data not found: {SHARED / 'samples'} (set VISSUE_SHARED_DATA)")
    with tempfile.TemporaryDirectory(prefix="vissue-fuzz-") as folder:
        result = run(args.cases, args.seed, Path(folder))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for target, tally in result["targets"].items():
            print(f"{target:>11}: " + ", ".join(f"{k} {v:,}" for k, v in tally.items()))
        for failure in result["failures"]:
            print(f"FAILED {failure['target']}: {failure['error']}\n    case: {failure['case']}")
        print(f"{result['cases']:,} cases, {len(result['failures'])} failures, {result['seconds']} s "
              f"(seed {result['seed']})")
    sys.exit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()
