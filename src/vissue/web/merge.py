"""Two editors on one issue: changes merge part by part, and a real conflict is shown, never lost.

A change names the version it was made on (`base`). When someone saved since (`latest`), the
change is applied to `latest` instead, unless the part it touches changed in between:

    clashes(base, latest, change)   # [] when the change can be applied to latest as it is
    rebase(base, latest, change)    # the change, its sentence id mapped onto latest

The parts are a sentence (by its place: part, theme and the works it speaks of), a theme's
name, the order and set of themes, a work's place in the issue (selected, theme, pinned), and
the title. `differences(old, new)` lists what differs between two versions, in an editor's
words (restore's confirmation and "changes since publish" show it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ConflictError


@dataclass
class Clash:
    """One part both editors changed: what it is, as it was, as the other editor saved it, as yours."""

    what: str
    base: str
    theirs: str
    mine: str
    op: str = ""
    sentence: str | None = None  # the sentence's id in the latest version, when it still exists


class EditConflict(ConflictError):
    """The change touches a part that someone else changed since the editor's version."""

    def __init__(self, message: str, *, issue_id: int, base_version: int, current_version: int,
                 clashes: list[Clash], change: dict[str, Any]):
        super().__init__(message, issue_id=issue_id, base_version=base_version, current_version=current_version)
        self.clashes = clashes
        self.change = change


# ---- the parts of a document ------------------------------------------------------------------

def _sentences(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc.get("editorial", {}).get("sentences", []))


def _key(sentence: dict[str, Any]) -> tuple[Any, ...]:
    return sentence.get("part"), sentence.get("theme"), tuple(sentence.get("works") or ())


def _find_sentence(doc: dict[str, Any], sentence_id: str) -> dict[str, Any] | None:
    return next((s for s in _sentences(doc) if s.get("id") == sentence_id), None)


def matching_sentence(base_sentence: dict[str, Any], latest: dict[str, Any]) -> dict[str, Any] | None:
    """The latest version's sentence in the same place as `base_sentence` (ids are renumbered
    when the editorial is composed again, so the place decides, and the id only breaks ties)."""
    same = [s for s in _sentences(latest) if _key(s) == _key(base_sentence)]
    if not same:
        return None
    return next((s for s in same if s.get("id") == base_sentence.get("id")), None) or \
        next((s for s in same if s.get("text") == base_sentence.get("text")), same[0])


def _theme(doc: dict[str, Any], theme_id: Any) -> dict[str, Any] | None:
    return next((t for t in doc.get("themes", []) if t.get("id") == theme_id), None)


def _work_state(doc: dict[str, Any], work_id: Any) -> tuple[Any, ...]:
    review = doc.get("parameters", {}).get("review", {})
    work = next((w for w in doc.get("works", []) if w.get("id") == work_id or str(w.get("id")) == str(work_id)
                 or work_id in (w.get("ids") or {}).values()), None)
    if work is None:
        return ("out", work_id in review.get("rejected", []))
    return ("in", work.get("theme"), work["id"] in review.get("pinned", []))


def _theme_order(doc: dict[str, Any]) -> list[str]:
    return [t.get("id") for t in doc.get("themes", [])]


def _label(doc: dict[str, Any], theme_id: Any) -> str:
    theme = _theme(doc, theme_id)
    return theme.get("label", "") if theme else "(removed)"


def _theme_text(doc: dict[str, Any], theme_id: Any) -> list[str]:
    return [s.get("text", "") for s in _sentences(doc) if s.get("theme") == theme_id]


# ---- a change against two versions ------------------------------------------------------------

