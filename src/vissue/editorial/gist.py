"""A work's gist: the sentence of its abstract that states its claim, retold about its authors,
standing alone and short.

    text, index = write_gist(work, style)   # ("Öge argues that external transparency …", 2)

The abstract's sentences are tried best first (``sentences.rank_gists``); each is retold in the
third person (``sentences.third_person``), then rewritten by dropping words only: the clause
before the authors, a leading connective, reporting nested in reporting ("report that the
results revealed that" -> "find that"), then, while it is longer than the style's aim,
parentheses, examples, non-restrictive and subordinate clauses. The first version an editor
would keep (``review.gist_findings``: nothing dangling, no first person, no nesting, no leftover
connective, not too long, a claim of at least a few words) is the gist; when no sentence gives
one, the title does. No word is added but the authors, a reporting verb and "that".
"""

from __future__ import annotations

import re

from ..issue import IssueWork
from ..text import smart_title
from .review import CONNECTIVES, gist_findings
from .sentences import (
    ADVERBS,
    CONJECTURE,
    agree,
    base_form,
    content_words,
    lower_first,
    rank_gists,
    split_sentences,
    third_person,
)
from .style import Style

_TRIED = 6  # abstract sentences tried, best first
_MIN_CONTENT = 5  # a claim of fewer content words is a teaser ("provide several new findings")

_LEADING = re.compile(r"^(?:" + "|".join(re.escape(c) for c in CONNECTIVES) + r"),\s+", re.IGNORECASE)
_FINDING_NOUN = (r"(?:findings?|results?|analys[ie]s|data|evidence|study|article|paper|work|research|"
                 r"model|modell?ing|approach|estimates?|regressions?|surveys?|interviews|authors?|it|they|"
                 r"simulations?|experiments?|calculations?|assessment|investigation|review)")
_FOUND = {"show": "show", "shows": "show", "showed": "show", "shown": "show", "suggest": "suggest",
          "suggests": "suggest", "suggested": "suggest", "indicate": "find", "indicates": "find",
          "indicated": "find", "reveal": "find", "reveals": "find", "revealed": "find",
          "demonstrate": "demonstrate", "demonstrates": "demonstrate", "demonstrated": "demonstrate",
          "confirm": "find", "confirms": "find", "confirmed": "find", "highlight": "find",
          "highlights": "find", "highlighted": "find", "find": "find", "finds": "find", "found": "find",
          "argue": "argue", "argues": "argue", "argued": "argue", "conclude": "conclude",
          "concludes": "conclude", "concluded": "conclude"}
_FOUND_VERB = "|".join(sorted(_FOUND, key=len, reverse=True))
_CLAIM_VERBS = {"argue", "contend", "find", "show", "demonstrate", "conclude", "suggest", "reveal"}
# A reporting clause set off by commas inside the claim: ', it argues,', ', the authors suggest,'.
_REPORTING_ASIDE = re.compile(
    r",\s(?:it|they|we|he|she|the (?:article|paper|study|author|authors))\s(?:argues?|contends?|suggests?|"
    r"claims?|shows?|finds?|believes?|maintains?|posits?),(?=\s)", re.IGNORECASE)
_AS_REPORTED = re.compile(
    r"\bas (?:the|this|our) (?:study|article|paper|analysis|research) (?:confirm(?:s|ed)|show(?:s|ed)|"
    r"f(?:inds|ound)|demonstrat(?:es|ed)|suggest(?:s|ed)|reveal(?:s|ed)),\s", re.IGNORECASE)
_PARTICIPLE = re.compile(r",\s(?:and\s)?(finding|showing|concluding|arguing|demonstrating|revealing|suggesting)\s+that\s+")


def _head(text: str, subject: str) -> tuple[str, str, str] | None:
    """(subject, verb, rest) of a retold sentence that starts with the authors."""
    m = re.match(rf"{re.escape(subject)}\s+(\S+)\s+(.*)$", text, re.DOTALL)
    return (subject, m.group(1), m.group(2)) if m else None


