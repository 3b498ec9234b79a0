"""The library database's schema, as numbered migrations applied in order.

`PRAGMA user_version` holds the number of migrations applied. A migration is never edited once
released: a change to the schema is a new migration at the end of the list.
"""

from __future__ import annotations

import sqlite3

from ..errors import LibraryError

MIGRATIONS: list[str] = [
    # 1: works, their identifiers, the raw records they came from, rejects, venues, ingests.
    """
    CREATE TABLE venues (
        id INTEGER PRIMARY KEY,
        name TEXT,
        name_cased INTEGER NOT NULL DEFAULT 0,  -- 1 when a record gave the name in mixed case
        issn TEXT,
        eissn TEXT
    );
    CREATE TABLE venue_keys (
        key TEXT PRIMARY KEY,             -- 'issn:0967-067x' or 'name:communist and post communist studies'
        venue_id INTEGER NOT NULL REFERENCES venues(id)
    );
    CREATE TABLE works (
        id INTEGER PRIMARY KEY,
        title TEXT,
        title_key TEXT NOT NULL,
        author_key TEXT NOT NULL,
        year INTEGER,
        doc_type TEXT NOT NULL,
        venue_id INTEGER REFERENCES venues(id),
        data TEXT NOT NULL,               -- the Work as JSON
        provenance TEXT NOT NULL,         -- field -> id of the source that gave its value
        added TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX works_title_key ON works(title_key);
    CREATE INDEX works_author_key ON works(author_key);
    CREATE INDEX works_venue ON works(venue_id);
    CREATE TABLE identifiers (
        scheme TEXT NOT NULL,
        value TEXT NOT NULL,
        work_id INTEGER NOT NULL REFERENCES works(id),
        PRIMARY KEY (scheme, value, work_id)
    );
    CREATE INDEX identifiers_work ON identifiers(work_id);
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        work_id INTEGER NOT NULL REFERENCES works(id),
        file TEXT NOT NULL,
        position TEXT NOT NULL,
        format TEXT NOT NULL,
        raw TEXT NOT NULL,
        raw_hash TEXT NOT NULL UNIQUE,
        ingested TEXT NOT NULL
    );
    CREATE INDEX sources_work ON sources(work_id);
    CREATE TABLE rejects (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        position TEXT NOT NULL,
        field TEXT,
        reason TEXT NOT NULL,
        raw TEXT NOT NULL,
        raw_hash TEXT NOT NULL UNIQUE,
        ingested TEXT NOT NULL
    );
    CREATE TABLE ingests (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        format TEXT,
        started TEXT NOT NULL,
        finished TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        merged INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: a generation number that every change to the works bumps, so that indexes built from
    #    the library know when they are stale without reading every work.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('generation', '0');
    INSERT INTO meta (key, value) VALUES ('library_id', lower(hex(randomblob(16))));
    CREATE TRIGGER works_insert_generation AFTER INSERT ON works BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
    END;
    CREATE TRIGGER works_update_generation AFTER UPDATE ON works BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
    END;
    CREATE TRIGGER works_delete_generation AFTER DELETE ON works BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';
    END;
    """,
    # 3: virtual issues with their full edit history. Every change is a new version holding the
    #    whole document; an undo is a new version equal to an earlier one. `issues.version` is
    #    the latest, so a change made on a stale version can be refused (optimistic concurrency).
    """
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        version INTEGER NOT NULL,         -- the latest version
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE issue_versions (
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        version INTEGER NOT NULL,         -- 1, 2, … in the order they were saved
        document TEXT NOT NULL,           -- the VirtualIssue as JSON
        note TEXT NOT NULL DEFAULT '',    -- what changed: 'rejected work 12', 'restored version 3'
        author TEXT NOT NULL DEFAULT '',
        restored_from INTEGER,            -- the version an undo copied, else NULL
        created TEXT NOT NULL,
        PRIMARY KEY (issue_id, version)
    );
    """,
    # 4: the generation at which each work was last added or changed (above every generation
    #    before it), so a search index built at generation g finds the works it lacks as
    #    `changed > g` without reading the others.
    """
    ALTER TABLE works ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX works_changed ON works(changed);
    CREATE TRIGGER works_insert_changed AFTER INSERT ON works BEGIN
        UPDATE works SET changed = (SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'generation')
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER works_update_changed AFTER UPDATE OF data ON works BEGIN
        UPDATE works SET changed = (SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'generation')
        WHERE id = NEW.id;
    END;
    """,
    # 5: dedupe blocks read from indexes alone (issue 13): a work's first author, year and title
    #    length, and its title with year and first author, so the candidates of a record are an
    #    index range however large the library or common the surname; and `changed` written by
    #    the statements that add or change a work (library.store), not by triggers that updated
    #    the row again and bumped the generation twice.
    """
    DROP INDEX works_title_key;
    DROP INDEX works_author_key;
    CREATE INDEX works_title_block ON works(title_key, year, author_key);
    CREATE INDEX works_author_block ON works(author_key, year, length(title_key), title_key);
    DROP TRIGGER works_insert_changed;
    DROP TRIGGER works_update_changed;
    """,
    # 6: a work's DOI as dedupe compares them (dedupe.doi_key) in the author block's index, so
    #    the block of a record with a DOI passes over the works with another DOI inside the
    #    index, never comparing their titles (dedupe.why_different never lets them match).
    #    Works stored before have none (NULL) and stay candidates, as every work was before.
    """
    ALTER TABLE works ADD COLUMN doi_key TEXT;
    DROP INDEX works_author_block;
    CREATE INDEX works_author_block ON works(author_key, year, length(title_key), doi_key, title_key);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Bring a database up to SCHEMA_VERSION; returns the number of migrations applied."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"this library was written by a newer vissue (schema {version}, this vissue knows "
            f"{SCHEMA_VERSION}); upgrade vissue to use it"
        )
    applied = 0
    for number in range(version, SCHEMA_VERSION):
        script = MIGRATIONS[number]
        # executescript commits first; the migration and its version bump commit together.
        db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
        applied += 1
    return applied
