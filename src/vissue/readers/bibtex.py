"""BibTeX / BibLaTeX: Web of Science, Scopus (2023 and older), Zotero / Better BibTeX, hand-made.

A small tokenizer of our own (not bibtexparser: see the note at the end) splits the text at the
lines that start an entry (``@type{`` or ``@type(``), so that a broken entry, say one with an
unbalanced brace, is rejected on its own and the entries after it are still read.

Values are LaTeX: the common escapes of exports (``\\&``, ``{[}``, ``{''}``, case-protecting
braces) are decoded here; anything richer (accents, ``\\textit{}``, math) goes to pylatexenc,
which is slow and so is only called on the few values that need it.

Quirks handled (see SOURCES.md sections 4 and 6):

* WoS: ``@article{ WOS:…,`` keys with a space, ``Capitalised-Field-Names`` (matched without
  regard to case), abstracts hard-wrapped at 72 characters with 3-space indents (the wrapping is
  undone and the real paragraph breaks kept), ``Unique-ID``, ``Type = {Article; Early Access}``,
  ``EarlyAccessDate``, ``Number = {2, SI}``, one-per-line ``Affiliation``/``ORCID-Numbers``/
  ``Cited-References``.
* Scopus: the ``Scopus`` / ``EXPORT DATE`` lines before the first entry, ``79 – 88`` pages,
  the EID inside the ``url``, ``author_keywords``, ``note = {cited By 0}``.
* Better BibTeX: ``@thesis`` with ``type = {MRes Thesis}``, ``{{Case}} protection``, ``date``
  instead of ``year``, ``langid``, ``institution`` as the publisher of a thesis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import FormatError
from ..ids import (
    normalize_doi,
    normalize_eid,
    normalize_issn,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    normalize_wos,
    split_isbns,
    split_issns,
)
from ..text import clean_abstract, clean_field, squash
from ..work import (
    Author,
    DocType,
    Origin,
    Reject,
    Venue,
    Work,
    parse_doc_type,
    parse_name,
    parse_year,
)
from .vet import MAX_FIELD_CHARS

FORMAT = "bibtex"
#: The most characters a @string macro may expand to: a macro abbreviates a name or a phrase.
MAX_MACRO_CHARS = 10_000

# --------------------------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w:-]*)[ \t]*([{(])", re.MULTILINE)
# After '@type{': a key and a comma. A line like '@Twitter (social media) …' inside a value is
# thus not taken for the start of an entry.
_KEY_COMMA = re.compile(r"\s*(?:[^\s,={}()\"#%][^,=\n{}()\"#%]*)?,")
_SNIFF_BODY = re.compile(r"[^,{}()=\"#\n]*,\s*[^\s=,{}()\"#]+\s*=")
# Tagged formats (RIS 'TY  - ', WoS 'PT J', MEDLINE 'PMID- ') whose text may hold an '@'.
_OTHER_TAGS = re.compile(r"^(?:[A-Z][A-Z0-9]  - |[A-Z][A-Z0-9] \S|PMID- |FN )", re.MULTILINE)
_NOT_ENTRIES = {"comment", "preamble", "string"}


def sniff(head: str) -> bool:
    """True when the text's first entry-like line is a BibTeX entry and nothing before it is
    another format (JSON, XML, tagged records, CSV headers are short of '@type{key,' lines)."""
    match = _ENTRY_START.search(head)
    if not match:
        return False
    before = head[: match.start()]
    if len(before) > 4096 or before.lstrip()[:1] in ("{", "[", "<"):
        return False
    if _OTHER_TAGS.search(before):
        return False
    if match.group(1).lower() in _NOT_ENTRIES:
        return True
    return bool(_SNIFF_BODY.match(head, match.end()))


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACE = re.compile(r'["{}]')
_FIELD_NAME = re.compile(r"([^\s=,{}()\"#%'][^=,{}()\"#\n]*?)\s*=\s*")
# The common case, taken in one step: 'name = {value with no inner braces}' then ',' or the end.
_PLAIN_FIELD = re.compile(r"[\s,]*([^\s=,{}()\"#%'][^=,{}()\"#\n]*?)\s*=\s*\{([^{}]*)\}\s*(?=[,})])")
_KEY = re.compile(r"\s*([^,{}()=\"#\n]*)")  # Scopus writes keys with spaces: 'Carmone Jr.1997538'
_BARE = re.compile(r"[^\s,#{}()\"=]+")
_SPACE = re.compile(r"\s*")
_LOOKS_LIKE_FIELD = re.compile(r"\s*(?:,\s*)?[^\s=,{}()\"#]+\s*=|\s*}")

_MONTHS = {m: m.capitalize() for m in
           ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}


class _EntryError(Exception):
    """A syntax error inside one entry; the entry is rejected, the file read on.

    `unclosed`: a value or the entry runs on to the next '@type{key,' line.
    """

    def __init__(self, message: str, *, field: str, unclosed: bool = False):
        super().__init__(message)
        self.field = field
        self.unclosed = unclosed


class _Macros:
    """The @string macros read so far, and those rejected (a use of one rejects the entry)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.rejected: dict[str, int] = {}  # name -> line of the rejected @string

    def expand(self, word: str, name: str, line: int) -> str:
        key = word.lower()
        if key in self.rejected:
            raise _EntryError(f"field {name!r} (line {line}) uses @string {word!r}, which was rejected "
                              f"at line {self.rejected[key]}", field=name)
        return self.values.get(key, _MONTHS.get(key, word))