def collapse_nesting(text: str, subject: str, plural: bool) -> str:
    """'X report that the results revealed that Y' -> 'X find that Y'; 'X explore A, finding
    that B' -> 'X find that B'; 'X note that …, it is argued that Y' -> 'X argue that Y'."""
    head = _head(text, subject)
    if head is None:
        return text
    _, verb, rest = head
    m = re.match(r"that\s+(?:the|this)\s+(?:article|paper|study|work|essay|chapter|analysis|research)\s+"
                 r"(?:also\s+)?([a-z]+s)\s+", rest)
    if m and m.group(1) not in ("is", "has", "was", "does"):  # 'note that the article maps …'
        return f"{subject} {agree(base_form(m.group(1)), plural)} {rest[m.end():]}"
    m = re.match(r"that\s+(?:[^\s]+\s+){0,8}?it\s+(?:is|was|has\s+been)\s+(argued|shown|suggested|found|concluded)"
                 r"\s+that\s+", rest)
    if m:
        return f"{subject} {agree(_FOUND.get(m.group(1), 'argue'), plural)} that {rest[m.end():]}"
    m = re.match(rf"that\s+(?:[\w’'()-]+,?\s+){{0,14}}?{_FINDING_NOUN}(?:\s+[\w’'-]+,?){{0,24}}?\s+(?:also\s+)?"
                 rf"({_FOUND_VERB})(\s+that)?\s+", rest, re.IGNORECASE)
    if m and (m.group(2) or m.group(1) in ("indicate", "indicates", "indicated", "show", "shows", "showed")):
        found = _FOUND[m.group(1).lower()]
        if not m.group(2):
            return f"{subject} {agree('show', plural)} {rest[m.end():]}"
        return f"{subject} {agree(found, plural)} that {rest[m.end():]}"
    if base_form(verb) not in _CLAIM_VERBS:
        p = _PARTICIPLE.search(rest)
        if p:
            found = {"finding": "find", "showing": "show", "concluding": "conclude", "arguing": "argue",
                     "demonstrating": "demonstrate", "revealing": "find", "suggesting": "suggest"}[p.group(1)]
            return f"{subject} {agree(found, plural)} that {rest[p.end():]}"
    return text


_PARENS = re.compile(r"\s+[(\[][^()\[\]]*[)\]](?=[\s.,;:]|$)|\s[–—]\s[^–—]*?\s[–—](?=\s)")
_EXAMPLE = r"(?:such as|including|e\.g\.,?|for example,?|for instance,?|namely|i\.e\.,?)"
_EXAMPLES = re.compile(rf",\s{_EXAMPLE}\s[^,;:]*?(?:,(?=\s)|(?=[;:]|\.?$))|\s{_EXAMPLE}\s[^,;:]*?(?=,\s|[;:]|\.?$)")
_ASIDE = re.compile(r",\s(?:which|who|whose|where|while|whereas|although|though|particularly|especially|"
                    r"notably|thereby|thus|despite|given|based on|drawing on|"
                    r"using|through|with|by)\s[^,;:]*?(?:,(?=\s)|(?=[;:]|\.?$))")
_TAIL = re.compile(r",\s(?:but|while|whereas|which|thereby|thus|as|because|since|suggesting|leading|"
                   r"making|resulting|allowing|providing|indicating|so that|in order to|hence|"
                   r"exploring|examining|discussing|analy[sz]ing)\b[^;:]*$")
_OPENING_CLAUSE = re.compile(r"^((?:that\s+)?)(?:although|though|whereas|despite|given|because|since|"
                             r"by|through|using|drawing on|based on|building on|in the context of|"
                             r"in the course of|during|amid|within)\s(?!\d)[^,]{3,}?,\s+")  # not a date: 'in 2011,'


_ENUMERATED = re.compile(
    r"(?:make|makes|forward|forwards|advance|advances|offer|offers|put|puts|present|presents|develop|"
    r"develops|have|has|reach|reaches|draw|draws|set|sets)\s+(?:forth\s+|out\s+)?"
    r"(?:two|three|four|five|several|a few|\d+|the following)\s+(?:main\s+|key\s+|central\s+|related\s+|"
    r"interrelated\s+|broad\s+)?(arguments?|claims?|findings?|conclusions?|points?|propositions?|"
    r"hypothes[ie]s|contributions?|insights?|lessons?)\s*(?:forth\s+)?:\s*"
    r"(?:\(?(?:1|i|a)\)\s*|first(?:ly)?,\s*)?", re.IGNORECASE)
