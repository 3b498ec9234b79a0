"""The event brief: an editor's account of an event, read into what later stages search with.

    brief = brief_from_text("Protests spread across Kazakhstan after January 1, 2022 ...")
    brief.places, brief.actors, brief.period, brief.key_phrases, brief.query
    place_mentions(brief, work.title + " " + work.abstract)   # ['Kazakhstan', 'Russia']

Places and organisations come from the gazetteers shipped in ``vissue/data`` (countries with
their adjectives and demonyms, regions with their members, cities, international bodies);
people are found in the text itself. A brief is plain data: ``to_dict`` gives the JSON the
user sees and may correct, ``from_dict`` takes it back, the user's corrections winning.

``query`` is the event text condensed to its content words, in the order of the text, each
once: function words, verbs, adverbs and dates are dropped, names are kept. It stays short
enough for a sentence embedder's window (the full text, which may not, is ``text``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError
from .text import fold, is_shouting

EMPTY_TEXT = "the event text is empty: give a paragraph describing the event"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_in_order(text: str) -> list[str]:
    return text.split()


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
class Period:
    """When the event happened: ISO dates, months or years; `end` None = ongoing or unsaid."""

    start: str | None
    end: str | None = None
    matched: list[str] = field(default_factory=list)


@dataclass
class EventBrief:
    """What vissue understood of the event text; every field can be corrected by the user."""

    text: str
    query: str
    places: list[Place] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    period: Period | None = None
    key_phrases: list[str] = field(default_factory=list)

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
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "the brief") -> EventBrief:
        """Read a brief back, as the user corrected it; a field left out is worked out again.

        A place or an actor may be given by its name alone ("Uzbekistan"); what is left out
        of it is taken from the gazetteer.
        """
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{source}: an event brief is a JSON object with a 'text' string")
        derived = brief_from_text(data["text"])

        def read(name: str, parse: Any, default: Any) -> Any:
            if name not in data:
                return default
            try:
                return parse(data[name])
            except (AttributeError, KeyError, TypeError, ValueError) as e:
                raise InputError(f"{source}: field '{name}': {e}; `vissue build --json` shows "
                                 "the shape of a brief") from e

        return cls(
            text=data["text"],
            query=read("query", _str, derived.query),
            places=read("places", lambda v: [_place_from_dict(p) for p in _list(v)],
                        derived.places),
            actors=read("actors", lambda v: [_actor_from_dict(a) for a in _list(v)],
                        derived.actors),
            period=read("period", _period_from_dict, derived.period),
            key_phrases=read("key_phrases", _strs, derived.key_phrases),
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


def _entry(d: Any, gazetteer: _Gazetteer) -> tuple[dict[str, Any], dict[str, Any]]:
    """The user's object (a bare name becomes {'name': ...}) and the gazetteer's entry."""
    d = {"name": d} if isinstance(d, str) else d
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        raise TypeError(f"expected a name or an object with a 'name', got {d!r}")
    return d, gazetteer.by_name.get(fold(d["name"]), {})


def _place_from_dict(value: Any) -> Place:
    d, entry = _entry(value, _places())
    return Place(
        name=d["name"],
        kind=_kind(PlaceKind, d.get("kind", entry.get("kind", PlaceKind.REGION))),
        matched=_strs(d.get("matched", [])),
        aliases=_strs(d.get("aliases", entry.get("aliases", [d["name"]]))),
        countries=_strs(d.get("countries", entry.get("countries", []))),
    )


def _actor_from_dict(value: Any) -> Actor:
    d, entry = _entry(value, _actors())
    return Actor(
        name=d["name"],
        kind=_kind(ActorKind, d.get("kind", entry.get("kind", ActorKind.ORGANISATION))),
        matched=_strs(d.get("matched", [])),
        aliases=_strs(d.get("aliases", entry.get("aliases", [d["name"]]))),
    )


# --- Gazetteer: one n-gram lookup over word tokens, longest form first ---------------------

_TOKEN = re.compile(r"[^\W_]+")
_LIGHT_GAP = re.compile(r"[\s\-‐‑'’.&,]{0,3}")  # what may stand between the words of a name

# English function words, auxiliaries and common verbs: never part of a phrase or a name.
_STOPWORDS = _words("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst an and another any anyone anything anyway are around as at back be became
because become becomes been before being below beside besides between beyond both but by can
cannot could did do does doing done down due during each either else elsewhere enough etc even
ever every few for former formerly from further had has have having he hence her here hers
herself him himself his how however i if in indeed into is it its itself just last latter least
less many may me meanwhile might mine more moreover most mostly much must my myself neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto
or other others otherwise our ours ourselves out over own per perhaps please quite rather
same several she should since so some somehow someone something sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore these
they this those though through throughout thus to together too toward towards under until up upon
us very via was we well were what whatever when whence whenever where whereas whereby wherein
whether which while whither who whoever whole whom whose why will with within without would yet
you your yours yourself yourselves also amid amidst despite following regarding concerning
including against according among whilst ago later earlier first second third new recent recently
initially apparently possibly likely several various certain particular another
say said says saw see seen sees make made makes take took taken takes give gave given gives go
went gone goes come came comes get got gets become became keep kept let lead led leave left
hold held meet met send sent build built fell fallen rose risen begin began begun
found tell told bring brought think thought stand stood won lose lost paid spend
spent put showed shown know knew known grow grew grown drew drawn broke
broken ran seem seemed seems appear appeared tried used want wanted needed
remain remained remains continue continued include included includes called calls
two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds
thousand thousands million millions billion billions
""")

