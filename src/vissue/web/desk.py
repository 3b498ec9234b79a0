"""The editor's desk without HTTP: what the web app's pages and API do, as plain methods.

    desk = EditorsDesk(ServeSettings(library=Path("library")))
    desk.start()                                   # loads the search index in the background
    hits = desk.search("protests in Kazakhstan", k=10)
    saved = desk.create_issue(desk.brief(text), IssueOptions(journal="0967-067X"))
    saved = desk.change_issue(saved.issue_id, [{"op": "reject", "work": 12}], base_version=saved.version)

Each call opens its own connection to the library (the web server answers from several
threads), so the desk itself holds only settings and the search index, which is read-only and
shared. Searches and builds take a lock: the embedding model runs one query at a time.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..brief.event import EventBrief
from ..build import BuildOptions, build_issue, issue_work, write_issue
from ..errors import ConflictError, InputError, NotFoundError, VissueError
from ..issue import IssueWork, VirtualIssue
from ..json_input import loads
from ..library.store import IssueVersion, Library, StoredWork
from ..profile import Profile, load_profile
from ..search.embedders import library_embedder
from ..search.index import SearchIndex
from ..search.retrieve import Candidate, SearchSettings, resolve_journal, retrieve
from ..search.semantic import Embedder
from . import edits, merge
from .settings import SETTINGS, ServeSettings

__all__ = ["SETTINGS", "EditorsDesk", "IndexUnavailableError", "IssueOptions", "ServeSettings"]

PUBLISH_DIR = "publish"
CURRENT = "published.json"  # in publish/issue-ID/: the version its stable address shows


class IndexUnavailableError(VissueError):
    """The search index is still loading (or failed to load): try again shortly."""


@dataclass
class IssueOptions:
    """What a new issue is built with (the new-issue form and POST /api/issues)."""

    journal: str | None = None
    size: int = 10
    since: int | None = None
    until: int | None = None
    themes: int | None = None
    theme_names: list[str] = field(default_factory=list)
    title: str | None = None


class EditorsDesk:
    def __init__(self, settings: ServeSettings, *, embedder: Callable[[], Embedder] | None = None) -> None:
        self.settings = settings
        self.library_path = Path(settings.library).expanduser()
        self._make_embedder = embedder or (lambda: library_embedder(self.library_path))
        self._index: SearchIndex | None = None
        self._index_error: BaseException | None = None
        self._index_ready = threading.Event()
        self._index_thread: threading.Thread | None = None
        self._index_started: float | None = None
        self.index_seconds: float | None = None
        self._search_lock = threading.Lock()
        self.profile: Profile | None = load_profile(settings.profile) if settings.profile else None
        with self.library() as library:  # fails now, clearly, when the folder is not a library
            self.works_count = library.count()

    # -- the library and its index -------------------------------------------------------------

    @contextmanager
    def library(self) -> Iterator[Library]:
        with Library(self.library_path, create=False) as library:
            yield library

    def start(self) -> None:
        """Load the search index (and warm the embedding model) in a background thread."""
        if self._index_thread is not None:
            return
        self._index_started = time.perf_counter()
        self._index_thread = threading.Thread(target=self._load_index, name="vissue-index", daemon=True)
        self._index_thread.start()

    def _load_index(self) -> None:
        try:
            with self.library() as library:
                index = SearchIndex.open(library, self._make_embedder())
            index.embedder.embed(["warm up"])  # loads the model now, not on the first search
            self._index = index
        except BaseException as e:  # reported to every request that needs the index
            self._index_error = e
        finally:
            if self._index_started is not None:
                self.index_seconds = time.perf_counter() - self._index_started
            self._index_ready.set()

    @property
    def index_state(self) -> str:
        if self._index is not None:
            return "ready"
        if self._index_error is not None:
            return "failed"
        return "loading" if self._index_thread is not None else "not started"

    def index(self, *, timeout: float | None = None) -> SearchIndex:
        """The search index, waiting for it to load (at most `timeout` seconds)."""
        self.start()
        wait = self.settings.index_timeout if timeout is None else timeout
        if not self._index_ready.wait(wait):
            raise IndexUnavailableError(
                f"the search index of {self.library_path} is still loading (embedding the works the "
                "first time can take minutes); try again shortly")
        if self._index is None:
            error = self._index_error
            raise IndexUnavailableError(f"the search index could not be loaded: {error}") from error
        return self._index

    # -- reading -------------------------------------------------------------------------------

    def overview(self) -> dict[str, Any]:
        with self.library() as library:
            return {
                "library": str(self.library_path),
                "works": library.count(),
                "venues": library.venues(),
                "years": library.year_counts(),
                "types": library.doc_type_counts(),
                "issues": library.issues(),
                "index": self.index_state,
            }

    def venues(self) -> list[dict[str, Any]]:
        with self.library() as library:
            return library.venues()

    def work(self, identifier: str) -> dict[str, Any]:
        """A work by any identifier, with its provenance and source records."""
        with self.library() as library:
            stored = library.get(identifier.strip())
            data = stored.to_dict()
            data["provenance"] = stored.provenance
            data["sources"] = library.sources(stored.id)
            data["authors_short"] = stored.summary()["authors_short"]
            return data

    def brief(self, text: str) -> EventBrief:
        if not text or not text.strip():
            raise InputError("the event text is empty: give a paragraph describing the event")
        if text.lstrip().startswith("{"):  # a brief as JSON (never a path: the server reads no file for a user)
            try:
                data = loads(text, source="the brief")
            except json.JSONDecodeError as e:
                raise InputError(f"the brief is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
            return EventBrief.from_dict(data)
        return EventBrief.from_dict({"text": plain_text(text)})

    def search(self, text: str, *, k: int = 20, journal: str | None = None, since: int | None = None,
               until: int | None = None) -> list[dict[str, Any]]:
        """Hits best first, as `vissue search --json` gives them."""
        if since is not None and until is not None and since > until:
            raise InputError(f"since {since} is after until {until}")
        if not 1 <= k <= 200:
            raise InputError("k must be between 1 and 200")
        brief = self.brief(text)
        settings = SearchSettings(k=k, journal=journal, since=since, until=until)
        index = self.index()
        with self.library() as library:
            venue_ids = resolve_journal(library, journal) if journal else None
            with self._search_lock:
                index.refresh(library)  # works ingested since the desk started are found too
                hits = retrieve(index, brief, settings, venue_ids=venue_ids)
            stored = {h.id: library.get(str(h.id)) for h in hits}
        return [{**stored[h.id].summary(), "score": h.score, "rank": h.rank, "why": h.why(),
                 "scores": h.to_dict(), "abstract": stored[h.id].work.abstract} for h in hits]

    def browse(self, *, journal: str | None = None, since: int | None = None, until: int | None = None,
               page: int = 1, per_page: int = 50) -> dict[str, Any]:
        """The works of a venue and years, newest first, a page at a time (no search text)."""
        with self.library() as library:
            venue_ids = resolve_journal(library, journal) if journal else None
            catalogue = library.catalogue()
            rows = [e for e in catalogue
                    if (venue_ids is None or e["venue_id"] in venue_ids)
                    and (since is None or (e["year"] or 0) >= since)
                    and (until is None or (e["year"] is not None and e["year"] <= until))]
            rows.sort(key=lambda e: (-(e["year"] or 0), e["title"].casefold()))
            page = max(1, page)
            chosen = rows[(page - 1) * per_page: page * per_page]
            works = [library.get(str(e["id"])).summary() for e in chosen]
        return {"total": len(rows), "page": page, "pages": max(1, -(-len(rows) // per_page)), "works": works}

    # -- virtual issues ------------------------------------------------------------------------

    def issues(self) -> list[dict[str, Any]]:
        with self.library() as library:
            return library.issues()

    def load(self, issue_id: int, version: int | None = None) -> tuple[IssueVersion, VirtualIssue, int]:
        """A version of an issue (the latest by default), its document, and the latest version number."""
        with self.library() as library:
            saved = library.load_issue(issue_id, version)
            latest = saved.version if version is None else library.load_issue(issue_id).version
        return saved, VirtualIssue.from_dict(saved.document, source=f"issue {issue_id}"), latest

    def versions(self, issue_id: int) -> list[IssueVersion]:
        with self.library() as library:
            return library.issue_versions(issue_id)

    def create_issue(self, brief: EventBrief, options: IssueOptions, *, author: str = "") -> IssueVersion:
        """Build an issue from a brief and store it as version 1."""
        if not 1 <= options.size <= 50:
            raise InputError("the number of works (size) must be between 1 and 50")
        if options.since is not None and options.until is not None and options.since > options.until:
            raise InputError(f"since {options.since} is after until {options.until}")
        search = SearchSettings(since=options.since, until=options.until)
        build = BuildOptions(size=options.size, journal=options.journal or None, search=search,
                             themes=options.themes, theme_names=list(options.theme_names),
                             title=options.title or None)
        index = self.index()
        with self.library() as library:
            with self._search_lock:
                index.refresh(library)
                issue = build_issue(library, index, brief, options=build, profile=self.profile)
            _describe_passed_over(issue, library)
            edits.review_state(issue)
            return library.create_issue(issue.to_dict(), note="built from the event text", author=author)

    def change_issue(self, issue_id: int, changes: list[dict[str, Any]], *, base_version: int,
                     note: str | None = None, author: str = "", refuse_no_op: bool = False) -> IssueVersion:
        """Apply changes made on `base_version` and save them as one new version.

        When someone saved since, the changes are applied to the latest version instead, part by
        part (`merge`): an edit to one sentence or theme never conflicts with an edit to another.
        When a change touches a part that changed since `base_version`, nothing is saved and
        EditConflict says what both editors wrote. With `refuse_no_op`, changes that leave the
        issue as it was save nothing and say so (InputError)."""
        if not changes:
            raise InputError("no changes given")
        for _ in range(5):  # another save between our read and our write: merge onto it again
            try:
                return self._change_once(issue_id, changes, base_version, note, author, refuse_no_op)
            except ConflictError as e:
                if isinstance(e, merge.EditConflict):
                    raise
        return self._change_once(issue_id, changes, base_version, note, author, refuse_no_op)

    def _change_once(self, issue_id: int, changes: list[dict[str, Any]], base_version: int,
                     note: str | None, author: str, refuse_no_op: bool) -> IssueVersion:
        with self.library() as library:
            latest = library.load_issue(issue_id)
            if base_version > latest.version:  # a version that does not exist yet: refused as stale
                library.expect_issue_version(issue_id, base_version)
            if latest.version != base_version:
                base = library.load_issue(issue_id, base_version)
                for change in changes:
                    found = merge.clashes(base.document, latest.document, change)
                    if found:
                        raise merge.EditConflict(
                            f"virtual issue {issue_id} was changed since you opened it: {found[0].what} was "
                            f"changed in version {latest.version} (yours was made on version {base_version}). "
                            "Nothing was saved; choose which text to keep.",
                            issue_id=issue_id, base_version=base_version, current_version=latest.version,
                            clashes=found, change=change)
                changes = [merge.rebase(base.document, latest.document, c) for c in changes]
            # a copy: the changes must not reach the saved document (it is what they are compared with)
            issue = VirtualIssue.from_dict(copy.deepcopy(latest.document), source=f"issue {issue_id}")

            def lookup(identifier: Any) -> IssueWork:
                return _outside_work(library.get(str(identifier)), "accepted by the editor")

            notes = [edits.apply_change(issue, change, lookup=lookup) for change in changes]
            if refuse_no_op and issue.to_dict() == latest.document:
                raise InputError("nothing changed: " + "; ".join(notes) + " gives the text the issue already has"
                                 " (vissue writes it the same way from these abstracts; edit a sentence to word it"
                                 " differently)")
            if latest.version != base_version:
                notes.append(f"merged with version {latest.version}")
            return library.save_issue(issue_id, issue.to_dict(), base_version=latest.version,
                                      note=note or "; ".join(notes), author=author)

    def rerun_issue(self, issue_id: int, brief: EventBrief, *, base_version: int, author: str = "") -> IssueVersion:
        """Search and select again with a corrected brief, keeping the editor's work: pinned works
        stay, rejected works stay out (the next candidates take their places), edited sentences
        keep their text where their work is still introduced, and the title stays."""
        with self.library() as library:
            library.expect_issue_version(issue_id, base_version)
            old = VirtualIssue.from_dict(library.load_issue(issue_id, base_version).document)
        params = old.parameters
        search = params.get("search") or {}
        options = BuildOptions(size=int(params.get("size") or len(old.works) or 10), journal=params.get("journal"),
                               search=SearchSettings(since=search.get("since"), until=search.get("until")),
                               themes=params.get("themes"), theme_names=list(params.get("theme_names") or []),
                               title=old.title)
        index = self.index()
        with self.library() as library:
            with self._search_lock:
                issue = build_issue(library, index, brief, options=options, profile=self.profile)
            _describe_passed_over(issue, library)

            def lookup(identifier: Any) -> IssueWork:
                return _outside_work(library.get(str(identifier)), "kept: pinned by the editor")

            notes = edits.carry_over(old, issue, lookup=lookup)
            return library.save_issue(issue_id, issue.to_dict(), base_version=base_version, author=author,
                                      note="searched again with the edited brief" + "".join(notes))

    def restore(self, issue_id: int, version: int, *, base_version: int, author: str = "") -> IssueVersion:
        with self.library() as library:
            return library.restore_issue(issue_id, version, base_version=base_version, author=author)

    # -- publishing ----------------------------------------------------------------------------

    @property
    def publish_root(self) -> Path:
        return self.library_path / PUBLISH_DIR

    def publish(self, issue_id: int, version: int | None = None) -> dict[str, Any]:
        """Write the page and the exports of a version into publish/issue-ID/vN/ in the library,
        and the same files into publish/issue-ID/ itself: the issue's stable address, which
        always shows the version published last (`published.json` says which)."""
        saved, issue, _ = self.load(issue_id, version)
        root = self.publish_root / f"issue-{issue_id}"
        folder = root / f"v{saved.version}"
        write_issue(issue, folder)
        for path in folder.iterdir():
            if path.is_file():
                shutil.copyfile(path, root / path.name)
        (root / CURRENT).write_text(json.dumps({"version": saved.version, "published": _mtime(folder)}) + "\n",
                                    encoding="utf-8")
        return self.published_version(issue_id, saved.version)

    def published_version(self, issue_id: int, version: int) -> dict[str, Any]:
        folder = self.publish_root / f"issue-{issue_id}" / f"v{version}"
        if not folder.is_dir():
            raise NotFoundError(f"version {version} of issue {issue_id} has not been published")
        files = [{"name": p.name, "path": f"issue-{issue_id}/v{version}/{p.name}", "bytes": p.stat().st_size}
                 for p in sorted(folder.iterdir()) if p.is_file()]
        current = self.current_published(issue_id)
        return {"issue": issue_id, "version": version, "folder": str(folder),
                "published": _mtime(folder), "files": files, "page": f"issue-{issue_id}/v{version}/issue.html",
                "current": bool(current and current["version"] == version),
                "permalink": f"issue-{issue_id}/issue.html"}

    def current_published(self, issue_id: int) -> dict[str, Any] | None:
        """{"version", "published"} of the version the stable address shows; None before any publish."""
        path = self.publish_root / f"issue-{issue_id}" / CURRENT
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("version"), int) else None

    def published(self, issue_id: int) -> list[dict[str, Any]]:
        """Every published version of an issue, newest first."""
        folder = self.publish_root / f"issue-{issue_id}"
        if not folder.is_dir():
            return []
        versions = sorted((int(p.name[1:]) for p in folder.iterdir() if re.fullmatch(r"v\d+", p.name)), reverse=True)
        return [self.published_version(issue_id, v) for v in versions]

    def published_file(self, relative: str) -> Path:
        """A file under the publish folder; NotFoundError for anything else (no escaping it)."""
        refused = NotFoundError(f"no published file {relative!r}")
        if not relative or "\x00" in relative or "\\" in relative or relative.startswith("/"):
            raise refused
        parts = PurePosixPath(relative).parts
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            raise refused
        root = self.publish_root.resolve()
        try:
            path = (root / relative).resolve(strict=True)
        except (OSError, RuntimeError):
            raise refused from None
        if not path.is_relative_to(root) or not path.is_file():
            raise refused
        return path


_TAG = re.compile(r"<(?:[a-zA-Z][^<>]*|/[a-zA-Z][^<>]*|!--.*?--)>", re.S)


def plain_text(text: str) -> str:
    """Text pasted from a web page with its markup: the tags dropped, entities decoded (an
    event's key phrases come from its words, never from its markup)."""
    if not _TAG.search(text):
        return text
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
    text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())


