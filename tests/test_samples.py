"""Every file in ../shared/data/samples is read, and records of one work from several sources merge."""

from __future__ import annotations

import json
from collections import defaultdict

from click.testing import CliRunner
from rapidfuzz import fuzz

from conftest import shared_path
from vissue.cli import cli
from vissue.library.dedupe import first_author_key
from vissue.library.store import Library
from vissue.readers import read_text
from vissue.text import title_key
from vissue.work import Work

# The only records in the samples that cannot become works, each for a reason in the file itself.
KNOWN_REJECTS = {
    ("citesource_lens_343.ris", "TI"),           # a Lens record with no title at all
    ("metaknowledge_medline_test.medline", "SO"),  # the file is cut off inside its last record
}


def test_every_sample_file_is_read(tmp_path):
    samples = shared_path("samples")
    files = sorted(p for p in samples.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    assert len(files) >= 60  # 64 export files in 16 folders when this was written
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "lib"), "ingest", "--json", *map(str, files)])
    report = json.loads(result.output)
    assert report["errors"] == []
    per_file = {f["file"]: f for f in report["files"]}
    for path in files:
        assert per_file[str(path)]["read"] > 0, path
        assert per_file[str(path)]["format"], path
    rejects = {(r["file"].rsplit("/", 1)[-1], r["field"]) for r in report["rejects"]}
    assert rejects == KNOWN_REJECTS
    assert result.exit_code == 1  # because of those two rejects
    assert report["read"] == report["added"] + report["merged"] + report["rejected"]


def test_one_search_run_across_four_databases_merges_its_duplicates(tmp_path):
    """The gambling-harm Lens, Scopus, PsycInfo and Criminal Justice exports of 2022-12-07."""
    samples = shared_path("samples")
    files = [samples / "lens" / "citesource_gambling-harms_lens_49.ris",
             samples / "scopus_ris" / "citesource_gambling-harms_scopus_255.ris",
             samples / "ris" / "citesource_gambling-harms_psycinfo_124.ris",
             samples / "ris" / "citesource_gambling-harms_crimjust_41.ris"]
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "lib"), "ingest", "--json", *map(str, files)])
    report = json.loads(result.output)
    assert report["read"] == 469 and report["rejected"] == 0
    assert report["merged"] > 150  # most PsycInfo and Criminal Justice records are also in Lens or Scopus
    with Library(tmp_path / "lib") as library:
        groups = defaultdict(list)
        for row in library.db.execute("SELECT work_id, format, raw, file FROM sources"):
            record = next(r for r in read_text(row[2], row[1], file=row[3]) if isinstance(r, Work))
            groups[row[0]].append(record)
    merged = [g for g in groups.values() if len(g) > 1]
    assert len(merged) >= 100
    for group in merged:
        first = group[0]
        for other in group[1:]:
            same_doi = first.ids.get("doi") and first.ids.get("doi") == other.ids.get("doi")
            same_title = fuzz.ratio(title_key(first.title), title_key(other.title)) >= 95
            assert same_doi or (same_title and first_author_key(first) == first_author_key(other)), (
                first.title, other.title)
