"""Identifier normalisation: DOI, ISSN, ISBN, WoS accession, OpenAlex id, PMID, Scopus EID, ORCID.

Every function takes what a record or a user wrote and returns the canonical form, or None
when the text holds no valid identifier of that kind.
"""

from __future__ import annotations

import re
from enum import StrEnum

from .errors import InputError


class Scheme(StrEnum):
    """The kinds of identifier the library knows a work by."""

    DOI = "doi"
    WOS = "wos"
    OPENALEX = "openalex"
    PMID = "pmid"
    PMCID = "pmcid"
    EID = "eid"
    ISBN = "isbn"


#: Schemes that name exactly one work, so two records sharing one are the same work.
#: ISBN is left out: a book's ISBN is shared by all of its chapters.
WORK_SCHEMES = (Scheme.DOI, Scheme.WOS, Scheme.OPENALEX, Scheme.PMID, Scheme.PMCID, Scheme.EID)

_DOI_PREFIX = re.compile(
    r"^\s*(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalize_doi(text: str | None) -> str | None:
    """'https://doi.org/10.1016/J.X.2018' -> '10.1016/j.x.2018' (DOIs are case-insensitive)."""
    if not text:
        return None
    text = _DOI_PREFIX.sub("", text.strip()).replace("%2F", "/").replace("%2f", "/")
    match = _DOI.search(text)
    if not match:
        return None
    doi = match.group(0).rstrip(".,;)]}>")
    return doi.lower()


def normalize_issn(text: str | None) -> str | None:
    """'03064530 (ISSN)' -> '0306-4530'; None unless eight digits (last may be X)."""
    if not text:
        return None
    compact = re.sub(r"[^0-9Xx]", "", text.split("(")[0]).upper()
    if not re.fullmatch(r"\d{7}[\dX]", compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"


def split_issns(text: str | None) -> list[str]:
    """All ISSNs in a field that may hold several ('1234-5678; 8765-4321 (Electronic)')."""
    if not text:
        return []
    found = re.findall(r"\b\d{4}-?\d{3}[\dXx]\b", text)
    return [issn for issn in (normalize_issn(f) for f in found) if issn]


def normalize_isbn(text: str | None) -> str | None:
    """'978-0-52183-950-1' -> '9780521839501'; ISBN-10 stays ten characters."""
    if not text:
        return None
    compact = re.sub(r"[^0-9Xx]", "", text).upper()
    if re.fullmatch(r"\d{13}", compact) or re.fullmatch(r"\d{9}[\dX]", compact):
        return compact
    return None


def split_isbns(text: str | None) -> list[str]:
    """All ISBNs in a field such as '978-1-315-53693-4; 978-1-138-69044-8'."""
    if not text:
        return []
    parts = re.split(r"[;,\s]+(?=[\dXx-]{10,17}\b)|;|,", text)
    return [isbn for isbn in (normalize_isbn(p) for p in parts) if isbn]


def normalize_wos(text: str | None) -> str | None:
    """'000437999500008' or 'WOS:000437999500008' -> 'WOS:000437999500008'."""
    if not text:
        return None
    match = re.search(r"(?:(WOS|A1\d{4}|BCI|CCC|MEDLINE|KJD|RSCI|SCIELO|DIIDW|ZOOREC):)?\s*([0-9A-Z]{15})\b",
                      text.strip(), re.IGNORECASE)
    if not match:
        return None
    prefix = (match.group(1) or "WOS").upper()
    return f"{prefix}:{match.group(2).upper()}"


def normalize_openalex(text: str | None) -> str | None:
    """'https://openalex.org/W2099326003' -> 'W2099326003' (works only)."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?([Ww]\d{2,12})\s*", text)
    return match.group(1).upper() if match else None


def normalize_pmid(text: str | None) -> str | None:
    """'29768149 [PMID]' or 'pmid:29768149' -> '29768149'."""
    if not text:
        return None
    text = re.sub(r"^\s*https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/",
                  "", text).rstrip("/ ")
    match = re.fullmatch(r"\s*(?:pmid\s*:?\s*)?(\d{1,9})\s*(?:\[pmid\])?\s*", text, re.IGNORECASE)
    return match.group(1).lstrip("0") or None if match else None


def normalize_pmcid(text: str | None) -> str | None:
    """'PMC3387128 [PMCID]' -> 'PMC3387128'."""
    if not text:
        return None
    match = re.search(r"\bPMC\s*(\d{4,10})\b", text, re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else None


def normalize_eid(text: str | None) -> str | None:
    """Scopus EID '2-s2.0-85074551234' (also found inside Scopus URLs)."""
    if not text:
        return None
    match = re.search(r"\b2-s2\.0-\d{6,14}\b", text)
    return match.group(0) if match else None


def normalize_orcid(text: str | None) -> str | None:
    """'ORCID: http://orcid.org/0000-0001-9778-1920' or '000000019778192X' -> '0000-0001-9778-192X'."""
    if not text:
        return None
    match = re.search(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])(?![\dXx])", text)
    if not match:
        return None
    return "-".join(match.groups()).upper()


NORMALIZERS = {
    Scheme.DOI: normalize_doi,
    Scheme.WOS: normalize_wos,
    Scheme.OPENALEX: normalize_openalex,
    Scheme.PMID: normalize_pmid,
    Scheme.PMCID: normalize_pmcid,
    Scheme.EID: normalize_eid,
    Scheme.ISBN: normalize_isbn,
}


def parse_identifier(text: str) -> tuple[str, str]:
    """Guess what kind of identifier a user typed: ('doi', '10.…'), ('id', '12'), …

    An explicit 'scheme:value' always wins ('pmid:123', 'isbn:978…'); a bare number is the
    library's own id.
    """
    raw = text.strip()
    if not raw:
        raise InputError("an empty identifier was given")
    head, _, rest = raw.partition(":")
    if rest and head.lower() in {s.value for s in Scheme if s is not Scheme.WOS}:
        scheme = Scheme(head.lower())
        value = NORMALIZERS[scheme](rest)
        if value is None:
            raise InputError(f"{raw!r} is not a valid {scheme.value} identifier")
        return scheme.value, value
    if raw.isdigit():
        return "id", raw
    for scheme in (Scheme.DOI, Scheme.WOS, Scheme.OPENALEX, Scheme.PMCID, Scheme.EID):
        if scheme is Scheme.WOS and not re.match(r"(?i)^[a-z0-9]+:", raw):
            continue
        value = NORMALIZERS[scheme](raw)
        if value:
            return scheme.value, value
    if normalize_isbn(raw) and re.fullmatch(r"[\d\-Xx ]{10,17}", raw):
        return Scheme.ISBN.value, normalize_isbn(raw) or raw
    raise InputError(
        f"{raw!r} is not an identifier vissue knows: give a DOI (10.…), a WoS accession "
        "(WOS:…), an OpenAlex id (W…), pmid:…, an EID (2-s2.0-…), isbn:… or a library id (a number)"
    )