_MONTHS = {m: i for i, m in enumerate(_words_in_order(
    "january february march april may june july august september october november december"), 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9


class _Gazetteer:
    """Entries of places.json or actors.json, and the lookup that finds them in a text."""

    def __init__(self, entries: list[dict[str, Any]], capitalised_only: list[str]) -> None:
        self.entries = entries
        self.by_name = {fold(e["name"]): e for e in entries}
        capital = {fold(a) for a in capitalised_only}
        self.exact: dict[tuple[str, ...], list[int]] = {}
        self.folded: dict[tuple[str, ...], list[int]] = {}
        self.capital: set[tuple[str, ...]] = set()
        self.sizes: dict[str, list[int]] = {}  # first folded token -> token counts, largest first
        for i, entry in enumerate(entries):
            for alias in entry["aliases"]:
                self.add(alias, i, capital)

    def add(self, alias: str, index: int, capital: Collection[str] = ()) -> None:
        raw = tuple(_TOKEN.findall(alias))
        if len(raw) > 1 and raw[0].lower() == "the":  # "the Sahel": the Sahel is enough
            raw = raw[1:]
        if not raw:
            return
        key = tuple(_fold_token(t) for t in raw)
        if _is_acronym(alias):
            self.exact.setdefault(raw, []).append(index)
        else:
            self.folded.setdefault(key, []).append(index)
            if fold(alias) in capital:
                self.capital.add(key)
        sizes = self.sizes.setdefault(key[0], [])
        if len(key) not in sizes:
            sizes.append(len(key))
            sizes.sort(reverse=True)

    def scan(self, text: str) -> list[tuple[int, int, list[int]]]:
        """(start, end, entry indexes) of each form found, longest first, never overlapping."""
        matches = list(_TOKEN.finditer(text))
        folded = [_fold_token(m.group()) for m in matches]
        shouting = is_shouting(text)
        found = []
        i, count = 0, len(matches)
        while i < count:
            step = 1
            for size in self.sizes.get(folded[i], ()):
                if i + size > count:
                    continue
                span = matches[i:i + size]
                if size > 1 and not all(_LIGHT_GAP.fullmatch(text, span[k].end(), span[k + 1].start())
                                        for k in range(size - 1)):
                    continue
                raw = tuple(m.group() for m in span)
                key = tuple(folded[i:i + size])
                hit = None
                if raw in self.exact and not (shouting and key[0] in _STOPWORDS):
                    hit = self.exact[raw]
                elif key in self.folded and (key not in self.capital or not raw[0].islower()):
                    hit = self.folded[key]
                if hit:
                    found.append((span[0].start(), span[-1].end(), hit))
                    step = size
                    break
            i += step
        return found


def _inside(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """A test of whether an offset falls in one of the (start, end) spans."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    starts = [s for s, _ in merged]

    def test(offset: int) -> bool:
        i = bisect_right(starts, offset) - 1
        return i >= 0 and offset < merged[i][1]

    return test


def _fold_token(token: str) -> str:
    """Lower case without diacritics: 'Chișinău' -> 'chisinau'."""
    return token.lower() if token.isascii() else fold(token).replace(" ", "")


def _is_acronym(alias: str) -> bool:
    """'CSTO', 'U.S.', 'G7', 'EaEU': matched with their case, so 'us' is not the US."""
    if not any(c.islower() for c in alias):
        return True
    return " " not in alias and len(alias) <= 8 and sum(c.isupper() for c in alias) >= 2


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("vissue").joinpath("data", name).read_text(encoding="utf-8"))
    return data


@cache
def _places() -> _Gazetteer:
    data = _load("places.json")
    return _Gazetteer(data["places"], data["capitalised_only"])


@cache
def _actors() -> _Gazetteer:
    data = _load("actors.json")
    return _Gazetteer(data["actors"], data["capitalised_only"])


# --- People ------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]\.(?=\s)|[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PARTICLES = _words("al el bin ibn bint de da di du van von der den la le dos das del")
_TITLES = _words("""
president presidents prime minister ministers chancellor king queen prince princess crown sheikh
emir sultan general gen colonel col lieutenant admiral marshal senator sen governor mayor
ambassador secretary secretary-general chairman chairwoman chair premier pope patriarch ayatollah
imam mr mrs ms dr prof professor sir dame lord lady commander leader opposition former late
ex-president vice deputy foreign defence defense interior speaker judge justice chief head
director founder activist journalist blogger tycoon oligarch dictator strongman incumbent
""")
# Capitalised words that make a run of capitals an institution, event or place, not a person.
_NOT_NAME = _words("""
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
_DAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
_NOT_NAME |= _DAYS | _MONTHS.keys()
_NOT_FIRST = _TITLES | _STOPWORDS | _DAYS | _MONTHS.keys()  # "President", "During", "When"


def _find_people(text: str, masked: list[tuple[int, int]]) -> list[Actor]:
    """Personal names in the text; a later surname alone joins the full name it belongs to."""
    inside = _inside(masked)
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
        titled = bool(before) and before[-1] in _TITLES
        while run and (run[0].group().lower() in _NOT_FIRST or run[0].group().islower()):
            titled = titled or run[0].group().lower() in _TITLES
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


# --- Dates -------------------------------------------------------------------------------------

_MONTH = r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?P<y>(?:1[5-9]|20)\d\d)"
_DATE_PATTERNS = [  # most precise first; what one takes the later ones do not see
    ("day", re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I)),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)),
    ("iso", re.compile(rf"\b{_YEAR}-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("range", re.compile(rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|until)\s+(?P<y2>(?:1[5-9]|20)\d\d)\b", re.I)),
    ("range", re.compile(rf"\b{_YEAR}\s*[-–—]\s*(?P<y2>(?:1[5-9]|20)\d\d)\b")),
    ("month", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I)),
    ("since", re.compile(rf"\bsince\s+{_YEAR}\b", re.I)),
    ("decade", re.compile(rf"(?<![\d,.]){_YEAR}s\b")),
    ("year", re.compile(rf"(?<![\d,.$€£]){_YEAR}\b(?![\d,]\d)")),
]
_RELATIVE = re.compile(
    r"\b(?:(?:during|in|over|within)\s+)?(?:the\s+)?(?:past|last|previous|recent|coming|next)\s+"
    r"(?:few\s+|several\s+|two\s+|three\s+)?(?:days?|weeks?|months?|years?|decades?)\b"
    r"|\b(?:yesterday|today|this\s+(?:week|month|year)|in\s+recent\s+(?:days|weeks|months))\b",
    re.I)
