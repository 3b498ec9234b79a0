"""`vissue index`: build or refresh the library's search index, on a device, with progress."""

from __future__ import annotations

import time

import click

from ..cli import cli, handle_errors, open_library, out, print_json
from ..search.embedders import (
    DEFAULT_EMBEDDER,
    DEVICES,
    EMBEDDERS,
    choose_embedder,
    library_embedder,
)
from ..search.index import index_folder


@cli.command("index")
@click.option("--embedder", "embedder_name", type=click.Choice(list(EMBEDDERS)),
              help=f"Embed the works with this model from now on (kept in the library; default {DEFAULT_EMBEDDER};"
                   " minilm for --device cuda).")
@click.option("--device", default="cpu", show_default=True,
              help=f"Where the model runs: {', '.join(DEVICES)} (cuda:N for the Nth GPU).")
@click.option("--rebuild", is_flag=True, help="Rebuild the main index even when it is current.")
@click.option("--json", "as_json", is_flag=True, help="Print the index's figures as JSON.")
@click.pass_context
@handle_errors
def index_command(ctx: click.Context, embedder_name: str | None, device: str, rebuild: bool, as_json: bool) -> None:
    """Build the search index of the library, or bring it up to date.

    Works that the embedding cache lacks are embedded in batches on --device, with the rate and
    the time left shown. Works added since the last build go to a small delta, merged into the
    main index when it grows; --rebuild merges now. Search, build, eval and serve use the index
    and the embedder chosen here.
    """
    from ..cli import _open_index

    with open_library(ctx) as library:
        if embedder_name:
            choose_embedder(library.path, embedder_name)
        embedder = library_embedder(library.path, device=device)
        folder = index_folder(library.path, embedder.name)
        if rebuild:
            (folder / "manifest.json").unlink(missing_ok=True)
        started = time.perf_counter()
        index = _open_index(library, quiet=as_json, embedder=embedder)
        seconds = time.perf_counter() - started
    figures = {"works": len(index), "main": len(index.main.columns.ids), "delta": len(index.delta.columns.ids),
               "embedder": embedder.name, "device": device, "hnsw": index.main.vectors.ann is not None,
               "folder": str(folder), "seconds": round(seconds, 2)}
    if as_json:
        print_json(figures)
        return
    out.print(f"{figures['works']} works indexed with {embedder.name} ({figures['main']} in the main index,"
              f" {figures['delta']} in the delta; vectors {'HNSW' if figures['hnsw'] else 'scanned exactly'})"
              f" in {seconds:.1f} s: {folder}")
