"""The editorial: sentences about the event and the works, each tied to what it came from.

    sentences = compose(title=..., brief=brief, journal=profile, themes=themes, works=works)
    problems = check(issue)          # [] when every work is introduced once, faithfully

The editorial follows the reference virtual issue (DESIGN.md): the event in two to five of the
editor's own sentences; one framing sentence naming the collection, the journal and the themes;
a paragraph per theme introducing each work by its authors ("Öge", "Palazuelos and Fernández",
"Spankulova, Karatayev, and Clarke", "Somzhurek et al.") with what it shows, in the abstract's
own words (its claim or finding sentence, the subject turned into the authors); the journal's
scope statement. Nothing is invented: every word of a gist beyond the authors and a reporting
verb comes from the abstract sentence recorded in `sources`, and `check` verifies it.

Sentences are split by `split_sentences`, a rule-based splitter that knows abbreviations,
initials, brackets and enumerations; `check` uses it too, so a source index always points at
the same sentence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .errors import InputError
from .event import EventBrief, Place
from .issue import (
    IssueAuthor,
    IssueWork,
    JournalProfile,
    Sentence,
    SourceSentence,
    Theme,
    VirtualIssue,
)
from .text import fold, is_shouting, smart_title


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ---- sentences ---------------------------------------------------------------------------------

# Abbreviations after which a period does not end a sentence: lower-case ones as written,
# capitalised ones (titles, 'Fig.', 'No.') with their first letter upper-case too.
_LOWER_ABBREVIATIONS = _words("al e.g i.e cf vs viz ca approx resp incl excl esp pp p eds ed fig figs eq eqs no nos vol "
    "vols sec ch chap para wt n.b ibid op cit")
_TITLE_ABBREVIATIONS = _words("Dr Mr Mrs Ms Prof St Jr Sr Fig Figs No Nos Vol Vols Eq Eqs Art Sec Ch Chap Inc Ltd Co Corp "
    "Dept Univ Gen Gov Col Lt Sgt Mt Rev Ed Eds Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "U.S U.K U.N E.U Ph.D")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_INITIALS = re.compile(r"(?:[A-Z][a-z]?\.)*[A-Z]|(?:[A-Z][a-z]?\.)+[A-Z][a-z]?")
_OPENERS = "\"'“‘(["
_CLOSERS = {"(": ")", "[": "]"}
_BRACKET_REACH = 300  # a bracket closed within this many characters holds its periods in


def split_sentences(text: str | None) -> list[str]:
    """The sentences of a text (an abstract, an event), verbatim, in order.

    A break needs '.', '!' or '?' (closing quotes and brackets may follow), then space, then an
    upper-case letter, a digit or an opening quote or bracket. Not after an abbreviation
    ('e.g.', 'et al.', 'Dr.') or an initial ('B.Zh.', 'A.'), nor inside a bracket that closes
    soon after. Line breaks always end a sentence.
    """
    sentences: list[str] = []
    for paragraph in (text or "").split("\n"):
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            end = match.end()
            rest = paragraph[end:].lstrip()
            if not rest or not (rest[0].isupper() or rest[0].isdigit() or (
                    rest[0] in _OPENERS and len(rest) > 1 and (rest[1].isupper() or rest[1].isdigit()))):
                continue
            mark = match.group()
            if mark[0] == "." and len(mark.rstrip("\"'”’)]")) == 1:
                words = paragraph[start:match.start()].split()
                word = words[-1].lstrip(_OPENERS) if words else ""
                if (word in _LOWER_ABBREVIATIONS or word in _TITLE_ABBREVIATIONS
                        or _INITIALS.fullmatch(word)):
                    continue
            if _inside_bracket(paragraph, start, match.start()):
                continue
            piece = paragraph[start:end].strip()
            if piece:
                sentences.append(piece)
            start = end
        piece = paragraph[start:].strip()
        if piece:
            sentences.append(piece)
    return sentences


def _inside_bracket(paragraph: str, start: int, at: int) -> bool:
    for opener, closer in _CLOSERS.items():
        depth = paragraph.count(opener, start, at) - paragraph.count(closer, start, at)
        if depth > 0 and closer in paragraph[at:at + _BRACKET_REACH]:
            return True
    return False


# ---- words -------------------------------------------------------------------------------------

STOPWORDS = _words("""
a about above across after again against all almost also although always am among an and another
any are around as at be because been before being below between both but by can cannot could did
do does doing done during each either else even ever every few for from further had has have having
he her here hers herself him himself his how however i if in into is it its itself just least less
many may me might more most much must my myself neither no nor not of off often on once one only or
other others otherwise our ours ourselves out over own per rather same several shall she should since
so some such than that the their theirs them themselves then there these they this those though
through thus to too under until up upon us very via was we were what when whenever where whereas
whether which while who whom whose why will with within without would yet you your s
""")
# Words a generated sentence may add to its abstract's words: they say who, not what.
DEICTIC_WORDS = frozenset({"author", "authors"})
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


@cache
def _stem(word: str) -> str:
    import Stemmer  # PyStemmer: Snowball, as the lexical index uses

    return str(_STEMMER.setdefault("en", Stemmer.Stemmer("english")).stemWord(word))


_STEMMER: dict[str, Any] = {}


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word; possessive 's and hyphens split off."""
    out = []
    for m in _TOKEN.finditer(text):
        for part in re.finditer(r"[^\W_]+", m.group()):
            word = fold(part.group())
            if word:
                out.append((word, m.start() + part.start(), m.start() + part.end()))
    return out


