"""The editorial: sentences about the event and the works, each tied to what it came from.

    sentences = compose(title=..., brief=brief, journal=profile, themes=themes, works=works)

The editorial follows the reference virtual issue (DESIGN.md): the event in two to five of the
editor's own sentences; one framing sentence naming the collection, the journal and the themes;
a paragraph per theme introducing each work by its authors ("Öge", "Palazuelos and Fernández",
"Spankulova, Karatayev, and Clarke", "Somzhurek et al.") with what it shows, in the abstract's
own words (its claim or finding sentence, the subject turned into the authors); the journal's
scope statement. Nothing is invented: every word of a gist beyond the authors and a reporting
verb comes from the abstract sentence recorded in `sources`, and `verify.check` verifies it.

Splitting sentences, choosing a work's gist and retelling it about its authors are in
``sentences``; this module puts the editorial together.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from ..brief.event import ActorKind, EventBrief, Place
from ..errors import InputError
from ..issue import IssueAuthor, IssueWork, JournalProfile, Sentence, SourceSentence, Theme
from ..text import fold, is_shouting, name_list, particle_name, smart_title, venue_key
from .gist import write_gist
from .sentences import (
    STOPWORDS,
    content_words,
    lower_first,
    split_sentences,
    stem,
    word_tokens,
)
from .style import Style, load_style

# ---- authors -----------------------------------------------------------------------------------

def family_name(author: IssueAuthor) -> str:
    """The family name as written, unless written in capitals: 'O'NEILL' -> 'O'Neill'; with the
    word an index cut off before its particle: 'Feaux de la Croix'."""
    family = particle_name(author.family.strip(), author.given)[0]
    if not is_shouting(family) or len(family) < 2:
        return family
    return re.sub(r"[^\W\d_]+", lambda m: m.group()[0] + m.group()[1:].lower(), family)


def name_authors(authors: list[IssueAuthor]) -> str:
    """'Öge'; 'Palazuelos and Fernández'; 'Spankulova, Karatayev, and Clarke'; 'Somzhurek et al.'"""
    return name_list([family_name(a) for a in authors if a.family.strip()])


def name_work(work: IssueWork) -> tuple[str, bool]:
    """How the editorial names a work, and whether that subject is plural."""
    named = name_authors(work.authors)
    if named:
        return named, len([a for a in work.authors if a.family.strip()]) > 1
    return f"“{work.title or 'an untitled work'}”", False



# ---- the editorial -----------------------------------------------------------------------------

_RESPONSE = re.compile(r"\b(?:respond\w*|response|repress\w*|crack\w*|dismiss\w*|resign\w*|invit\w*|"
                       r"deploy\w*|concession\w*|emergency|curfew|arrest\w*|sanction\w*|troops|"
                       r"declared|imposed|ordered)\b", re.IGNORECASE)
_STAKES = re.compile(r"\b(?:question\w*|concern\w*|future|implication\w*|raising|renewed|threat\w*|"
                     r"fragil\w*|uncertain\w*|consequence\w*|possible)\b", re.IGNORECASE)


def condense_event(brief: EventBrief) -> list[str]:
    """Two to five of the event text's sentences, verbatim, in order: what happened, the
    response, why it matters (greedy cover of its places, actors, dates and key phrases).

    A kept sentence that names a person only by a shorter form ("Tokayev") than the one the
    text first names them by ("President Kassym-Jomart Tokayev"), or that refers back ("When
    these efforts failed", "They then …"), comes with the sentence it depends on: that takes
    the place of the least informative other sentence, or, when no other can give way, the
    dependent sentence is left out.
    """
    sentences = split_sentences(brief.text)
    n = len(sentences)
    if n <= 3:
        return sentences
    keep = min(5, max(3, math.ceil(n * 3 / 4)))
    facets: list[set[str]] = []
    for s in sentences:
        found = {f"place:{p.name}" for p in brief.places for a in p.matched if a in s}
        found |= {f"actor:{a.name}" for a in brief.actors for x in a.matched if x in s}
        if brief.period:
            found |= {f"date:{x}" for x in brief.period.matched if x in s}
        found |= {f"phrase:{k}" for k in brief.key_phrases if k.lower() in s.lower()}
        found |= {"response"} if _RESPONSE.search(s) else set()
        found |= {"stakes"} if _STAKES.search(s) else set()
        facets.append(found)
    chosen = [0]
    covered = set(facets[0])
    while len(chosen) < keep:
        gains = [(len(facets[i] - covered), len(facets[i]), -i) for i in range(n) if i not in chosen]
        best_gain, _, best = max(gains)
        if best_gain == 0:
            break
        chosen.append(-best)
        covered |= facets[-best]
    needs = _introductions(brief, sentences)
    for i, sentence in enumerate(sentences[1:], start=1):
        if refers_back(sentence):
            needs.setdefault(i, set()).add(i - 1)
    kept = _introduce_people(set(chosen), needs, facets, keep)
    return [sentences[i] for i in sorted(kept)]


_BACK = re.compile(r"^(?:[A-Z]\w*\s+){0,3}?(?:it|its|they|their|them|he|his|she|her|this|these|those|such|"
                   r"the former|the latter|there)\b", re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    """Whether a sentence leans on the one before: a demonstrative whose noun it has not named
    ('When these efforts failed'), a pronoun in its opening words ('They then …')."""
    from .review import dangling

    return bool(dangling(sentence)) or bool(_BACK.match(sentence))


def _introductions(brief: EventBrief, sentences: list[str]) -> dict[int, set[int]]:
    """For each sentence, the earlier sentences that first name in full a person it names only
    by a shorter form ('Tokayev' after 'President Kassym-Jomart Tokayev')."""
    needs: dict[int, set[int]] = {}
    for person in brief.actors:
        if person.kind != ActorKind.PERSON:
            continue
        forms = sorted({*person.matched, *person.aliases, person.name} - {""}, key=len, reverse=True)
        patterns = [(form, re.compile(rf"(?<!\w){re.escape(form)}(?!\w)")) for form in forms]
        first: tuple[int, str] | None = None  # the sentence naming them first, and how
        for i, sentence in enumerate(sentences):
            hits = [(m.start(), -len(form), form) for form, pattern in patterns
                    for m in pattern.finditer(sentence)]
            if not hits:
                continue
            if first is None:
                first = (i, min(hits)[2])
            elif all(len(form) < len(first[1]) for _, _, form in hits):
                needs.setdefault(i, set()).add(first[0])
    return needs


def _introduce_people(chosen: set[int], needs: dict[int, set[int]], facets: list[set[str]],
                      keep: int) -> set[int]:
    """The chosen sentences, each with the sentences that introduce the people it names, at most
    `keep` of them: an introduction replaces the least informative other chosen sentence (the
    first sentence and introductions stay), or else the sentence that needs it goes; freed
    places are filled again, greedily, by sentences that need nothing missing."""
    chosen = set(chosen)
    dropped: set[int] = set()

    def unique(c: int, among: set[int]) -> int:
        others = set().union(*(facets[k] for k in among if k != c))
        return len(facets[c] - others)

    while True:
        unmet = [(i, j) for i in sorted(chosen) for j in sorted(needs.get(i, ())) if j not in chosen]
        if not unmet:
            break
        i, j = unmet[0]
        if j not in dropped:
            if len(chosen) < keep:
                chosen.add(j)
                continue
            protected = {0, i, *(k for c in chosen for k in needs.get(c, ()))}
            after = chosen | {j}
            candidates = [c for c in chosen if c not in protected]
            if candidates:
                worst = min(candidates, key=lambda c: (unique(c, after), len(facets[c]), -c))
                chosen.remove(worst)
                dropped.add(worst)
                chosen.add(j)
                continue
        chosen.remove(i)
        dropped.add(i)
    covered = set().union(*(facets[k] for k in chosen))
    while len(chosen) < keep:
        gains = [(len(facets[i] - covered), len(facets[i]), -i) for i in range(len(facets))
                 if i not in chosen and i not in dropped and needs.get(i, set()) <= chosen]
        if not gains or max(gains)[0] == 0:
            break
        best = -max(gains)[2]
        chosen.add(best)
        covered |= facets[best]
    return chosen


def subject_places(brief: EventBrief, works: list[IssueWork] | None = None) -> list[str]:
    """What the issue is about, as the event names it. The places its first sentence names by
    name (a demonym, as in "Chinese investment", says who acts, not where); else a proper name
    that sentence opens with among the key phrases ("the Aral Sea"); else the places named by
    name anywhere in the event, else every place of the brief. Of those: the countries the event
    and the works speak of at least two thirds as often as the most spoken of (up to three, in
    the brief's order), else the first region, else the first place."""
    sentences = split_sentences(brief.text)
    lede = sentences[0] if sentences else brief.text
    named = [p for p in brief.places if _named(p, brief.text)]
    in_lede = [p for p in named if _named(p, lede)]
    if in_lede:
        return _with_partners(_most_spoken_of(in_lede, brief, works), in_lede, lede)
    names = [m for phrase in brief.key_phrases if all(w[:1].isupper() for w in phrase.split())
             for m in [re.search(rf"(?<!\w)(?:([Tt]he) )?({re.escape(phrase)})(?!\w)", lede)]
             if m and (" " in phrase or m.start(2) > 0)]  # a lone word opening the sentence is no name
    if names:
        m = min(names, key=lambda m: m.start())
        return [f"the {m.group(2)}" if m.group(1) else m.group(2)]
    return _most_spoken_of(named or brief.places, brief, works)


def _with_partners(chosen: list[str], places: list[Place], lede: str) -> list[str]:
    """The chosen places and each place the lede pairs with one of them by 'and' ("between
    Kyrgyzstan and Tajikistan"): the two sides of one event are one subject, however unevenly the
    works speak of them. A longer series ("Uzbekistan, Tajikistan and Turkmenistan") is no pair:
    the works decide among its places. In the lede's order."""
    def forms(place: Place) -> str:
        names = sorted({place.name, *place.matched}, key=len, reverse=True)
        return "(?:" + "|".join(re.escape(n) for n in names) + ")"

    kept = set(chosen)
    for place in places:
        for other in places:
            if place.name not in kept or other.name in kept:
                continue
            for first, second in ((place, other), (other, place)):
                for m in re.finditer(rf"(?<!\w){forms(first)}\s+(?:and|&)\s+{forms(second)}(?!\w)", lede):
                    if not lede[:m.start()].rstrip().endswith(","):
                        kept.add(other.name)
    return [p.name for p in places if p.name in kept]


def _named(place: Place, text: str) -> bool:
    """Whether the text names the place by a name, not only by a demonym ('Chinese', 'Soviet'):
    its own name, a form of two words or more ('ex-Soviet states'), or an acronym ('PRC')."""
    forms = [f for f in place.matched if f == place.name or " " in f or (f.isupper() and len(f) > 1)]
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text) for f in forms)


