"""Hostile and broken input never costs a good record (issue 9): each reproduction is a test."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc

import pytest
from click.testing import CliRunner

from conftest import shared_path
from vissue.cli import cli
from vissue.errors import InputError
from vissue.library.ingest import FileReport, ingest, ingest_records
from vissue.library.store import Library
from vissue.readers import bibtex
from vissue.work import Reject, Work


def run(tmp_path, *args, input=None):
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "lib"), *args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def ingest_json(tmp_path, *paths):
    result = run(tmp_path, "ingest", "--json", *map(str, paths))
    return result.exit_code, json.loads(result.output)


# ---- 2. a lone surrogate in a JSON export ------------------------------------------------------

def zotero_with_surrogate(tmp_path, item=199):
    """The real 250-item Zotero export with one '\\ud800' escape in item 200's title."""
    source = shared_path("samples", "csl_json", "ArmEnBib_zotero_Exported_Items.json")
    items = json.loads(source.read_text(encoding="utf-8"))
    text = json.dumps(items, ensure_ascii=True)
    title = json.dumps(items[item]["title"], ensure_ascii=True)
    assert text.count(title) == 1
    text = text.replace(title, title[:-1] + '\\ud800"')
    path = tmp_path / "zotero.json"
    path.write_text(text, encoding="ascii")
    return source, path


def test_surrogate_in_zotero_export_keeps_every_work(tmp_path):
    source, hostile = zotero_with_surrogate(tmp_path)
    ris = shared_path("samples", "ris", "asreview_pubmed_zotero.ris")
    with Library(tmp_path / "clean") as library:
        clean = ingest(library, [source, ris])
    with Library(tmp_path / "hostile") as library:
        report = ingest(library, [hostile, ris])
        titles = [w.work.title for w in library.works()]
    assert report.works == clean.works
    assert [(f.read, f.added, f.rejected) for f in report.files] == [(f.read, f.added, f.rejected)
                                                                      for f in clean.files]
    assert report.files[0].added == 248 and report.files[1].added == 6
    warnings = [w for w in report.to_dict()["warnings"] if "surrogate" in w]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{hostile}, item 200: field title: a lone surrogate")
    assert sum("\ufffd" in (t or "") for t in titles) == 1


def test_store_write_never_takes_good_records_down(tmp_path):
    """Even a record no vetting caught (written straight to the store) fails alone."""
    good = [Work(title=f"A good work number {i}", year=2020) for i in range(3)]
    bad = Work(title="Fine title", year=2020, extra={"x": "\ud800"})
    with Library(tmp_path / "lib") as library:
        report = FileReport(file="api")
        with library.transaction():
            for work in good[:2]:
                library.add(work)
            with pytest.raises(InputError, match="the record cannot be stored"):
                library.add(Work(title="\ud800 unvetted", year=2020))
            library.add(good[2])
        assert library.count() == 3
        ingest_records(library, [bad, Work(title="Another good one", year=2021)], report)
        assert (report.read, report.added, report.rejected) == (2, 2, 0)
        assert report.warnings == ["api, record 1: field extra.x: a lone surrogate (an unpaired "
                                   "\\ud800-\\udfff escape) was replaced by U+FFFD"]
    with sqlite3.connect(tmp_path / "lib" / "library.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# ---- 1. BibTeX @string macros that double at each line -----------------------------------------

def macro_bomb(lines=24):
    return ('@string{a = "xxxxxxxx"}\n' + "@string{a = a # a}\n" * lines
            + "@article{k1, title = a, author={Doe, J}, year={2020}}\n")


def test_macro_expansion_is_capped_with_a_reason(tmp_path):
    path = tmp_path / "bomb.bib"
    path.write_text(macro_bomb(), encoding="utf-8")
    tracemalloc.start()
    code, report = ingest_json(tmp_path, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000, f"{peak:,} bytes at the peak"
    assert code == 1 and report["added"] == 0
    assert report["read"] == report["rejected"]
    article = report["rejects"][-1]
    assert (article["position"], article["field"]) == ("line 26, key k1", "title")
    assert "uses @string 'a', which was rejected at line" in article["message"]
    first = report["rejects"][0]
    assert first["field"] == "a" and "more than the 10,000 a @string may hold" in first["message"]
    assert (tmp_path / "lib" / "library.sqlite").stat().st_size < 5_000_000


def test_field_larger_than_the_cap_is_rejected_naming_it():
    huge = "y" * 600_000
    text = f"@article{{k1, title = {{{huge}}} # {{{huge}}}, year = 2020}}\n@article{{k2, title={{Kept}}, year=2020}}\n"
    records = list(bibtex.read(text, file="big.bib"))
    assert isinstance(records[0], Reject) and records[0].field == "title"
    assert "more than 1,000,000 characters" in records[0].reason
    assert isinstance(records[1], Work) and records[1].title == "Kept"


def test_field_cap_holds_for_every_reader(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": "a", "type": "article", "title": "t" * 1_000_001},
                                {"id": "b", "type": "article", "title": "Kept"}]), encoding="utf-8")
    code, report = ingest_json(tmp_path, path)
    assert code == 1 and (report["added"], report["rejected"]) == (1, 1)
    assert report["rejects"][0]["field"] == "title"
    assert "1,000,001 characters, more than the 1,000,000 a field may hold" in report["rejects"][0]["message"]


# ---- 4. record boundaries: a WoS record without its ER line, stray lines in tab-delimited files -