_BEFORE_YEAR = _words("""
in since of by from until till before after during early late mid the year years between and
to around circa spring summer autumn fall winter through as throughout than
""")


def _reads_as_year(text: str, start: int) -> bool:
    """A bare four-digit number is a year after 'in', 'since', '(' and the like."""
    before = text[:start].rstrip(" -")
    if not before or not (before[-1].isalnum()):
        return True
    word = re.search(r"(\w+)$", before)
    return word is not None and word.group(1).lower() in _BEFORE_YEAR


def _find_period(text: str) -> tuple[Period | None, list[tuple[int, int]]]:
    """The event's period from absolute dates; relative phrases are kept in `matched` only."""
    spans: list[tuple[int, int]] = []
    points: list[tuple[int, str, str | None, str]] = []  # (precision, start, end, surface)
    masked = text
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(masked):
            if kind == "year" and not _reads_as_year(masked, m.start()):
                continue  # "killed 2000 people"
            g = m.groupdict()
            y = g["y"]
            try:
                if kind in ("day", "iso"):
                    month = int(g["mo"]) if kind == "iso" else _MONTHS[g["m"].lower()[:3]]
                    points.append((0, date(int(y), month, int(g["d"])).isoformat(), None,
                                   m.group()))
                elif kind == "month":
                    iso = f"{y}-{_MONTHS[g['m'].lower()[:3]]:02d}"
                    points.append((1, iso, iso, m.group()))
                elif kind == "range":
                    points.append((2, y, g["y2"], m.group()))
                elif kind == "since":
                    points.append((2, y, None, m.group()))
                elif kind == "decade":
                    points.append((2, y, str(int(y) + 9), m.group()))
                else:
                    points.append((2, y, y, m.group()))
            except ValueError:  # 31 February
                continue
            if re.search(r"\bsince\s+$", masked[max(0, m.start() - 8):m.start()], re.I):
                points[-1] = (*points[-1][:2], None, points[-1][3])  # "since June 2022"
            spans.append(m.span())
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    spans += [m.span() for m in _RELATIVE.finditer(text)]
    if not points:
        return None, spans
    best = min(p[0] for p in points)
    chosen = [p for p in points if p[0] == best]
    start = min(p[1] for p in chosen)
    ends = [p[2] for p in chosen if p[2] is not None]
    end = max(ends) if ends else None
    if best == 0 and len({p[1] for p in chosen}) > 1:
        end = max(p[1] for p in chosen)
    surfaces = [text[s:e].strip() for s, e in sorted(spans)]
    return Period(start, end, list(dict.fromkeys(surfaces))), spans


