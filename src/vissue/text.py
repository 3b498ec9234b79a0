"""Cleaning the text fields of records: markup, placeholders, copyright lines, names, keys."""

from __future__ import annotations

import html
import re
import unicodedata

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


def smart_title(text: str) -> str:
    """'COMMUNIST AND POST-COMMUNIST STUDIES' -> 'Communist and Post-Communist Studies'.

    Only text with no lower-case letters is changed: a name already in mixed case is kept.
    """
    if not text or any(c.islower() for c in text):
        return text
    words = text.lower().split(" ")
    out = []
    for i, word in enumerate(words):
        if i > 0 and word in _SMALL_WORDS:
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone UTF-16 surrogate ("\\ud800" from JSON, a non-UTF-8 file name):
    such text cannot be encoded, stored or embedded."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")  # C speed; a regular expression search is ten times slower here
    except UnicodeEncodeError:
        return True
    return False


def replace_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
