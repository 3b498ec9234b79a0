"""BibTeX entries of the selected works.

One entry a work, theme by theme, keyed by citation key ('kanapyanov2018role'). Text is UTF-8
(BibTeX 0.99d, biber and LaTeX since 2018 read it); LaTeX's special characters (# $ % & ~ _ ^
\\ { }) are escaped everywhere but in the DOI, and the capitals of a title beyond its first
letter are braced so that styles which lower-case titles keep "Kazakhstan" and "CSTO".
"""

from __future__ import annotations

import re

from ..issue import IssueWork, VirtualIssue
from . import citation_keys, ordered_works

# DocType values -> (entry type, the field that names the venue).
BIBTEX_TYPES = {
    "article": ("article", "journal"),
    "review": ("article", "journal"),
    "editorial": ("article", "journal"),
    "book-review": ("article", "journal"),
    "correction": ("article", "journal"),
    "letter": ("article", "journal"),
    "book": ("book", "series"),
    "book-chapter": ("incollection", "booktitle"),
    "proceedings-paper": ("inproceedings", "booktitle"),
    "thesis": ("phdthesis", "school"),
    "report": ("techreport", "institution"),
    "preprint": ("misc", "howpublished"),
    "dataset": ("misc", "howpublished"),
    "other": ("misc", "howpublished"),
}

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")


def escape_latex(text: str) -> str:
    """LaTeX's special characters escaped; whitespace (newlines included) made single spaces."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], " ".join(text.split()))


def protect_title(title: str) -> str:
    """Escaped, with the words whose capitals must stay capitals braced: every capitalised word
    after the first, and a first word with capitals beyond its first letter ('COVID-19')."""
    words = []
    for i, word in enumerate(title.split()):
        letters = [c for c in word if c.isalpha()]
        capital_inside = any(c.isupper() for c in letters[1:])
        capital_start = bool(letters) and letters[0].isupper()
        escaped = escape_latex(word)
        words.append(f"{{{escaped}}}" if capital_inside or (i > 0 and capital_start) else escaped)
    return " ".join(words)


def _name(family: str, given: str) -> str:
    family = escape_latex(family)
    if re.search(r"\band\b|,", family, flags=re.IGNORECASE):
        family = f"{{{family}}}"  # a body ('Smith and Sons', 'Ministry, Health'): one name
    return f"{family}, {escape_latex(given)}" if given else family


def bibtex_fields(work: IssueWork) -> list[tuple[str, str]]:
    """(field, value) pairs of one entry, values ready to go between braces."""
    _, venue_field = BIBTEX_TYPES.get(work.doc_type, ("misc", "howpublished"))
    fields: list[tuple[str, str]] = []
    if work.authors:
        fields.append(("author", " and ".join(_name(a.family, a.given) for a in work.authors)))
    if work.title:
        fields.append(("title", protect_title(work.title)))
    if work.venue:
        fields.append((venue_field, escape_latex(work.venue)))
    if work.year:
        fields.append(("year", str(work.year)))
    if work.volume:
        fields.append(("volume", escape_latex(work.volume)))
    if work.issue:
        fields.append(("number", escape_latex(work.issue)))
    if work.pages:
        fields.append(("pages", re.sub(r"\s*[-–—]+\s*", "--", escape_latex(work.pages))))
    if work.publisher and venue_field not in ("school", "institution"):
        fields.append(("publisher", escape_latex(work.publisher)))
    if work.issn:
        fields.append(("issn", escape_latex(work.issn)))
    doi = work.ids.get("doi")
    if doi:
        fields.append(("doi", doi.replace("{", "").replace("}", "")))  # verbatim: no escapes
    if work.language:
        fields.append(("language", escape_latex(work.language)))
    if work.abstract:
        fields.append(("abstract", escape_latex(work.abstract)))
    if work.keywords:
        fields.append(("keywords", escape_latex(", ".join(work.keywords))))
    return fields


def bibtex_entry(work: IssueWork, key: str) -> str:
    entry_type, _ = BIBTEX_TYPES.get(work.doc_type, ("misc", "howpublished"))
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in bibtex_fields(work)]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}"


def render_bibtex(issue: VirtualIssue) -> str:
    works = ordered_works(issue)
    keys = citation_keys(works)
    return "\n\n".join(bibtex_entry(w, keys[w.id]) for w in works) + "\n" if works else ""
