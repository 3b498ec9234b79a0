"""The event brief: places, actors, period, key phrases and query from an editor's text."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from vissue.brief.aspects import MAX_ASPECTS, find_aspects
from vissue.brief.event import (
    EMPTY_TEXT,
    ActorKind,
    EventBrief,
    PlaceKind,
    brief_from_text,
    load_brief,
    place_mentions,
)
from vissue.brief.gazetteer import actor_gazetteer, place_gazetteer
from vissue.errors import InputError
from vissue.readers import ris
from vissue.work import Work

SEED = ("seed", "kazakhstan-2022")

NIGER = (
    "On July 26, 2023, members of Niger's presidential guard detained President Mohamed Bazoum, "
    "and General Abdourahamane Tchiani declared himself head of a transitional government. "
    "ECOWAS threatened military intervention and imposed sanctions, while France, which had "
    "about 1,500 troops in the country, was ordered to leave Niamey. The junta turned to Russia "
    "and the Wagner Group, echoing earlier coups in Mali and Burkina Faso across the Sahel."
)
PAKISTAN = (
    "Since June 2022, monsoon floods have submerged a third of Pakistan, killing more than 1,700 "
    "people and displacing 33 million in Sindh and Balochistan. Prime Minister Shehbaz Sharif "
    "blamed climate change and called on rich countries for compensation, while the IMF and the "
    "World Bank weighed emergency loans. Pakistan's debt crisis raised fears of food insecurity "
    "across South Asia."
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return json.loads(shared_path(*SEED, "gold.json").read_text(encoding="utf-8"))["event"]


@pytest.fixture(scope="module")
def seed(seed_text: str) -> EventBrief:
    return brief_from_text(seed_text)


@pytest.fixture(scope="module")
def seed_works() -> dict[str, Work]:
    text = shared_path(*SEED, "missing-from-wos.ris").read_text(encoding="utf-8")
    works = [w for w in ris.read(text, file="missing-from-wos.ris") if isinstance(w, Work)]
    return {w.authors[0].family: w for w in works}


def _text(work: Work) -> str:
    return "\n".join([work.title or "", work.abstract or "", "; ".join(work.keywords)])


# --- the seed paragraph -------------------------------------------------------------------------


def test_seed_places(seed: EventBrief) -> None:
    places = {p.name: p for p in seed.places}
    assert list(places) == ["Kazakhstan", "Russia", "Post-Soviet states"]
    assert places["Kazakhstan"].kind is PlaceKind.COUNTRY
    assert places["Kazakhstan"].matched == ["Kazakhstan", "Kazakh"]  # "on Kazakh soil"
    assert {"Kazakhstan", "Kazakh", "Kazakhs", "Kazakhstani", "Qazaqstan"} <= set(
        places["Kazakhstan"].aliases)
    assert places["Russia"].matched == ["Russia", "Russian"]  # "Russian (and other) troops"
    region = places["Post-Soviet states"]
    assert region.kind is PlaceKind.REGION and region.matched == ["ex-Soviet states"]
    assert {"Kazakhstan", "Russia", "Ukraine", "Uzbekistan"} <= set(region.countries)
    assert len(region.countries) == 15


def test_seed_actors(seed: EventBrief) -> None:
    actors = {a.name: a for a in seed.actors}
    assert list(actors) == ["Kassym-Jomart Tokayev", "Nursultan Nazarbayev",
                            "Collective Security Treaty Organization"]
    csto = actors["Collective Security Treaty Organization"]
    assert csto.kind is ActorKind.ORGANISATION
    assert csto.matched == ["Collective Security Treaty Organization", "CSTO"]
    assert "CSTO" in csto.aliases
    tokayev, nazarbayev = actors["Kassym-Jomart Tokayev"], actors["Nursultan Nazarbayev"]
    assert tokayev.kind is nazarbayev.kind is ActorKind.PERSON
    assert tokayev.matched == ["Kassym-Jomart Tokayev", "Tokayev"]
    assert nazarbayev.matched == ["Nursultan Nazarbayev", "Nazarbayev"]
    assert "Tokayev" in tokayev.aliases and "Nazarbayev" in nazarbayev.aliases


def test_seed_period(seed: EventBrief) -> None:
    assert seed.period is not None
    assert (seed.period.start, seed.period.end) == ("2022-01-01", None)
    assert seed.period.matched == ["During the past week", "January 1, 2022"]


def test_seed_key_phrases(seed: EventBrief) -> None:
    phrases = [p.lower() for p in seed.key_phrases]
    assert 5 <= len(phrases) <= 15
    assert "price of gas" in phrases
    assert any("protest" in p or "demonstrat" in p for p in phrases)
    assert {"violent repression", "regional security organization", "entrenched autocratic "
            "leadership", "powerful security council"} <= set(phrases)
    # names and dates are the brief's other fields, not key phrases
    assert not any(n in p for p in phrases for n in ("kazakh", "tokayev", "csto", "january"))


def test_seed_query(seed: EventBrief, seed_text: str) -> None:
    words = seed.query.split()
    assert len(words) < len(seed_text.split()) / 2
    assert {"Kazakhstan", "CSTO", "Tokayev", "protests", "gas", "repression"} <= set(words)
    assert not {"the", "of", "has", "January", "2022"} & set(words)
    assert len(words) == len({w.lower() for w in words})


def test_seed_is_fast(seed_text: str) -> None:
    brief_from_text(seed_text)  # gazetteers loaded once
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        brief_from_text(seed_text)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05


# --- JSON round trip, corrections, loading --------------------------------------------------------


def test_json_round_trip(seed: EventBrief) -> None:
    data = json.loads(json.dumps(seed.to_dict()))
    assert data["places"][0]["kind"] == "country"
    assert EventBrief.from_dict(data) == seed


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_any_text_gives_a_brief_that_round_trips(text: str) -> None:
    brief = brief_from_text(text)
    assert EventBrief.from_dict(json.loads(json.dumps(brief.to_dict()))) == brief
    assert {p.name for p in brief.places if p.matched} <= set(place_mentions(brief, text))


def test_user_corrections_win(seed: EventBrief) -> None:
    data = seed.to_dict()
    data["places"] = [p for p in data["places"] if p["name"] != "Russia"] + ["Uzbekistan"]
    data["actors"] = [{"name": "Kassym-Jomart Tokayev", "kind": "person",
                       "aliases": ["Tokayev", "Tokaev"]}]
    data["period"] = None
    del data["key_phrases"]  # left out: worked out again
    brief = EventBrief.from_dict(data)
    assert [p.name for p in brief.places] == ["Kazakhstan", "Post-Soviet states", "Uzbekistan"]
    uzbekistan = brief.places[-1]
    assert uzbekistan.kind is PlaceKind.COUNTRY and "Uzbek" in uzbekistan.aliases
    assert brief.actors[0].aliases == ["Tokayev", "Tokaev"] and brief.actors[0].matched == []
    assert brief.period is None
    assert brief.key_phrases == seed.key_phrases


def test_a_brief_that_lists_its_questions_has_them_as_aspects(seed: EventBrief) -> None:
    brief = brief_from_text("A border war between Kyrgyzstan and Tajikistan: the clashes at the border, the "
                            "demarcation of the frontier, water and land, and the role of the CSTO.")
    assert brief.aspects[:2] == ["the clashes at the border", "the demarcation of the frontier"]
    assert "water" in brief.aspects and "land" in brief.aspects  # two items: each side has a key phrase
    # a list without a colon: a sentence of three pieces or more
    floods = brief_from_text("Floods in Pakistan have displaced millions, destroyed crops, roads and homes, "
                             "and deepened the debt crisis.")
    assert {"destroyed crops", "roads", "homes", "deepened the debt crisis"} <= set(floods.aspects)
    # lines with bullets or numbers are a list too
    bullets = brief_from_text("Floods in Pakistan. The issue should cover:\n- displaced families\n"
                              "2. crop losses\n* the debt crisis")
    assert bullets.aspects == ["displaced families", "crop losses", "the debt crisis"]
    # a story, not a list: no aspects (a date's comma parts nothing); one short question: none
    assert seed.aspects == []
    assert brief_from_text("Mass protests in Kazakhstan after a fuel price rise").aspects == []
    assert brief_from_text("Protests began on January 1, 2022, in Zhanaozen.").aspects == []


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1).filter(str.strip))
def test_aspects_hold_key_phrases(text: str) -> None:
    brief = brief_from_text(text)
    assert len(brief.aspects) != 1 and len(brief.aspects) <= MAX_ASPECTS
    assert all(any(k.lower() in a.lower() for k in brief.key_phrases) for a in brief.aspects)
    assert len({a.lower() for a in brief.aspects}) == len(brief.aspects)


def test_an_aspect_holds_a_key_phrase_as_whole_words() -> None:
    assert find_aspects("Topics: Finland, farms, forests.", ["land", "farms", "forests"]) == ["farms", "forests"]


def test_aspects_follow_the_users_corrections(seed: EventBrief) -> None:
    text = "Water in Central Asia: dams upstream, cotton downstream, and the Aral Sea."
    data = brief_from_text(text).to_dict()
    assert data["aspects"] == ["dams upstream", "cotton downstream", "the Aral Sea"]
    assert EventBrief.from_dict({**data, "aspects": ["glaciers"]}).aspects == ["glaciers"]
    assert EventBrief.from_dict({**data, "aspects": []}).aspects == []
    # left out, they are worked out again from the key phrases as the user gave them
    del data["aspects"]
    assert EventBrief.from_dict({**data, "key_phrases": ["dams", "cotton"]}).aspects == ["dams upstream",
                                                                                        "cotton downstream"]
    with pytest.raises(InputError, match="field 'aspects'"):
        EventBrief.from_dict({**data, "aspects": "glaciers"})
    with pytest.raises(InputError, match=r"field 'aspects': 13 aspects; at most 12"):
        EventBrief.from_dict({**data, "aspects": [f"glacier {i}" for i in range(13)]})


def test_bad_brief_names_the_field(seed: EventBrief) -> None:
    data = seed.to_dict()
    data["places"][0]["kind"] = "planet"
    with pytest.raises(InputError, match=r"field 'places': kind 'planet' is not one of: "
                                         r"country, region, city, subnational"):
        EventBrief.from_dict(data, source="brief.json")
    with pytest.raises(InputError, match=r"brief\.json: an event brief is a JSON object"):
        EventBrief.from_dict({"places": []}, source="brief.json")


def test_load_brief_from_json_text_file_or_text(tmp_path, seed: EventBrief,
                                                seed_text: str) -> None:
    brief_json = tmp_path / "brief.json"
    brief_json.write_text(json.dumps(seed.to_dict()), encoding="utf-8")
    event_txt = tmp_path / "event.txt"
    event_txt.write_text(seed_text + "\n", encoding="utf-8")
    assert load_brief(brief_json) == seed
    assert load_brief(str(event_txt)) == seed
    assert load_brief(seed_text) == seed
    assert load_brief("Floods in Pakistan").places[0].name == "Pakistan"


def test_load_brief_errors(tmp_path) -> None:
    with pytest.raises(InputError, match=r"event\.txt: no such file"):
        load_brief(str(tmp_path / "event.txt"))
    broken = tmp_path / "brief.json"
    broken.write_text('{"text": "Floods",\n  "places": [}', encoding="utf-8")
    with pytest.raises(InputError, match=r"brief\.json, line 2, column 14: not valid JSON"):
        load_brief(broken)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text(text: str) -> None:
    with pytest.raises(InputError) as info:
        brief_from_text(text)
    assert str(info.value) == EMPTY_TEXT == (
        "the event text is empty: give a paragraph describing the event")
    with pytest.raises(InputError, match="the event text is empty"):
        load_brief(text)


# --- works that mention the event's places --------------------------------------------------------


def test_place_mentions_on_seed_abstracts(seed: EventBrief,
                                          seed_works: dict[str, Work]) -> None:
    breuning = seed_works["Breuning"]  # "... Countries of the Near Abroad ..."
    assert place_mentions(seed, _text(breuning)) == ["Russia", "Post-Soviet states"]
    assert place_mentions(seed, _text(seed_works["Yan"])) == ["Kazakhstan", "Post-Soviet states"]
    assert place_mentions(seed, _text(seed_works["Yan"]), via_members=False) == ["Kazakhstan"]
    assert place_mentions(seed, _text(seed_works["Kudaibergenova"])) == []


def test_place_mentions_rules(seed: EventBrief) -> None:
    assert place_mentions(seed, "Unrest in almaty and ZHANAOZEN") == ["Kazakhstan",
                                                                     "Post-Soviet states"]
    assert place_mentions(seed, "Kazakhstani elites and Moscow") == ["Kazakhstan", "Russia",
                                                                     "Post-Soviet states"]
    assert place_mentions(seed, "Oil empowerment in the Gulf") == []
    sudan = brief_from_text("Fighting broke out in Sudan; the US and Turkey called for talks.")
    assert [p.name for p in sudan.places] == ["Sudan", "United States", "Turkey"]
    assert place_mentions(sudan, "Independence of South Sudan") == []  # the longest name wins
    assert place_mentions(sudan, "let us talk turkey") == []  # 'us', 'turkey': no places
    assert place_mentions(sudan, "U.S. POLICY IN TURKEY") == ["United States", "Turkey"]


# --- other events: not fitted to one paragraph ------------------------------------------------------


def test_coup_in_niger() -> None:
    brief = brief_from_text(NIGER)
    assert [p.name for p in brief.places] == ["Niger", "France", "Niamey", "Russia", "Mali",
                                               "Burkina Faso", "Sahel"]
    assert "Nigeria" not in [p.name for p in brief.places]
    assert {(a.name, a.kind) for a in brief.actors} == {
        ("Mohamed Bazoum", ActorKind.PERSON), ("Abdourahamane Tchiani", ActorKind.PERSON),
        ("Economic Community of West African States", ActorKind.ORGANISATION),
        ("Wagner Group", ActorKind.ORGANISATION)}
    assert brief.period is not None and brief.period.start == "2023-07-26"
    assert {"presidential guard", "military intervention", "transitional government"} <= set(
        brief.key_phrases)


def test_floods_in_pakistan() -> None:
    brief = brief_from_text(PAKISTAN)
    places = {p.name: p for p in brief.places}
    assert list(places) == ["Pakistan", "Sindh", "Balochistan", "South Asia"]
    assert places["Sindh"].kind is PlaceKind.SUBNATIONAL and places["Sindh"].countries == [
        "Pakistan"]
    assert [a.name for a in brief.actors] == ["Shehbaz Sharif", "International Monetary Fund",
                                              "World Bank"]
    assert brief.period is not None
    assert (brief.period.start, brief.period.end) == ("2022-06", None)  # "Since June 2022"
    assert {"monsoon floods", "climate change", "debt crisis", "food insecurity"} & set(
        brief.key_phrases) >= {"monsoon floods", "climate change", "debt crisis"}
    assert "1700" not in brief.query and "people" not in brief.key_phrases


def test_city_brings_its_country() -> None:
    brief = brief_from_text("Riots in Almaty on 5 January 2022.")
    assert [(p.name, p.kind, p.matched) for p in brief.places] == [
        ("Almaty", PlaceKind.CITY, ["Almaty"]), ("Kazakhstan", PlaceKind.COUNTRY, [])]
    assert brief.period is not None and brief.period.start == "2022-01-05"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Elections were held in 2021.", "2021", "2021"),
    ("Between 2014 and 2016 the economy shrank.", "2014", "2016"),
    ("Since 1991 the country has been independent.", "1991", None),
    ("Reforms of the 1990s.", "1990", "1999"),
    ("Protests on 2022-01-02 and 2022-01-05.", "2022-01-02", "2022-01-05"),
    ("Soldiers killed 2000 people.", None, None),
])
def test_periods(text: str, start: str | None, end: str | None) -> None:
    period = brief_from_text(text).period
    got = (period.start, period.end) if period else (None, None)
    assert got == (start, end)


# --- the gazetteers -------------------------------------------------------------------------------


def test_gazetteers_are_consistent() -> None:
    places, actors = place_gazetteer(), actor_gazetteer()
    countries = {e["name"] for e in places.entries if e["kind"] == "country"}
    assert len(countries) >= 195
    for entry in places.entries:
        assert entry["kind"] in {k.value for k in PlaceKind}
        assert set(entry.get("countries", [])) <= countries, entry["name"]
    for gazetteer in (places, actors):  # one surface form, one entry
        for index in (gazetteer.exact, gazetteer.folded):
            assert all(len(set(ids)) == 1 for ids in index.values())
    cities = {e["name"]: e["countries"] for e in places.entries if e["kind"] == "city"}
    for city, country in [("Almaty", "Kazakhstan"), ("Astana", "Kazakhstan"),
                          ("Aktobe", "Kazakhstan"), ("Zhanaozen", "Kazakhstan"),
                          ("Bishkek", "Kyrgyzstan"), ("Tashkent", "Uzbekistan"),
                          ("Dushanbe", "Tajikistan"), ("Ashgabat", "Turkmenistan"),
                          ("Moscow", "Russia"), ("Kyiv", "Ukraine"), ("Minsk", "Belarus"),
                          ("Tbilisi", "Georgia"), ("Yerevan", "Armenia"), ("Baku", "Azerbaijan")]:
        assert cities[city] == [country]
    acronyms = {a for e in actors.entries for a in e["aliases"]}
    assert {"CSTO", "SCO", "EAEU", "EEU", "CIS", "NATO", "EU", "OSCE", "UN", "IMF", "OPEC"} <= acronyms
    assert "World Bank" in actors.by_name.get("world bank", {}).get("aliases", [])
