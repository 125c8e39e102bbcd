"""The city: the six served by the catalog (with nicknames), or a city it does not serve."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutorial_helpers.domain import CITIES
from tutorial_helpers.extraction.dates import FULL_MONTH_NAMES, WEEKDAY_INDEX
from tutorial_helpers.extraction.matching import phrase_pattern
from tutorial_helpers.extraction.vocabulary import (
    CASE_SENSITIVE_CITY_WORDS,
    CITY_SYNONYMS,
    INTEREST_SYNONYMS,
    RELATIONS,
    UNSUPPORTED_CITIES,
)


@dataclass
class CityFinding:
    """A city mention: the catalog city (``supported``) or the name of an unsupported one."""

    city: str
    supported: bool
    start: int
    end: int
    located: bool  # "in Austin", "we live in", "based in" ...


def _table(level: str) -> tuple[dict[str, tuple[str, bool]], re.Pattern[str], re.Pattern[str] | None]:
    names: dict[str, tuple[str, bool]] = {c.lower(): (c, True) for c in CITIES}
    sensitive: dict[str, tuple[str, bool]] = {}
    if level != "small":
        for city, words in CITY_SYNONYMS.items():
            for w in words:
                (sensitive if w in CASE_SENSITIVE_CITY_WORDS else names).setdefault(
                    w.lower() if w not in CASE_SENSITIVE_CITY_WORDS else w, (city, True))
    for c in UNSUPPORTED_CITIES:
        if c in CASE_SENSITIVE_CITY_WORDS:
            sensitive.setdefault(c, (c, False))
        else:
            names.setdefault(c.lower(), (c, False))
    flags = re.IGNORECASE if level != "small" else 0
    if level == "small":
        names = {k: v for k, v in names.items()}
        pattern = re.compile(rf"(?<![\w.])({phrase_pattern(v[0] for v in names.values())})(?![\w])", flags)
    else:
        pattern = re.compile(rf"(?<![\w.])({phrase_pattern(names)})(?![\w])", flags)
    sens = re.compile(rf"(?<![\w.])({phrase_pattern(sensitive)})(?![\w])") if sensitive else None
    return names, pattern, sens


_TABLES = {level: _table(level) for level in ("small", "full")}
_LOCATED = re.compile(
    r"(?:\b(?:in|at|near|around|to|from|based\s+in|live\s+in|living\s+in|located\s+in|downtown|outside|"
    r"here\s+in|over\s+in)\s+(?:the\s+|downtown\s+|sunny\s+|beautiful\s+|rainy\s+)?)$",
    re.IGNORECASE,
)
_STOP_CAPITALISED = frozenset(
    {m.capitalize() for m in FULL_MONTH_NAMES} | {w.capitalize() for w in WEEKDAY_INDEX}
    | {r.capitalize() for r in RELATIONS}
    | {"I", "The", "A", "An", "My", "Our", "Your", "His", "Her", "Their", "This", "That", "It", "We", "She", "He",
       "They", "Town", "City", "Total", "Budget", "Mind", "Advance", "Person", "Case", "Order", "General", "Fact",
       "Spring", "Summer", "Fall", "Autumn", "Winter", "English", "Spanish", "French", "German", "Addition",
       "Time", "Style", "Lieu", "Between", "Birthday", "Party", "Sum", "Love", "Charge", "Place", "Particular", "Short",
       "Any", "All", "Some", "Christmas", "Easter", "Halloween", "Thanksgiving", "Hanukkah",
       "Kindergarten", "Grade", "School", "Church", "Park", "Minecraft", "Lego", "Legos", "Jurassic", "Disney",
       "Today", "Tomorrow", "Please", "Ignore", "Cash", "Dollars", "Usd", "Euros", "Terms", "Theory",
       "Reality", "Public", "Private", "Downtown", "Uptown", "Midtown", "Ok", "Okay", "Hi", "Hello", "Thanks"}
    | {w.title() for ws in INTEREST_SYNONYMS.values() for w in ws}
)
_PLACE_WORDS = frozenset({"Park", "Street", "St", "Mall", "Hall", "Center", "Centre", "Square", "Avenue", "Ave", "Road",
                          "Rd", "Plaza", "Garden", "Gardens", "Museum", "Library", "School", "Church", "Club", "Cafe",
                          "Restaurant", "Bar", "Hotel", "Room", "Studio", "Zoo", "Arena", "Stadium"})
_GENERIC_IN = re.compile(r"\b(?:in|In)\s+(?P<city>[A-Z][a-zà-ÿ]+(?:[ -](?:[A-Z][a-zà-ÿ]+))?)(?![\w'])")


def find_cities(original: str, level: str = "full", names_to_skip: tuple[str, ...] = ()) -> list[CityFinding]:
    """Every city mentioned in ``original`` (the user's text, case kept), in order."""
    names, pattern, sensitive = _TABLES["small" if level == "small" else "full"]
    out: list[CityFinding] = []
    for regex in (pattern, sensitive):
        if regex is None:
            continue
        for m in regex.finditer(original):
            raw = m.group(1)
            if raw in names_to_skip:
                continue
            key = re.sub(r"[\s-]+", " ", raw)
            entry = names.get(key.lower()) or names.get(raw.lower())
            if entry is None:
                entry = _fuzzy(key, names) or (raw, False)
            if regex is sensitive:
                entry = _sensitive_entry(raw)
            located = bool(_LOCATED.search(original[max(0, m.start() - 30):m.start()]))
            out.append(CityFinding(entry[0], entry[1], m.start(), m.end(), located))
    if level != "small":
        taken = [(c.start, c.end) for c in out]
        for m in _GENERIC_IN.finditer(original):
            city = m["city"]
            first = city.split()[0].split("-")[0]
            if any(w in _PLACE_WORDS for w in re.split(r"[ -]", city)):
                continue
            if first in _STOP_CAPITALISED or city in names_to_skip or any(a <= m.start("city") < b for a, b in taken):
                continue
            if city.split()[-1] in _STOP_CAPITALISED:
                city = city.split()[0]
            out.append(CityFinding(city, False, m.start("city"), m.start("city") + len(city), True))
    out.sort(key=lambda c: c.start)
    return out


def _fuzzy(key: str, names: dict[str, tuple[str, bool]]) -> tuple[str, bool] | None:
    low = key.lower().replace(",", "")
    for k, v in names.items():
        if re.sub(r"[\s,-]+", " ", k) == re.sub(r"[\s,-]+", " ", low):
            return v
    return None


def _sensitive_entry(raw: str) -> tuple[str, bool]:
    for city, words in CITY_SYNONYMS.items():
        if raw in words:
            return city, True
    return raw, False


def choose_city(findings: list[CityFinding]) -> CityFinding | None:
    """The city of the party: a located catalog city, else a located other city, else the first mention."""
    for pick in (
        lambda c: c.supported and c.located,
        lambda c: not c.supported and c.located,
        lambda c: c.supported,
        lambda c: True,
    ):
        for c in findings:
            if pick(c):
                return c
    return None