def _line_at(chunk: str, pos: int, first_line: int) -> int:
    return first_line + chunk.count("\n", 0, pos)


def _match_brace(s: str, start: int) -> int:
    """Index of the '}' closing the '{' at `start`, or -1 (BibTeX counts every brace)."""
    depth = 0
    for m in _BRACES.finditer(s, start):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _match_quote(s: str, start: int) -> int:
    """Index of the '"' closing the one at `start`, at brace depth 0, or -1."""
    depth = 0
    for m in _QUOTE_OR_BRACE.finditer(s, start + 1):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return -1
        elif depth == 0:
            return m.start()
    return -1


def _unclosed(name: str, line: int, last: bool) -> _EntryError:
    if last:
        return _EntryError(f"record is truncated: the file ends inside the value of field {name!r} "
                           f"(line {line})", field=name)
    return _EntryError(f"unbalanced braces: the value of field {name!r} (line {line}) is never "
                       "closed before the next entry", field=name, unclosed=True)


def _read_value(s: str, pos: int, name: str, line_of: Callable[[int], int],
                macros: _Macros, last: bool) -> tuple[str, int]:
    """Read `piece # piece …` from s[pos:]; returns (text, position after it).

    The pieces may hold at most MAX_FIELD_CHARS together: `@string` macros that double at each
    step would otherwise take gigabytes from a few hundred bytes.
    """
    parts: list[str] = []
    size = 0
    n = len(s)
    while True:
        pos = _SPACE.match(s, pos).end()
        c = s[pos] if pos < n else ""
        if c == "{":
            end = _match_brace(s, pos)
            if end < 0:
                raise _unclosed(name, line_of(pos), last)
            parts.append(s[pos + 1:end])
            pos = end + 1
        elif c == '"':
            end = _match_quote(s, pos)
            if end < 0:
                raise _unclosed(name, line_of(pos), last)
            parts.append(s[pos + 1:end])
            pos = end + 1
        else:
            m = _BARE.match(s, pos)
            if not m:
                raise _EntryError(f"field {name!r} (line {line_of(pos)}) has no value", field=name)
            word = m.group()
            parts.append(word if word.isdigit() else macros.expand(word, name, line_of(pos)))
            pos = m.end()
        size += len(parts[-1])
        if size > MAX_FIELD_CHARS:
            raise _EntryError(f"field {name!r} (line {line_of(pos)}) holds more than {MAX_FIELD_CHARS:,} "
                              "characters (its @string macros expanded)", field=name)
        pos = _SPACE.match(s, pos).end()
        if pos < n and s[pos] == "#":
            pos += 1
            continue
        return "".join(parts), pos