_MARKER = re.compile(r"\s*(?:\(\d\)|\(?(?:ii|iii|iv|b|c)\)|\b\d\))\s+")


def enumerated(text: str, subject: str, plural: bool, context: str) -> str:
    """'X forward two arguments: (1) In both countries …' -> 'X argue that in both countries …':
    a count promised and one item given reads as something missing; the numbers go too."""
    head = _head(text, subject)
    if head is None:
        return text
    m = _ENUMERATED.match(f"{head[1]} {head[2]}")
    if m is None:
        return text
    verb = "find" if re.match(r"(?:finding|conclusion|insight|lesson)", m.group(1), re.IGNORECASE) else "argue"
    rest = _MARKER.sub(" ", f"{head[1]} {head[2]}"[m.end():])
    return f"{subject} {agree(verb, plural)} that {lower_first(rest.strip(), context)}"


def _drop_aside(text: str) -> str:
    """Drop the first aside (', which …,' ', with …,'); one whose closing comma is a list's (', with
    A, B, and C measuring …': the words after it end on ', and C'), or is followed by its own
    apposition (', thus expanding X, an emerging trend …'), runs to the end of its clause."""
    m = _ASIDE.search(text)
    if m is None:
        return text
    end = m.end()
    if text[end - 1] == "," and (re.match(r"\s[^,;:]+,\s(?:and|or)\s", text[end:])
                                 or re.match(r"\s(?:a|an)\s[^,;:]+(?:[;:]|$)", text[end:])):
        # a list goes on, or what follows is the aside's own apposition (', thus expanding into
        # ideational analysis, an emerging trend in the literature'): they go with it
        clause = re.search(r"[;:]", text[end:])
        end = end + clause.start() if clause else len(text)
    return text[:m.start()] + text[end:]


def _cut_tail(text: str) -> str:
    """Drop a trailing clause; not the 'but' of 'not so much X, but Y' (Y is the claim)."""
    m = _TAIL.search(text)
    if m is None:
        return text
    if m.group().startswith(", but") and re.search(r"\bnot\b", text[:m.start()].rsplit(",", 1)[-1]):
        return text
    return text[:m.start()]


def _words(text: str) -> int:
    return len(text.split())


def shorten(text: str, subject: str, aim: int) -> str:
    """Drop words until the gist is about `aim` words: parentheses, examples, asides, an
    opening subordinate clause, then a trailing clause (never the authors and their verb)."""
    head = _head(text, subject)
    if head is None:
        return text
    _, verb, rest = head
    end = rest.rstrip()[-1:] if rest.rstrip()[-1:] in ".!" else ""
    rest = rest.rstrip().rstrip(".!")

    def size(r: str) -> int:
        return _words(subject) + 1 + _words(r)

    steps = [
        lambda r: _PARENS.sub("", r),
        lambda r: _EXAMPLES.sub("", r, count=1),
        _drop_aside,
        lambda r: _OPENING_CLAUSE.sub(lambda m: m.group(1), r, count=1),
        _cut_tail,
    ]
    for step in steps:
        while size(rest) > aim:
            shorter = step(rest).strip()
            if shorter == rest or len(content_words(shorter)) < _MIN_CONTENT:
                break
            rest = shorter
    rest = re.sub(r"\s+,", ",", rest).strip(" ,;:")
    return f"{subject} {verb} {rest}{end or '.'}"