def _most_spoken_of(places: list[Place], brief: EventBrief, works: list[IssueWork] | None) -> list[str]:
    countries = [p for p in places if p.kind == "country"]
    if countries:
        text = brief.text + "\n" + "\n".join(f"{w.title or ''} {w.abstract or ''}" for w in works or [])
        counts = {p.name: _mentions(p, text) for p in countries}
        top = max(counts.values())
        named = [p.name for p in countries if counts[p.name] * 3 >= top * 2][:3]
        if named:
            return named
    regions = [p.name for p in places if p.kind == "region"]
    if regions:
        return regions[:1]
    return [places[0].name] if places else []


def _mentions(place: Place, text: str) -> int:
    forms = sorted(set(place.aliases or [place.name]) | set(place.matched) | {place.name}, key=len)
    return sum(len(re.findall(rf"\b{re.escape(f)}\b", text)) for f in forms if f)


def _series(items: list[str]) -> str:
    """'a, b, and c'; with semicolons when an item has a comma or an 'and' of its own ('rivers;
    roads; and coping strategies and conflict'); two such as 'a and b, as well as c'."""
    own = any("," in item or " and " in item for item in items)
    if len(items) <= 2:
        return (", as well as " if own and len(items) == 2 else " and ").join(items)
    comma = "; " if own else ", "
    return comma.join(items[:-1]) + f"{comma.strip()} and {items[-1]}"