def _parse_entry(chunk: str, body: int, closer: str, first_line: int,
                 macros: _Macros, last: bool) -> tuple[str, list[tuple[str, str]], int]:
    """Parse one entry from its opening delimiter; returns (key, [(name, value)], end index)."""

    def line_of(pos: int) -> int:
        return _line_at(chunk, pos, first_line)

    n = len(chunk)
    pos = body
    key = ""
    m = _KEY.match(chunk, pos)
    after = m.end()
    if after < n and chunk[after] == ",":
        key, pos = m.group(1).strip(), after + 1
    elif after < n and chunk[after] == closer and m.group(1).strip():
        return m.group(1).strip(), [], after
    fields: list[tuple[str, str]] = []
    plain = _PLAIN_FIELD.match
    while True:
        fm = plain(chunk, pos)
        if fm:
            name = fm.group(1)
            fields.append((" ".join(name.split()), fm.group(2)))
            pos = fm.end()
            if chunk[pos] == "," or chunk[pos] == closer:
                continue
        pos = _SPACE.match(chunk, pos).end()
        while pos < n and chunk[pos] == ",":
            pos = _SPACE.match(chunk, pos + 1).end()
        if pos >= n:
            if last:
                raise _EntryError(f"record is truncated: the file ends before the entry's closing {closer!r}",
                                  field="entry")
            raise _EntryError(
                f"unbalanced braces: the entry is not closed by {closer!r} before the next entry",
                field="entry", unclosed=True,
            )
        if chunk[pos] == closer:
            return key, fields, pos
        fm = _FIELD_NAME.match(chunk, pos)
        if not fm:
            what = chunk[pos:pos + 20].split("\n")[0]
            raise _EntryError(f"expected a field name at line {line_of(pos)}, found {what!r}",
                              field="field name")
        name = " ".join(fm.group(1).split())
        value, pos = _read_value(chunk, fm.end(), name, line_of, macros, last)
        fields.append((name, value))
        if pos < n and chunk[pos] not in (",", closer):
            what = chunk[pos:pos + 20].split("\n")[0]
            raise _EntryError(
                f"unbalanced braces or a missing comma: after field {name!r} "
                f"(line {line_of(pos)}) comes {what!r}", field=name,
            )


def _starts(text: str) -> list[re.Match[str]]:
    """The lines that start an entry: '@type{key,', or '@string{' / '@comment{' / '@preamble{'."""
    return [m for m in _ENTRY_START.finditer(text)
            if m.group(1).lower() in _NOT_ENTRIES or _KEY_COMMA.match(text, m.end())]


# --------------------------------------------------------------------------------------------
# LaTeX to text
# --------------------------------------------------------------------------------------------

def _has_special(s: str) -> bool:
    """Whether a value holds anything LaTeX decoding changes: \\ { } $ ` ~ or ''. (Seven
    substring tests: each a C scan that stops at the first hit, 15x a regular expression here.)"""
    return "\\" in s or "{" in s or "}" in s or "$" in s or "`" in s or "~" in s or "''" in s


_NEEDS_LATEXENC = re.compile(r"\\(?!textbackslash(?![A-Za-z]))(?:[A-Za-z]|[^&%_#$\\{}\s])|(?<!\\)\$")
_FAST = re.compile(r"\\textbackslash(?:\{\}|\s+|(?![A-Za-z]))|\\\\|\\([&%_#$\\{}\s])|``|''|`|[{}~]")
_FAST_MAP = {"``": '"', "''": '"', "`": "'", "{": "", "}": "", "~": "\u00a0", "\\\\": " "}
_latex_converter: Any = None


