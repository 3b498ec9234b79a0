"""Adding records to the library a batch at a time, with the result of adding them one by one.

A batch reads what it needs of the store in few statements (the sources it already holds, the
works its identifiers name), holds the works it adds or changes, and writes them at the end, a
statement per table for the whole batch. Each record is still compared with everything stored
before it, the works of its own batch included: the identifier a work gained, the title a merge
gave it are seen by the records after it, exactly as when each record is written before the next
is read (`Library.add` is a batch of one).

Part of the store (`library.store`): the only other module that knows the store is SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..text import title_key
from ..work import Work
from . import dedupe, rows
from .rows import AddResult

if TYPE_CHECKING:
    from .store import Library, StoredWork

CHUNK = 500  # values bound to one IN (…) list


@dataclass
class _Held:
    """A work this batch adds or changes, as the store will hold it once written."""

    row: tuple[Any, ...]  # (id, data, provenance, venue_id, venue name) as Library._SELECT reads it
    work: Work
    key: str
    author: str
    doi: str | None  # dedupe.doi_key of its DOI
    added: str
    updated: str
    new: bool  # not in the store before this batch (else an update)


class Batch:
    """One batch of records for `Library.add_many`: `add` each in order, then `write`."""

    def __init__(self, library: Library, works: Sequence[Work]):
        self.library, self.db = library, library.db
        # (work, data, raw text, its hash, title key, first author key) of each record
        self.records: list[tuple[Work, dict[str, Any], str, str, str, str]] = []
        for work in works:
            origin = work.origin
            data = work.to_dict()
            # without source text, the data as sorted JSON: the text libraries made before hashed
            raw = origin.raw if origin else json.dumps(data, sort_keys=True)
            fmt = origin.format if origin else "api"
            self.records.append((work, data, raw, rows.text_hash(fmt, raw), title_key(work.title),
                                 dedupe.first_author_key(work)))
        self.known_hashes = self._stored_sources([r[3] for r in self.records])
        self.known_ids = self._stored_identifiers([p for r in self.records for p in r[0].work_ids()])
        self.next_work_id = int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM works").fetchone()[0])
        self.held: dict[int, _Held] = {}
        self.by_title: dict[str, set[int]] = {}  # held works by title key, and by first author's
        self.by_author: dict[str, set[int]] = {}
        self.sources: list[tuple[Any, ...]] = []
        self.identifiers: list[tuple[str, str, int]] = []

    # -- what the store held before the batch -----------------------------------------------

    def _stored_sources(self, hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            found.update(self.db.execute(
                f"SELECT raw_hash, work_id FROM sources WHERE raw_hash IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def _stored_identifiers(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The lowest work id of each identifier stored (a merge may give two works one id)."""
        by_scheme: dict[str, list[str]] = {}
        for scheme, value in dict.fromkeys(pairs):
            by_scheme.setdefault(scheme, []).append(value)
        found: dict[tuple[str, str], int] = {}
        for scheme, values in by_scheme.items():
            for start in range(0, len(values), CHUNK):
                chunk = values[start : start + CHUNK]
                rows = self.db.execute(  # a range of the primary key (scheme, value, work_id) each
                    f"SELECT value, min(work_id) FROM identifiers WHERE scheme = ?"
                    f" AND value IN ({','.join('?' * len(chunk))}) GROUP BY value", [scheme, *chunk])
                found.update(((scheme, value), work_id) for value, work_id in rows)
        return found

    # -- one record ---------------------------------------------------------------------------

    def add(self, index: int) -> AddResult:
        """Add the batch's record `index` (records are added in order)."""
        work, data, raw, raw_hash, key, author = self.records[index]
        if raw_hash in self.known_hashes:
            return AddResult("unchanged", self.known_hashes[raw_hash])
        match = self._find_match(work, key, author)
        source_id = self.library._next_source_id()
        if match is None:
            provenance = {k: source_id for k, v in data.items() if v not in (None, "", [], {})}
            work_id = self.next_work_id
            self.next_work_id += 1
            self._hold(work_id, work, data, provenance, key, author, new=True)
            result = AddResult("added", work_id)
        else:
            merged = dedupe.merge(match.work, match.provenance, work, source_id)
            if merged.changed:
                old = self.held.get(match.id)
                self._hold(match.id, merged.work, merged.work.to_dict(), merged.provenance,
                           title_key(merged.work.title), dedupe.first_author_key(merged.work),
                           new=bool(old and old.new), added=old.added if old else None)
            result = AddResult("merged", match.id)
        self._source(source_id, result.work_id, work, raw, raw_hash)
        self._identifiers(result.work_id, work)
        return result

    def _find_match(self, work: Work, key: str, author: str) -> StoredWork | None:
        """The stored work (or work of this batch) a record is a record of."""
        for pair in work.work_ids():  # the first of its identifiers (WORK_SCHEMES order) a work has
            if pair in self.known_ids:
                return self._load(self.known_ids[pair])
        if not key:
            return None
        rows = self.db.execute(*block_query(key, author, work.year, dedupe.doi_key(work.ids.get("doi")))).fetchall()
        # A work this batch holds is judged by what it holds now, not by its stored columns.
        candidates = {row[0] for row in rows if row[0] not in self.held}
        low, high = dedupe.title_length_bounds(key)
        for held_id in self.by_title.get(key, set()) | self.by_author.get(author, set()):
            held = self.held[held_id]
            if _in_block(held, key, author, work.year, low, high):
                candidates.add(held_id)
        for candidate_id in sorted(candidates):
            candidate = self._load(candidate_id)
            if dedupe.same_work(candidate.work, work):
                return candidate
        return None

    def _load(self, work_id: int) -> StoredWork:
        held = self.held.get(work_id)
        if held is None:
            return self.library._load(work_id)
        return self.library._stored(held.row)

    def _hold(self, work_id: int, work: Work, data: dict[str, Any], provenance: dict[str, int], key: str,
              author: str, *, new: bool, added: str | None = None) -> None:
        old = self.held.get(work_id)
        if old:
            self.by_title[old.key].discard(work_id)
            self.by_author[old.author].discard(work_id)
        venue_id = self.library._venue_id(work.venue)
        now = rows.now()
        self.held[work_id] = _Held((work_id, rows.dumps(data), rows.dumps(provenance), venue_id, None), work, key,
                                   author, dedupe.doi_key(work.ids.get("doi")), added or now, now, new)
        self.by_title.setdefault(key, set()).add(work_id)
        self.by_author.setdefault(author, set()).add(work_id)

    def _source(self, source_id: int, work_id: int, work: Work, raw: str, raw_hash: str) -> None:
        origin = work.origin
        self.sources.append((source_id, work_id, origin.file if origin else "", origin.position if origin else "",
                             origin.format if origin else "api", raw, raw_hash, rows.now()))
        self.library._known["source_id"] = source_id + 1
        self.known_hashes[raw_hash] = work_id

    def _identifiers(self, work_id: int, work: Work) -> None:
        for scheme, value in work.identifiers():
            self.identifiers.append((scheme, value, work_id))
            pair = (scheme, value)
            self.known_ids[pair] = min(work_id, self.known_ids.get(pair, work_id))

    # -- the writes ---------------------------------------------------------------------------

    # `changed` is the generation the write makes: the trigger on works adds one to it after.
    _NEXT_GENERATION = "(SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'generation')"

    def write(self) -> None:
        """Write what the batch added and changed: works first (sources and identifiers name them)."""
        new = [h for h in self.held.values() if h.new]
        changed = [h for h in self.held.values() if not h.new]
        self.db.executemany(
            "INSERT INTO works (id, title, title_key, author_key, doi_key, year, doc_type, venue_id, data,"
            " provenance, added, updated, changed)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {self._NEXT_GENERATION})",
            [(h.row[0], h.work.title, h.key, h.author, h.doi, h.work.year, h.work.doc_type.value, h.row[3],
              h.row[1], h.row[2], h.added, h.updated) for h in new])
        self.db.executemany(
            "UPDATE works SET title = ?, title_key = ?, author_key = ?, doi_key = ?, year = ?, doc_type = ?,"
            f" venue_id = ?, data = ?, provenance = ?, updated = ?, changed = {self._NEXT_GENERATION} WHERE id = ?",
            [(h.work.title, h.key, h.author, h.doi, h.work.year, h.work.doc_type.value, h.row[3], h.row[1],
              h.row[2], h.updated, h.row[0]) for h in changed])
        self.db.executemany(
            "INSERT INTO sources (id, work_id, file, position, format, raw, raw_hash, ingested)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.sources)
        self.db.executemany("INSERT OR IGNORE INTO identifiers (scheme, value, work_id) VALUES (?, ?, ?)",
                            self.identifiers)


def block_query(key: str, author: str, year: int | None, doi: str | None) -> tuple[str, list[Any]]:
    """The stored works a record without a shared identifier may duplicate (an id may
    come twice: the caller sorts them); `doi` is the record's dedupe.doi_key.

    Two blocks, each a range of an index (migrations 5 and 6): the same normalised title with a
    compatible first author (dedupe.first_authors_match), or the same first author with a
    title of a length and closeness that can match (dedupe.titles_match); both without a
    year more than one apart, which dedupe.why_different never lets match, and in the author
    block without another DOI (nor does it), which the index tells before any title is
    compared. These are conditions `dedupe.same_work` requires, so every work that can match
    one of the blocks is a candidate: none is skipped, however common the surname or large the
    library.
    """
    low, high = dedupe.title_length_bounds(key)
    years = "" if year is None else " AND (year IS NULL OR year BETWEEN ? AND ?)"
    around = [] if year is None else [year - 1, year + 1]
    parts = [f"SELECT id FROM works WHERE title_key = ?{years} AND vissue_authors_match(author_key, ?)"]
    params: list[Any] = [key, *around, author]
    if author:
        # SQLite tests these in the order written: the DOI, read from the index, before the title
        same_doi = "" if doi is None else " AND (doi_key IS NULL OR doi_key = ?)"
        close = f" AND length(title_key) BETWEEN ? AND ?{same_doi} AND vissue_titles_match(title_key, ?)"
        close_params = [low, high, *([] if doi is None else [doi]), key]
        if year is None:
            parts.append(f"SELECT id FROM works WHERE author_key = ?{close}")
            params += [author, *close_params]
        else:  # years as an IN list and NULL: the title length is then a range of the index
            parts.append(f"SELECT id FROM works WHERE author_key = ? AND year IN (?, ?, ?){close}")
            parts.append(f"SELECT id FROM works WHERE author_key = ? AND year IS NULL{close}")
            params += [author, year - 1, year, year + 1, *close_params, author, *close_params]
    return " UNION ALL ".join(parts), params

def _in_block(held: _Held, key: str, author: str, year: int | None, low: int, high: int) -> bool:
    """Whether `block_query` would find this work among a record's candidates: the same
    conditions on the work's title key, first author and year, here in Python (the DOI, which
    the index tests to save comparing titles, is left to `dedupe.same_work`)."""
    other = held.work.year
    if year is not None and other is not None and abs(other - year) > 1:
        return False
    if held.key == key and dedupe.first_authors_match(held.author, author):
        return True
    return bool(author) and held.author == author and low <= len(held.key) <= high \
        and dedupe.titles_match(held.key, key)
