"""Crossref reader: REST API /works responses (lists and single works), on the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import only_works, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, crossref, detect_format, openalex, read_path
from vissue.work import DocType, Reject, Work

DIR = "crossref_api"
CLINPATH = "habanero_works_10.1136_jclinpath-2020-206745.json"
PLOS = "habanero_works_10.1371_journal.pone.0033693_no_abstract.json"
UFSM = "habanero_works_publisher-name_UFSM.json"
ECOLOGY = "habanero_works_query_ecology_author_boettiger.json"
SAMPLE10 = "habanero_works_sample10.json"

# File -> (items, items with an abstract), as SOURCES.md §10 counts them.
COUNTS = {CLINPATH: (1, 1), PLOS: (1, 0), UFSM: (20, 19), ECOLOGY: (20, 15), SAMPLE10: (10, 3)}


def works(path: Path) -> list[Work]:
    return only_works(read_path(path).records())


# --- every sample: count and format ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_count_and_abstracts(samples: Path, name: str) -> None:
    out = works(samples / DIR / name)
    items, with_abstract = COUNTS[name]
    assert len(out) == items
    assert sum(1 for w in out if w.abstract) == with_abstract
    assert [w.origin.position for w in out if w.origin] == [f"item {n}" for n in range(1, items + 1)]
    assert all(w.origin and w.origin.format == "crossref" for w in out)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format(samples: Path, name: str) -> None:
    assert detect_format(sample_text(samples / DIR / name)) is Format.CROSSREF


def test_every_sample_file_is_counted(samples: Path) -> None:
    assert {p.name for p in (samples / DIR).iterdir()} == set(COUNTS)


# --- field values checked by eye against the files ----------------------------------------------


def test_single_work_message(samples: Path) -> None:
    [w] = works(samples / DIR / CLINPATH)
    # title markup and pretty-printing: 'detecting\n  <i>KRAS</i>\n  /\n  <i>NRAS</i> …'
    assert w.title == ("Construction of a reference material panel for detecting "
                       "KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA")
    assert w.ids == {"doi": "10.1136/jclinpath-2020-206745"}
    assert w.year == 2020  # issued 2020-08-17 (published-print is 2021-05)
    assert w.extra["published-print"] == "2021-05"
    assert w.doc_type is DocType.ARTICLE
    assert w.venue.name == "Journal of Clinical Pathology"
    assert w.venue.abbreviation == "J Clin Pathol"
    assert (w.venue.issn, w.venue.eissn) == ("0021-9746", "1472-4146")
    assert w.venue.publisher == "BMJ"
    assert (w.volume, w.issue, w.pages) == ("74", "5", "314-320")
    assert w.language == "en"
    assert len(w.authors) == 15
    first = w.authors[0]
    assert (first.family, first.given) == ("Xu", "Jun")
    assert first.affiliation == "Department of Neurosurgery, China-Japan Friendship Hospital, Beijing, China"
    assert len(w.references) == 36
    assert w.references[0] == "DOI 10.3322/caac.21338"
    assert w.references[2] == (
        "Aguiar, 2018, Cost-Effectiveness of Osimertinib in the first-line treatment of patients "
        "with EGFR-mutated advanced non-small cell lung cancer, JAMA Oncol, V4, P1080, "
        "DOI 10.1001/jamaoncol.2018.1395")
    assert w.extra["funder"] == [
        "National Key Research and Development Program (2017YFC0906500 and 2016YFC1000301)"]
    assert json.loads(w.origin.raw)["DOI"] == "10.1136/jclinpath-2020-206745" if w.origin else False


def test_structured_jats_abstract(samples: Path) -> None:
    [w] = works(samples / DIR / CLINPATH)
    assert w.abstract is not None
    lines = w.abstract.split("\n")
    assert lines[0::2] == ["Background", "Objective", "Methods", "Results", "Conclusion"]
    assert lines[1] == ("The absence of high-quality next-generation sequencing (NGS) reference "
                        "material (RM) has impeded the clinical use of liquid biopsies with plasma "
                        "cell-free DNA (cfDNA) in China.")
    # inline <jats:italic> on its own indented lines: no stray spaces inside the brackets
    assert "oncogene (KRAS)/neuroblastoma ras oncogene (NRAS)/epidermal" in lines[3]
    assert "six mutations in KRAS, two mutations in NRAS, three in BRAF" in lines[7]
    assert lines[-1].endswith("quality control of the performance of independent laboratories.")


def test_no_abstract_and_editor(samples: Path) -> None:
    [w] = works(samples / DIR / PLOS)
    assert w.abstract is None
    assert w.title.startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert (w.venue.name, w.venue.issn, w.venue.eissn) == ("PLoS ONE", None, "1932-6203")
    assert w.pages == "e33693"
    assert [a.family for a in w.authors][:2] == ["Sadasivan", "Pond"]
    assert w.authors[1].given == "Brooks B."
    assert w.extra["editor"] == ["Borlongan, Cesario V."]
    assert len(w.references) == 70
    assert w.references[0] == (
        "AF Arnsten, 2006, Stimulants: Therapeutic actions in ADHD., Neuropsychopharmacology, V31, "
        "P2376, DOI 10.1038/sj.npp.1301164")


def test_jats_prefix_abstracts_become_plain_text(samples: Path) -> None:
    for name in COUNTS:
        for w in works(samples / DIR / name):
            if w.abstract:
                assert "<" not in w.abstract and "jats" not in w.abstract, (name, w.abstract[:80])
                assert "  " not in w.abstract


def test_ufsm_portuguese_without_language(samples: Path) -> None:
    out = works(samples / DIR / UFSM)
    assert all(w.language is None for w in out)  # the language field is absent in all 20
    w = out[0]
    assert w.title == ("Relações Públicas e Design Thinking: experiências convergentes na "
                       "prototipação de um e-book sobre gestão de eventos no pós-pandemia")
    assert w.year == 2023
    assert w.venue.name == "Animus. Revista Interamericana de Comunicação Midiática"
    assert (w.venue.issn, w.venue.eissn) == ("1677-907X", "2175-4977")  # from issn-type
    a = w.authors[0]
    assert (a.family, a.given, a.orcid) == ("Fernandes", "Fabio Frá", "0000-0003-2035-6832")
    assert w.abstract is not None
    assert w.abstract.startswith("O presente texto, descreve uma pesquisa aplicada")
    assert w.abstract.endswith("publicado e disponibilizado gratuitamente ao público.")
    assert w.references[1] == "ANDERSON, Chris. Makers: a nova revolução Industrial. São Paulo: Elsevier, 2012."
    editorial = out[12]
    assert editorial.title == "EDITORIAL" and editorial.doc_type is DocType.ARTICLE
    assert editorial.pages == "01-02"


def test_doi_link_glued_to_abstract_start(samples: Path) -> None:
    w = works(samples / DIR / UFSM)[10]
    assert w.ids["doi"] == "10.5902/2179460x14555"
    assert w.abstract is not None
    assert w.abstract.startswith("By teaching Analytic Geometry classes for High School")


def test_generic_abstract_heading_dropped_and_lists_kept(samples: Path) -> None:
    out = works(samples / DIR / ECOLOGY)
    first = out[0]
    assert first.title == "The forecast trap"
    assert first.abstract is not None and first.abstract.startswith("Encouraged by decision makers")
    a = first.authors[0]
    assert (a.family, a.given, a.orcid) == ("Boettiger", "Carl", "0000-0002-1642-628X")
    limits = out[4]  # <jats:title>Abstract</jats:title><jats:p><jats:list><jats:list-item>…
    assert limits.abstract is not None
    assert len(limits.abstract.split("\n")) == 4
    geb = out[15]  # <jats:title>ABSTRACT</jats:title><jats:sec><jats:title>Aim</jats:title>…
    assert geb.abstract is not None and geb.abstract.split("\n")[0] == "Aim"


def test_inline_markup_that_lost_its_spaces(samples: Path) -> None:
    out = works(samples / DIR / ECOLOGY)
    # '<scp>T</scp>reebase: an<scp>R</scp>package …'
    assert out[5].title == "Treebase: an R package for discovery, access and manipulation of online phylogenies"
    assert out[5].abstract is not None
    assert "We have developed treebase, an open‐source software package" in out[5].abstract
    assert out[14].title == "The role of AI in ecology’s computational carbon footprint"
    assert out[14].venue.abbreviation == "Frontiers in Ecol & Environ"  # '&amp;' in the file


def test_preprint_dataset_and_venue_fallback(samples: Path) -> None:
    out = works(samples / DIR / ECOLOGY)
    preprint = out[3]
    assert preprint.ids["doi"] == "10.1101/055319"
    assert preprint.doc_type is DocType.PREPRINT  # posted-content / preprint
    assert preprint.venue.name == "bioRxiv"  # from institution: no container-title
    assert preprint.year == 2016
    dataset = out[16]
    assert dataset.doc_type is DocType.DATASET
    assert dataset.venue.name == "CRAN: Contributed Packages"


def test_sample10_oddities(samples: Path) -> None:
    out = works(samples / DIR / SAMPLE10)
    chapter = out[2]
    assert chapter.doc_type is DocType.CHAPTER
    assert chapter.isbns == ["9783031331473", "9783031331480"]
    assert chapter.venue.name == "Innovative Renewable Energy"  # container-title[0]
    assert chapter.extra["container-title"] == [
        "Innovative Renewable Energy", "Mediterranean Architecture and the Green-Digital Transition"]
    assert chapter.extra["publisher-location"] == "Cham"
    assert out[3].pages == "604.4-604"  # as given
    mononym = out[4]
    assert [(a.family, a.given) for a in mononym.authors] == [("Sumaryadi", "")]  # family '-'
    no_date = out[5]
    assert no_date.title == "Die Straße als politische Arena und Medium der Masse"
    assert no_date.year is None  # issued date-parts [[null]]; 'created' is not a publication date
    assert no_date.language == "de"
    toc = out[6]
    assert toc.title == "Table of Contents" and toc.authors == []
    assert out[0].references[0] == (
        "Choudhury, 1979, Isolation of mutagenic fractions of diesel exhaust particulates as an "
        "approach to identification of the major constituents, Proceedings of the International "
        "Sympsium on the Health Effects of Diesel Engine Emissions")
    styrene = out[7]
    assert styrene.title.startswith("The Cationic Copolymerization of Styrene and p-Brornostyrene")
    assert styrene.abstract is not None
    paragraphs = styrene.abstract.split("\n")  # four <jats:p>: one line each
    assert [p[:3] for p in paragraphs] == ["1) ", "2) ", "3) ", "The"]
    assert paragraphs[-1] == "The MRR’s were almost equal in all (r1=1.8 and r2=0.3)."


# --- edge cases ----------------------------------------------------------------------------------


def test_truncated_json_file_raises_format_error(samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(sample_text(samples / DIR / SAMPLE10)[:5000], encoding="utf-8")
    with pytest.raises(FormatError) as info:
        list(read_path(path).records())  # still detected from its head
    message = str(info.value)
    assert message.startswith(f"{path}: invalid JSON at line 1, column ")
    assert message.endswith("; is the file cut off?")


def test_bare_list_name_only_authors_subjects_and_rejects() -> None:
    items = [
        {"DOI": "10.1/A", "title": ["Oil and <i>power</i>"], "subtitle": ["A study"],
         "container-title": ["Central Asian Survey"], "ISSN": ["0263-4937"],
         "author": [{"name": "Kazakh Oil Group", "sequence": "first"},
                    {"given": "Ann", "family": "Lee", "ORCID": "http://orcid.org/0000-0002-1825-0097"}],
         "issued": {"date-parts": [["2006"]]}, "subject": ["Politics", "politics", "Energy"],
         "page": "151–172", "reference": [{"key": "r1"}, {"key": "r2", "unstructured": "Smith 2001",
                                                           "DOI": "10.1234/B"}]},
        {"DOI": "10.1/B", "title": [], "container-title": []},
        "not an object",
    ]
    text = json.dumps(items)
    assert crossref.sniff(text)
    assert detect_format(text) is Format.CROSSREF
    first, no_title, junk = crossref.read(text, file="list.json")
    assert isinstance(first, Work)
    assert first.title == "Oil and power"
    assert first.extra["subtitle"] == ["A study"]
    assert [(a.family, a.given, a.orcid) for a in first.authors] == [
        ("Kazakh Oil Group", "", None), ("Lee", "Ann", "0000-0002-1825-0097")]
    assert first.year == 2006
    assert first.keywords == ["Politics", "Energy"]
    assert first.pages == "151-172"
    assert (first.venue.issn, first.venue.eissn) == ("0263-4937", None)
    assert first.references == ["Smith 2001, DOI 10.1234/b"]
    assert isinstance(no_title, Reject) and no_title.field == "title"
    assert no_title.position == "item 2" and no_title.reason == "record has no title"
    assert isinstance(junk, Reject) and junk.position == "item 3"


def test_other_crossref_responses_are_not_works() -> None:
    member = '{"status":"ok","message-type":"member","message-version":"1.0.0","message":{"id":98}}'
    assert not crossref.sniff(member)
    with pytest.raises(FormatError, match="not of works"):
        list(crossref.read(member, file="m.json"))


def test_sniff_is_precise(samples: Path) -> None:
    head = '{"status":"ok","message-type":"work-list","message-version":"1.0.0","message":{"ite'
    assert crossref.sniff(head)
    csl = '[{"id": "x", "type": "article-journal", "title": "T", "container-title": "J", "DOI": "10.1/x"}]'
    assert not crossref.sniff(csl)
    assert not crossref.sniff("@article{key,\n title={x}}")
    csl_path = samples / "csl_json" / "ArmEnBib_zotero_Exported_Items.json"
    if csl_path.exists():
        assert not crossref.sniff(sample_text(csl_path)[:65536].lstrip())
    for name in COUNTS:  # and OpenAlex's sniffer leaves Crossref files alone
        assert not openalex.sniff(sample_text(samples / DIR / name)[:65536].lstrip()), name