def test_wos_record_without_er_is_not_fused_into_the_next(tmp_path):
    sample = shared_path("samples", "wos_plaintext", "synthesisr_WoS_txt_example.txt")
    text = sample.read_text(encoding="utf-8")
    first_er = text.index("\nER\n")
    path = tmp_path / "no-er.txt"
    path.write_text(text[:first_er] + text[first_er + 3:], encoding="utf-8")
    with Library(tmp_path / "clean") as library:
        clean = ingest(library, [sample])
        expected = sorted((w.work.title, w.work.ids.get("wos")) for w in library.works())
    with Library(tmp_path / "lib") as library:
        report = ingest(library, [path])
        found = sorted((w.work.title, w.work.ids.get("wos")) for w in library.works())
    assert clean.works == 4
    assert (report.total("read"), report.total("added"), report.works) == (4, 4, 4)
    assert found == expected
    warnings = report.to_dict()["warnings"]
    assert any(w.startswith(f"{path}, line ") and "field ER: the record has no ER line" in w for w in warnings)
    assert not any("appears a second time" in w for w in warnings)


# ---- 3. JSON nested a thousand levels deep ------------------------------------------------------

DEEP = "[" * 1000 + "]" * 1000  # 2 KB


def test_deep_json_is_a_clear_error_in_every_reader(tmp_path):
    for name, text in (("deep.json", DEEP), ("deep-object.json", '{"a":' * 1000 + "1" + "}" * 1000),
                       ("deep-items.json", '[{"id": "x", "type": "article", "title": "T", "note": '
                        + DEEP + "}]")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        for fmt in ("auto", "csljson", "openalex", "crossref"):
            result = run(tmp_path, "ingest", "--format", fmt, str(path))
            assert result.exit_code == 1, (name, fmt, result.output)
            assert f"{path}: JSON nested more than 100 levels deep" in result.output, (name, fmt, result.output)


def test_deep_json_line_rejects_that_line_only(tmp_path):
    sample = shared_path("samples", "openalex_snapshot_jsonl_DERIVED")
    first = sorted(sample.glob("*"))[0].read_text(encoding="utf-8").splitlines()
    path = tmp_path / "works.jsonl"
    path.write_text("\n".join([first[0], '{"id": ' + DEEP + "}", *first[1:3]]) + "\n", encoding="utf-8")
    code, report = ingest_json(tmp_path, path)
    assert code == 1 and report["rejected"] == 1 and report["added"] + report["merged"] == 3
    assert report["rejects"][0]["position"] == "line 2" and report["rejects"][0]["field"] == "line"


@pytest.mark.parametrize("command", ["brief", "search", "render", "check"])
def test_deep_json_is_a_clear_error_in_every_command(tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text('{"a":' * 1000 + "1" + "}" * 1000, encoding="utf-8")
    args = {"render": ["render", str(path), "--to", "md"]}.get(command, [command, str(path)])
    result = run(tmp_path, *args)
    assert result.exit_code == 1, result.output
    assert f"{path}: JSON nested more than 100 levels deep" in result.output


def test_deep_json_gold_file_is_a_clear_error(tmp_path):
    """`vissue eval` reads its gold files through these two (after opening the library's index)."""
    from vissue.errors import InputError
    from vissue.evaluate.gold import load_gold
    from vissue.evaluate.suite import _read as read_case

    path = tmp_path / "deep.json"
    path.write_text('{"event": "x", "articles": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    for load in (load_gold, read_case):
        with pytest.raises(InputError, match=r"deep\.json: JSON nested more than 100 levels deep"):
            load(path)


def test_event_text_longer_than_a_file_name_is_text(tmp_path):
    from vissue.brief.event import load_brief

    text = ("After a fuel price rise in January 2022, mass protests/riots spread across Kazakhstan. " * 11)[:900]
    brief = load_brief(text)
    assert brief.text == text and any(p.name == "Kazakhstan" for p in brief.places)


# ---- the command line's edge: a message and exit status 1, never a traceback --------------------

def test_odd_input_on_the_command_line(tmp_path):
    sample = shared_path("samples", "ris", "asreview_pubmed_zotero.ris")
    assert run(tmp_path, "ingest", str(sample)).exit_code == 0
    result = run(tmp_path, "show", "99999999999999999999")
    assert (result.exit_code, result.output.strip()) == (1, "Error: no work with library id 99999999999999999999")
    text = ("Mass protests/riots spread across Kazakhstan after the fuel price rise of January 2022. " * 11)[:900]
    result = run(tmp_path, "brief", text)
    assert result.exit_code == 0 and "Kazakhstan" in result.output
    result = run(tmp_path, "brief", "Protests in Almaty \udcff after a price rise")  # a non-UTF-8 argument
    assert result.exit_code == 0 and "Almaty" in result.output
    result = run(tmp_path, "render", str(tmp_path / "nowhere" / "issue.json"), "--to", "md")
    assert result.exit_code == 1 and "no such file" in result.output


def test_a_file_name_that_is_not_utf8(tmp_path):
    sample = shared_path("samples", "ris", "asreview_pubmed_zotero.ris")
    name = tmp_path / "export-\udcff.ris"  # the bytes b'export-\xff.ris' as Python names them
    try:
        name.write_bytes(sample.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take a file name that is not UTF-8")
    code, report = ingest_json(tmp_path, name)
    assert code == 0 and report["added"] == 6
    result = run(tmp_path, "ingest", str(name))
    assert result.exit_code == 0 and "6 read" in result.output
