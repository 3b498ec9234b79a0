"""Web of Science tab-delimited reader, on the real UTF-16 and UTF-8 exports of the same 50 records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import only_works, read_records, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, wos_tab
from vissue.work import DocType, Reject, Work

UTF16 = "wos_tabdelimited/wos_tab_delimited_win_utf16.txt"
UTF8 = "wos_tabdelimited/wos_tab_delimited_win_utf8.txt"
PLAIN = "wos_plaintext/wos_plaintext.txt"
# The 59 columns of the samples' header, in order.
HEADER_TAGS = [
    "PT", "AU", "BA", "BE", "GP", "AF", "BF", "CA", "TI", "SO", "SE", "BS", "LA", "DT", "CT",
    "CY", "CL", "SP", "HO", "DE", "ID", "AB", "C1", "RP", "EM", "RI", "OI", "FU", "FX", "CR",
    "NR", "TC", "Z9", "PU", "PI", "PA", "SN", "EI", "BN", "J9", "JI", "PD", "PY", "VL", "IS",
    "PN", "SU", "SI", "MA", "BP", "EP", "AR", "DI", "D2", "PG", "WC", "SC", "GA", "UT",
]


def _works(path: Path) -> list[Work]:
    return only_works(read_records(path, wos_tab))


def _line(values: dict[str, str]) -> str:
    """One data line in the export's layout: every header column, then the trailing tab."""
    return "\t".join(values.get(tag, "") for tag in HEADER_TAGS) + "\t"


HEADER = "\t".join(HEADER_TAGS)


# --- the real files -------------------------------------------------------------------------

@pytest.mark.parametrize("name", [UTF16, UTF8])
def test_counts_and_first_record(samples: Path, name: str) -> None:
    works = _works(samples / name)
    assert len(works) == 50
    w = works[0]
    assert w.title == (
        "Knowledge networks as channels and conduits: The effects of spillovers in the "
        "Boston biotechnology community"
    )
    assert [(a.family, a.given) for a in w.authors] == [("Owen-Smith", "J"), ("Powell", "WW")]
    assert w.year == 2004
    assert w.ids == {"wos": "WOS:000220015600001", "doi": "10.1287/orsc.1030.0054"}
    assert w.venue.name == "ORGANIZATION SCIENCE"
    assert w.venue.abbreviation == "Organ Sci."  # JI; the 20-character J9 stays in extra
    assert w.venue.issn == "1047-7039"
    assert w.venue.publisher == "INST OPERATIONS RESEARCH MANAGEMENT SCIENCES"
    assert (w.volume, w.issue, w.pages) == ("15", "1", "5-21")
    assert w.doc_type is DocType.ARTICLE and not w.early_access
    assert w.language == "English"
    assert w.abstract.startswith("We contend that two important, nonrelational, features")
    assert w.abstract.endswith("biotechnology firms located in the Boston metropolitan area.")
    assert w.keywords[:2] == ["knowledge networks", "economic geography"]
    assert "STRATEGIC ALLIANCE FORMATION" in w.keywords  # ID after DE
    assert w.references[0] == "Ahuja G, 2000, ADMIN SCI QUART, V45, P425, DOI 10.2307/2667105"
    assert w.origin.position == "line 2"
    assert w.origin.format == "wos-tab"
    assert w.extra["TC"] == "420" and w.extra["J9"] == "ORGAN SCI" and w.extra["GA"] == "800FZ"


def test_utf16_and_utf8_files_give_the_same_records(samples: Path) -> None:
    a, b = _works(samples / UTF16), _works(samples / UTF8)
    assert [w.title for w in a] == [w.title for w in b]
    assert [w.ids for w in a] == [w.ids for w in b]
    assert [w.to_dict() for w in a] == [w.to_dict() for w in b]
    assert [w.origin.position for w in a] == [f"line {n}" for n in range(2, 52)]


def test_same_records_as_the_plain_text_export(samples: Path) -> None:
    works = _works(samples / UTF8)
    plain = (samples / PLAIN).read_text(encoding="utf-8-sig")
    uts = re.findall(r"^UT (WOS:\d{15})$", plain, re.MULTILINE)
    assert len(uts) == 50
    assert [w.ids["wos"] for w in works] == uts
    dois = {d.lower() for d in re.findall(r"^DI (\S+)$", plain, re.MULTILINE)}
    assert {w.ids["doi"] for w in works if "doi" in w.ids} == dois
    assert re.search(r"^TI Knowledge networks as channels and conduits", plain, re.MULTILINE)


