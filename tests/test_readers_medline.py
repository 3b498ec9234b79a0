"""PubMed MEDLINE / .nbib reader: the real samples (SOURCES.md §11) and small inline records."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import read_records, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, medline, read_path
from vissue.work import Author, DocType, Reject, Work

DIR = "pubmed_medline"
COUNTS = {  # records (PMID- lines), works among them, works with an abstract
    "revtools_restoration_pubmed.nbib": (104, 104, 96),
    "metaknowledge_medline_test.medline": (175, 174, 171),
    "pybibx_mcda_pubmed.nbib": (10, 10, 10),
    "synthesisr_PubMed_example.nbib": (3, 3, 3),
}


def records(samples: Path, name: str) -> list[Work | Reject]:
    return read_records(samples / DIR / name, medline)


def works(samples: Path, name: str) -> list[Work]:
    return [r for r in records(samples, name) if isinstance(r, Work)]


def by_pmid(items: list[Work], pmid: str) -> Work:
    return next(w for w in items if w.ids.get("pmid") == pmid)


def read_inline(text: str) -> list[Work | Reject]:
    return list(medline.read(text, file="inline.nbib"))


# --- every sample file -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_counts(samples: Path, name: str) -> None:
    found = records(samples, name)
    total, n_works, n_abstracts = COUNTS[name]
    assert len(found) == total
    assert sum(isinstance(r, Work) for r in found) == n_works
    assert sum(1 for r in found if isinstance(r, Work) and r.abstract) == n_abstracts
    for r in found:
        if isinstance(r, Work):
            assert r.origin is not None and r.origin.format == "medline"
            assert r.origin.raw.startswith("PMID- ")
            assert r.title and r.ids.get("pmid")


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format(samples: Path, name: str) -> None:
    path = samples / DIR / name
    text = sample_text(path)
    assert detect_format(text, file=str(path)) is Format.MEDLINE
    assert medline.sniff(text.lstrip())


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_read_path(samples: Path, name: str) -> None:
    plan = read_path(samples / DIR / name, Format.MEDLINE)
    assert len(list(plan.records())) == COUNTS[name][0]


def test_synthesisr_first_record(samples: Path) -> None:
    w = works(samples, "synthesisr_PubMed_example.nbib")[0]
    # the title runs on over a continuation line indented six spaces
    assert w.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian "
        "zones from farmland to receiving waterways under varying rainfall conditions."
    )
    assert w.ids == {"pmid": "28441597", "doi": "10.1016/j.scitotenv.2017.04.075"}
    assert w.authors[0] == Author(
        family="Neilen", given="Amanda D",
        affiliation="Australian Rivers Institute, Griffith School of Environment, Griffith "
        "University, Kessels Rd, Nathan, Queensland, 4111, Australia. Electronic address: "
        "amanda.neilen@griffithuni.edu.au.",
    )
    assert [a.family for a in w.authors] == ["Neilen", "Chen", "Parker", "Faggotter", "Burford"]
    assert w.year == 2017
    assert w.venue.name == "The Science of the total environment"
    assert w.venue.abbreviation == "Sci Total Environ"
    assert (w.volume, w.issue, w.pages) == ("598", None, "188-197")
    assert w.doc_type is DocType.ARTICLE
    assert w.language == "eng"
    assert w.abstract.startswith("Agricultural activities in catchments can cause excessive")
    assert w.abstract.endswith("the relative importance of which was driven by hydrological conditions.")
    assert w.keywords[:2] == ["Buffer strips", "Landsat"]
    assert w.extra["CI"] == "Copyright © 2017 Elsevier B.V. All rights reserved."
    assert w.origin.position == "line 1"


def test_revtools_values(samples: Path) -> None:
    items = works(samples, "revtools_restoration_pubmed.nbib")
    first = items[0]
    assert first.ids["pmid"] == "30689646"
    assert first.title.startswith("Ecosystem services changes between 2000 and 2015 in the Loess Plateau")
    assert first.authors[0].family == "Wu" and first.authors[0].given == "Dan"
    assert first.venue.name == "PloS one" and first.pages == "e0209483"
    assert items[2].origin.position == "line 179"
    assert [w.doc_type for w in items].count(DocType.LETTER) == 3


# --- quirks (SOURCES.md §11) ---------------------------------------------------------------

def test_file_starting_with_blank_line(samples: Path) -> None:
    first = records(samples, "metaknowledge_medline_test.medline")[0]
    assert isinstance(first, Work)
    assert first.origin.position == "line 2"  # line 1 is empty
    assert first.ids["pmid"] == "26524502"
    assert first.title == "Bioinformatic survey of ABC transporters in dermatophytes."


def test_old_da_tag_kept_in_extra(samples: Path) -> None:
    first = works(samples, "metaknowledge_medline_test.medline")[0]
    assert first.extra["DA"] == "20151207"


def test_truncated_last_record_is_rejected(samples: Path) -> None:
    last = records(samples, "metaknowledge_medline_test.medline")[-1]
    assert isinstance(last, Reject)
    assert last.field == "SO" and "truncated" in last.reason
    assert last.position == "line 14925"
    assert last.raw.startswith("PMID- 26153366") and last.raw.endswith("endometriu")


def test_crlf_and_trailing_spaces(samples: Path) -> None:
    path = samples / DIR / "pybibx_mcda_pubmed.nbib"
    assert b"\r\n" in path.read_bytes()
    w = works(samples, "pybibx_mcda_pubmed.nbib")[0]
    assert w.title == "On the Monte Carlo weights in multiple criteria decision analysis."
    assert "\r" not in w.abstract and "  " not in w.abstract
    # "weights of \r\n      criteria": the trailing space and the indent make one space
    assert w.abstract.startswith(
        "In multiple-criteria decision making/aiding/analysis (MCDM/MCDA) weights of criteria "
        "constitute a crucial input"
    )
    assert w.ids == {"pmid": "36206242", "doi": "10.1371/journal.pone.0268950", "pmcid": "PMC9543698"}
    assert w.origin.raw.split("\n")[14].endswith("weights of ")  # raw keeps the line as written


def test_multiple_lid_and_aid_lines(samples: Path) -> None:
    w = works(samples, "synthesisr_PubMed_example.nbib")[0]
    assert w.ids["doi"] == "10.1016/j.scitotenv.2017.04.075"  # the [doi] line, not the [pii]
    assert w.extra["LID"] == ["S0048-9697(17)30912-9 [pii]", "10.1016/j.scitotenv.2017.04.075 [doi]"]
    assert w.extra["AID"] == w.extra["LID"]


def test_issn_by_parenthesis(samples: Path) -> None:
    w = works(samples, "synthesisr_PubMed_example.nbib")[0]
    assert w.venue.eissn == "1879-1026"  # IS 1879-1026 (Electronic)
    assert w.venue.issn is None
    assert w.extra["IS"] == ["0048-9697 (Linking)"]
    printed = by_pmid(works(samples, "revtools_restoration_pubmed.nbib"), "30680024")
    assert printed.venue.issn == "1792-0981"  # IS 1792-0981 (Print)
    assert printed.extra["IS"] == ["1792-0981 (Linking)"]


def test_stat_values_and_records_without_mesh(samples: Path) -> None:
    items = works(samples, "revtools_restoration_pubmed.nbib")
    publisher = by_pmid(items, "30685259")
    assert publisher.extra["STAT"] == "Publisher"
    assert "MH" not in publisher.extra
    assert publisher.keywords[:3] == ["accelerometer", "computer assisted", "extra-articular deformities"]
    assert by_pmid(items, "30687380").extra["STAT"] == "PubMed-not-MEDLINE"
    assert works(samples, "synthesisr_PubMed_example.nbib")[0].extra["STAT"] == "PubMed-not-MEDLINE"
    assert {w.extra["STAT"] for w in works(samples, "metaknowledge_medline_test.medline")} >= {
        "In-Data-Review", "Publisher", "In-Process"}


def test_mesh_terms_become_keywords_after_author_keywords(samples: Path) -> None:
    w = works(samples, "pybibx_mcda_pubmed.nbib")[0]
    assert w.extra["MH"] == ["*Decision Making", "*Decision Support Techniques", "Entropy",
                             "Monte Carlo Method"]
    assert w.keywords == ["Decision Making", "Decision Support Techniques", "Entropy",
                          "Monte Carlo Method"]


def test_orcid_and_several_affiliations(samples: Path) -> None:
    w = works(samples, "pybibx_mcda_pubmed.nbib")[0]
    second = w.authors[1]
    assert second.family == "Strzałka" and second.orcid == "0000-0002-8887-4321"
    assert second.affiliation.endswith("; Department of Complex Systems, Faculty of Electrical "
                                       "and Computer Engineering, Rzesźow University of "
                                       "Technology, Rzesźow, Poland.")
    old = works(samples, "metaknowledge_medline_test.medline")
    orcid = [a for w in old for a in w.authors if a.orcid]
    assert [(a.family, a.orcid) for a in orcid] == [("Oberbeckmann-Winter", "0000-0001-9778-1920")]


def test_group_authors_and_investigators(samples: Path) -> None:
    items = works(samples, "metaknowledge_medline_test.medline")
    w = by_pmid(items, "26400998")
    assert w.authors[-1] == Author(family="Canadian Co-infection Cohort Study")
    assert w.extra["FIR"][:2] == ["Cohen, Jeff", "Conway, Brian"]
    assert all(a.family != "Cohen" for a in w.authors)


def test_uppercase_types_and_pages(samples: Path) -> None:
    items = works(samples, "metaknowledge_medline_test.medline")
    copd = by_pmid(items, "26788838")
    assert copd.extra["PT"] == ["JOURNAL ARTICLE"] and copd.doc_type is DocType.ARTICLE
    assert copd.language == "ENG"
    assert copd.early_access and copd.extra["PST"] == "aheadofprint"
    assert items[0].pages == "466-475"  # PG 466-75
    assert by_pmid(items, "26555218").doc_type is DocType.LETTER


def test_several_languages(samples: Path) -> None:
    w = by_pmid(works(samples, "revtools_restoration_pubmed.nbib"), "30624520")
    assert w.language == "por; eng"
    assert w.extra["LA"] == ["por", "eng"]


# --- inline edge cases ---------------------------------------------------------------------

INLINE = """PMID- 1
TI  - First title
AU  - van der Meulen MJ
AU  - Smith J
AD  - Somewhere.
CN  - The Group
IR  - Doe J
FIR - Doe, John
AD  - Investigator place.
PT  - Letter
PT  - Comment
DP  - 1999 Spring
PG  - 1118-28
SO  - J. 1999.
PMID- 2
AB  - No title here.
SO  - J. 2000.

