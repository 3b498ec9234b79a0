"""The JSON the API takes and gives, as pydantic models (they make the OpenAPI page)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .edits import MAX_LABEL, MAX_SENTENCE, MAX_TITLE

WorkRef = Annotated[int | str, Field(description="the work's library id, or any identifier it has: DOI, WOS:…, W…")]
ThemeRef = Annotated[str, Field(max_length=20, description="a theme id: t1, t2, …")]


class ErrorItem(BaseModel):
    message: str
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """Every error the server gives, whatever its status."""

    ok: Literal[False] = False
    error: str = Field(description="what went wrong, in one line")
    errors: list[ErrorItem] = Field(description="each problem (one for most errors; one a field for 422)")
    status: int = Field(description="the HTTP status, repeated")


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "the input cannot be used (the message says why)"},
    401: {"model": ErrorBody, "description": "the server has a token and the request did not carry it"},
    403: {"model": ErrorBody, "description": "a change from another site"},
    404: {"model": ErrorBody, "description": "no such work, issue or version"},
    413: {"model": ErrorBody, "description": "the request body is too large"},
    415: {"model": ErrorBody, "description": "a change that is not JSON"},
    422: {"model": ErrorBody, "description": "the JSON does not have the documented shape"},
    503: {"model": ErrorBody, "description": "the search index is still loading"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "the change was made on a stale version: nothing was saved"},
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateIssue(Strict):
    """Build a virtual issue from an event."""

    event: str | dict[str, Any] = Field(
        description="the editor's account of the event (text), or a brief as `vissue brief --json` prints it")
    journal: str | None = Field(None, max_length=300, description="only works of this venue: any of its names or its ISSN")
    size: int = Field(10, ge=1, le=50, description="number of works to select")
    since: int | None = Field(None, ge=0, le=9999)
    until: int | None = Field(None, ge=0, le=9999)
    themes: int | None = Field(None, ge=1, le=12, description="exactly this many themes")
    theme_names: list[Annotated[str, Field(max_length=MAX_LABEL)]] = Field(default_factory=list, max_length=12)
    title: str | None = Field(None, max_length=MAX_TITLE)


class Reject(Strict):
    """The next passed-over candidate takes the rejected work's place (unless `replace` is false)."""

    op: Literal["reject"]
    work: WorkRef
    replace: bool = Field(True, description="put the next candidate in its place, under the same theme")


class Accept(Strict):
    op: Literal["accept"]
    work: WorkRef
    theme: ThemeRef | None = Field(None, description="the theme to put it under (none: no theme yet)")


class Pin(Strict):
    """Pinned works stay: they cannot be rejected. Pinning a candidate accepts it."""

    op: Literal["pin", "unpin"]
    work: WorkRef
    theme: ThemeRef | None = None


class Move(Strict):
    op: Literal["move"]
    work: WorkRef
    theme: ThemeRef | None = Field(description="the theme to move it to (null: no theme)")
    position: int | None = Field(None, ge=0, description="its place in the theme (default: last)")


class RenameTheme(Strict):
    op: Literal["rename_theme"]
    theme: ThemeRef
    label: str = Field(max_length=MAX_LABEL)


class ReorderThemes(Strict):
    op: Literal["reorder_themes"]
    order: list[ThemeRef] = Field(max_length=50, description="every theme id once, in the new order")


class MoveTheme(Strict):
    op: Literal["move_theme"]
    theme: ThemeRef
    offset: int = Field(ge=-50, le=50, description="-1: one place up, 1: one place down")


class AddTheme(Strict):
    op: Literal["add_theme"]
    label: str = Field(max_length=MAX_LABEL)


class RemoveTheme(Strict):
    """Its works stay in the issue, under no theme."""

    op: Literal["remove_theme"]
    theme: ThemeRef


class EditSentence(Strict):
    """The sentence is marked edited: later changes keep it as written."""

    op: Literal["edit_sentence"]
    sentence: str = Field(max_length=20, description="s1, s2, …")
    text: str = Field(max_length=MAX_SENTENCE)


class RegenerateTheme(Strict):
    """Compose one theme's paragraph anew (its edits dropped); every other sentence is kept."""

    op: Literal["regenerate_theme"]
    theme: ThemeRef


class SetTitle(Strict):
    op: Literal["set_title"]
    title: str = Field(max_length=MAX_TITLE)


Change = Annotated[
    Reject | Accept | Pin | Move | RenameTheme | ReorderThemes | MoveTheme | AddTheme | RemoveTheme
    | EditSentence | RegenerateTheme | SetTitle,
    Field(discriminator="op"),
]


class ChangeIssue(Strict):
    """Changes made on `base_version`, saved together as one new version."""

    base_version: int = Field(ge=1, description="the version the changes were made on (409 when stale)")
    changes: list[Change] = Field(min_length=1, max_length=100)
    note: str | None = Field(None, max_length=500, description="what the version's history says (default: the changes)")


class RestoreIssue(Strict):
    base_version: int = Field(ge=1, description="the latest version, as the client knows it (409 when stale)")
    version: int = Field(ge=1, description="the earlier version to restore (a new version equal to it)")


class PublishIssue(Strict):
    version: int | None = Field(None, ge=1, description="the version to publish (default: the latest)")


class Brief(Strict):
    text: str = Field(min_length=1, max_length=50_000)


class IssueOut(BaseModel):
    ok: Literal[True] = True
    id: int
    version: int
    latest: int
    note: str
    saved: str
    issue: dict[str, Any] = Field(description="the VirtualIssue document (schema vissue/virtual-issue, version 1)")
