"""Build a virtual issue: event → brief → candidates → selection → themes → editorial → document.

`build_issue` returns the VirtualIssue; `write_issue` writes it and every render into a folder.
Same library, inputs and vissue version → the same document, byte for byte, but for `created`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .brief.event import EventBrief
from .editorial.compose import _series, compose, subject_places
from .editorial.style import load_style
from .errors import InputError
from .issue import Image, IssueWork, JournalProfile, VirtualIssue
from .library.store import Library, StoredWork
from .profile import Profile
from .search.index import SearchIndex
from .search.retrieve import Candidate, SearchSettings, resolve_journal, retrieve
from .search.selection import POOL, select
from .themes.assign import assign_themes, load_vocabulary
from .themes.field import library_field

#: What `vissue build -o DIR` writes: file name -> render format.
OUTPUTS = {
    "issue.md": "md",
    "issue.html": "html",
    "issue.ris": "ris",
    "issue.bib": "bibtex",
    "issue.csl.json": "csljson",
}


@dataclass
class BuildOptions:
    size: int = 10
    journal: str | None = None  # a venue name or ISSN; else the profile's ISSN or name
    search: SearchSettings = field(default_factory=SearchSettings)
    themes: int | None = None
    theme_names: list[str] = field(default_factory=list)
    title: str | None = None
    image: Image | None = None
    style: str | None = None


def issue_work(stored: StoredWork, candidate: Candidate, reason: str) -> IssueWork:
    why = {k: v for k, v in candidate.to_dict().items() if k not in ("title", "year", "id")}
    return IssueWork.from_stored(stored, why={**why, "reason": reason})


def _map(index: SearchIndex, candidates: list[Candidate], theme_of: dict[int, str]) -> list[dict[str, Any]]:
    """A 2-D map of the candidates (principal components of their embeddings), deterministic."""
    if len(candidates) < 3:
        return []
    vectors = index.vectors([c.id for c in candidates]).astype(np.float64)
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    axes = components[:2]
    for axis in axes:  # fix each axis's sign so the picture never flips between builds
        if axis[np.argmax(np.abs(axis))] < 0:
            axis *= -1
    points = centred @ axes.T
    spread = np.abs(points).max(axis=0)
    spread[spread == 0] = 1
    points = points / spread
    return [{"id": c.id, "x": round(float(x), 4), "y": round(float(y), 4), "theme": theme_of.get(c.id),
             "selected": c.id in theme_of, "title": c.title}
            for c, (x, y) in zip(candidates, points, strict=True)]


def issue_title(brief: EventBrief, labels: list[str], works: list[IssueWork] | None = None) -> str:
    """'Kazakhstan: political institutions and regional dynamics': the places the brief is
    about (else its first key phrase) and the first themes."""
    places = subject_places(brief, works)
    subject = _series(places) if places else (brief.key_phrases[0] if brief.key_phrases else "The event")
    subject = subject[:1].upper() + subject[1:]
    if not labels:
        return subject
    # two themes, unless a name has an "and" of its own ("… cooperation and silk road and …" reads
    # badly) or the two share a word ("energy and renewable energy")
    def content(label: str) -> set[str]:
        return set(label.lower().split()) - {"and", "of", "the", "in", "a", "an", "on", "for"}

    overlap = len(labels) > 1 and content(labels[0]) & content(labels[1])
    shown = labels[:1] if overlap or any(" and " in label for label in labels[:2]) else labels[:2]
    return f"{subject}: {_series(shown)}"


def build_issue(
    library: Library,
    index: SearchIndex,
    brief: EventBrief,
    *,
    options: BuildOptions | None = None,
    profile: Profile | None = None,
) -> VirtualIssue:
    options = options or BuildOptions()
    if options.size < 1:
        raise InputError("--size must be at least 1")
    journal = JournalProfile(**asdict(profile.journal)) if profile else JournalProfile()
    if options.style:
        journal.citation_style = options.style
    wanted = options.journal or journal.issn or journal.name
    venue_ids = resolve_journal(library, wanted) if wanted else None
    settings = options.search
    candidates = retrieve(index, brief, SearchSettings(**{**asdict(settings), "k": max(POOL, options.size)}),
                          venue_ids=venue_ids)
    if not candidates:
        raise InputError("no works in the library match this event and these filters")
    size = min(options.size, len(candidates))
    if options.themes is not None and options.themes > size:
        raise InputError(f"--themes {options.themes} is more than the {size} works selected; "
                         f"give at most {size} (or a larger --size)")
    selection = select(candidates, index.vectors([c.id for c in candidates]), size)
    works = [issue_work(library.get(str(choice.candidate.id)), choice.candidate, choice.reason)
             for choice in selection.chosen]
    if not journal.name:
        venues = [w.venue for w in works if w.venue]
        journal.name = max(sorted(set(venues)), key=venues.count) if venue_ids and venues else None
    vocabulary = load_vocabulary(profile.themes if profile else None)
    themes = assign_themes(works, index.vectors([w.id for w in works]), embedder=index.embedder,
                           count=options.themes, names=options.theme_names or None, vocabulary=vocabulary,
                           references=[library.get(str(w.id)).work.references for w in works],
                           field=library_field(library))
    theme_of = {work_id: theme.id for theme in themes for work_id in theme.works}
    for work in works:
        work.theme = theme_of.get(work.id)
    by_id = {w.id: w for w in works}
    works = [by_id[i] for theme in themes for i in theme.works]
    title = options.title or issue_title(brief, [t.label for t in themes if t.works], works)
    style = load_style(profile.editorial_style if profile else None)
    sentences = compose(title=title, brief=brief, journal=journal, themes=themes, works=works, style=style)
    return VirtualIssue(
        title=title,
        brief=brief.to_dict(),
        journal=journal,
        works=works,
        themes=themes,
        sentences=sentences,
        parameters={
            "size": options.size,
            "journal": wanted,
            "themes": options.themes,
            "theme_names": options.theme_names,
            "search": {k: v for k, v in asdict(settings).items() if k not in ("k", "journal")},
            "library_works": len(index),
            "style": style.to_dict(),
        },
        passed_over=[{"id": c.candidate.id, "title": c.candidate.title, "reason": c.reason,
                      "why": {k: v for k, v in c.candidate.to_dict().items() if k not in ("title", "id")}}
                     for c in selection.passed_over],
        image=options.image,
        map=_map(index, candidates, theme_of),
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        vissue=__version__,
    )


def write_issue(issue: VirtualIssue, folder: str | Path) -> list[Path]:
    """issue.json and every render, in `folder` (created if needed)."""
    from .render import render

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; give a folder for the output (-o DIR)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{folder}: cannot create the output folder ({e.strerror})") from e
    written = [folder / "issue.json"]
    issue.save(written[0])
    for name, fmt in OUTPUTS.items():
        path = folder / name
        path.write_text(render(issue, fmt), encoding="utf-8")
        written.append(path)
    return written