def test_detect_format_picks_wos_tab(samples: Path) -> None:
    for name in (UTF16, UTF8):
        assert detect_format(sample_text(samples / name)) is Format.WOS_TAB


# --- quirks (SOURCES.md §2) -------------------------------------------------------------------

def test_utf16_bom_and_crlf_are_gone(samples: Path) -> None:
    raw = (samples / UTF16).read_bytes()
    assert raw.startswith(b"\xff\xfe") and b"\r\x00\n\x00" in raw
    for w in _works(samples / UTF16):
        assert "\r" not in w.origin.raw and "\ufeff" not in w.origin.raw
        assert "\r" not in (w.abstract or "") and not w.title.startswith("\ufeff")


def test_utf8_file_has_bom_and_lf(samples: Path) -> None:
    raw = (samples / UTF8).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfPT\t") and b"\r\n" not in raw
    assert _works(samples / UTF8)[0].extra["PT"] == "J"


def test_trailing_tab_does_not_shift_columns(samples: Path) -> None:
    header = sample_text(samples / UTF8).split("\n", 1)[0].split("\t")
    assert header == HEADER_TAGS
    for w in _works(samples / UTF8):
        assert w.origin.raw.endswith("\t") and len(w.origin.raw.split("\t")) == 60
        assert re.fullmatch(r"WOS:\d{15}", w.ids["wos"])  # UT is the last column
        assert not any(key.startswith("column") for key in w.extra)
        assert w.extra["GA"] and re.fullmatch(r"\d+", w.extra["NR"])


def test_huge_cited_reference_cells(samples: Path) -> None:
    works = _works(samples / UTF16)
    biggest = max(works, key=lambda w: len(w.origin.raw))
    assert len(biggest.origin.raw) > 20000
    assert biggest.title == "Cerebellar circuitry as a neuronal machine"
    assert len(biggest.references) == 339
    # '; ' separates references; a bare ';' inside SICI DOIs does not.
    assert all(len(w.references) == int(w.extra["NR"]) for w in works)


def test_c1_groups_and_orcids_attach_to_authors(samples: Path) -> None:
    works = _works(samples / UTF8)
    w = next(w for w in works if w.ids["wos"] == "WOS:000302294700075")
    by_name = {a.family: a for a in w.authors}
    assert by_name["Bandettini"].affiliation == (
        "NIMH, Sect Funct Imaging Methods, Lab Brain & Cognit, NIH, Bethesda, MD 20892 USA; "
        "NIMH, Funct MRI Facil, NIH, Bethesda, MD 20892 USA"
    )
    assert by_name["Saad"].affiliation is None  # not named in any C1 group
    assert "C1" not in w.extra
    ley = next(w for w in works if w.authors[0].family == "Leydesdorff" and w.year == 2010)
    assert ley.authors[0].orcid == "0000-0002-7835-3098"
    assert ley.authors[1].affiliation == "Umea Univ, Dept Sociol, SE-90187 Umea, Sweden"
    # 'Aguillo, Isidro' in OI is 'Aguillo, Isidro F.' in AF.
    ortega = [w for w in works if w.authors[0].family == "Ortega"]
    assert all(w.authors[1].orcid == "0000-0001-8927-4873" for w in ortega) and len(ortega) == 2
    # 'Wright, Dawn' is not an author of the record: the OI stays in extra.
    yang = next(w for w in works if w.extra.get("OI", "").startswith("Wright, Dawn"))
    assert all(a.orcid is None for a in yang.authors)


def test_old_c1_without_names_stays_in_extra(samples: Path) -> None:
    w = _works(samples / UTF8)[0]
    assert all(a.affiliation is None for a in w.authors)
    assert w.extra["C1"].startswith("Univ Michigan, Dept Sociol")


def test_proceedings_with_isbn_and_series(samples: Path) -> None:
    w = next(w for w in _works(samples / UTF8) if w.isbns == ["1424402239"])
    assert w.doc_type is DocType.PROCEEDINGS
    assert w.venue.name == "IEEE Virtual Reality 2006, Proceedings"
    assert w.pages == "223"  # EP '+' (unknown last page) is not a page
    assert w.extra["EP"] == "+"
    assert w.extra["SE"] == "PROCEEDINGS OF THE IEEE VIRTUAL REALITY ANNUAL INTERNATIONAL SYMPOSIUM"


