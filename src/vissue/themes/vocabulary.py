"""A journal's theme vocabulary: the lenses its editors name themes by (its profile's `themes = FILE`).

    load_vocabulary("cpcs-lenses.toml")     # Vocabulary, or None without a file

A *lens* is a label as the journal's editors write it, a short description, cue terms and a
rank (small: early in the issue). The file is TOML or YAML:

    name = "our journal"
    [[lens]]
    label = "water and power"
    description = "Who controls rivers, dams and irrigation, and to what end."
    cues = ["water", "irrigation", "dam"]
    rank = 10

vissue ships no vocabulary of its own: without one, themes are named from the works' words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..search.semantic import Embedder, unit_rows
from ..text import fold

LENS_KEYS = ("id", "label", "description", "cues", "rank")
VOCABULARY_KEYS = ("name", "description", "lens")


@dataclass(frozen=True)
class Lens:
    id: str
    label: str
    description: str = ""
    cues: tuple[str, ...] = ()
    rank: int = 0

    def text(self) -> str:
        return f"{self.label}: {self.description}" if self.description else self.label


@dataclass
class Vocabulary:
    lenses: list[Lens]
    name: str = ""
    description: str = ""
    source: str = ""
    _vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def vectors(self, embedder: Embedder) -> np.ndarray:
        """One unit-length vector a lens: the mean of its 'label: description' and its cues."""
        if embedder.name not in self._vectors:
            texts = [lens.text() for lens in self.lenses]
            texts += [", ".join(lens.cues) or lens.label for lens in self.lenses]
            matrix = np.asarray(embedder.embed(texts), dtype=np.float32)
            n = len(self.lenses)
            self._vectors[embedder.name] = unit_rows(matrix[:n] + matrix[n:])
        return self._vectors[embedder.name]


def load_vocabulary(path: str | Path | None = None) -> Vocabulary | None:
    """A journal's lens vocabulary (TOML or YAML); None without a file: vissue has no default.

    Every problem is an InputError naming the file, the lens and the key.
    """
    if path is None:
        return None
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such vocabulary file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = _read_yaml(text, path)
    elif suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"{path}: not valid TOML ({e})") from e
    else:
        raise InputError(f"{path}: a vocabulary file is TOML (.toml) or YAML (.yaml, .yml)")
    return _parse_vocabulary(data, str(path))


def _read_yaml(text: str, path: Path) -> Any:
    try:
        import yaml
    except ImportError as e:
        raise InputError(f"{path}: reading YAML needs PyYAML: pip install pyyaml (or write the file in TOML)") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"{path}: not valid YAML ({e})") from e


def _parse_vocabulary(data: Any, source: str) -> Vocabulary:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a vocabulary has the keys {', '.join(VOCABULARY_KEYS)}")
    for key in data:
        if key not in VOCABULARY_KEYS:
            raise InputError(f"{source}: unknown key {key!r}; a vocabulary has the keys"
                             f" {', '.join(VOCABULARY_KEYS)} (each lens in a [[lens]] table)")
    entries = data.get("lens")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{source}: no lenses: give at least one [[lens]] table with a label")
    lenses: list[Lens] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}: lens {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: a lens is a table with the keys {', '.join(LENS_KEYS)}")
        if isinstance(entry.get("label"), str):
            where += f" ({entry['label']!r})"
        for key in entry:
            if key not in LENS_KEYS:
                raise InputError(f"{where}: unknown key {key!r}; a lens has the keys {', '.join(LENS_KEYS)}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise InputError(f"{where}: key 'label' is missing or empty: name the theme as an editor would")
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise InputError(f"{where}: key 'description' must be text")
        cues = entry.get("cues", [])
        if not isinstance(cues, list) or not all(isinstance(c, str) and c.strip() for c in cues):
            raise InputError(f"{where}: key 'cues' must be a list of words or phrases")
        rank = entry.get("rank", number * 10)
        if isinstance(rank, bool) or not isinstance(rank, int | float):
            raise InputError(f"{where}: key 'rank' must be a number (small: early in the argument)")
        lens_id = entry.get("id", re.sub(r"[^a-z0-9]+", "-", fold(label)).strip("-"))
        if not isinstance(lens_id, str) or not lens_id:
            raise InputError(f"{where}: key 'id' must be a short name")
        if any(lens.id == lens_id for lens in lenses):
            raise InputError(f"{where}: id {lens_id!r} is used by an earlier lens; ids must differ")
        lenses.append(Lens(lens_id, " ".join(label.split()), " ".join(description.split()),
                           tuple(" ".join(c.split()) for c in cues), int(rank)))
    name, description = data.get("name", ""), data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise InputError(f"{source}: keys 'name' and 'description' must be text")
    return Vocabulary(lenses, name, description, source)


__all__ = ["LENS_KEYS", "Lens", "Vocabulary", "load_vocabulary"]