# --- Key phrases: RAKE-like candidates, scored by the frequency of their word stems ----------

_PHRASE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_DETERMINERS = _words(
    "a an the its their his her our your my this that these those several many some few more "
    "most other all any each every no both such")
_ED_NOUNS = _words("need seed speed greed bed red shed creed breed hundred bleed feed "
                      "deed steed weed")
_LY_NOUNS = _words("family assembly supply ally rally monopoly anomaly italy july "
                      "oligopoly reply")
_ING_ADJECTIVES = _words("""
rising growing ongoing ruling leading existing emerging increasing declining prevailing
underlying governing neighbouring neighboring remaining ensuing escalating worsening deepening
widening lasting mounting soaring looming continuing forthcoming upcoming outgoing incoming
competing opposing working developing missing long-standing far-reaching
""")
# Words that tell little on their own: kept inside a phrase, but a phrase needs another.
_WEAK = _words("""
week weeks year years day days month months time times country countries people future end
nature presence question questions effort efforts order way part number case issue issues
thing things neighbors neighbours power challenge authority era soil troops result results
rise concern concerns aspect aspects area areas place places side sides kind type form forms
level levels world state states government governments region regions
possible major broader broad sudden main key important significant large small big whole
entire further current various certain particular member members head heads people
""") | _TITLES
_OF = "of"