def content_words(text: str) -> list[str]:
    """The words of a text that carry content: folded, stop words and single letters out."""
    return [w for w, _, _ in _tokens(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


# ---- authors -----------------------------------------------------------------------------------

def _family(author: IssueAuthor) -> str:
    """The family name as written, unless written in capitals: 'O'NEILL' -> 'O'Neill'."""
    family = author.family.strip()
    if not is_shouting(family) or len(family) < 2:
        return family
    return re.sub(r"[^\W\d_]+", lambda m: m.group()[0] + m.group()[1:].lower(), family)


def name_authors(authors: list[IssueAuthor]) -> str:
    """'Öge'; 'Palazuelos and Fernández'; 'Spankulova, Karatayev, and Clarke'; 'Somzhurek et al.'"""
    names = [_family(a) for a in authors if a.family.strip()]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    if len(names) == 3:
        return f"{names[0]}, {names[1]}, and {names[2]}"
    return f"{names[0]} et al."


def _introduce(work: IssueWork) -> tuple[str, bool]:
    """How the editorial names a work, and whether that subject is plural."""
    named = name_authors(work.authors)
    if named:
        return named, len([a for a in work.authors if a.family.strip()]) > 1
    return f"“{work.title or 'an untitled work'}”", False


def _possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") and not name.endswith("al.") else f"{name}’s"


# ---- verbs -------------------------------------------------------------------------------------

_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "are": "is", "were": "was"}
_IRREGULAR_BASE = {"is": "are", "has": "have", "does": "do", "was": "were"}
# Past tenses of reporting verbs, told in the present ("We found" -> "… find").
PAST_TO_PRESENT = {
    "found": "find", "showed": "show", "argued": "argue", "demonstrated": "demonstrate",
    "concluded": "conclude", "revealed": "reveal", "observed": "observe", "identified": "identify",
    "examined": "examine", "explored": "explore", "analysed": "analyse", "analyzed": "analyze",
    "investigated": "investigate", "estimated": "estimate", "suggested": "suggest",
    "documented": "document", "proposed": "propose", "developed": "develop", "tested": "test",
    "compared": "compare", "assessed": "assess", "evaluated": "evaluate", "confirmed": "confirm",
    "discovered": "discover", "noted": "note", "highlighted": "highlight", "traced": "trace",
    "illustrated": "illustrate", "measured": "measure", "studied": "study", "described": "describe",
}
_AUXILIARIES = _words("is are was were has have had will would can could may might shall should "
                         "must does do did")
# Verbs composed sentences may put after the authors (any form): they report, they add nothing.
REPORTING_VERBS = frozenset({"argue", "contend", "find", "show", "demonstrate", "conclude", "report",
                             "note", "observe", "suggest", "write", "set", "infer", "examine",
                             "explore", *PAST_TO_PRESENT.values()})


def third_singular(base: str) -> str:
    if base in _IRREGULAR_3SG:
        return _IRREGULAR_3SG[base]
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and len(base) > 1 and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def base_form(verb: str) -> str:
    """'contends' -> 'contend', 'identifies' -> 'identify', 'focuses' -> 'focus', 'is' -> 'are'."""
    if verb in _IRREGULAR_BASE:
        return _IRREGULAR_BASE[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes", "zzes", "oes", "cuses")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith("ss"):
        return verb[:-1]
    return verb


def _agree(base: str, plural: bool) -> str:
    return base if plural else third_singular(base)


def _match_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


@cache
def _stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words)


def _reporting_stems() -> frozenset[str]:
    return _stems(frozenset(REPORTING_VERBS | {third_singular(v) for v in REPORTING_VERBS}))


# ---- the gist of a work ------------------------------------------------------------------------

_CLAIM = re.compile(
    r"\b(?:argu(?:e|es|ed|ing)|contend(?:s|ed)?|demonstrat(?:e|es|ed)|shows?|showed|shown|finds?|"
    r"found|reveal(?:s|ed)?|conclud(?:e|es|ed)|conclusions?|findings?|results|indicat(?:e|es|ed)|"
    r"suggests?|evidence|posits?|maintains?|claims?|inference|verif(?:y|ies|ied)|establishes|"
    r"confirm(?:s|ed)?|highlights?)\b", re.IGNORECASE)
_PURPOSE = re.compile(
    r"\b(?:examin(?:e|es|ed)|explor(?:e|es|ed)|analy[sz](?:e|es|ed)|investigat(?:e|es|ed)|aims?|"
    r"focus(?:es|ed)?|provides?|offers?|develops?|identif(?:y|ies|ied)|attributes?|traces?|"
    r"contributes?|proposes?|evaluates?|assess(?:es)?)\b", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"\b(?:according to|recent (?:research|studies|literature)|has (?:been )?focused|little is known|"
    r"much attention|the goal|the aim|the purpose|the objective)\b", re.IGNORECASE)
_SELF_NOUN = (r"(?:article|paper|study|essay|research|analysis|work|chapter|book|contribution|review|"
              r"piece|note|investigation|report|project|survey|thesis|dissertation|text)")
_SELF_ADJ = (r"(?:(?:comparative|empirical|qualitative|quantitative|present|current|theoretical|"
             r"exploratory|short|brief|new|case|research)\s+)?")
_ADVERBS = ("also", "further", "then", "therefore", "thus", "first", "finally", "additionally", "moreover",
            "specifically", "empirically")
_ADVERB = r"(?:(?P<adv>" + "|".join(_ADVERBS) + r")\s+)?"
_SUBJECT = re.compile(
    r"(?:^|(?<=, )|(?<=; ))(?P<subject>(?:[Tt]his|[Oo]ur|[Mm]y)\s+" + _SELF_ADJ + _SELF_NOUN
    + r"|[Tt]he\s+(?:present\s+|current\s+)?(?:article|paper|study|essay|chapter|book|thesis|dissertation)"
    + r"|[Tt]he authors?|[Ww]e|I|It)\s+" + _ADVERB + r"(?P<verb>[a-z]+)\b")
_IT_PASSIVE = re.compile(
    r"^It (?:is|was|has been) (?P<verb>argued|shown|suggested|found|concluded|demonstrated|contended) that\s+")
_RESULTS = re.compile(
    r"^(?:(?:The|Our|These|Its) )?(?:main |key |major )?(?:[Rr]esults|[Ff]indings|analysis|data|evidence)"
    r"(?: of (?:the|this|our) (?:research|study|analysis|paper|article|survey))?\s+"
    r"(?P<verb>show|shows|indicate|indicates|suggest|suggests|reveal|reveals|demonstrate|demonstrates|"
    r"confirm|confirms)\s+that\s+")
_CONCLUDING = re.compile(
    r"^(?:In conclusion|To conclude|In sum|In short|Overall|Thus|Hence|Therefore|Consequently),\s+")
_CONNECTIVE = re.compile(
    r"^(?:First(?:ly)?|Second(?:ly)?|Third(?:ly)?|Moreover|Furthermore|In addition|Additionally|"
    r"Finally|However|Yet|Also|Further|Nevertheless|Nonetheless|Instead|Specifically|Importantly|"
    r"In particular|At the same time|Meanwhile|Similarly|Likewise|Second|Third),\s+")
_INFERENCE = re.compile(
    r"^The (?:main |key |central )?(?:inference|conclusion|argument|finding|claim|thesis)\s+"
    r"(?:drawn )?(?:from|of) (?:the|this) " + _SELF_NOUN + r" is that\s+")
_GOAL = re.compile(r"^The (?:goal|aim|purpose|objective) of (?:the|this) " + _SELF_NOUN
                   + r" is to (?P<verb>show|demonstrate|argue|explain)\s+")
_LABEL = re.compile(
    r"^(?:Purpose|Design/methodology/approach|Findings|Originality/value|Research limitations/implications|"
    r"Practical implications|Social implications|Results?|Conclusions?|Background|Methods?|Objectives?|"
    r"Aims?|Introduction|Discussion)\s*[:.\-–—]?\s+(?=[A-Z])")
_IN_THIS = re.compile(r"^(?:In|Through) (?:this|the present) " + _SELF_NOUN + r",\s+")
_FINDING_WORDS = re.compile(r"\b(?:found|finds?|results?|findings?|data|significant(?:ly)?|"
                            r"evidence|indicat\w*|shows?|showed)\b", re.IGNORECASE)
_RESEARCH_VERBS_3SG = _words("argues contends shows finds demonstrates examines explores analyses analyzes investigates "
    "considers discusses draws attributes identifies proposes offers provides develops suggests "
    "concludes evaluates assesses addresses focuses traces reveals highlights illustrates describes "
    "presents seeks aims attempts uses employs compares maintains posits claims challenges situates "
    "questions introduces outlines reviews emphasizes emphasises underlines documents explains tests "
    "verifies contributes undertakes engages sheds looks asks applies builds")


_PRONOUNS = frozenset({"We", "we", "I", "It", "The authors", "the authors", "The author", "the author"})
_FIRST_PERSON = frozenset({"We", "we", "I", "The authors", "the authors"})


def _self_subject(sentence: str) -> re.Match[str] | None:
    """Where the work (or its authors) is the subject of a clause: 'This article contends',
    'we found', 'It argues' (only with a research verb), '…, this paper verifies'."""
    for m in _SUBJECT.finditer(sentence):
        said, verb = m.group("subject"), m.group("verb")
        if said in ("We", "we", "I") or said.lower().startswith("the author"):
            ok = verb not in STOPWORDS or verb in _AUXILIARIES
        elif said == "It":
            ok = m.start() == 0 and verb in _RESEARCH_VERBS_3SG
        elif said.lower().startswith("the"):
            ok = verb in _RESEARCH_VERBS_3SG or verb in _AUXILIARIES or verb in PAST_TO_PRESENT
        else:
            ok = (verb in _RESEARCH_VERBS_3SG or verb in _AUXILIARIES or verb in PAST_TO_PRESENT
                  or (verb.endswith("s") and not verb.endswith(("ss", "us", "is"))))
        if ok:
            return m
    return None


def choose_gist(sentences: list[str]) -> int:
    """The index of the sentence that says what a work shows: its claim or finding.

    Claim cues ('argues', 'we found', 'results indicate') count most, then a subject that is the
    work itself; the first sentence (usually background) and questions count against. Ties go to
    the sentence closest in words to the whole abstract, then to the earlier one.
    """
    if not sentences:
        raise ValueError("no sentences")
    total = Counter(w for s in sentences for w in set(content_words(s)))

    def centrality(sentence: str) -> float:
        words = set(content_words(sentence))
        return sum(total[w] - 1 for w in words) / math.sqrt(len(words) + 1)

    def score(i: int) -> float:
        s = sentences[i]
        words = len(s.split())
        value = 4.0 * bool(_CLAIM.search(s)) + 1.0 * bool(_PURPOSE.search(s))
        if any(p.search(s) for p in (_IT_PASSIVE, _INFERENCE, _RESULTS, _CONCLUDING, _GOAL)) or _self_subject(s):
            value += 1.5
        value -= 2.0 * (i == 0 and len(sentences) > 1)
        value -= 5.0 * s.rstrip("\"'”’)").endswith("?")
        value -= 1.0 * bool(_BACKGROUND.search(s))
        value -= 2.0 * (words < 6) + 1.0 * (words > 60)
        return value

    return max(range(len(sentences)), key=lambda i: (score(i), centrality(sentences[i]), -i))


@cache
def _proper_words() -> frozenset[str]:
    """First words of the names in vissue's gazetteers: 'Kazakhstan', 'Russian', 'Collective'."""
    words: set[str] = set()
    for name, key in (("places.json", "places"), ("actors.json", "actors")):
        data = json.loads(resources.files("vissue").joinpath("data", name).read_text(encoding="utf-8"))
        for entry in data[key]:
            words |= {alias.split()[0] for alias in entry["aliases"] if alias}
    return frozenset(words)


def _lower_first(sentence: str, context: str) -> str:
    """Lower-case a sentence's first word when it is a common word ('Poor health…'), not a name:
    a stop word, or a word the context never capitalises in mid-sentence and no gazetteer names."""
    first = sentence.split(" ", 1)[0]
    bare = first.strip(_OPENERS + ",;:")
    if not bare[:1].isupper() or (len(bare) > 1 and not bare[1:].islower()):
        return sentence
    lower = bare.lower()
    if lower not in STOPWORDS and (
            bare in _proper_words() or re.search(rf"(?<=[a-z,;] ){re.escape(bare)}\b", context)):
        return sentence
    return sentence.replace(bare, lower, 1)


_COORDINATED = re.compile(r"\b(and|or|but|then)( also)? ([a-z]+)\b")


def _coordinated(rest: str, *, from_third: bool, plural: bool) -> str:
    """Make the verbs coordinated with a replaced one agree too: '… develops X and uses it'."""
    bases = {base_form(v) for v in _RESEARCH_VERBS_3SG}

    def fix(m: re.Match[str]) -> str:
        verb = m.group(3)
        if from_third and plural and verb in _RESEARCH_VERBS_3SG:
            verb = base_form(verb)
        elif not from_third and not plural and verb in bases:
            verb = third_singular(verb)
        return f"{m.group(1)}{m.group(2) or ''} {verb}"

    return _COORDINATED.sub(fix, rest)


def _lower_first_unless(text: str, name: str, context: str) -> str:
    """Lower-case the first word after an opening clause, unless the sentence starts with a name."""
    return text if text.startswith(name) else _lower_first(text, context)


def _deictic(text: str) -> str:
    """Fix the words that point at the writer: 'this article' -> 'the article', 'our' -> 'their'."""
    text = re.sub(r"\b([Tt])his (present |current )?(" + _SELF_NOUN + r")\b",
                  lambda m: f"{m.group(1)}he {m.group(3)}", text)
    text = re.sub(r"\b([Tt])he (?:present|current) (" + _SELF_NOUN + r")\b",
                  lambda m: f"{m.group(1)}he {m.group(2)}", text)
    text = re.sub(r"(?<=\bthat )said (?=[a-z])", "the ", text)
    text = re.sub(r"\b(?:our|my)\b", "their", text)
    text = re.sub(r"\bwe\b", "they", text)
    return re.sub(r"\bus\b", "them", text)


def third_person(sentence: str, subject: str, plural: bool, *, context: str = "") -> str:
    """Turn an abstract's sentence into one about its authors, in the abstract's own words.

    "This article contends that said revision…" -> "Palazuelos and Fernández contend that the
    revision…"; "We found…" -> "… find…"; "It argues…" -> "Öge argues…"; a sentence with no
    subject to replace is reported: "Poor health was…" -> "… report that poor health was…".
    """
    s = _LABEL.sub("", sentence, count=1)
    s = _IN_THIS.sub("", s, count=1)
    s = s[:1].upper() + s[1:]
    for pattern, verb in ((_IT_PASSIVE, None), (_INFERENCE, "conclude"), (_GOAL, None),
                          (_RESULTS, None)):
        m = pattern.search(s)
        if m:
            if pattern is _GOAL:
                head = f"{subject} {_agree('set', plural)} out to {m.group('verb')} "
            else:
                found = verb or m.group("verb")
                found = PAST_TO_PRESENT.get(found, {"shown": "show"}.get(found, base_form(found)))
                found = {"indicate": "find", "reveal": "find", "confirm": "find"}.get(found, found)
                head = f"{subject} {_agree(found, plural)} that "
            return head + _deictic(s[m.end():])
    m = _self_subject(s)
    if m:
        said, verb = m.group("subject"), m.group("verb")
        adverb = f"{m.group('adv')} " if m.group("adv") else ""
        pronoun = said in _PRONOUNS
        new_verb = verb
        if not pronoun and verb in _AUXILIARIES:
            noun = said.split()[-1]
            replaced = f"{_possessive(subject)} {noun} {adverb}{verb}"
        else:
            if verb in PAST_TO_PRESENT:
                base = PAST_TO_PRESENT[verb]
            elif said in _FIRST_PERSON:
                base = {"am": "are"}.get(verb, verb)
            else:
                base = base_form(verb)
            new_verb = verb if verb in ("will", "would", "can", "could", "may", "might", "should",
                                        "must", "had", "did") else _agree(base, plural)
            replaced = f"{subject} {adverb}{new_verb}"
        before, rest = s[:m.start()], s[m.end():]
        if new_verb != verb:
            rest = _coordinated(rest, from_third=said not in _FIRST_PERSON, plural=plural)
        return before + replaced + _deictic(rest)
    rest = _CONCLUDING.sub("", s, count=1)
    verb = "conclude" if rest != s else ("report" if _FINDING_WORDS.search(s) else "note")
    rest = _CONNECTIVE.sub("", rest, count=1)
    return f"{subject} {_agree(verb, plural)} that {_deictic(_lower_first(rest, context))}"


# ---- the editorial -----------------------------------------------------------------------------

_RESPONSE = re.compile(r"\b(?:respond\w*|response|repress\w*|crack\w*|dismiss\w*|resign\w*|invit\w*|"
                       r"deploy\w*|concession\w*|emergency|curfew|arrest\w*|sanction\w*|troops|"
                       r"declared|imposed|ordered)\b", re.IGNORECASE)
_STAKES = re.compile(r"\b(?:question\w*|concern\w*|future|implication\w*|raising|renewed|threat\w*|"
                     r"fragil\w*|uncertain\w*|consequence\w*|possible)\b", re.IGNORECASE)


def condense_event(brief: EventBrief) -> list[str]:
    """Two to five of the event text's sentences, verbatim, in order: what happened, the
    response, why it matters (greedy cover of its places, actors, dates and key phrases)."""
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
    return [sentences[i] for i in sorted(chosen)]


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


def _strip_opening(text: str, theme: Theme | None) -> str:
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
    subject, plural = _introduce(work)
    sentences = split_sentences(work.abstract)
    if not sentences:
        title = smart_title(work.title or "") or "an untitled work"
        text = f"{subject} {_agree('write', plural)} on “{title}”."
        return text, [SourceSentence(work=work.id, index=-1, text=work.title or "")]
    index = choose_gist(sentences)
    text = third_person(sentences[index], subject, plural, context=work.abstract or "")
    return text, [SourceSentence(work=work.id, index=index, text=sentences[index])]


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
                    text, _introduce(by_id[work_id])[0], by_id[work_id].abstract or "")
            add(text, "theme", paragraph, theme=theme.id, works=[work_id], sources=sources)
    rest = [w for w in works if w.id not in introduced]
    if rest:
        paragraph += 1
        for n, work in enumerate(rest):
            text, sources = introduce_work(work)
            if n == 0 and kept:
                text = "In addition, " + _lower_first_unless(text, _introduce(work)[0], work.abstract or "")
            add(text, "theme", paragraph, works=[work.id], sources=sources)
    if journal.scope:
        paragraph += 1
        for text in split_sentences(journal.scope):
            add(text, "scope", paragraph)
    return out