def collection(style: Style, journal: JournalProfile, works: list[IssueWork]) -> str:
    """What the works are, true to the data: the journal only when every work is from it,
    else the profile's library, else how many journals."""
    venues = {venue_key(w.venue): w.venue for w in works if w.venue}
    if len(venues) == 1 and len(works) == sum(1 for w in works if w.venue):
        key, name = next(iter(venues.items()))
        shown = journal.name if journal.name and venue_key(journal.name) == key else smart_title(name or "")
        return style.collection_journal.format(journal=shown)
    if journal.library:
        return style.collection_library.format(library=journal.library)
    return style.collection_journals.format(count=style.count_word(len(venues)) if venues else "several")


def framing_sentence(style: Style, what: str, places: list[str], labels: list[str]) -> str:
    about = style.framing_about.format(place=_series(places)) if places else ""
    text = style.framing.format(collection=what, about=about, themes=_series(labels) or "its works")
    return text[:1].upper() + text[1:]


def event_focus(brief: EventBrief) -> str | None:
    """What the event is, in the brief's own words: the longest key phrase of the form
    'X of Y' in its first sentence ('rapid spread of demonstrations'), else its period."""
    first = (split_sentences(brief.text) or [""])[0]
    phrases = [k for k in brief.key_phrases if re.search(r"\w \bof\b \w", k) and k in first]
    if phrases:
        phrase = max(phrases, key=lambda k: (len(k.split()), -first.index(k)))
        if phrase.split()[-1].endswith("ing"):  # 'fears of militants crossing': where to, up to the comma
            at = first.index(phrase) + len(phrase)
            phrase += re.match(r"[^,;:.!?]*", first[at:]).group().rstrip()
        return "the " + lower_first(phrase, brief.text)
    if brief.period and brief.period.matched:
        return f"the events of {brief.period.matched[0]}"
    return None


