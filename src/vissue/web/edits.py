"""An editor's changes to a virtual issue: plain functions that change the document in place.

    issue = VirtualIssue.from_dict(document)
    note = apply_change(issue, {"op": "rename_theme", "theme": "t2", "label": "parties and elites"})

Every change keeps the document whole: a theme lists only works of the issue, the works are in
the order of the themes, the candidates' map says which are selected and where, and the
editorial introduces each work once. After a change to the works or the themes the editorial
is composed again (`compose.compose`), keeping every sentence an editor edited, the event and
the scope as they were; a theme's paragraph is composed anew, dropping its edits, only when the
editor asks for it (`regenerate_theme`). The editor's choices (rejected and pinned works) live
in ``issue.parameters["review"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

from ..brief.event import EventBrief
from ..editorial.compose import compose
from ..errors import InputError
from ..issue import IssueWork, Sentence, Theme, VirtualIssue

MAX_LABEL = 200
MAX_SENTENCE = 5000
MAX_TITLE = 300
REVIEW = "review"


# ---- the editor's choices ----------------------------------------------------------------------

def review_state(issue: VirtualIssue) -> dict[str, list[int]]:
    """{"pinned": [...], "rejected": [...]}: kept in the document's parameters."""
    review = issue.parameters.setdefault(REVIEW, {})
    review.setdefault("pinned", [])
    review.setdefault("rejected", [])
    return review


def is_pinned(issue: VirtualIssue, work_id: int) -> bool:
    return work_id in review_state(issue)["pinned"]


def candidate(issue: VirtualIssue, work_id: int) -> dict[str, Any] | None:
    for entry in issue.passed_over:
        if entry.get("id") == work_id:
            return entry
    return None


# ---- lookups with clear errors -----------------------------------------------------------------

def _work(issue: VirtualIssue, work_id: int) -> IssueWork:
    try:
        return issue.work(work_id)
    except KeyError:
        raise InputError(f"work {work_id} is not among the issue's selected works") from None


def _theme(issue: VirtualIssue, theme_id: str) -> Theme:
    for theme in issue.themes:
        if theme.id == theme_id:
            return theme
    known = ", ".join(f"{t.id} ({t.label})" for t in issue.themes) or "none"
    raise InputError(f"the issue has no theme {theme_id!r}; its themes are {known}")


def _clean(text: Any, what: str, limit: int) -> str:
    if not isinstance(text, str):
        raise InputError(f"{what}: expected text")
    value = " ".join(text.split())
    if not value:
        raise InputError(f"{what} is empty")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value)} characters long; at most {limit}")
    return value


def authors_label(work: IssueWork) -> str:
    names = [a.family for a in work.authors if a.family]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def short_title(title: str | None, limit: int = 60) -> str:
    title = title or "untitled"
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# ---- keeping the document whole ----------------------------------------------------------------

def _reorder_works(issue: VirtualIssue) -> None:
    """issue.works theme by theme, then the works no theme lists; each work's `theme` set."""
    by_id = {w.id: w for w in issue.works}
    ordered: list[IssueWork] = []
    for theme in issue.themes:
        theme.works = [i for i in dict.fromkeys(theme.works) if i in by_id]
        for work_id in theme.works:
            by_id[work_id].theme = theme.id
            ordered.append(by_id[work_id])
    listed = {w.id for w in ordered}
    for work in issue.works:
        if work.id not in listed:
            work.theme = None
            ordered.append(work)
    issue.works = ordered
    theme_of = {w.id: w.theme for w in issue.works}
    for point in issue.map:
        point["selected"] = point.get("id") in theme_of
        point["theme"] = theme_of.get(point.get("id"))


def _sentence_key(sentence: Sentence) -> tuple[str, tuple[int, ...]]:
    return sentence.part, tuple(sentence.works)