# ---- check -------------------------------------------------------------------------------------

MIN_SUPPORT = 1.0  # share of a gist's content words that must be in its source sentence


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sentences: int = 0
    works: int = 0
    edited: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(issue: VirtualIssue, *, min_support: float = MIN_SUPPORT) -> list[str]:
    """What is wrong with an issue's editorial, one readable line a problem ([] when nothing).

    Every selected work introduced exactly once; no sentence naming a work that is not selected;
    every generated gist supported by the abstract sentence it records. Sentences an editor
    edited are held to the first two rules only.
    """
    return check_issue(issue, min_support=min_support).problems


def check_issue(issue: VirtualIssue, *, min_support: float = MIN_SUPPORT) -> CheckResult:
    result = CheckResult(sentences=len(issue.sentences), works=len(issue.works))
    works = {w.id: w for w in issue.works}
    themes = {t.id: t for t in issue.themes}
    surnames: dict[str, set[int]] = {}
    for w in issue.works:
        for a in w.authors:
            surnames.setdefault(fold(_family(a)), set()).add(w.id)
    introductions: dict[int, list[str]] = {w.id: [] for w in issue.works}
    event_text = fold(str(issue.brief.get("text", "")))
    scope_text = fold(issue.journal.scope or "")
    for s in issue.sentences:
        where = f"{s.id} ({s.part})"
        if s.edited:
            result.edited.append(s.id)
        strangers = [i for i in s.works if i not in works]
        strangers += [x.work for x in s.sources if x.work not in works and x.work not in strangers]
        for i in strangers:
            result.problems.append(f"{where} names work {i}, which is not a selected work of the issue")
        if s.part == "theme":
            for i in s.works:
                if i in introductions:
                    introductions[i].append(s.id)
            if s.theme is not None and s.theme in themes:
                for i in s.works:
                    if i in works and i not in themes[s.theme].works:
                        result.problems.append(f"{where} introduces work {i} under theme {s.theme}, "
                                               f"which does not list it")
            result.problems += _check_names(s, works, themes, surnames)
            if not s.edited:
                result.problems += _check_support(s, works, themes, min_support)
        elif s.works and s.part != "theme":
            result.problems.append(f"{where} records works {s.works}, but only theme sentences introduce works")
        elif not s.edited and s.part == "event" and fold(s.text) not in event_text:
            result.problems.append(f"{where} is not in the event text: “{s.text}”")
        elif not s.edited and s.part == "scope" and fold(s.text) not in scope_text:
            result.problems.append(f"{where} is not in the journal's scope statement: “{s.text}”")
    for work_id, ids in introductions.items():
        label = _label(works[work_id])
        if not ids:
            result.problems.append(f"work {work_id} ({label}) is not introduced in the editorial")
        elif len(ids) > 1:
            result.problems.append(f"work {work_id} ({label}) is introduced {len(ids)} times "
                                   f"({', '.join(ids)}); introduce it once")
    if result.edited:
        result.notes.append(
            f"{len(result.edited)} edited sentence(s) ({', '.join(result.edited)}): checked for "
            "introductions and names, not against the abstracts (the editor owns them)")
    return result


