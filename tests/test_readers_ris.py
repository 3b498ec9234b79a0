"""The RIS reader on the real exports in ../shared/data/samples (ris/, scopus_ris/, dimensions/,
lens/) and the Kazakhstan seed file, plus small inline records for the edge cases.

Expected values were read off the files by eye; SOURCES.md §4, §5 and §14 list the quirks.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import read_records, sample_text, shared_path
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, ris
from vissue.work import Author, DocType, Reject, Work

# file (under samples/) -> (records as SOURCES.md counts them, of which Rejects)
COUNTS = {
    "ris/zotero_PublicHistoryTheses.ris": (100, 0),
    "ris/asreview_baseline_zotero.ris": (100, 0),
    "ris/asreview_ovid_zotero.ris": (6, 0),
    "ris/asreview_pubmed_zotero.ris": (6, 0),
    "ris/asreview_pubmed_endnote.ris": (6, 0),
    "ris/asreview_proquest.ris": (6, 0),
    "ris/asreview_embase.ris": (6, 0),
    "ris/asreview_web_of_science.txt": (10, 0),
    "ris/asreview_ris_issue_992.txt": (19, 0),
    "ris/asreview_ris_issue_1099.txt": (7, 0),
    "ris/synthesisr_EBSCO_ASP_ris_example.ris": (4, 0),
    "ris/synthesisr_Ovid_ris_example.ris": (4, 0),
    "ris/synthesisr_citesource_issue_24.ris": (17, 0),
    "ris/citesource_gambling-harms_psycinfo_124.ris": (124, 0),
    "ris/citesource_gambling-harms_crimjust_41.ris": (41, 0),
    "ris/citesource_EconLit_49.ris": (50, 0),  # the file name says 49; it holds 50 TY lines
    "ris/litstudy_ieee_example.ris": (25, 0),
    "scopus_ris/citesource_gambling-harms_scopus_255.ris": (255, 0),
    "scopus_ris/asreview_scopus.ris": (6, 0),
    "scopus_ris/synthesisr_Scopus_ris_example.ris": (3, 0),
    "dimensions/citesource_Dimensions_246.ris": (246, 0),
    "lens/citesource_gambling-harms_lens_49.ris": (49, 0),
    "lens/citesource_lens_343.ris": (343, 1),  # one record has no TI
}


@functools.cache
def _read_path(path: Path) -> tuple[Work | Reject, ...]:
    return tuple(read_records(path, ris))


def _read(samples: Path, name: str) -> list[Work | Reject]:
    """Each file is read once per session (tests only look at the results)."""
    return list(_read_path(samples / name))


def _works(samples: Path, name: str) -> list[Work]:
    return [r for r in _read(samples, name) if isinstance(r, Work)]


def _at(works: list[Work], line: int) -> Work:
    """The work whose record starts at this line of its file."""
    for work in works:
        assert work.origin is not None
        if work.origin.position == f"line {line}":
            return work
    raise AssertionError(f"no record starts at line {line}")


def _inline(text: str) -> list[Work | Reject]:
    return list(ris.read(text, file="inline.ris"))


# --- every sample file ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_counts(samples: Path, name: str) -> None:
    records, rejects = COUNTS[name]
    results = _read(samples, name)
    assert len(results) == records
    assert sum(isinstance(r, Reject) for r in results) == rejects
    for result in results:
        raw = result.raw if isinstance(result, Reject) else result.origin.raw if result.origin else ""
        assert raw.startswith("TY  - ") and raw.rstrip().endswith("ER  -")
        if isinstance(result, Work):
            assert result.title
            assert result.origin is not None and result.origin.format == Format.RIS.value


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format_picks_ris(samples: Path, name: str) -> None:
    assert detect_format(sample_text(samples / name)) is Format.RIS


def test_seed_kazakhstan_missing_from_wos() -> None:
    path = shared_path("seed", "kazakhstan-2022", "missing-from-wos.ris")
    works = read_records(path, ris)
    assert len(works) == 5 and all(isinstance(w, Work) for w in works)
    first = works[0]
    assert isinstance(first, Work)
    assert first.title == ("Trends in Socioeconomic Health Inequalities in Kazakhstan: "
                           "National Household Surveys Analysis")
    assert [a.display for a in first.authors] == ["Lazat Spankulova", "Marat Karatayev",
                                                  "Michèle L. Clarke"]
    assert first.authors[0] == Author(family="Spankulova", given="Lazat")
    for work in works:
        assert isinstance(work, Work)
        assert work.venue.name == "Communist and Post-Communist Studies"
        assert work.venue.issn == "0967-067X"
        assert work.abstract and len(work.abstract) > 200
        assert work.doc_type is DocType.ARTICLE
    assert first.abstract is not None
    assert first.abstract.startswith("According to the relative income hypothesis")
    assert first.abstract.endswith("the apparent lack of health-related equity in Kazakhstan.")
    assert works[4].title == ("Confronting Russia: How Do the Citizens of Countries of the Near "
                              "Abroad Perceive Their State’s Role?")


# --- §5 reference managers and databases -------------------------------------------------------

def test_zotero_theses_dates_types_and_paragraphs(samples: Path) -> None:
    works = _works(samples, "ris/zotero_PublicHistoryTheses.ris")
    first = works[0]
    assert first.title == ("How nations mourn:the memorialisation and management of "
                           "contemporary atrocity sites")
    assert first.authors == [Author(family="Hollow", given="Rosemary")]
    assert first.year == 2010  # DA 2010/// and PY 2010
    assert "DA" not in first.extra  # '2010///' says nothing more than the year
    assert first.doc_type is DocType.THESIS
    assert first.extra["M3"] == "PhD Thesis"
    assert first.venue.publisher == ("Centre for Cross Cultural Research, "
                                     "The Australian National University")
    assert first.language == "English"
    assert sum(1 for w in works if w.abstract is None) == 7
    # Multi-paragraph AB on untagged LF lines (CRLF file): paragraphs kept, a wrapped line rejoined.
    atomic = _at(works, 1360)
    assert atomic.title == "Atomic wonderland: science and progress in twentieth century Australia"
    assert atomic.abstract is not None
    assert atomic.abstract.startswith("The development and use of the atomic bomb was a turning")
    assert "\nThis thesis shifts between individual and nation" in atomic.abstract
    assert atomic.abstract.endswith("that separate science and public, citizen and state.")
    assert atomic.extra["ST"] == "Atomic wonderland"


def test_zotero_baseline_html_notes_kept(samples: Path) -> None:
    works = _works(samples, "ris/asreview_baseline_zotero.ris")
    first = works[0]
    assert first.title == ("An open source machine learning framework for efficient and "
                           "transparent systematic reviews")
    assert first.authors[0] == Author(family="van de Schoot", given="Rens")
    assert first.year == 2021
    assert first.ids["doi"] == "10.1038/s42256-020-00287-7"
    assert first.venue.name == "Nature Machine Intelligence"
    assert first.venue.issn == "2522-5839"
    assert (first.volume, first.issue, first.pages) == ("3", "2", "125-133")
    assert first.extra["N1"] == "<p>ASReview_relevant</p>"  # label data hidden in notes, kept
    assert sum(1 for w in works if w.abstract) == 98


def test_ovid_zotero_editors_to_extra(samples: Path) -> None:
    works = _works(samples, "ris/asreview_ovid_zotero.ris")
    first = works[0]
    assert first.title == ("The influence of self-criticism on depression symptoms among "
                           "ambulatory patients with inflammatory bowel disease.")
    assert first.authors[0] == Author(family="Trindade", given="Ines A")
    assert first.venue.name == "Clinical Psychology & Psychotherapy"
    assert first.ids["doi"] == "10.1002/cpp.2398"
    assert first.year == 2019
    assert any("A2" in w.extra for w in works)
    assert all(a.family != "Andres" for w in works for a in w.authors)


def test_pubmed_zotero_repeated_issn_and_abbreviation(samples: Path) -> None:
    first = _works(samples, "ris/asreview_pubmed_zotero.ris")[0]
    assert first.venue.name == "Przeglad gastroenterologiczny"
    assert first.venue.abbreviation == "Prz Gastroenterol"
    assert first.venue.issn == "1895-5770" and first.venue.eissn is None  # 'SN  - 1895-5770 1895-5770'
    assert first.year == 2019 and first.language == "eng"
    assert first.pages == "121-128"


def test_pubmed_endnote_blank_first_line_keyword_lines_and_pmid(samples: Path) -> None:
    works = _works(samples, "ris/asreview_pubmed_endnote.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 2"  # file starts blank
    assert first.title == ("Boswellia serrata: an overall assessment of in vitro, preclinical, "
                           "pharmacokinetic and clinical data")
    assert first.ids == {"doi": "10.2165/11586800-000000000-00000", "pmid": "21553931"}  # AN, DP NLM
    # One KW tag, then one MeSH term a line with no tag.
    assert first.keywords[:3] == ["Animals",
                                  "Anti-Inflammatory Agents/adverse effects/pharmacokinetics/*pharmacology",
                                  "Boswellia/*chemistry"]
    assert len(first.keywords) == 10
    assert first.pages == "349-69"
    assert first.venue.name == "Clin Pharmacokinet"
    assert first.extra["DA"] == "Jun" and first.extra["ET"] == "2011/05/11"
    assert first.extra["N1"].startswith("1179-1926\nAbdel-Tawab, Mona\n")
    assert sum(len(w.keywords) for w in works) == 129  # KW lines and the untagged ones after them


def test_proquest_doi_in_url_form(samples: Path) -> None:
    first = _works(samples, "ris/asreview_proquest.ris")[0]
    assert first.title.startswith("Predictors of posttraumatic stress symptom trajectories")
    assert first.ids == {"doi": "10.1002/jts.22387"}  # DO  - http://dx.doi.org/…
    assert first.venue.issn == "0894-9867" and first.venue.eissn is None  # '0894-9867, 0894-9867'
    assert first.extra["AN"] == "2214991469; 51887"
    assert first.extra["N1"] == ["Date revised - 2019-05-03", "Last updated - 2019-05-03"]


def test_embase_bom_duplicated_sn_and_doi_in_l2(samples: Path) -> None:
    works = _works(samples, "ris/asreview_embase.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 1"  # BOM before TY
    assert first.title == "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    assert first.authors == [Author(family="Liu", given="R."), Author(family="Adler", given="D.G.")]
    assert first.venue.issn == "2226-7190" and first.venue.eissn is None  # SN given twice
    assert first.ids == {"doi": "10.4103/2303-9027.138783"}
    assert first.extra["L2"] == "http://dx.doi.org/10.4103/2303-9027.138783"
    assert first.extra["U2"] == "L373791783"  # Embase's own id, not a PMID
    assert first.year == 2014 and first.doc_type is DocType.ARTICLE
    assert works[1].ids["pmid"] == "15368318"  # C5 of a record that Medline also holds


def test_ris_issue_1099_stray_free_text_lines(samples: Path) -> None:
    works = _works(samples, "ris/asreview_ris_issue_1099.txt")
    first = works[0]
    assert first.title.startswith("Design and prototyping of directly driven outer rotor")
    assert first.venue.name == "Advances in Electrical and Electronic Engineering"
    assert first.venue.abbreviation == "Adv. Electr. Electron. Eng."
    assert first.venue.issn == "1336-1376"
    assert first.extra["U3"] == "Cited By :9\nExport Date: 12 May 2022\nArticle"
    assert first.venue.publisher == "VSB-Technical University of Ostrava"  # PB after the stray lines
    assert first.ids == {"doi": "10.15598/aeee.v16i3.2698", "eid": "2-s2.0-85054091539"}
    assert first.doc_type is DocType.ARTICLE
    book = works[1]  # TY BOOK, loose 'Conference Paper' line: a paper in a proceedings series
    assert book.doc_type is DocType.PROCEEDINGS
    assert book.authors[0] == Author(family="van Acker", given="B.")
    assert book.extra["A2"] == ["Babur O.", "Denil J.", "Vogel-Heuser B."]
    assert "Correspondence Address: Van Acker, B." in book.extra["U3"]
    for work in works:
        assert not any("Export Date" in str(v) for k, v in work.extra.items() if k != "U3")


def test_ris_issue_992_rayyan_keyword_lines(samples: Path) -> None:
    works = _works(samples, "ris/asreview_ris_issue_992.txt")
    first = works[0]
    assert first.title == "Overcoming Medication Reconciliation Challenges"
    assert first.keywords[:3] == ["Health Facility Administration", "Joint Commission", "Standards"]
    assert len(first.keywords) == 13
    assert first.extra["AN"] == "rayyan-264552525"
    assert sum(1 for w in works if w.abstract is None) == 11
    case = _at(works, 364)
    assert case.doc_type is DocType.OTHER and case.extra["TY"] == "CASE"
    assert case.venue.name == "H&HN: Hospitals & Health Networks"  # only J2 names it


def test_web_of_science_flavoured_ris(samples: Path) -> None:
    works = _works(samples, "ris/asreview_web_of_science.txt")
    first = works[0]
    assert first.title == ("Holding Yourself Captive: Perceptions of Custody During Interviews "
                           "and Interrogations")
    assert first.ids == {"doi": "10.1016/j.jarmac.2018.03.001", "wos": "WOS:000444108200009"}
    assert first.venue.name == "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION"  # as written
    assert first.venue.abbreviation == "J. Appl. Res. Mem. Cogn."
    assert (first.venue.issn, first.venue.eissn) == ("2211-3681", "2211-369X")
    assert first.venue.publisher == "ELSEVIER SCIENCE INC"
    assert first.authors[2] == Author(family="Kassin", given="SM")
    # KW mixes the author keywords with ALL-CAPS Keywords Plus, in that order.
    assert first.keywords[:5] == ["Police custody", "Interview", "Interrogation",
                                  "Perception of freedom", "PERSPECTIVE-TAKING"]
    assert first.keywords[-1] == "SELF"
    assert first.extra["N1"].startswith("Times Cited in Web of Science Core Collection:  5\n")
    assert first.extra["J9"] == "J APPL RES MEM COGN"
    assert sum("wos" in w.ids for w in works) == 9
    kassin = next(w for w in works if w.year == 1997)  # the one record not from WoS
    assert "wos" not in kassin.ids and kassin.venue.name == "Law and Human Behavior"
    assert kassin.ids["doi"] == "10.1023/a:1024814009769"


def test_econlit_na_abstracts_and_editor_marks(samples: Path) -> None:
    works = _works(samples, "ris/citesource_EconLit_49.ris")
    assert all(w.abstract is None for w in works)  # 'AB  - NA' throughout
    first = works[0]
    assert first.title == "Motivational Crowding in Sustainable Development Interventions"
    assert first.extra["ST"] == first.title  # both ST and TI
    assert first.venue.name == "American Political Science Review"
    assert first.venue.issn == "0003-0554" and first.pages == "470-487"
    book = _at(works, 20)
    assert book.doc_type is DocType.BOOK
    assert book.authors == [Author(family="Asano", given="Kota"),
                            Author(family="Takada", given="Mitsuo")]
    assert book.extra["AU (editor mark)"] == "Takada, Mitsuo eds"
    assert _at(works, 159).isbns == ["9788177083484"]


def test_ebsco_double_abstract_keeps_the_real_one(samples: Path) -> None:
    works = _works(samples, "ris/synthesisr_EBSCO_ASP_ris_example.ris")
    first = works[0]
    assert first.title.startswith("“Living on the edge”: The role of field margins")  # curly quotes
    assert first.abstract is not None
    assert first.abstract.startswith("Small rodents are common inhabitants of farmlands")
    assert "Copyright of" not in first.abstract and "[ABSTRACT FROM" not in first.abstract
    assert first.year == 2016 and first.extra["Y1"] == "2016/09//"
    assert first.venue.name == "Agriculture, Ecosystems & Environment"
    assert first.venue.issn == "0167-8809"
    assert first.ids == {"doi": "10.1016/j.agee.2016.06.041"}  # from L3
    assert first.doc_type is DocType.ARTICLE and first.extra["M3"] == "Article"
    assert "AB" not in first.extra  # the boilerplate AB is not kept


def test_crimjust_two_abstracts_each(samples: Path) -> None:
    works = _works(samples, "ris/citesource_gambling-harms_crimjust_41.ris")
    assert all(w.abstract for w in works)
    assert not any("is the property of" in (w.abstract or "") for w in works)
    first = works[0]
    assert first.title == ("Discourses of responsible gambling and gambling harm: "
                           "observations from Victoria, Australia.")
    assert first.ids == {"doi": "10.1080/16066359.2020.1867111"}
    assert first.abstract is not None and first.abstract.endswith("reducing gambling related harm.")


def test_psycinfo_apa_line_removed_and_chapter(samples: Path) -> None:
    works = _works(samples, "ris/citesource_gambling-harms_psycinfo_124.ris")
    assert not any("Database Record" in (w.abstract or "") for w in works)
    first = works[0]
    assert first.title == "Frameworks of gambling harms: A comparative review and synthesis"
    assert first.extra["DA"] == "2022/08/26/" and first.year == 2022
    chapter = _at(works, 2241)
    assert chapter.doc_type is DocType.CHAPTER
    assert chapter.venue.name == ("Single session thinking and practice in global, cultural, "
                                  "and familial contexts: Expanding applications.")
    assert chapter.isbns == ["9780367514686"] and chapter.venue.issn is None
    assert chapter.extra["A2"] == ["Hoyt, Michael F.", "Young, Jeff", "Rycroft, Pam"]
    assert chapter.keywords.count("Gambling") == 1 and "gambling" not in chapter.keywords


def test_ieee_repeated_author_and_volume_tags(samples: Path) -> None:
    works = _works(samples, "ris/litstudy_ieee_example.ris")
    first = works[0]
    assert first.title == "The European Approach to the Exascale Challenge"
    assert first.authors == [Author(family="Kalbe", given="G.")]  # 'AU  - G. Kalbe' twice
    assert first.extra["AU (repeated)"] == "G. Kalbe"
    assert first.year == 2019 and first.extra["Y1"] == "1 Jan.-Feb. 2019"
    assert first.volume == "21" and "VO" not in first.extra and "VL" not in first.extra
    assert first.ids == {"doi": "10.1109/mcse.2018.2884139"}
    assert first.venue.name == "Computing in Science & Engineering"
    assert works[1].doc_type is DocType.PROCEEDINGS and works[1].volume is None
    assert not any("<" in (w.abstract or "") for w in works)


def test_ovid_number_lines_a1_n2(samples: Path) -> None:
    works = _works(samples, "ris/synthesisr_Ovid_ris_example.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 2"  # after '1.'
    assert first.origin.raw.startswith("TY  - JOUR\nID  - 20203152553")
    assert first.title == "Detection of retention trees on clearcuts, a 50-year perspective."
    assert first.authors[0] == Author(family="Holmstrom", given="E.")
    assert first.year == 2020 and "Y1" not in first.extra  # 'Y1  - 2020//'
    assert first.abstract is not None
    assert first.abstract.startswith("Changes in clearcut management over time")
    assert first.ids == {"doi": "10.4236/ojf.2020.101008"}  # 'DO  - http://dx.doi.org/…'
    assert first.venue.name == "Open Journal of Forestry" and first.pages == "110-123"
    assert not any("Link to the Ovid" in str(v) for w in works for v in w.extra.values())


def test_citesource_issue_24_bom_second_url_and_cyberleninka(samples: Path) -> None:
    works = _works(samples, "ris/synthesisr_citesource_issue_24.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 1"
    assert first.extra["UR"] == [
        "https://app.dimensions.ai/details/publication/pub.1143865007",
        "https://environmentalevidencejournal.biomedcentral.com/track/pdf/10.1186/s13750-021-00246-8",
    ]
    assert first.extra["AN"] == "pub.1143865007" and first.extra["ID"] == "243"
    assert first.abstract is not None and first.abstract.startswith("BackgroundArtificial light")
    wos = _at(works, 93)
    assert wos.ids["wos"] == "WOS:000389109400040"
    assert (wos.venue.issn, wos.venue.eissn) == ("0956-053X", "1879-2456")  # second on its own line
    assert wos.pages == "359-368"
    leninka = _at(works, 177)
    assert leninka.title.startswith("Does the gender composition of forest and fishery management")
    assert leninka.extra["UR"][0] == "https://cyberleninka.org/article/n/591841"
    assert len(leninka.extra["UR"]) == 11
    assert leninka.ids == {"doi": "10.1186/s13750-015-0039-2"}
    assert leninka.extra["L1"][0].startswith("internal-pdf://")


# --- §4 Scopus RIS --------------------------------------------------------------------------------

def test_scopus_references_in_n1(samples: Path) -> None:
    works = _works(samples, "scopus_ris/asreview_scopus.ris")
    first = works[0]
    assert first.title.startswith("Stress and the brain-gut axis in functional")
    assert first.venue.issn == "0306-4530"  # 'SN  - 03064530 (ISSN)'
    assert first.venue.abbreviation is None  # J2 repeats the name
    assert first.doc_type is DocType.REVIEW
    assert first.ids == {"doi": "10.1016/j.psyneuen.2019.104501", "eid": "2-s2.0-85074596690"}
    assert first.references[0].startswith("Agostini, A., Ballotta, D., Righi, S.")
    assert first.references[-1] == (
        "Zijdenbos, I.L., de Wit, N.J., van der Heijden, G.J., Rubin, G., Quartero, A.O., "
        "Psychological treatments for the management of irritable bowel syndrome (2009) "
        "Cochrane Database Syst. Rev.")
    # 6 'N1  - References:' lines and 789 untagged continuation lines.
    assert sum(len(w.references) for w in works) == 795
    assert not any(n.startswith("References") for w in works for n in w.extra.get("N1", []))
    assert "Export Date: 18 November 2019" in first.extra["N1"]
    assert works[1].ids["pmid"] == "31421429"  # Scopus C2


def test_scopus_sn_trailing_space_and_abbreviation(samples: Path) -> None:
    first = _works(samples, "scopus_ris/synthesisr_Scopus_ris_example.ris")[0]
    assert first.title.startswith("Soil fauna diversity at different stages of reed restoration")
    assert first.venue.issn == "2096-4129"  # 'SN  - 20964129 (ISSN) '
    assert first.venue.name == "Ecosystem Health and Sustainability"
    assert first.venue.abbreviation == "Ecosyst. Health Sustain."
    assert first.ids["eid"] == "2-s2.0-85079532227"
    assert first.extra["C7"] == "1722034"


def test_scopus_gambling_set(samples: Path) -> None:
    works = _works(samples, "scopus_ris/citesource_gambling-harms_scopus_255.ris")
    assert sum(1 for w in works if w.abstract is None) == 18
    assert sum(w.doc_type is DocType.CHAPTER for w in works) >= 3
    wagering = _at(works, 6197)  # four untagged lines spill into AB
    assert wagering.abstract is not None
    assert wagering.abstract.startswith("OBJECTIVE: To investigate how children and adults recall")
    assert "\nRESULTS: Children recruited from NRL (n=75, 96.2%)" in wagering.abstract
    assert "\nMETHODS: A mixed methods study of 152 parent/child" in wagering.abstract
    assert wagering.keywords[0] == "children"


# --- §14 Dimensions and Lens ----------------------------------------------------------------------

def test_dimensions(samples: Path) -> None:
    works = _works(samples, "dimensions/citesource_Dimensions_246.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 2"  # file starts blank
    assert first.title == ("The long-term impact of bushfires on the mental health of Australians: "
                           "a systematic review and meta-analysis")
    assert first.authors[0] == Author(family="Zhang", given="Yanqin")
    assert first.ids == {"doi": "10.1080/20008198.2022.2087980", "pmid": "35957633",
                         "pmcid": "PMC9359172"}  # U1 ... [PMID] / [PMCID]
    assert "U1" not in first.extra
    assert first.extra["AN"] == "pub.1149029839" and first.extra["Y2"] == "2024/08/09"
    assert first.venue.name == "European Journal of Psychotraumatology"
    assert first.pages == "2087980"
    assert first.abstract is not None
    assert first.abstract.startswith("Background: The long-term health effects of bushfires")
    assert "\nObjective: This review aimed" in first.abstract
    assert "\nConclusions: As the magnitude" in first.abstract
    assert sum(1 for w in works if w.abstract is None) == 3
    chapter = _at(works, 2213)
    assert chapter.doc_type is DocType.CHAPTER
    assert chapter.venue.name == "Artificial Intelligence, Computer and Software Engineering Advances"
    assert chapter.pages == "354-368"
    co2 = next(w for w in works if (w.abstract or "").startswith("BACKGROUND: As global CO"))
    assert co2.abstract is not None and "global CO2 emissions" in co2.abstract  # <sub> removed


def test_lens_gambling_gen_type_and_p_tags(samples: Path) -> None:
    works = _works(samples, "lens/citesource_gambling-harms_lens_49.ris")
    first = works[0]
    assert first.origin is not None and first.origin.position == "line 1"  # BOM
    assert first.title.startswith("Benchmarking gambling screens to health-state utility")
    assert first.doc_type is DocType.ARTICLE  # TY  - GEN
    assert first.abstract is not None and first.abstract.startswith("Background and aims: Both")
    assert "<p>" not in first.abstract and "</p>" not in first.abstract
    assert "wellbeing.Methods: We measured" in first.abstract  # run together in the source
    assert first.ids == {"doi": "10.31234/osf.io/fu4mj"}
    assert first.extra["ID"] == "001-257-578-706-377"
    assert first.authors[1] == Author(family="Russell", given="Alex M T")
    assert sum(1 for w in works if w.extra.get("TY")) == 0


def test_lens_343(samples: Path) -> None:
    results = _read(samples, "lens/citesource_lens_343.ris")
    rejects = [r for r in results if isinstance(r, Reject)]
    assert [(r.position, r.field, r.reason) for r in rejects] == [
        ("line 8324", "TI", "record has no title")]
    assert rejects[0].raw.startswith("TY  - JOUR\nAB  - Biomass resources are substantial")
    works = [r for r in results if isinstance(r, Work)]
    assert sum(1 for w in works if w.abstract is None) == 47
    first = works[0]
    assert first.title == ("Tramadol for the Management of Opioid Withdrawal: A Systematic Review "
                           "of Randomized Clinical Trials.")
    assert first.ids == {"doi": "10.7759/cureus.9128"}  # PubMed links in L2 are not read as ids
    assert first.venue.name == "Cureus" and first.venue.issn == "2168-8184"
    assert first.venue.publisher == "Springer Science and Business Media LLC"
    assert first.pages == "e9128" and first.year == 2020
    assert len(first.extra["L2"]) == 4
    # <AbstractText> on indented continuation lines; the <CopyrightInformation> line dropped.
    mja = _at(works, 398)
    assert mja.abstract is not None
    assert "\nRapid review of articles published between January 2000 and May 2020.\n" in mja.abstract
    assert "AMPCo" not in mja.abstract and "<" not in mja.abstract
    assert (mja.venue.issn, mja.venue.eissn) == ("1326-5377", "0025-729X")
    # HTML escaped two and three times.
    diabetes = _at(works, 1451)
    assert diabetes.abstract is not None and diabetes.abstract.startswith("Objective\nTo evaluate")
    assert not any("&lt;" in (w.abstract or "") or "<p" in (w.abstract or "") for w in works)
    assert _at(works, 2001).doc_type is DocType.OTHER  # TY  - PCOMM
    assert _at(works, 1576).doc_type is DocType.DATASET


def test_lens_343_is_fast(samples: Path) -> None:
    text = sample_text(samples / "lens/citesource_lens_343.ris")
    start = time.perf_counter()
    results = list(ris.read(text, file="lens_343.ris"))
    assert time.perf_counter() - start < 0.5
    assert len(results) == 343


# --- inline edge cases ---------------------------------------------------------------------------

_ONE = "TY  - JOUR\nTI  - A title\nAU  - Doe, Jane\nPY  - 2020\nER  - \n"


def test_sniff() -> None:
    assert ris.sniff(_ONE)
    assert ris.sniff("1.\nTY  - JOUR\nTI  - x\nER  -")  # Ovid number line first
    assert ris.sniff("\ufeffTY  - GEN\n")
    assert ris.sniff("\n\n12\nTY  -\nER  -")
    assert not ris.sniff("PMID- 12345\nOWN - NLM\nTI  - x\n")  # MEDLINE
    assert not ris.sniff("FN Web of Science export\nVR 1.0\nPT J\n")
    assert not ris.sniff("@article{key,\n title={TY  - JOUR}\n}")
    assert not ris.sniff('[{"type": "article-journal"}]')
    assert not ris.sniff("Authors,Title,Year\nTY  - JOUR,x,2020\n")
    assert not ris.sniff("TI  - no type first\nTY  - JOUR\n")


def test_minimal_record() -> None:
    [work] = _inline(_ONE)
    assert isinstance(work, Work)
    assert work.title == "A title" and work.authors == [Author(family="Doe", given="Jane")]
    assert work.year == 2020 and work.doc_type is DocType.ARTICLE
    assert work.origin is not None and work.origin.raw == _ONE.rstrip("\n")
    assert work.extra == {}


def test_no_title_is_rejected() -> None:
    [reject] = _inline("TY  - JOUR\nAU  - Doe, J\nER  -\n")
    assert isinstance(reject, Reject)
    assert (reject.position, reject.field, reject.reason) == ("line 1", "TI", "record has no title")


def test_truncated_at_end_of_file() -> None:
    results = _inline(_ONE + "\nTY  - JOUR\nTI  - Cut off\nAU  - Roe, R\n")
    assert isinstance(results[0], Work)
    reject = results[1]
    assert isinstance(reject, Reject)
    assert reject.position == "line 7"
    assert reject.reason == "record is truncated: the file ends before its ER line"
    assert reject.raw == "TY  - JOUR\nTI  - Cut off\nAU  - Roe, R"


def test_new_ty_before_er() -> None:
    notice, first, second = _inline("TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n")
    assert (notice.position, notice.field) == ("line 1", "ER") and "next record's TY line starts (line 3)" in notice.message
    assert isinstance(first, Work) and first.title == "First" and first.origin.raw == "TY  - JOUR\nTI  - First"
    assert isinstance(second, Work) and second.title == "Second"


def test_tagged_lines_outside_a_record() -> None:
    results = _inline("TI  - Orphan\nAU  - X, Y\n\n" + _ONE)
    assert isinstance(results[0], Reject) and results[0].position == "line 1"
    assert results[0].field == "TY" and results[0].raw == "TI  - Orphan\nAU  - X, Y"
    assert isinstance(results[1], Work)


def test_not_ris_raises() -> None:
    with pytest.raises(FormatError, match=r"inline\.ris, line 2: not an RIS file"):
        _inline("\nPMID- 1\nTI  - x\n")


def test_one_bad_record_does_not_stop_the_rest() -> None:
    text = "TY  - JOUR\nAU  - Nobody\nER  -\n" + _ONE
    results = _inline(text)
    assert [type(r) for r in results] == [Reject, Work]
    assert results[1].origin is not None and results[1].origin.position == "line 4"


def test_fields_by_form() -> None:
    text = ("TY  - CHAP\nT1  - Chapter one\nA1  - Adler D.G.\nA1  - World Bank\n"
            "BT  - The Book\nT2  - The Series\nSN  - 978-0-367-51468-6 (ISBN); 1234-5679 (ISSN)\n"
            "SP  - 12 – 19\nUR  - https://doi.org/10.1000/XYZ.1\nM3  - Article in Press\n"
            "KW  - a; b\nKW  - A; B\nLA  - eng\nN1  - note one\nmore note\nER  - \n")
    [work] = _inline(text)
    assert isinstance(work, Work)
    assert work.title == "Chapter one"
    assert work.authors == [Author(family="Adler", given="D.G."), Author(family="Bank", given="World")]
    assert work.venue.name == "The Book" and work.extra["T2"] == "The Series"
    assert work.isbns == ["9780367514686"] and work.venue.issn == "1234-5679"
    assert work.pages == "12-19"
    assert work.ids == {"doi": "10.1000/xyz.1"}  # from the doi.org URL: no DO
    assert work.doc_type is DocType.CHAPTER and work.early_access
    assert work.keywords == ["a; b"]  # one KW line is one keyword; case-insensitive duplicates go
    assert work.extra["N1"] == "note one\nmore note"


def test_book_title_from_bt_and_wos_an_forms() -> None:
    [work] = _inline("TY  - BOOK\nBT  - Whole Book\nAN  - 000123456789012\nER  -\n")
    assert isinstance(work, Work)
    assert work.title == "Whole Book" and work.venue.name is None
    assert work.ids == {"wos": "WOS:000123456789012"} and work.doc_type is DocType.BOOK
    [other] = _inline("TY  - JOUR\nTI  - t\nAN  - 2022-96522-001\nU1  - 12345\nER  -\n")
    assert isinstance(other, Work)
    assert other.ids == {} and other.extra == {"AN": "2022-96522-001", "U1": "12345"}


@pytest.mark.parametrize(("name", "repeated"), [
    ("ris/asreview_ris_issue_1099.txt", 1),
    ("ris/citesource_gambling-harms_crimjust_41.ris", 3),
    ("dimensions/citesource_Dimensions_246.ris", 2),
    ("lens/citesource_lens_343.ris", 8),  # 'Index' among them
])
def test_duplicate_titles_are_all_read(samples: Path, name: str, repeated: int) -> None:
    # The reader keeps every record; finding the duplicates is the library's job.
    titles = Counter(w.title.casefold() for w in _works(samples, name) if w.title)
    assert sum(1 for count in titles.values() if count > 1) == repeated
