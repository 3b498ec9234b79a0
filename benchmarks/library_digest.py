"""A digest of what a library holds, to check that two codes stored the same thing.

Works in id order (their merged data, the source that gave each field, their sources), the
rejects, venues and their keys; ingest times are left out. Two libraries made from the same
input by two versions of vissue have the same digest when they added, merged and rejected
alike.

    python benchmarks/library_digest.py LIBRARY_FOLDER...
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys


def digest(folder: str) -> dict:
    db = sqlite3.connect(f"file:{folder}/library.sqlite?mode=ro", uri=True)
    source_hash = dict(db.execute("SELECT id, raw_hash FROM sources"))
    sources: dict[int, list[str]] = {}
    for work_id, raw_hash in db.execute("SELECT work_id, raw_hash FROM sources ORDER BY id"):
        sources.setdefault(work_id, []).append(raw_hash)
    total = hashlib.sha256()
    works = 0
    for row in db.execute("SELECT id, data, provenance, title_key, author_key, year FROM works ORDER BY id"):
        work_id, data, provenance, *keys = row
        provenance = {name: source_hash[source] for name, source in json.loads(provenance).items()}
        total.update(json.dumps([json.loads(data), provenance, sources.get(work_id), *keys], sort_keys=True).encode())
        works += 1
    for row in db.execute("SELECT file, position, field, reason, raw_hash FROM rejects ORDER BY id"):
        total.update(json.dumps(row).encode())
    venue_keys = sorted(db.execute("SELECT k.key, v.name, v.issn, v.eissn FROM venue_keys k JOIN venues v ON v.id = k.venue_id"))
    total.update(json.dumps(venue_keys).encode())
    counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("sources", "rejects", "venues", "identifiers")}
    db.close()
    return {"folder": folder, "works": works, **counts, "sha256": total.hexdigest()[:16]}


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        print(json.dumps(digest(folder)))
