"""Bad input: every case gets a message naming the file, the record and the fault; no traceback."""

from __future__ import annotations

import json
import os
import time

import pytest
from click.testing import CliRunner

from conftest import shared_path
from vissue.cli import cli


def run(tmp_path, *args):
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "lib"), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def ingest_json(tmp_path, *paths):
    result = run(tmp_path, "ingest", "--json", *map(str, paths))
    return result.exit_code, json.loads(result.output)


def wos_sample():
    return shared_path("samples", "wos_plaintext", "synthesisr_WoS_txt_example.txt")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.ris"
    empty.write_bytes(b"")
    code, report = ingest_json(tmp_path, empty)
    assert code == 1
    assert report["errors"] == [{"file": str(empty), "error": f"{empty}: the file is empty"}]


def test_binary_file(tmp_path):
    binary = tmp_path / "export.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    code, report = ingest_json(tmp_path, binary)
    assert code == 1
    assert "is a binary file, not a text export" in report["errors"][0]["error"]


def test_unknown_text_format_suggests_format(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear editor,\nhere are my thoughts.\n")
    result = run(tmp_path, "ingest", str(notes))
    assert result.exit_code == 1
    assert f"{notes}: not a format vissue reads (it starts 'Dear editor,')" in result.output
    assert "--format" in result.output


def test_missing_path_and_directory(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "good.txt").write_bytes(wos_sample().read_bytes())
    (folder / "README.md").write_text("# my exports\n")
    code, report = ingest_json(tmp_path, folder, tmp_path / "nope.ris")
    assert code == 1
    assert report["added"] == 4
    errors = {e["file"]: e["error"] for e in report["errors"]}
    assert errors[str(tmp_path / "nope.ris")] == f"{tmp_path / 'nope.ris'}: no such file or directory"
    assert "not a format vissue reads" in errors[str(folder / "README.md")]


def test_truncated_record_rejected_good_ones_kept(tmp_path):
    text = wos_sample().read_text(encoding="utf-8")
    cut = text[: text.rindex("\nER") - 200]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    code, report = ingest_json(tmp_path, path)
    assert code == 1
    assert (report["added"], report["rejected"]) == (3, 1)
    reject = report["rejects"][0]
    assert reject["file"] == str(path) and reject["position"].startswith("line ")
    assert "truncated: the file ends before its ER line" in reject["message"]


def test_record_without_title(tmp_path):
    lines = wos_sample().read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("TI "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("   "))
    path = tmp_path / "untitled.txt"
    path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    result = run(tmp_path, "ingest", str(path))
    assert result.exit_code == 1
    assert f"rejected: {path}, line 3: field TI: record has no title" in result.output
    assert "3 added" in result.output


def test_latin1_bytes_in_a_utf8_file(tmp_path):
    raw = wos_sample().read_bytes()
    marker = b"\nTI "
    at = raw.index(marker) + len(marker)
    path = tmp_path / "mixed.txt"
    path.write_bytes(raw[:at] + "Caf\u00e9 politics: ".encode("latin-1") + raw[at:])
    code, report = ingest_json(tmp_path, path)
    assert code == 0 and report["added"] == 4
    line = raw[:at].count(b"\n") + 1
    assert report["warnings"] == [
        f"{path}, line {line}: not valid UTF-8 (byte 0xe9 at column 7); read as Latin-1/Windows-1252"
        " — check the accents in this record"
    ]
    result = run(tmp_path, "works", "--json")
    titles = [w["title"] for w in json.loads(result.output)["works"]]
    assert any(t.startswith("Café politics: ") for t in titles)


def test_malformed_wos_file_is_read_with_a_warning(tmp_path):
    bad = shared_path("samples", "wos_plaintext", "metaknowledge_badFile_MALFORMED.isi")
    result = run(tmp_path, "ingest", str(bad))
    assert result.exit_code == 0
    assert f"warning: {bad}, line 3: field C1: 104 lines after C1 look like cited references" in result.output
    assert "32 added" in result.output


def test_format_forced_wrongly(tmp_path):
    result = run(tmp_path, "ingest", "--format", "ris", "--json", str(wos_sample()))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["added"] == 0
    assert report["errors"][0]["error"] == (
        f"{wos_sample()}, line 1: not an RIS file (no 'TY  - ' line starts a record);"
        " it looks like wos (try --format auto)"
    )


@pytest.mark.slow
def test_a_100_megabyte_export(tmp_path):
    """A big export (the 291-record sample written out 60 times, ~100 MB) reads whole and dedupes."""
    sample = shared_path("samples", "wos_plaintext", "centralasia_wos_res2501to2791_230316.txt")
    body = sample.read_bytes()
    copies = 100 * 1024 * 1024 // len(body) + 1
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write(body)
        tail = body[body.index(b"\nPT ") + 1:]
        for _ in range(copies - 1):
            f.write(b"\n" + tail)
    assert os.path.getsize(big) >= 100 * 1024 * 1024
    started = time.monotonic()
    code, report = ingest_json(tmp_path, big)
    assert code == 0
    assert report["read"] == 291 * copies
    assert (report["added"], report["works"]) == (291, 291)
    assert report["unchanged"] == 291 * (copies - 1)
    print(f"100 MB export: {report['read']} records in {time.monotonic() - started:.1f} s")
