"""Web of Science plain text: every sample file, its quirks, and exact values checked by eye."""

from __future__ import annotations

import re

import pytest

from vissue.readers import Format, detect_format, read_path, wos
from vissue.readers.decode import decode_bytes
from vissue.work import DocType, Notice, Reject, Work

COUNTS = {
    "centralasia_wos_res2501to2791_230316.txt": 291,
    "wos_plaintext.txt": 50,
    "WoS_other_reference_software_r4001-4012.txt": 12,
    "metaknowledge_savedrecs.txt": 32,
    "metaknowledge_badFile_MALFORMED.isi": 32,
    "synthesisr_WoS_txt_example.txt": 4,
    "synthesisr_WoS_ciw_example.ciw": 5,
}


def records(path):
    return list(read_path(path).records())


def works(path):
    return [r for r in records(path) if isinstance(r, Work)]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_sample_is_read_whole(samples, name):
    path = samples / "wos_plaintext" / name
    plan = read_path(path)
    assert plan.format is Format.WOS
    results = [r for r in plan.records() if not isinstance(r, Notice)]
    assert len(results) == COUNTS[name]
    assert all(isinstance(r, Work) for r in results)
    # The number of ER lines is the number of records.
    ends = sum(1 for line in path.read_text(encoding="utf-8-sig").splitlines() if line == "ER")
    assert ends == COUNTS[name]


def test_central_asia_values(samples):
    found = works(samples / "wos_plaintext" / "centralasia_wos_res2501to2791_230316.txt")
    first = found[0]
    assert first.ids["wos"].startswith("WOS:")
    with_abstract = [w for w in found if w.abstract]
    assert len(with_abstract) == 268  # SOURCES.md: 23 of 291 lack AB
    assert all(w.origin.format == "wos" and w.origin.raw.endswith("ER") for w in found)


def test_somzhurek_record_exactly(samples):
    path = shared = samples.parent / "wos-central-asia"
    found = {w.ids["wos"]: w for f in sorted(shared.glob("*.txt")) for w in works(f)}
    work = found["WOS:000437999500008"]
    assert work.title == "Central Asia and regional security"
    assert [a.family for a in work.authors] == ["Somzhurek", "Yessengaliyeva", "Medeubayeva", "Makangali"]
    assert work.year == 2018
    assert work.ids["doi"] == "10.1016/j.postcomstud.2018.04.005"
    assert work.venue.name == "COMMUNIST AND POST-COMMUNIST STUDIES"
    assert work.venue.issn == "0967-067X"
    assert work.pages == "161-171"
    assert work.abstract.startswith("This paper aims to analyze the politico-military cooperation")
    assert work.abstract.endswith("with the involvement of external actors.")
    assert "The Collective Security Treaty Organization (CSTO)" in work.keywords
    assert path.exists()


def test_a_full_name_written_family_first_is_read_by_its_short_form(samples):
    """Web of Science writes many Chinese names family first with no comma ('AF Zhou Qiang',
    'AU Zhou, Q'): the family name is the one the short form gives, not the last word. Every
    author of the real export whose two forms agree on the family name is read so."""
    shared = samples.parent / "wos-central-asia"
    found = {w.ids["wos"]: w for f in sorted(shared.glob("*.txt")) for w in works(f)}
    chinese = next(w for w in found.values() if w.title.startswith("Energy geopolitics in Central Asia: China"))
    assert [(a.family, a.given) for a in chinese.authors] == [("Zhou", "Qiang"), ("He", "Ze"), ("Yang", "Yu")]
    from vissue.work import parse_full_name
    assert parse_full_name("Filippo Costa Buranelli", "Costa Buranelli, F").family == "Costa Buranelli"
    assert parse_full_name("Enrique Palazuelos", "Gomez, E").family == "Palazuelos"  # they disagree: as before
    somzhurek = found["WOS:000437999500008"]
    assert somzhurek.authors[0].family == "Somzhurek"  # 'Somzhurek, Baubek Zh.': as before


def test_early_access_record_takes_its_year_from_ea(samples):
    shared = samples.parent / "wos-central-asia"
    found = [w for w in works(shared / "wos_res0001to0500_230316.txt")
             if w.title.startswith("Redistributive preferences in Europe")]
    assert len(found) == 2
    early = next(w for w in found if w.early_access)
    final = next(w for w in found if not w.early_access)
    assert (early.year, early.ids["doi"]) == (2020, "10.1111/ecot.12.267")
    assert (final.year, final.ids["doi"], final.pages) == (2021, "10.1111/ecot.12267", "151-172")


def test_header_with_trademark_sign_and_no_bom(samples):
    # savedrecs: a BOM and a header line with a trademark sign; synthesisr files: no BOM
    for name in ("metaknowledge_savedrecs.txt", "synthesisr_WoS_txt_example.txt"):
        text, _ = decode_bytes((samples / "wos_plaintext" / name).read_bytes(), file=name)
        assert detect_format(text) is Format.WOS


def test_malformed_file_is_read_and_its_faults_reported(samples):
    bad = records(samples / "wos_plaintext" / "metaknowledge_badFile_MALFORMED.isi")
    good = works(samples / "wos_plaintext" / "metaknowledge_savedrecs.txt")
    notices = [r for r in bad if isinstance(r, Notice)]
    assert len(notices) == 1
    assert notices[0].position == "line 3" and notices[0].field == "C1"
    assert "look like cited references" in notices[0].message
    bad_works = [r for r in bad if isinstance(r, Work)]
    # The repaired record holds the references the dropped CR tag lost, plus the inserted one.
    assert bad_works[0].references[0] == "Abraham M., 1909, RC CIRC MAT PALERMO, V28, P1"
    assert len(bad_works[0].references) == len(good[0].references) + 1
    assert [w.title for w in bad_works] == [w.title for w in good]


def test_structured_abstract_headings_stay_on_their_own_lines(samples):
    found = works(samples / "wos_plaintext" / "WoS_other_reference_software_r4001-4012.txt")
    structured = [w for w in found if w.abstract and "\n" in w.abstract]
    assert structured, "abstract paragraphs must be kept"


def test_unsp_article_number_and_doc_types(samples):
    ciw = works(samples / "wos_plaintext" / "synthesisr_WoS_ciw_example.ciw")
    li = next(w for w in ciw if w.ids.get("doi") == "10.1080/20964129.2020.1722034")
    assert li.pages == "UNSP 1722034"
    found = works(samples / "wos_plaintext" / "centralasia_wos_res2501to2791_230316.txt")
    kinds = {w.doc_type for w in found}
    assert DocType.CHAPTER in kinds and DocType.ARTICLE in kinds


def test_truncated_record_is_rejected_and_the_rest_kept():
    text = "FN Web of Science export\nVR 1.0\nPT J\nTI A whole record\nER\n\nPT J\nAU Cut, A\nTI Half a rec"
    results = list(wos.read(text, file="cut.txt"))
    assert isinstance(results[0], Work) and results[0].title == "A whole record"
    assert isinstance(results[1], Reject)
    assert results[1].position == "line 7"
    assert "truncated" in results[1].reason


def test_record_without_title_is_rejected():
    results = list(wos.read("PT J\nAU Nobody, A\nPY 2020\nER\n", file="x.txt"))
    assert isinstance(results[0], Reject)
    assert (results[0].field, results[0].position) == ("TI", "line 1")


def test_unmapped_tags_are_kept_in_extra(samples):
    work = works(samples / "wos_plaintext" / "centralasia_wos_res2501to2791_230316.txt")[0]
    assert {"WC", "SC", "GA"} <= set(work.extra)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", work.extra["DA"])
