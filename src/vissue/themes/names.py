"""Naming a group of works as an editor would: a short noun phrase of the field's own words.

    name_groups(groups, embedder, centroids, field)   # [Name('oil', terms, support), ...]

Candidates are the works' keywords and every shorter phrase inside them ('transnational oil
companies' gives 'oil companies', 'oil' and 'companies'), and the phrases of their titles (one
to three words that neither start nor end on a function word, hold no place name and no
number). A candidate must stand as a noun phrase somewhere in the works: a whole keyword or the
end of one, or in a title or abstract not followed by another content word ('economic' of
'economic growth' never names a theme). A candidate names a theme only when the field uses it:
at least FIELD_MIN works of the library give it as a keyword (``field``); a phrase one author
coined names no theme. Without such a candidate, every candidate may name it.

A candidate is read as a test that tells the group's works from the others: its score is the
harmonic mean (F1) of the share of the group's works that use it (in a title or keywords; in
the abstract only, ABSTRACT_SHARE of a work) and the share of the works using it that are in
the group. A broad phrase that speaks for all the group's works ('regimes') outscores a narrow
one that speaks for one, and a word every theme uses ('politics') names none. The best few are
then read by meaning: each gains MEANING_WEIGHT times its cosine to the group's centroid. The
name is the best phrase, joined by a second ("A and B") only when the works divide between
them: the first speaks for at most DIVIDED of the group, the second shares no word with it,
speaks for works it leaves out, and brings the name nearer the group's centre in meaning. A
one-word name that most of its works say within one phrase becomes that phrase ('norm' -> 'norm
diffusion', `_narrowed`); no two names share a phrase.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..issue import IssueWork
from ..search.semantic import Embedder, unit_rows
from ..text import fold
from .field import FieldVocabulary, field_vocabulary
from .words import GENERIC, WORD, place_words, plural_stems

ABSTRACT_SHARE = 0.5  # a work using the phrase in its abstract only counts half
FIELD_MIN = 3  # works of the library that give a phrase as a keyword, for it to name a theme
PLURAL_SHARE = 0.5  # a lone noun is named in the plural when the works write that this share as often
NARROWED = 2 / 3  # a one-word name becomes a phrase holding it that this share of its works use
DIVIDED = 0.5  # a second phrase joins the name only when the first speaks for at most half the works
SHORTLIST = 10
MEANING_WEIGHT = 1.0  # the shortlist is read by the cosine of each phrase to the group's centre (0.5-2 measured)
_LOOSE = frozenset({"in", "on", "at", "to", "for", "from", "by", "with", "as", "into", "and", "or"})
MAX_WORDS = 5  # a name of two phrases stays this short
_SEGMENT = re.compile(r"[:;,.?!()\[\]\"“”‘’]|\s[-–—]\s")


@dataclass
class Name:
    label: str
    terms: list[str]  # the phrases the label is made of
    support: dict[str, int]  # phrase -> how many of the group's works use it


@dataclass
class _Candidate:
    key: str  # plural-folded words, space-joined
    surface: Counter[str]  # how the works write it
    origin: str
    stands: bool = False  # written as a whole noun phrase somewhere (`_phrases`)


def _phrases(work: IssueWork, places: frozenset[str]) -> list[tuple[str, str, str, bool]]:
    """(key, surface form, origin, stands) of every candidate name in a work; stands: the phrase is
    written here as a whole noun phrase, not only as the modifier of a word after it ('economic'
    of 'economic growth' does not stand; a keyword always does)."""
    found: list[tuple[str, str, str, bool]] = []

    def take(words: list[str], origin: str, stands: bool = True) -> None:
        folded = [fold(w) for w in words]
        if not folded or folded[0] in GENERIC or folded[-1] in GENERIC:
            return
        if any(w in places or w.isdigit() or (len(w) < 3 and w not in GENERIC)
               for token in folded for w in WORD.findall(token)):
            return
        if re.search(r"['’]s$", words[-1]) or (origin != "keyword" and any(w in _LOOSE for w in folded[1:-1])):
            return  # 'the state's', 'conflict in contemporary': not a noun phrase
        found.append((" ".join(plural_stems(" ".join(words))), " ".join(words), origin, stands))

    written = " ".join(t for t in (work.title or "", work.abstract or "") if not t.isupper())  # 'THINKING WITH GENDER'
    acronyms = {w for w in re.findall(r"[\w-]+", written) if w.isupper() and len(w) > 1}  # has none

    proper = _proper_names(work.abstract or "", work.title or "")

    def case(words: list[str]) -> list[str]:  # 'OIL' -> 'oil', 'CSTO' and 'Rogun' stay
        return [w if w in acronyms else proper.get(w.lower(), w.lower()) for w in words]

    for keyword in work.keywords:
        if keyword.isupper():  # indexers' keywords in capitals join words by hyphens: 'ORGANIZED-CRIME'
            keyword = keyword.replace("-", " ")
        words = case(keyword.split())
        if len(words) <= 4:  # 'checks and balances' stays whole: 'balances' is not what it says
            for size in [len(words)] if "and" in words else range(1, len(words) + 1):
                for at in range(len(words) - size + 1):
                    take(words[at: at + size], "keyword", at + size == len(words))  # its head word ends it
    for text, origin, sizes in ((work.title or "", "title", (1, 2, 3)), (work.abstract or "", "abstract", (2, 3))):
        for segment in _SEGMENT.split(text):
            words = case([w for w in re.findall(r"[\w'’-]+", segment) if WORD.search(fold(w))])
            for size in sizes:
                for at in range(len(words) - size + 1):
                    take(words[at: at + size], origin, _ends_phrase(words[at + size:]))
    return found


def _proper_names(text: str, title: str = "") -> dict[str, str]:
    """Words the text always writes with a capital, once at least inside a sentence and standing
    alone ('the Rogun dam', 'the role of Islam'; not 'Road' of 'Belt and Road', nor 'Economic' of
    'Eurasian Economic Union'), and the title never in lower case ('the parliament of ...'):
    lower-case word -> how it is written. None from a text in capitals."""
    if text.isupper():
        return {}
    lower = set(re.findall(r"\b[a-z][\w'’-]*", title))
    forms: dict[str, Counter[str]] = {}
    alone: set[str] = set()
    tokens = list(re.finditer(r"[^\W\d_][\w'’-]*", text))

    def joined(a: re.Match[str], b: re.Match[str]) -> bool:  # only spaces between them
        return not text[a.end():b.start()].strip()

    def capital_beside(i: int, step: int) -> bool:
        j = i + step
        while 0 <= j < len(tokens) and joined(*sorted((tokens[j], tokens[j - step]), key=lambda m: m.start())):
            word = tokens[j].group(0)
            if word.lower() in ("and", "of", "&", "de", "for"):
                j += step
                continue
            return word[0].isupper()
        return False

    for i, match in enumerate(tokens):
        word = match.group(0)
        forms.setdefault(word.lower(), Counter())[word] += 1
        at = match.start() - 1
        while at >= 0 and text[at].isspace():
            at -= 1
        if (at >= 0 and text[at] not in ".?!:;\"“(" and word[0].isupper()
                and not capital_beside(i, -1) and not capital_beside(i, 1)):
            alone.add(word.lower())
    return {key: counts.most_common(1)[0][0] for key, counts in forms.items()
            if key in alone and key not in lower and all(w[0].isupper() and not w.isupper() for w in counts)}


def _stem_text(work: IssueWork, *, abstract: bool = True) -> str:
    fields = [work.title or "", *work.keywords, work.abstract or ""] if abstract else [work.title or "", *work.keywords]
    return " " + " ".join(plural_stems(" ; ".join(fields))) + " "


@dataclass
class _Draft:
    """A group's candidates read by their words, before their meaning is read."""
    candidates: dict[str, _Candidate]
    inside: list[str]  # each of the group's works as stem text
    support: dict[str, int]  # phrase -> the group's works that use it
    score: dict[str, float]  # phrase -> its score by words (module docstring)
    shortlist: list[str]