def recompose(issue: VirtualIssue, *, regenerate: str | None = None) -> None:
    """Compose the editorial again for the issue's works and themes as they are now.

    The event and scope sentences stay as they are; the framing sentence and each work's
    introduction are taken from the new composition unless an editor edited them. With
    `regenerate` (a theme id), that theme's sentences are all taken anew, edited or not, and
    every other sentence stays exactly as it was.
    """
    brief = EventBrief.from_dict(issue.brief, source="the issue's brief")
    fresh = compose(title=issue.title, brief=brief, journal=issue.journal, themes=issue.themes,
                    works=issue.works)
    old = issue.sentences
    if regenerate is not None:
        replaced = [s for s in fresh if s.part == "theme" and s.theme == regenerate]
        merged: list[Sentence] = []
        inserted = False
        for sentence in old:
            if sentence.part == "theme" and sentence.theme == regenerate:
                if not inserted:
                    merged.extend(replaced)
                    inserted = True
                continue
            merged.append(sentence)
        if not inserted:  # the theme had no sentences: put its paragraph where compose puts it
            merged = _insert_in_order(merged, replaced, fresh)
    else:
        edited = {_sentence_key(s): s for s in old if s.edited and s.part in ("theme", "framing")}
        merged = [s for s in old if s.part == "event"]
        for sentence in fresh:
            if sentence.part in ("event", "scope"):
                continue
            kept = edited.get(_sentence_key(sentence))
            if kept is not None:
                sentence.text, sentence.edited = kept.text, True
            merged.append(sentence)
        merged += [s for s in old if s.part == "scope"]
    for number, sentence in enumerate(merged, 1):
        sentence.id = f"s{number}"
    issue.sentences = merged


def _insert_in_order(current: list[Sentence], new: list[Sentence], fresh: list[Sentence]) -> list[Sentence]:
    """Insert a theme's new sentences before the first sentence that follows them in `fresh`."""
    if not new:
        return current
    after = fresh[fresh.index(new[-1]) + 1:]
    following = {_sentence_key(s) for s in after}
    for i, sentence in enumerate(current):
        if _sentence_key(sentence) in following or sentence.part == "scope":
            return current[:i] + new + current[i:]
    return current + new


# ---- the changes -------------------------------------------------------------------------------

def reject(issue: VirtualIssue, work_id: int) -> str:
    """Take a work out of the issue; it goes back among the passed-over candidates."""
    work = _work(issue, work_id)
    if is_pinned(issue, work_id):
        raise InputError(f"“{short_title(work.title)}” is pinned: unpin it before rejecting it")
    issue.works = [w for w in issue.works if w.id != work_id]
    for theme in issue.themes:
        theme.works = [i for i in theme.works if i != work_id]
    review = review_state(issue)
    if work_id not in review["rejected"]:
        review["rejected"].append(work_id)
    issue.passed_over = [e for e in issue.passed_over if e.get("id") != work_id]
    issue.passed_over.insert(0, {"id": work_id, "title": work.title, "reason": "rejected by the editor",
                                 "why": {k: v for k, v in work.why.items() if k != "reason"},
                                 "authors": authors_label(work), "year": work.year, "venue": work.venue,
                                 "work": asdict(work)})
    _reorder_works(issue)
    recompose(issue)
    return f"rejected “{short_title(work.title)}”"


def next_candidate(issue: VirtualIssue) -> dict[str, Any] | None:
    """The best passed-over candidate the editor has not rejected."""
    rejected = set(review_state(issue)["rejected"])
    return next((e for e in issue.passed_over if e.get("id") not in rejected), None)


def replace_rejected(issue: VirtualIssue, rejected_id: int, theme_id: str | None,
                     lookup: WorkLookup | None) -> str:
    """Put the next candidate where the rejected work was (same theme); "" when there is none."""
    entry = next_candidate(issue)
    if entry is None or (lookup is None and not isinstance(entry.get("work"), dict)):
        return ""
    work = _accepted_work(issue, entry["id"], lookup)
    gone = next((e.get("title") for e in issue.passed_over if e.get("id") == rejected_id), "")
    work.why["reason"] = f"added in place of the rejected “{short_title(gone)}”"
    theme = theme_id if theme_id and any(t.id == theme_id for t in issue.themes) else None
    accept(issue, work, theme)
    return f"; added “{short_title(work.title)}” in its place"


