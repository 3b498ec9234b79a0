import pytest

from vissue.errors import InputError
from vissue.ids import (
    normalize_doi,
    normalize_eid,
    normalize_isbn,
    normalize_issn,
    normalize_openalex,
    normalize_orcid,
    normalize_pmid,
    normalize_wos,
    parse_identifier,
    split_isbns,
    split_issns,
)


@pytest.mark.parametrize(("text", "doi"), [
    ("10.1016/J.POSTCOMSTUD.2018.04.005", "10.1016/j.postcomstud.2018.04.005"),
    ("https://doi.org/10.1111/ecot.12267", "10.1111/ecot.12267"),
    ("http://dx.doi.org/10.1002/abc.1.", "10.1002/abc.1"),
    ("doi: 10.1080/20964129.2020.1722034", "10.1080/20964129.2020.1722034"),
    ("10.1017%2FS1468109918000178", "10.1017/s1468109918000178"),
    ("not a doi", None),
    ("", None),
])
def test_doi(text, doi):
    assert normalize_doi(text) == doi


def test_issn_forms():
    assert normalize_issn("03064530 (ISSN) ") == "0306-4530"
    assert normalize_issn("0967-067x") == "0967-067X"
    assert normalize_issn("123") is None
    assert split_issns("1234-5678; 8765-432X (Electronic)") == ["1234-5678", "8765-432X"]


def test_orcid_forms():
    assert normalize_orcid("ORCID: http://orcid.org/0000-0001-9778-1920") == "0000-0001-9778-1920"
    assert normalize_orcid("https://orcid.org/0000-0002-1642-628x") == "0000-0002-1642-628X"
    assert normalize_orcid("000000019778192X") == "0000-0001-9778-192X"
    assert normalize_orcid("0000-0001-9778-19201") is None
    assert normalize_orcid("A-1234-2008") is None
    assert normalize_orcid(None) is None


def test_isbn_and_wos_and_others():
    assert split_isbns("978-1-315-53693-4; 978-1-138-69044-8") == ["9781315536934", "9781138690448"]
    assert normalize_isbn("0-521-83950-X") == "052183950X"
    assert normalize_wos("000437999500008") == "WOS:000437999500008"
    assert normalize_wos("wos:000437999500008") == "WOS:000437999500008"
    assert normalize_openalex("https://openalex.org/W2099326003") == "W2099326003"
    assert normalize_pmid("35957633 [PMID]") == "35957633"
    assert normalize_eid("https://www.scopus.com/inward/record.uri?eid=2-s2.0-85074551234&x") == "2-s2.0-85074551234"


@pytest.mark.parametrize(("text", "parsed"), [
    ("WOS:000437999500008", ("wos", "WOS:000437999500008")),
    ("10.1016/j.postcomstud.2018.04.005", ("doi", "10.1016/j.postcomstud.2018.04.005")),
    ("https://doi.org/10.1016/J.X.1", ("doi", "10.1016/j.x.1")),
    ("W2099326003", ("openalex", "W2099326003")),
    ("pmid:29768149", ("pmid", "29768149")),
    ("42", ("id", "42")),
    ("isbn:978-1-315-53693-4", ("isbn", "9781315536934")),
])
def test_parse_identifier(text, parsed):
    assert parse_identifier(text) == parsed


def test_parse_identifier_explains_what_it_takes():
    with pytest.raises(InputError, match="not an identifier vissue knows: give a DOI"):
        parse_identifier("banana")
