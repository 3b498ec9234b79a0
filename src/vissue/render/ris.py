"""RIS records of the selected works (EndNote, Zotero, Mendeley, reference managers at large).

One record a work, theme by theme, every tag on one line ("TY  - JOUR"), ending with "ER  - ".
A value that spans lines in the record (an abstract's paragraphs) is joined with spaces: RIS
readers do not agree on continuation lines.
"""

from __future__ import annotations

from ..issue import IssueWork, VirtualIssue
from . import citation_keys, doi_url, first_page_last_page, ordered_works

# DocType values -> RIS reference types.
RIS_TYPES = {
    "article": "JOUR",
    "review": "JOUR",
    "book": "BOOK",
    "book-chapter": "CHAP",
    "proceedings-paper": "CPAPER",
    "thesis": "THES",
    "report": "RPRT",
    "editorial": "JOUR",
    "book-review": "JOUR",
    "correction": "JOUR",
    "letter": "JOUR",
    "preprint": "UNPB",
    "dataset": "DATA",
    "other": "GEN",
}


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def ris_record(work: IssueWork, key: str) -> list[tuple[str, str]]:
    """(tag, value) pairs of one record, TY first and ER last."""
    tags: list[tuple[str, str]] = [("TY", RIS_TYPES.get(work.doc_type, "GEN")), ("ID", key)]
    for a in work.authors:
        tags.append(("AU", f"{a.family}, {a.given}" if a.given else a.family))
    if work.title:
        tags.append(("TI", work.title))
    if work.venue:
        # T2 is the journal for JOUR and the book for CHAP; JO repeats a journal's name for the
        # readers that only look there.
        tags.append(("T2", work.venue))
        if RIS_TYPES.get(work.doc_type) == "JOUR":
            tags.append(("JO", work.venue))
    if work.year:
        tags.append(("PY", str(work.year)))
    if work.volume:
        tags.append(("VL", work.volume))
    if work.issue:
        tags.append(("IS", work.issue))
    start, end = first_page_last_page(work.pages)
    if start:
        tags.append(("SP", start))
    if end:
        tags.append(("EP", end))
    if work.publisher:
        tags.append(("PB", work.publisher))
    if work.issn:
        tags.append(("SN", work.issn))
    doi = work.ids.get("doi")
    if doi:
        tags.append(("DO", doi))
        tags.append(("UR", doi_url(doi) or ""))
    if work.ids.get("wos"):
        tags.append(("AN", work.ids["wos"]))
    if work.language:
        tags.append(("LA", work.language))
    if work.abstract:
        tags.append(("AB", work.abstract))
    for keyword in work.keywords:
        tags.append(("KW", keyword))
    tags.append(("ER", ""))
    return [(tag, _one_line(value)) for tag, value in tags]


def render_ris(issue: VirtualIssue) -> str:
    works = ordered_works(issue)
    keys = citation_keys(works)
    records = []
    for work in works:
        records.append("\n".join(f"{tag}  - {value}" for tag, value in ris_record(work, keys[work.id])))
    return "\n\n".join(records) + "\n" if records else ""