def accept(issue: VirtualIssue, work: IssueWork, theme_id: str | None = None) -> str:
    """Put a work (a passed-over candidate, or any work of the library) into the issue."""
    if any(w.id == work.id for w in issue.works):
        raise InputError(f"“{short_title(work.title)}” is already in the issue")
    theme = _theme(issue, theme_id) if theme_id else None
    issue.works.append(work)
    if theme is not None:
        theme.works.append(work.id)
    review = review_state(issue)
    review["rejected"] = [i for i in review["rejected"] if i != work.id]
    issue.passed_over = [e for e in issue.passed_over if e.get("id") != work.id]
    _reorder_works(issue)
    recompose(issue)
    where = f" under “{theme.label}”" if theme else ""
    return f"accepted “{short_title(work.title)}”{where}"


def pin(issue: VirtualIssue, work_id: int, pinned: bool = True) -> str:
    """A pinned work stays in the issue: it cannot be rejected until it is unpinned."""
    work = _work(issue, work_id)
    review = review_state(issue)
    review["pinned"] = [i for i in review["pinned"] if i != work_id] + ([work_id] if pinned else [])
    return f"{'pinned' if pinned else 'unpinned'} “{short_title(work.title)}”"


def move(issue: VirtualIssue, work_id: int, theme_id: str | None, position: int | None = None) -> str:
    """Move a work to another theme (None: to no theme), at `position` (default: the end)."""
    work = _work(issue, work_id)
    target = _theme(issue, theme_id) if theme_id else None
    for theme in issue.themes:
        theme.works = [i for i in theme.works if i != work_id]
    if target is not None:
        at = len(target.works) if position is None else max(0, min(position, len(target.works)))
        target.works.insert(at, work_id)
    _reorder_works(issue)
    recompose(issue)
    return f"moved “{short_title(work.title)}” to " + (f"“{target.label}”" if target else "no theme")


def rename_theme(issue: VirtualIssue, theme_id: str, label: str) -> str:
    theme = _theme(issue, theme_id)
    label = _clean(label, "the theme's name", MAX_LABEL)
    if any(t.label.casefold() == label.casefold() for t in issue.themes if t is not theme):
        raise InputError(f"another theme is already called “{label}”")
    before, theme.label = theme.label, label
    recompose(issue)
    return f"renamed theme “{before}” to “{label}”"


def reorder_themes(issue: VirtualIssue, order: list[str]) -> str:
    """Put the themes in this order (a list of every theme id once)."""
    ids = [t.id for t in issue.themes]
    if sorted(order) != sorted(ids):
        raise InputError(f"give every theme once, in the new order: {', '.join(ids)} (got {', '.join(order) or 'none'})")
    by_id = {t.id: t for t in issue.themes}
    issue.themes = [by_id[i] for i in order]
    _reorder_works(issue)
    recompose(issue)
    return "reordered the themes: " + ", ".join(f"“{t.label}”" for t in issue.themes)


def move_theme(issue: VirtualIssue, theme_id: str, offset: int) -> str:
    """Move a theme up (offset -1) or down (+1) in the order of the argument."""
    theme = _theme(issue, theme_id)
    ids = [t.id for t in issue.themes]
    i = ids.index(theme.id)
    j = max(0, min(len(ids) - 1, i + offset))
    ids.insert(j, ids.pop(i))
    reorder_themes(issue, ids)
    return f"moved theme “{theme.label}” {'up' if offset < 0 else 'down'}"


def add_theme(issue: VirtualIssue, label: str) -> str:
    label = _clean(label, "the theme's name", MAX_LABEL)
    if any(t.label.casefold() == label.casefold() for t in issue.themes):
        raise InputError(f"a theme is already called “{label}”")
    numbers = [int(t.id[1:]) for t in issue.themes if t.id[:1] == "t" and t.id[1:].isdigit()]
    issue.themes.append(Theme(id=f"t{max(numbers, default=0) + 1}", label=label, works=[],
                              rationale="added by the editor"))
    return f"added theme “{label}”"