def tie_sentence(style: Style, brief: EventBrief, places: list[str]) -> str:
    subject = _series(places) if places else "the event"
    focus = event_focus(brief)
    text = (style.tie.format(subject=subject, focus=focus) if focus
            else style.tie_no_focus.format(subject=subject))
    return text[:1].upper() + text[1:]


def related(label: str, previous: str | None) -> bool:
    """Whether two theme names share a content word ('… and security', 'regional … security')."""
    if not previous:
        return False
    return bool({stem(w) for w in content_words(label)} & {stem(w) for w in content_words(previous)})


def lead_in(style: Style, position: int, count: int, label: str, works: int, used: Counter[str],
            previous: str | None = None) -> str:
    """A theme's first sentence: where it stands in the argument (first, last, next to a theme
    it shares a word with) and what it brings, from the style's templates, each opening used as
    little as possible."""
    if works == 1:
        pool = list(style.lead_in_one)
    elif position == 0 and count > 1:
        pool = list(style.lead_in_first)
    elif position == count - 1 and count > 2:
        pool = list(style.lead_in_last)
    elif related(label, previous) and style.lead_in_related:
        pool = list(style.lead_in_related)
    else:
        pool = list(style.lead_in)
    pool = pool or list(style.lead_in)
    template = min(pool, key=lambda t: (used[_opening(t)], pool.index(t)))
    used[_opening(template)] += 1
    text = template.format(label=label, count=style.count_word(works))
    return text[:1].upper() + text[1:]


def _opening(template: str) -> str:
    return " ".join(template.split()[:2])


# ---- works making one point --------------------------------------------------------------------

def _phrases(text: str) -> dict[tuple[str, ...], str]:
    """Runs of one or two content words in a text (stemmed key -> the words as written)."""
    tokens = word_tokens(text)
    out: dict[tuple[str, ...], str] = {}
    for i, (word, start, end) in enumerate(tokens):
        if word in STOPWORDS or len(word) < 4 or word.isdigit():
            continue
        if (text[start - 1:start] in "-‐‑" and start > 0) or text[end:end + 1] in ("-", "‐", "‑"):
            continue  # part of a compound: 'democratic' in 'non-democratic' says the opposite
        out.setdefault((stem(word),), text[start:end])
        if i + 1 < len(tokens):
            nxt, s2, e2 = tokens[i + 1]
            if (nxt not in STOPWORDS and len(nxt) > 2 and text[end:s2] == " "
                    and text[e2:e2 + 1] not in ("-", "‐", "‑")):
                out.setdefault((stem(word), stem(nxt)), text[start:e2])
    return out


def _is_place(words: str) -> bool:
    from ..brief.gazetteer import place_gazetteer

    return bool(place_gazetteer().scan(words))


def _about_writing(words: str) -> bool:
    """'study investigates', 'this article': words about the writing, not a topic."""
    from .sentences import _RESEARCH_VERBS_3SG, _SELF_NOUN

    return any(w.lower() in _RESEARCH_VERBS_3SG or re.fullmatch(_SELF_NOUN + "s?", w.lower())
               for w in words.split())


def _as_phrase(written: str, context: str) -> str:
    """'Dust Storms' (from a title) -> 'dust storms'; names keep their capitals."""
    if re.search(rf"\b{re.escape(written.lower())}\b", context):
        return written.lower()
    return " ".join(lower_first(w, context) for w in written.split())


