"""CSL-JSON reader, on a real Zotero group export (Armenian studies) and inline edge cases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import only_works, read_records, sample_text, sniff_head
from vissue.errors import FormatError
from vissue.readers import Format, csljson, detect_format
from vissue.work import DocType, Reject, Work

ARMENBIB = "csl_json/ArmEnBib_zotero_Exported_Items.json"


def _works(path: Path) -> list[Work]:
    return only_works(read_records(path, csljson))


# --- the real file --------------------------------------------------------------------------

def test_counts_and_types(samples: Path) -> None:
    works = _works(samples / ARMENBIB)
    assert len(works) == 250
    assert Counter(w.doc_type for w in works) == {
        DocType.BOOK: 212, DocType.ARTICLE: 20, DocType.CHAPTER: 18,
    }
    assert [w.origin.position for w in works[:3]] == ["item 1", "item 2", "item 3"]
    assert all(w.origin.format == "csljson" for w in works)


def test_first_item_a_chapter(samples: Path) -> None:
    w = _works(samples / ARMENBIB)[0]
    assert w.title == "Քննություն Մովսես Կաղանկատվացու [Study of Movses Kałankatvac‘i]"
    assert w.doc_type is DocType.CHAPTER
    assert [(a.family, a.given) for a in w.authors] == [("Ադոնց [Adonc῾]", "Նիկողայոս [Nikołayos]")]
    assert w.year == 2006
    assert w.venue.name.startswith("Նիկողայոս Ադոնց. Երկեր")
    assert w.venue.name.endswith("[Nikołayos Adonc῾. Works. 2: Historical-philological Studies]")
    assert w.venue.publisher == "Երևանի համալսարանի հրատարակչություն"
    assert w.pages == "360-483"
    assert w.language == "հայերեն [Armenian]"
    assert w.extra["id"] == "http://zotero.org/groups/4625341/items/EXQDXHT8"
    assert w.extra["publisher-place"] == "Երևան [Yerevan]"
    assert w.extra["URL"] == "https://archive.org/details/Adontz19392006Kaghankatvatsi/page/n3/mode/2up"
    assert w.extra["editor"] == "Հովհաննիսյան [Hovhannisyan], Պ․Հ․ [P. H.]"
    assert w.extra["note"].startswith("This is a translated and expanded version")


def test_journal_article_with_issn(samples: Path) -> None:
    w = _works(samples / ARMENBIB)[150]
    assert w.origin.position == "item 151"
    assert w.doc_type is DocType.ARTICLE
    assert w.title.endswith("[Regarding the Evaluation of some Sources on the Paulician Movement]")
    assert w.venue.name == "ՀՍՍՌ ԳԱ Տեղեկագիր հասարակական գիտությունների"
    assert w.venue.issn == "0568-4706"
    assert (w.issue, w.pages, w.year) == ("6", "85-96", 1957)
    assert w.authors[0].family == "Բարթիկյան [Bartʿikyan]"
    assert "ISSN" not in w.extra


def test_isbn_collection_title_and_editor_only(samples: Path) -> None:
    works = _works(samples / ARMENBIB)
    assert works[68].isbns == ["5808407753"]
    assert works[46].extra["collection-title"] == "Ազգային մատենադարան"
    assert works[46].volume == "1"
    edited = works[61]  # a book with editors and no author
    assert edited.authors == []
    assert edited.extra["editor"].startswith("Աղայան [Ałayan], Ծ. [C.]; Առաքելյան [Aṙakelyan]")


def test_detect_format_picks_csljson(samples: Path) -> None:
    assert detect_format(sample_text(samples / ARMENBIB)) is Format.CSLJSON


# --- quirks (SOURCES.md §7) -------------------------------------------------------------------

def test_no_abstracts(samples: Path) -> None:
    assert all(w.abstract is None for w in _works(samples / ARMENBIB))


def test_years_given_as_strings(samples: Path) -> None:
    text = sample_text(samples / ARMENBIB)
    assert '"date-parts": [\n\t\t\t\t[\n\t\t\t\t\t"2006"' in text
    works = _works(samples / ARMENBIB)
    assert all(isinstance(w.year, int) for w in works)
    assert min(w.year for w in works) == 1836 and max(w.year for w in works) == 2024


def test_mixed_script_names_and_language_kept_as_given(samples: Path) -> None:
    works = _works(samples / ARMENBIB)
    assert Counter(w.language for w in works)["հայերեն [Armenian]"] == 240
    assert works[1].authors[0].family == "Աբրահամյան [Abrahamyan]"
    assert works[1].authors[0].given == "Վալենտինա [Valentina]"


def test_tab_indented_raw_is_verbatim(samples: Path) -> None:
    text = sample_text(samples / ARMENBIB)
    works = _works(samples / ARMENBIB)
    raw = works[0].origin.raw
    assert raw.startswith('{\n\t\t"id": "http://zotero.org/groups/4625341/items/EXQDXHT8"')
    assert raw.endswith("}") and raw in text
    assert all(json.loads(w.origin.raw)["title"] for w in works)


def test_archive_kept_in_extra(samples: Path) -> None:
    works = _works(samples / ARMENBIB)
    assert sum(w.extra.get("archive") == "/z-wcorg/" for w in works) == 106


# --- sniffing ---------------------------------------------------------------------------------

def test_sniff_rejects_openalex_and_crossref_samples(samples: Path) -> None:
    others = sorted((samples / "openalex_api").glob("*.json")) + sorted(
        (samples / "crossref_api").glob("*.json")
    ) + sorted((samples / "openalex_snapshot_jsonl_DERIVED").glob("*.jsonl"))
    assert len(others) >= 10
    for path in others:
        assert not csljson.sniff(sniff_head(sample_text(path))), path.name


def test_sniff_inline() -> None:
    assert csljson.sniff('[{"type": "book", "title": "T"}]')
    assert csljson.sniff('{"type": "article-journal", "issued": {"date-parts": [[2001]]}}')
    assert csljson.sniff('{"items": [{"type": "chapter", "author": []}]}')
    assert not csljson.sniff('[{"title": "no type"}]')
    assert not csljson.sniff('[{"type": "book"}]')
    assert not csljson.sniff('{"id": "https://openalex.org/W1", "type": "article", "title": "T"}')
    assert not csljson.sniff('[{"type": "article", "title": "T", "abstract_inverted_index": {}}]')
    assert not csljson.sniff('{"status": "ok", "message-type": "work", "message": {"type": "x"}}')
    assert not csljson.sniff('[{"type": "journal-article", "title": ["T"], "indexed": {}}]')
    assert not csljson.sniff("TY  - JOUR\nTI  - x\nER  - \n")
    # an item larger than the 64 KiB head still counts
    big = '[{"type": "book", "title": "T", "note": "' + "x" * 70000 + '"}]'
    assert csljson.sniff(big[:65536])


# --- edge cases, inline ----------------------------------------------------------------------

def test_invalid_json_names_file_line_and_column() -> None:
    text = '[\n  {"type": "book", "title": "A"},\n  {"type": "book" "title": "B"}\n]'
    with pytest.raises(FormatError, match=r"^x\.json, line 3, column 19: not valid JSON"):
        list(csljson.read(text, file="x.json"))
    with pytest.raises(FormatError, match=r"x\.json, line 1, column 2: not valid JSON \(Expecting value\)"):
        list(csljson.read("[", file="x.json"))


def test_single_item_items_wrapper_and_json_lines() -> None:
    (one,) = csljson.read('{"type": "book", "title": "Alone", "issued": {"raw": "1999-05"}}')
    assert one.title == "Alone" and one.year == 1999 and one.origin.position == "item 1"
    wrapped = list(csljson.read('{"items": [{"type": "book", "title": "A"}, {"type": "book", "title": "B"}]}'))
    assert [w.title for w in wrapped] == ["A", "B"]
    assert wrapped[1].origin.raw == '{"type": "book", "title": "B"}'
    lines = list(csljson.read('{"type": "book", "title": "L1"}\n{"type": "book", "title": "L2"}\n'))
    assert [w.title for w in lines] == ["L1", "L2"] and lines[1].origin.position == "item 2"


def test_rejects_for_bad_items() -> None:
    text = '[{"type": "book", "title": "Good"}, 42, {"type": "book", "author": [{"family": "X"}]}]'
    good, number, untitled = csljson.read(text, file="r.json")
    assert isinstance(good, Work)
    assert isinstance(number, Reject) and number.position == "item 2" and number.raw == "42"
    assert "not a JSON object" in number.reason
    assert isinstance(untitled, Reject) and untitled.field == "title"
    assert untitled.reason == "record has no title" and untitled.file == "r.json"


def test_full_item_mapping() -> None:
    item = {
        "id": "doe2020", "type": "article-journal", "title": "A <i>study</i>",
        "author": [
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van",
             "ORCID": "https://orcid.org/0000-0002-1825-0097"},
            {"literal": "World Health Organization"},
        ],
        "issued": {"date-parts": [[2020, 5, 1]]}, "container-title": "Journal of Things",
        "container-title-short": "J. Things", "volume": 12, "issue": "3", "page": "151–172",
        "DOI": "https://doi.org/10.1000/ABC.1", "ISSN": "1234-5678, 8765-4321", "PMID": "123456",
        "PMCID": "PMC7654321", "abstract": "<p>First.</p><p>Second.</p>",
        "keyword": "alpha, beta, Alpha", "publisher": "P", "status": "in press",
        "accessed": {"date-parts": [[2021, 1, 2]]},
    }
    (w,) = csljson.read(json.dumps([item]))
    assert w.title == "A study"
    assert [(a.family, a.given, a.orcid) for a in w.authors] == [
        ("van Beethoven", "Ludwig", "0000-0002-1825-0097"), ("World Health Organization", "", None),
    ]
    assert w.year == 2020 and w.volume == "12" and w.pages == "151-172"
    assert w.ids == {"doi": "10.1000/abc.1", "pmid": "123456", "pmcid": "PMC7654321"}
    assert (w.venue.issn, w.venue.eissn, w.venue.abbreviation) == ("1234-5678", "8765-4321", "J. Things")
    assert w.abstract == "First.\nSecond."
    assert w.keywords == ["alpha", "beta"]
    assert w.early_access
    assert w.extra == {"id": "doe2020", "accessed": "2021-1-2"}


def test_ids_from_zotero_note_lines() -> None:
    (w,) = csljson.read('[{"type": "book", "title": "T", "note": "PMID: 29768149\\nDOI: 10.1000/xyz"}]')
    assert w.ids == {"doi": "10.1000/xyz", "pmid": "29768149"}
    assert w.extra["note"].startswith("PMID: 29768149")


def test_not_csl_json_raises() -> None:
    with pytest.raises(FormatError, match="not CSL-JSON"):
        list(csljson.read("TY  - JOUR\n", file="x"))
    with pytest.raises(FormatError, match="not CSL-JSON"):
        list(csljson.read('{"hello": "world"}', file="x"))
