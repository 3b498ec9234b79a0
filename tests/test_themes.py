"""Themes: lenses, grouping, naming, order, agreement with the editors (real model, real library)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import shared_path
from vissue.brief.event import brief_from_text
from vissue.cli import cli
from vissue.errors import InputError
from vissue.evaluate.gold import evaluate, load_gold, match_gold
from vissue.evaluate.themes import theme_agreement
from vissue.issue import IssueWork, Theme
from vissue.library.store import Library
from vissue.search.index import SearchIndex
from vissue.search.retrieve import SearchSettings, retrieve
from vissue.search.selection import select
from vissue.search.semantic import SentenceTransformerEmbedder
from vissue.themes.assign import ThemeSettings, assign_themes, load_vocabulary


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def seed(seed_library: Path, embedder: SentenceTransformerEmbedder) -> dict:
    """The seed selection (evaluate() on the gold event text): works, vectors, the editors' themes."""
    gold = load_gold(shared_path("seed", "kazakhstan-2022", "gold.json"))
    with Library(seed_library) as library:
        index = SearchIndex.open(library, embedder)
        result = evaluate(library, index, gold)
        ids = [s["id"] for s in result["selected"]]
        works = [IssueWork.from_stored(library.get(str(i))) for i in ids]
        matched = match_gold(library, gold)
        migration = _topic_selection(index, "Labour migration from Tajikistan to Russia: remittances,"
                                            " migrant workers and their families")
        migration_works = [IssueWork.from_stored(library.get(str(i))) for i in migration]
        return {
            "gold": gold, "works": works, "vectors": index.vectors(ids),
            "gold_themes": {i: a["theme"] for a, i in zip(gold.articles, matched, strict=True) if i in ids},
            "migration": (migration_works, index.vectors(migration)),
        }


def _topic_selection(index: SearchIndex, text: str) -> list[int]:
    ranked = retrieve(index, brief_from_text(text), SearchSettings(), all_ranked=True)
    return select(ranked, index.vectors([c.id for c in ranked[:50]]), 10).ids


def _covers_once(themes: list[Theme], works: list[IssueWork]) -> None:
    assigned = [i for t in themes for i in t.works]
    assert sorted(assigned) == sorted(w.id for w in works)
    assert all(t.works for t in themes)
    assert [t.id for t in themes] == [f"t{n}" for n in range(1, len(themes) + 1)]


# ---- the seed: agreement with the editors -------------------------------------------------------

