"""The editor's web app in-process (FastAPI's TestClient) on a copy of the seed library: the JSON
API, the pages, version history and conflicts, publishing, and the guards (CSRF, tokens, sizes,
hosts, escaping, path traversal). `vissue serve` itself is started for real at the end."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conftest import shared_path
from vissue.cli import cli
from vissue.editorial.verify import check
from vissue.errors import ConflictError, NotFoundError
from vissue.issue import VirtualIssue
from vissue.library.migrations import SCHEMA_VERSION
from vissue.library.store import Library
from vissue.web import ServeSettings, create_app
from vissue.web.desk import EditorsDesk

GOLD = ("seed", "kazakhstan-2022", "gold.json")
CPCS = "0967-067X"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# A realistic hostile record: its title carries the payloads entity-escaped (as JATS and Crossref
# text does), so ingest decodes them into the stored title; the raw record keeps them verbatim.
XSS_RIS = """TY  - JOUR
TI  - Fuel prices and the January protests in Kazakhstan &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;
AU  - Tester, Eve
AU  - Probe, Mallory
T2  - Communist and Post-Communist Studies
SN  - 0967-067X
PY  - 2022
DO  - 10.9999/xss.2022.1
KW  - <script>alert(1)</script>protest
AB  - Mass protests spread across Kazakhstan in January 2022 after the price of liquefied gas doubled. We find that the protests were driven by fuel prices <script>alert(1)</script> and regional inequality.
ER  - {}
""".format("")
XSS_DOI = "10.9999/xss.2022.1"
XSS_DOI_2 = "10.9999/xss.2022.2"


def gold() -> dict[str, Any]:
    return json.loads(shared_path(*GOLD).read_text(encoding="utf-8"))


def copy_library(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("publish"))
    return target


def add_hostile_records(folder: Path) -> None:
    """The RIS above through the real reader, and a record added through the library's API whose
    title and abstract hold both payloads as they are (no reader strips them); indexes rebuilt."""
    from vissue.library.ingest import ingest
    from vissue.search.index import SearchIndex
    from vissue.search.semantic import SentenceTransformerEmbedder
    from vissue.work import Author, DocType, Origin, Venue, Work

    ris = folder / "hostile.ris"
    ris.write_text(XSS_RIS, encoding="utf-8")
    with Library(folder) as library:
        report = ingest(library, [ris])
        assert report.total("added") == 1
        raw = f"TI  - Gas prices, Zhanaozen and the state {SCRIPT} {IMG}\nAB  - ..."
        library.add(Work(
            title=f"Gas prices, Zhanaozen and the state in Kazakhstan {SCRIPT} {IMG}",
            ids={"doi": XSS_DOI_2}, authors=[Author("Mallet", "Carol")], year=2022,
            venue=Venue(name="Communist and Post-Communist Studies", issn=CPCS), doc_type=DocType.ARTICLE,
            abstract=("The January 2022 protests in Kazakhstan began in Zhanaozen over the price of gas. "
                      f"We show that protests spread because of regional inequality {SCRIPT} and that "
                      f"the government relied on troops of the Collective Security Treaty Organization {IMG}."),
            keywords=[f"protest {IMG}"], origin=Origin("hostile.json", "record 1", "api", raw)))
        stored = library.get(XSS_DOI)
        assert SCRIPT in stored.work.title and IMG in stored.work.title, stored.work.title
        SearchIndex.open(library, SentenceTransformerEmbedder())


@pytest.fixture(scope="module")
def library_dir(seed_library: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_library(seed_library, tmp_path_factory.mktemp("web") / "library")
    add_hostile_records(folder)
    return folder


@pytest.fixture(scope="module")
def desk(library_dir: Path) -> EditorsDesk:
    desk = EditorsDesk(ServeSettings(library=library_dir))
    desk.start()
    desk.index(timeout=600)
    return desk


@pytest.fixture(scope="module")
def client(desk: EditorsDesk) -> Iterator[TestClient]:
    with TestClient(create_app(desk.settings, desk=desk)) as client:
        yield client


@pytest.fixture(scope="module")
def issue(client: TestClient) -> dict[str, Any]:
    """An issue built from the seed's event paragraph, in the journal's works (version 1)."""
    g = gold()
    answer = client.post("/api/issues", json={"event": g["event"], "journal": g["issn"], "size": 10})
    assert answer.status_code == 201, answer.text
    return answer.json()


def assert_error(answer: httpx.Response, status: int, fragment: str = "") -> dict[str, Any]:
    """Every error has one shape: ok false, one-line error, a list of errors, the status."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"ok", "error", "errors", "status"}, body
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and body["errors"] and all("message" in e for e in body["errors"])
    assert fragment in body["error"], body["error"]
    return body


def csrf_of(client: TestClient) -> str:
    page = client.get("/")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert token and client.cookies.get("vissue_csrf") not in (None, token.group(1))  # bound to the server
    return token.group(1)


def patch(client: TestClient, issue_id: int, base: int, *changes: dict[str, Any]) -> httpx.Response:
    return client.patch(f"/api/issues/{issue_id}", json={"base_version": base, "changes": list(changes)})