def _stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w
    return w[:6] if len(w) > 6 else w.rstrip("s")


def _starts_sentence(text: str, offset: int) -> bool:
    """Is the word at `offset` the first of a sentence (so its capital says nothing)?"""
    i = offset - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in '.!?:;"“”'


def _candidates(text: str, masked: list[tuple[int, int]]) -> list[tuple[list[str], int]]:
    """Runs of content words between stopwords, punctuation, names and dates; verbs trimmed."""
    out: list[tuple[list[str], int]] = []
    run: list[str] = []
    start = 0
    prev_kind = "break"  # what came just before the word: break, stop, det, word
    prev_end = 0
    inside = _inside(masked)

    def close() -> None:
        nonlocal run
        while run and run[-1].lower() == _OF:
            run.pop()
        if run:
            out.append((run, start))
        run = []

    for m in _PHRASE_WORD.finditer(text):
        w, low = m.group(), m.group().lower()
        gap = text[prev_end:m.start()]
        prev_end = m.end()
        if gap.strip():
            close()
            prev_kind = "break"
        if inside(m.start()) or w[0].isdigit() or low in _MONTHS:
            close()
            prev_kind = "break"
            continue
        possessive = low.endswith(("'s", "’s"))
        if low == _OF and run and len(run) < 3:  # "price of gas"
            run.append(w)
            continue
        if low in _STOPWORDS or low in _DETERMINERS:
            close()
            prev_kind = "det" if low in _DETERMINERS else "stop"
            continue
        if w[0].isupper() and not _starts_sentence(text, m.start()):
            pass  # a name: "Mohamed", "Beijing", "Italy" are no verbs
        elif (low.endswith("ly") and len(low) > 4 and low not in _LY_NOUNS):
            close()
            prev_kind = "stop"
            continue
        elif low.endswith("ed") and low not in _ED_NOUNS and not (
                not run and prev_kind in ("det", "poss")):
            close()  # a verb: "demonstrators attacked", "removed", "dominated by"
            prev_kind = "stop"
            continue
        elif (low.endswith("ing") and not run and low not in _ING_ADJECTIVES
                and prev_kind != "det"):
            prev_kind = "stop"  # "restoring order", "making concessions"
            continue
        if not run:
            start = m.start()
        run.append(w[:-2] if possessive else w)
        prev_kind = "word"
        if possessive:  # "Niger's presidential guard": the phrase ends at the owner
            close()
            prev_kind = "poss"
    close()
    return out


def _key_phrases(text: str, masked: list[tuple[int, int]], k: int = 12) -> list[str]:
    """The phrases of the text an editor would underline: repeated ideas, multi-word terms.

    A phrase scores the mean frequency (over the text) of the stems of its telling words,
    plus 0.75 for each telling word after the first (two at most) and 0.5 for being more than
    one word; a phrase with no telling word ("possible end", "two years") goes.
    """
    candidates = _candidates(text, masked)
    freq = Counter(_stem(w) for words, _ in candidates for w in words if w.lower() != _OF)
    scored: dict[str, tuple[float, int, str]] = {}
    for words, start in candidates:
        while len(words) > 1 and (words[0].lower() in _WEAK or words[0].lower() == _OF):
            words = words[1:]  # "nature of regional arrangements" -> "regional arrangements"
        content = [w for w in words if w.lower() != _OF]
        telling = [w for w in content if w.lower() not in _WEAK]
        if not telling or len(content) > 4 or (len(content) == 1 and _infinitive(text, start)):
            continue
        score = sum(freq[_stem(w)] for w in telling) / len(telling) + 0.75 * min(
            len(telling) - 1, 2) + 0.5 * (len(content) > 1)
        phrase = " ".join(words)
        key = phrase.lower()
        if key not in scored or scored[key][0] < score:
            scored[key] = (score, start, scored.get(key, (0, 0, phrase))[2])
    ranked = sorted(scored.values(), key=lambda v: (-v[0], v[1]))
    return [phrase for _, _, phrase in ranked[:k]]