def name_groups(groups: list[list[IssueWork]], embedder: Embedder, centroids: list[np.ndarray],
                field: FieldVocabulary | None = None) -> list[Name]:
    """Each group's name (module docstring), the other groups' works being what sets it apart.

    centroids: the unit mean of each group's embeddings. field: the library's keywords
    (`library_field(library)`); without it, the keywords of the works given. The
    candidate phrases of all groups are embedded in one batch.
    """
    works = [w for group in groups for w in group]
    if field is None:
        field = field_vocabulary({"keywords": w.keywords} for w in works)
    drafts = [_draft(group, [w for w in works if all(w is not x for x in group)], field) for group in groups]
    surfaces = sorted({_surface(d.candidates[k]) for d in drafts if d for k in d.shortlist})
    vectors = unit_rows(np.asarray(embedder.embed(surfaces), dtype=np.float32)) if surfaces else None
    row = {s: i for i, s in enumerate(surfaces)}
    names = []
    nouns = _noun_counts(works)
    used: set[str] = set()  # phrases an earlier theme's name holds: no two names share one
    for group, draft, centroid in zip(groups, drafts, centroids, strict=True):
        if draft is None:
            names.append(Name(group[0].title or "untitled", [], {}))
            continue
        meaning = vectors[[row[_surface(draft.candidates[k])] for k in draft.shortlist]] @ np.asarray(
            centroid, dtype=np.float32)
        value = {k: draft.score[k] + MEANING_WEIGHT * float(m) for k, m in zip(draft.shortlist, meaning, strict=True)}
        order = sorted(draft.shortlist, key=lambda k: (-value[k], k))
        names.append(_name(draft, [k for k in order if not _within(k, used)] or order, len(group), used, nouns))
    return _joined_only_where_meant(names, centroids, embedder)