PMID- 3
TI  - Erratum title
PT  - Published Erratum
PT  - Journal Article
OT  - Same
MH  - same/methods
SO  - J. 2001.
"""


def test_inline_records() -> None:
    found = read_inline(INLINE)
    assert len(found) == 3
    first, second, third = found
    assert isinstance(first, Work)
    assert first.authors == [
        Author(family="van der Meulen", given="MJ"),
        Author(family="Smith", given="J", affiliation="Somewhere."),
        Author(family="The Group"),
    ]
    assert first.extra["IR"] == ["Doe J"] and first.extra["AD"] == ["Investigator place."]
    assert first.doc_type is DocType.LETTER and first.year == 1999 and first.pages == "1118-1128"
    assert isinstance(second, Reject)
    assert (second.field, second.position, second.reason) == ("TI", "line 15", "record has no title")
    assert isinstance(third, Work) and third.doc_type is DocType.CORRECTION
    assert third.keywords == ["Same"]  # no duplicate from MeSH, case-insensitive
    assert third.origin.position == "line 19"


def test_not_medline_raises() -> None:
    with pytest.raises(FormatError, match=r"inline.nbib, line 2: not MEDLINE"):
        read_inline("\nTY  - JOUR\nTI  - A RIS record\nER  - \n")


def test_retracted_publication_is_still_an_article() -> None:
    (w,) = read_inline("PMID- 5\nTI  - T\nPT  - Journal Article\nPT  - Retracted Publication\n")
    assert w.doc_type is DocType.ARTICLE


@pytest.mark.parametrize(("given", "expected"), [
    ("1118-28", "1118-1128"), ("103-12", "103-112"), ("20-2", "20-22"),
    ("e229-e236", "e229-e236"), ("151 – 172", "151-172"), ("128-5", "128-5"), ("e0146496", "e0146496"),
])
def test_expand_pages(given: str, expected: str) -> None:
    assert medline.expand_pages(given) == expected


def test_sniff_rejects_other_tagged_formats() -> None:
    assert medline.sniff("PMID- 123\nOWN - NLM\nTI  - x\n")
    assert not medline.sniff("TY  - JOUR\nTI  - x\nER  - \n")
    assert not medline.sniff("FN Web of Science export\nVR 1.0\nPT J\nPM 123\n")
    assert not medline.sniff("PMID: 123\nTitle: x\n")
