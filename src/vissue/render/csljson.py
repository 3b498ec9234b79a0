"""CSL-JSON of the selected works: what citeproc (and Zotero, Pandoc, Mendeley) read.

    items = csl_items(issue)      # [{"id": "oge2017elite", "type": "article-journal", …}]
    text = render_csljson(issue)  # the same, as a JSON array

The reference lists of the Markdown and HTML renders are formatted from these same items.
"""

from __future__ import annotations

import json
from typing import Any

from ..issue import IssueWork, VirtualIssue
from . import citation_keys, language_code, ordered_works

# DocType values -> CSL item types (CSL 1.0.2 names that citeproc-py knows).
CSL_TYPES = {
    "article": "article-journal",
    "review": "article-journal",
    "book": "book",
    "book-chapter": "chapter",
    "proceedings-paper": "paper-conference",
    "thesis": "thesis",
    "report": "report",
    "editorial": "article-journal",
    "book-review": "review-book",
    "correction": "article-journal",
    "letter": "article-journal",
    "preprint": "article",
    "dataset": "dataset",
    "other": "article",
}


def csl_item(work: IssueWork, key: str) -> dict[str, Any]:
    """One work as a CSL-JSON item; fields the record lacks are left out."""
    item: dict[str, Any] = {"id": key, "type": CSL_TYPES.get(work.doc_type, "article")}
    if work.title:
        item["title"] = work.title
    authors = []
    for a in work.authors:
        name = {"family": a.family, "given": a.given} if a.given else {"family": a.family}
        authors.append(name if a.family else {"literal": a.given})
    if authors:
        item["author"] = authors
    if work.year:
        item["issued"] = {"date-parts": [[work.year]]}
    if work.venue:
        item["container-title"] = work.venue
    for csl_name, value in (("volume", work.volume), ("issue", work.issue), ("page", work.pages),
                            ("publisher", work.publisher)):
        if value:
            item[csl_name] = str(value)
    doi = work.ids.get("doi")
    if doi:
        item["DOI"] = doi
    if work.issn:
        item["ISSN"] = work.issn
    if work.ids.get("pmid"):
        item["PMID"] = work.ids["pmid"]
    if work.ids.get("pmcid"):
        item["PMCID"] = work.ids["pmcid"]
    if work.abstract:
        item["abstract"] = work.abstract
    if work.keywords:
        item["keyword"] = ", ".join(work.keywords)
    code = language_code(work.language)
    if code:
        item["language"] = code
    others = {k: v for k, v in work.ids.items() if k not in ("doi", "pmid", "pmcid") and v}
    if others:  # WoS accession, OpenAlex id…: kept where CSL has room for them
        item["note"] = "; ".join(f"{k}: {v}" for k, v in sorted(others.items()))
    return item


def csl_items(issue: VirtualIssue) -> list[dict[str, Any]]:
    """The selected works, theme by theme, as CSL-JSON items keyed by citation key."""
    works = ordered_works(issue)
    keys = citation_keys(works)
    return [csl_item(w, keys[w.id]) for w in works]


def render_csljson(issue: VirtualIssue) -> str:
    return json.dumps(csl_items(issue), ensure_ascii=False, indent=2) + "\n"
