"""When are two records one work, and how are they merged.

Records are one work when they share a work identifier (DOI, WoS accession, OpenAlex id,
PMID, PMCID, Scopus EID), or else when their titles match (fuzzily), their first authors'
family names match, and nothing in them says they are different publications:
- a different kind of publication (a journal article and the book chapter reprinting it),
- a different venue (by ISSN, or by name when neither has an ISSN),
- years more than one apart, or one apart unless one record is an early-access version,
- two DOIs that differ in more than punctuation ('ecot.12267' vs 'ecot.12.267' is a typo of one
  DOI; 'cbo…014.010' vs 'cbo…014.011' are two chapters).
A merge keeps the richest value of each field and remembers which record gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from rapidfuzz import fuzz

from ..text import fold, is_shouting, title_key, venue_key
from ..work import Author, DocType, Venue, Work

TITLE_SIMILARITY = 95.0  # rapidfuzz ratio (0–100) above which two normalised titles match

# Kinds of publication that may be one work under two labels (a WoS 'Review' is an article).
_COMPATIBLE = [
    {DocType.ARTICLE, DocType.REVIEW, DocType.PROCEEDINGS, DocType.LETTER, DocType.EDITORIAL,
     DocType.BOOK_REVIEW, DocType.CORRECTION},
    {DocType.CHAPTER, DocType.PROCEEDINGS},
    {DocType.BOOK},
    {DocType.THESIS},
    {DocType.REPORT},
    {DocType.PREPRINT, DocType.ARTICLE},
    {DocType.DATASET},
]


def first_author_key(work: Work) -> str:
    """Folded family name of the first author ('' when there is none)."""
    return fold(work.authors[0].family) if work.authors else ""


def doi_key(doi: str | None) -> str | None:
    """A DOI's letters and digits (None for none): two DOIs with one key differ in punctuation
    only, and two with different keys name different works (`why_different`)."""
    return re.sub(r"[^0-9a-z]", "", doi.lower()) if doi else None


def _types_compatible(a: DocType, b: DocType) -> bool:
    if DocType.OTHER in (a, b) or a == b:
        return True
    return any(a in group and b in group for group in _COMPATIBLE)


def _venues_compatible(a: Venue, b: Venue) -> bool:
    issns_a = {i for i in (a.issn, a.eissn) if i}
    issns_b = {i for i in (b.issn, b.eissn) if i}
    if issns_a and issns_b:
        return bool(issns_a & issns_b)
    if a.name and b.name:
        ka, kb = venue_key(a.name), venue_key(b.name)
        return ka == kb or fuzz.ratio(ka, kb) >= 90 or ka.startswith(kb) or kb.startswith(ka)
    return True


def why_different(a: Work, b: Work) -> str | None:
    """A reason two records with matching titles and authors are still different works, or None."""
    if not _types_compatible(a.doc_type, b.doc_type):
        return f"different kinds of publication ({a.doc_type}, {b.doc_type})"
    if not _venues_compatible(a.venue, b.venue):
        return "different venues"
    if a.year and b.year and a.year != b.year:
        gap = abs(a.year - b.year)
        if gap > 1 or not (a.early_access or b.early_access):
            return f"different years ({a.year}, {b.year})"
    doi_a, doi_b = a.ids.get("doi"), b.ids.get("doi")
    if doi_a and doi_b and doi_a != doi_b and doi_key(doi_a) != doi_key(doi_b):
        return f"different DOIs ({doi_a}, {doi_b})"
    for scheme in ("wos", "openalex", "pmid", "eid"):
        id_a, id_b = a.ids.get(scheme), b.ids.get(scheme)
        if id_a and id_b and id_a != id_b and not (a.early_access or b.early_access):
            return f"different {scheme} identifiers ({id_a}, {id_b})"
    return None


def titles_match(ka: str, kb: str) -> bool:
    """Two normalised titles (title_key) that name one work, allowing small differences."""
    return bool(ka) and bool(kb) and (ka == kb or fuzz.ratio(ka, kb) >= TITLE_SIMILARITY)


def title_length_bounds(key: str) -> tuple[int, int]:
    """The shortest and longest title_key that `titles_match` can match with `key`: a ratio
    of r needs |len a - len b| <= (1 - r) (len a + len b)."""
    share = 1 - TITLE_SIMILARITY / 100
    n = len(key)
    return int(n * (1 - share) / (1 + share)), int(n * (1 + share) / (1 - share)) + 1


def first_authors_match(fa: str, fb: str) -> bool:
    """Two first authors' keys (first_author_key) that do not tell two works apart: the same
    name, close spellings of one, or a record without an author."""
    return not fa or not fb or fa == fb or fuzz.ratio(fa, fb) >= 90


def same_work(a: Work, b: Work) -> bool:
    """True when two records without a shared identifier describe one work."""
    ka, kb = title_key(a.title), title_key(b.title)
    if not titles_match(ka, kb):
        return False
    fa, fb = first_author_key(a), first_author_key(b)
    if not first_authors_match(fa, fb):
        return False
    if bool(fa) != bool(fb) and len(ka) < 40:
        return False  # a short title with no author to back it up is too weak
    return why_different(a, b) is None


# ---- merging -----------------------------------------------------------------------------------

def _text_score(value: str | None) -> tuple[int, int]:
    """Prefer text in mixed case, then longer text."""
    if not value:
        return (0, 0)
    return (0 if is_shouting(value) else 1, len(value))


def _author_score(authors: list[Author]) -> tuple[int, int, int, int]:
    given = sum(len(a.given.replace(".", "").replace(" ", "")) for a in authors)
    return (len(authors), sum(bool(a.orcid) for a in authors), sum(bool(a.affiliation) for a in authors), given)


def name_richness(name: str) -> tuple[int, int, int]:
    """How much of a name a form keeps: its diacritics (Öge over Oge), mixed case (O'Neill over
    O'NEILL), then length (Jeanne over J.)."""
    return (sum(not c.isascii() for c in name), 0 if is_shouting(name) else 1, len(name))


def _richest(a: str, b: str | None) -> str:
    """The richer of two forms of one name (the first when they tie or differ beyond form)."""
    if not b or fold(a) != fold(b):
        return a
    return b if name_richness(b) > name_richness(a) else a


def _merge_authors(keep: list[Author], other: list[Author]) -> list[Author]:
    """The richer list, with ORCIDs and affiliations filled in from the other where names agree,
    and each name in its richest form ('Öge' from Crossref over WoS's 'Oge')."""
    by_family = {fold(a.family): a for a in other}
    merged = []
    for author in keep:
        twin = by_family.get(fold(author.family))
        given = author.given
        if twin and twin.given and fold(twin.given).replace(" ", "").startswith(fold(given).replace(" ", "")):
            given = twin.given if name_richness(twin.given) > name_richness(given) else given
        merged.append(Author(
            family=_richest(author.family, twin.family if twin else None),
            given=given,
            orcid=author.orcid or (twin.orcid if twin else None),
            affiliation=author.affiliation or (twin.affiliation if twin else None),
        ))
    return merged


def _merge_venue(a: Venue, b: Venue) -> Venue:
    return Venue(**{
        f.name: max((getattr(a, f.name), getattr(b, f.name)), key=_text_score) or None
        for f in fields(Venue)
    })


def _union(a: list[str], b: list[str]) -> list[str]:
    seen = {fold(x) for x in a}
    return a + [x for x in b if fold(x) not in seen and not seen.add(fold(x))]


@dataclass
class Merged:
    work: Work
    provenance: dict[str, int]  # field -> source id that gave its value
    changed: bool


# Fields where the record of the final version (not early access) wins when both have a value.
_VERSION_FIELDS = ("year", "volume", "issue", "pages")


def merge(old: Work, old_prov: dict[str, int], new: Work, new_source: int) -> Merged:
    """Fold a new record of a work into the stored work; keeps the richest value of each field."""
    prov = dict(old_prov)
    result = Work.from_dict(old.to_dict())
    changed = False

    def take(name: str, value: object) -> None:
        nonlocal changed
        if value != getattr(result, name):
            setattr(result, name, value)
            prov[name] = new_source
            changed = True

    final_wins = old.early_access and not new.early_access
    for name in ("title", "abstract", "language"):
        if _text_score(getattr(new, name)) > _text_score(getattr(old, name)):
            take(name, getattr(new, name))
    for name in _VERSION_FIELDS:
        value = getattr(new, name)
        if value and (not getattr(old, name) or final_wins):
            take(name, value)
    if final_wins:
        take("early_access", False)
    if old.doc_type == DocType.OTHER and new.doc_type != DocType.OTHER:
        take("doc_type", new.doc_type)
    if _author_score(new.authors) > _author_score(old.authors):
        take("authors", _merge_authors(new.authors, old.authors))
    else:
        filled = _merge_authors(old.authors, new.authors)
        if filled != old.authors:
            take("authors", filled)
    venue = _merge_venue(old.venue, new.venue)
    if venue != old.venue:
        take("venue", venue)
    ids = dict(old.ids)
    for scheme, value in new.ids.items():
        if scheme not in ids or (final_wins and scheme == "doi"):
            ids[scheme] = value
    if ids != old.ids:
        take("ids", ids)
    isbns = _union(old.isbns, new.isbns)
    if isbns != old.isbns:
        take("isbns", isbns)
    keywords = _union(old.keywords, new.keywords)
    if keywords != old.keywords:
        take("keywords", keywords)
    if len(new.references) > len(old.references):
        take("references", new.references)
    extra = {**new.extra, **old.extra}
    if extra != old.extra:
        take("extra", extra)
    return Merged(result, prov, changed)
