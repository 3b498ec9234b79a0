"""`vissue enrich` against the local stand-in server of the fetch tests (real sockets on
127.0.0.1), answering Crossref's /works/{doi} and bibliographic queries in Crossref's format,
built from a real Crossref sample item: WoS's 'Oge' becomes 'Öge', a work without a DOI gets
one, each filled field records its source, and an interrupted run continues where it stopped."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from test_fetch import FAST, FakeApi, run_cli
from vissue.editorial.compose import name_work
from vissue.issue import IssueWork
from vissue.library.store import Library


class CrossrefWorks(FakeApi):
    """The stand-in server, answering single works by DOI and bibliographic queries too."""

    def _answer(self, request: Any, path: str, params: dict[str, str], offset: int | None,
                fault: str | None, arg: Any) -> None:
        if getattr(self, "fail_queries", False) and "query.bibliographic" in params:
            return self._send(request, 500, b"<html>Internal error</html>", "text/html")
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/"):]).lower()
            item = next((w for w in self.works if w["DOI"].lower() == doi), None)
            if item is None:
                return self._send(request, 404, b"Resource not found.", "text/plain")
            return self._send(request, 200, json.dumps({"status": "ok", "message-type": "work",
                                                        "message": item}).encode())
        if path == "/works" and "query.bibliographic" in params:
            words = set(params["query.bibliographic"].lower().split())
            items = [w for w in self.works if words & set(w["title"][0].lower().split())]
            body = {"status": "ok", "message-type": "work-list",
                    "message": {"items": items, "total-results": len(items)}}
            return self._send(request, 200, json.dumps(body).encode())
        return super()._answer(request, path, params, offset, fault, arg)


def crossref_item(samples: Path, *, doi: str, title: str, authors: list[tuple[str, str]], year: int,
                  venue: str, abstract: str | None = None) -> dict[str, Any]:
    """A real Crossref sample item carrying this work's metadata."""
    folder = samples / "crossref_api"
    item = copy.deepcopy(json.loads((folder / "habanero_works_10.1136_jclinpath-2020-206745.json")
                                    .read_text("utf-8"))["message"])
    item.update({"DOI": doi, "title": [title], "published": {"date-parts": [[year]]}, "container-title": [venue],
                 "ISSN": [], "issn-type": [], "type": "journal-article",
                 "issued": {"date-parts": [[year]]},
                 "author": [{"family": f, "given": g, "sequence": "first" if i == 0 else "additional"}
                            for i, (f, g) in enumerate(authors)]})
    for key in ("abstract", "short-container-title", "publisher"):
        item.pop(key, None)
    if abstract:
        item["abstract"] = f"<jats:p>{abstract}</jats:p>"
    return item


@pytest.fixture
def library(seed_library: Path, tmp_path: Path) -> Path:
    """A copy of the seed library (the session's own stays as it is)."""
    folder = tmp_path / "library"
    shutil.copytree(seed_library, folder, ignore=shutil.ignore_patterns("*.sqlite-wal", "*.sqlite-shm"))
    return folder


def works(folder: Path) -> tuple[Any, Any]:
    with Library(folder, create=False) as lib:
        all_works = list(lib.works())
    oge = next(w for w in all_works if w.work.authors and w.work.authors[0].family == "Oge")
    bare = next(w for w in all_works if not w.work.ids.get("doi") and w.work.title and w.work.authors
                and w.work.year and len(w.work.title.split()) > 3 and w.work.doc_type.value == "article")
    return oge, bare


