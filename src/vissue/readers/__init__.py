"""Readers: one module a format, each turning the text of an export into Works or Rejects.

Every reader module exposes
    sniff(head: str) -> bool                      does this text look like my format?
    read(text: str, *, file: str) -> Iterator[Work | Reject]

and is usable on its own::

    from vissue.readers import wos
    works = [w for w in wos.read(open("savedrecs.txt").read(), file="savedrecs.txt")]

`read_path` is the front door: it decodes the bytes, picks the format by content (not by the
file's extension) and returns a ReadPlan whose `records()` yields the results.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import ModuleType

from ..errors import FormatError, InputError, JSONDepthError
from ..text import replace_surrogates
from ..work import Reject, Work
from .decode import decode_bytes


class Format(StrEnum):
    """Export formats vissue reads. The value is what `--format` takes."""

    WOS = "wos"
    WOS_TAB = "wos-tab"
    RIS = "ris"
    BIBTEX = "bibtex"
    CSLJSON = "csljson"
    OPENALEX = "openalex"
    CROSSREF = "crossref"
    SCOPUS = "scopus"
    MEDLINE = "medline"
    PUBMED = "pubmed"
    JATS = "jats"


# Module of each format, in the order content sniffing tries them (most distinctive first).
_MODULES = {
    Format.OPENALEX: "openalex",
    Format.CROSSREF: "crossref",
    Format.CSLJSON: "csljson",
    Format.PUBMED: "pubmed_xml",
    Format.JATS: "jats",
    Format.WOS_TAB: "wos_tab",
    Format.WOS: "wos",
    Format.MEDLINE: "medline",
    Format.RIS: "ris",
    Format.SCOPUS: "scopus_csv",
    Format.BIBTEX: "bibtex",
}

DESCRIPTIONS = {
    Format.WOS: "Web of Science plain text (tagged: FN/PT/AU … ER)",
    Format.WOS_TAB: "Web of Science tab-delimited (UTF-8 or UTF-16)",
    Format.RIS: "RIS (Zotero, EndNote, Scopus, Dimensions, Lens, EBSCO, Ovid, …)",
    Format.BIBTEX: "BibTeX / BibLaTeX (WoS, Scopus, Zotero, Better BibTeX)",
    Format.CSLJSON: "CSL-JSON (Zotero, Mendeley, citeproc)",
    Format.OPENALEX: "OpenAlex API JSON or snapshot JSON lines",
    Format.CROSSREF: "Crossref REST API JSON",
    Format.SCOPUS: "Scopus CSV",
    Format.MEDLINE: "PubMed MEDLINE / .nbib",
    Format.PUBMED: "PubMed XML",
    Format.JATS: "JATS XML article front matter",
}

HEAD_CHARS = 65536


def reader(fmt: Format | str) -> ModuleType:
    """The module that reads `fmt`."""
    return importlib.import_module(f".{_MODULES[Format(fmt)]}", __name__)


def detect_format(text: str, *, file: str = "<text>") -> Format:
    """Pick the format of an export from its content."""
    head = text[:HEAD_CHARS].lstrip("\ufeff \t\r\n")
    if not head:
        raise FormatError(f"{file}: the file is empty")
    for fmt in _MODULES:
        try:
            if reader(fmt).sniff(head):
                return fmt
        except JSONDepthError as e:  # sniffers name no file
            raise JSONDepthError(file, e.detail) from None
    first = head.splitlines()[0][:60]
    raise FormatError(
        f"{file}: not a format vissue reads (it starts {first!r}). "
        f"Formats read: {', '.join(f.value for f in Format)}; give --format to force one."
    )


@dataclass
class ReadPlan:
    """A file decoded and its format known, ready to yield records."""

    file: str
    format: Format
    text: str
    warnings: list[str] = field(default_factory=list)

    def records(self) -> Iterator[Work | Reject]:
        yield from reader(self.format).read(self.text, file=self.file)


def read_path(path: str | Path, fmt: Format | str | None = None) -> ReadPlan:
    """Decode a file and choose its reader; raises InputError/FormatError for unusable files."""
    path = Path(path)
    name = replace_surrogates(str(path))  # a name that is not UTF-8 is shown, stored and printed with U+FFFD
    if not path.exists():
        raise InputError(f"{name}: no such file or directory")
    if path.is_dir():
        raise InputError(f"{name}: is a directory; give the export files in it")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{name}: cannot be read ({e.strerror})") from e
    text, warnings = decode_bytes(data, file=name)
    chosen = Format(fmt) if fmt and fmt != "auto" else detect_format(text, file=name)
    return ReadPlan(file=name, format=chosen, text=text, warnings=warnings)


def read_text(text: str, fmt: Format | str | None = None, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Read records from text already decoded (tests, the web app, API responses)."""
    chosen = Format(fmt) if fmt and fmt != "auto" else detect_format(text, file=file)
    yield from reader(chosen).read(text, file=file)


__all__ = ["DESCRIPTIONS", "Format", "ReadPlan", "detect_format", "read_path", "read_text", "reader"]
