"""Export files turned into records for ingest: in this process, or in a helper that reads ahead.

Ingest spends its time in two places: the readers (decode, parse) and the store (vet, dedupe,
SQLite). With a core to spare and input large enough to repay a process, a forked helper
reads the files while this process stores their records: the same records, in the same order,
the store alone writing. What the helper meets reaches the caller as it would have here: a file
that cannot be read is a `FileReading` with its error, a reader's error partway through a file
is raised by that file's `records` after the records before it, a reader's crash or the
helper's death is raised (`ReaderCrash`). A helper whose ingest was killed stops (it is
waiting to hand over records nobody reads) within a second.

The helper is forked, so it starts in milliseconds with everything imported; it is used only
when this process runs no other thread (a fork copies no thread, and a lock another thread held
would stay locked in the copy), and it touches nothing but the files and its queue.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, VissueError
from ..readers import Format, detect_format, read_path
from ..text import replace_surrogates
from ..work import Notice, Reject, Work

#: Input (bytes, all files) below which reading ahead does not repay starting a process.
PARALLEL_BYTES = 1_000_000
CHUNK = 100  # records a message from the helper
QUEUED = 16  # messages the helper may be ahead by (about 1 MB each for WoS records)


class ReaderCrash(VissueError):
    """The process reading the files failed in a way no reader error explains."""


@dataclass
class FileReading:
    """One file as a reader gives it (`records` left unread are skipped at the next file)."""

    file: str  # its name as shown and stored (a name that is not UTF-8 with U+FFFD)
    error: str | None = None  # why it could not be read at all (then it has no records)
    format: Format | None = None
    warnings: list[str] = field(default_factory=list)
    records: Iterable[Work | Reject | Notice] = ()  # raises VissueError where the reader does
    hint: Callable[[], str] = lambda: ""  # for a file that gave no record: what it looks like


def read_files(paths: list[Path], fmt: Format | str | None, *, parallel: bool | None = None) -> Iterator[FileReading]:
    """Each file's reading, in order: read ahead by a helper process when `parallel` (None:
    when it pays, see the module's docstring), else here."""
    if parallel is None:
        parallel = _ahead_pays(paths)
    if parallel and _can_fork():
        return _read_ahead(paths, fmt)
    return _read_here(paths, fmt)


def _read_here(paths: list[Path], fmt: Format | str | None) -> Iterator[FileReading]:
    for path in paths:
        name = replace_surrogates(str(path))
        try:
            plan = read_path(path, fmt)
        except InputError as e:
            yield FileReading(name, error=str(e))
            continue
        yield FileReading(name, None, plan.format, list(plan.warnings), plan.records(),
                          lambda plan=plan: _format_hint(plan.format, plan.text))


def _format_hint(fmt: Format, text: str) -> str:
    """'; it looks like wos (try --format auto)' when the content says another format."""
    try:
        guess = detect_format(text)
    except VissueError:
        return ""
    return f"; it looks like {guess.value} (try --format auto)" if guess is not fmt else ""


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _ahead_pays(paths: list[Path]) -> bool:
    """Two cores or more, one of them idle (the load average a core below their number: on a
    busy machine the helper only adds the cost of passing records), and input of some size."""
    cores = len(os.sched_getaffinity(0))
    if cores < 2 or os.getloadavg()[0] > cores - 1:
        return False
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # read_path says why, in its turn
    return size >= PARALLEL_BYTES


# ---- the helper ---------------------------------------------------------------------------------
# Messages, in order: ("file", name, error, format, warnings) for each file; for a file that
# opened, ("records", [...]) chunks then ("end", reader error or None, hint or ""); ("done",)
# after the last file; ("crash", text) if anything else went wrong.

def _helper(paths: list[Path], fmt: Format | str | None, out: multiprocessing.Queue) -> None:
    parent = os.getppid()

    def send(message: tuple) -> None:
        while True:
            try:
                out.put(message, timeout=1.0)
                return
            except queue.Full:
                if os.getppid() != parent:  # the ingest was killed: nobody reads, stop
                    os._exit(0)

    try:
        for reading in _read_here(paths, fmt):
            send(("file", reading.file, reading.error, reading.format, reading.warnings))
            if reading.error:
                continue
            chunk: list[Work | Reject | Notice] = []
            count, error = 0, None
            try:
                for record in reading.records:
                    chunk.append(record)
                    count += not isinstance(record, Notice)
                    if len(chunk) >= CHUNK:
                        send(("records", chunk))
                        chunk = []
            except VissueError as e:
                error = str(e)
            if chunk:
                send(("records", chunk))
            send(("end", error, reading.hint() if count == 0 else ""))
        send(("done",))
    except BaseException:
        send(("crash", traceback.format_exc()))


def _read_ahead(paths: list[Path], fmt: Format | str | None) -> Iterator[FileReading]:
    context = multiprocessing.get_context("fork")
    messages: multiprocessing.Queue = context.Queue(maxsize=QUEUED)
    helper = context.Process(target=_helper, args=(paths, fmt, messages), daemon=True, name="vissue-reader")
    helper.start()

    def receive() -> tuple:
        while True:
            alive = helper.is_alive()  # before the wait: what a helper sent before it ended is read
            try:
                message = messages.get(timeout=0.5)
            except queue.Empty:
                if not alive:
                    raise ReaderCrash(f"the process reading the files stopped (exit status {helper.exitcode})"
                                      " before it had read them all") from None
                continue
            if message[0] == "crash":
                raise ReaderCrash(f"reading the files failed:\n{message[1]}")
            return message

    def records(end: dict[str, str]) -> Iterator[Work | Reject | Notice]:
        while True:
            message = receive()
            if message[0] == "records":
                yield from message[1]
                continue
            end["hint"] = message[2]
            if message[1]:
                raise VissueError(message[1])
            return

    unread: Iterator[Work | Reject | Notice] = iter(())
    try:
        while True:
            try:  # what the caller left of the last file's records, up to its end
                for _ in unread:
                    pass
            except VissueError:
                pass
            if (message := receive())[0] == "done":
                return
            _, name, error, fmt_read, warnings = message
            if error:
                yield FileReading(name, error=error)
                continue
            end: dict[str, str] = {}
            unread = records(end)
            yield FileReading(name, None, fmt_read, warnings, unread, lambda end=end: end.get("hint", ""))
    finally:
        if helper.is_alive():
            helper.terminate()
        helper.join()
        messages.close()
