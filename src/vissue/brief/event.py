"""The event brief: an editor's account of an event, read into what later stages search with.

    brief = brief_from_text("Protests spread across Kazakhstan after January 1, 2022 ...")
    brief.places, brief.actors, brief.period, brief.key_phrases, brief.aspects, brief.query
    place_mentions(brief, work.title + " " + work.abstract)   # ['Kazakhstan', 'Russia']

Places and organisations come from the gazetteers shipped in ``vissue/data`` (countries with
their adjectives and demonyms, regions with their members, cities, international bodies; see
``gazetteer``); people are found in the text itself, here; the period comes from ``dates``, the
key phrases and the query from ``phrases``, the aspects (the parts of the brief that each call
for works of their own) from ``aspects``. A brief is plain data: ``to_dict`` gives the JSON the
user sees and may correct, ``from_dict`` takes it back, the user's corrections winning.

``query`` is the event text condensed to its content words, in the order of the text, each
once: function words, verbs, adverbs and dates are dropped, names are kept. It stays short
enough for a sentence embedder's window (the full text, which may not, is ``text``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..json_input import loads
from ..text import fold, has_surrogate, replace_surrogates
from .aspects import MAX_ASPECTS, find_aspects
from .dates import Period, find_period
from .gazetteer import (
    MONTHS,
    STOPWORDS,
    TITLES,
    Gazetteer,
    actor_gazetteer,
    inside_spans,
    place_gazetteer,
    word_set,
)
from .phrases import condense_query, find_key_phrases

EMPTY_TEXT = "the event text is empty: give a paragraph describing the event"


class PlaceKind(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    CITY = "city"
    SUBNATIONAL = "subnational"


class ActorKind(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


@dataclass
class Place:
    """A place the event text names. `countries`: a region's members, a city's country."""

    name: str
    kind: PlaceKind
    matched: list[str] = field(default_factory=list)  # surface forms in the text; [] = inferred
    aliases: list[str] = field(default_factory=list)  # every form a work may use for it
    countries: list[str] = field(default_factory=list)


@dataclass
class Actor:
    """An organisation or a person the event text names."""

    name: str
    kind: ActorKind
    matched: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)



@dataclass
class EventBrief:
    """What vissue understood of the event text; every field can be corrected by the user."""

    text: str
    query: str
    places: list[Place] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    period: Period | None = None
    key_phrases: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)  # parts of the text searched on their own too

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "query": self.query,
            "places": [{"name": p.name, "kind": p.kind.value, "matched": p.matched,
                        "aliases": p.aliases, "countries": p.countries} for p in self.places],
            "actors": [{"name": a.name, "kind": a.kind.value, "matched": a.matched,
                        "aliases": a.aliases} for a in self.actors],
            "period": None if self.period is None else {
                "start": self.period.start, "end": self.period.end,
                "matched": self.period.matched},
            "key_phrases": self.key_phrases,
            "aspects": self.aspects,
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "the brief") -> EventBrief:
        """Read a brief back, as the user corrected it; a field left out is worked out again.

        A place or an actor may be given by its name alone ("Uzbekistan"); what is left out
        of it is taken from the gazetteer.
        """
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{source}: an event brief is a JSON object with a 'text' string")
        if has_surrogate(json.dumps(data, ensure_ascii=False)):  # text that cannot be embedded
            data = json.loads(replace_surrogates(json.dumps(data, ensure_ascii=False)))
        derived = brief_from_text(data["text"])

        def read(name: str, parse: Any, default: Any) -> Any:
            if name not in data:
                return default
            try:
                return parse(data[name])
            except (AttributeError, KeyError, TypeError, ValueError) as e:
                raise InputError(f"{source}: field '{name}': {e}; `vissue build --json` shows "
                                 "the shape of a brief") from e

        key_phrases = read("key_phrases", _strs, derived.key_phrases)
        return cls(
            text=data["text"],
            query=read("query", _str, derived.query),
            places=read("places", lambda v: [_place_from_dict(p) for p in _list(v)],
                        derived.places),
            actors=read("actors", lambda v: [_actor_from_dict(a) for a in _list(v)],
                        derived.actors),
            period=read("period", _period_from_dict, derived.period),
            key_phrases=key_phrases,
            # the user's key phrases, when given, decide which parts of the text are aspects
            aspects=read("aspects", _aspects, find_aspects(derived.text, key_phrases)),
        )


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _strs(value: Any) -> list[str]:
    return [_str(v) for v in _list(value)]


def _aspects(value: Any) -> list[str]:
    aspects = [a for a in _strs(value) if a.strip()]
    if len(aspects) > MAX_ASPECTS:
        raise ValueError(f"{len(aspects)} aspects; at most {MAX_ASPECTS} (each is searched on its own): "
                         "keep the ones the issue must answer")
    return aspects


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _period_from_dict(d: Any) -> Period | None:
    if d is None:
        return None
    if not isinstance(d, dict):
        raise TypeError(f"expected an object with 'start' and 'end', or null, got {d!r}")
    return Period(_opt_str(d.get("start")), _opt_str(d.get("end")), _strs(d.get("matched", [])))


def _kind(enum: type[StrEnum], value: Any) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(k.value for k in enum)  # type: ignore[attr-defined]
        raise ValueError(f"kind {value!r} is not one of: {allowed}") from None


def _entry(d: Any, gazetteer: Gazetteer) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user's object (a bare name becomes {'name': ...}) and the gazetteer's entry."""
    d = {"name": d} if isinstance(d, str) else d
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        raise TypeError(f"expected a name or an object with a 'name', got {d!r}")
    return d, gazetteer.by_name.get(fold(d["name"]), {})