def remove_theme(issue: VirtualIssue, theme_id: str) -> str:
    """Remove a theme; its works stay in the issue, under no theme until moved."""
    theme = _theme(issue, theme_id)
    issue.themes = [t for t in issue.themes if t is not theme]
    for point in issue.map:
        if point.get("theme") == theme.id:
            point["theme"] = None
    _reorder_works(issue)
    recompose(issue)
    return f"removed theme “{theme.label}”" + (f" ({len(theme.works)} works now under no theme)" if theme.works else "")


def edit_sentence(issue: VirtualIssue, sentence_id: str, text: str) -> str:
    """Replace a sentence's text; it is marked edited and kept through later changes."""
    text = _clean(text, "the sentence", MAX_SENTENCE)
    for sentence in issue.sentences:
        if sentence.id == sentence_id:
            sentence.text, sentence.edited = text, True
            return f"edited sentence {sentence_id}"
    raise InputError(f"the editorial has no sentence {sentence_id!r} (s1 to s{len(issue.sentences)})")


def regenerate_theme(issue: VirtualIssue, theme_id: str) -> str:
    """Compose one theme's paragraph anew (its edits dropped); every other sentence is kept."""
    theme = _theme(issue, theme_id)
    recompose(issue, regenerate=theme.id)
    return f"regenerated the paragraph on “{theme.label}”"


def set_title(issue: VirtualIssue, title: str) -> str:
    issue.title = _clean(title, "the title", MAX_TITLE)
    return f"retitled the issue “{issue.title}”"


def carry_over(old: VirtualIssue, new: VirtualIssue, *, lookup: WorkLookup) -> list[str]:
    """Keep the editor's work from `old` in `new` (the same issue built again): the review state,
    pinned works (each in place of the last work not pinned), rejected works out (the next
    candidate in place of each), and edited sentences where their place is still there."""
    review = review_state(new)
    was = review_state(old)
    review["pinned"], review["rejected"] = list(was["pinned"]), list(was["rejected"])
    notes = []
    for work_id in was["rejected"]:
        if any(w.id == work_id for w in new.works):
            theme = new.work(work_id).theme
            review["rejected"].remove(work_id)  # reject() adds it back, first among the passed over
            note = reject(new, work_id) + replace_rejected(new, work_id, theme, lookup)
            notes.append(note)
    size = len(new.works)
    for work_id in was["pinned"]:
        if any(w.id == work_id for w in new.works):
            continue
        try:
            kept = old.work(work_id)
        except KeyError:
            continue
        theme = next((t.id for t in new.themes if kept.theme and t.label == _label_of(old, kept.theme)), None)
        work = _accepted_work(new, work_id, lookup)
        work.why["reason"] = "kept: pinned by the editor"
        new.works.append(work)
        if theme:
            _theme(new, theme).works.append(work.id)
        new.passed_over = [e for e in new.passed_over if e.get("id") != work_id]
        notes.append(f"kept the pinned “{short_title(work.title)}”")
    pinned = set(review["pinned"])
    while len(new.works) > size:
        dropped = next((w for w in reversed(new.works) if w.id not in pinned), None)
        if dropped is None:
            break
        new.works = [w for w in new.works if w.id != dropped.id]
        for theme in new.themes:
            theme.works = [i for i in theme.works if i != dropped.id]
    _reorder_works(new)
    recompose(new)
    edited = {_sentence_key(s): s for s in old.sentences if s.edited}
    kept_edits = 0
    for sentence in new.sentences:
        before = edited.get(_sentence_key(sentence))
        if before is not None:
            sentence.text, sentence.edited = before.text, True
            kept_edits += 1
    if kept_edits:
        notes.append(f"kept {kept_edits} edited sentence{'s' if kept_edits > 1 else ''}")
    return ["; " + n for n in notes]


def _label_of(issue: VirtualIssue, theme_id: str) -> str | None:
    return next((t.label for t in issue.themes if t.id == theme_id), None)


# ---- one entry point for the API and the forms -------------------------------------------------

WorkLookup = Callable[[Any], IssueWork]


