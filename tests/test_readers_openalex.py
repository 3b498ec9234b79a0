"""OpenAlex reader: API JSON (single works, a /works list) and JSON lines, on the real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import only_works, sample_text
from vissue.errors import FormatError
from vissue.readers import Format, crossref, detect_format, openalex, read_path
from vissue.work import DocType, Reject, Work

API = "openalex_api"
JSONL = "openalex_snapshot_jsonl_DERIVED"
CRLF = "zotero_OpenAlexJSON_W2099326003_single_work_CRLF.json"
AER = "zotero_OpenAlexJSON_W3123223998_single_work.json"
BOOK = "zotero_OpenAlexJSON_W4234549826_book_no_abstract.json"
GULAG = "zotero_OpenAlexJSON_W2257674859_GULag_dissertation.json"
LIST5 = "zotero_OpenAlexJSON_works_list_5_results.json"
LINES = "DERIVED_not_a_real_snapshot_9_api_works.jsonl"

# File -> records in it (SOURCES.md §8–9: JSON items).
COUNTS = {
    f"{API}/{CRLF}": 1,
    f"{API}/{AER}": 1,
    f"{API}/{BOOK}": 1,
    f"{API}/{GULAG}": 1,
    f"{API}/{LIST5}": 5,
    f"{JSONL}/{LINES}": 9,
}


def records(path: Path) -> list[Work | Reject]:
    return list(read_path(path).records())


def works(path: Path) -> list[Work]:
    return only_works(records(path))


# --- every sample: count and format ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_record_count(samples: Path, name: str) -> None:
    out = records(samples / name)
    assert len(out) == COUNTS[name]
    assert all(isinstance(r, Work) for r in out)
    assert all(r.origin is not None and r.origin.format == "openalex" for r in out)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_detect_format(samples: Path, name: str) -> None:
    assert detect_format(sample_text(samples / name)) is Format.OPENALEX


def test_every_sample_file_is_counted(samples: Path) -> None:
    found = {f"{p.parent.name}/{p.name}" for d in (API, JSONL) for p in (samples / d).iterdir()}
    assert found == set(COUNTS)


# --- field values checked by eye against the files ----------------------------------------------


def test_single_work_crlf_pretty_printed(samples: Path) -> None:
    assert "\r\n" in (samples / API / CRLF).read_bytes().decode("utf-8")  # the quirk is real
    [w] = works(samples / API / CRLF)
    assert w.title == "Labor Contracts as Partial Gift Exchange"
    assert w.ids == {"openalex": "W2099326003", "doi": "10.2307/1885099"}
    assert w.year == 1982
    assert w.doc_type is DocType.ARTICLE
    assert w.language == "en"
    a = w.authors[0]
    assert (a.family, a.given, a.orcid) == ("Akerlof", "George A.", None)
    assert a.affiliation == "University of California, Berkeley"
    assert w.venue.name == "The Quarterly Journal of Economics"
    assert (w.venue.issn, w.venue.eissn) == ("0033-5533", "1531-4650")
    assert w.venue.publisher == "Oxford University Press"
    assert (w.volume, w.issue) == ("97", "4")
    assert w.pages == "543"  # first_page == last_page == "543"
    assert w.abstract is not None
    assert w.abstract.startswith("This paper explains involuntary unemployment in terms of the response")
    assert w.abstract.endswith("division of labor markets between primary and secondary.")
    assert w.keywords == ["labor", "exchange", "gift"]
    assert len(w.references) == 20
    assert w.references[0] == "https://openalex.org/W1480035415"  # as given
    assert w.origin is not None and w.origin.position == "item 1"
    assert json.loads(w.origin.raw)["id"] == "https://openalex.org/W2099326003"


def test_compact_single_work_pages_orcid_issn(samples: Path) -> None:
    [w] = works(samples / API / AER)
    assert w.title.startswith("Are Emily and Greg More Employable Than Lakisha and Jamal?")
    assert w.ids["doi"] == "10.1257/0002828042002561"
    assert w.year == 2004
    assert w.pages == "991-1013"
    assert [a.family for a in w.authors] == ["Bertrand", "Mullainathan"]
    assert w.authors[1].orcid == "0000-0001-8508-4052"  # bare, from https://orcid.org/…
    # institution display name wins over the raw string 'Massachusetts Institute Of Technology#TAB#'
    assert w.authors[1].affiliation == "Massachusetts Institute of Technology"
    # issn list is ["1944-7981", "0002-8282"]; issn_l 0002-8282 is taken as the print ISSN
    assert (w.venue.issn, w.venue.eissn) == ("0002-8282", "1944-7981")
    assert w.venue.name == "The American Economic Review"


def test_book_without_abstract(samples: Path) -> None:
    [w] = works(samples / API / BOOK)
    assert w.title == "Clinical Labor"
    assert w.abstract is None  # abstract_inverted_index is null
    assert w.doc_type is DocType.BOOK
    assert w.language is None
    assert (w.venue.name, w.venue.issn, w.venue.publisher) == (
        "Duke University Press eBooks", None, "Duke University Press")
    assert [(a.family, a.given, a.orcid) for a in w.authors] == [
        ("Cooper", "Melinda", "0000-0001-8341-8282"), ("Waldby", "Catherine", "0000-0002-5989-9917")]
    assert "mag" not in w.extra  # this record has no MAG id


def test_dissertation_long_inverted_index(samples: Path) -> None:
    raw = json.loads((samples / API / GULAG).read_text(encoding="utf-8"))
    index = raw["abstract_inverted_index"]
    assert len(index) == 440
    positions = sum(len(p) for p in index.values())
    [w] = works(samples / API / GULAG)
    assert w.title == ("The GULag and Laogai: A Comparative Study of Forced Labor through "
                       "Camp Literature")
    assert w.doc_type is DocType.THESIS  # type 'dissertation'
    assert w.year == 2017
    assert w.ids["doi"] == "10.18130/v3v002"
    assert w.venue.name is None  # primary_location.source is null
    rebuilt = openalex.invert_abstract(index)
    assert rebuilt is not None and len(rebuilt.split(" ")) == positions
    assert w.abstract is not None
    assert w.abstract.startswith("This is the first comparative study ever undertaken in an "
                                 "investigation of the history of forced labor in the Soviet Union")
    assert w.abstract.endswith("4 - Bao Ruo-Wang in Prisoner of Mao.")
    assert w.authors[0].family == "Stepanic" and w.authors[0].given == "Stanley Joseph"


def test_list_response(samples: Path) -> None:
    out = works(samples / API / LIST5)
    assert [w.origin.position for w in out if w.origin] == [f"item {n}" for n in range(1, 6)]
    assert [w.ids["openalex"] for w in out] == [
        "W2046245907", "W4237963058", "W4239223537", "W78857221", "W2358372115"]
    assert sum(1 for w in out if w.abstract) == 2  # only 2 of 5 have an abstract index
    first = out[0]
    assert first.title == "On the audibility of amplifier phase distortion"
    assert (first.volume, first.issue, first.pages) == ("AU-13", "4", "99")
    chapter = out[2]
    assert chapter.doc_type is DocType.CHAPTER
    assert chapter.pages == "2027-2057"
    assert chapter.abstract is not None and chapter.abstract.startswith("Big data is the emerging field")
    assert "relevance_score" in first.extra  # list responses add it


def test_notices_and_all_caps_titles_are_works(samples: Path) -> None:
    out = works(samples / API / LIST5)
    notices = out[1]
    assert notices.title == "Notices"
    assert notices.authors == []
    assert notices.venue.name == "The New England Journal of Medicine"
    caps = out[3]
    assert caps.title == "RELATIVE BIOLOGICAL EFFECTIVENESS OF HIGH ENERGY PROTONS AFFECTING CABBAGE SEEDS"
    assert caps.ids == {"openalex": "W78857221"}  # no DOI
    assert caps.language == "de"
    assert [(a.family, a.given) for a in caps.authors] == [
        ("Nevzgodina", "L.V."), ("Кузнецов", "В. Г."), ("Sychkov", "")]


def test_json_lines_positions_and_same_works_as_api(samples: Path) -> None:
    out = works(samples / JSONL / LINES)
    assert [w.origin.position for w in out if w.origin] == [f"line {n}" for n in range(1, 10)]
    line1 = out[0]
    assert line1.origin is not None and line1.origin.raw == sample_text(samples / JSONL / LINES).split("\n")[0]
    [api] = works(samples / API / CRLF)
    assert line1.to_dict() == api.to_dict()  # the DERIVED file re-serialises the API objects


def test_extra_keeps_the_rest_compactly(samples: Path) -> None:
    [w] = works(samples / API / CRLF)
    assert w.extra["mag"] == "2099326003"
    assert w.extra["publication_date"] == "1982-11-01"
    assert w.extra["topics"] == [
        "Labor Market Dynamics and Inequality",
        "Existence and Dynamics of Monetary Equilibrium Models",
        "Critique of Political Economy and Capitalist Development",
    ]
    assert w.extra["concepts"][:2] == ["Clearing", "Economics"]
    assert w.extra["primary_topic"]["field"] == "Economics, Econometrics and Finance"
    assert w.extra["counts_by_year"]["2024"] == 5
    assert w.extra["cited_by_count"] == 2786
    assert w.extra["authorships"][0]["id"] == "A5081873388"
    assert w.extra["source_id"] == "S203860005"
    assert "abstract_inverted_index" not in w.extra and "counts_by_year" in w.extra
    # nothing of the record is lost: it is all in origin.raw
    assert w.origin is not None and "ngrams_url" in json.loads(w.origin.raw)


# --- quirks and edge cases ------------------------------------------------------------------------


def test_invert_abstract() -> None:
    assert openalex.invert_abstract(None) is None
    assert openalex.invert_abstract({}) is None
    assert openalex.invert_abstract({"world": [1], "Hello": [0], "again,": [3], "hello": [2]}) == (
        "Hello world hello again,")
    # gaps in the positions are closed, repeated words go to every position
    assert openalex.invert_abstract({"a": [0, 4], "b": [2]}) == "a b a"
    assert openalex.invert_abstract({"x": []}) is None


def test_bad_json_line_is_rejected_alone(samples: Path, tmp_path: Path) -> None:
    lines = sample_text(samples / JSONL / LINES).split("\n")
    lines[2] = lines[2][:500]  # line 3 cut short
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    out = records(path)
    assert len(out) == 9
    reject = out[2]
    assert isinstance(reject, Reject)
    assert reject.position == "line 3"
    assert "invalid JSON" in reject.reason and "column" in reject.reason
    assert [r.origin.position for r in out if isinstance(r, Work) and r.origin] == [
        f"line {n}" for n in (1, 2, 4, 5, 6, 7, 8, 9)]


def test_truncated_json_file_raises_format_error(samples: Path, tmp_path: Path) -> None:
    text = (samples / API / CRLF).read_bytes()[:700]
    path = tmp_path / "cut.json"
    path.write_bytes(text)
    with pytest.raises(FormatError) as info:
        list(read_path(path, Format.OPENALEX).records())
    message = str(info.value)
    assert message.startswith(f"{path}: invalid JSON at line ")
    assert ", column " in message and message.endswith("is the file cut off?")
    assert "\n" not in message


def test_json_lines_of_list_responses() -> None:
    page = {"meta": {"count": 2}, "results": [{"id": "https://openalex.org/W1", "title": "A"},
                                              {"id": "https://openalex.org/W2", "title": "B"}]}
    text = json.dumps(page) + "\n" + json.dumps({"id": "https://openalex.org/W3", "title": "C"})
    assert openalex.sniff(text)
    out = list(openalex.read(text))
    assert [(w.title, w.origin.position) for w in out if isinstance(w, Work) and w.origin] == [
        ("A", "line 1, item 1"), ("B", "line 1, item 2"), ("C", "line 2")]


def test_work_without_title_is_rejected() -> None:
    text = json.dumps({"id": "https://openalex.org/W1", "title": None, "display_name": None})
    [r] = openalex.read(text, file="x.json")
    assert isinstance(r, Reject)
    assert (r.field, r.reason, r.position) == ("title", "record has no title", "item 1")


def test_keywords_display_name_and_new_fields() -> None:
    item = {
        "id": "https://openalex.org/W99", "title": "T", "publication_year": 2024,
        "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/29768149", "pmcid":
                "https://www.ncbi.nlm.nih.gov/pmc/articles/3387128"},
        "keywords": [{"id": "k1", "display_name": "Oil"}, {"display_name": "oil"}],
        "abstract_inverted_index": None,
        "abstract_inverted_index_v3": {"New": [0], "index": [1]},
        "biblio": {"first_page": "151", "last_page": "172"},
        "fwci": 1.5,
    }
    [w] = openalex.read(json.dumps({"meta": {"count": 1}, "results": [item]}))
    assert isinstance(w, Work)
    assert w.ids == {"openalex": "W99", "pmid": "29768149", "pmcid": "PMC3387128"}
    assert w.keywords == ["Oil"]
    assert w.abstract == "New index"
    assert w.pages == "151-172"
    assert w.extra["fwci"] == 1.5


def test_not_openalex_json_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="not an OpenAlex work"):
        list(openalex.read('{"status": "ok", "message-type": "work", "message": {}}', file="c.json"))


def test_sniff_is_precise(samples: Path) -> None:
    # a /works list longer than the 64 KiB head: decided from the start alone
    head = '{"meta":{"count":200},"results":[{"id":"https://openalex.org/W2046245907","doi":"x'
    assert openalex.sniff(head)
    assert openalex.sniff('[{"id": "https://openalex.org/W1", "title": "t"}]')
    assert not openalex.sniff('[{"id": "ITEM-1", "type": "book", "title": "t"}]')  # CSL-JSON
    assert not openalex.sniff('{"meta": {}, "results": [{"id": "https://openalex.org/A1"}]}')
    assert not openalex.sniff("TY  - JOUR\nER  - \n")
    for other in ("crossref_api/habanero_works_sample10.json",
                  "csl_json/ArmEnBib_zotero_Exported_Items.json"):
        path = samples / other
        if path.exists():
            head = sample_text(path)[:65536].lstrip()
            assert not openalex.sniff(head), other
    # and Crossref's sniffer leaves OpenAlex files alone
    for name in COUNTS:
        assert not crossref.sniff(sample_text(samples / name)[:65536].lstrip()), name
