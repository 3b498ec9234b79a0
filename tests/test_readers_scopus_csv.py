"""Scopus CSV reader, on a 2022 export with ragged rows and a 2016 export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import only_works, read_records, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, scopus_csv
from vissue.work import DocType, Work

LITSTUDY = "scopus_csv/litstudy_scopus.csv"
METAKNOWLEDGE = "scopus_csv/metaknowledge_scopus_testing.csv"


def _works(path: Path) -> list[Work]:
    return only_works(read_records(path, scopus_csv))


def _csv(header: list[str], *rows: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


# --- the real files -------------------------------------------------------------------------

def test_litstudy_counts_and_first_record(samples: Path) -> None:
    works = _works(samples / LITSTUDY)
    assert len(works) == 58
    w = works[0]
    assert w.title == "Scalable molecular dynamics with NAMD"
    assert (w.authors[0].family, w.authors[0].given) == ("Phillips", "J.C.")
    assert w.authors[8].family == "Kalé" and len(w.authors) == 10
    assert w.authors[0].affiliation == (
        "Beckman Institute, University of Illinois at Urbana-Champaign, Urbana, IL 61801, United States"
    )
    assert w.year == 2005
    assert w.ids == {"doi": "10.1002/jcc.20289", "eid": "2-s2.0-27344436659"}
    assert w.venue.name == "Journal of Computational Chemistry"
    assert w.venue.issn == "0192-8651"  # '01928651' in the file
    assert w.venue.abbreviation == "J. Comput. Chem."
    assert w.venue.publisher == "John Wiley and Sons Inc."
    assert (w.volume, w.issue, w.pages) == ("26", "16", "1781-1802")
    assert w.doc_type is DocType.REVIEW and not w.early_access
    assert w.language == "English"
    assert w.abstract.startswith("NAMD is a parallel molecular dynamics code designed")
    assert w.abstract.endswith("NAMD is distributed free of charge with source code at www.ks.uiuc.edu.")
    assert w.keywords[:3] == ["Biomolecular simulation", "Molecular dynamics", "Parallel computing"]
    assert "Algorithms" in w.keywords  # index keywords after author keywords
    assert w.references[0].startswith("Kalé, L., Skeel, R., Bhandarkar, M.")
    assert w.extra["CODEN"] == "JCCHD" and w.extra["Cited by"] == "13169"
    assert w.origin.position == "line 2" and w.origin.format == "scopus"


def test_metaknowledge_counts_and_first_record(samples: Path) -> None:
    works = _works(samples / METAKNOWLEDGE)
    assert len(works) == 220
    w = works[0]
    assert w.title == (
        "Strain Distribution of Complex-Bending YBCO Tape in Force-Balanced Coil Applied to SMES"
    )
    assert (w.authors[0].family, w.authors[0].given) == ("Yagai", "T.")
    assert w.authors[0].affiliation == "Sophia University, Tokyo, Japan"
    assert w.year == 2016
    assert w.ids == {"doi": "10.1109/tasc.2016.2541670", "eid": "2-s2.0-84963944162"}
    assert w.venue.name == "IEEE Transactions on Applied Superconductivity"
    assert w.venue.issn == "1051-8223"
    assert w.pages == "7433444"  # no page range: the article number (' 7433444' in the file)
    assert w.keywords[:2] == ["complex bending", "force-balanced coil"]
    assert w.abstract.startswith("High-temperature superconductor power applications")
    assert len(w.references) == 8
    assert works[-1].title == "The Case for a Sociology of Roman Law"
    assert works[-1].doc_type is DocType.CHAPTER
    assert works[-1].origin.position == "line 221"


def test_detect_format_picks_scopus(samples: Path) -> None:
    for name in (LITSTUDY, METAKNOWLEDGE):
        assert detect_format(sample_text(samples / name)) is Format.SCOPUS


# --- quirks (SOURCES.md §3) -------------------------------------------------------------------

def test_ragged_rows_are_realigned(samples: Path) -> None:
    text = sample_text(samples / LITSTUDY)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows[0]) == 45 and sum(len(r) == 46 for r in rows[1:]) == 56
    works = _works(samples / LITSTUDY)
    for w, row in zip(works, rows[1:], strict=True):
        link_eid = re.search(r"eid=(2-s2\.0-\d+)", row[13]).group(1)
        assert w.ids["eid"] == link_eid  # the EID column, after realignment
        assert w.doc_type is not DocType.OTHER or "Conference Review" in row
        assert "Source" not in w.extra or w.extra["Source"] == "Scopus"
        assert w.language == "English"
        link_doi = re.search(r"doi=([^&]+)", row[13])
        if link_doi:
            assert w.ids["doi"] == link_doi.group(1).replace("%2f", "/").lower()
    # A shifted row: 'Document Type' held 'Sci. Rep.' and 'EID' held 'Scopus'.
    w = works[2]
    assert w.title.startswith("Petri nets and ODEs as complementary methods")
    assert w.doc_type is DocType.ARTICLE
    assert w.ids == {"doi": "10.1038/s41598-022-04849-0", "eid": "2-s2.0-85123480963", "pmid": "35064163"}
    assert w.venue.abbreviation == "Sci. Rep." and w.venue.issn == "2045-2322"
    assert w.venue.publisher == "Nature Research"
    assert w.references[0] == "Edelstein-Keshet, L., (2005) Mathematical Models in Biology, , SIAM"
    assert w.extra["Open Access"] == "All Open Access, Gold, Green"
    assert w.extra["Correspondence Address"].startswith("Gutowska, K.; Institute of Computing Science")


def test_unheaded_funding_text_2_is_kept(samples: Path) -> None:
    w = next(w for w in _works(samples / LITSTUDY) if "Funding Text 2" in w.extra)
    assert w.title == "MUFINS: Multi-formalism interaction network simulator"
    assert w.extra["Funding Text 2"].startswith("Development of MUFINS was funded by BBSRC")
    assert w.ids["eid"] == "2-s2.0-85030102047"


def test_no_abstract_available_becomes_none(samples: Path) -> None:
    lit = _works(samples / LITSTUDY)
    assert [w.title for w in lit if w.abstract is None] == [
        "Preface: Petri nets for systems and synthetic biology"
    ]
    meta = _works(samples / METAKNOWLEDGE)
    assert sum(w.abstract is None for w in meta) == 16
    assert sample_text(samples / METAKNOWLEDGE).count("[No abstract available]") == 16


def test_copyright_tails_removed(samples: Path) -> None:
    works = _works(samples / LITSTUDY) + _works(samples / METAKNOWLEDGE)
    assert sum("©" in w.origin.raw for w in works) > 100
    assert not [w.abstract for w in works if w.abstract and "©" in w.abstract]
    petri = _works(samples / LITSTUDY)[1]
    assert petri.abstract.endswith("Suggestions are provided for further reading on many subject areas of Petri nets.")
    # Tails the shared copyright pattern does not know: '© <holder> <year>.'
    hcv = next(w for w in works if w.ids.get("eid") == "2-s2.0-85049943829")
    assert "© Springer International Publishing AG, part of Springer Nature 2018." in hcv.origin.raw
    assert hcv.abstract.endswith("the key determinants of the HCV induced immune response.")
    pn = next(w for w in works if w.ids.get("eid") == "2-s2.0-85007015219")
    assert pn.abstract.endswith("classification may be optimized using the PN approach.")


def test_bom_and_embedded_newlines(samples: Path) -> None:
    raw = (samples / LITSTUDY).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\"Authors\"") or raw.startswith(b"\xef\xbb\xbfAuthors")
    text = sample_text(samples / LITSTUDY)
    lines = text.split("\n")
    works = _works(samples / LITSTUDY)
    multi = [w for w in works if "\n" in w.origin.raw]
    assert multi, "the export has quoted fields with line breaks"
    for w in works:
        start = int(w.origin.position.split()[1])
        assert lines[start - 1] == w.origin.raw.split("\n")[0]
        (row,) = csv.reader(io.StringIO(w.origin.raw, newline=""))
        assert " ".join(row[2].split()) == w.title
    w = works[2]
    assert "\n" in w.extra["Correspondence Address"]
    assert works[3].origin.position == "line 6"  # the row before spans lines 4-5


# --- edge cases, inline ----------------------------------------------------------------------

HEADER = ["Authors", "Title", "Year", "Source title", "DOI", "Link", "Abstract",
          "Language of Original Document", "Document Type", "Publication Stage", "Source", "EID"]


def test_sniff() -> None:
    assert scopus_csv.sniff(_csv(HEADER))
    assert scopus_csv.sniff('Title,Authors,Year\n"x","y","2000"\n')
    assert not scopus_csv.sniff("Name,Value\n1,2\n")
    assert not scopus_csv.sniff("PT\tAU\tTI\tSO\n")
    assert not scopus_csv.sniff('[{"type": "book", "title": "Title, Authors"}]')


def test_article_in_press_and_new_author_format() -> None:
    text = _csv(
        [*HEADER, "Author full names"],
        ["Doe J.; Van Der Berg J.-P.", "A title", "2024", "J. Things", "10.1000/ABC",
         "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001", "Text. © 2024 Elsevier Ltd",
         "English", "Article", "Article in Press", "Scopus", "2-s2.0-85000000001",
         "Doe, Jane (57000000001); Van Der Berg, Jan-Piet (57000000002)"],
    )
    (w,) = scopus_csv.read(text)
    assert w.early_access and w.doc_type is DocType.ARTICLE
    assert [(a.family, a.given) for a in w.authors] == [("Doe", "Jane"), ("Van Der Berg", "Jan-Piet")]
    assert w.abstract == "Text."
    assert w.ids == {"doi": "10.1000/abc", "eid": "2-s2.0-85000000001"}


def test_short_names_without_full_names() -> None:
    text = _csv(["Authors", "Title"], ["Knudson Jr. A.G., Van Der Berg J.-P., WHO Study Group", "T"])
    (w,) = scopus_csv.read(text)
    assert [(a.family, a.given) for a in w.authors] == [
        ("Knudson Jr.", "A.G."), ("Van Der Berg", "J.-P."), ("WHO Study Group", ""),
    ]


def test_extra_field_in_the_middle_is_found() -> None:
    row = ["Doe J.", "A title", "2020", "J. Things", "10.1/x", "https://scopus.com/x",
           "Abstract.", "English", "Review", "Final", "Scopus", "2-s2.0-123456789"]
    shifted = [*row[:7], "Grant 123 of the X Fund", *row[7:]]
    records = list(scopus_csv.read(_csv(HEADER, row, shifted)))
    assert records[0].to_dict()["doc_type"] == records[1].to_dict()["doc_type"] == "review"
    assert records[1].ids["eid"] == "2-s2.0-123456789"
    assert records[1].abstract == "Abstract."
    assert records[1].language == "English"
    assert records[1].extra["column 8 (no header)"] == "Grant 123 of the X Fund"


def test_missing_title_and_truncated_row() -> None:
    good = ["Doe J.", "Kept", "2020", "J", "", "", "", "", "Article", "Final", "Scopus", "2-s2.0-1234567"]
    notitle = ["Roe R.", "", "2021", "J", "", "", "", "", "Article", "Final", "Scopus", "2-s2.0-7654321"]
    text = _csv(HEADER, good, notitle) + '"Poe P.","Cut off","2022","J'
    records = list(scopus_csv.read(text, file="s.csv"))
    assert [type(r).__name__ for r in records] == ["Work", "Reject", "Reject"]
    assert records[1].field == "Title" and records[1].position == "line 3"
    assert records[2].reason.startswith("record is truncated") and records[2].position == "line 4"


def test_not_scopus_raises() -> None:
    with pytest.raises(FormatError, match=r"s\.csv, line 1: not a Scopus CSV"):
        list(scopus_csv.read("Name,Value\n1,2\n", file="s.csv"))
