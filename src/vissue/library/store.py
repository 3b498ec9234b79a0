"""The library: one folder holding an SQLite database of works, their sources and rejects.

Nothing outside this module and `batch` (records written a batch at a time) knows the store is
SQLite. Writes happen inside `transaction()`: a process killed in the middle leaves the library
as it was at the last commit.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConflictError, InputError, LibraryError, NotFoundError
from ..ids import normalize_issn, parse_identifier
from ..text import is_shouting, name_list, smart_title, venue_key
from ..work import Reject, Venue, Work
from . import dedupe, rows
from .batch import Batch
from .migrations import migrate
from .rows import AddResult

DB_NAME = "library.sqlite"
DEFAULT_DIR = Path("~/.local/share/vissue/library")
BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache while ingesting (it takes what it touches)
# Pages of log (1 GB at 4 KB) between copies into the database while ingesting: a dedupe index
# page that many batches change in between is copied once (at a million works, 15% more records
# a second than with 64 MB, where the disk's writes were the limit).
BULK_CHECKPOINT_PAGES = 262144


def default_library_dir() -> Path:
    """VISSUE_LIBRARY, else ~/.local/share/vissue/library (XDG_DATA_HOME respected)."""
    if os.environ.get("VISSUE_LIBRARY"):
        return Path(os.environ["VISSUE_LIBRARY"]).expanduser()
    if os.environ.get("XDG_DATA_HOME"):
        return Path(os.environ["XDG_DATA_HOME"]) / "vissue" / "library"
    return DEFAULT_DIR.expanduser()


_venue_key = functools.lru_cache(maxsize=65536)(venue_key)  # records of one journal spell it alike


# What the database refuses to hold (text that cannot be encoded, a number beyond 64 bits, JSON
# too deep to write): the record is then rejected with the reason.
_UNSTORABLE = (UnicodeError, OverflowError, RecursionError, sqlite3.InterfaceError)


def _storable_int(value: int) -> bool:
    """Whether SQLite can hold the number (a 64-bit signed integer): a larger id names nothing."""
    return -(2 ** 63) <= value < 2 ** 63


@dataclass
class StoredWork:
    """A work as the library holds it: its id, the merged record, and where it came from."""

    id: int
    work: Work
    venue_id: int | None = None
    provenance: dict[str, int] = field(default_factory=dict)
    venue_name: str | None = None  # the venue's name as the library shows it (one for all spellings)

    def ids(self) -> dict[str, Any]:
        """Identifiers for JSON output: the library id plus every work identifier."""
        return {"id": self.id, **self.work.ids}

    def summary(self) -> dict[str, Any]:
        """A work as lists show it (`vissue works --json`, search hits, the web app's lists)."""
        work = self.work
        return {
            "id": self.id,
            "ids": self.ids(),
            "title": work.title,
            "authors": [a.display for a in work.authors],
            "authors_short": name_list([a.family for a in work.authors]),
            "year": work.year,
            "venue": self.venue_name or work.venue.name,
            "doc_type": work.doc_type.value,
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.work.to_dict()
        data["venue"]["display_name"] = self.venue_name
        return {"id": self.id, "ids": self.ids(), **{k: v for k, v in data.items() if k != "ids"}}


@dataclass
class IssueVersion:
    """One saved version of a virtual issue: the whole document, and what changed to make it."""

    issue_id: int
    version: int
    document: dict[str, Any]  # the VirtualIssue as VirtualIssue.to_dict() gives it
    note: str = ""
    author: str = ""
    created: str = ""
    restored_from: int | None = None  # the earlier version an undo copied

    def summary(self) -> dict[str, Any]:
        """The version without its document (for history listings)."""
        return {"issue": self.issue_id, "version": self.version, "note": self.note, "author": self.author,
                "created": self.created, "restored_from": self.restored_from,
                "title": self.document.get("title", "")}


class Library:
    """A library folder. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True):
        self.path = Path(path).expanduser() if path is not None else default_library_dir()
        db_path = self.path / DB_NAME
        if self.path.exists() and not self.path.is_dir():
            raise LibraryError(f"{self.path}: is a file, not a library folder")
        if not db_path.exists():
            if not create:
                raise LibraryError(
                    f"no library at {self.path}: ingest some records first (vissue ingest FILE…)"
                )
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LibraryError(f"{self.path}: cannot create the library folder ({e.strerror})") from e
        try:
            self.db = sqlite3.connect(db_path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.create_function("vissue_titles_match", 2, dedupe.titles_match, deterministic=True)
            self.db.create_function("vissue_authors_match", 2, dedupe.first_authors_match, deterministic=True)
            migrate(self.db)
        except sqlite3.DatabaseError as e:
            raise LibraryError(f"{db_path}: not a usable library database ({e})") from e
        # What this connection knows of the database between its writes (the next source id,
        # venues by key); valid while no other connection has written (PRAGMA data_version).
        self._known: dict[str, Any] = {}
        self._data_version: int | None = None
        self._bulk = False  # inside bulk()

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together, or not at all.

        Inside another transaction it is a savepoint: an error rolls back what was written
        inside it only, and the caller decides whether the rest stands.
        """
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK TO nested")
                self.db.execute("RELEASE nested")
                self._known.clear()
                raise
            self.db.execute("RELEASE nested")
            return
        self.db.execute("BEGIN IMMEDIATE")
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:  # another connection wrote since: forget what was known
            self._known.clear()
            self._data_version = version
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._known.clear()
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many writes to come (an ingest): a page cache large enough for the indexes they
        update (a million works' dedupe and identifier indexes are ~400 MB), and the log copied
        into the database every BULK_CHECKPOINT_PAGES rather than every 4 MB: an index page
        changed by many batches in between is copied once, and each copy ends with an fsync (a
        commit is as safe either way). At the end the log is copied and emptied, as far as
        readers let it without waiting, and the usual settings come back. Nested, the outermost
        one does this."""
        if self._bulk:
            yield
            return
        cache = self.db.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = self.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.db.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        self.db.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
            self.db.execute(f"PRAGMA cache_size = {cache}")
            self.db.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
            if not self.db.in_transaction:  # the log copied and emptied, as far as readers let it now
                timeout = self.db.execute("PRAGMA busy_timeout").fetchone()[0]
                self.db.execute("PRAGMA busy_timeout = 0")
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.db.execute(f"PRAGMA busy_timeout = {timeout}")

    # -- writing -----------------------------------------------------------------------------

    def add(self, work: Work) -> AddResult:
        """Add one record: a new work, merged into the work it duplicates, or already known.

        A record the database cannot hold (text that cannot be encoded, a number too large)
        raises InputError and writes nothing.
        """
        result = self.add_many([work])[0]
        if isinstance(result, InputError):
            raise result
        return result

    def add_many(self, works: Sequence[Work]) -> list[AddResult | InputError]:
        """Add records in order, with the results `add` gives one after another: each is
        compared with the works stored before it, its batch's included (`library.batch`); the
        writes are a few statements for the whole batch.

        A record the database cannot hold is an InputError in its place and the others are
        written: the batch is then written again a record at a time, each in its own savepoint.
        """
        with self.transaction():
            try:
                with self.transaction():
                    return self._write_batch(works)
            except _UNSTORABLE:
                pass
            results: list[AddResult | InputError] = []
            for work in works:
                try:
                    with self.transaction():
                        results.append(self._write_batch([work])[0])
                except _UNSTORABLE as e:
                    results.append(InputError(f"the record cannot be stored ({type(e).__name__}: {e})"))
            return results

    def _write_batch(self, works: Sequence[Work]) -> list[AddResult]:
        writing = Batch(self, works)
        results = [writing.add(i) for i in range(len(works))]
        writing.write()
        return results

    def add_reject(self, reject: Reject) -> bool:
        """Record a rejected record; False when the same rejection is already recorded."""
        raw_hash = rows.text_hash(reject.file, reject.position, reject.reason, reject.raw)
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO rejects (file, position, field, reason, raw, raw_hash, ingested)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (reject.file, reject.position, reject.field, reject.reason, reject.raw, raw_hash, rows.now()),
            )
        return cursor.rowcount > 0

    def log_ingest(self, file: str, fmt: str | None, counts: dict[str, int], started: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO ingests (file, format, started, finished, read, added, merged, rejected)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (file, fmt, started, rows.now(), counts.get("read", 0), counts.get("added", 0),
                 counts.get("merged", 0), counts.get("rejected", 0)),
            )

    def _next_source_id(self) -> int:
        """The id the next source row gets (the largest so far + 1, as SQLite would choose)."""
        if "source_id" not in self._known:
            self._known["source_id"] = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM sources").fetchone()[0]
        return int(self._known["source_id"])

    def _venue_id(self, venue: Venue) -> int | None:
        """The venue a record's journal/book belongs to (the first of its keys, ISSNs then name,
        that names one), created or extended as needed; each of its keys then names a venue.

        What this connection has read or written of venues is kept (`_known`): a record of a
        known venue that adds nothing to it costs no query.
        """
        issn, eissn = normalize_issn(venue.issn), normalize_issn(venue.eissn)
        keys = [f"issn:{i.lower()}" for i in (issn, eissn) if i]
        name_key = _venue_key(venue.name) if venue.name else ""
        if name_key:
            keys.append(f"name:{name_key}")
        if not keys:
            return None
        by_key: dict[str, int | None] = self._known.setdefault("venue_keys", {})
        rows: dict[int, tuple[Any, ...]] = self._known.setdefault("venues", {})
        for key in keys:
            if key not in by_key:
                row = self.db.execute("SELECT venue_id FROM venue_keys WHERE key = ?", (key,)).fetchone()
                by_key[key] = row[0] if row else None
        venue_id = next((by_key[k] for k in keys if by_key[k] is not None), None)
        if venue_id is None:
            cased = bool(venue.name) and not is_shouting(venue.name)
            name = smart_title(venue.name) if venue.name else None
            cursor = self.db.execute(
                "INSERT INTO venues (name, name_cased, issn, eissn) VALUES (?, ?, ?, ?)",
                (name, cased, issn, eissn),
            )
            venue_id = int(cursor.lastrowid or 0)
            rows[venue_id] = (name, int(cased), issn, eissn)
        else:
            if venue_id not in rows:
                rows[venue_id] = self.db.execute(
                    "SELECT name, name_cased, issn, eissn FROM venues WHERE id = ?", (venue_id,)).fetchone()
            old_name, old_cased, old_issn, old_eissn = rows[venue_id]
            cased = not old_cased and bool(venue.name) and not is_shouting(venue.name)  # else unused
            renamed = old_name is None or cased
            new = (smart_title(venue.name) if venue.name else None) if renamed else old_name
            row = (new, max(old_cased, int(cased)), issn if old_issn is None else old_issn,
                   eissn if old_eissn is None else old_eissn)
            if row != rows[venue_id]:
                self.db.execute("UPDATE venues SET name = ?, name_cased = ?, issn = ?, eissn = ? WHERE id = ?",
                                (*row, venue_id))
                rows[venue_id] = row
        missing = list(dict.fromkeys(k for k in keys if by_key[k] is None))  # an ISSN may be the eISSN too
        if missing:
            self.db.executemany("INSERT INTO venue_keys (key, venue_id) VALUES (?, ?)",
                                [(k, venue_id) for k in missing])
            by_key.update(dict.fromkeys(missing, venue_id))
        return venue_id

    # -- reading -----------------------------------------------------------------------------

    _SELECT = ("SELECT w.id, w.data, w.provenance, w.venue_id, v.name FROM works w"
               " LEFT JOIN venues v ON v.id = w.venue_id")

    @staticmethod
    def _stored(row: tuple[Any, ...]) -> StoredWork:
        return StoredWork(row[0], Work.from_dict(json.loads(row[1])), row[3], json.loads(row[2]), row[4])

    def _load(self, work_id: int) -> StoredWork:
        if not _storable_int(work_id):
            raise NotFoundError(f"no work with library id {work_id}")
        row = self.db.execute(f"{self._SELECT} WHERE w.id = ?", (work_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no work with library id {work_id}")
        return self._stored(row)

    def get(self, identifier: str) -> StoredWork:
        """The work known by any of its identifiers: library id, DOI, WOS:…, OpenAlex id, pmid:…"""
        scheme, value = parse_identifier(identifier)
        if scheme == "id":
            return self._load(int(value))
        rows = self.db.execute(
            "SELECT DISTINCT work_id FROM identifiers WHERE scheme = ? AND value = ?", (scheme, value)
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no work in this library has {scheme} {value}")
        return self._load(rows[0][0])

    def works(self) -> Iterator[StoredWork]:
        for row in self.db.execute(f"{self._SELECT} ORDER BY w.id"):
            yield self._stored(row)

    def generation(self) -> int:
        """A number that changes whenever any work is added, changed or removed."""
        return int(self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def state(self) -> str:
        """'<library id>:<generation>': names this library's works as they are now (index stamps)."""
        rows = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('library_id', 'generation')"))
        return f"{rows['library_id']}:{rows['generation']}"

    _CATALOGUE = ("SELECT id, venue_id, year, doc_type, title, json_extract(data, '$.abstract'),"
                  " json_extract(data, '$.keywords') FROM works")

    @staticmethod
    def _entry(r: tuple[Any, ...]) -> dict[str, Any]:
        return {"id": r[0], "venue_id": r[1], "year": r[2], "doc_type": r[3], "title": r[4] or "",
                "abstract": r[5] or "", "keywords": json.loads(r[6] or "[]")}

    def catalogue(self, ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """What search needs of works, cheaply: id, venue, year, type, title, abstract, keywords;
        of every work, or of the works with these ids (in id order, unknown ids left out)."""
        if ids is None:
            return list(self.scan())
        wanted = sorted(set(int(i) for i in ids))
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.execute(f"{self._CATALOGUE} WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
            found.extend(self._entry(r) for r in rows)
        return found

    def scan(self, *, since: int | None = None) -> Iterator[dict[str, Any]]:
        """`catalogue()` entries one at a time, in id order; with `since`, only the works added
        or changed after that `generation()`."""
        if since is None:
            rows = self.db.execute(f"{self._CATALOGUE} ORDER BY id")
        else:
            rows = self.db.execute(f"{self._CATALOGUE} WHERE changed > ? ORDER BY id", (since,))
        for r in rows:
            yield self._entry(r)

    def reference_lists(self) -> list[tuple[int, list[str]]]:
        """(work id, its cited references as the records give them) for every work, by id."""
        rows = self.db.execute("SELECT id, json_extract(data, '$.references') FROM works ORDER BY id")
        return [(r[0], json.loads(r[1] or "[]")) for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM works").fetchone()[0])

    def sources(self, work_id: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, file, position, format, raw FROM sources WHERE work_id = ? ORDER BY id", (work_id,)
        ).fetchall()
        return [dict(zip(("id", "file", "position", "format", "raw"), r, strict=True)) for r in rows]

    def rejects(self) -> list[Reject]:
        rows = self.db.execute("SELECT file, position, field, reason, raw FROM rejects ORDER BY id")
        return [Reject(*r) for r in rows]

    def venues(self) -> list[dict[str, Any]]:
        """Venues with their names, ISSNs and number of works, most works first."""
        rows = self.db.execute(
            "SELECT v.id, v.name, v.issn, v.eissn, count(w.id) FROM venues v"
            " LEFT JOIN works w ON w.venue_id = v.id GROUP BY v.id ORDER BY count(w.id) DESC, v.name"
        ).fetchall()
        return [dict(zip(("id", "name", "issn", "eissn", "works"), r, strict=True)) for r in rows]

    def find_venues(self, name_or_issn: str) -> list[int]:
        """Venue ids matching a name (any spelling the records used) or an ISSN."""
        issn = normalize_issn(name_or_issn) if len(name_or_issn.strip()) <= 10 else None
        key = f"issn:{issn.lower()}" if issn else f"name:{venue_key(name_or_issn)}"
        rows = self.db.execute("SELECT DISTINCT venue_id FROM venue_keys WHERE key = ?", (key,)).fetchall()
        return [r[0] for r in rows]


    # -- virtual issues ----------------------------------------------------------------------
    # Every change to an issue is a new version holding the whole document, so any earlier one
    # can be read back or restored. A change names the version it was made on (`base_version`):
    # when another change was saved since, it is refused with ConflictError and nothing is written.

    def create_issue(self, document: dict[str, Any], *, note: str = "created", author: str = "") -> IssueVersion:
        """Store a new virtual issue; its first version is 1."""
        now = rows.now()
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO issues (title, version, created, updated) VALUES (?, 1, ?, ?)",
                (str(document.get("title", "")), now, now),
            )
            issue_id = int(cursor.lastrowid or 0)
            self._insert_issue_version(issue_id, 1, document, note, author, None, now)
        return IssueVersion(issue_id, 1, document, note, author, now)

    def save_issue(self, issue_id: int, document: dict[str, Any], *, base_version: int, note: str = "",
                   author: str = "", restored_from: int | None = None) -> IssueVersion:
        """Save a change made on `base_version` as the next version.

        Raises ConflictError when `base_version` is not the latest (someone saved since).
        """
        now = rows.now()
        with self.transaction():
            latest = self.expect_issue_version(issue_id, base_version)
            version = latest + 1
            self._insert_issue_version(issue_id, version, document, note, author, restored_from, now)
            self.db.execute("UPDATE issues SET title = ?, version = ?, updated = ? WHERE id = ?",
                            (str(document.get("title", "")), version, now, issue_id))
        return IssueVersion(issue_id, version, document, note, author, now, restored_from)

    def expect_issue_version(self, issue_id: int, base_version: int) -> int:
        """The latest version, when it is `base_version`; ConflictError when it is not."""
        latest = self._latest_issue_version(issue_id)
        if base_version != latest:
            raise ConflictError(
                f"virtual issue {issue_id} was changed since you opened it: your change was made on "
                f"version {base_version}, the latest is version {latest}. Nothing was saved; reload "
                "the issue and make your change again.",
                issue_id=issue_id, base_version=base_version, current_version=latest,
            )
        return latest

    def restore_issue(self, issue_id: int, version: int, *, base_version: int, author: str = "") -> IssueVersion:
        """Undo to an earlier version: a new version equal to it (history is never rewritten)."""
        old = self.load_issue(issue_id, version)
        return self.save_issue(issue_id, old.document, base_version=base_version,
                               note=f"restored version {version}", author=author, restored_from=version)

    def load_issue(self, issue_id: int, version: int | None = None) -> IssueVersion:
        """The latest version of an issue, or the one asked for."""
        latest = self._latest_issue_version(issue_id)  # NotFoundError when there is no such issue
        version = latest if version is None else version
        row = self.db.execute(
            "SELECT document, note, author, created, restored_from FROM issue_versions"
            " WHERE issue_id = ? AND version = ?", (issue_id, version),
        ).fetchone() if _storable_int(version) else None
        if row is None:
            raise NotFoundError(f"virtual issue {issue_id} has no version {version} (versions 1 to {latest})")
        return IssueVersion(issue_id, version, json.loads(row[0]), row[1], row[2], row[3], row[4])

    def issue_versions(self, issue_id: int) -> list[IssueVersion]:
        """Every version of an issue, oldest first, without their documents (document = {"title"})."""
        self._latest_issue_version(issue_id)
        rows = self.db.execute(
            "SELECT version, json_extract(document, '$.title'), note, author, created, restored_from"
            " FROM issue_versions WHERE issue_id = ? ORDER BY version", (issue_id,),
        ).fetchall()
        return [IssueVersion(issue_id, r[0], {"title": r[1] or ""}, r[2], r[3], r[4], r[5]) for r in rows]

    def issues(self) -> list[dict[str, Any]]:
        """Every virtual issue: id, title, latest version, created, updated; newest change first."""
        rows = self.db.execute("SELECT id, title, version, created, updated FROM issues ORDER BY updated DESC, id DESC")
        return [dict(zip(("id", "title", "version", "created", "updated"), r, strict=True)) for r in rows]

    def _latest_issue_version(self, issue_id: int) -> int:
        if not _storable_int(issue_id):
            raise NotFoundError(f"no virtual issue with id {issue_id} in this library")
        row = self.db.execute("SELECT version FROM issues WHERE id = ?", (issue_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no virtual issue with id {issue_id} in this library")
        return int(row[0])

    def _insert_issue_version(self, issue_id: int, version: int, document: dict[str, Any], note: str,
                              author: str, restored_from: int | None, now: str) -> None:
        if not isinstance(document, dict):
            raise InputError("a virtual issue is saved as a JSON object (VirtualIssue.to_dict())")
        self.db.execute(
            "INSERT INTO issue_versions (issue_id, version, document, note, author, restored_from, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (issue_id, version, json.dumps(document, ensure_ascii=False), note, author, restored_from, now),
        )

    # -- counts for an overview --------------------------------------------------------------

    def year_counts(self) -> list[tuple[int | None, int]]:
        """(year, number of works) for every year the works have, oldest first (None last)."""
        rows = self.db.execute("SELECT year, count(*) FROM works GROUP BY year ORDER BY year IS NULL, year")
        return [(r[0], r[1]) for r in rows]

    def doc_type_counts(self) -> list[tuple[str, int]]:
        """(document type, number of works), most works first."""
        rows = self.db.execute("SELECT doc_type, count(*) FROM works GROUP BY doc_type ORDER BY count(*) DESC, doc_type")
        return [(r[0], r[1]) for r in rows]