def test_article_number_when_no_pages(samples: Path) -> None:
    w = next(w for w in _works(samples / UTF8) if w.authors[0].family == "Morel")
    assert w.pages == "e501" and "AR" not in w.extra


# --- edge cases, inline ----------------------------------------------------------------------

def test_sniff() -> None:
    assert wos_tab.sniff(HEADER + "\n" + _line({"TI": "x"}))
    assert not wos_tab.sniff("FN Web of Science export\nVR 1.0\nPT J\nAU Doe, J\n")
    assert not wos_tab.sniff("PT\tJ\nAU\tDoe\n")
    assert not wos_tab.sniff("Authors,Title,Year,Source title\n")


def test_early_access_and_ea_year() -> None:
    # 2023 exports add EA (early access date); a record still in early access has no PY.
    tags = [*HEADER_TAGS, "EA"]
    values = {"PT": "J", "AF": "Doe, Jane", "TI": "A title", "DT": "Article; Early Access",
              "UT": "WOS:000123456700001", "EA": "JUN 2021"}
    issued = {**values, "TI": "Issued", "DT": "Article", "PY": "2022", "EA": "JUN 2021"}
    no_label = {**values, "TI": "No label", "DT": "Article"}
    text = "\t".join(tags) + "\n" + "".join(
        "\t".join(v.get(t, "") for t in tags) + "\t\n" for v in (values, issued, no_label)
    )
    w, later, unlabelled = wos_tab.read(text)
    assert w.early_access and w.doc_type is DocType.ARTICLE
    assert w.year == 2021 and w.extra["EA"] == "JUN 2021"
    assert w.authors[0].given == "Jane"
    assert not later.early_access and later.year == 2022
    assert unlabelled.early_access  # EA and no PY: still in early access


def test_missing_title_and_truncated_last_line() -> None:
    good = _line({"TI": "Kept", "AU": "Doe, J", "PY": "2001"})
    notitle = _line({"AU": "Roe, R", "PY": "2002"})
    cut = "\t".join(_line({"TI": "Cut off", "AU": "Poe, P"}).split("\t")[:12])  # file ends here
    records = list(wos_tab.read("\n".join([HEADER, good, notitle, cut]), file="x.txt"))
    assert [type(r).__name__ for r in records] == ["Work", "Reject", "Reject"]
    assert records[0].year == 2001 and records[0].authors[0].family == "Doe"
    assert records[1].field == "TI" and records[1].reason == "record has no title"
    assert records[1].position == "line 3" and records[1].file == "x.txt"
    assert records[2].reason.startswith("record is truncated") and records[2].position == "line 4"


def test_line_break_inside_a_field_is_joined() -> None:
    values = {"TI": "Broken", "AB": "First paragraph.\nSecond paragraph.", "UT": "WOS:000111111100001"}
    text = HEADER + "\n" + _line(values) + "\n" + _line({"TI": "Next"}) + "\n"
    notice, first, second = wos_tab.read(text, file="x.txt")
    assert notice.text() == "x.txt, line 2: field AB: the field holds a line break: lines 2 to 3 read as one record"
    assert first.abstract == "First paragraph.\nSecond paragraph."
    assert first.ids["wos"] == "WOS:000111111100001"
    assert second.title == "Next" and second.origin.position == "line 4"


def test_stray_line_is_rejected_not_glued_to_the_next_record() -> None:
    text = "\n".join([HEADER, "a stray line from an editor", _line({"TI": "Next", "UT": "WOS:000111111100002"})])
    stray, record = wos_tab.read(text, file="x.txt")
    assert isinstance(stray, Reject) and stray.position == "line 2" and stray.field == "AU"
    assert stray.reason.startswith("the line has 1 fields but the header has")
    assert record.title == "Next" and record.extra.get("PT") is None and record.origin.position == "line 3"


def test_not_a_tab_file_raises() -> None:
    with pytest.raises(FormatError, match=r"x\.txt, line 1: not a Web of Science tab-delimited"):
        list(wos_tab.read("FN Web of Science export\nVR 1.0\n", file="x.txt"))
