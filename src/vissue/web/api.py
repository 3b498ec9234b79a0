"""The JSON API under /api: the commands of `vissue`, over HTTP.

Reading needs nothing; every change is JSON (``Content-Type: application/json``) and, when the
server has a token, carries it (``Authorization: Bearer TOKEN``). A change to an issue names
the version it was made on (``base_version``); a stale one is refused with 409 and nothing is
saved. Every error has one shape (`ErrorBody`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from .. import __version__
from ..render import FORMATS, render
from .desk import EditorsDesk, IssueOptions, issue_to_api
from .models import (
    CONFLICT,
    ERRORS,
    Brief,
    ChangeIssue,
    CreateIssue,
    IssueOut,
    PublishIssue,
    RestoreIssue,
)

router = APIRouter(prefix="/api", responses=ERRORS)
IssueId = Annotated[int, Path(ge=1, description="the issue's id")]


def desk(request: Request) -> EditorsDesk:
    return request.app.state.desk


def _published_urls(result: dict[str, Any]) -> dict[str, Any]:
    files = [{**f, "url": f"/published/{f['path']}"} for f in result["files"]]
    return {"ok": True, **{k: v for k, v in result.items() if k not in ("files", "folder")},
            "files": files, "page": f"/published/{result['page']}"}


@router.get("/status", summary="The server, its library and whether search is ready")
def status(request: Request) -> dict[str, Any]:
    d = desk(request)
    return {"ok": True, "vissue": __version__, "library": str(d.library_path), "works": d.works_count,
            "index": d.index_state, "index_seconds": d.index_seconds}


@router.get("/search", summary="Search the library (vissue search)")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=50_000, description="the event text, or any text")],
    k: Annotated[int, Query(ge=1, le=200)] = 20,
    journal: Annotated[str | None, Query(max_length=300, description="any of a venue's names, or its ISSN")] = None,
    since: Annotated[int | None, Query(ge=0, le=9999)] = None,
    until: Annotated[int | None, Query(ge=0, le=9999)] = None,
) -> dict[str, Any]:
    """Works best first, each with its identifiers, scores and why it ranks where it does."""
    return {"ok": True, "hits": desk(request).search(q, k=k, journal=journal or None, since=since, until=until)}


@router.get("/works/{identifier:path}", summary="One work, by any identifier (vissue show)")
def work(request: Request, identifier: str) -> dict[str, Any]:
    """The library id, a DOI, WOS:…, an OpenAlex W…, pmid:…; with provenance and source records."""
    return {"ok": True, **desk(request).work(identifier)}


@router.get("/venues", summary="The library's venues, most works first")
def venues(request: Request) -> dict[str, Any]:
    return {"ok": True, "venues": desk(request).venues()}


@router.post("/brief", summary="What vissue understands of an event (vissue brief)")
def brief(request: Request, body: Brief) -> dict[str, Any]:
    """Places, actors, period and key phrases; correct it and give it back as `event`."""
    return {"ok": True, "brief": desk(request).brief(body.text).to_dict()}


@router.get("/issues", summary="Every virtual issue of the library")
def issues(request: Request) -> dict[str, Any]:
    return {"ok": True, "issues": desk(request).issues()}


@router.post("/issues", status_code=201, response_model=IssueOut, summary="Build a virtual issue from an event")
def create_issue(request: Request, body: CreateIssue) -> dict[str, Any]:
    """Brief, search, selection, themes and editorial, stored as version 1 of a new issue."""
    d = desk(request)
    event = body.event if isinstance(body.event, str) else json.dumps(body.event)
    options = IssueOptions(journal=body.journal, size=body.size, since=body.since, until=body.until,
                           themes=body.themes, theme_names=list(body.theme_names), title=body.title)
    return issue_to_api(d.create_issue(d.brief(event), options, author="api"))


@router.get("/issues/{issue_id}", response_model=IssueOut, summary="A virtual issue (latest or any version)")
def get_issue(request: Request, issue_id: IssueId,
              version: Annotated[int | None, Query(ge=1, description="default: the latest")] = None) -> dict[str, Any]:
    saved, _, latest = desk(request).load(issue_id, version)
    return issue_to_api(saved, latest)


@router.patch("/issues/{issue_id}", response_model=IssueOut, responses=CONFLICT,
              summary="Change a virtual issue (409 when made on a stale version)")
def change_issue(request: Request, issue_id: IssueId, body: ChangeIssue) -> dict[str, Any]:
    """Apply the changes in order and save them as one new version; all or nothing."""
    changes = [c.model_dump() for c in body.changes]
    saved = desk(request).change_issue(issue_id, changes, base_version=body.base_version, note=body.note, author="api")
    return issue_to_api(saved)


@router.get("/issues/{issue_id}/versions", summary="The edit history of a virtual issue, oldest first")
def versions(request: Request, issue_id: IssueId) -> dict[str, Any]:
    return {"ok": True, "versions": [v.summary() for v in desk(request).versions(issue_id)]}


@router.post("/issues/{issue_id}/restore", response_model=IssueOut, responses=CONFLICT,
             summary="Undo to an earlier version (a new version equal to it)")
def restore(request: Request, issue_id: IssueId, body: RestoreIssue) -> dict[str, Any]:
    return issue_to_api(desk(request).restore(issue_id, body.version, base_version=body.base_version, author="api"))


@router.get("/issues/{issue_id}/render/{fmt}", summary="A virtual issue rendered (vissue render)",
            responses={200: {"content": {spec.media_type.split(";")[0]: {} for spec in FORMATS.values()}}})
def render_issue(request: Request, issue_id: IssueId, fmt: Annotated[str, Path(pattern="^(" + "|".join(FORMATS) + ")$")],
                 version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    _, issue, _ = desk(request).load(issue_id, version)
    return Response(render(issue, fmt), media_type=FORMATS[fmt].media_type)


@router.post("/issues/{issue_id}/publish", summary="Write the page and the exports into the publish folder")
def publish(request: Request, issue_id: IssueId, body: PublishIssue) -> dict[str, Any]:
    """Files land in publish/issue-ID/vN/ in the library folder; `files[].url` downloads each."""
    return _published_urls(desk(request).publish(issue_id, body.version))