def _place_from_dict(value: Any) -> Place:
    d, entry = _entry(value, place_gazetteer())
    return Place(
        name=d["name"],
        kind=_kind(PlaceKind, d.get("kind", entry.get("kind", PlaceKind.REGION))),
        matched=_strs(d.get("matched", [])),
        aliases=_strs(d.get("aliases", entry.get("aliases", [d["name"]]))),
        countries=_strs(d.get("countries", entry.get("countries", []))),
    )


def _actor_from_dict(value: Any) -> Actor:
    d, entry = _entry(value, actor_gazetteer())
    return Actor(
        name=d["name"],
        kind=_kind(ActorKind, d.get("kind", entry.get("kind", ActorKind.ORGANISATION))),
        matched=_strs(d.get("matched", [])),
        aliases=_strs(d.get("aliases", entry.get("aliases", [d["name"]]))),
    )


# --- People ------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]\.(?=\s)|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PARTICLES = word_set("al el bin ibn bint de da di du van von der den la le dos das del")
# Capitalised words that make a run of capitals an institution, event or place, not a person.
_NOT_NAME = word_set("""
council organization organisation union party ministry bank university court front committee
army forces force government assembly parliament senate congress agency office company
corporation group institute fund commission treaty movement alliance league federation state
states kingdom republic national international democratic socialist united security economic
war revolution spring crisis agreement accord protocol act law constitution day week year century
era summit conference forum initiative program programme project plan strategy doctrine policy
report index survey census news times post journal review press media radio television agency
service police guard troops navy air command mission operation station airport square street
avenue road river lake sea ocean mountains valley desert island islands bay gulf coast province
region oblast district county city town village north south east west northern southern eastern
western central upper lower greater great old first second third church mosque cathedral museum
commons wikimedia wikipedia image photo credit
""")
_DAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")
_NOT_NAME |= _DAYS | MONTHS.keys()
_NOT_FIRST = TITLES | STOPWORDS | _DAYS | MONTHS.keys()  # "President", "During", "When"