_INFINITIVE_AFTER = re.compile(r"\bto\s+$", re.I)
_OBJECT_NEXT = re.compile(
    r"^\w+\s+(?:the|a|an|its|their|his|her|our|this|these|those|in|on|with|for)\b", re.I)


def _infinitive(text: str, start: int) -> bool:
    """'to quell the protests', 'to assist in': a verb, not a topic."""
    return bool(_INFINITIVE_AFTER.search(text[max(0, start - 4):start])
                and _OBJECT_NEXT.match(text[start:]))


# --- The brief ----------------------------------------------------------------------------------


def brief_from_text(text: str) -> EventBrief:
    """Read the editor's account of an event into a brief.

    >>> brief_from_text("Floods in Pakistan since June 2022").places[0].name
    'Pakistan'
    """
    if not text or not text.strip():
        raise InputError(EMPTY_TEXT)
    text = text.strip()
    actors_gaz, places_gaz = _actors(), _places()
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

    period, date_spans = _find_period(text)
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
    return EventBrief(
        text=text,
        query=_condense(text, date_spans),
        places=list(places.values()),
        actors=all_actors,
        period=period,
        key_phrases=_key_phrases(text, masked),
    )


def _condense(text: str, date_spans: list[tuple[int, int]]) -> str:
    """The text's content words in order, each once; names kept, dates and filler dropped."""
    seen: set[str] = set()
    out = []
    for run, _ in _candidates(text, date_spans):
        for w in run:
            key = fold(w)
            if w.lower() != _OF and key not in seen and key not in _QUERY_FILLER:
                seen.add(key)
                out.append(w)
    return " ".join(out)


_QUERY_FILLER = _words("week weeks day days month months")


def load_brief(path_or_text: str | Path) -> EventBrief:
    """A brief from a JSON brief file, a plain-text file, or the event text itself."""
    if isinstance(path_or_text, Path) or _looks_like_path(path_or_text):
        path = Path(path_or_text)
        if not path.is_file():
            raise InputError(f"{path}: no such file; give the event text itself, or a .txt "
                             "or .json file that holds it")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{path}: cannot read the event text ({e})") from e
        return _brief_from_content(content, source=str(path))
    return _brief_from_content(path_or_text, source="the event text")


def _looks_like_path(value: str) -> bool:
    value = value.strip()
    if not value or "\n" in value or len(value) > 1024:
        return False
    if Path(value).is_file():
        return True
    return " " not in value and value.lower().endswith((".json", ".txt", ".md"))


def _brief_from_content(content: str, *, source: str) -> EventBrief:
    if content.lstrip().startswith("{"):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as e:
            raise InputError(f"{source}, line {e.lineno}, column {e.colno}: not valid JSON "
                             f"({e.msg}); a brief is the JSON `vissue build --json` prints, "
                             "or plain text") from e
        return EventBrief.from_dict(data, source=source)
    return brief_from_text(content)


# --- Matching works against the brief ----------------------------------------------------------


_Key = tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]


@cache
def _brief_matcher(places: _Key) -> tuple[_Gazetteer, list[list[str]]]:
    """The gazetteer plus the brief's own aliases; per entry, the brief places it stands for."""
    base = _places()
    gaz = _Gazetteer([], [])
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
