"""Sentences: splitting a text into them, their words, and retelling an abstract's sentence.

    split_sentences(abstract)                      # the abstract's sentences, verbatim
    choose_gist(sentences)                         # the index of its claim or finding
    third_person(sentence, "Öge", plural=False)    # "This article contends…" -> "Öge contends…"

`split_sentences` is a rule-based splitter that knows abbreviations, initials, brackets and
enumerations; the editorial (``compose``) and its check (``verify``) both use it, so a source
index always points at the same sentence. `third_person` keeps the abstract's own words: it
turns the subject into the authors, makes the verbs agree, and fixes the words that point at
the writer ('this article', 'our', 'we').
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

from ..text import fold


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
def stem(word: str) -> str:
    import Stemmer  # PyStemmer: Snowball, as the lexical index uses

    return str(_STEMMER.setdefault("en", Stemmer.Stemmer("english")).stemWord(word))


_STEMMER: dict[str, Any] = {}


def word_tokens(text: str) -> list[tuple[str, int, int]]:
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
    return [w for w, _, _ in word_tokens(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


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


def agree(base: str, plural: bool) -> str:
    return base if plural else third_singular(base)


def _match_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


@cache
def _stems(words: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words)


def reporting_stems() -> frozenset[str]:
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
# What a work is worth or draws on, not what it shows: 'the conclusions provide an important
# reference for …', 'the discussion draws on existing research', 'avenues for future research'.
_WORTH = re.compile(
    r"\b(?:(?:important|useful|valuable|scientific|theoretical|practical) (?:reference|basis|foundation|"
    r"guidance|significance)|draws? (?:\w+ )?on (?:the )?(?:existing|previous|prior) (?:research|literature|"
    r"studies|work)|(?:future|further) research)\b", re.IGNORECASE)
# What a work supposes, or what others said, not what it shows: 'the main hypothesis of the research
# is …', 'we anticipate two possible effects', 'many studies have examined …' (its finding may be
# the opposite: 'we did not find a correlation').
CONJECTURE = re.compile(
    r"\b(?:hypothes[ie]s|hypothesi[sz]e[sd]?|(?:we|they|authors?) (?:expect|anticipate)|anticipates?"
    r" (?:\w+ )?possible|it is (?:often|commonly|widely|generally) (?:argued|believed|assumed|held)|"
    r"conventional wisdom)\b"
    # others' work as the sentence's subject ('Many studies have examined …'), not a clause the
    # work builds on ('Building upon prior works …, this article examines …')
    r"|^(?:(?:Many|Several|Numerous|Most|Previous|Prior|Existing|Earlier|Recent) (?:studies|scholars|researchers|"
    r"analysts|works|accounts)|(?:The|Existing|Previous) literature)\b", re.IGNORECASE)
# What a study did, not what it found: 'data for the article came from …', 'the goal was to explore …'.
_PROCESS = re.compile(
    r"\b(?:(?:the |our |their )?(?:data|material|materials|evidence|sample|dataset)(?: for (?:the|this) \w+)?"
    r" (?:came|comes|come|was|were|is|are) (?:drawn |collected |gathered |obtained )?(?:from|through|by means)|"
    r"the (?:goal|aim|purpose|objective) (?:was|is) to (?:explore|examine|investigate|study|analy[sz]e|"
    r"understand|identify|assess|answer|describe|discuss)|attempts? to answer the questions?)\b", re.IGNORECASE)
_SELF_NOUN = (r"(?:article|paper|study|essay|research|analysis|work|chapter|book|contribution|review|"
              r"piece|note|investigation|report|project|survey|thesis|dissertation|text)")
_SELF_ADJ = (r"(?:(?:comparative|empirical|qualitative|quantitative|present|current|theoretical|"
             r"exploratory|short|brief|new|case|research)\s+)?")
ADVERBS = ("also", "further", "furthermore", "then", "therefore", "thus", "first", "finally", "additionally", "moreover",
            "specifically", "empirically")
_ADVERB = r"(?:(?P<adv>" + "|".join(ADVERBS) + r")\s+)?"
_SUBJECT = re.compile(
    r"(?:^|(?<=, )|(?<=; ))(?P<subject>(?:[Tt]his|[Oo]ur|[Mm]y)\s+" + _SELF_ADJ + _SELF_NOUN
    + r"|[Tt]he\s+(?:present\s+|current\s+)?(?:article|paper|study|essay|chapter|book|thesis|dissertation)"
    + r"|[Tt]he authors?|[Ww]e|I|It)\s+" + _ADVERB + r"(?P<verb>[a-z]+)\b")
_IT_PASSIVE = re.compile(
    r"^It (?:is|was|has been) (?P<verb>argued|shown|suggested|found|concluded|demonstrated|contended|determined|"
    r"established|revealed|observed) that\s+")
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
    "verifies contributes undertakes engages sheds looks asks applies builds calculates estimates measures "
    "quantifies")


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
    return rank_gists(sentences)[0]


_NUMBER = re.compile(r"\d")


def rank_gists(sentences: list[str]) -> list[int]:
    """The abstract's sentences, best gist first (see `choose_gist`): claims and findings
    before methods and background; number dumps ('271.88 x 10(8) m(3)/y') and questions last."""
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
        value -= 5.0 * bool(_WORTH.search(s))  # below a plain sentence, whatever claim word it has
        value -= 5.0 * bool(CONJECTURE.search(s)) + 5.0 * bool(_PROCESS.search(s))  # so are these
        value -= 2.0 * (words < 6) + 1.0 * (words > 60)
        value -= 3.0 * (sum(1 for w in s.split() if _NUMBER.search(w)) >= 3)
        return value

    return sorted(range(len(sentences)), key=lambda i: (-score(i), -centrality(sentences[i]), i))


@cache
def _proper_words() -> tuple[frozenset[str], frozenset[str]]:
    """The names of vissue's gazetteers: (names of one word: 'Kazakhstan', 'Russian'; first words
    of longer names: 'Collective', 'New')."""
    alone: set[str] = set()
    first: set[str] = set()
    for name, key in (("places.json", "places"), ("actors.json", "actors")):
        data = json.loads(resources.files("vissue").joinpath("data", name).read_text(encoding="utf-8"))
        for entry in data[key]:
            for alias in entry["aliases"]:
                words = alias.split()
                if words:
                    (alone if len(words) == 1 else first).add(words[0])
    return frozenset(alone), frozenset(first)


def lower_first(sentence: str, context: str) -> str:
    """Lower-case a sentence's first word when it is a common word ('Poor health…'), not a name:
    a stop word, or a word the context never capitalises in mid-sentence and no gazetteer names."""
    first = sentence.split(" ", 1)[0]
    bare = first.strip(_OPENERS + ",;:")
    if not bare[:1].isupper() or (len(bare) > 1 and not bare[1:].islower()):
        return sentence
    bare = re.sub(r"['’]s$", "", bare)  # 'Uzbekistan's first law': the name is 'Uzbekistan'
    lower = bare.lower()
    alone, first_of = _proper_words()
    rest = sentence.split(" ", 2)[1:2]
    named = bare in alone or (bare in first_of and bool(rest) and rest[0][:1].isupper())  # 'New Zealand', not 'New investments'
    if lower not in STOPWORDS and (named or re.search(rf"(?<=[a-z,;] ){re.escape(bare)}\b", context)):
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


def _deictic(text: str) -> str:
    """Fix the words that point at the writer: 'this article' -> 'the article', 'our' -> 'their'."""
    text = re.sub(r"\b([Tt])his (present |current )?(" + _SELF_NOUN + r")\b",
                  lambda m: f"{m.group(1)}he {m.group(3)}", text)
    text = re.sub(r"\b([Tt])he (?:present|current) (" + _SELF_NOUN + r")\b",
                  lambda m: f"{m.group(1)}he {m.group(2)}", text)
    text = re.sub(r"\b(?:our|my)\b", "their", text)
    text = re.sub(r"\bwe\b", "they", text)
    return re.sub(r"\bus\b", "them", text)


def third_person(sentence: str, subject: str, plural: bool, *, context: str = "") -> str:
    """Turn an abstract's sentence into one about its authors, in the abstract's own words.

    "This article contends that the revision…" -> "Palazuelos and Fernández contend that the
    revision…" ("said revision" stays: it points back, and review finds it dangling); "We found…" -> "… find…"; "It argues…" -> "Öge argues…"; a sentence with no
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
                head = f"{subject} {agree('set', plural)} out to {m.group('verb')} "
            else:
                found = verb or m.group("verb")
                found = PAST_TO_PRESENT.get(found, {"shown": "show"}.get(found, base_form(found)))
                found = {"indicate": "find", "reveal": "find", "confirm": "find", "determined": "find",
                         "established": "establish"}.get(found, found)
                head = f"{subject} {agree(found, plural)} that "
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
                                        "must", "had", "did") else agree(base, plural)
            replaced = f"{subject} {adverb}{new_verb}"
        before, rest = s[:m.start()], s[m.end():]
        if new_verb != verb:
            rest = _coordinated(rest, from_third=said not in _FIRST_PERSON, plural=plural)
        return before + replaced + _deictic(rest)
    rest = _CONCLUDING.sub("", s, count=1)
    verb = "conclude" if rest != s else ("report" if _FINDING_WORDS.search(s) else "note")
    rest = _CONNECTIVE.sub("", rest, count=1)
    return f"{subject} {agree(verb, plural)} that {_deictic(lower_first(rest, context))}"