def _find_people(text: str, masked: list[tuple[int, int]]) -> list[Actor]:
    """Personal names in the text; a later surname alone joins the full name it belongs to."""
    inside = inside_spans(masked)
    words = [m for m in _WORD.finditer(text) if not inside(m.start())]
    runs: list[list[re.Match[str]]] = []
    for m in words:
        w = m.group()
        namelike = (w[0].isupper() and not (w.isupper() and len(w) > 2)) or (
            w.lower() in _PARTICLES or w.split("-")[0].lower() in _PARTICLES)
        if not namelike:
            runs.append([])
            continue
        if runs and runs[-1] and text[runs[-1][-1].end():m.start()] == " ":
            runs[-1].append(m)
        else:
            runs.append([m])
    people: list[Actor] = []
    singles: list[re.Match[str]] = []
    for run in filter(None, runs):
        before = text[max(0, run[0].start() - 30):run[0].start()].lower().split()
        titled = bool(before) and before[-1] in TITLES
        while run and (run[0].group().lower() in _NOT_FIRST or run[0].group().islower()):
            titled = titled or run[0].group().lower() in TITLES
            run = run[1:]
        while run and run[-1].group().islower():
            run = run[:-1]
        if not run or any(m.group().lower() in _NOT_NAME for m in run):
            continue
        if len(run) == 1:
            singles.append(run[0])
            if not titled:
                continue
        name = text[run[0].start():run[-1].end()]
        surname = run[-1].group()
        person = next((p for p in people if p.aliases[-1] == surname), None)
        if person is None:
            people.append(Actor(name, ActorKind.PERSON, [name], [name, surname]))
        elif name not in person.matched:
            person.matched.append(name)
    for m in singles:  # "Tokayev" after "Kassym-Jomart Tokayev"
        for person in people:
            if person.aliases[-1] == m.group() and m.group() not in person.matched:
                person.matched.append(m.group())
    for person in people:  # the longest form found names the person
        person.name = max(person.matched, key=len)
        person.aliases = list(dict.fromkeys([person.name, *person.aliases[1:]]))
        plain = "".join(c for c in unicodedata.normalize("NFKD", person.name)
                        if not unicodedata.combining(c))
        if plain not in person.aliases:  # "Kerem Öge" is also written "Kerem Oge"
            person.aliases.append(plain)
    return people


# --- The brief ----------------------------------------------------------------------------------


def brief_from_text(text: str) -> EventBrief:
    """Read the editor's account of an event into a brief.

    >>> brief_from_text("Floods in Pakistan since June 2022").places[0].name
    'Pakistan'
    """
    if not text or not text.strip():
        raise InputError(EMPTY_TEXT)
    text = replace_surrogates(text.strip())
    actors_gaz, places_gaz = actor_gazetteer(), place_gazetteer()
    actor_hits = actors_gaz.scan(text)
    masked_text = list(text)
    for s, e, _ in actor_hits:
        masked_text[s:e] = " " * (e - s)
    place_hits = places_gaz.scan("".join(masked_text))

    places: dict[str, Place] = {}
    for s, e, ids in place_hits:
        entry = places_gaz.entries[ids[0]]
        place = places.setdefault(entry["name"], Place(
            entry["name"], PlaceKind(entry["kind"]), [], list(entry["aliases"]),
            list(entry.get("countries", []))))
        if text[s:e] not in place.matched:
            place.matched.append(text[s:e])
    for place in list(places.values()):  # a city's country is a place of the event too
        if place.kind in (PlaceKind.CITY, PlaceKind.SUBNATIONAL):
            for country in place.countries:
                entry = places_gaz.by_name.get(fold(country))
                if entry and entry["name"] not in places:
                    places[entry["name"]] = Place(entry["name"], PlaceKind(entry["kind"]), [],
                                                  list(entry["aliases"]), [])

    actors: dict[str, Actor] = {}
    first: dict[str, int] = {}
    for s, e, ids in actor_hits:
        entry = actors_gaz.entries[ids[0]]
        actor = actors.setdefault(entry["name"], Actor(
            entry["name"], ActorKind(entry["kind"]), [], list(entry["aliases"])))
        if text[s:e] not in actor.matched:
            actor.matched.append(text[s:e])
        first.setdefault(actor.name, s)

    period, date_spans = find_period(text)
    entity_spans = [(s, e) for s, e, _ in actor_hits + place_hits]
    people = _find_people(text, entity_spans + date_spans)
    person_spans = []
    for person in people:
        found = [m.span() for form in person.matched
                 for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)]
        person_spans += found
        first[person.name] = min((s for s, _ in found), default=len(text))
    masked = entity_spans + date_spans + person_spans
    all_actors = sorted([*actors.values(), *people], key=lambda a: first[a.name])
    key_phrases = find_key_phrases(text, masked)
    return EventBrief(
        text=text,
        query=condense_query(text, date_spans),
        places=list(places.values()),
        actors=all_actors,
        period=period,
        key_phrases=key_phrases,
        aspects=find_aspects(text, key_phrases),
    )