def shared_point(works: list[IssueWork], others: list[IssueWork], brief: EventBrief) -> tuple[str, list[int]] | None:
    """A topic two or three works of a theme share and the rest of the issue does not: a
    two-word phrase their titles and abstracts all use, no place in it; None when there is none.
    Only works named by one name ('Öge', 'Somzhurek et al.') are grouped, so the group reads,
    and only in a theme of three works or more, so that its paragraph keeps a claim."""
    if len(works) < 3:
        return None
    single = [w for w in works if " and " not in name_work(w)[0]]
    names = Counter(name_work(w)[0] for w in single)
    works = [w for w in single if names[name_work(w)[0]] == 1]  # one author's two works: not "A and A"
    if len(works) < 2:
        return None
    texts = {w.id: _phrases(f"{w.title or ''}. {w.abstract or ''}") for w in works}
    elsewhere = {k for w in others for k in _phrases(f"{w.title or ''}. {w.abstract or ''}")}
    seen: Counter[tuple[str, ...]] = Counter(k for t in texts.values() for k in t)
    best: tuple[tuple[int, int], str, tuple[str, ...]] | None = None
    for key, n in seen.items():
        if n < 2 or key in elsewhere:
            continue
        written = next(texts[w.id][key] for w in works if key in texts[w.id])
        if _is_place(written) or any(c.isdigit() for c in written) or _about_writing(written):
            continue
        if len(key) == 1:
            continue  # one shared word ('examine mechanisms') is not a point the works share
        rank = ((len(key), min(n, 3)), written.lower(), key)
        if best is None or rank[0] > best[0] or (rank[0] == best[0] and rank[1] < best[1]):
            best = rank
    if best is None:
        return None
    key = best[2]
    members = [w.id for w in works if key in texts[w.id]][:3]
    written = texts[members[0]][key]
    context = " ".join(f"{w.title or ''}. {w.abstract or ''}" for w in works if w.id in members)
    return _with_article(_as_phrase(written, " ".join(w.abstract or "" for w in works)), context), members


def _with_article(phrase: str, context: str) -> str:
    """'the energy sector' where the works mostly write it so ('… examine energy sector' reads as
    a word missing); 'labour migration', which they write bare, stays bare."""
    found = re.findall(rf"(?i)(?:\b(the)\s+)?(?<![\w-]){re.escape(phrase)}(?![\w-])", context)
    return f"the {phrase}" if found and sum(bool(f) for f in found) * 2 > len(found) else phrase


def _source_of(work: IssueWork, key_words: list[str]) -> SourceSentence:
    """The sentence (or the title) of a work that holds the shared words."""
    stems = {stem(w) for w in key_words}
    for index, sentence in [(-1, work.title or ""), *enumerate(split_sentences(work.abstract))]:
        if stems <= {stem(w) for w, _, _ in word_tokens(sentence)}:
            return SourceSentence(work=work.id, index=index, text=sentence)
    return SourceSentence(work=work.id, index=-1, text=work.title or "")


def grouped_sentence(style: Style, phrase: str, members: list[IssueWork],
                     used: Counter[str] | None = None) -> tuple[str, list[SourceSentence]]:
    names = name_list([name_work(w)[0] for w in members])
    pool = list(style.grouped) or ["{names} examine {phrase}."]
    used = used if used is not None else Counter()
    template = min(pool, key=lambda t: (used[_opening(t)], pool.index(t)))
    used[_opening(template)] += 1
    text = template.format(count=style.count_word(len(members)), names=names, phrase=phrase)
    words = [w for w, _, _ in word_tokens(phrase)]
    return text[:1].upper() + text[1:], [_source_of(w, words) for w in members]


def introduce_work(work: IssueWork, style: Style | None = None,
                   elsewhere: tuple[str, ...] = ()) -> tuple[str, list[SourceSentence]]:
    """One sentence introducing a work by its authors with what it shows, and its source;
    elsewhere: the places the work is about when they are not the issue's (`places_elsewhere`),
    which its gist names where a sentence that reads alone does."""
    style = style or load_style()
    subject, plural = name_work(work)
    text, index = write_gist(work, subject, plural, style, prefer=elsewhere)
    if index == -1:
        return text, [SourceSentence(work=work.id, index=-1, text=work.title or "")]
    return text, [SourceSentence(work=work.id, index=index, text=split_sentences(work.abstract)[index])]


