"""vissue at scale: libraries resampled from the real WoS export, measured step by step.

    python benchmarks/scale.py [--works 2795 100000] [--folder DIR] [--queries 30]
                               [--embedder minilm-static] [--sample 256] [--ingest-only]

For each size: the library is made (2,795: the real export as it is; larger: works resampled
from it with titles, ids, years and abstracts perturbed, and one in fifty a near-duplicate of
an earlier one with no identifier, so dedupe has real work) and its figures reported:
- ingest: records a second through the store (records already parsed: readers are apart);
- embed: texts a second of the embedder that makes the index's vectors; by default a
  **stand-in**, the static distillation of the real model (same tokens, 256 dimensions), since
  the real model would take hours here; the real model's rate on `--sample` texts is measured
  in the same run and the hours it would need are printed beside it;
- index build: seconds to build the main index from cached vectors;
- search: in a fresh process, `retrieve()` p50 and p99 over the dev-case and seed event texts
  (query vectors embedded beforehand: the figure is the search, not the model), resident
  memory after the searches (the stand-in model loaded) and the real model's share measured
  on top, and the cost of adding 10 works: ingest + index refresh + a search that finds them;
- disk: the library folder's size.
The 2,795-work row is the baseline: later rows are also given as multiples of it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def real_works():
    from vissue.readers import read_path
    from vissue.work import Work

    files = sorted((DATA / "wos-central-asia").glob("*.txt"))
    return [r for f in files for r in read_path(f).records() if isinstance(r, Work)]


def resampled(works, count: int, seed: int, start: int = 0):
    """`count` works perturbed from the real ones, one at a time (a million are never all in
    memory): every 50th a near-duplicate of an earlier one. Work i is drawn from its own random
    stream (seed, i), so an earlier work is made again when a near-duplicate needs it."""
    pool = [w for work in works for w in (work.title or "").split() if len(w) > 3]

    def made(i: int):
        rng = np.random.default_rng([seed, i])
        if i > start and i % 50 == 49:
            twin = made(start + int(rng.integers(i - start)))
            return replace(twin, title=(twin.title or "") + ".", ids={}, origin=None)
        source = works[int(rng.integers(len(works)))]
        title = (source.title or "study").split()
        for _ in range(2):
            title[int(rng.integers(len(title)))] = pool[int(rng.integers(len(pool)))]
        abstract = (source.abstract or "").split()
        for _ in range(min(3, len(abstract))):
            abstract[int(rng.integers(len(abstract)))] = pool[int(rng.integers(len(pool)))]
        year = source.year + int(rng.integers(-3, 4)) if source.year else None
        return replace(source, title=" ".join(title), abstract=" ".join(abstract), year=year,
                       ids={"doi": f"10.5555/scale.{i}"}, origin=None, early_access=False)

    return (made(i) for i in range(start, start + count))


def ingest_works(library, works, chunk: int = 10_000) -> tuple[float, dict]:
    """Seconds the store took to ingest `works` (made `chunk` at a time, outside the timing),
    in one `bulk()` as `vissue ingest` and `vissue fetch` write their whole input (a bulk()
    a chunk would drop SQLite's page cache between chunks and read it again); the copy of
    the log into the database at the end of it is timed too."""
    from vissue.library.ingest import FileReport, ingest_records

    report = FileReport(file="resampled")
    seconds, works = 0.0, iter(works)
    with library.bulk():
        while made := list(itertools.islice(works, chunk)):
            started = time.perf_counter()
            ingest_records(library, made, report)
            seconds += time.perf_counter() - started
        started = time.perf_counter()
    seconds += time.perf_counter() - started
    return seconds, {"added": report.added, "merged": report.merged}


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (VmHWM: its peak; unlike getrusage's maxrss, which
    Linux carries over from the parent through fork and exec, it is this program's own)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def events() -> list[str]:
    paths = [p for p in sorted((DATA / "dev-cases").glob("*.json")) if p.name != "theme-mix.json"]
    paths.append(DATA / "seed" / "kazakhstan-2022" / "gold.json")
    return [json.loads(p.read_text())["event"] for p in paths]


def search_process(folder: str, embedder_name: str, queries: int) -> None:
    """In a fresh process: open the index, search, add 10 works; print the figures as JSON."""
    from vissue.brief.event import brief_from_text
    from vissue.library.store import Library
    from vissue.search.embedders import make_embedder
    from vissue.search.index import SearchIndex
    from vissue.search.retrieve import EXCLUDED_TYPES, SearchSettings, event_vector, retrieve

    embedder = make_embedder(embedder_name)
    started = time.perf_counter()
    with Library(folder, create=False) as library:
        index = SearchIndex.open(library, embedder)
    opened = time.perf_counter() - started
    texts = (events() * queries)[:queries]
    briefs = [brief_from_text(t) for t in texts]
    vectors = [event_vector(index, b) for b in briefs]
    retrieve(index, briefs[0], SearchSettings(k=20), query_vector=vectors[0])  # warm the pages
    times = []
    for brief, vector in zip(briefs, vectors, strict=True):
        begun = time.perf_counter()
        retrieve(index, brief, SearchSettings(k=20), query_vector=vector)
        times.append(time.perf_counter() - begun)
    rss = rss_mb()
    peak = rss_mb("VmHWM")
    with Library(folder, create=False) as library:  # works this library has never seen, even on --reuse
        fresh = library.count()
    new = list(resampled(real_works(), 10, seed=fresh, start=10_000_000 + fresh))
    # the work searched for afterwards: a kind search returns (an editorial never is a hit), and a
    # word of its own in its title, as a real new work has (a resampled library holds hundreds of
    # near-twins of each real title, which may fill the first 50 of a search by the title alone)
    at = next(i for i, w in enumerate(new) if w.doc_type not in EXCLUDED_TYPES and w.ids)
    new[at] = replace(new[at], title=f"{new[at].title} Probeword{fresh}")
    probe = new[at]
    begun = time.perf_counter()
    with Library(folder, create=False) as library:
        ingest_works(library, new)
        index.refresh(library)
    brief = brief_from_text(probe.title)  # its title: the work itself in the first 50
    hits = retrieve(index, brief, SearchSettings(k=50))
    add10 = time.perf_counter() - begun
    with Library(folder, create=False) as library:
        found = probe.ids["doi"] in {library.get(str(h.id)).work.ids.get("doi") for h in hits}
    before_model = rss_mb()
    from vissue.search.semantic import SentenceTransformerEmbedder

    SentenceTransformerEmbedder().embed(["the real model, loaded"])
    print(json.dumps({"open_s": opened, "p50_ms": 1000 * float(np.percentile(times, 50)),
                      "p99_ms": 1000 * float(np.percentile(times, 99)), "rss_mb": rss, "peak_mb": peak,
                      "model_mb": rss_mb() - before_model, "add10_s": add10, "added_found": found}))


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def measure(size: int, root: Path, works, args) -> dict:
    from vissue.library.ingest import ingest
    from vissue.library.store import Library
    from vissue.search.embedders import make_embedder
    from vissue.search.index import SearchIndex
    from vissue.search.semantic import embed_works

    folder = root / f"library-{size}"
    reuse = args.reuse and (folder / "library.sqlite").exists()
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
    row: dict = {"works": size}
    with Library(folder) as library:
        if reuse:  # made by an earlier run: its ingest is not measured again
            seconds, counts, read = float("nan"), {"added": library.count(), "merged": 0}, 1
        elif size == len(works):  # the real export, as it is
            files = [*sorted((DATA / "wos-central-asia").glob("*.txt"))]
            started = time.perf_counter()
            report = ingest(library, files)
            seconds = time.perf_counter() - started
            counts = {"added": report.total("added"), "merged": report.total("merged")}
            read = sum(f.read for f in report.files)
        else:  # streamed: made 10,000 at a time as the store takes them
            seconds, counts = ingest_works(library, resampled(works, size, seed=size))
            read = size
        row.update(ingest_rps=read / seconds, **counts)
        if args.ingest_only:
            row.update(stored=library.count(), disk_mb=folder_mb(folder))
            return row
        embedder = make_embedder(args.embedder)
        embedder.embed(["load"])
        started = time.perf_counter()
        embed_works(library, embedder)
        row["embed_tps"] = library.count() / (time.perf_counter() - started)
        started = time.perf_counter()
        SearchIndex.open(library, embedder)
        row["build_s"] = time.perf_counter() - started
        row["stored"] = library.count()
    done = subprocess.run([sys.executable, __file__, "--search-process", str(folder), "--embedder",
                           args.embedder, "--queries", str(args.queries)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode:
        sys.exit(f"the search process failed:\n{done.stderr[-3000:]}")
    row.update(json.loads(done.stdout.strip().splitlines()[-1]))
    row["disk_mb"] = folder_mb(folder)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, nargs="+", default=[2795, 100_000])
    parser.add_argument("--folder", help="where the libraries are made (default: a temporary folder)")
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--embedder", default="minilm-static", help="embedder of the index's vectors")
    parser.add_argument("--sample", type=int, default=128, help="texts the real model embeds for its rate")
    parser.add_argument("--keep", action="store_true", help="keep the libraries")
    parser.add_argument("--reuse", action="store_true",
                        help="use the libraries an earlier --keep run left in --folder (ingest not measured)")
    parser.add_argument("--ingest-only", action="store_true",
                        help="measure ingest alone (records/s, works stored, disk): minutes, not hours")
    parser.add_argument("--search-process", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.search_process:
        search_process(args.search_process, args.embedder, args.queries)
        return
    if not DATA.exists():
        sys.exit(f"shared data not found at {DATA}: nothing to measure")
    from vissue.search.semantic import SentenceTransformerEmbedder, work_text

    works = real_works()
    sizes = [len(works) if s == 2795 else s for s in args.works]
    root = Path(args.folder or tempfile.mkdtemp(prefix="vissue-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.ingest_only:
        try:
            for size in sizes:
                rows.append(measure(size, root, works, args))
                print(f"  measured {size:,} works: {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        print(f"load average {os.getloadavg()[0]:.1f} at the end\n\n| works | ingest records/s | stored (merged) | disk MB |\n|---|---|---|---|")
        for r in rows:
            print(f"| {r['works']:,} | {r['ingest_rps']:,.0f} | {r['stored']:,} ({r['merged']:,}) | {r['disk_mb']:,.0f} |")
        return
    texts = [work_text(w) for w in works if w.abstract][: args.sample]
    model = SentenceTransformerEmbedder()
    model.embed(texts[:4])
    started = time.perf_counter()
    model.embed(texts)
    real_rate = len(texts) / (time.perf_counter() - started)
    try:
        for size in sizes:
            rows.append(measure(size, root, works, args))
            print(f"  measured {size:,} works: {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(root, ignore_errors=True)
    base = rows[0]
    hours = " · ".join(f"{r['works']:,} works ≈ {r['works'] / real_rate / 3600:.1f} h" for r in rows)
    print(f"vectors: {args.embedder} (stand-in, labelled); the real model (all-MiniLM-L6-v2 fp32)"
          f" embeds {real_rate:.1f} texts/s here: {hours}")
    print("\n| works | ingest records/s | stored (merged) | embed texts/s (stand-in) | index build s |"
          " search p50 ms | p99 ms | RSS MB (+ real model) | add 10 works s | disk MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['works']:,} | {r['ingest_rps']:,.0f} | {r['stored']:,} ({r['merged']:,}) |"
              f" {r['embed_tps']:,.0f} | {r['build_s']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
              f" {r['rss_mb']:,.0f} (+{r['model_mb']:,.0f}) | {r['add10_s']:.2f}"
              f"{'' if r['added_found'] else ' (not found!)'} | {r['disk_mb']:,.0f} |")
    for r in rows[1:]:
        print(f"\n{r['works']:,} works against {base['works']:,}: ×{r['works'] / base['works']:.0f} works;"
              f" search p50 ×{r['p50_ms'] / base['p50_ms']:.1f}, RSS ×{r['rss_mb'] / base['rss_mb']:.1f},"
              f" add 10 ×{r['add10_s'] / base['add10_s']:.1f}, ingest rate ×{r['ingest_rps'] / base['ingest_rps']:.2f},"
              f" disk ×{r['disk_mb'] / base['disk_mb']:.0f}")


if __name__ == "__main__":
    main()
