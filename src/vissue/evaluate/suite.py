"""An evaluation suite: many gold files at once, a row per case and the mean.

    vissue eval ../shared/data/dev-cases/ ../shared/data/seed/kazakhstan-2022/gold.json

Two kinds of case:
- a gold selection (the shape of the seed's gold.json): built from its event text through the
  same code as `vissue build`, scored by `gold.evaluate` (gold selected, recall@10/20/50,
  nDCG@20, themes where the gold has several);
- a theme mix (`{"works": [{"wos_ut" | "doi" | "title", "group"}, ...]}`, such as
  dev-cases/theme-mix.json): the works are grouped by `vissue themes`' code with the number of
  themes chosen from the data, and scored by the adjusted Rand index against `group`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..issue import IssueWork
from ..json_input import loads
from ..library.store import Library
from ..search.index import SearchIndex
from ..search.retrieve import SearchSettings
from ..themes.assign import assign_themes
from ..themes.field import library_field
from .gold import Gold, evaluate, load_gold, match_gold

#: The figures averaged over the selection cases, in the order they are printed.
MEAN_KEYS = ("selected_share", "recall@10", "recall@20", "recall@50", "ndcg@20", "theme_ari")


def case_paths(paths: list[Path]) -> list[Path]:
    """The gold files named, folders expanded to their *.json files (sorted); a clear error for
    a path that does not exist or a folder with none."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if p.is_file())
            if not files:
                raise InputError(f"{path}: a folder with no gold files (*.json) in it")
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def _read(path: Path) -> Any:
    try:
        return loads(path.read_text(encoding="utf-8-sig"), source=str(path))
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e


def check_cases(paths: list[Path]) -> list[bool]:
    """Read every case before any work starts (a bad file is an error at once, not after the
    index loads); for each, whether it is a theme mix."""
    mixes = []
    for path in paths:
        data = _read(path)
        mixes.append(is_theme_mix(data))
        if not mixes[-1]:
            load_gold(path)
    return mixes


def is_theme_mix(data: Any) -> bool:
    works = data.get("works") if isinstance(data, dict) else None
    return (isinstance(works, list) and "event" not in data
            and all(isinstance(w, dict) and "group" in w for w in works))


def evaluate_theme_mix(library: Library, index: SearchIndex, path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Group the mix's works as `vissue themes` does and compare with their groups."""
    from sklearn.metrics import adjusted_rand_score

    started = time.perf_counter()
    articles = [{"title": w.get("title") or "", "doi": w.get("doi"), "wos_ut": w.get("wos_ut"),
                 "theme": str(w["group"])} for w in data["works"]]
    gold = Gold(name=str(data.get("name") or path.stem), event="", journal=None, issn=None,
                articles=articles, themes=[])
    matched = match_gold(library, gold)
    found = [(i, a["theme"]) for i, a in zip(matched, articles, strict=True) if i is not None]
    ids = list(dict.fromkeys(i for i, _ in found))
    group_of = dict(found)
    stored = [library.get(str(i)) for i in ids]
    works = [IssueWork.from_stored(s) for s in stored]
    themes = (assign_themes(works, index.vectors(ids), embedder=index.embedder,
                            references=[s.work.references for s in stored],
                            field=library_field(library)) if works else [])
    theme_of = {w: t.id for t in themes for w in t.works}
    scored = [i for i in ids if i in theme_of]
    ari = (round(float(adjusted_rand_score([group_of[i] for i in scored], [theme_of[i] for i in scored])), 4)
           if len(scored) >= 2 else None)
    return {
        "name": gold.name, "kind": "theme-mix", "works": len(articles), "works_in_library": len(ids),
        "groups": len(set(group_of.values())), "themes_found": len(themes),
        "set_apart": len(ids) - len(scored), "theme_ari": ari,
        "themes": [{"id": t.id, "label": t.label, "works": t.works} for t in themes],
        "seconds": round(time.perf_counter() - started, 3),
    }


def evaluate_suite(
    library: Library,
    index: SearchIndex,
    paths: list[Path],
    *,
    size: int = 10,
    settings: SearchSettings | None = None,
) -> dict[str, Any]:
    """{"cases": [a row per case], "mean": {...}}: the mean is over the selection cases (the
    theme-mix ARI, where there is one, is given as `theme_mix_ari`)."""
    cases: list[dict[str, Any]] = []
    for path in case_paths(paths):
        data = _read(path)
        if is_theme_mix(data):
            cases.append(evaluate_theme_mix(library, index, path, data))
        else:
            row = evaluate(library, index, load_gold(path), size=size, settings=settings)
            row["selected_share"] = round(row["selected_gold"] / row["gold"], 4)
            cases.append(row)
    return {"cases": cases, "mean": suite_mean(cases)}


def suite_mean(cases: list[dict[str, Any]]) -> dict[str, Any]:
    selections = [c for c in cases if c["kind"] == "selection"]
    mean: dict[str, Any] = {"cases": len(selections)}
    for key in MEAN_KEYS:
        values = [c[key] for c in selections if c.get(key) is not None]
        mean[key] = round(sum(values) / len(values), 4) if values else None
    mixes = [c["theme_ari"] for c in cases if c["kind"] == "theme-mix" and c["theme_ari"] is not None]
    mean["theme_mix_ari"] = round(sum(mixes) / len(mixes), 4) if mixes else None
    return mean