def _label(work: IssueWork) -> str:
    who = name_authors(work.authors) or "no authors"
    return f"{who}, “{work.title or 'untitled'}”"


def _find_words(tokens: list[tuple[str, int, int]], words: list[str]) -> int | None:
    """The index of the first token where `words` occur in a row, else None."""
    for i in range(len(tokens) - len(words) + 1):
        if all(tokens[i + j][0] == w for j, w in enumerate(words)):
            return i
    return None


def _check_names(s: Sentence, works: dict[int, IssueWork], themes: dict[str, Theme],
                 surnames: dict[str, set[int]]) -> list[str]:
    """The sentence names the authors of the works it records, and no one else, where it
    introduces them (an edited sentence: anywhere, and only authors of other selected works)."""
    where = f"{s.id} (theme)"
    problems: list[str] = []
    theme = themes.get(s.theme) if s.theme else None
    text = _strip_opening(s.text, theme)
    tokens = _tokens(text)
    end = 0
    mine = set(s.works)
    allowed: set[str] = {"et", "al"}
    for i in s.works:
        if i not in works:
            continue
        named = _introduce(works[i])[0]
        names = [w for w, _, _ in _tokens(named)]
        allowed |= set(names)
        at = _find_words(tokens, names)
        if at is None:
            problems.append(f"{where} does not name the authors of work {i} (expected “{named}”)")
        else:
            end = max(end, at + len(names))
    while 0 < end < len(tokens) and (tokens[end][0] in ("and", "et", "al")
                                     or text[tokens[end][1]:tokens[end][1] + 1].isupper()):
        end += 1  # the clause runs on to the verb: "Roberts and Yan argue"
    allowed |= {w for x in s.sources for w, _, _ in _tokens(x.text)}
    for word, start, stop in tokens if s.edited else tokens[:end]:
        if not text[start:start + 1].isupper() or word in allowed:
            continue
        others = surnames.get(word, set()) - mine
        if others:
            problems.append(f"{where} names {text[start:stop]}, an author of work {min(others)}, "
                            "but does not record that work")
        elif not s.edited:
            problems.append(f"{where} names {text[start:stop]}, who is not an author of the work(s) "
                            f"it records ({', '.join(map(str, s.works))})")
    return problems


