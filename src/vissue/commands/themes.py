"""`vissue themes ID...`: group works of the library into named themes, in the order of an argument."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
from rich.markup import escape

from ..cli import cli, handle_errors, open_library, out, print_json
from ..errors import InputError
from ..issue import IssueWork
from ..library.store import Library, StoredWork
from ..search.semantic import Embedder, EmbeddingCache, hash_text, work_text
from ..themes.assign import MAX_THEMES, MIN_THEMES, assign_themes, load_vocabulary
from ..themes.field import library_field


def work_vectors(library: Library, embedder: Embedder, stored: list[StoredWork]) -> np.ndarray:
    """The works' vectors from the library's embedding cache; the few it lacks are embedded and cached."""
    texts = [work_text(s.work) for s in stored]
    hashes = [hash_text(t) for t in texts]
    with EmbeddingCache(library.path) as cache:
        found = {h: v for h, v in cache.get_many(embedder.name, hashes).items() if v.shape == (embedder.dim,)}
        missing = list(dict.fromkeys(h for h in hashes if h not in found))
        if missing:
            text_of = dict(zip(hashes, texts, strict=True))
            matrix = np.asarray(embedder.embed([text_of[h] for h in missing]), dtype=np.float32)
            cache.put_many(embedder.name, missing, matrix)
            found.update(zip(missing, matrix, strict=True))
    return np.stack([found[h] for h in hashes]).astype(np.float32)


def _authors(work: IssueWork) -> str:
    names = [a.family for a in work.authors]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


@cli.command("themes")
@click.argument("identifiers", metavar="ID...", nargs=-1, required=True)
@click.option("--themes", "count", type=int,
              help=f"Exactly this many themes (default: {MIN_THEMES}-{MAX_THEMES}, as the works call for).")
@click.option("--theme", "names", multiple=True, metavar="NAME",
              help="A theme's name; repeat it to give them all, in order: vissue assigns the works.")
@click.option("--vocabulary", type=click.Path(path_type=Path),
              help="A journal's own theme vocabulary (TOML or YAML: [[lens]] tables with label, description,"
                   " cues, rank) to name the themes by where its lenses fit.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"themes": [{"label": ..., "works": [ids...]}], "works": [...]}.')
@click.pass_context
@handle_errors
def themes_command(ctx: click.Context, identifiers: tuple[str, ...], count: int | None,
                   names: tuple[str, ...], vocabulary: Path | None, as_json: bool) -> None:
    """Group works into themes named as an editor would, in the order an argument runs.

    ID is any identifier the library knows: its id, a DOI, WOS:..., an OpenAlex id. The works
    are grouped by what they say (meaning, words, shared references) and each group is named
    from its works' keywords and titles, or by a lens of the journal's --vocabulary that fits it.
    """
    from ..search.semantic import SentenceTransformerEmbedder

    lenses = load_vocabulary(vocabulary)
    with open_library(ctx) as library:
        stored: list[StoredWork] = []
        for identifier in identifiers:
            found = library.get(identifier)
            if all(s.id != found.id for s in stored):
                stored.append(found)
        if count is not None and count > len(stored):
            raise InputError(f"--themes {count} asks for more themes than the {len(stored)} works given:"
                             f" each theme needs at least one work; give --themes {len(stored)} or fewer")
        embedder = SentenceTransformerEmbedder()
        vectors = work_vectors(library, embedder, stored)
        field = library_field(library)
    works = [IssueWork.from_stored(s) for s in stored]
    themes = assign_themes(works, vectors, embedder=embedder, count=count, names=list(names) or None,
                           vocabulary=lenses, references=[s.work.references for s in stored], field=field)
    by_id = {w.id: w for w in works}
    if as_json:
        theme_of = {i: t.id for t in themes for i in t.works}
        print_json({
            "themes": [{"id": t.id, "label": t.label, "works": t.works, "lens": t.lens, "rationale": t.rationale}
                       for t in themes],
            "works": [{"id": w.id, "ids": {"id": w.id, **w.ids}, "title": w.title, "year": w.year,
                       "authors": _authors(w), "theme": theme_of.get(w.id)} for w in works],
        })
        return
    for theme in themes:
        out.print(f"[bold]{theme.id}  {escape(theme.label)}[/]")
        for work_id in theme.works:
            work = by_id[work_id]
            out.print(f"    #{work.id:<6} {escape(_authors(work) or '-')} ({work.year or 'n.d.'}): "
                      f"{escape(work.title)}")
        out.print(f"    [dim]{escape(theme.rationale)}[/]")
