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
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..brief.event import brief_from_text
from ..build import BuildOptions, build_issue
from ..errors import InputError, NotFoundError
from ..ids import normalize_doi, normalize_wos
from ..json_input import loads
from ..library.store import Library
from ..search.index import SearchIndex
from ..search.retrieve import SearchSettings, event_vector, resolve_journal, retrieve
from ..text import title_key
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


def ndcg(ranked: list[int], relevant: set[int], total: int, k: int = 20) -> float:
    """Normalised discounted cumulative gain at k, binary relevance; `total` relevant works exist."""
    gain = sum(1 / math.log2(i + 2) for i, work in enumerate(ranked[:k]) if work in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, total)))
    return round(gain / ideal, 4) if ideal else 0.0


def evaluate(
    library: Library,
    index: SearchIndex,
    gold: Gold,
    *,
    size: int = 10,
    settings: SearchSettings | None = None,
) -> dict[str, Any]:
    """Build the issue from the gold event text alone, as `vissue build` does, and compare it
    with the gold articles: the selection, the ranking (recall@k, nDCG@20) and the themes."""
    started = time.perf_counter()
    settings = settings or SearchSettings()
    matched = match_gold(library, gold)
    gold_ids = {i for i in matched if i is not None}
    brief = brief_from_text(gold.event)
    vector = event_vector(index, brief)
    venue_ids = gold_venues(library, gold)

    def recalls(ranked: list[int]) -> dict[str, float]:
        return {**{f"recall@{k}": round(len(gold_ids & set(ranked[:k])) / len(gold.articles), 4) for k in KS},
                "ndcg@20": ndcg(ranked, gold_ids, len(gold.articles))}

    ranked = retrieve(index, brief, settings, venue_ids=venue_ids, query_vector=vector, all_ranked=True)
    unfiltered = retrieve(index, brief, settings, query_vector=vector, all_ranked=True) if venue_ids else ranked
    options = BuildOptions(size=size, journal=gold.issn or gold.journal, search=settings)
    issue = build_issue(library, index, brief, options=options)
    selected = [w.id for w in issue.works]
    titles = {c.id: c.title for c in ranked}
    gold_themes = {i: a["theme"] for a, i in zip(gold.articles, matched, strict=True)
                   if i in selected and a.get("theme")}
    agreement = theme_agreement(gold_themes, issue.themes, gold.themes, index.embedder)
    if len({a.get("theme") for a in gold.articles}) < 2:  # one gold theme: no grouping to compare
        agreement["theme_ari"] = None
    result: dict[str, Any] = {
        "name": gold.name,
        "kind": "selection",
        "gold": len(gold.articles),
        "gold_in_library": len(gold_ids),
        "size": size,
        "journal": gold.journal or gold.issn,
        "candidates": len(ranked),
        "selected_gold": len([i for i in selected if i in gold_ids]),
        **recalls([c.id for c in ranked]),
        "unfiltered": {"candidates": len(unfiltered), **recalls([c.id for c in unfiltered])},
        **agreement,
        "themes": [{"id": t.id, "label": t.label, "works": t.works} for t in issue.themes],
        "selected": [{"id": i, "title": titles.get(i), "gold": i in gold_ids,
                      "gold_theme": gold_themes.get(i)} for i in selected],
        "missed": [a["title"] for a, i in zip(gold.articles, matched, strict=True)
                   if i is None or i not in selected],
        "not_in_library": [a["title"] for a, i in zip(gold.articles, matched, strict=True) if i is None],
    }
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