def places_elsewhere(work: IssueWork, brief: EventBrief, places: list[str]) -> tuple[str, ...]:
    """The countries a work's title and abstract name when they name none of the issue's places
    (a region counting with its member countries): a study of Kyrgyzstan in an issue on
    Uzbekistan says so, or the reader takes it for one of Uzbekistan."""
    from ..brief.gazetteer import place_gazetteer

    ours = {fold(p) for p in places}
    for place in brief.places:
        if place.name in places:
            ours |= {fold(c) for c in place.countries}
    gazetteer = place_gazetteer()
    named = [gazetteer.entries[ids[0]] for _, _, ids in gazetteer.scan(f"{work.title or ''}\n{work.abstract or ''}")]
    if not named or any(fold(e["name"]) in ours or {fold(c) for c in e.get("countries", [])} & ours for e in named):
        return ()
    return tuple(dict.fromkeys(e["name"] for e in named if e["kind"] == "country"))


def _by_the_same_authors(work: IssueWork, before: Sentence, by_id: dict[int, IssueWork]) -> bool:
    """The sentence before is about one work, named by the same authors as this one."""
    if len(before.works) != 1 or before.works[0] == work.id or before.works[0] not in by_id:
        return False
    named = name_authors(work.authors)
    return bool(named) and named == name_authors(by_id[before.works[0]].authors)


def compose(*, title: str, brief: EventBrief, journal: JournalProfile, themes: list[Theme],
            works: list[IssueWork], style: Style | None = None) -> list[Sentence]:
    """The editorial of a virtual issue, sentence by sentence, each with what it came from.

    `title` is the issue's (the framing sentence calls it "this virtual issue"). Works no theme
    lists are introduced in a last paragraph; a theme listing a work not in `works` is an error.
    `style` is the journal's templates and connectives (default: vissue's own).
    """
    del title  # the reference names the collection "this virtual issue"
    style = style or load_style()
    by_id = {w.id: w for w in works}
    for theme in themes:
        for work_id in theme.works:
            if work_id not in by_id:
                raise InputError(f"theme {theme.id} ({theme.label!r}) lists work {work_id}, "
                                 "which is not among the issue's works")
    out: list[Sentence] = []

    def add(text: str, part: str, paragraph: int, **kw: Any) -> None:
        out.append(Sentence(id=f"s{len(out) + 1}", text=text, part=part, paragraph=paragraph, **kw))

    for text in condense_event(brief):
        add(text, "event", 1)
    kept = [t for t in themes if t.works]
    places = subject_places(brief, works)
    add(framing_sentence(style, collection(style, journal, works), places, [t.label for t in kept]), "framing", 2)
    add(tie_sentence(style, brief, places), "framing", 2)
    paragraph = 2
    introduced: set[int] = set()
    used: Counter[str] = Counter()
    for position, theme in enumerate(kept):
        paragraph += 1
        members = [by_id[i] for i in dict.fromkeys(theme.works) if i not in introduced]
        if not members:
            continue
        previous = kept[position - 1].label if position else None
        add(lead_in(style, position, len(kept), theme.label, len(members), used, previous), "theme", paragraph,
            theme=theme.id)
        others = [w for w in works if w.id not in {m.id for m in members}]
        shared = shared_point(members, others, brief)
        grouped = set(shared[1]) if shared else set()
        for work in members:
            if work.id in introduced:
                continue
            if work.id in grouped:
                assert shared is not None
                group = [by_id[i] for i in shared[1]]
                text, sources = grouped_sentence(style, shared[0], group, used)
                add(text, "theme", paragraph, theme=theme.id, works=[w.id for w in group], sources=sources)
                introduced |= grouped
                continue
            introduced.add(work.id)
            text, sources = introduce_work(work, style, places_elsewhere(work, brief, places))
            if _by_the_same_authors(work, out[-1], by_id):
                text = style.same_authors.format(sentence=text)
            add(text, "theme", paragraph, theme=theme.id, works=[work.id], sources=sources)
    rest = [w for w in works if w.id not in introduced]
    if rest:
        paragraph += 1
        for work in rest:
            text, sources = introduce_work(work, style, places_elsewhere(work, brief, places))
            if _by_the_same_authors(work, out[-1], by_id):
                text = style.same_authors.format(sentence=text)
            add(text, "theme", paragraph, works=[work.id], sources=sources)
    if journal.scope:
        paragraph += 1
        for text in split_sentences(journal.scope):
            add(text, "scope", paragraph)
    return out
