"""The editorial's style: its templates and connectives, in a file a journal can replace.

    style = load_style()                    # vissue's own (vissue/data/style.toml)
    style = load_style("cpcs-style.toml")   # a journal's: its keys over vissue's

The composer writes only with these words (and the records' own); `vissue check` allows them
beside a gist's source words, so a style that slipped a claim into a template would make every
issue say it: keep templates to connectives, reporting verbs and words about the collection.
"""

from __future__ import annotations

import contextlib
import re
import string
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

_DEFAULT = "style.toml"


@dataclass(frozen=True)
class Style:
    name: str = "vissue"
    framing: str = ""
    framing_about: str = ""
    collection_journal: str = ""
    collection_journals: str = ""
    collection_library: str = ""
    tie: str = ""
    tie_no_focus: str = ""
    lead_in_first: tuple[str, ...] = ()
    lead_in: tuple[str, ...] = ()
    lead_in_related: tuple[str, ...] = ()
    lead_in_last: tuple[str, ...] = ()
    lead_in_one: tuple[str, ...] = ()
    grouped: tuple[str, ...] = ()
    same_authors: str = "{sentence}"
    counts: tuple[str, ...] = ()
    report_claim: str = "argue"
    report_finding: str = "find"
    report_plain: str = "note"
    gist_words: int = 25
    max_gist_words: int = 32
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def count_word(self, n: int) -> str:
        """2 -> 'two' (the style's words), beyond them 'several'."""
        return self.counts[n - 1] if 0 < n <= len(self.counts) else "several"

    def words(self) -> frozenset[str]:
        """Every word the style's templates write (placeholders left out), folded."""
        from .sentences import word_tokens

        texts = [v for f in fields(self) if f.name not in ("name", "extra")
                 for v in _texts(getattr(self, f.name))]
        return frozenset(w for t in texts for w, _, _ in word_tokens(re.sub(r"\{\w+\}", " ", t)))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in fields(self) if f.name != "extra"}


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [v for v in value if isinstance(v, str)]
    return []


_KEYS = {f.name: f for f in fields(Style) if f.name != "extra"}
#: The placeholders each template may use (the composer fills these and no others); a key not
#: listed takes none. same_authors must hold {sentence}: it is the sentence it opens.
_PLACEHOLDERS = {
    "framing": {"collection", "about", "themes"}, "framing_about": {"place"},
    "collection_journal": {"journal"}, "collection_journals": {"count"}, "collection_library": {"library"},
    "tie": {"subject", "focus"}, "tie_no_focus": {"subject"},
    **{key: {"label", "count"} for key in ("lead_in_first", "lead_in", "lead_in_related", "lead_in_last",
                                            "lead_in_one")},
    "grouped": {"count", "names", "phrase"}, "same_authors": {"sentence"},
}
_REQUIRED = {"same_authors": {"sentence"}}


def _check_placeholders(key: str, template: str, source: str) -> None:
    """A clear error for a template the composer cannot fill: an unknown or broken placeholder."""
    allowed = _PLACEHOLDERS.get(key, set())
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as e:  # a lone '{' or '}'
        raise InputError(f"{source}: '{key}' has a broken placeholder ({e}); write a brace as '{{{{' or '}}}}'") from e
    unknown = sorted(used - allowed)
    if unknown:
        known = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
        raise InputError(f"{source}: '{key}' uses {{{unknown[0]}}}, which vissue does not fill; "
                         f"its placeholders are {known}")
    missing = _REQUIRED.get(key, set()) - used
    if missing:
        raise InputError(f"{source}: '{key}' must hold {{{sorted(missing)[0]}}}")


def _parse(data: dict[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            raise InputError(f"{source}: unknown style key '{key}'; the keys are {', '.join(_KEYS)}")
        default = getattr(Style(), key)
        if isinstance(default, tuple):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                raise InputError(f"{source}: '{key}' must be a list of strings (templates)")
            for template in value:
                _check_placeholders(key, template, source)
            out[key] = tuple(value)
        elif isinstance(default, int):
            if not isinstance(value, int) or value < 1:
                raise InputError(f"{source}: '{key}' must be a positive whole number")
            out[key] = value
        else:
            if not isinstance(value, str):
                raise InputError(f"{source}: '{key}' must be a string (in quotes)")
            _check_placeholders(key, value, source)
            out[key] = value
    return out


@cache
def _default() -> dict[str, Any]:
    text = resources.files("vissue").joinpath("data", _DEFAULT).read_text(encoding="utf-8")
    return _parse(tomllib.loads(text), f"vissue/data/{_DEFAULT}")


def load_style(path: str | Path | None = None) -> Style:
    """vissue's style, or a journal's file of it (its keys replace vissue's)."""
    values = dict(_default())
    if path is not None:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise InputError(f"{path}: no such style file") from e
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{path}: cannot be read ({e})") from e
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"{path}: not a valid TOML style ({e})") from e
        values.update(_parse(data, str(path)))
    return Style(**values)


def style_from_dict(data: Any) -> Style:
    """The style an issue recorded (its `parameters["style"]`), else vissue's."""
    values = dict(_default())
    if isinstance(data, dict):
        with contextlib.suppress(InputError):  # an issue edited by hand: vissue's own style
            values.update(_parse(data, "the issue's style"))
    return Style(**values)