def _joined_only_where_meant(names: list[Name], centroids: list[np.ndarray], embedder: Embedder) -> list[Name]:
    """'A and B' stays only where it is nearer the group's centre in meaning than A alone: the
    second phrase must say something of the works ('migrant remittances and transformation' is
    'migrant remittances')."""
    joined = [i for i, name in enumerate(names) if len(name.terms) == 2]
    if not joined:
        return names
    texts = [t for i in joined for t in (names[i].label, names[i].terms[0])]
    vectors = unit_rows(np.asarray(embedder.embed(texts), dtype=np.float32))
    for n, i in enumerate(joined):
        centre = np.asarray(centroids[i], dtype=np.float32)
        if float(vectors[2 * n] @ centre) < float(vectors[2 * n + 1] @ centre):
            first = names[i].terms[0]
            names[i] = Name(first, [first], {first: names[i].support[first]})
    return names


def _draft(group: list[IssueWork], others: list[IssueWork], field: FieldVocabulary) -> _Draft | None:
    places = place_words()
    candidates: dict[str, _Candidate] = {}
    rank = {"keyword": 0, "title": 1, "abstract": 2}
    for work in group:
        for key, surface, origin, stands in _phrases(work, places):
            if not key:
                continue
            entry = candidates.setdefault(key, _Candidate(key, Counter(), origin))
            entry.surface[surface] += 1
            entry.stands = entry.stands or stands
            if rank[origin] < rank[entry.origin]:
                entry.origin = origin
    # a keyword joined by 'and' is one name ('belt and road initiative', 'checks and balances'):
    # a piece of it no work gives as a keyword ('road initiative', from a title) names nothing
    joined = {k for k, c in candidates.items() if c.origin == "keyword" and " and " in f" {k} "}
    for key in [k for k, c in candidates.items() if c.origin != "keyword"]:
        if any(f" {key} " in f" {whole} " for whole in joined):
            del candidates[key]
    if not candidates:
        return None
    inside = [_stem_text(w) for w in group]
    headline = [_stem_text(w, abstract=False) for w in group]
    outside = [_stem_text(w) for w in others]
    support = {k: sum(f" {k} " in t for t in inside) for k in candidates}
    spread = {k: sum(f" {k} " in t for t in outside) for k in candidates}
    named = {k: sum(f" {k} " in t for t in headline) for k in candidates}
    score = {}
    for key in candidates:
        # a phrase in a title or keywords speaks for a work more than one in its abstract
        used = named[key] + ABSTRACT_SHARE * (support[key] - named[key])
        share, precision = used / len(group), used / (used + spread[key]) if used else 0.0
        score[key] = 2 * share * precision / (share + precision) if used else 0.0
    needed = min(2, len(group))
    pool = [k for k in candidates if candidates[k].stands
            and (support[k] >= needed or (named[k] and candidates[k].origin != "abstract"))]
    known = [k for k in pool if field.uses(k) >= FIELD_MIN]
    ranked = sorted(known or pool, key=lambda k: (-score[k], k))
    return _Draft(candidates, inside, support, score, _distinct(ranked)[:SHORTLIST])


