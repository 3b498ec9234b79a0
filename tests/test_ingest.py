"""The library issue's checks on the real Web of Science export and the seed's RIS file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import shared_path
from vissue.cli import cli
from vissue.library.store import Library


def export_files(order):
    folder = shared_path("wos-central-asia")
    txt = sorted(str(p) for p in folder.glob("*.txt"))
    bib = sorted(str(p) for p in folder.glob("*.bib"))
    ris = [str(shared_path("seed", "kazakhstan-2022", "missing-from-wos.ris"))]
    return {"txt": txt + bib + ris, "bib": bib + txt + ris}[order]


def invoke(library, *args):
    result = CliRunner().invoke(cli, ["--library", str(library), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module", params=["txt", "bib"])
def built(request, tmp_path_factory):
    """A library built from the whole export, txt files first or bib files first."""
    library = tmp_path_factory.mktemp(f"lib-{request.param}")
    result = invoke(library, "ingest", "--json", *export_files(request.param))
    return library, request.param, result


def test_the_export_gives_2795_works_and_no_rejects(built):
    _, _, result = built
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert report["read"] == 2791 * 2 + 5
    assert (report["works"], report["rejected"], report["rejects"]) == (2795, 0, [])
    assert report["added"] == 2795
    assert report["merged"] == 2791 + 1


def test_a_second_ingest_adds_nothing(built):
    library, order, _ = built
    report = json.loads(invoke(library, "ingest", "--json", *export_files(order)).output)
    assert (report["added"], report["works"], report["unchanged"]) == (0, 2795, 2791 * 2 + 5)


def test_the_hard_cases_of_the_export(built):
    library, _, _ = built
    with Library(library) as lib:
        cojocaru = lib.get("10.1111/ecot.12.267")  # the early-access record's mistyped DOI
        assert lib.get("10.1111/ecot.12267").id == cojocaru.id
        assert lib.get("WOS:000586282500001").id == lib.get("WOS:000598855000006").id
        assert (cojocaru.work.year, cojocaru.work.ids["doi"], cojocaru.work.early_access) == (2021, "10.1111/ecot.12267", False)
        assert len(lib.sources(cojocaru.id)) == 4  # two records in txt, two in bib
        collins = {lib.get("10.1017/cbo9780511510014.010").id, lib.get("10.1017/cbo9780511510014.011").id}
        assert len(collins) == 2
        dadabaev = {lib.get(i).id for i in ("WOS:000443022600014", "WOS:000545595000004",
                                            "WOS:000859080000003", "WOS:000606484100005")}
        assert len(dadabaev) == 4
        # txt and bib records of one work are merged, and the merge says who gave what.
        somzhurek = lib.get("WOS:000437999500008")
        assert {s["format"] for s in lib.sources(somzhurek.id)} == {"wos", "bibtex"}
        assert set(somzhurek.provenance) >= {"title", "abstract", "authors"}


def test_show_by_wos_accession_and_by_doi(built):
    library, _, _ = built
    by_wos = json.loads(invoke(library, "show", "WOS:000437999500008", "--json").output)
    assert by_wos["title"] == "Central Asia and regional security"
    assert by_wos["year"] == 2018
    assert by_wos["authors"][0]["family"] == "Somzhurek" and len(by_wos["authors"]) == 4
    assert by_wos["venue"]["display_name"] == "Communist and Post-Communist Studies"
    assert by_wos["ids"]["doi"] == "10.1016/j.postcomstud.2018.04.005"
    assert by_wos["abstract"].startswith("This paper aims to analyze the politico-military cooperation")
    by_doi = json.loads(invoke(library, "show", "10.1016/j.postcomstud.2018.04.005", "--json").output)
    assert by_doi["id"] == by_wos["id"]
    text = invoke(library, "show", "10.1016/j.postcomstud.2018.04.005").output
    assert "Central Asia and regional security" in text and "Somzhurek" in text


def test_the_seed_articles_are_all_in_the_library(built):
    library, _, _ = built
    gold = json.loads(shared_path("seed", "kazakhstan-2022", "gold.json").read_text())
    works = json.loads(invoke(library, "works", "--journal", "0967-067X", "--json").output)
    titles = {w["title"].casefold() for w in works["works"]}
    for article in gold["articles"]:
        assert article["title"].casefold() in titles, article["title"]
    # The journal's three spellings select the same works.
    for name in ("COMMUNIST AND POST-COMMUNIST STUDIES", "Communist and Post-Communist Studies"):
        same = json.loads(invoke(library, "works", "--journal", name, "--json").output)
        assert same["total"] == works["total"] == 29