def latest(client: TestClient, issue_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/issues/{issue_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


# ---- the store: versions and conflicts -------------------------------------------------------------

def test_issue_versions_in_the_store(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as library:
        assert library.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        first = library.create_issue({"title": "A", "n": 1})
        assert (first.issue_id, first.version) == (1, 1)
        second = library.save_issue(1, {"title": "B", "n": 2}, base_version=1, note="retitled")
        assert second.version == 2 and library.load_issue(1).document == {"title": "B", "n": 2}
        with pytest.raises(ConflictError, match="made on version 1, the latest is version 2") as stale:
            library.save_issue(1, {"title": "C"}, base_version=1)
        assert (stale.value.base_version, stale.value.current_version) == (1, 2)
        assert library.load_issue(1).document["title"] == "B"  # nothing written
        restored = library.restore_issue(1, 1, base_version=2)
        assert restored.version == 3 and restored.restored_from == 1
        assert library.load_issue(1).document == {"title": "A", "n": 1}
        assert library.load_issue(1, 2).document["title"] == "B"
        assert [(v.version, v.note) for v in library.issue_versions(1)] == [
            (1, "created"), (2, "retitled"), (3, "restored version 1")]
        assert library.issues()[0] | {"created": "", "updated": ""} == {
            "id": 1, "title": "A", "version": 3, "created": "", "updated": ""}
        with pytest.raises(NotFoundError, match="has no version 9"):
            library.load_issue(1, 9)
        with pytest.raises(NotFoundError, match="no virtual issue with id 7"):
            library.load_issue(7)


def test_two_connections_saving_on_the_same_version(tmp_path: Path) -> None:
    """Two editors (two connections, as two server threads have): the second save is refused."""
    with Library(tmp_path / "lib") as library:
        library.create_issue({"title": "start"})
    results: list[str] = []
    barrier = threading.Barrier(2)

    def save(title: str) -> None:
        with Library(tmp_path / "lib") as own:
            barrier.wait()
            try:
                own.save_issue(1, {"title": title}, base_version=1)
                results.append(title)
            except ConflictError:
                results.append("conflict")

    threads = [threading.Thread(target=save, args=(title,)) for title in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("conflict") == 1, results
    winner = next(r for r in results if r != "conflict")
    with Library(tmp_path / "lib") as library:
        assert library.load_issue(1).document == {"title": winner} and library.load_issue(1).version == 2


# ---- reading ---------------------------------------------------------------------------------------

def test_library_page_counts(client: TestClient, library_dir: Path) -> None:
    page = client.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "2,797 works from" in page.text
    assert "Central Asian Survey" in page.text and "0263-4937" in page.text
    with Library(library_dir) as library:
        years = dict(library.year_counts())
    assert f"2018: {years[2018]} works" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert page.headers["x-content-type-options"] == "nosniff"


def test_search_api_with_filters(client: TestClient) -> None:
    answer = client.get("/api/search", params={"q": "mass protests in Kazakhstan after a fuel price rise",
                                                "journal": "Communist and Post-Communist Studies",
                                                "since": 2010, "k": 8})
    assert answer.status_code == 200, answer.text
    hits = answer.json()["hits"]
    assert [h["rank"] for h in hits] == list(range(1, 9))
    assert all(h["venue"] == "Communist and Post-Communist Studies" and h["year"] >= 2010 for h in hits)
    assert all(h["why"] and "cosine" not in h["why"] and h["ids"]["id"] == h["id"] for h in hits)  # plain words
    assert all("embedding rank" in h["scores"]["details"] for h in hits)  # the numbers, apart
    page = client.get("/search", params={"q": "Kazakhstan protests", "journal": CPCS})
    assert page.status_code == 200 and "works for “Kazakhstan protests”" in page.text
    browse = client.get("/search", params={"journal": CPCS})
    assert "31 works in 0967-067X" in browse.text
    assert_error(client.get("/api/search", params={"q": "x", "since": 2020, "until": 2010}), 400, "since 2020 is after")
    assert_error(client.get("/api/search", params={"q": "x", "journal": "Journal of Nothing"}), 400,
                 "no works from 'Journal of Nothing'")


def test_a_work_by_any_identifier(client: TestClient) -> None:
    by_doi = client.get("/api/works/10.1016/j.postcomstud.2018.04.005").json()
    by_wos = client.get(f"/api/works/{by_doi['ids']['wos']}").json()
    by_id = client.get(f"/api/works/{by_doi['id']}").json()
    assert by_doi["id"] == by_wos["id"] == by_id["id"] and by_doi["title"] == "Central Asia and regional security"
    assert by_doi["sources"] and by_doi["provenance"]
    page = client.get("/works/10.1016/J.POSTCOMSTUD.2018.04.005")
    assert page.status_code == 200 and "Central Asia and regional security" in page.text
    assert_error(client.get("/api/works/10.9999/none"), 404, "no work in this library has doi 10.9999/none")
    html = client.get("/works/10.9999/none", headers={"accept": "text/html"})
    assert html.status_code == 404 and "no work in this library has doi 10.9999/none" in html.text


def test_one_error_shape_for_every_error(client: TestClient, issue: dict[str, Any]) -> None:
    assert_error(client.get("/api/nothing"), 404, "nothing here")
    assert_error(client.delete("/api/issues", headers={"content-type": "application/json"}), 405, "DELETE is not allowed")
    body = assert_error(client.post("/api/issues", json={"event": "x", "size": 0}), 422, "size")
    assert body["errors"][0]["loc"] == ["body", "size"]
    assert_error(client.post("/api/issues", json={"event": "x", "colour": "red"}), 422, "colour")
    assert_error(client.post("/api/issues", content="event=x", headers={"content-type": "text/plain"}), 415, "JSON")
    assert_error(client.post("/api/issues", json={"event": "   "}), 400, "the event text is empty")
    assert_error(patch(client, issue["id"], 1, {"op": "explode"}), 422)
    assert_error(client.get("/api/issues/999"), 404, "no virtual issue with id 999")
    assert_error(client.get(f"/api/issues/{issue['id']}", params={"version": 999}), 404, "has no version 999")


def test_openapi_documents_the_api_and_its_errors(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/search", "/api/works/{identifier}", "/api/issues", "/api/issues/{issue_id}",
                 "/api/issues/{issue_id}/versions", "/api/issues/{issue_id}/restore",
                 "/api/issues/{issue_id}/publish"):
        assert path in paths, path
    assert {"get", "patch"} <= set(paths["/api/issues/{issue_id}"])
    assert "409" in paths["/api/issues/{issue_id}"]["patch"]["responses"]
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"ok", "error", "errors", "status"}
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/issues/{issue_id}" in docs.text and "rename_theme" in docs.text
    assert "cdn" not in docs.text.lower()


# ---- an issue through the API ----------------------------------------------------------------------

def test_create_issue_from_the_event(issue: dict[str, Any], client: TestClient) -> None:
    doc = issue["issue"]
    assert issue["version"] == 1 and issue["latest"] == 1
    assert len(doc["works"]) == 10 and 2 <= len(doc["themes"]) <= 6
    assert doc["parameters"]["review"] == {"pinned": [], "rejected": []}
    assert all("why" in c and "authors" in c for c in doc["passed_over"])  # the review page's reasons
    assert check(VirtualIssue.from_dict(doc)) == []
    again = latest(client, issue["id"])
    assert again["issue"] == doc
    page = client.get(f"/issues/{issue['id']}/review")
    assert page.status_code == 200 and doc["works"][0]["title"][:40] in page.text


def test_changes_keep_the_issue_whole_and_the_edits(client: TestClient, issue: dict[str, Any]) -> None:
    issue_id = issue["id"]
    current = latest(client, issue_id)
    base, doc = current["version"], current["issue"]
    themes = doc["themes"]
    first, second = themes[0], themes[1]
    victim = first["works"][-1]

    answer = patch(client, issue_id, base, {"op": "reject", "work": victim})
    assert answer.status_code == 200, answer.text
    doc = answer.json()["issue"]
    assert victim not in [w["id"] for w in doc["works"]] and all(victim not in t["works"] for t in doc["themes"])
    assert doc["passed_over"][0]["id"] == victim and doc["passed_over"][0]["reason"] == "rejected by the editor"
    assert doc["parameters"]["review"]["rejected"] == [victim]
    assert all(victim not in s["works"] for s in doc["editorial"]["sentences"])
    assert check(VirtualIssue.from_dict(doc)) == []

    moved = second["works"][0]
    doc = patch(client, issue_id, base + 1, {"op": "move", "work": moved, "theme": first["id"]}).json()["issue"]
    by_id = {t["id"]: t for t in doc["themes"]}
    assert by_id[first["id"]]["works"][-1] == moved and moved not in by_id[second["id"]]["works"]
    assert next(w for w in doc["works"] if w["id"] == moved)["theme"] == first["id"]
    assert [w["id"] for w in doc["works"]] == [i for t in doc["themes"] for i in t["works"]]

    doc = patch(client, issue_id, base + 2, {"op": "rename_theme", "theme": first["id"],
                                              "label": "energy, prices and protest"}).json()["issue"]
    framing = next(s for s in doc["editorial"]["sentences"] if s["part"] == "framing")
    assert "energy, prices and protest" in framing["text"]
    opening = next(s for s in doc["editorial"]["sentences"] if s["theme"] == first["id"])
    assert opening["text"].startswith("Starting with energy, prices and protest, ")

    target = next(s for s in doc["editorial"]["sentences"] if s["theme"] == second["id"] and s["works"])
    edited_text = "The editors add that this work reads the protests through institutions."
    answer = patch(client, issue_id, base + 3, {"op": "edit_sentence", "sentence": target["id"], "text": edited_text})
    doc = answer.json()["issue"]
    edited = next(s for s in doc["editorial"]["sentences"] if s["id"] == target["id"])
    assert edited["text"] == edited_text and edited["edited"] is True

    # a later change to the themes keeps the edit; regenerating another theme touches nothing else
    doc = patch(client, issue_id, base + 4, {"op": "add_theme", "label": "the region"},
                {"op": "move", "work": edited["works"][0], "theme": second["id"]}).json()["issue"]
    kept = next(s for s in doc["editorial"]["sentences"] if s["works"] == edited["works"])
    assert kept["text"] == edited_text and kept["edited"]
    before = doc["editorial"]["sentences"]
    third = doc["themes"][2]["id"]
    doc = patch(client, issue_id, base + 5, {"op": "regenerate_theme", "theme": third}).json()["issue"]
    assert [s for s in doc["editorial"]["sentences"] if s["theme"] != third] == [
        s for s in before if s["theme"] != third]
    doc = patch(client, issue_id, base + 6, {"op": "regenerate_theme", "theme": second["id"]}).json()["issue"]
    assert edited_text not in [s["text"] for s in doc["editorial"]["sentences"]]
    assert check(VirtualIssue.from_dict(doc)) == []

    # pinning: a pinned work cannot be rejected; accepting brings a rejected work back
    pinned = doc["works"][0]["id"]
    doc = patch(client, issue_id, base + 7, {"op": "pin", "work": pinned}).json()["issue"]
    assert doc["parameters"]["review"]["pinned"] == [pinned]
    assert_error(patch(client, issue_id, base + 8, {"op": "reject", "work": pinned}), 400, "is pinned")
    doc = patch(client, issue_id, base + 8, {"op": "accept", "work": victim, "theme": second["id"]}).json()["issue"]
    assert victim in next(t for t in doc["themes"] if t["id"] == second["id"])["works"]
    assert doc["parameters"]["review"]["rejected"] == [] and victim not in [c["id"] for c in doc["passed_over"]]
    # any work of the library, by its DOI, and a theme removed (its works stay, under no theme)
    known = {w["id"] for w in doc["works"]} | {c["id"] for c in doc["passed_over"]}
    hits = client.get("/api/search", params={"q": "irrigation water in the Aral Sea basin", "k": 20}).json()["hits"]
    outsider = next(h for h in hits if h["id"] not in known and h["ids"].get("wos"))
    doc = patch(client, issue_id, base + 9, {"op": "accept", "work": outsider["ids"]["wos"]}).json()["issue"]
    assert doc["works"][-1]["id"] == outsider["id"] and doc["works"][-1]["theme"] is None
    assert doc["works"][-1]["why"]["reason"] == "accepted by the editor"
    removed = next(t for t in reversed(doc["themes"]) if t["works"])
    doc = patch(client, issue_id, base + 10, {"op": "remove_theme", "theme": removed["id"]}).json()["issue"]
    assert removed["id"] not in [t["id"] for t in doc["themes"]]
    assert all(w["theme"] is None for w in doc["works"] if w["id"] in removed["works"])
    order = [t["id"] for t in doc["themes"]][::-1]
    doc = patch(client, issue_id, base + 11, {"op": "reorder_themes", "order": order},
                {"op": "set_title", "title": "Kazakhstan, January 2022"}).json()["issue"]
    assert [t["id"] for t in doc["themes"]] == order and doc["title"] == "Kazakhstan, January 2022"
    assert check(VirtualIssue.from_dict(doc)) == []
    assert_error(patch(client, issue_id, base + 12, {"op": "rename_theme", "theme": "t99", "label": "x"}), 400,
                 "the issue has no theme 't99'")
    assert latest(client, issue_id)["version"] == base + 12  # the refused changes saved nothing


def test_a_stale_change_is_refused(client: TestClient, issue: dict[str, Any]) -> None:
    current = latest(client, issue["id"])
    answer = patch(client, issue["id"], current["version"] - 1, {"op": "set_title", "title": "Overwritten"})
    body = assert_error(answer, 409, "was changed since you opened it")
    assert body["errors"][0]["current_version"] == current["version"]
    assert latest(client, issue["id"]) == current


def test_history_and_undo(client: TestClient, issue: dict[str, Any]) -> None:
    issue_id = issue["id"]
    versions = client.get(f"/api/issues/{issue_id}/versions").json()["versions"]
    assert [v["version"] for v in versions] == list(range(1, len(versions) + 1))
    assert versions[0]["note"] == "built from the event text"
    head = versions[-1]["version"]
    answer = client.post(f"/api/issues/{issue_id}/restore", json={"base_version": head, "version": 1})
    assert answer.status_code == 200 and answer.json()["version"] == head + 1
    assert answer.json()["issue"] == issue["issue"]
    assert_error(client.post(f"/api/issues/{issue_id}/restore", json={"base_version": head, "version": 1}), 409)
    page = client.get(f"/issues/{issue_id}/history")
    assert "restored version 1" in page.text and page.text.count('<li class="version') == head + 1
    confirm = client.get(f"/issues/{issue_id}/restore", params={"version": head})  # restore asks, with a diff
    assert confirm.status_code == 200 and "Restore version" in confirm.text and "<del>" in confirm.text


def test_stale_changes_merge_part_by_part(client: TestClient, issue: dict[str, Any]) -> None:
    """Two editors on one version: edits to different sentences or themes both land; the same
    sentence or theme is a conflict that names both texts and saves nothing."""
    issue_id = issue["id"]
    current = latest(client, issue_id)
    base, doc = current["version"], current["issue"]
    one, two = [s for s in doc["editorial"]["sentences"] if s["part"] == "theme"][:2]
    assert patch(client, issue_id, base, {"op": "edit_sentence", "sentence": one["id"], "text": "A's words."}
                 ).status_code == 200
    merged = patch(client, issue_id, base, {"op": "edit_sentence", "sentence": two["id"], "text": "B's words."})
    assert merged.status_code == 200 and "merged with version" in merged.json()["note"], merged.text
    texts = [s["text"] for s in merged.json()["issue"]["editorial"]["sentences"]]
    assert "A's words." in texts and "B's words." in texts
    clash = patch(client, issue_id, base, {"op": "edit_sentence", "sentence": one["id"], "text": "C's words."})
    assert_error(clash, 409, "was changed since you opened it")
    assert "C's words." not in [s["text"] for s in latest(client, issue_id)["issue"]["editorial"]["sentences"]]

    base = latest(client, issue_id)["version"]
    first, second = doc["themes"][0]["id"], doc["themes"][1]["id"]
    assert patch(client, issue_id, base, {"op": "rename_theme", "theme": first, "label": "named by A"}).status_code == 200
    assert patch(client, issue_id, base, {"op": "rename_theme", "theme": second, "label": "named by B"}).status_code == 200
    labels = [t["label"] for t in latest(client, issue_id)["issue"]["themes"]]
    assert "named by A" in labels and "named by B" in labels
    assert_error(patch(client, issue_id, base, {"op": "rename_theme", "theme": first, "label": "named by C"}), 409)

    # through the form: the conflict page shows both texts and a way to keep either
    token = csrf_of(client)
    page = client.post(f"/issues/{issue_id}/change", headers={"accept": "text/html"}, data={
        "csrf": token, "base_version": str(base - 2), "op": "edit_sentence", "sentence": one["id"],
        "text": "D's words.", "back": "editorial"})
    assert page.status_code == 409 and "A&#39;s words." in page.text and "D&#39;s words." in page.text
    assert "Use mine" in page.text and "Keep this" in page.text


def test_form_problems_are_shown_next_to_the_field(client: TestClient, issue: dict[str, Any]) -> None:
    issue_id = issue["id"]
    token = csrf_of(client)
    current = latest(client, issue_id)
    theme = current["issue"]["themes"][0]["id"]
    answer = client.post(f"/issues/{issue_id}/change", headers={"accept": "text/html"}, data={
        "csrf": token, "base_version": str(current["version"]), "op": "rename_theme", "theme": theme,
        "label": "x" * 250, "back": "themes"})
    assert answer.status_code == 400 and 'class="board"' in answer.text  # the themes page, not an error page
    problem = re.search(r'<p class="problem"[^>]*>([^<]*)</p>', answer.text)
    assert problem and problem.group(1) == "The theme&#39;s name is too long: at most 200 characters", problem
    assert "String should have" not in answer.text
    sentence = next(s for s in current["issue"]["editorial"]["sentences"] if s["theme"] == theme)
    assert patch(client, issue_id, current["version"], {"op": "edit_sentence", "sentence": sentence["id"],
                                                        "text": "An edit to keep."}).status_code == 200
    refused = client.post(f"/issues/{issue_id}/change", headers={"accept": "text/html"}, data={
        "csrf": token, "base_version": str(current["version"] + 1), "op": "regenerate_theme", "theme": theme,
        "back": "editorial"})
    assert refused.status_code == 400 and "drops them" in refused.text
    assert latest(client, issue_id)["version"] == current["version"] + 1  # nothing saved


def test_a_work_page_adds_the_work_to_an_issue(client: TestClient, issue: dict[str, Any]) -> None:
    issue_id = issue["id"]
    doc = latest(client, issue_id)["issue"]
    known = {w["id"] for w in doc["works"]} | {c["id"] for c in doc["passed_over"]}
    hits = client.get("/api/search", params={"q": "glaciers and water in the Pamirs", "k": 30}).json()["hits"]
    outsider = next(h for h in hits if h["id"] not in known and h["ids"].get("doi"))
    page = client.get(f"/works/{outsider['ids']['doi']}")
    assert 'action="/issues/add-work"' in page.text
    added = client.post("/issues/add-work", follow_redirects=False, data={
        "csrf": csrf_of(client), "issue": str(issue_id), "work": outsider["ids"]["doi"]})
    assert added.status_code == 303 and added.headers["location"].startswith(f"/issues/{issue_id}/review?saved=")
    assert outsider["id"] in [w["id"] for w in latest(client, issue_id)["issue"]["works"]]


def test_every_page_renders(client: TestClient, issue: dict[str, Any]) -> None:
    issue_id = issue["id"]
    for path in ("/", "/search", "/issues/new", "/login", "/api/docs", f"/issues/{issue_id}/review",
                 f"/issues/{issue_id}/themes", f"/issues/{issue_id}/editorial", f"/issues/{issue_id}/editorial?s=s2",
                 f"/issues/{issue_id}/preview", f"/issues/{issue_id}/preview?version=1", f"/issues/{issue_id}/publish",
                 f"/issues/{issue_id}/history", "/favicon.ico", "/static/app.js", "/static/app.css"):
        answer = client.get(path, headers={"accept": "text/html"})
        assert answer.status_code == 200, (path, answer.text[-500:])
    assert client.get(f"/issues/{issue_id}", follow_redirects=False).headers["location"] == f"/issues/{issue_id}/review"


def test_a_new_issue_through_the_forms(client: TestClient) -> None:
    """Event text -> the brief, shown and corrected -> the issue, as the two forms post them."""
    token = csrf_of(client)
    event = gold()["event"]
    brief = client.post("/issues/brief", data={"csrf": token, "event": event, "journal": CPCS, "size": "6"})
    assert brief.status_code == 200 and "What vissue understood" in brief.text
    places = re.search(r'<textarea name="places"[^>]*>([^<]*)</textarea>', brief.text).group(1)
    assert "Kazakhstan" in places.splitlines()
    created = client.post("/issues/create", follow_redirects=False, data={
        "csrf": token, "event": event, "edited_brief": "1", "journal": CPCS, "size": "6", "themes": "3",
        "places": "Kazakhstan\nRussia", "actors": "Kassym-Jomart Tokayev", "key_phrases": "fuel price rise\nviolent repression",
        "aspects": "the price of gas\nthe CSTO's troops", "period_start": "2022-01-01", "title": "Kazakhstan in January"})
    assert created.status_code == 303, created.text
    issue_id = int(re.search(r"/issues/(\d+)/review", created.headers["location"]).group(1))
    doc = latest(client, issue_id)["issue"]
    assert doc["title"] == "Kazakhstan in January" and len(doc["works"]) == 6 and len(doc["themes"]) == 3
    assert [p["name"] for p in doc["brief"]["places"]] == ["Kazakhstan", "Russia"]
    assert doc["brief"]["key_phrases"] == ["fuel price rise", "violent repression"]
    assert doc["brief"]["aspects"] == ["the price of gas", "the CSTO's troops"]  # the editor's, each searched
    review = client.get(f"/issues/{issue_id}/review").text  # each with the chosen works that answer it
    panel = review[review.index('id="aspects"'):review.index("Passed over")]
    assert "<strong>the price of gas</strong>" in panel and "CSTO&#39;s troops</strong>" in panel
    answered = [w["id"] for w in doc["works"] if w["why"].get("aspect")]
    assert all(f'href="#work-{i}"' in panel for i in answered)
    assert '<textarea name="aspects"' in brief.text
    assert "protests" in doc["brief"]["query"]  # worked out from the event text: the form has no query field
    bad = client.post("/issues/brief", data={"csrf": token, "event": event, "size": "many"},
                      headers={"accept": "text/html"})
    assert bad.status_code == 400 and "What happened?" in bad.text  # the form again, the problem next to it
    assert '<p class="problem" id="problem" role="alert">Size: &#39;many&#39; is not a whole number' in bad.text


# ---- concurrency through a real server -------------------------------------------------------------

@pytest.fixture(scope="module")
def live_server(desk: EditorsDesk) -> Iterator[str]:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(desk.settings, desk=desk), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_two_concurrent_conflicting_edits(live_server: str, issue: dict[str, Any]) -> None:
    """Two editors rename the same theme from the same version at the same moment: one is saved,
    the other gets 409, and the first one's change is what the issue holds."""
    with httpx.Client(base_url=live_server, timeout=60) as http:
        current = http.get(f"/api/issues/{issue['id']}").json()
        theme = current["issue"]["themes"][0]["id"]
        barrier = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def rename(label: str) -> None:
            with httpx.Client(base_url=live_server, timeout=60) as own:
                barrier.wait()
                answers[label] = own.patch(f"/api/issues/{issue['id']}", json={
                    "base_version": current["version"],
                    "changes": [{"op": "rename_theme", "theme": theme, "label": label}]})

        threads = [threading.Thread(target=rename, args=(label,)) for label in ("label of A", "label of B")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(a.status_code for a in answers.values())
        assert statuses == [200, 409], {k: a.text for k, a in answers.items()}
        winner = next(label for label, a in answers.items() if a.status_code == 200)
        loser = next(a for a in answers.values() if a.status_code == 409)
        assert_error(loser, 409, "was changed since you opened it")
        after = http.get(f"/api/issues/{issue['id']}").json()
        assert after["version"] == current["version"] + 1
        assert after["issue"]["themes"][0]["label"] == winner


# ---- publishing and downloads ----------------------------------------------------------------------

def test_publish_writes_the_page_and_exports(client: TestClient, issue: dict[str, Any], library_dir: Path) -> None:
    issue_id = issue["id"]
    current = latest(client, issue_id)
    sentence = next(s for s in current["issue"]["editorial"]["sentences"] if s["part"] == "theme")
    text = "An edit that must reach the published page."
    version = patch(client, issue_id, current["version"],
                    {"op": "edit_sentence", "sentence": sentence["id"], "text": text}).json()["version"]
    answer = client.post(f"/api/issues/{issue_id}/publish", json={})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["version"] == version
    names = {f["name"] for f in result["files"]}
    assert names == {"issue.json", "issue.md", "issue.html", "issue.ris", "issue.bib", "issue.csl.json"}
    folder = library_dir / "publish" / f"issue-{issue_id}" / f"v{version}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    page = client.get(result["page"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert text in page.text and "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    ris = client.get(next(f["url"] for f in result["files"] if f["name"] == "issue.ris"), params={"download": "true"})
    assert ris.status_code == 200 and ris.text.startswith("TY  - ")
    assert ris.headers["content-disposition"].startswith("attachment")
    listing = client.get(f"/issues/{issue_id}/publish")
    assert f"publish/issue-{issue_id}/v{version}/" in listing.text and "Open the published page" in listing.text


def test_downloads_cannot_escape_the_publish_folder(client: TestClient, desk: EditorsDesk, library_dir: Path) -> None:
    publish = library_dir / "publish"
    publish.mkdir(exist_ok=True)
    (publish / "link").symlink_to(library_dir / "library.sqlite")
    (publish / ".hidden").write_text("secret")
    attempts = ["../library.sqlite", "%2e%2e/library.sqlite", "..%2flibrary.sqlite", "issue-1/..%2f..%2flibrary.sqlite",
                "%2fetc%2fpasswd", "/etc/passwd", "link", ".hidden", "issue-1", "..\\library.sqlite",
                "issue-1/v1/%00.html"]
    for attempt in attempts:
        answer = client.get("/published/" + attempt)
        assert answer.status_code in (404, 400), (attempt, answer.status_code)
        assert b"SQLite format" not in answer.content and b"root:" not in answer.content, attempt
    for relative in ("../library.sqlite", "issue-1/../../library.sqlite", "/etc/passwd", "link", ".hidden", ""):
        with pytest.raises(NotFoundError):
            desk.published_file(relative)


# ---- guards ----------------------------------------------------------------------------------------

def test_forms_need_the_csrf_token(client: TestClient, issue: dict[str, Any]) -> None:
    token = csrf_of(client)
    current = latest(client, issue["id"])
    form = {"base_version": str(current["version"]), "op": "set_title", "title": "Via the form", "back": "editorial"}
    url = f"/issues/{issue['id']}/change"
    refused = client.post(url, data=form, headers={"accept": "text/html"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.post(url, data={**form, "csrf": "forged"}).status_code == 403
    assert latest(client, issue["id"])["version"] == current["version"]
    done = client.post(url, data={**form, "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/issues/{issue['id']}/editorial?saved=")
    assert latest(client, issue["id"])["issue"]["title"] == "Via the form"
    stale = client.post(url, data={**form, "csrf": token}, headers={"accept": "text/html"})
    assert stale.status_code == 409 and "was changed since you opened it" in stale.text


def test_changes_from_another_site_are_refused(client: TestClient, issue: dict[str, Any]) -> None:
    base = latest(client, issue["id"])["version"]
    body = {"base_version": base, "changes": [{"op": "set_title", "title": "Hijacked"}]}
    assert_error(client.patch(f"/api/issues/{issue['id']}", json=body, headers={"origin": "http://evil.example"}),
                 403, "another origin")
    assert_error(client.patch(f"/api/issues/{issue['id']}", json=body, headers={"sec-fetch-site": "cross-site"}),
                 403, "another site")
    assert latest(client, issue["id"])["version"] == base


def test_request_size_limits(desk: EditorsDesk) -> None:
    settings = ServeSettings(library=desk.library_path, max_body=2048)
    with TestClient(create_app(settings, desk=desk)) as small:
        assert_error(small.post("/api/brief", json={"text": "x" * 5000}), 413, "larger than 2,048 bytes")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}'

        assert_error(small.post("/api/brief", content=chunks(), headers={"content-type": "application/json"}),
                     413, "larger than 2,048 bytes")
        assert small.post("/api/brief", json={"text": "Protests in Almaty."}).status_code == 200


def test_a_token_guards_every_change(desk: EditorsDesk, issue: dict[str, Any]) -> None:
    settings = ServeSettings(library=desk.library_path, token="s3cret-token")
    with TestClient(create_app(settings, desk=desk)) as guarded:
        assert guarded.get(f"/api/issues/{issue['id']}").status_code == 200  # reading stays open
        base = guarded.get(f"/api/issues/{issue['id']}").json()["version"]
        body = {"base_version": base, "changes": [{"op": "set_title", "title": "With the token"}]}
        assert_error(guarded.patch(f"/api/issues/{issue['id']}", json=body), 401, "needs its token")
        assert_error(guarded.patch(f"/api/issues/{issue['id']}", json=body,
                                   headers={"authorization": "Bearer wrong"}), 401)
        ok = guarded.patch(f"/api/issues/{issue['id']}", json=body, headers={"authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200 and ok.json()["version"] == base + 1
        # a browser signs in once; its forms then carry the sign-in cookie
        token = csrf_of(guarded)
        form = {"csrf": token, "base_version": str(base + 1), "op": "set_title", "title": "Signed in"}
        assert guarded.post(f"/issues/{issue['id']}/change", data=form).status_code == 401
        wrong = guarded.post("/login", data={"csrf": token, "token": "guess", "next": "/"})
        assert wrong.status_code == 401 and "not the server’s token" in wrong.text
        signed = guarded.post("/login", data={"csrf": token, "token": "s3cret-token", "next": "/"},
                              follow_redirects=False)
        assert signed.status_code == 303 and "s3cret-token" not in signed.headers["set-cookie"]
        assert guarded.post(f"/issues/{issue['id']}/change", data=form, follow_redirects=False).status_code == 303


def test_only_loopback_host_names_are_answered(desk: EditorsDesk) -> None:
    settings = ServeSettings(library=desk.library_path, allowed_hosts=["127.0.0.1:8000", "localhost:8000"])
    with TestClient(create_app(settings, desk=desk), base_url="http://127.0.0.1:8000") as local:
        assert local.get("/api/status").status_code == 200
        assert_error(local.get("/api/status", headers={"host": "rebound.example:8000"}), 400,
                     "not rebound.example:8000")


def test_record_markup_shows_as_text_on_every_page(client: TestClient, desk: EditorsDesk) -> None:
    """A title and abstract holding <script> and <img onerror> are text wherever they appear:
    search, the work, the review, the themes, the editorial, the preview and the published page."""
    g = gold()
    created = client.post("/api/issues", json={"event": g["event"], "journal": g["issn"], "size": 12}).json()
    issue_id, doc = created["id"], created["issue"]
    version = created["version"]
    for doi in (XSS_DOI, XSS_DOI_2):
        if doi not in [w["ids"].get("doi") for w in doc["works"]]:
            answer = patch(client, issue_id, version, {"op": "accept", "work": doi, "theme": doc["themes"][0]["id"]})
            assert answer.status_code == 200, answer.text
            version, doc = answer.json()["version"], answer.json()["issue"]
    hostile = next(w for w in doc["works"] if w["ids"].get("doi") == XSS_DOI_2)
    sentence = next(s for s in doc["editorial"]["sentences"] if s["works"] == [hostile["id"]])
    assert SCRIPT in sentence["text"] or IMG in sentence["text"], sentence["text"]  # the gist carries it
    published = client.post(f"/api/issues/{issue_id}/publish", json={}).json()["page"]
    pages = {
        "search": f"/search?q=Fuel+prices+January+protests+Kazakhstan&journal={CPCS}",
        "work (ris)": f"/works/{XSS_DOI}", "work (api)": f"/works/{XSS_DOI_2}",
        "review": f"/issues/{issue_id}/review", "themes": f"/issues/{issue_id}/themes",
        "editorial": f"/issues/{issue_id}/editorial?s={sentence['id']}",
        "preview": f"/issues/{issue_id}/render/html", "published": published,
    }
    for name, url in pages.items():
        html = client.get(url).text
        for payload in (SCRIPT, IMG, "<script>alert", "onerror=alert(1)>"):
            assert payload not in html, (name, payload)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x onerror=alert(1)&gt;" in html, name
    markdown = client.get(f"/issues/{issue_id}/render/md")
    assert markdown.headers["content-type"].startswith("text/plain")  # shown as text, never as a page


# ---- vissue serve ----------------------------------------------------------------------------------

def test_serve_refuses_a_public_address_without_a_token(library_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(library_dir), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "refusing to listen on 0.0.0.0 without a token" in result.output
    assert "--token SECRET" in result.output and "VISSUE_TOKEN" in result.output
    result = CliRunner().invoke(cli, ["--library", str(library_dir), "serve", "--host", "192.168.1.20", "--token", ""])
    assert result.exit_code == 1 and "refusing to listen on 192.168.1.20" in result.output


def test_serve_loopback_rules() -> None:
    from vissue.commands.serve import allowed_hosts, is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org"))
    assert "127.0.0.1:8000" in allowed_hosts("127.0.0.1", 8000) and "localhost:8000" in allowed_hosts("127.0.0.1", 8000)


def test_serve_prints_its_address_and_answers(library_dir: Path, tmp_path: Path) -> None:
    """`vissue serve --port 0` prints its address at once and answers pages while the search
    index loads in the background."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "vissue", "--library", str(library_dir), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        printed = time.perf_counter() - started
        address = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert address, line
        answer = httpx.get(address.group(1), timeout=10)
        answered = time.perf_counter() - started
        assert answer.status_code == 200 and "2,797 works" in answer.text
        print(f"vissue serve: address printed after {printed:.2f} s, first page after {answered:.2f} s")
        assert_error(httpx.get(address.group(1) + "api/status", headers={"host": "evil.example"}), 400)
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_publish_tab_shows_what_check_finds(client: TestClient, desk: EditorsDesk, issue: dict[str, Any]) -> None:
    """The Publish tab lists the same findings as `vissue check`, naming the sentence."""
    from vissue.editorial.verify import check_issue

    issue_id = issue["id"]
    current = latest(client, issue_id)
    document = copy.deepcopy(current["issue"])
    gist = next(s for s in document["editorial"]["sentences"] if s["part"] == "theme" and len(s["works"]) == 1
                and not s.get("edited")  # earlier tests edit sentences: an edited one is the editor's
                and all(x["index"] >= 0 for x in s["sources"]))  # from an abstract (a title stands alone)
    gist["text"] = gist["text"].rstrip(".") + ", as the data presented here show."  # generated, not edited
    with desk.library() as library:
        library.save_issue(issue_id, document, base_version=current["version"], note="a seeded defect")
    page = client.get(f"/issues/{issue_id}/publish")
    assert page.status_code == 200
    findings = check_issue(VirtualIssue.from_dict(document)).problems
    assert any(f.startswith(f"{gist['id']}: ") and "dangling reference “here”" in f for f in findings), findings
    for finding in findings:
        assert html.escape(finding, quote=False) in page.text or finding in html.unescape(page.text)
