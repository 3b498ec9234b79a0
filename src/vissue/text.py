"""Cleaning the text fields of records: markup, placeholders, copyright lines, names, keys."""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from importlib import resources

# Tags of HTML, JATS (with or without the jats: prefix), MathML and the like.
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG = re.compile(
    r"</?(?:jats:)?(?:p|sec|title|list-item|list|br|div|li|ul|ol|AbstractText|h\d)\b[^<>]*/?>",
    re.IGNORECASE,
)
_PLACEHOLDERS = {
    "", "na", "n/a", "none", "null", "nan", "-", "--", "no abstract", "no abstract available",
    "[no abstract available]", "abstract not available", "[abstract not available]",
    "no abstract available.", "[no abstract available.]",
}
# Sentences publishers and databases append to abstracts.
_COPYRIGHT = re.compile(
    r"""(?ix)
    (?:^|(?<=[.!?\s]))
    (?:
        (?:\(c\)|©|copyright\s*(?:\(c\)|©)?)\s*(?:\d{4}|the\s+author)[^\n]*$    # (C) 2012 Elsevier Ltd. All rights reserved.
      | copyright\s+of\s+.+?\s+is\s+the\s+property\s+of[^\n]*$                   # EBSCO boilerplate
      | published\s+by\s+elsevier\s+ltd[^\n]*$
      | all\s+rights\s+reserved\.?\s*$
      | ©[^\n©]{1,300}$                                                         # © Springer Nature 2018.
    )
    """
)


_COPYRIGHT_CUES = ("©", "(c)", "copyright", "rights reserved", "published by elsevier")


def strip_markup(text: str) -> str:
    """Remove HTML/JATS tags and decode entities; block tags become line breaks."""
    if "<" in text:
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def squash(text: str) -> str:
    """Collapse runs of whitespace into single spaces."""
    return " ".join(text.split())


def is_placeholder(text: str | None) -> bool:
    """True for the values exports use to say 'nothing here' ('NA', '[No abstract available]')."""
    return text is None or text.strip().lower() in _PLACEHOLDERS


def clean_field(text: str | None) -> str | None:
    """A one-line field: markup stripped, whitespace squashed, placeholders made None."""
    if text is None:
        return None
    text = squash(strip_markup(text))
    return None if is_placeholder(text) else text


def clean_abstract(text: str | None) -> str | None:
    """Plain-text abstract: tags and copyright lines out, paragraphs kept, placeholders None."""
    if text is None or is_placeholder(text):
        return None
    text = strip_markup(text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [squash(p) for p in re.split(r"\n", text)]
    kept = []
    for para in paragraphs:
        lower = para.lower()
        if any(cue in lower for cue in _COPYRIGHT_CUES):
            para = _COPYRIGHT.sub("", para).strip()
        if para:
            kept.append(para)
    result = "\n".join(kept).strip()
    return None if is_placeholder(result) else result


_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for comparing: diacritics and punctuation dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def title_key(title: str | None) -> str:
    """Normalised title for matching records of one work ('Kazakhstan: Oil…' -> 'kazakhstan oil…')."""
    return fold(title or "")


def venue_key(name: str | None) -> str:
    """Normalised venue name: 'COMMUNIST AND POST-COMMUNIST STUDIES' == 'Communist and Post-Communist Studies'."""
    key = fold(name or "")
    return key[4:] if key.startswith("the ") else key


_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "de", "du", "en", "for", "from", "in", "into",
    "la", "le", "of", "on", "or", "the", "to", "und", "with", "vs", "via", "et", "des", "der",
}


@functools.cache
def _acronyms() -> frozenset[str]:
    """The acronyms vissue's gazetteers know ('US', 'CSTO', 'USSR'), as written."""
    words: set[str] = set()
    for name, key in (("places.json", "places"), ("actors.json", "actors")):
        data = json.loads(resources.files("vissue").joinpath("data", name).read_text(encoding="utf-8"))
        words |= {a for e in data[key] for a in e["aliases"] if a.isupper() and " " not in a}
    return frozenset(w for w in words if w.lower() not in _ENGLISH_SHORT)


# Acronyms that are also short English words: in a title in capitals they are the words ("IS").
_ENGLISH_SHORT = frozenset(["is", "it", "as", "am", "be", "do", "no", "so", "we", "he", "me", "my", "or", "an", "in", "on", "at", "to", "up", "of"])


_ROMAN = re.compile(r"[IVXLC]+")


def _keep_capitals(part: str) -> bool:
    """An acronym in a title in capitals: known to the gazetteers, a Roman numeral, no vowels."""
    bare = part.strip("\"'“”‘’()[]:;,.?!")
    return bool(bare) and (bare in _acronyms() or (bool(_ROMAN.fullmatch(bare)) and len(bare) > 1)
                           or (bare.isalpha() and not re.search(r"[AEIOUY]", bare) and len(bare) > 1))


def smart_title(text: str) -> str:
    """'COMMUNIST AND POST-COMMUNIST STUDIES' -> 'Communist and Post-Communist Studies';
    'US POLICY AND CENTRAL ASIA' -> 'US Policy and Central Asia' (acronyms kept).

    Only text with no lower-case letters is changed: a name already in mixed case is kept.
    """
    if not text or any(c.islower() for c in text):
        return text
    out = []
    after_colon = False
    for i, word in enumerate(text.split(" ")):
        parts = []
        for part in word.split("-"):
            if _keep_capitals(part):
                parts.append(part)
            elif i > 0 and not after_colon and part.lower() in _SMALL_WORDS:
                parts.append(part.lower())
            else:
                lower = part.lower()
                at = next((k for k, c in enumerate(lower) if c.isalpha()), 0)
                parts.append(lower[:at] + lower[at:at + 1].upper() + lower[at + 1:])
        out.append("-".join(parts))
        after_colon = word.endswith((":", "?", "!"))
    return " ".join(out)


def name_list(names: list[str]) -> str:
    """How an editorial names authors: 'Öge'; 'Palazuelos and Fernández'; 'Spankulova,
    Karatayev, and Clarke'; four or more 'Somzhurek et al.'."""
    names = [n for n in names if n]
    if len(names) <= 2:
        return " and ".join(names)
    if len(names) == 3:
        return f"{names[0]}, {names[1]}, and {names[2]}"
    return f"{names[0]} et al."


def is_shouting(text: str | None) -> bool:
    """True when a text has letters and none of them is lower case."""
    return bool(text) and any(c.isalpha() for c in text) and not any(c.islower() for c in text)


_PARTICLES = frozenset(["van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "des", "dos", "das", "ter", "ten"])


def particle_name(family: str, given: str) -> tuple[str, str]:
    """A family name that starts with a particle takes back the word an index moved into the
    given names: ('de la Croix', 'Jeanne Feaux') -> ('Feaux de la Croix', 'Jeanne'). Only when
    the given names hold two or more words and the last is a name, not an initial."""
    words = family.split()
    given_words = given.split()
    if (len(words) < 2 or words[0] not in _PARTICLES or len(given_words) < 2
            or not given_words[-1][:1].isupper() or len(given_words[-1].rstrip(".")) < 3
            or given_words[-1].endswith(".")):
        return family, given
    return f"{given_words[-1]} {family}", " ".join(given_words[:-1])


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone UTF-16 surrogate ("\\ud800" from JSON, a non-UTF-8 file name):
    such text cannot be encoded, stored or embedded."""
    return _SURROGATE.search(text) is not None


def replace_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
