"""BibTeX / BibLaTeX reader: WoS, Scopus (2023 and older), Zotero Better BibTeX, hand-made."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from conftest import only_works, sample_text, shared_path, sniff_head
from vissue.errors import FormatError
from vissue.readers import Format, bibtex, detect_format
from vissue.text import clean_abstract
from vissue.work import Author, DocType, Reject, Work

WOS_CA = "bibtex/centralasia_wos_res2001to2791_230316.bib"
WOS_PYBIBX = "bibtex/pybibx_wos_m.bib"
BBT = "bibtex/zotero_bbt_PublicHistoryTheses.bib"
SCOPUS_2023 = "scopus_bibtex/pybibx_scopus_m_2023.bib"
SCOPUS_OLD = "scopus_bibtex/synthesisr_Scopus_bib_example.bib"
COUNTS = {WOS_CA: 791, WOS_PYBIBX: 29, BBT: 100, SCOPUS_2023: 24, SCOPUS_OLD: 3}


def _read(path: Path) -> list[Work | Reject]:
    return _read_text(sample_text(path))


@cache
def _read_text(text: str) -> list[Work | Reject]:
    # keyed by content: wos-central-asia/wos_res2001to2791 is the sample file byte for byte
    return list(bibtex.read(text, file="sample.bib"))


def _works(samples: Path, name: str) -> list[Work]:
    return only_works(_read(samples / name))


def _by_key(samples: Path, name: str, key: str) -> Work:
    for work in _works(samples, name):
        if work.extra.get("@key") == key:
            return work
    raise AssertionError(f"no entry {key} in {name}")


# ------------------------------------------------------------------ every sample file


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_counts(samples: Path, name: str) -> None:
    records = _read(samples / name)
    assert len(records) == COUNTS[name]
    assert all(isinstance(r, Work) for r in records)
    # The number of '@' entry lines, as SOURCES.md counts them.
    assert len(re.findall(r"^@\w+\{", sample_text(samples / name), re.MULTILINE)) == COUNTS[name]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_sniff_and_detect_format(samples: Path, name: str) -> None:
    text = sample_text(samples / name)
    assert bibtex.sniff(sniff_head(text))
    assert detect_format(text, file=name) is Format.BIBTEX


def test_sniff_claims_no_other_sample(samples: Path) -> None:
    others = [p for p in samples.glob("*/*") if p.is_file() and "bibtex" not in p.parent.name]
    assert len(others) > 40
    claimed = [p.name for p in others if bibtex.sniff(sniff_head(sample_text(p)))]
    assert claimed == []


# ------------------------------------------------------------------ WoS BibTeX


def test_wos_first_record_fields(samples: Path) -> None:
    work = _works(samples, WOS_CA)[0]
    assert work.title == "Knowing Me, Knowing You: Media Portrayal of the EU in Kazakhstan"
    assert [(a.family, a.given) for a in work.authors] == [("Bekenova", "Kristina"), ("Collins", "Neil")]
    assert work.year == 2019
    assert work.ids == {"doi": "10.1080/09668136.2019.1629393", "wos": "WOS:000475041600001"}
    assert work.venue.name == "EUROPE-ASIA STUDIES"
    assert (work.venue.issn, work.venue.eissn) == ("0966-8136", "1465-3427")
    assert work.venue.abbreviation == "Eur.-Asia Stud."
    assert (work.volume, work.issue, work.pages) == ("71", "7", "1183-1204")
    assert work.doc_type is DocType.ARTICLE and not work.early_access
    assert work.language == "English"
    assert work.abstract.startswith("The dichotomy of Self/Other prevails in shaping identity.")
    assert work.abstract.endswith("on the national and international levels.")
    assert "\n" not in work.abstract  # hard wrapping undone
    assert work.keywords == ["IDENTITY"]
    assert work.origin.position == "line 2, key WOS:000475041600001"  # BOM + blank line first
    assert work.origin.format == "bibtex"
    assert work.origin.raw.startswith("@article{ WOS:000475041600001,\nAuthor = {Bekenova")
    assert work.origin.raw.endswith("DA = {2023-03-15},\n}")


def test_wos_key_with_space_and_capitalised_fields(samples: Path) -> None:
    work = _works(samples, WOS_CA)[0]
    assert work.extra["@key"] == "WOS:000475041600001"
    # 'Web-of-Science-Categories  = ' (two spaces) is read under its own name
    assert work.extra["Web-of-Science-Categories"] == "Area Studies; Economics; Political Science"
    assert work.extra["Month"] == "AUG 9"
    assert work.extra["EarlyAccessDate"] == "JUL 2019"


def test_wos_escapes_decoded(samples: Path) -> None:
    work = _works(samples, WOS_CA)[0]
    assert work.venue.publisher == "ROUTLEDGE JOURNALS, TAYLOR & FRANCIS LTD"  # \&
    assert work.extra["Funding-Acknowledgement"] == "Horizon 2020 [693799]"  # {[}
    game = _by_key(samples, WOS_CA, "WOS:000512515300001")  # ``Game{''}
    assert game.title == ('Playing the "Game" of Transparency and Accountability: Non-elite '
                          "Politics in Kyrgyzstan's Natural Resource Governance")
    assert "outreac\\h" in _by_key(samples, WOS_CA, "WOS:000684751800001").abstract  # \textbackslash{}


def test_wos_author_email_spanning_lines(samples: Path) -> None:
    work = _works(samples, WOS_CA)[0]
    assert work.extra["Author-Email"] == "kristina.bekenova@gmail.com\nneil.collins@nu.edu.kz"


def test_wos_affiliations_and_orcids_attached(samples: Path) -> None:
    work = _works(samples, WOS_CA)[0]
    assert work.authors[1].affiliation == (
        "Nazarbayev Univ, Sch Humanities & Social Sci, 53 Kabanbay Batyr Ave, Nur Sultan 010000, "
        "Kazakhstan."
    )
    pybibx = _works(samples, WOS_PYBIBX)[0]
    karanik = pybibx.authors[1]
    assert (karanik.family, karanik.orcid) == ("Karanik", "0000-0001-8848-3681")
    assert karanik.affiliation.startswith("Natl Technol Univ, Artificial Intelligence Res Grp")


def test_wos_abstract_paragraphs_kept(samples: Path) -> None:
    work = _by_key(samples, WOS_CA, "WOS:000430644200060")
    paragraphs = work.abstract.split("\n")
    assert [p.split(":")[0] for p in paragraphs] == [
        "Objectives", "Materials and methods", "Results", "Conclusions"]
    assert paragraphs[0].endswith("oral health literacy of adolescents.")
    assert paragraphs[-1].endswith("oral health literacy of adolescents in Uzbekistan.")


def test_wos_abstract_copyright_removed(samples: Path) -> None:
    work = _works(samples, WOS_PYBIBX)[0]
    assert work.abstract.endswith("improving the matrix consistency at the same time.")


def test_wos_early_access_year_from_early_access_date(samples: Path) -> None:
    work = _by_key(samples, WOS_CA, "WOS:000839443300001")
    assert "\nYear = " not in work.origin.raw
    assert work.extra["EarlyAccessDate"] == "AUG 2022"
    assert work.year == 2022
    assert work.early_access
    assert work.doc_type is DocType.ARTICLE
    assert work.extra["Type"] == "Article; Early Access"
    early = sum(w.early_access for w in _works(samples, WOS_CA))
    assert early == sample_text(samples / WOS_CA).count("Early Access}")


def test_wos_type_wins_over_entry_type(samples: Path) -> None:
    chapter = _by_key(samples, WOS_CA, "WOS:000515062400002")
    assert chapter.extra["@type"] == "incollection"
    assert chapter.doc_type is DocType.CHAPTER  # 'Article; Book Chapter'
    assert chapter.venue.name == ("CENTRAL ASIAN REVOLT OF 1916: A COLLAPSING EMPIRE IN THE AGE "
                                  "OF WAR AND REVOLUTION")  # the Booktitle
    assert chapter.isbns == ["9781526129437", "9781526129420"]
    assert chapter.extra["Editor"] == "Chokobaeva, A and Drieu, C and Morrison, A"
    correction = [w for w in _works(samples, WOS_CA) if w.extra["Type"] == "Correction; Early Access"]
    assert len(correction) == 1 and correction[0].doc_type is DocType.CORRECTION
    assert correction[0].early_access


def test_wos_inproceedings_series_and_references(samples: Path) -> None:
    work = _by_key(samples, WOS_PYBIBX, "WOS:000270081200006")
    assert work.doc_type is DocType.PROCEEDINGS
    assert work.venue.name == "BIO-INSPIRED SYSTEMS: COMPUTATIONAL AND AMBIENT INTELLIGENCE, PT 1"
    assert work.extra["Series"] == "Lecture Notes in Computer Science"
    assert work.pages == "41+"
    assert work.references[0] == "[Anonymous], 2005, NEURAL NETWORKS COMP."
    assert len(work.references) == int(work.extra["Number-of-Cited-References"]) == 15
    first = _works(samples, WOS_PYBIBX)[0]
    assert first.references[0] == (
        "ACZEL J, 1983, J MATH PSYCHOL, V27, P93, DOI 10.1016/0022-2496(83)90028-7.")
    assert len(first.references) == int(first.extra["Number-of-Cited-References"])
    assert first.keywords[:2] == ["AHP", "Pairwise matrix reconstruction"]  # author keywords first
    assert first.keywords[-3:] == ["ANALYTIC HIERARCHY PROCESS", "CONSISTENCY", "DECISION"]


def test_wos_bib_and_txt_carry_the_same_ut(samples: Path) -> None:
    """The cross-format pair: every UT of the WoS plain-text file is a bib record's ids['wos'],
    and the titles and (nearly all) abstracts read the same."""
    txt = sample_text(samples / "wos_plaintext/centralasia_wos_res2501to2791_230316.txt")
    uts = re.findall(r"^UT (WOS:\d{15})$", txt, re.MULTILINE)
    assert len(uts) == 291
    by_wos = {w.ids["wos"]: w for w in _works(samples, WOS_CA)}
    assert len(by_wos) == 791
    assert set(uts) <= set(by_wos)
    same_title = same_abstract = abstracts = 0
    for record in txt.split("\nER\n"):
        ut = re.search(r"^UT (\S+)$", record, re.MULTILINE)
        if not ut:
            continue
        work = by_wos[ut.group(1)]
        title = re.search(r"^TI (.*?)\n(?=[A-Z][A-Z0-9] )", record, re.S | re.M).group(1)
        same_title += " ".join(title.split()) == work.title
        ab = re.search(r"^AB (.*?)\n(?=[A-Z][A-Z0-9] )", record, re.S | re.M)
        if ab:
            abstracts += 1
            paragraphs = [" ".join(p.split()) for p in ab.group(1).split("\n")]
            same_abstract += clean_abstract("\n".join(paragraphs)) == work.abstract
    assert same_title == 291
    assert abstracts == 268
    assert same_abstract >= 264


def test_wos_big_export_somzhurek(samples: Path) -> None:
    path = shared_path("wos-central-asia", "wos_res0001to1000_230316.bib")
    records = _read(path)
    assert len(records) == 1000
    work = next(r for r in records if r.ids.get("wos") == "WOS:000437999500008")
    assert work.title == "Central Asia and regional security"
    assert work.authors[0].family == "Somzhurek"
    assert work.year == 2018
    assert work.ids["doi"] == "10.1016/j.postcomstud.2018.04.005"
    assert work.venue.name == "COMMUNIST AND POST-COMMUNIST STUDIES"
    assert work.venue.issn == "0967-067X"
    # 'Number = {2, SI}': issue 2 of a special issue, the full value kept
    assert work.issue == "2" and work.extra["Number"] == "2, SI"
    assert work.abstract.endswith("with the involvement of external actors.")  # (C) line gone


def test_wos_big_export_counts() -> None:
    folder = shared_path("wos-central-asia")
    files = sorted(folder.glob("*.bib"))
    assert len(files) == 3
    records = [r for f in files for r in _read(f)]
    assert len(records) == 2791
    assert all(isinstance(r, Work) and r.ids["wos"] == r.extra["@key"] for r in records)
    # WoS 'Book-Group-Author' stands in for a missing Author
    world_bank = next(r for r in records if r.ids["wos"] == "WOS:000354430800001")
    assert world_bank.authors == [Author(family="World Bank")]


# ------------------------------------------------------------------ Better BibTeX


def test_bbt_thesis(samples: Path) -> None:
    work = _works(samples, BBT)[0]
    assert work.title == ("“Under My Own Care”: Motherhood and Poverty in New South Wales and "
                          "Gloucestershire 1820–1834")  # {{Under}} case protection stripped
    assert work.authors == [Author(family="Adams", given="Caitlin Isobel")]
    assert work.year == 2018  # from date = {2018}
    assert work.doc_type is DocType.THESIS
    assert work.extra["type"] == "MRes Thesis"
    assert work.extra["@type"] == "thesis"
    assert work.language == "english"  # langid
    assert work.venue.publisher == "Macquarie University"  # institution = {{Macquarie University}}
    assert work.extra["location"] == "Sydney, Australia"
    assert work.extra["pagetotal"] == "vii, 121"
    assert work.abstract.startswith("Since the 1960s, scholars have passionately debated")
    assert work.origin.position == "line 2, key adams2018"


def test_bbt_keywords_typos_preserved(samples: Path) -> None:
    work = _works(samples, BBT)[0]
    assert "Mother and child -- Englnad -- Gloucestershire -- History" in work.keywords
    assert "nineteenthe century" in work.keywords
    assert len(work.keywords) == 11


def test_bbt_braced_name_kept_whole_and_counts(samples: Path) -> None:
    work = _by_key(samples, BBT, "cameronbrucenunn2017")
    assert work.authors == [Author(family="Cameron Bruce Nunn", given="")]
    assert work.doc_type is DocType.THESIS  # 'PhD Thesis by publication' -> the entry type
    works = _works(samples, BBT)
    assert sum(bool(w.abstract) for w in works) == 93
    assert all(w.doc_type is DocType.THESIS for w in works)
    assert all(w.year for w in works)


def test_bbt_verbatim_file_field(samples: Path) -> None:
    work = _by_key(samples, BBT, "armstrong2021")
    assert work.ids == {"doi": "10.25911/2e8j-h592"}
    assert work.extra["url"] == "http://hdl.handle.net/1885/231177"
    files = [w.extra["file"] for w in _works(samples, BBT) if "file" in w.extra]
    assert files[0].startswith("C:\\Users\\ewans\\Documents\\Zotero\\")


# ------------------------------------------------------------------ Scopus


def test_scopus_2023_preamble_and_fields(samples: Path) -> None:
    work = _works(samples, SCOPUS_2023)[0]
    assert work.origin.position == "line 4, key Haseli202079"  # after 'Scopus' / 'EXPORT DATE'
    assert work.title == "Base-criterion on multi-criteria decision-making method and its applications"
    assert work.authors[2] == Author(family="Sana", given="Shib Sankar")
    assert work.year == 2020
    assert work.pages == "79-88"  # '79 – 88'
    assert work.ids == {"doi": "10.1080/17509653.2019.1633964", "eid": "2-s2.0-85083087417"}
    assert work.venue.name == "International Journal of Management Science and Engineering Management"
    assert work.venue.issn == "1750-9653"
    assert work.venue.abbreviation == "Int. J. Manage. Sci. Eng. Manage."
    assert work.venue.publisher == "Taylor and Francis Ltd."
    assert work.keywords[0] == "consistency ratio"
    assert work.extra["note"] == "Cited by: 52"
    assert work.extra["publication_stage"] == "Final"
    assert work.abstract.startswith("In this paper, Base-criterion method (BCM) is proposed")
    assert sum(bool(w.abstract) for w in _works(samples, SCOPUS_2023)) == 24


def test_scopus_2023_key_with_space_and_conference(samples: Path) -> None:
    work = _by_key(samples, SCOPUS_2023, "Carmone Jr.1997538")
    assert work.origin.position == "line 78, key Carmone Jr.1997538"
    assert work.authors[0] == Author(family="Carmone Jr.", given="Frank J.")
    # author keywords, then the index keywords
    assert work.keywords[:2] == ["AHP", "Decision theory"]
    assert "Monte Carlo methods" in work.keywords
    conference = _by_key(samples, SCOPUS_2023, "Entani2019")
    assert conference.doc_type is DocType.PROCEEDINGS


def test_scopus_old_format(samples: Path) -> None:
    work = _works(samples, SCOPUS_OLD)[0]
    assert work.origin.position == "line 2, key Li2020"
    assert work.title == ("Soil fauna diversity at different stages of reed restoration in a "
                          "lakeshore wetland at Lake Taihu, China")
    assert work.authors[0] == Author(family="Li", given="W.")
    assert len(work.authors) == 10
    assert work.ids == {"doi": "10.1080/20964129.2020.1722034", "eid": "2-s2.0-85079532227"}
    assert "%2f" in work.extra["url"]
    assert work.extra["art_number"] == "1722034"
    assert work.extra["note"] == "cited By 0"
    assert work.venue.issn == "2096-4129"
    assert work.keywords[1] == "Lake Taihu"  # ';  '-separated
    # a repeated field keeps both values; 'funding_text\u00a01' is named with a plain space
    assert len(work.extra["funding_details"]) == 2
    assert work.extra["funding_text 1"].startswith("The Special Fund for Forest Scientific")


# ------------------------------------------------------------------ edge cases, inline


BROKEN = """\
@article{good1,
  title = {First},
  year = {2001},
}

