"""Exceptions raised by vissue.

    VissueError
     ├── InputError          the user gave something vissue cannot use (a path, an option)
     │    └── FormatError    a file is not in a format vissue reads, or not the one asked for
     │         └── JSONDepthError   JSON nested deeper than vissue reads (json_input.MAX_DEPTH)
     ├── LibraryError        the library folder or its database cannot be used
     ├── NotFoundError       no work (or virtual issue) in the library has the identifier asked for
     └── ConflictError       a change was made on a stale version of a virtual issue

The library raises these and never prints or exits. The command line turns them (and an
OSError on a path the user named) into one-line messages with exit status 1; the web app into
one error shape with a 4xx status (404 not found, 409 conflict, 400 the rest), except
LibraryError, a server fault: 500.
"""


class VissueError(Exception):
    """Base class of every error vissue raises on purpose."""


class InputError(VissueError):
    """Something the user gave cannot be used."""


class FormatError(InputError):
    """A file is not in a format vissue reads."""


class JSONDepthError(FormatError):
    """JSON nested more levels than vissue reads; `detail` is the message without its source."""

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {detail}")
        self.detail = detail


class LibraryError(VissueError):
    """The library folder or its database cannot be used."""


class NotFoundError(VissueError):
    """No work has the identifier asked for."""


class ConflictError(VissueError):
    """A change to a virtual issue was made on a version that is no longer the latest.

    Nothing was written: the change must be made again on the latest version.
    """

    def __init__(self, message: str, *, issue_id: int, base_version: int, current_version: int):
        super().__init__(message)
        self.issue_id = issue_id
        self.base_version = base_version
        self.current_version = current_version