def _mtime(path: Path) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(os.stat(path).st_mtime))


def _outside_work(stored: StoredWork, reason: str) -> IssueWork:
    """A work the editor adds from outside the candidates: it was not ranked, so it carries no
    ranking's reasons, only the editor's."""
    unranked = Candidate(id=stored.id, rank=0, score=0.0, lexical_rank=None, lexical_score=0.0, semantic_rank=0,
                         semantic_score=0.0, title=stored.work.title or "", year=stored.work.year)
    work = issue_work(stored, unranked, reason)
    for key in ("why", "details"):
        work.why.pop(key, None)
    return work


def _describe_passed_over(issue: VirtualIssue, library: Library) -> None:
    """Give each passed-over candidate (its scores come from the build) a label, for the review page."""
    for entry in issue.passed_over:
        if "authors" not in entry:
            try:
                stored = library.get(str(entry["id"]))
            except NotFoundError:
                continue
            summary = stored.summary()
            entry.update({"authors": summary["authors_short"], "year": summary["year"], "venue": summary["venue"]})


def issue_to_api(saved: IssueVersion, latest: int | None = None) -> dict[str, Any]:
    return {"ok": True, "id": saved.issue_id, "version": saved.version,
            "latest": saved.version if latest is None else latest, "note": saved.note,
            "saved": saved.created, "issue": saved.document}


def options_dict(options: IssueOptions) -> dict[str, Any]:
    return asdict(options)
