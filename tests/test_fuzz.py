"""A bounded, seeded fuzz run over every reader and the brief parser (see tests/fuzz.py for the
cases and the invariants; `benchmarks/fuzz.py --cases 10000` is the long run by hand)."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import (
    SAMPLES,
    briefs,
    check_brief_dict,
    check_brief_text,
    check_ingest,
    event_texts,
    mutate,
    mutations,
    seed_text,
    write_case,
)
from vissue.library.store import Library

# Examples per format: about 20 s in all on the 2-core machine with the brief parser's (the budget is 60 s).
EXAMPLES = 40
def bounded(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None, print_blob=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.filter_too_much])


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_broken_files_never_cost_a_record_or_raise(fmt: str, samples: Path, tmp_path: Path) -> None:
    text = seed_text(samples, fmt)
    numbers = itertools.count()
    with Library(tmp_path / "lib") as library:

        @bounded(EXAMPLES)
        @given(edits=mutations(), forced=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8", "utf-16"]))
        def case(edits: Any, forced: bool, encoding: str) -> None:
            path = tmp_path / f"case-{next(numbers)}.txt"
            write_case(path, mutate(text, edits), encoding)
            check_ingest(library, path, fmt if forced else "auto")

        case()
    with sqlite3.connect(tmp_path / "lib" / "library.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@bounded(150)
@given(text=event_texts())
def test_any_event_text_is_a_brief_or_a_clear_error(text: str) -> None:
    check_brief_text(text)


@bounded(150)
@given(data=briefs())
def test_any_json_brief_is_a_brief_or_a_clear_error(data: dict[str, Any]) -> None:
    check_brief_dict(data)
