"""The store: identifiers, merging, venues, schema versions, and surviving a kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import shared_path
from vissue.errors import LibraryError, NotFoundError
from vissue.library.migrations import SCHEMA_VERSION
from vissue.library.store import DB_NAME, Library
from vissue.work import Author, Origin, Reject, Venue, Work


def record(title, raw, **kw):
    return Work(title=title, origin=Origin("t.ris", "line 1", "ris", raw), **kw)


def test_add_find_by_any_identifier_and_merge(tmp_path):
    with Library(tmp_path / "lib") as lib:
        first = lib.add(record("Central Asia and regional security", "a", year=2018,
                               ids={"wos": "WOS:000437999500008"}, authors=[Author("Somzhurek", "B")]))
        second = lib.add(record("Central Asia and regional security", "b",
                                ids={"doi": "10.1016/j.postcomstud.2018.04.005", "wos": "WOS:000437999500008"}))
        assert (first.action, second.action) == ("added", "merged")
        assert lib.add(record("Central Asia and regional security", "b")).action == "unchanged"
        by_doi = lib.get("10.1016/J.POSTCOMSTUD.2018.04.005")
        assert lib.get("WOS:000437999500008").id == by_doi.id == lib.get(str(first.work_id)).id
        assert by_doi.work.ids == {"wos": "WOS:000437999500008", "doi": "10.1016/j.postcomstud.2018.04.005"}
        assert [s["raw"] for s in lib.sources(by_doi.id)] == ["a", "b"]
        assert lib.count() == 1
        with pytest.raises(NotFoundError, match=r"no work in this library has doi 10\.9999/none"):
            lib.get("10.9999/none")


def test_venue_spellings_and_issn_are_one_venue(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.add(record("A", "1", venue=Venue("COMMUNIST AND POST-COMMUNIST STUDIES", "0967-067X")))
        lib.add(record("B", "2", venue=Venue("Communist and Post-Communist Studies")))
        lib.add(record("C", "3", venue=Venue(None, "0967067x")))
        ids = {lib.find_venues(q)[0] for q in ("COMMUNIST AND POST-COMMUNIST STUDIES",
                                               "communist and post-communist studies", "0967-067X")}
        assert len(ids) == 1
        venue = lib.venues()[0]
        assert (venue["name"], venue["works"]) == ("Communist and Post-Communist Studies", 3)
        assert lib.find_venues("Journal of Nothing") == []


def test_rejects_are_kept_once(tmp_path):
    with Library(tmp_path / "lib") as lib:
        reject = Reject("x.ris", "line 3", "TI", "record has no title", "TY  - JOUR\nER  - ")
        assert lib.add_reject(reject) and not lib.add_reject(reject)
        assert lib.rejects() == [reject]


def test_schema_is_versioned(tmp_path):
    Library(tmp_path / "lib").close()
    db = sqlite3.connect(tmp_path / "lib" / DB_NAME)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(LibraryError, match="written by a newer vissue"):
        Library(tmp_path / "lib")


def test_library_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(LibraryError, match="is a file, not a library folder"):
        Library(tmp_path / "f")


def test_missing_library_is_not_created_for_reading(tmp_path):
    with pytest.raises(LibraryError, match="no library at"):
        Library(tmp_path / "none", create=False)
    assert not (tmp_path / "none").exists()


def _count(db_path):
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT count(*) FROM works").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_mid_ingest_leaves_whole_records_and_resumes(tmp_path):
    files = sorted(str(p) for p in shared_path("wos-central-asia").glob("*.txt"))
    lib_dir = tmp_path / "lib"
    cmd = [sys.executable, "-m", "vissue", "--library", str(lib_dir), "ingest", "--json", *files]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(lib_dir / DB_NAME) < 600 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"

    db = sqlite3.connect(lib_dir / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = db.execute("SELECT count(*) FROM works").fetchone()[0]
    assert 0 < kept < 2790
    # Whole records only: every work has its source and identifiers, every source its work.
    assert db.execute("SELECT count(*) FROM works WHERE id NOT IN (SELECT work_id FROM sources)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM sources WHERE work_id NOT IN (SELECT id FROM works)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM works WHERE id NOT IN"
                      " (SELECT work_id FROM identifiers WHERE scheme = 'wos')").fetchone()[0] == 0
    for (data,) in db.execute("SELECT data FROM works"):
        assert json.loads(data)["title"]
    db.close()

    # Running the same ingest again completes the library: nothing lost, nothing doubled.
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    assert report["works"] == 2790
    assert report["added"] == 2790 - kept


def test_generation_changes_with_the_works_only(tmp_path):
    with Library(tmp_path / "lib") as lib:
        start = lib.generation()
        lib.add(record("A title", "1"))
        after_add = lib.generation()
        assert after_add > start
        lib.add(record("A title", "1"))  # already known: nothing changes
        lib.add_reject(Reject("x", "line 1", None, "bad", "raw"))
        assert lib.generation() == after_add


def test_an_older_library_is_migrated(tmp_path):
    from vissue.library.migrations import MIGRATIONS

    folder = tmp_path / "lib"
    folder.mkdir()
    db = sqlite3.connect(folder / DB_NAME)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.close()
    with Library(folder) as lib:
        assert lib.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert lib.generation() == 0


def test_two_connections_writing_in_turn_keep_sources_and_venues_whole(tmp_path):
    """What a connection knows between its writes (the next source id, venues) is forgotten
    when another connection has written since: records added in turn through two never clash."""
    first, second = Library(tmp_path / "lib"), Library(tmp_path / "lib")
    try:
        venue = Venue("Central Asian Survey", "0263-4937")
        for i in range(6):
            lib = (first, second)[i % 2]
            work = record(f"A study of the steppe, number {i} of six: {'xyz'[i % 3] * (i + 3)}", f"raw {i}",
                          authors=[Author(f"Author{i}", "A")], venue=Venue("CENTRAL ASIAN SURVEY", "0263-4937")
                          if i % 3 else venue, ids={"doi": f"10.5555/turn.{i}"})
            assert lib.add(work).action == "added"
        merged = first.add(record("A study of the steppe, number 0 of six: xxx", "raw again",
                                  ids={"doi": "10.5555/turn.0"}, venue=Venue(None, None, "1465-3354")))
        assert merged.action == "merged"
        assert first.count() == 6 and len(first.venues()) == 1
        sources = [s for w in second.works() for s in second.sources(w.id)]
        assert sorted(s["id"] for s in sources) == list(range(1, 8))
        assert first.venues()[0]["eissn"] == "1465-3354" and first.find_venues("1465-3354") == [first.venues()[0]["id"]]
    finally:
        first.close()
        second.close()


def _contents(folder) -> dict:
    """What a library holds, ids and all (timestamps and generations left out)."""
    db = sqlite3.connect(folder / DB_NAME)
    tables = {
        "works": "SELECT id, title, title_key, author_key, year, doc_type, venue_id, data, provenance FROM works",
        "sources": "SELECT id, work_id, file, position, format, raw_hash FROM sources",
        "identifiers": "SELECT scheme, value, work_id FROM identifiers",
        "venues": "SELECT * FROM venues", "venue_keys": "SELECT * FROM venue_keys",
        "rejects": "SELECT id, file, position, field, reason FROM rejects"}
    held = {name: sorted(db.execute(query), key=repr) for name, query in tables.items()}
    db.close()
    return held


def test_a_batch_stores_what_adding_its_records_one_by_one_stores(tmp_path):
    """Records are written a batch at a time (Library.add_many): a record that duplicates a work
    of its own batch (by identifier, by title, or a work stored before and changed by a merge in
    this batch) or repeats a record of it is merged exactly as when each is written alone."""
    from dataclasses import replace

    from vissue.library.ingest import FileReport, ingest_records
    from vissue.readers import read_path

    folder = shared_path("wos-central-asia")
    txt = [r for r in read_path(folder / "wos_res0001to0500_230316.txt").records() if isinstance(r, Work)]
    bib = [r for r in read_path(folder / "wos_res0001to1000_230316.bib").records() if isinstance(r, Work)][:500]

    def near(work: Work, how: str) -> Work:  # another record of the work: without identifiers, or retitled
        title = {"stop": work.title + ".", "letter": work.title.replace(" ", "  ", 1) + "s",
                 "retitled": " ".join(reversed(work.title.split()))}[how]
        return replace(work, title=title, ids=work.ids if how == "retitled" else {},
                       origin=replace(work.origin, raw=work.origin.raw + how))

    stream: list = bib + txt + [near(w, "stop" if i % 2 else "letter") for i, w in enumerate(txt[::3])]
    stream += [near(w, "retitled") for w in txt[1::9]] + txt[::10]  # and the same records again: unchanged
    random.Random(13).shuffle(stream)  # twins in one batch of 500 or in two

    def ingest(name: str, batches: list[list]) -> FileReport:
        report = FileReport(file="stream")
        with Library(tmp_path / name) as library:
            for batch in batches:
                ingest_records(library, batch, report)
        return report

    together = ingest("together", [stream])
    alone = ingest("alone", [[r] for r in stream])
    assert (together.added, together.merged, together.unchanged) == (alone.added, alone.merged, alone.unchanged)
    assert together.merged > 600 and together.unchanged == 50
    assert _contents(tmp_path / "together") == _contents(tmp_path / "alone")