def retell(sentence: str, subject: str, plural: bool, *, context: str, aim: int) -> str:
    """One abstract sentence as a gist: retold about its authors, cleaned, shortened."""
    s = _LEADING.sub("", sentence, count=1)
    s = s[:1].upper() + s[1:]
    text = third_person(s, subject, plural, context=context)
    at = text.find(subject)
    if at > 0:  # the clause before the authors is detail: "Through case studies, Yan verifies"
        text = text[at:]
    text = re.sub(rf"^({re.escape(subject)})\s+(?:{'|'.join((*ADVERBS, 'again'))})\s+", r"\1 ", text)
    text = re.sub(rf"^({re.escape(subject)}\s+[a-z]+)\s+instead\s+", r"\1 ", text)  # 'explores instead the …
    text = collapse_nesting(text, subject, plural)
    text = _REPORTING_ASIDE.sub("", text)  # "the metaphor, it argues, can be used" -> "the metaphor can be used"
    text = _AS_REPORTED.sub("", text)  # "that as the study confirmed, support …" -> "that support …"
    text = enumerated(text, subject, plural, context)
    text = re.sub(rf"^({re.escape(subject)}\s+\S+\s+that\s+)(?:" + "|".join(re.escape(c) for c in CONNECTIVES)
                  + r"),?\s+", r"\1", text, flags=re.IGNORECASE)
    head = _head(text, subject)
    if head and head[2].startswith("that "):
        text = f"{subject} {head[1]} that {lower_first(head[2][5:], context)}"
    return shorten(text, subject, aim)


def title_gist(work: IssueWork, subject: str, plural: bool) -> str:
    """The title as the gist: 'Öge examines elite preferences and transparency promotion in
    Kazakhstan'; a title with a colon or a question is quoted ('… write on “…”')."""
    title = smart_title((work.title or "").strip().rstrip("."))
    if not title:
        return f"{subject} {agree('write', plural)} on an untitled work."
    if ":" in title or "?" in title or len(title.split()) < 3 or not _sentence_case(title, work.abstract or ""):
        return f"{subject} {agree('write', plural)} on “{title}”."
    return f"{subject} {agree('examine', plural)} {lower_first(title, work.abstract or title)}."


def _sentence_case(title: str, context: str) -> bool:
    """Whether a title reads as a phrase of a sentence: after its first word, a capital only on an
    acronym ('US') or a name the abstract (context) writes so inside its sentences ('Kazakhstan');
    not 'Lake and Sea Basins in Kazakhstan' nor 'Intimate militarism Domesticating the border' (a
    lost colon). Without an abstract, no name is known: only acronyms."""
    for word in re.findall(r"[^\W\d_][\w'’-]*", title)[1:]:
        if not word[0].isupper() or (word.isupper() and len(word) <= 5):
            continue
        if not re.search(rf"(?<=[a-z,;] ){re.escape(word)}\b", context):
            return False
    return True


def _their_points_back(claim: str, source: str) -> bool:
    """'… shows their long-lasting acuteness': a claim opening on 'their' (after its verb and
    'that') refers to something before it, unless the source said 'our' or 'my' (retold as
    'their': the authors' own)."""
    words = claim.split()[1:]  # after the verb
    if words[:1] == ["that"]:
        words = words[1:]
    return bool(words) and words[0].lower() == "their" and not re.search(r"\b(?:[Oo]ur|[Mm]y)\b", source)


def write_gist(work: IssueWork, subject: str, plural: bool, style: Style,
               prefer: tuple[str, ...] = ()) -> tuple[str, int]:
    """The gist of a work and the index of its source sentence (-1: the title). prefer: names
    (the places a work is about, when they are not the issue's) that a gist holding one says:
    of the sentences that read alone, the first naming one is taken."""
    sentences = split_sentences(work.abstract)
    if not sentences:
        return title_gist(work, subject, plural), -1
    first: tuple[str, int] | None = None  # the best that reads alone, naming no preferred place
    for index in rank_gists(sentences)[:_TRIED]:
        text = retell(sentences[index], subject, plural, context=work.abstract or "", aim=style.gist_words)
        defects = gist_findings(text, len(subject), max_words=style.max_gist_words)
        claim = len(content_words(text[len(subject):])[1:])  # after the verb
        if (claim < _MIN_CONTENT or re.match(r"\S+[,:;]", text[len(subject):].lstrip())
                or sentences[index].rstrip("\"'”’) ").endswith("?")  # a question states no claim,
                or CONJECTURE.search(sentences[index])):  # nor a hypothesis (the finding may refute it)
            defects.append(("teaser", text))  # type: ignore[arg-type]
        if _their_points_back(text[len(subject):], sentences[index]):
            defects.append(("dangling", "their"))  # type: ignore[arg-type]
        if not defects:
            if not prefer or any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in prefer):
                return text, index
            first = first or (text, index)
    return first if first else (title_gist(work, subject, plural), -1)