def clashes(base: dict[str, Any], latest: dict[str, Any], change: dict[str, Any]) -> list[Clash]:
    """What `change` (made on `base`) touches that `latest` changed since; [] when it merges."""
    op = change.get("op")
    if op == "edit_sentence":
        ours = _find_sentence(base, str(change.get("sentence")))
        if ours is None:
            return []  # an unknown sentence: applying the change says so
        theirs = matching_sentence(ours, latest)
        if theirs is None:
            return [Clash("a sentence that the latest version no longer has", ours["text"], "(removed)",
                          str(change.get("text", "")), op)]
        if theirs.get("text") != ours.get("text"):
            return [Clash("this sentence", ours["text"], theirs["text"], str(change.get("text", "")), op,
                          theirs.get("id"))]
        return []
    if op == "set_title":
        if base.get("title") != latest.get("title"):
            return [Clash("the title", base.get("title", ""), latest.get("title", ""), str(change.get("title", "")), op)]
        return []
    if op == "rename_theme":
        theme = change.get("theme")
        if _label(base, theme) != _label(latest, theme):
            return [Clash("this theme's name", _label(base, theme), _label(latest, theme),
                          str(change.get("label", "")), op)]
        return []
    if op == "regenerate_theme":
        theme = change.get("theme")
        if _theme_text(base, theme) != _theme_text(latest, theme):
            return [Clash(f"the paragraph on “{_label(latest, theme)}”", " ".join(_theme_text(base, theme)),
                          " ".join(_theme_text(latest, theme)), "(written anew)", op)]
        return []
    if op in ("add_theme", "remove_theme", "reorder_themes", "move_theme"):
        if _theme_order(base) != _theme_order(latest):
            return [Clash("the list of themes", ", ".join(_label(base, t) for t in _theme_order(base)),
                          ", ".join(_label(latest, t) for t in _theme_order(latest)), _describe(change), op)]
        return []
    if op in ("reject", "accept", "pin", "unpin", "move"):
        work = change.get("work")
        if _work_state(base, work) != _work_state(latest, work):
            return [Clash("this work's place in the issue", _state_words(base, work), _state_words(latest, work),
                          _describe(change), op)]
        if op == "move" and change.get("theme") and _theme(latest, change.get("theme")) is None:
            return [Clash("the theme you moved it to", _label(base, change.get("theme")), "(removed)",
                          _describe(change), op)]
        return []
    return []


def rebase(base: dict[str, Any], latest: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The change as it applies to `latest` (a sentence is named by its id there)."""
    if change.get("op") == "edit_sentence":
        ours = _find_sentence(base, str(change.get("sentence")))
        theirs = matching_sentence(ours, latest) if ours else None
        if theirs is not None:
            return {**change, "sentence": theirs["id"]}
    return change


def _state_words(doc: dict[str, Any], work: Any) -> str:
    state = _work_state(doc, work)
    if state[0] == "out":
        return "rejected" if state[1] else "not in the issue"
    where = f"under “{_label(doc, state[1])}”" if state[1] else "in the issue, under no theme"
    return where + (", pinned" if state[2] else "")


def _describe(change: dict[str, Any]) -> str:
    op = str(change.get("op", "")).replace("_", " ")
    detail = change.get("label") or change.get("title") or ""
    return f"{op} {detail}".strip()


# ---- what differs between two versions --------------------------------------------------------

def differences(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """[{"what", "before", "after"}] for each part that differs, from `old` to `new`."""
    out: list[dict[str, str]] = []
    if old.get("title") != new.get("title"):
        out.append({"what": "Title", "before": old.get("title", ""), "after": new.get("title", "")})
    old_works = {w["id"]: w for w in old.get("works", [])}
    new_works = {w["id"]: w for w in new.get("works", [])}
    for work_id, work in new_works.items():
        if work_id not in old_works:
            out.append({"what": "Work added", "before": "", "after": work.get("title", "")})
    for work_id, work in old_works.items():
        if work_id not in new_works:
            out.append({"what": "Work taken out", "before": work.get("title", ""), "after": ""})
    old_labels = {t["id"]: t["label"] for t in old.get("themes", [])}
    new_labels = {t["id"]: t["label"] for t in new.get("themes", [])}
    for theme_id in dict.fromkeys([*old_labels, *new_labels]):
        before, after = old_labels.get(theme_id, ""), new_labels.get(theme_id, "")
        if before != after:
            out.append({"what": "Theme" if before and after else ("Theme added" if after else "Theme removed"),
                        "before": before, "after": after})
    for work_id in old_works.keys() & new_works.keys():
        before, after = old_works[work_id].get("theme"), new_works[work_id].get("theme")
        if before != after and before in old_labels and after in new_labels:
            out.append({"what": f"Moved “{new_works[work_id].get('title', '')}”",
                        "before": old_labels[before], "after": new_labels[after]})
    old_text = [s.get("text", "") for s in _sentences(old)]
    new_text = [s.get("text", "") for s in _sentences(new)]
    if old_text != new_text:
        import difflib

        matcher = difflib.SequenceMatcher(a=old_text, b=new_text, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                out.append({"what": "Editorial", "before": " ".join(old_text[i1:i2]),
                            "after": " ".join(new_text[j1:j2])})
    return out