def test_seed_themes_agree_with_the_editors(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    works, vectors = seed["works"], seed["vectors"]
    assert len(seed["gold_themes"]) >= 6, "the seed selection should hold most gold articles"
    themes = assign_themes(works, vectors, embedder=embedder)
    _covers_once(themes, works)
    assert 2 <= len(themes) <= 6
    agreement = theme_agreement(seed["gold_themes"], themes, seed["gold"].themes, embedder)
    report = json.dumps({"themes": [asdict(t) for t in themes], **agreement}, indent=1)
    assert agreement["theme_ari"] >= 0.5, report
    assert agreement["theme_names_matched"] >= 3, report
    assert agreement["theme_order_tau"] is not None and agreement["theme_order_tau"] > 0, report
    pairs = {p["gold"]: p for p in agreement["theme_name_pairs"]}
    assert set(pairs) == set(seed["gold"].themes)
    assert pairs["political institutions"]["produced"] == "political institutions"


def test_seed_themes_are_deterministic(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    first = assign_themes(seed["works"], seed["vectors"], embedder=embedder)
    again = assign_themes(list(seed["works"]), seed["vectors"].copy(), embedder=embedder,
                          vocabulary=load_vocabulary(Path(__file__).parents[1] / "src/vissue/data/lenses.toml"))
    assert [asdict(t) for t in first] == [asdict(t) for t in again]


def test_theme_count_is_respected(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    works, vectors = seed["works"], seed["vectors"]
    for count in (1, 3, len(works)):
        themes = assign_themes(works, vectors, embedder=embedder, count=count)
        assert len(themes) == count
        _covers_once(themes, works)
        assert all(t.label.strip() for t in themes)
        assert len({t.label for t in themes}) == count


def test_theme_count_larger_than_the_works_is_a_clear_error(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    works, vectors = seed["works"], seed["vectors"]
    with pytest.raises(InputError, match=r"--themes 11 asks for more themes than there are selected works \(10\)"):
        assign_themes(works, vectors, embedder=embedder, count=len(works) + 1)
    with pytest.raises(InputError, match="at least one theme"):
        assign_themes(works, vectors, embedder=embedder, count=0)
    with pytest.raises(InputError, match="3 theme names for 2 selected works"):
        assign_themes(works[:2], vectors[:2], embedder=embedder, names=["a", "b", "c"])


def test_user_names_get_the_works(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    works, vectors = seed["works"], seed["vectors"]
    names = ["regional dynamics", "political institutions", "ideas and legitimacy"]
    themes = assign_themes(works, vectors, embedder=embedder, names=names)
    assert [t.label for t in themes] == names
    _covers_once(themes, works)
    by_title = {w.title: w.id for w in works}
    regional = next(i for t, i in by_title.items() if t.startswith("Central Asia and regional security"))
    parliament = next(i for t, i in by_title.items() if t.startswith("Role and place of the parliament"))
    assert regional in themes[0].works
    assert parliament in themes[1].works
    assert themes[0].lens == "regional"  # a name close to a lens borrows its description and cues


def test_a_second_topic_gets_its_angles_as_themes(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    works, vectors = seed["migration"]
    themes = assign_themes(works, vectors, embedder=embedder)
    _covers_once(themes, works)
    assert 2 <= len(themes) <= 5
    labels = [t.label for t in themes]
    # every work is about migration: that is the issue's subject, not one of its themes
    assert "migration and mobility" not in labels
    assert all(t.lens for t in themes), labels
    assert all("about 'migration and mobility'" in t.rationale for t in themes)


def test_vocabulary_that_fits_nothing_falls_back_to_named_clusters(tmp_path: Path, seed: dict,
                                                                    embedder: SentenceTransformerEmbedder) -> None:
    path = tmp_path / "astronomy.toml"
    path.write_text('name = "astronomy"\n'
                    '[[lens]]\nlabel = "exoplanets"\ndescription = "Planets around other stars."\n'
                    'cues = ["exoplanet", "transit photometry"]\n'
                    '[[lens]]\nlabel = "stellar evolution"\ndescription = "How stars are born and die."\n'
                    'cues = ["supernova", "white dwarf"]\n', encoding="utf-8")
    themes = assign_themes(seed["works"], seed["vectors"], embedder=embedder, vocabulary=load_vocabulary(path))
    _covers_once(themes, seed["works"])
    assert 2 <= len(themes) <= 5
    assert all(t.lens is None and "no lens of the vocabulary fits" in t.rationale for t in themes)
    for theme in themes:
        assert theme.label and "kazakhstan" not in theme.label.lower()  # places do not name themes


# ---- vocabulary files ---------------------------------------------------------------------------

def test_default_vocabulary_is_general() -> None:
    vocabulary = load_vocabulary()
    assert 15 <= len(vocabulary.lenses) <= 30
    ranks = [lens.rank for lens in vocabulary.lenses]
    assert ranks == sorted(ranks)
    assert all(lens.description and len(lens.cues) >= 5 for lens in vocabulary.lenses)
    assert len({lens.id for lens in vocabulary.lenses}) == len(vocabulary.lenses)


def test_vocabulary_key_typo_is_named(tmp_path: Path) -> None:
    path = tmp_path / "journal.toml"
    path.write_text('[[lens]]\nlabel = "political institutions"\ncues = ["parliament"]\n'
                    '[[lens]]\nlable = "regional dynamics"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_vocabulary(path)
    message = str(caught.value)
    assert str(path) in message and "lens 2" in message and "unknown key 'lable'" in message
    assert "id, label, description, cues, rank" in message


def test_vocabulary_errors(tmp_path: Path) -> None:
    cases = {
        "top.toml": ('lenses = []\n', "unknown key 'lenses'"),
        "empty.toml": ('name = "x"\n', "no lenses"),
        "nolabel.toml": ('[[lens]]\ndescription = "x"\n', "key 'label' is missing"),
        "cues.toml": ('[[lens]]\nlabel = "x"\ncues = "parliament"\n', "key 'cues' must be a list"),
        "rank.toml": ('[[lens]]\nlabel = "x"\nrank = "first"\n', "key 'rank' must be a number"),
        "dup.toml": ('[[lens]]\nlabel = "x"\nid = "a"\n[[lens]]\nlabel = "y"\nid = "a"\n', "id 'a' is used"),
        "broken.toml": ('[[lens]\nlabel = "x"\n', "not valid TOML"),
        "lenses.json": ('{}', "TOML (.toml) or YAML"),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=re.escape(expected)):
            load_vocabulary(path)
    with pytest.raises(InputError, match="no such vocabulary file"):
        load_vocabulary(tmp_path / "missing.toml")


def test_yaml_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "journal.yaml"
    path.write_text("name: my journal\nlens:\n  - label: water politics\n    cues: [water, irrigation]\n    rank: 1\n"
                    "  - label: state and society\n    description: How rulers and ruled meet.\n", encoding="utf-8")
    vocabulary = load_vocabulary(path)
    assert [lens.label for lens in vocabulary.lenses] == ["water politics", "state and society"]
    assert vocabulary.lenses[0].id == "water-politics" and vocabulary.lenses[1].rank == 20
    path.write_text("lens:\n  - label: x\n    cue: [a]\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown key 'cue'"):
        load_vocabulary(path)


# ---- agreement measure --------------------------------------------------------------------------

def test_theme_agreement_measure(embedder: SentenceTransformerEmbedder) -> None:
    gold = {1: "political institutions", 2: "political institutions", 3: "regional dynamics", 4: "regional dynamics"}
    order = ["political institutions", "regional dynamics"]
    same = [Theme("t1", "political institutions", [1, 2]), Theme("t2", "regional dynamics and security", [3, 4])]
    result = theme_agreement(gold, same, order, embedder)
    assert result["theme_ari"] == 1.0 and result["theme_names_matched"] == 2 and result["theme_order_tau"] == 1.0
    swapped = [Theme("t1", "regional dynamics", [3, 4]), Theme("t2", "political institutions", [1, 2])]
    assert theme_agreement(gold, swapped, order, embedder)["theme_order_tau"] == -1.0
    mixed = [Theme("t1", "gender and family", [1, 3]), Theme("t2", "religion and politics", [2, 4])]
    result = theme_agreement(gold, mixed, order, embedder)
    assert result["theme_ari"] < 0 and result["theme_names_matched"] == 0 and result["theme_order_tau"] is None
    assert [p["gold"] for p in result["theme_name_pairs"]] == order


# ---- the command --------------------------------------------------------------------------------

def test_themes_command(seed_library: Path, seed: dict) -> None:
    works = seed["works"][:6]
    doi = next(w.ids["doi"] for w in works if w.ids.get("doi"))
    args = ["--library", str(seed_library), "themes", doi, *[str(w.id) for w in works], "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["themes"] and all(set(t) >= {"label", "works"} for t in data["themes"])
    assert sorted(i for t in data["themes"] for i in t["works"]) == sorted(w.id for w in works)
    assert {w["id"] for w in data["works"]} == {w.id for w in works}
    assert all("ids" in w for w in data["works"])

    table = CliRunner().invoke(cli, ["--library", str(seed_library), "themes", *[str(w.id) for w in works],
                                     "--theme", "regional dynamics", "--theme", "political institutions"])
    assert table.exit_code == 0, table.output
    assert "t1  regional dynamics" in table.output and "t2  political institutions" in table.output

    too_many = CliRunner().invoke(cli, ["--library", str(seed_library), "themes", "1", "2", "--themes", "3"])
    assert too_many.exit_code == 1
    assert "--themes 3 asks for more themes than the 2 works given" in too_many.output


def test_vectors_must_match_the_works(seed: dict, embedder: SentenceTransformerEmbedder) -> None:
    with pytest.raises(InputError, match="one row a work"):
        assign_themes(seed["works"], np.zeros((2, 384), dtype=np.float32), embedder=embedder)
    assert assign_themes([], np.zeros((0, 384), dtype=np.float32), embedder=embedder) == []
    single = assign_themes(seed["works"][:1], seed["vectors"][:1], embedder=embedder)
    assert len(single) == 1 and single[0].works == [seed["works"][0].id]
    assert ThemeSettings().max_share == 0.5