def _name(draft: _Draft, order: list[str], size: int, used: set[str], nouns: Counter[str]) -> Name:
    """The best phrase; 'A and B' when the works divide between it and a second one. used: the
    phrases of the names before; this name's are added."""
    first = order[0]
    covered = {i for i, t in enumerate(draft.inside) if f" {first} " in t}
    first = _narrowed(draft, first, used)  # the works it speaks for stay the word's
    terms = [first]
    for key in order[1:]:
        if len(covered) > DIVIDED * size:
            break  # the first phrase speaks for the group: no 'A and B'
        if key in used or set(key.split()) & set(first.split()):
            continue
        if len(first.split()) + len(key.split()) > MAX_WORDS or "and" in first.split() + key.split():
            continue  # short, and never 'A and B and C'
        if {i for i, t in enumerate(draft.inside) if f" {key} " in t} - covered or size == 1:
            terms.append(key)
            break
    used.update(terms)
    words = [_named(draft.candidates[k], nouns) for k in terms]
    label = words[0] if len(words) == 1 else f"{words[0]} and {words[1]}"
    return Name(label, words, {w: draft.support[k] for w, k in zip(words, terms, strict=True)})


def _narrowed(draft: _Draft, key: str, used: set[str]) -> str:
    """A one-word name made the phrase the works say it in, when most of its works say the same
    ('norm' -> 'norm diffusion', 'Rogun' -> 'Rogun dam'): a keyword or title phrase holding the word
    that at least NARROWED of the word's works, and two at least, use."""
    if len(key.split()) > 1:
        return key
    need = max(2.0, NARROWED * draft.support[key])
    longer = [k for k in draft.candidates if key in k.split() and len(k.split()) > 1 and k not in used
              and draft.candidates[k].origin != "abstract" and draft.support[k] >= need]
    return max(longer, key=lambda k: (draft.support[k], draft.score[k], k)) if longer else key


def _within(key: str, used: Iterable[str]) -> bool:
    """Whether a phrase is one an earlier name holds, or holds one ('belt and road' and 'belt and
    road initiative' share a phrase)."""
    return any(f" {key} " in f" {u} " or f" {u} " in f" {key} " for u in used)


def _distinct(keys: list[str]) -> list[str]:
    """Drop a phrase that sits inside a better-ranked one ('party' after 'party system')."""
    kept: list[str] = []
    for key in keys:
        if not _within(key, kept):
            kept.append(key)
    return kept


def _surface(candidate: _Candidate) -> str:
    return max(sorted(candidate.surface), key=lambda s: candidate.surface[s])


def _noun_counts(works: list[IssueWork]) -> Counter[str]:
    """How often the works write each word (lower case) where it stands as a noun, not before
    another word ('road' of 'a new road to', not of 'Belt and Road Initiative')."""
    counts: Counter[str] = Counter()
    for work in works:
        for text in (work.title or "", *work.keywords, work.abstract or ""):
            for segment in _SEGMENT.split(text):
                words = [w.lower() for w in re.findall(r"[\w'’-]+", segment)]
                counts.update(w for at, w in enumerate(words) if _ends_phrase(words[at + 1:]))
    return counts


def _ends_phrase(following: list[str]) -> bool:
    """Whether a phrase stands as a noun phrase before the words that follow it in its segment:
    the segment ends there or a function word follows, not another content word ('economic
    growth'); before 'and'/'or', only when what is joined to it is one word ('oil and gas'), not
    a phrase whose head it shares ('economic and security implications')."""
    if not following:
        return True
    nxt = fold(following[0])
    if nxt in ("and", "or"):
        joined = [fold(w) for w in following[1:]]
        content = 0
        for word in joined:
            if word in GENERIC or word in _LOOSE:
                break
            content += 1
        return content <= 1
    return nxt in GENERIC or nxt in _LOOSE


def _named(candidate: _Candidate, words: Counter[str]) -> str:
    """How a name writes the phrase: as the works most often do, but a lone noun in the plural when
    the issue's works write it so at least PLURAL_SHARE as often as alone (`_noun_counts`): a
    noun they count ('roads', not 'road': "Three articles shed light on roads"); 'water' and
    'power' stay ('powers' is another word)."""
    written = _surface(candidate)
    plural = f"{written.lower()}s"
    countable = words[plural] >= max(1.0, PLURAL_SHARE * words[written.lower()])
    return written + "s" if " " not in written and countable else written


__all__ = ["Name", "name_groups"]
