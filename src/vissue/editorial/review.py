"""What an editor would strike out of an editorial, sentence by sentence.

    findings = review(issue)      # [Finding(kind=Defect.DANGLING, sentence="s9", ...)]
    dangling("Vanderhill explores these methods …")    # 'these methods'

A gist is read alone, without its abstract: a reference whose antecedent stayed behind
("these methods", "data presented here", "its Ministry"), the writer's own voice ("we", "our"),
reporting nested in reporting ("report that the findings showed that"), a connective left over
from the abstract ("moreover", "also"), a gist longer than the style allows. The framing is read
against the data: a journal named that not every work is from, a place the brief does not name.
The composer uses the same tests to choose and rewrite its sentences, and `vissue check` fails on
every finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..issue import IssueWork, Sentence, VirtualIssue
from ..text import fold, name_list, venue_key
from .sentences import STOPWORDS, stem, word_tokens


class Defect(StrEnum):
    DANGLING = "dangling reference"
    FIRST_PERSON = "first person"
    NESTED_REPORTING = "nested reporting"
    CONNECTIVE = "leftover connective"
    FALSE_FRAMING = "false framing"
    STRANGER = "named person not in the selection"
    LONG_GIST = "over-long gist"


@dataclass(frozen=True)
class Finding:
    kind: Defect
    sentence: str  # the sentence's id ('s7'), or 'title'
    text: str  # the words at fault
    detail: str = ""

    def __str__(self) -> str:
        more = f": {self.detail}" if self.detail else ""
        return f"{self.sentence}: {self.kind} “{self.text}”{more}"

    def to_dict(self) -> dict[str, str]:
        return {"kind": str(self.kind), "sentence": self.sentence, "text": self.text,
                "detail": self.detail, "message": str(self)}


# ---- references that point outside the sentence --------------------------------------------

_SELF = frozenset(["article", "paper", "study", "essay", "work", "chapter", "book", "analysis", "research", "volume", "issue", "contribution"])
_DEMONSTRATIVE = re.compile(r"\b(these|those|this|such|said|both)\s+(?:[a-z]+(?:-[a-z]+)?\s+){0,2}?([a-z]+(?:-[a-z]+)*)\b",
                            re.IGNORECASE)
_HERE = re.compile(r"\b(?:here(?:in)?|aforementioned|above-mentioned|the (?:former|latter)|hereafter|doing so|"
                   r"to the contrary|on the contrary)\b",
                   re.IGNORECASE)
_PRONOUN = frozenset(["it", "its", "he", "she", "his", "him", "her", "they", "them"])
_NOT_NOUNS = frozenset(["as", "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "may", "might", "should", "must", "does", "did", "that", "which", "who"])


_PLACES_NOUN = re.compile(r"\b(?:countries|states|nations|republics|cities|regions)\b")


def dangling(text: str) -> str | None:
    """The words of a sentence that refer to something outside it, else None: a demonstrative
    whose noun the sentence has not named before ('these methods', 'said revision', 'both key
    issues'), a pointer at the writer's page ('presented here', 'the former'), a pronoun before any noun could be its antecedent."""
    m = _HERE.search(text)
    if m:
        return m.group()
    for m in _DEMONSTRATIVE.finditer(text):
        word, noun = m.group(1).lower(), m.group(2).lower()
        if word == "such" and noun in ("as", "that"):
            continue
        words = m.group()
        if word == "both":  # 'both key issues' points back; 'both Russia and China', 'both of' do not
            after = text[m.start() + 4:]
            plural = re.match(r"\s+(?:[a-z]+(?:-[a-z]+)?\s+){0,2}?[a-z]+s\b", after)
            if (not plural or re.match(r"\s+of\b", after) or re.search(r"\s(?:and|or)\s", plural.group())
                    or re.match(r"\s+(?:and|or)\b", after[plural.end():])):  # 'both X and Y', 'both of'
                continue
            words = "both" + plural.group()
            if _PLACES_NOUN.search(words) and len(set(_places_named(text[:m.start()]))) >= 2:
                continue  # 'Pakistan and Tajikistan …: in both countries' names them
        elif noun in _SELF:
            continue
        elif noun in _NOT_NOUNS:  # 'this is …': a pronoun, pointing back
            return words
        before = {stem(w) for w, _, _ in word_tokens(text[:m.start()])}
        if not any(stem(w) in before for w, _, _ in word_tokens(words)[1:]):
            return words
    return None


def dangling_pronoun(body: str) -> str | None:
    """A pronoun that opens a gist's claim before any noun: 'that its Ministry …'."""
    for word, start, end in word_tokens(body):
        if word in _PRONOUN:
            return body[start:end]
        if word not in STOPWORDS:
            return None
    return None


# ---- the writer's voice, nesting, leftovers ----------------------------------------------------

_FIRST = re.compile(r"\b(?:[Ww]e|[Oo]urs?|[Oo]urselves|us|[Mm]y|me)\b")  # 'US' is a country
_I = re.compile(r"(?<!War )(?<!Phase )(?<!Part )(?<!Type )(?<!Wave )\bI\b(?= [a-z])")
_REPORT = (r"(?:argu|contend|find|found|show|demonstrat|conclud|report|not|observ|suggest|indicat|reveal|"
           r"confirm|establish|claim|stat|maintain|highlight|emphasi[sz])\w*")
_NESTED = re.compile(rf"\b{_REPORT}\s+that\b(?:\s+\S+){{0,14}}?\s+{_REPORT}\s+that\b", re.IGNORECASE)
CONNECTIVES = ("moreover", "furthermore", "however", "in addition", "additionally", "also", "thus",
               "therefore", "hence", "nevertheless", "nonetheless", "finally", "firstly", "first",
               "secondly", "second", "thirdly", "third", "in other words", "in this regard",
               "as a result", "consequently", "in so doing", "by doing so", "in turn", "in sum",
               "overall", "to this end", "instead", "specifically", "importantly", "yet", "then",
               "likewise", "similarly", "accordingly", "meanwhile", "besides", "still", "again",
               "further", "lastly", "in particular", "in contrast", "on the other hand", "put differently",
               "put simply", "simply put", "stated differently", "in short")
_CONNECTIVE = re.compile(r"^(?:" + "|".join(re.escape(c) for c in CONNECTIVES) + r")\b,?", re.IGNORECASE)
_INNER_CONNECTIVE = re.compile(r",\s(?:moreover|furthermore|however|in addition|additionally|"
                               r"therefore|nevertheless|nonetheless|in turn|likewise|similarly),", re.IGNORECASE)


def first_person(text: str) -> str | None:
    m = _FIRST.search(text) or _I.search(text)
    return m.group() if m else None


def nested_reporting(text: str) -> str | None:
    m = _NESTED.search(text)
    return m.group() if m else None


def leftover_connective(gist: str, head_end: int) -> str | None:
    """A connective that opens the claim ('that moreover, …'), follows the authors ('Chutia also
    examines'), or sits inside commas after the opening clause (', moreover,')."""
    m = _INNER_CONNECTIVE.search(gist)
    if m:
        return m.group().strip(", ")
    rest = gist[head_end:].lstrip()
    after = re.match(r"(?:(?:also|further|then|thus|therefore|additionally|moreover|finally|first|"
                     r"again|likewise|similarly)\s)", rest, re.IGNORECASE)
    if after:
        return after.group().strip()
    body = re.sub(r"^\S+\s+that\s+", "", rest) if re.match(r"^\S+\s+that\s", rest) else None
    if body is not None:
        m = _CONNECTIVE.match(body)
        if m:
            return m.group().rstrip(",")
    return None


# ---- a gist and its parts ----------------------------------------------------------------------

def authors_named(work: IssueWork) -> str:
    from .compose import name_authors

    return name_authors(work.authors)


def head_span(text: str, works: list[IssueWork]) -> tuple[int, int]:
    """Where the authors of a sentence's works are named: (start, end) of that run, else (0, 0)."""
    names = [authors_named(w) for w in works]
    names = [n for n in names if n]
    if not names:
        return 0, 0
    starts = [(text.find(n), n) for n in names if text.find(n) >= 0]
    if not starts:
        return 0, 0
    start = min(s for s, _ in starts)
    end = max(s + len(n) for s, n in starts)
    return start, end


def gist_text(sentence: Sentence, works: dict[int, IssueWork] | None = None) -> str:
    """A theme sentence from its works' authors on (its opening clause left out)."""
    if works is None or not sentence.works:
        return sentence.text
    start, _ = head_span(sentence.text, [works[i] for i in sentence.works if i in works])
    return sentence.text[start:]


_QUOTED = re.compile(r"“[^”]*”")


def gist_findings(text: str, head_end: int, *, max_words: int) -> list[tuple[Defect, str]]:
    """The defects of one gist (text from the authors on; `head_end` where their names end).
    A quoted title is the work's own name: it is not read for references or voice."""
    found: list[tuple[Defect, str]] = []
    text = text[:head_end] + _QUOTED.sub("“…”", text[head_end:])
    body_match = re.match(r"\s*\S+(?:\s+out\s+to\s+\S+)?\s+(?:that\s+)?", text[head_end:])
    body = text[head_end + (body_match.end() if body_match else 0):]
    ref = dangling(text[head_end:]) or dangling_pronoun(body)
    if ref:
        found.append((Defect.DANGLING, ref))
    me = first_person(text[head_end:])
    if me:
        found.append((Defect.FIRST_PERSON, me))
    nest = nested_reporting(text)
    if nest:
        found.append((Defect.NESTED_REPORTING, nest))
    left = leftover_connective(text, head_end)
    if left:
        found.append((Defect.CONNECTIVE, left))
    words = len(text.split())
    if words > max_words:
        found.append((Defect.LONG_GIST, f"{words} words", ))
    return found


# ---- framing -----------------------------------------------------------------------------------

def _places_named(text: str, journals: list[str] = ()) -> list[str]:
    """The gazetteer's places a text names, journal names ('Journal of Asian Studies') masked."""
    from ..brief.gazetteer import place_gazetteer

    for name in sorted(journals, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    gaz = place_gazetteer()
    return [gaz.entries[ids[0]]["name"] for _, _, ids in gaz.scan(text)]


def _brief_places(brief: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for p in brief.get("places") or []:
        if isinstance(p, dict):
            names |= {fold(str(x)) for x in [p.get("name"), *(p.get("aliases") or []), *(p.get("matched") or [])] if x}
    return names


def _masked(text: str, phrases: list[str]) -> str:
    for phrase in phrases:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " … ", text, flags=re.IGNORECASE)
    return text


def framing_findings(issue: VirtualIssue) -> list[Finding]:
    """A journal named that not every work is from; a place the brief does not name."""
    out: list[Finding] = []
    venues = {venue_key(w.venue) for w in issue.works}
    journals = {venue_key(issue.journal.name)} if issue.journal.name else set()
    journals |= {venue_key(w.venue) for w in issue.works if w.venue}
    allowed = _brief_places(issue.brief)
    texts = [("title", issue.title)] + [(s.id, s.text) for s in issue.sentences
                                         if s.part == "framing" and not s.edited]
    # the themes' names are the works' own words, not the framing's claim about them
    labels = sorted((t.label for t in issue.themes if t.label), key=len, reverse=True)
    texts = [(where, _masked(text, labels)) for where, text in texts]
    names = [n for n in {issue.journal.name, *(w.venue for w in issue.works)} if n]
    named = {where: {fold(p) for p in _places_named(text, names)} for where, text in texts}
    framing = set().union(*(v for k, v in named.items() if k != "title"))
    if named["title"] and framing and not named["title"] & framing:
        out.append(Finding(Defect.FALSE_FRAMING, "title", issue.title,
                           "the title and the framing name different places"))
    for where, text in texts:
        folded = fold(text)
        for key in sorted(journals, key=len, reverse=True):
            if key and len(key) > 8 and f" {key} " in f" {folded} " and venues != {key}:
                out.append(Finding(Defect.FALSE_FRAMING, where, key,
                                   f"names a journal, but the works come from {len(venues)} venue(s)"))
                break
        for place in _places_named(text, names):
            if fold(place) not in allowed:
                out.append(Finding(Defect.FALSE_FRAMING, where, place, "names a place the brief does not"))
    return out


# ---- the whole editorial -----------------------------------------------------------------------

def _surnames(issue: VirtualIssue) -> dict[str, set[int]]:
    from .compose import family_name

    out: dict[str, set[int]] = {}
    for w in issue.works:
        for a in w.authors:
            if a.family.strip():
                out.setdefault(fold(family_name(a)), set()).add(w.id)
    return out


def review(issue: VirtualIssue, *, max_words: int | None = None) -> list[Finding]:
    """Every defect an editor would fix, in the order of the editorial (edited sentences are the
    editor's: only the framing's truth and the names are read in them)."""
    from .style import style_from_dict

    limit = max_words or style_from_dict(issue.parameters.get("style")).max_gist_words
    works = {w.id: w for w in issue.works}
    surnames = _surnames(issue)
    out = framing_findings(issue)
    for s in issue.sentences:
        if s.part not in ("theme", "framing") or s.edited:
            continue
        if s.part == "theme" and s.works:
            mine = [works[i] for i in s.works if i in works]
            start, end = head_span(s.text, mine)
            text = s.text[start:]
            titled = bool(s.sources) and all(x.index == -1 for x in s.sources)
            for kind, words in gist_findings(text, end - start, max_words=limit):
                if titled and kind in (Defect.DANGLING, Defect.FIRST_PERSON):
                    continue  # a title stands alone by design
                out.append(Finding(kind, s.id, words))
            opening = s.text[:start]
            m = _INNER_CONNECTIVE.search(opening) or re.search(
                r",\s(?:moreover|furthermore|however|also|in addition|additionally|thus|therefore),",
                opening, re.IGNORECASE)
            if m:
                out.append(Finding(Defect.CONNECTIVE, s.id, m.group().strip(", ")))
        else:
            ref = dangling(s.text) if s.part == "theme" else None
            if ref:
                out.append(Finding(Defect.DANGLING, s.id, ref))
            me = first_person(s.text)
            if me:
                out.append(Finding(Defect.FIRST_PERSON, s.id, me))
            # a lead-in or the framing names no one: an author named here is not introduced here
            for word, a, b in word_tokens(s.text):
                if s.text[a:a + 1].isupper() and word in surnames and word not in STOPWORDS:
                    out.append(Finding(Defect.STRANGER, s.id, s.text[a:b],
                                       "an author named outside the sentence introducing their work"))
    return out


def describe(findings: list[Finding]) -> list[str]:
    return [str(f) for f in findings]


__all__ = ["Defect", "Finding", "dangling", "first_person", "gist_text", "name_list", "nested_reporting",
           "review"]
