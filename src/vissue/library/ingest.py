"""Ingest: export files -> readers -> library, with a report of what became of every record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, VissueError
from ..readers import Format
from ..readers.vet import replace_surrogates, vet_reject, vet_work
from ..work import Notice, Reject, Work
from .reading import ReaderCrash, read_files
from .store import Library

BATCH = 500  # records written per transaction


@dataclass
class FileReport:
    file: str
    format: str | None = None
    read: int = 0
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.error or self.rejected)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    works: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.total("read"),
            "added": self.total("added"),
            "merged": self.total("merged"),
            "unchanged": self.total("unchanged"),
            "rejected": self.total("rejected"),
            "works": self.works,
            "rejects": [r for f in self.files for r in f.rejects],
            "warnings": [w for f in self.files for w in f.warnings],
            "errors": [{"file": f.file, "error": f.error} for f in self.files if f.error],
            "files": [asdict(f) for f in self.files],
        }


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: each path as given, directories replaced by the files under them."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            result.extend(found)
        else:
            result.append(path)
    return result


# progress(event, file, done, total): event is 'file' when a file starts (total = records
# unknown: None), 'record' after each record.
Progress = Callable[[str, str, int, int | None], None]


def ingest(
    library: Library,
    paths: Iterable[str | Path],
    *,
    fmt: Format | str | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> IngestReport:
    """Read every file into the library; one bad record or file never stops the others.

    `parallel`: read the files in a helper process while this one stores (`library.reading`);
    None chooses by the input's size and the machine.
    """
    report = IngestReport()
    with library.bulk(), closing(read_files(expand_paths(paths), fmt, parallel=parallel)) as readings:
        for reading in readings:
            file_report = FileReport(file=reading.file)
            report.files.append(file_report)
            started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if reading.error or reading.format is None:
                file_report.error = reading.error
                continue
            file_report.format = reading.format.value
            file_report.warnings.extend(reading.warnings)
            if progress:
                progress("file", file_report.file, 0, None)
            try:
                _ingest_records(library, reading.records, file_report, progress)
                if file_report.read == 0:
                    file_report.error = f"{reading.file}: no records found reading it as {reading.format.value}"
            except ReaderCrash:
                raise  # not this file's fault: the ingest stops, what was stored stays
            except VissueError as e:
                file_report.error = str(e)
            if file_report.error and file_report.read == 0:
                file_report.error += reading.hint()
            library.log_ingest(file_report.file, file_report.format, asdict(file_report), started)
    report.works = library.count()
    return report


def _batches(records: Iterable[Work | Reject | Notice], size: int) -> Iterator[list[Work | Reject | Notice]]:
    batch: list[Work | Reject | Notice] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_records(
    library: Library,
    records: Iterable[Work | Reject | Notice],
    report: FileReport,
    *,
    progress: Progress | None = None,
) -> None:
    """Write records from any source (a file, a page of a live API) into the library, counting
    each in `report`; every BATCH records are one transaction."""
    with library.bulk():
        _ingest_records(library, records, report, progress)


def _ingest_records(
    library: Library,
    records: Iterable[Work | Reject | Notice],
    report: FileReport,
    progress: Progress | None,
) -> None:
    """Write records in batches, each batch one transaction: a kill loses at most one batch.

    Each record is vetted first (`readers.vet`); the batch's works are then added together
    (`Library.add_many`): a record the store cannot take becomes a reject and never takes the
    rest of its batch down with it.
    """
    for batch in _batches(records, BATCH):
        with library.transaction():
            vetted: list[tuple[Work | Reject, str, str]] = []  # each record, and where it was read
            for record in batch:
                if isinstance(record, Notice):
                    report.warnings.append(replace_surrogates(record.text()))
                    continue
                report.read += 1
                file, position = _where(record, report) if isinstance(record, Work) else ("", "")
                if isinstance(record, Work):
                    record, notices = vet_work(record, file=file, position=position)
                    report.warnings.extend(n.text() for n in notices)
                vetted.append((record, file, position))
            results = iter(library.add_many([r for r, _, _ in vetted if isinstance(r, Work)]))
            for record, file, position in vetted:
                if isinstance(record, Work):
                    result = next(results)
                    if not isinstance(result, InputError):
                        report.added += result.action == "added"
                        report.merged += result.action != "added"
                        report.unchanged += result.action == "unchanged"
                        continue
                    record = Reject(file, position, "record", str(result), record.origin.raw if record.origin else "")
                _reject(library, vet_reject(record), report)
        if progress:
            progress("record", report.file, report.read, None)


def _where(work: Work, report: FileReport) -> tuple[str, str]:
    origin = work.origin
    return (origin.file, origin.position) if origin else (report.file, f"record {report.read}")


def _reject(library: Library, reject: Reject, report: FileReport) -> None:
    report.rejected += 1
    report.rejects.append({**asdict(reject), "message": reject.message(), "raw": reject.raw[:500]})
    library.add_reject(reject)