@article{broken,
  title = {Two {broken},
  year = {2000},
}

@article{notitle,
  author = {Nobody, A},
}

@article{extra_close,
  title = {Too many}},
  year = {2003},
}

@article{missing_comma,
  title = {No comma}
  year = {2003},
}

@article{good2,
  title = {Last},
}
"""


def test_bad_entries_rejected_alone() -> None:
    records = list(bibtex.read(BROKEN, file="b.bib"))
    assert [type(r).__name__ for r in records] == ["Work", "Reject", "Reject", "Reject", "Reject", "Work"]
    assert [r.title for r in records if isinstance(r, Work)] == ["First", "Last"]
    broken, notitle, extra_close, missing_comma = records[1:5]
    assert broken.position == "line 6, key broken"
    assert broken.field == "entry" and "unbalanced braces" in broken.reason
    assert broken.raw.startswith("@article{broken,")
    assert (notitle.field, notitle.reason) == ("title", "record has no title")
    assert notitle.position == "line 11, key notitle"
    assert extra_close.field == "entry" and "unbalanced braces" in extra_close.reason
    assert missing_comma.field and "missing comma" in missing_comma.reason


def test_truncated_last_entry() -> None:
    records = list(bibtex.read("@article{a, title = {A}}\n@article{b,\n  title = {Cut", file="t.bib"))
    assert isinstance(records[0], Work)
    assert isinstance(records[1], Reject)
    assert records[1].reason.startswith("record is truncated")
    assert records[1].position == "line 2, key b"


def test_strings_quotes_parentheses_and_latex() -> None:
    text = r"""% comment with an @ sign
