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
from ..text import is_shouting, name_list, smart_title
from .sentences import agree, choose_gist, lower_first, split_sentences, third_person

# ---- authors -----------------------------------------------------------------------------------

def family_name(author: IssueAuthor) -> str:
    """The family name as written, unless written in capitals: 'O'NEILL' -> 'O'Neill'."""
    family = author.family.strip()
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
    text first names them by ("President Kassym-Jomart Tokayev") comes with the sentence that
    first names them: it takes the place of the least informative other sentence, or, when no
    other can give way, the dependent sentence is left out.
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
    kept = _introduce_people(set(chosen), _introductions(brief, sentences), facets, keep)
    return [sentences[i] for i in sorted(kept)]


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


def _main_place(brief: EventBrief, works: list[IssueWork]) -> str | None:
    """The country the event and the works speak of most (else the first place named)."""
    if not brief.places:
        return None
    countries = [p for p in brief.places if p.kind == "country"] or brief.places
    text = brief.text + "\n" + "\n".join(f"{w.title or ''} {w.abstract or ''}" for w in works)

    def mentions(place: Place) -> int:
        forms = sorted(set(place.aliases or [place.name]) | set(place.matched) | {place.name}, key=len)
        return sum(len(re.findall(rf"\b{re.escape(f)}\b", text)) for f in forms)

    return max(countries, key=lambda p: (mentions(p), -countries.index(p))).name


def _journal_name(journal: JournalProfile, works: list[IssueWork]) -> str | None:
    if journal.name:
        return journal.name
    venues = Counter(smart_title(w.venue) for w in works if w.venue)
    return venues.most_common(1)[0][0] if venues else None


def _series(items: list[str]) -> str:
    """'a, b, and c'; with semicolons when an item has a comma of its own ('law, courts; …')."""
    if len(items) <= 2:
        return " and ".join(items)
    comma = "; " if any("," in item for item in items) else ", "
    return comma.join(items[:-1]) + f"{comma.strip()} and {items[-1]}"


def framing_sentence(journal: str | None, place: str | None, labels: list[str]) -> str:
    about = f"on {place} " if place else ""
    where = f"published in {journal}" if journal else "from the library"
    focus = f", focusing on {_series(labels)}" if labels else ""
    return f"This virtual issue brings together some of the research {about}{where}{focus}."


_OPENING = re.compile(r"^(?:Starting with|Finally, turning to|Turning to|On) (?P<label>.+?), ")


def strip_opening(text: str, theme: Theme | None) -> str:
    """A theme sentence without the clause that opens its paragraph (it names the theme)."""
    m = _OPENING.match(text)
    if m and theme is not None and text.startswith(f"{m.group(0)[:m.start('label')]}{theme.label}, "):
        return text[m.start("label") + len(theme.label) + 2:]
    return text[len("In addition, "):] if text.startswith("In addition, ") else text


def opening_clause(position: int, count: int, label: str) -> str:
    """The clause that opens a theme's paragraph: its place in the argument and its name."""
    if count == 1:
        return f"On {label}, "
    if position == 0:
        return f"Starting with {label}, "
    if position == count - 1 and count > 2:
        return f"Finally, turning to {label}, "
    return f"Turning to {label}, "


def introduce_work(work: IssueWork) -> tuple[str, list[SourceSentence]]:
    """One sentence introducing a work by its authors with what it shows, and its source."""
    subject, plural = name_work(work)
    sentences = split_sentences(work.abstract)
    if not sentences:
        title = smart_title(work.title or "") or "an untitled work"
        text = f"{subject} {agree('write', plural)} on “{title}”."
        return text, [SourceSentence(work=work.id, index=-1, text=work.title or "")]
    index = choose_gist(sentences)
    text = third_person(sentences[index], subject, plural, context=work.abstract or "")
    return text, [SourceSentence(work=work.id, index=index, text=sentences[index])]


def _lower_first_unless(text: str, name: str, context: str) -> str:
    """Lower-case the first word after an opening clause, unless the sentence starts with a name."""
    return text if text.startswith(name) else lower_first(text, context)


def compose(*, title: str, brief: EventBrief, journal: JournalProfile, themes: list[Theme],
            works: list[IssueWork]) -> list[Sentence]:
    """The editorial of a virtual issue, sentence by sentence, each with what it came from.

    `title` is the issue's (the framing sentence calls it "this virtual issue"). Works no theme
    lists are introduced in a last paragraph; a theme listing a work not in `works` is an error.
    """
    del title  # the reference names the collection "this virtual issue"
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
    labels = [t.label for t in kept]
    add(framing_sentence(_journal_name(journal, works), _main_place(brief, works), labels), "framing", 2)
    paragraph = 2
    introduced: set[int] = set()
    for position, theme in enumerate(kept):
        paragraph += 1
        for n, work_id in enumerate(theme.works):
            if work_id in introduced:
                continue
            introduced.add(work_id)
            text, sources = introduce_work(by_id[work_id])
            if n == 0:
                text = opening_clause(position, len(kept), theme.label) + _lower_first_unless(
                    text, name_work(by_id[work_id])[0], by_id[work_id].abstract or "")
            add(text, "theme", paragraph, theme=theme.id, works=[work_id], sources=sources)
    rest = [w for w in works if w.id not in introduced]
    if rest:
        paragraph += 1
        for n, work in enumerate(rest):
            text, sources = introduce_work(work)
            if n == 0 and kept:
                text = "In addition, " + _lower_first_unless(text, name_work(work)[0], work.abstract or "")
            add(text, "theme", paragraph, works=[work.id], sources=sources)
    if journal.scope:
        paragraph += 1
        for text in split_sentences(journal.scope):
            add(text, "scope", paragraph)
    return out


