"""`vissue check`: is the editorial faithful to the works it introduces?

    problems = check(issue)          # [] when every work is introduced once, faithfully
    result = check_issue(issue)      # the problems, notes on edited sentences, counts

Every selected work is introduced exactly once, under a theme that lists it; no sentence names
a work that is not selected, or an author of a work it does not record; every generated gist is
supported by the abstract sentence recorded in its `sources` (its content words, stemmed, are
that sentence's words); the event and scope sentences are the editor's and the journal's own.
Sentences an editor edited are held to the rules on introductions and names only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issue import IssueWork, Sentence, VirtualIssue
from ..text import fold
from .compose import family_name, name_authors, name_work
from .review import Finding, review
from .sentences import (
    ADVERBS,
    DEICTIC_WORDS,
    STOPWORDS,
    reporting_stems,
    split_sentences,
    stem,
    word_tokens,
)
from .style import style_from_dict

MIN_SUPPORT = 1.0  # share of a gist's content words that must be in its source sentence


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sentences: int = 0
    works: int = 0
    edited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what an editor would fix (review)

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
    style = style_from_dict(issue.parameters.get("style"))
    style_words = style.words()
    opening = [w for w, _, _ in word_tokens(style.same_authors.split("{sentence}")[0])]  # 'In another article,'
    works = {w.id: w for w in issue.works}
    themes = {t.id: t for t in issue.themes}
    surnames: dict[str, set[int]] = {}
    for w in issue.works:
        for a in w.authors:
            surnames.setdefault(fold(family_name(a)), set()).add(w.id)
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
            result.problems += _check_names(s, works, surnames, style_words)
            if not s.edited:
                result.problems += _check_support(s, works, min_support,
                                                  style_words if len(s.works) > 1 else frozenset(), opening)
        elif s.works and s.part != "theme":
            result.problems.append(f"{where} records works {s.works}, but only theme sentences introduce works")
        elif not s.edited and s.part == "event" and fold(s.text) not in event_text:
            result.problems.append(f"{where} is not in the event text: “{s.text}”")
        elif not s.edited and s.part == "scope" and fold(s.text) not in scope_text:
            result.problems.append(f"{where} is not in the journal's scope statement: “{s.text}”")
    result.findings = review(issue)
    result.problems += [str(f) for f in result.findings]
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


def _check_names(s: Sentence, works: dict[int, IssueWork], surnames: dict[str, set[int]],
                 style_words: frozenset[str]) -> list[str]:
    """The sentence names the authors of the works it records, and no one else, where it
    introduces them (an edited sentence: anywhere, and only authors of other selected works)."""
    where = f"{s.id} (theme)"
    problems: list[str] = []
    text = s.text
    tokens = word_tokens(text)
    end = 0
    mine = set(s.works)
    allowed: set[str] = {"et", "al", *style_words}
    for i in s.works:
        if i not in works:
            continue
        named = name_work(works[i])[0]
        names = [w for w, _, _ in word_tokens(named)]
        allowed |= set(names)
        at = _find_words(tokens, names)
        if at is None:
            problems.append(f"{where} does not name the authors of work {i} (expected “{named}”)")
        else:
            end = max(end, at + len(names))
    while 0 < end < len(tokens) and (tokens[end][0] in ("and", "et", "al")
                                     or text[tokens[end][1]:tokens[end][1] + 1].isupper()):
        end += 1  # the clause runs on to the verb: "Roberts and Yan argue"
    allowed |= {w for x in s.sources for w, _, _ in word_tokens(x.text)}
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


def _check_support(s: Sentence, works: dict[int, IssueWork], min_support: float,
                   style_words: frozenset[str], opening: list[str] | None = None) -> list[str]:
    """The gist's words are its source sentence's words, and the source is the abstract's;
    opening: the words the style opens a second work by the same authors with, not the gist's."""
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
    tokens = word_tokens(s.text)
    keep = [True] * len(tokens)
    if opening and [t[0] for t in tokens[:len(opening)]] == opening:
        keep[:len(opening)] = [False] * len(opening)
    for i in s.works:
        if i not in works:
            continue
        names = [w for w, _, _ in word_tokens(name_work(works[i])[0])]
        at = _find_words(tokens, names)
        if at is None:
            continue
        after = at + len(names)
        for k in range(at, after):
            keep[k] = False
        while after < len(tokens) and tokens[after][0] in ("and", "et", "al"):
            after += 1  # the next name of a group: "Öge, Kanapyanov, and Roberts"
        if after < len(tokens) and tokens[after][0] == "s":  # possessive: "Öge’s article is…"
            after += 2
        while after < len(tokens) and tokens[after][0] in ADVERBS:
            after += 1
        if after < len(tokens) and stem(tokens[after][0]) in reporting_stems():
            keep[after] = False
            after += 1
            if tokens[after - 1][0] == "set" and [t[0] for t in tokens[after:after + 2]] == ["out", "to"]:
                keep[after:after + 2] = [False, False]
    gist_tokens = [t for t, k in zip(tokens, keep, strict=True) if k]
    words = [w for w, _, _ in gist_tokens
             if w not in STOPWORDS and w not in DEICTIC_WORDS and w not in style_words
             and (len(w) > 1 or w.isdigit())]
    source_stems = {stem(w) for src in s.sources for w, _, _ in word_tokens(src.text)}
    missing = [w for w in words if stem(w) not in source_stems]
    support = 1 - len(missing) / len(words) if words else 1.0
    if support < min_support:
        sources = ", ".join(f"work {x.work} sentence {x.index}" for x in s.sources)
        problems.append(f"{where}: gist not supported by its abstract ({sources}): "
                        f"{', '.join(dict.fromkeys(missing))} not in the source "
                        f"(support {support:.2f} < {min_support:.2f})")
    return problems