def load_brief(path_or_text: str | Path) -> EventBrief:
    """A brief from a JSON brief file, a plain-text file, or the event text itself."""
    if isinstance(path_or_text, Path) or _looks_like_path(path_or_text):
        path = Path(path_or_text)
        if not _is_file(path):
            raise InputError(f"{path}: no such file; give the event text itself, or a .txt "
                             "or .json file that holds it")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{path}: cannot read the event text ({e})") from e
        return _brief_from_content(content, source=str(path))
    return _brief_from_content(path_or_text, source="the event text")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _looks_like_path(value: str) -> bool:
    value = value.strip()
    if not value or "\n" in value or len(value) > 1024:
        return False
    try:
        if Path(value).is_file():
            return True
    except OSError:  # 'File name too long' and the like: not a path, the event text itself
        return False
    return " " not in value and value.lower().endswith((".json", ".txt", ".md"))


def _brief_from_content(content: str, *, source: str) -> EventBrief:
    if content.lstrip().startswith("{"):
        try:
            data = loads(content, source=source)
        except json.JSONDecodeError as e:
            raise InputError(f"{source}, line {e.lineno}, column {e.colno}: not valid JSON "
                             f"({e.msg}); a brief is the JSON `vissue build --json` prints, "
                             "or plain text") from e
        return EventBrief.from_dict(data, source=source)
    return brief_from_text(content)


# --- Matching works against the brief ----------------------------------------------------------


_Key = tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]


@cache
def _brief_matcher(places: _Key) -> tuple[Gazetteer, list[list[str]]]:
    """The gazetteer plus the brief's own aliases; per entry, the brief places it stands for."""
    base = place_gazetteer()
    gaz = Gazetteer([], [])
    gaz.entries = list(base.entries)
    gaz.exact = {k: list(v) for k, v in base.exact.items()}
    gaz.folded = {k: list(v) for k, v in base.folded.items()}
    gaz.capital = set(base.capital)
    gaz.sizes = {k: list(v) for k, v in base.sizes.items()}
    stands_for: list[list[str]] = [[] for _ in base.entries]
    for name, kind, aliases, members in places:
        own = len(gaz.entries)
        gaz.entries.append({"name": name, "kind": kind, "aliases": list(aliases)})
        stands_for.append([name])
        for alias in dict.fromkeys([name, *aliases]):
            gaz.add(alias, own)
        targets = {fold(name), *(fold(c) for c in members)}
        for i, entry in enumerate(base.entries):
            if fold(entry["name"]) in targets or (
                    kind in (PlaceKind.COUNTRY, PlaceKind.REGION)
                    and entry["kind"] in (PlaceKind.CITY, PlaceKind.SUBNATIONAL)
                    and any(fold(c) in targets for c in entry.get("countries", []))):
                stands_for[i].append(name)
    return gaz, stands_for


def place_mentions(brief: EventBrief, text: str, *, via_members: bool = True) -> list[str]:
    """Names of the brief's places that `text` (a title, an abstract, keywords) mentions.

    A place is mentioned by any of its aliases, a country also by its cities and provinces,
    and, with `via_members`, a region also by its member countries. Whole words in any case
    (acronyms such as 'US' keep theirs); the longest name wins, so 'South Sudan' is not Sudan.

    >>> place_mentions(brief_from_text("Protests in Kazakhstan"), "Unrest in Almaty")
    ['Kazakhstan']
    """
    if not text or not brief.places:
        return []
    key = tuple((p.name, p.kind.value, tuple(p.aliases),
                 tuple(p.countries) if via_members and p.kind == PlaceKind.REGION else ())
                for p in brief.places)
    gaz, stands_for = _brief_matcher(key)
    found = {name for _, _, ids in gaz.scan(text) for i in ids for name in stands_for[i]}
    return [p.name for p in brief.places if p.name in found]