@string{ejs = "European Journal of " # {Stuff}}
@preamble{"\newcommand{\noop}[1]{}"}
@comment{jabref-meta: databaseType:bibtex;}
@book(paren,
  author = {G{\"o}del, Kurt and {World Health Organization} and Jean {de la Fontaine}
            and Ludwig van Beethoven and Roe, Jr, Richard and others},
  title = "A {\'E}tude of \textit{Things} at 50% -- {$<$} 5",
  journal = ejs,
  year = 1999,
  month = aug,
  pages = {10--20},
  keywords = {one, {two, three}, One},
)
"""
    [work] = list(bibtex.read(text, file="s.bib"))
    assert work.title == "A Étude of Things at 50% -- < 5"
    assert work.authors == [
        Author("Gödel", "Kurt"), Author("World Health Organization", ""),
        Author("de la Fontaine", "Jean"), Author("van Beethoven", "Ludwig"),
        Author("Roe", "Richard, Jr"),
    ]
    assert work.venue.name == "European Journal of Stuff"
    assert (work.year, work.pages, work.extra["month"]) == (1999, "10-20", "Aug")
    assert work.doc_type is DocType.BOOK
    assert work.keywords == ["one", "two, three"]
    assert work.origin.position == "line 5, key paren"


def test_at_sign_lines_inside_values_and_keyless_entries() -> None:
    text = """Some preamble text
@article{title = {No key here}}

@article{a,
  title = {A},
  abstract = {Line one
@Twitter (e.g., social media) is a platform
and more},
}
@article{b, title = {B---C \\textit{x}--y}}
"""
    records = list(bibtex.read(text, file="s.bib"))
    assert [type(r).__name__ for r in records] == ["Reject", "Work", "Work"]
    assert records[0].position == "line 2" and records[0].reason.startswith("not a BibTeX entry")
    assert records[1].abstract == "Line one @Twitter (e.g., social media) is a platform and more"
    assert records[1].origin.raw.endswith("and more},\n}")
    assert records[2].title == "B---C x--y"  # dashes kept as written, through pylatexenc too


def test_not_bibtex_raises() -> None:
    with pytest.raises(FormatError, match=r"x\.txt: not BibTeX"):
        list(bibtex.read("TY  - JOUR\nTI  - A title\nER  - \n", file="x.txt"))
    assert not bibtex.sniff("TY  - JOUR\nN1  - see @article{x, y = z}\n")
    assert not bibtex.sniff('[{"id": "@article{a, title = {x}}"}]')
    assert bibtex.sniff("Scopus\nEXPORT DATE: 08 July 2023\n\n@ARTICLE{Key2020,\n\tauthor = {A}")
