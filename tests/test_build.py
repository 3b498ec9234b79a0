"""`vissue build` end to end on the real library: the virtual-issue issue's checks."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner

from conftest import shared_path
from vissue.cli import cli
from vissue.issue import VirtualIssue


def invoke(library, *args):
    result = CliRunner().invoke(cli, ["--library", str(library), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def event():
    return json.loads(shared_path("seed", "kazakhstan-2022", "gold.json").read_text())["event"]


@pytest.fixture(scope="module")
def built(seed_library, event, tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out"
    result = invoke(seed_library, "build", "--event", event, "--journal",
                    "Communist and Post-Communist Studies", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out, result.output


def test_build_writes_the_document_and_every_render(built):
    out, summary = built
    names = {p.name for p in out.iterdir()}
    assert names >= {"issue.json", "issue.md", "issue.html", "issue.ris", "issue.bib", "issue.csl.json"}
    issue = VirtualIssue.load(out / "issue.json")
    assert len(issue.works) == 10
    assert 2 <= len(issue.themes) <= 6
    assert "10 works in" in summary and "wrote issue.json" in summary


def test_exports_parse_back_into_the_selected_works(built):
    out, _ = built
    issue = VirtualIssue.load(out / "issue.json")
    titles = sorted(w.title for w in issue.works)
    ris = rispy.loads((out / "issue.ris").read_text(encoding="utf-8"))
    assert sorted(r.get("title") or r.get("primary_title") for r in ris) == titles
    bib = bibtexparser.parse_string((out / "issue.bib").read_text(encoding="utf-8"))
    assert len(bib.entries) == 10 and not bib.failed_blocks
    dois = {w.ids["doi"] for w in issue.works if w.ids.get("doi")}
    assert {e.fields_dict["doi"].value.lower() for e in bib.entries if "doi" in e.fields_dict} == dois
    csl = CiteProcJSON(json.loads((out / "issue.csl.json").read_text(encoding="utf-8")))
    assert len(csl) == 10
    firsts = {w.authors[0].family for w in issue.works}
    assert {str(ref["author"][0]["family"]) for ref in csl.values()} == firsts


def test_the_built_issue_passes_check(seed_library, built):
    out, _ = built
    result = invoke(seed_library, "check", str(out / "issue.json"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 10 works, each introduced once")


def test_building_twice_gives_the_same_document(seed_library, built, event, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    assert invoke(seed_library, "build", "--event", event, "--journal", "0967-067X", "-o", str(again)).exit_code == 0
    first = json.loads((out / "issue.json").read_text())
    second = json.loads((again / "issue.json").read_text())
    first.pop("created"), second.pop("created")
    first["parameters"].pop("journal"), second["parameters"].pop("journal")  # given by name, then by ISSN
    assert first == second
    # Byte for byte, apart from the timestamp, when the arguments are the same.
    third = tmp_path / "third"
    invoke(seed_library, "build", "--event", event, "--journal", "Communist and Post-Communist Studies",
           "-o", str(third))
    strip = lambda p: "\n".join(line for line in p.read_text().splitlines() if '"created"' not in line)  # noqa: E731
    assert strip(out / "issue.json") == strip(third / "issue.json")


def test_profile_style_and_themes_options(seed_library, event, tmp_path):
    profile = tmp_path / "cpcs.toml"
    profile.write_text('name = "Communist and Post-Communist Studies"\nissn = "0967-067X"\n'
                       'scope = "The journal covers domestic politics and societies."\n'
                       'citation_style = "chicago-author-date"\n')
    out = tmp_path / "out"
    result = invoke(seed_library, "build", "--event", event, "--profile", str(profile), "--themes", "3",
                    "-o", str(out))
    assert result.exit_code == 0, result.output
    issue = VirtualIssue.load(out / "issue.json")
    assert len(issue.themes) == 3
    assert issue.journal.citation_style == "chicago-author-date"
    assert any(s.part == "scope" for s in issue.sentences)
    named = tmp_path / "named"
    result = invoke(seed_library, "build", "--event", event, "--journal", "0967-067X", "--theme", "institutions",
                    "--theme", "regional security", "-o", str(named))
    assert [t.label for t in VirtualIssue.load(named / "issue.json").themes] == ["institutions", "regional security"]


@pytest.mark.parametrize(("setup", "args", "message"), [
    ("profile-typo", ["--profile", "{profile}"], "unknown key 'scop'; did you mean 'scope'?"),
    (None, ["--style", "chicago-authordate"], "unknown citation style 'chicago-authordate'; did you mean"),
    (None, ["--size", "3", "--themes", "5"], "--themes 5 is more than the 3 works selected"),
    ("file", ["-o", "{file}"], "is a file; give a folder for the output"),
])
def test_bad_build_input(seed_library, event, tmp_path, setup, args, message):
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "X"\nscop = "typo"\n')
    afile = tmp_path / "a-file"
    afile.write_text("")
    args = [a.format(profile=profile, file=afile) for a in args]
    result = invoke(seed_library, "build", "--event", event, "--journal", "0967-067X", *args)
    assert result.exit_code != 0
    assert message in result.output