def apply_change(issue: VirtualIssue, change: dict[str, Any], *, lookup: WorkLookup | None = None) -> str:
    """Apply one change ({"op": ..., ...}, as `ChangeModel` in the API documents it).

    `lookup` turns a work identifier into an IssueWork for "accept" of a work that is not a
    passed-over candidate (the web app gives one that reads the library). Returns a note saying
    what changed.
    """
    op = change.get("op")
    if op == "reject":
        work_id = _work_id(issue, change.get("work"))
        theme = next((w.theme for w in issue.works if w.id == work_id), None)
        note = reject(issue, work_id)
        if change.get("replace", True):
            note += replace_rejected(issue, work_id, theme, lookup)
        return note
    if op == "accept":
        return accept(issue, _accepted_work(issue, change.get("work"), lookup), change.get("theme") or None)
    if op in ("pin", "unpin"):
        work_id = _work_id(issue, change.get("work"))
        if op == "pin" and not any(w.id == work_id for w in issue.works):
            note = accept(issue, _accepted_work(issue, work_id, lookup), change.get("theme") or None)
            return note + "; " + pin(issue, work_id)
        return pin(issue, work_id, op == "pin")
    if op == "move":
        return move(issue, _work_id(issue, change.get("work")), change.get("theme") or None, change.get("position"))
    if op == "rename_theme":
        return rename_theme(issue, str(change.get("theme")), change.get("label", ""))
    if op == "reorder_themes":
        return reorder_themes(issue, [str(x) for x in change.get("order") or []])
    if op == "move_theme":
        return move_theme(issue, str(change.get("theme")), int(change.get("offset") or 0))
    if op == "add_theme":
        return add_theme(issue, change.get("label", ""))
    if op == "remove_theme":
        return remove_theme(issue, str(change.get("theme")))
    if op == "edit_sentence":
        return edit_sentence(issue, str(change.get("sentence")), change.get("text", ""))
    if op == "regenerate_theme":
        return regenerate_theme(issue, str(change.get("theme")))
    if op == "set_title":
        return set_title(issue, change.get("title", ""))
    raise InputError(f"unknown change {op!r}; the changes are {', '.join(OPS)}")


OPS = ("reject", "accept", "pin", "unpin", "move", "rename_theme", "reorder_themes", "move_theme",
       "add_theme", "remove_theme", "edit_sentence", "regenerate_theme", "set_title")


def _work_id(issue: VirtualIssue, value: Any) -> int:
    """A work named by its library id, or by any identifier a work of the issue carries."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "").strip()
    if text.isdigit():
        return int(text)
    folded = text.casefold()
    for work in [*issue.works, *(_candidate_work(e) for e in issue.passed_over)]:
        if work is not None and any(str(v).casefold() == folded for v in work.ids.values()):
            return work.id
    raise InputError(f"no work of this issue or its candidates has the identifier {text!r}")


_WORK_FIELDS = {f.name for f in fields(IssueWork)}


def _candidate_work(entry: dict[str, Any]) -> IssueWork | None:
    data = entry.get("work")
    if not isinstance(data, dict):
        return None
    from ..issue import IssueAuthor

    values = {k: v for k, v in data.items() if k in _WORK_FIELDS}
    values["authors"] = [IssueAuthor(**a) for a in values.get("authors", [])]
    return IssueWork(**values)


def _accepted_work(issue: VirtualIssue, value: Any, lookup: WorkLookup | None) -> IssueWork:
    try:
        work_id: Any = _work_id(issue, value)
    except InputError:
        work_id = value  # an identifier of a work outside the candidates: the lookup resolves it
    entry = candidate(issue, work_id) if isinstance(work_id, int) else None
    work = _candidate_work(entry) if entry else None
    if work is None:
        if lookup is None:
            raise InputError(f"work {value!r} is not a candidate of this issue")
        work = lookup(work_id)
        entry = entry or candidate(issue, work.id)
        if entry and isinstance(entry.get("why"), dict):
            work.why = dict(entry["why"])
    reason = "accepted by the editor" + (f" (it was {entry['reason']})" if entry and entry.get("reason") else "")
    work.why = {**work.why, "reason": reason}
    work.theme = None
    return work