def test_enrich_fills_diacritics_and_a_doi_with_provenance_and_resumes(library: Path, samples: Path) -> None:
    oge, bare = works(library)
    assert oge.work.ids.get("doi")
    served = [
        crossref_item(samples, doi=oge.work.ids["doi"], title=oge.work.title, year=oge.work.year,
                      authors=[("Öge", "Kerem")], venue=oge.work.venue.name),
        crossref_item(samples, doi="10.9999/vissue.enrich.1", title=bare.work.title, year=bare.work.year,
                      authors=[(a.family, a.given) for a in bare.work.authors], venue=bare.work.venue.name,
                      abstract=None if bare.work.abstract else "This article argues that roads matter."),
    ]
    api = CrossrefWorks("crossref", served)
    try:
        # the source fails on the second work: the first is filled and saved as done, and the
        # error says how to go on
        api.fail_queries = True
        result = run_cli("--library", library, "enrich", str(oge.id), str(bare.id), "--api-url", api.url,
                         *FAST, "--setting", "retries=1", "--json")
        assert result.exit_code == 1, result.output
        first = json.loads(result.stdout)
        assert "the same command continues" in first["error"] and first["found"] == 1
        api.fail_queries = False
        asked = len(api.log)
        result = run_cli("--library", library, "enrich", str(oge.id), str(bare.id), "--api-url", api.url,
                         *FAST, "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["skipped"] == 1 and report["found"] == 1 and report["error"] is None
        assert all("query.bibliographic" in e["params"] for e in api.log[asked:])  # Öge not asked again
        report["filled"].update(first["filled"])
        assert "authors" in report["filled"][str(oge.id)] and "doi" in report["filled"][str(bare.id)]
        with Library(library, create=False) as lib:
            enriched = lib.get(str(oge.id))
            assert [a.family for a in enriched.work.authors] == ["Öge"]
            source = next(s for s in lib.sources(oge.id) if s["id"] == enriched.provenance["authors"])
            assert source["file"].startswith(api.url)  # where the filled field came from
            filled = lib.get(str(bare.id))
            assert filled.work.ids["doi"] == "10.9999/vissue.enrich.1"
            assert lib.sources(bare.id)[-1]["id"] == filled.provenance["ids"]
            assert lib.count() == len(list(lib.works()))
        # the editorial names her as her records now do
        assert name_work(IssueWork.from_stored(enriched))[0] == "Öge"
        # again: nothing more to fill, and Öge, whose record lacks nothing now, is not asked about
        asked = len(api.log)
        again = json.loads(run_cli("--library", library, "enrich", str(oge.id), str(bare.id), "--api-url",
                                   api.url, *FAST, "--json").stdout)
        assert again["filled"] == {} and again["looked_up"] <= 1
        assert not [e for e in api.log[asked:] if oge.work.ids["doi"] in e["path"]]
    finally:
        api.close()


def test_enrich_of_an_unknown_work_is_a_clear_error(library: Path) -> None:
    result = run_cli("--library", library, "enrich", "99999999", "--api-url", "http://127.0.0.1:9")
    assert result.exit_code == 1 and "Traceback" not in result.output


class OpenAlexWorks(FakeApi):
    """The stand-in server answering OpenAlex's /works/doi:{doi}."""

    def _answer(self, request: Any, path: str, params: dict[str, str], offset: int | None,
                fault: str | None, arg: Any) -> None:
        if path.startswith("/works/doi:"):
            doi = unquote(path[len("/works/doi:"):]).lower()
            item = next((w for w in self.works if w["doi"].lower().endswith(doi)), None)
            if item is None:
                return self._send(request, 404, b'{"error": "Not found"}')
            return self._send(request, 200, json.dumps(item).encode())
        return super()._answer(request, path, params, offset, fault, arg)


def test_enrich_from_openalex_fills_an_abstract(tmp_path: Path, samples: Path) -> None:
    """A record with a DOI but no abstract (as a WoS export may hold it) gets the abstract
    OpenAlex rebuilds from its inverted index, from the real sample work."""
    from vissue.work import Author, DocType, Origin, Venue, Work

    sample = json.loads((samples / "openalex_api" / "zotero_OpenAlexJSON_W3123223998_single_work.json")
                        .read_text("utf-8-sig"))
    folder = tmp_path / "library"
    with Library(folder) as lib:
        added = lib.add(Work(title=sample["title"].upper(), ids={"doi": "10.1257/0002828042002561"},
                             authors=[Author("BERTRAND", "M"), Author("MULLAINATHAN", "S")], year=2004,
                             venue=Venue(name="AMERICAN ECONOMIC REVIEW"), doc_type=DocType.ARTICLE,
                             origin=Origin("wos.txt", "record 1", "wos", "TI ...")))
        work_id = lib.get("10.1257/0002828042002561").id
    assert added
    api = OpenAlexWorks("openalex", [sample])
    try:
        result = run_cli("--library", folder, "enrich", "--from", "openalex", "--api-url", api.url, *FAST, "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["found"] == 1 and "abstract" in report["filled"][str(work_id)]
        assert [e["path"] for e in api.log] == ["/works/doi:10.1257/0002828042002561"]
        with Library(folder, create=False) as lib:
            stored = lib.get(str(work_id))
            assert stored.work.abstract and len(stored.work.abstract) > 200
            assert lib.sources(work_id)[-1]["id"] == stored.provenance["abstract"]
    finally:
        api.close()