def _check_support(s: Sentence, works: dict[int, IssueWork], themes: dict[str, Theme],
                   min_support: float) -> list[str]:
    """The gist's words are its source sentence's words, and the source is the abstract's."""
    where = f"{s.id} (theme)"
    if not s.works:
        return []
    if not s.sources:
        return [f"{where} introduces work(s) {s.works} but records no abstract sentence it rests on"]
    problems = []
    for src in s.sources:
        work = works.get(src.work)
        if work is None:
            continue
        if src.index == -1:
            truth = work.title or ""
        else:
            abstract = split_sentences(work.abstract)
            truth = abstract[src.index] if 0 <= src.index < len(abstract) else None
        if truth != src.text:
            what = "its title" if src.index == -1 else f"sentence {src.index} of its abstract"
            problems.append(f"{where}: the source recorded for work {src.work} is not {what}"
                            + ("" if truth is None else f" (“{truth}”)"))
    if problems:
        return problems
    text = _strip_opening(s.text, themes.get(s.theme) if s.theme else None)
    tokens = _tokens(text)
    gist_tokens = list(tokens)
    for i in s.works:
        if i not in works:
            continue
        names = [w for w, _, _ in _tokens(_introduce(works[i])[0])]
        at = _find_words(tokens, names)
        if at is None:
            continue
        after = at + len(names)
        if after < len(tokens) and tokens[after][0] == "s":  # possessive: "Öge’s article is…"
            after += 2
        while after < len(tokens) and tokens[after][0] in _ADVERBS:
            after += 1
        if after < len(tokens) and _stem(tokens[after][0]) in _reporting_stems():
            after += 1
            if tokens[after - 1][0] == "set" and [t[0] for t in tokens[after:after + 2]] == ["out", "to"]:
                after += 2
        gist_tokens = tokens[:at] + tokens[after:]
    words = [w for w, _, _ in gist_tokens
             if w not in STOPWORDS and w not in DEICTIC_WORDS and (len(w) > 1 or w.isdigit())]
    source_stems = {_stem(w) for src in s.sources for w, _, _ in _tokens(src.text)}
    missing = [w for w in words if _stem(w) not in source_stems]
    support = 1 - len(missing) / len(words) if words else 1.0
    if support < min_support:
        sources = ", ".join(f"work {x.work} sentence {x.index}" for x in s.sources)
        problems.append(f"{where}: gist not supported by its abstract ({sources}): "
                        f"{', '.join(dict.fromkeys(missing))} not in the source "
                        f"(support {support:.2f} < {min_support:.2f})")
    return problems
