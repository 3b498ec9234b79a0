"""Key phrases and the search query of an event text.

    find_key_phrases(text, masked)    # ['regional security organization', 'regional arrangements', ...]
    condense_query(text, date_spans)  # 'Kazakhstan rapid spread demonstrations violence country ...'

Both read the same candidates: runs of content words between stopwords, punctuation, names and
dates, verbs trimmed (RAKE-like). Key phrases are scored by the frequency of their word stems;
the query is every content word of the text, in order, each once.
"""

from __future__ import annotations

import re
from collections import Counter

from ..text import fold
from .gazetteer import MONTHS, STOPWORDS, TITLES, inside_spans, word_set

_PHRASE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_DETERMINERS = word_set(
    "a an the its their his her our your my this that these those several many some few more "
    "most other all any each every no both such")
_ED_NOUNS = word_set("need seed speed greed bed red shed creed breed hundred bleed feed "
                     "deed steed weed")
_LY_NOUNS = word_set("family assembly supply ally rally monopoly anomaly italy july "
                     "oligopoly reply")
_ING_ADJECTIVES = word_set("""
rising growing ongoing ruling leading existing emerging increasing declining prevailing
underlying governing neighbouring neighboring remaining ensuing escalating worsening deepening
widening lasting mounting soaring looming continuing forthcoming upcoming outgoing incoming
competing opposing working developing missing long-standing far-reaching
""")
# Words that tell little on their own: kept inside a phrase, but a phrase needs another.
_WEAK = word_set("""
week weeks year years day days month months time times country countries people future end
nature presence question questions effort efforts order way part number case issue issues
thing things neighbors neighbours power challenge authority era soil troops result results
rise concern concerns aspect aspects area areas place places side sides kind type form forms
level levels world state states government governments region regions
possible major broader broad sudden main key important significant large small big whole
entire further current various certain particular member members head heads people
""") | TITLES
_OF = "of"


def _stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w
    return w[:6] if len(w) > 6 else w.rstrip("s")


def _starts_sentence(text: str, offset: int) -> bool:
    """Is the word at `offset` the first of a sentence (so its capital says nothing)?"""
    i = offset - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in '.!?:;"“”'


def _candidates(text: str, masked: list[tuple[int, int]]) -> list[tuple[list[str], int]]:
    """Runs of content words between stopwords, punctuation, names and dates; verbs trimmed."""
    out: list[tuple[list[str], int]] = []
    run: list[str] = []
    start = 0
    prev_kind = "break"  # what came just before the word: break, stop, det, word
    prev_end = 0
    inside = inside_spans(masked)

    def close() -> None:
        nonlocal run
        while run and run[-1].lower() == _OF:
            run.pop()
        if run:
            out.append((run, start))
        run = []

    for m in _PHRASE_WORD.finditer(text):
        w, low = m.group(), m.group().lower()
        gap = text[prev_end:m.start()]
        prev_end = m.end()
        if gap.strip():
            close()
            prev_kind = "break"
        if inside(m.start()) or w[0].isdigit() or low in MONTHS:
            close()
            prev_kind = "break"
            continue
        possessive = low.endswith(("'s", "’s"))
        if low == _OF and run and len(run) < 3:  # "price of gas"
            run.append(w)
            continue
        if low in STOPWORDS or low in _DETERMINERS:
            close()
            prev_kind = "det" if low in _DETERMINERS else "stop"
            continue
        if w[0].isupper() and not _starts_sentence(text, m.start()):
            pass  # a name: "Mohamed", "Beijing", "Italy" are no verbs
        elif (low.endswith("ly") and len(low) > 4 and low not in _LY_NOUNS):
            close()
            prev_kind = "stop"
            continue
        elif low.endswith("ed") and low not in _ED_NOUNS and not (
                not run and prev_kind in ("det", "poss")):
            close()  # a verb: "demonstrators attacked", "removed", "dominated by"
            prev_kind = "stop"
            continue
        elif (low.endswith("ing") and not run and low not in _ING_ADJECTIVES
                and prev_kind != "det"):
            prev_kind = "stop"  # "restoring order", "making concessions"
            continue
        if not run:
            start = m.start()
        run.append(w[:-2] if possessive else w)
        prev_kind = "word"
        if possessive:  # "Niger's presidential guard": the phrase ends at the owner
            close()
            prev_kind = "poss"
    close()
    return out


def find_key_phrases(text: str, masked: list[tuple[int, int]], k: int = 12) -> list[str]:
    """The phrases of the text an editor would underline: repeated ideas, multi-word terms.

    A phrase scores the mean frequency (over the text) of the stems of its telling words,
    plus 0.75 for each telling word after the first (two at most) and 0.5 for being more than
    one word; a phrase with no telling word ("possible end", "two years") goes.
    """
    candidates = _candidates(text, masked)
    freq = Counter(_stem(w) for words, _ in candidates for w in words if w.lower() != _OF)
    scored: dict[str, tuple[float, int, str]] = {}
    for words, start in candidates:
        while len(words) > 1 and (words[0].lower() in _WEAK or words[0].lower() == _OF):
            words = words[1:]  # "nature of regional arrangements" -> "regional arrangements"
        content = [w for w in words if w.lower() != _OF]
        telling = [w for w in content if w.lower() not in _WEAK]
        if not telling or len(content) > 4 or (len(content) == 1 and _infinitive(text, start)):
            continue
        score = sum(freq[_stem(w)] for w in telling) / len(telling) + 0.75 * min(
            len(telling) - 1, 2) + 0.5 * (len(content) > 1)
        phrase = " ".join(words)
        key = phrase.lower()
        if key not in scored or scored[key][0] < score:
            scored[key] = (score, start, scored.get(key, (0, 0, phrase))[2])
    ranked = sorted(scored.values(), key=lambda v: (-v[0], v[1]))
    return [phrase for _, _, phrase in ranked[:k]]


_INFINITIVE_AFTER = re.compile(r"\bto\s+$", re.I)
_OBJECT_NEXT = re.compile(
    r"^\w+\s+(?:the|a|an|its|their|his|her|our|this|these|those|in|on|with|for)\b", re.I)


def _infinitive(text: str, start: int) -> bool:
    """'to quell the protests', 'to assist in': a verb, not a topic."""
    return bool(_INFINITIVE_AFTER.search(text[max(0, start - 4):start])
                and _OBJECT_NEXT.match(text[start:]))


def condense_query(text: str, date_spans: list[tuple[int, int]]) -> str:
    """The text's content words in order, each once; names kept, dates and filler dropped."""
    seen: set[str] = set()
    out = []
    for run, _ in _candidates(text, date_spans):
        for w in run:
            key = fold(w)
            if w.lower() != _OF and key not in seen and key not in _QUERY_FILLER:
                seen.add(key)
                out.append(w)
    return " ".join(out)


_QUERY_FILLER = word_set("week weeks day days month months")
