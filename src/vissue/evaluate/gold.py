"""`vissue eval`: build from a gold virtual issue's event text and compare with the editors' choice.

A gold file has the shape of the seed's gold.json: `event` (the editor's text), `journal` and/or
`issn` (optional: the candidates are then that venue's works), `articles` (each with `title`, and
`doi` / `wos_ut` where known, and the `theme` the editors put it in) and, optionally,
`themes_in_editorial_order`. Gold articles are matched to library works by identifier, else by
normalised title.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..brief.event import brief_from_text
from ..errors import InputError, NotFoundError
from ..ids import normalize_doi, normalize_wos
from ..issue import IssueWork
from ..json_input import loads
from ..library.store import Library
from ..search.index import SearchIndex
from ..search.retrieve import SearchSettings, event_vectors, resolve_journal, retrieve
from ..search.selection import select
from ..text import title_key
from ..themes.assign import assign_themes
from .themes import theme_agreement

KS = (10, 20, 50)


@dataclass
class Gold:
    name: str
    event: str
    journal: str | None
    issn: str | None
    articles: list[dict[str, Any]]
    themes: list[str]


def load_gold(path: str | Path) -> Gold:
    """Read and check a gold file; every problem is an InputError naming the file and the field."""
    path = Path(path)
    try:
        data = loads(path.read_text(encoding="utf-8-sig"), source=str(path))
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot be read ({e})") from e
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    if not isinstance(data, dict):
        raise InputError(f"{path}: a gold file is a JSON object with 'event' and 'articles'")
    event = data.get("event")
    if not isinstance(event, str) or not event.strip():
        raise InputError(f"{path}: field 'event' is missing or empty: give the editor's account of the event")
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        raise InputError(f"{path}: field 'articles' is missing or empty: list the gold articles")
    for number, article in enumerate(articles, start=1):
        if not isinstance(article, dict) or not str(article.get("title") or "").strip():
            raise InputError(f"{path}: article {number} has no 'title'")
    themes = data.get("themes_in_editorial_order") or []
    return Gold(name=str(data.get("name") or path.stem), event=event, journal=data.get("journal"),
                issn=data.get("issn"), articles=articles, themes=[str(t) for t in themes])


def match_gold(library: Library, gold: Gold) -> list[int | None]:
    """The library id of each gold article (None when the library lacks it)."""
    by_title: dict[str, int] = {}
    for entry in library.catalogue():
        by_title.setdefault(title_key(entry["title"]), entry["id"])
    found: list[int | None] = []
    for article in gold.articles:
        work_id = None
        for value in (normalize_doi(article.get("doi")), normalize_wos(article.get("wos_ut"))):
            if value and work_id is None:
                with contextlib.suppress(NotFoundError):
                    work_id = library.get(value).id
        found.append(work_id if work_id is not None else by_title.get(title_key(article["title"])))
    return found


def gold_venues(library: Library, gold: Gold) -> set[int] | None:
    """The venues of the gold's journal (by ISSN, else by name); None when it names none."""
    if gold.issn:
        with contextlib.suppress(InputError):
            return resolve_journal(library, gold.issn)
    return resolve_journal(library, gold.journal) if gold.journal else None


def evaluate(
    library: Library,
    index: SearchIndex,
    gold: Gold,
    *,
    size: int = 10,
    settings: SearchSettings | None = None,
) -> dict[str, Any]:
    """Build the selection from the gold event text alone and compare it with the gold articles."""
    started = time.perf_counter()
    settings = settings or SearchSettings()
    matched = match_gold(library, gold)
    gold_ids = {i for i in matched if i is not None}
    brief = brief_from_text(gold.event)
    vectors = event_vectors(index, brief)
    venue_ids = gold_venues(library, gold)

    def recalls(ranked: list[int]) -> dict[str, float]:
        return {f"recall@{k}": round(len(gold_ids & set(ranked[:k])) / len(gold.articles), 4) for k in KS}

    ranked = retrieve(index, brief, settings, venue_ids=venue_ids, query_vectors=vectors, all_ranked=True)
    unfiltered = retrieve(index, brief, settings, query_vectors=vectors, all_ranked=True) if venue_ids else ranked
    selection = select(ranked, index.vectors([c.id for c in ranked[:max(50, size)]]), size)
    titles = {c.id: c.title for c in ranked}
    selected_gold = [i for i in selection.ids if i in gold_ids]
    works = [IssueWork.from_stored(library.get(str(i))) for i in selection.ids]
    themes = assign_themes(works, index.vectors(selection.ids), embedder=index.embedder)
    gold_themes = {i: a["theme"] for a, i in zip(gold.articles, matched, strict=True)
                   if i in selection.ids and a.get("theme")}
    agreement = theme_agreement(gold_themes, themes, gold.themes, index.embedder)
    result: dict[str, Any] = {
        "name": gold.name,
        "gold": len(gold.articles),
        "gold_in_library": len(gold_ids),
        "size": size,
        "journal": gold.journal or gold.issn,
        "candidates": len(ranked),
        "selected_gold": len(selected_gold),
        **recalls([c.id for c in ranked]),
        "unfiltered": {"candidates": len(unfiltered), **recalls([c.id for c in unfiltered])},
        **agreement,
        "themes": [{"id": t.id, "label": t.label, "works": t.works} for t in themes],
        "selected": [{"id": i, "title": titles.get(i), "gold": i in gold_ids,
                      "gold_theme": gold_themes.get(i)} for i in selection.ids],
        "missed": [a["title"] for a, i in zip(gold.articles, matched, strict=True)
                   if i is None or i not in selection.ids],
        "not_in_library": [a["title"] for a, i in zip(gold.articles, matched, strict=True) if i is None],
    }
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