def _fast_repl(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return " " if m.group(1).isspace() else m.group(1)
    token = m.group()
    if token.startswith("\\textbackslash"):
        return "\\"
    return _FAST_MAP[token]


def _latex_slow(s: str) -> str:
    global _latex_converter
    if _latex_converter is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _latex_converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
    s = re.sub(r"(?<!\\)(?:``|'')", '"', s)
    s = re.sub(r"(?<!\\)`", "'", s)
    s = re.sub(r"(?<!\\)([%&#])", r"\\\1", s)  # comment / alignment characters in exports
    s = re.sub(r"-(?=-)", "-{}", s)  # keep dashes as written ('--' is no en dash here)
    try:
        return _latex_converter.latex_to_text(s)
    except Exception:  # pylatexenc is lenient; never lose a value over its hiccups
        return _FAST.sub(_fast_repl, s)


def latex_to_text(s: str) -> str:
    """Decode the LaTeX of a BibTeX value to Unicode text (whitespace kept as it is)."""
    if not _has_special(s):
        return s
    if ("\\" in s or "$" in s) and _NEEDS_LATEXENC.search(s):
        return _latex_slow(s)
    return _FAST.sub(_fast_repl, s)


def _verbatim(s: str) -> str:
    """URL-like fields: only the escapes of non-letters undone, braces dropped."""
    if "\\" in s:
        s = re.sub(r"\\([^A-Za-z])", r"\1", s)
    return s.replace("{", "").replace("}", "").strip()


def _text(s: str | None) -> str | None:
    return None if s is None else clean_field(latex_to_text(s))


# --------------------------------------------------------------------------------------------
# Splitting values at top level (outside braces)
# --------------------------------------------------------------------------------------------

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SEMI = re.compile(r";")
_COMMA = re.compile(r",")
_SPACES = re.compile(r"\s+")


def _split_top(s: str, sep: re.Pattern[str]) -> list[str]:
    """Split at `sep` where it is not inside braces."""
    if "{" not in s:
        return sep.split(s)
    parts: list[str] = []
    depth = 0
    start = 0
    pattern = re.compile(r"[{}]|" + sep.pattern, sep.flags)
    for m in pattern.finditer(s):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(s[start:m.start()])
            start = m.end()
    parts.append(s[start:])
    return parts


def _is_braced_whole(s: str) -> bool:
    return s.startswith("{") and s.endswith("}") and _match_brace(s, 0) == len(s) - 1


def _parse_author(raw: str) -> Author | None:
    raw = raw.strip()
    if not raw or raw.lower() == "others":
        return None
    if _is_braced_whole(raw):  # {Organisation Name}: kept whole
        name = clean_field(latex_to_text(raw[1:-1]))
        return Author(family=name) if name else None
    parts = [p.strip() for p in _split_top(raw, _COMMA)]
    if len(parts) == 1:
        tokens = [t for t in _split_top(raw, _SPACES) if t]
        if len(tokens) > 1 and _is_braced_whole(tokens[-1]):
            family = clean_field(latex_to_text(tokens[-1]))
            given = clean_field(latex_to_text(" ".join(tokens[:-1]))) or ""
            return Author(family=family, given=given) if family else None
        return parse_name(latex_to_text(raw))
    family = clean_field(latex_to_text(parts[0])) or ""
    given = clean_field(latex_to_text(parts[-1])) or ""
    if len(parts) > 2:  # 'von Last, Jr, First'
        suffix = clean_field(latex_to_text(", ".join(parts[1:-1])))
        if suffix:
            given = f"{given}, {suffix}" if given else suffix
    if not family:
        return parse_name(given) if given else None
    return Author(family=family, given=given)


# --------------------------------------------------------------------------------------------
# Abstracts
# --------------------------------------------------------------------------------------------

_WOS_WIDTH = 72
# Headings of structured abstracts: a line that ends a sentence followed by one of these
# starts a new paragraph even when the wrapping alone cannot tell.
_HEADING = re.compile(
    r"(?:background|introduction|context|objectives?|aims?|purpose|goals?|design|setting|"
    r"participants|methods?|methodology|materials and methods|design/methodology/approach|"
    r"approach|results?|findings|conclusions?|discussion|interpretation|implications|"
    r"practical implications|research limitations/implications|limitations|social implications|"
    r"originality|originality/value|value|significance|novelty|trial registration|"
    r"\(\d+\) [a-z]+)\s*(?:[:.]|\s-)\s",
    re.IGNORECASE,
)
_PAR = re.compile(r"\n[ \t]*\n\s*|\\par\b\s*")


def _unwrap_wos(raw: str) -> list[str]:
    """WoS hard-wraps at 72 characters (counted on the escaped text) with a 3-space indent.

    A line followed by a word that would have fitted on it ends a real paragraph.
    """
    paragraphs: list[str] = []
    prev = ""
    for line in raw.split("\n"):
        line = line.strip()
        if not line:  # a blank line: a paragraph break for sure
            prev = ""
            continue
        word = line.split(" ", 1)[0]
        if (not prev or len(prev) + 1 + len(word) <= _WOS_WIDTH
                or (prev.endswith((".", "?", "!")) and _HEADING.match(line))):
            paragraphs.append(line)
        else:
            paragraphs[-1] += " " + line
        prev = line
    return paragraphs


def _abstract(raw: str | None, wos: bool) -> str | None:
    if raw is None:
        return None
    paragraphs = _unwrap_wos(raw) if wos and "\n" in raw else _PAR.split(raw)
    text = "\n".join(squash(latex_to_text(p)) for p in paragraphs)
    return clean_abstract(text)


# --------------------------------------------------------------------------------------------
# Entry to Work
# --------------------------------------------------------------------------------------------

_VERBATIM = {"url", "doi", "file", "eprint", "urlraw", "pdf", "howpublished_url"}
# WoS fields whose lines are items, not wrapping.
_LINE_LISTS = {"affiliation", "author-email", "orcid-numbers", "researcherid-numbers",
               "cited-references"}
_WOS_MARKERS = {"unique-id", "web-of-science-categories", "doc-delivery-number"}
_CHAPTER_TYPES = {"incollection", "inbook", "inproceedings", "conference", "bookinbook",
                  "suppbook", "suppcollection"}
_PAGE_DASH = re.compile(r"\s*(?:-{1,3}|[\u2010-\u2015\u2212])\s*")
_SI = re.compile(r"^\s*(?:(.*?)\s*,\s*)?SI\s*$")


class _Fields:
    """The fields of one entry, looked up without regard to case; what is used is ticked off
    (one value at a time: a second 'keywords' field would still go to extra)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs
        self.by_name: dict[str, list[str]] = {}
        self._index: dict[str, list[int]] = {}
        for i, (name, value) in enumerate(pairs):
            low = name.lower()
            self.by_name.setdefault(low, []).append(value)
            self._index.setdefault(low, []).append(i)
        self.used: set[int] = set()

    def get(self, *names: str) -> str | None:
        """The first non-blank value of the first of `names` present (ticked off as used)."""
        for name in names:
            for i in self._index.get(name, ()):
                value = self.pairs[i][1]
                if value.strip():
                    self.used.add(i)
                    return value
        return None

    def keep(self, *names: str) -> None:
        """Leave these fields in extra although they were used (they say more than the model)."""
        for name in names:
            self.used.difference_update(self._index.get(name, ()))

    def has(self, name: str) -> bool:
        return name in self.by_name

    def extra(self, wos: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, (name, value) in enumerate(self.pairs):
            if i in self.used:
                continue
            low = name.lower()
            if low in _VERBATIM:
                text = _verbatim(value)
            elif wos and low in _LINE_LISTS:
                text = "\n".join(filter(None, (squash(latex_to_text(v)) for v in value.split("\n"))))
            else:
                text = squash(latex_to_text(value))
            if name in out:
                prev = out[name]
                out[name] = [*prev, text] if isinstance(prev, list) else [prev, text]
            else:
                out[name] = text
        return out


def _split_list(raw: str) -> list[str]:
    """Keywords: ';'-separated (WoS, Scopus), else ','-separated (BibLaTeX)."""
    sep = _SEMI if ";" in raw else _COMMA
    return [t for t in (clean_field(latex_to_text(p)) for p in _split_top(raw, sep)) if t]


def _references(raw: str) -> list[str]:
    items = raw.split("\n") if "\n" in raw.strip() else _split_top(raw, _SEMI)
    return [t for t in (clean_field(latex_to_text(p)) for p in items) if t]


def _attach_affiliations(authors: list[Author], raw: str) -> None:
    """WoS 'Affiliation': one address a line, 'Family, Given; Family2, Given2, Address.'.

    Lines with no names (older records) belong to every author; the corresponding-author line
    ('Family, I (Corresponding Author), Address.') only serves an author left without one.
    """
    names: list[tuple[str, int]] = []
    for i, a in enumerate(authors):
        forms = {f"{a.family}, {a.given}", f"{a.given} {a.family}", f"{a.family} {a.given}"}
        names += [(form.strip(" ,").lower(), i) for form in forms if a.given] or [(a.family.lower(), i)]
    names.sort(key=lambda item: -len(item[0]))
    found: dict[int, list[str]] = {}
    unnamed: list[str] = []
    corresponding: list[tuple[str, str]] = []
    for line in raw.split("\n"):
        line = squash(latex_to_text(line))
        if not line:
            continue
        if "(Corresponding Author)" in line:
            who_text, _, address = line.partition("(Corresponding Author)")
            corresponding.append((who_text.strip(" ,;"), address.strip(" ,;")))
            continue
        low = line.lower()
        pos = 0
        who: list[int] = []
        address = None
        while True:
            for name, index in names:
                if low.startswith(name, pos) and low[pos + len(name):pos + len(name) + 2] in ("; ", ", "):
                    who.append(index)
                    pos += len(name)
                    break
            else:
                break
            if low.startswith("; ", pos):
                pos += 2
                continue
            address = line[pos + 2:].strip()
            break
        if not who:
            unnamed.append(line)
        for index in who if address else ():
            found.setdefault(index, [])
            if address not in found[index]:
                found[index].append(address)
    if not found and unnamed:
        found = {i: list(unnamed) for i in range(len(authors))}
    for who_text, address in corresponding:
        family = who_text.partition(",")[0].strip().lower()
        same = [i for i, a in enumerate(authors) if a.family.lower() == family]
        if len(same) == 1 and same[0] not in found and address:
            found[same[0]] = [address]
    for index, addresses in found.items():
        authors[index].affiliation = "; ".join(addresses)


def _attach_orcids(authors: list[Author], raw: str) -> None:
    """WoS 'ORCID-Numbers': 'Family, Given/0000-0002-…' one a line (or ';'-separated)."""
    by_name = {f"{a.family}, {a.given}".lower(): a for a in authors}
    by_family: dict[str, list[Author]] = {}
    for a in authors:
        by_family.setdefault(a.family.lower(), []).append(a)
    for item in re.split(r"\n|;", raw):
        item = squash(latex_to_text(item))
        name, _, rest = item.rpartition("/")
        orcid = normalize_orcid(rest)
        if not orcid or not name:
            continue
        author = by_name.get(name.lower())
        if author is None:
            family = name.split(",")[0].strip().lower()
            same = by_family.get(family, [])
            if not same and family:  # WoS 'Antonio Gomez-Ruiz, Jose' vs 'Gomez-Ruiz, Jose Antonio'
                last = family.split()[-1]
                same = [a for a in authors if a.family.lower().split()[-1:] == [last]]
            author = same[0] if len(same) == 1 else None
        if author is not None and not author.orcid:
            author.orcid = orcid


def _pages(raw: str | None) -> str | None:
    text = _text(raw)
    if not text:
        return None
    return _PAGE_DASH.sub("-", text)


def _to_work(entry_type: str, key: str, pairs: list[tuple[str, str]], *, file: str,
             position: str, raw: str) -> Work | Reject:
    f = _Fields(pairs)
    wos = bool(_WOS_MARKERS & f.by_name.keys()) or key.upper().startswith("WOS:")
    etype = entry_type.lower()

    title = _text(f.get("title"))
    if not title:
        return Reject(file, position, "title", "record has no title", raw)

    work = Work(title=title)
    # Identifiers
    wos_id = normalize_wos(f.get("unique-id")) or (
        normalize_wos(key) if key.upper().startswith("WOS:") else None)
    doi_raw = f.get("doi")
    ids = {
        "doi": normalize_doi(_verbatim(doi_raw)) if doi_raw else None,
        "wos": wos_id,
        "pmid": normalize_pmid(_text(f.get("pmid", "pubmed_id", "pubmedid"))),
        "pmcid": normalize_pmcid(_text(f.get("pmcid"))),
    }
    eid_raw = f.by_name.get("eid", [None])[0]
    if eid_raw and normalize_eid(eid_raw):
        ids["eid"] = normalize_eid(f.get("eid"))
    url = (f.by_name.get("url") or [None])[0]
    if url:
        url = _verbatim(url)
        if not ids.get("eid") and "scopus.com" in url:
            ids["eid"] = normalize_eid(url)
        if not ids["doi"] and "doi.org/" in url:
            ids["doi"] = normalize_doi(url)
    work.ids = {k: v for k, v in ids.items() if v}
    work.isbns = split_isbns(_text(f.get("isbn")))

    # Authors
    author_raw = f.get("author")
    if author_raw:
        work.authors = [a for a in (_parse_author(p) for p in _split_top(author_raw, _AND)) if a]
    if not work.authors and (group := f.get("book-group-author", "group-author")):
        work.authors = [Author(family=name) for name in _split_list(group)]  # WoS 'World Bank'
    if work.authors and wos and f.has("affiliation"):
        _attach_affiliations(work.authors, f.by_name["affiliation"][0])
    if work.authors and f.has("orcid-numbers"):
        _attach_orcids(work.authors, f.by_name["orcid-numbers"][0])

    # Year: 'year', else BibLaTeX 'date', else WoS 'EarlyAccessDate' (both kept in extra: they
    # say more than the year)
    work.year = parse_year(_text(f.get("year")))
    for name in ("date", "earlyaccessdate"):
        if work.year is None and f.has(name):
            work.year = parse_year(latex_to_text(f.by_name[name][0]))

    # Venue
    if etype in _CHAPTER_TYPES:
        name = f.get("booktitle", "journal", "journaltitle", "series")
    else:
        name = f.get("journal", "journaltitle", "booktitle", "series")
    issns = split_issns(_text(f.get("issn")))
    eissn = normalize_issn(_text(f.get("eissn", "e-issn")))
    if len(issns) > 1 and not eissn:
        eissn = issns[1]
    publisher = f.get("publisher")
    if publisher is None and etype in {"thesis", "phdthesis", "mastersthesis", "techreport", "report"}:
        publisher = f.get("institution", "school")
    work.venue = Venue(
        name=_text(name),
        issn=issns[0] if issns else None,
        eissn=eissn,
        abbreviation=_text(f.get("journal-iso", "abbrev_source_title", "shortjournal",
                                 "journalabbreviation", "journal-abbreviation")),
        publisher=_text(publisher),
    )

    work.volume = _text(f.get("volume"))
    issue = f.get("number", "issue")
    if issue is not None and wos:
        si = _SI.match(latex_to_text(issue))
        if si:  # WoS 'Number = {2, SI}': issue 2 of a special issue (the txt export's IS + SI)
            f.keep("number")  # the full value stays in extra
            issue = si.group(1) or None
    work.issue = _text(issue)
    work.pages = _pages(f.get("pages"))

    # Type and early access
    label = f.get("type", "document_type")
    f.keep("type", "document_type")  # the label itself stays in extra: 'MRes Thesis' says more
    kind = parse_doc_type(_text(label)) if label else DocType.OTHER
    if kind is DocType.OTHER:
        kind = parse_doc_type(etype)
    work.doc_type = kind
    stage = (_text(f.get("publication_stage")) or "").lower()
    f.keep("publication_stage")  # 'Final' / 'Article in press' stays in extra
    work.early_access = bool(label and "early access" in label.lower()) or "in press" in stage
    work.language = _text(f.get("language")) or _text(f.get("langid"))
    work.abstract = _abstract(f.get("abstract"), wos)

    # Keywords: the authors' first, then the database's
    keywords: list[str] = []
    seen: set[str] = set()
    for name in ("author_keywords", "keywords", "keywords-plus", "index_keywords"):
        value = f.get(name)
        for word in _split_list(value) if value else ():
            if word.lower() not in seen:
                seen.add(word.lower())
                keywords.append(word)
    work.keywords = keywords

    refs = f.get("cited-references", "references")
    work.references = _references(refs) if refs else []

    extra = f.extra(wos)
    extra["@type"] = entry_type
    if key:
        extra["@key"] = key
    work.extra = extra
    work.origin = Origin(file=file, position=position, format=FORMAT, raw=raw)
    return work


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _stray(between: str, first_line: int, file: str) -> Iterator[Reject]:
    """Text between entries is a comment, but an '@type{' line there with no key is an entry
    that cannot be read: say so rather than drop it."""
    for m in _ENTRY_START.finditer(between):
        if m.group(1).lower() in _NOT_ENTRIES:
            continue
        line = _line_at(between, m.start(), first_line)
        end = between.find("\n@", m.end())
        raw = between[m.start():end if end >= 0 else len(between)].rstrip()
        yield Reject(file, f"line {line}", "key",
                     f"not a BibTeX entry: '@{m.group(1)}{m.group(2)}' is not followed by a key "
                     "and a comma", raw)


def _parse_checked(chunk: str, body: int, closer: str, line: int, macros: _Macros,
                   last: bool) -> tuple[str, list[tuple[str, str]], int]:
    key, pairs, end = _parse_entry(chunk, body, closer, line, macros, last)
    trailing = chunk[end + 1:]
    if trailing.strip() and _LOOKS_LIKE_FIELD.match(trailing):
        raise _EntryError(
            f"unbalanced braces: the entry closes at line {_line_at(chunk, end, line)} "
            "but fields follow it (a '}' too many?)", field="entry",
        )
    return key, pairs, end


def read(text: str, *, file: str = "<text>") -> Iterator[Work | Reject]:
    """Yield a Work (or a Reject) for every entry of a BibTeX/BibLaTeX text."""
    starts = _starts(text)
    if not starts:
        if text.strip():
            first = text.strip().splitlines()[0][:60]
            raise FormatError(f"{file}: not BibTeX: no line starts an entry like '@article{{key,' "
                              f"(it starts {first!r})")
        return
    # The text before the first entry is a comment (Scopus: 'Scopus' / 'EXPORT DATE: …').
    yield from _stray(text[:starts[0].start()], 1, file)
    macros = _Macros()
    line, counted, i = 1, 0, 0
    while i < len(starts):
        m = starts[i]
        line += text.count("\n", counted, m.start())
        counted = m.start()
        kind = m.group(1).lower()
        closer = "}" if m.group(2) == "{" else ")"
        body = m.end() - m.start()

        def chunk_to(j: int, m: re.Match[str] = m) -> str:
            return text[m.start():starts[j].start() if j < len(starts) else len(text)]

        j = i + 1
        if kind in ("comment", "preamble"):
            i = j
            continue
        chunk = chunk_to(j)
        try:
            key, pairs, end = _parse_checked(chunk, body, closer, line, macros, j == len(starts))
        except _EntryError as e:
            parsed = None
            # A value holding a line like '@Twitter (e.g., …': read on through it (a few at most).
            error = e
            while error.unclosed and j < len(starts) and j - i < 4:
                j += 1
                try:
                    parsed = _parse_checked(chunk_to(j), body, closer, line, macros, j == len(starts))
                    break
                except _EntryError as again:
                    error = again
            if parsed is None:
                m_key = _KEY.match(chunk, body)
                key = m_key.group(1).strip() if chunk[m_key.end():m_key.end() + 1] == "," else ""
                position = f"line {line}, key {key}" if key else f"line {line}"
                yield Reject(file, position, e.field, str(e), chunk.rstrip())
                i += 1
                continue
            key, pairs, end = parsed
            chunk = chunk_to(j)
        i = j
        if kind == "string":
            for name, value in pairs:
                if len(value) > MAX_MACRO_CHARS:
                    macros.rejected[name.lower()] = line
                    macros.values.pop(name.lower(), None)
                    yield Reject(file, f"line {line}, @string {name}", name,
                                 f"the macro expands to {len(value):,} characters, more than the "
                                 f"{MAX_MACRO_CHARS:,} a @string may hold", chunk[:min(end + 1, 2000)])
                else:
                    macros.rejected.pop(name.lower(), None)
                    macros.values[name.lower()] = value
        else:
            position = f"line {line}, key {key}" if key else f"line {line}"
            yield _to_work(m.group(1), key, pairs, file=file, position=position, raw=chunk[:end + 1])
        if "@" in chunk[end + 1:]:
            yield from _stray(chunk[end + 1:], _line_at(chunk, end, line), file)


# Why not bibtexparser 2.x: on the three WoS Central Asia files (2,791 entries, 7.4 MB) its
# parse_string alone took 1.06 s on the 2-core dev machine, before any LaTeX decoding (its
# latex middleware calls pylatexenc on every value, many times slower still), it turns a
# repeated field (Scopus's two 'funding_details') into a failed block, and it gives no verbatim
# text per entry. This tokenizer reads and maps the same files in well under a second.
