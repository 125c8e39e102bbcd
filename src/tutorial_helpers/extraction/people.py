"""Who the birthday is for: a name ("my daughter Maya", "Grandma Rosa's 80th") and/or a relation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutorial_helpers.domain import CITIES
from tutorial_helpers.extraction.dates import FULL_MONTH_NAMES, WEEKDAY_INDEX
from tutorial_helpers.extraction.matching import phrase_pattern
from tutorial_helpers.extraction.vocabulary import CITY_SYNONYMS, INTEREST_SYNONYMS, RELATIONS, UNSUPPORTED_CITIES

_NAME = r"(?P<name>[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'][A-ZÀ-Ý][a-zà-ÿ]+)?)"
_REL = phrase_pattern(RELATIONS)
_TITLES = (r"grandma|grandpa|granny|gran|nana|nanna|grandmother|grandfather|grandad|granddad|aunt|auntie|aunty|"
           r"uncle|cousin|baby|little|mom|dad|mama|papa|mum|sister|brother|sis|bro|miss|mr|mrs|ms|dr|lil|big|young|"
           r"old|sweet|dear|princess|prince|little\s+miss|little\s+mister|birthday\s+(?:girl|boy)")
_STOP_NAMES = frozenset(
    {m.capitalize() for m in FULL_MONTH_NAMES} | {w.capitalize() for w in WEEKDAY_INDEX}
    | {r.capitalize() for r in RELATIONS} | set(CITIES) | {c.split()[0] for c in UNSUPPORTED_CITIES}
    | {w for ws in CITY_SYNONYMS.values() for w in ws} | {w.title() for ws in INTEREST_SYNONYMS.values() for w in ws}
    | {"I", "The", "A", "An", "My", "Our", "Your", "His", "Her", "Their", "This", "That", "It", "We", "She", "He",
       "They", "Plan", "Planning", "Party", "Birthday", "Budget", "Just", "Only", "Please", "Hi", "Hello", "Hey",
       "Thanks", "Thank", "Ignore", "Also", "And", "But", "So", "Or", "Yes", "No", "Ok", "Okay", "Sure", "Great",
       "Perfect", "Actually", "Everything", "Nothing", "Something", "Someone", "Everyone", "Anyone", "Who", "What",
       "When", "Where", "Why", "How", "Can", "Could", "Would", "Should", "Will", "Let", "Lets", "Make", "Need",
       "Want", "Find", "Book", "Get", "Looking", "Help", "Around", "About", "Under", "Max", "Total", "Guests",
       "Kids", "Children", "Friends", "People", "Dear", "Happy", "Sweet", "Big", "Little", "Young", "Old", "Mr",
       "Mrs", "Ms", "Dr", "Miss", "Sir", "Madam", "Lego", "Minecraft", "Vegan", "Halal", "Vegetarian", "System",
       "Assistant", "User", "Note", "Instructions", "Previous", "All", "Any", "Some", "Both", "Each", "Twins",
       "Celebrating", "Celebrate", "Surprise", "Next", "Last", "First", "Coming", "Today", "Tomorrow", "Tonight",
       "Christmas", "Easter", "Halloween", "Thanksgiving", "Usd", "Dollars", "Bucks", "Gift", "Cake", "Venue",
       "Food", "Activity", "Decorations", "Experience", "Nut", "Nuts", "Peanut", "Gluten", "Dairy", "Egg", "Eggs",
       "Soy", "Sesame", "Sixteen", "Family", "Mom", "Dad", "Mum", "Grandma", "Grandpa", "Sunday", "Saturday", "God",
       "Jesus"}
)
_CASE = re.compile  # patterns below mix case-insensitive context with a capitalised name

NAME_PATTERNS: tuple[re.Pattern[str], ...] = (
    _CASE(rf"(?i:\b(?:my|our|his|her|their|the)\s+(?:(?:little|baby|best|oldest|youngest|eldest|older|younger|"
          rf"middle|twin|darling|lovely|dear|sweet|amazing|beautiful|favorite|favourite|only|big|new)\s+)*(?P<rel>{_REL}))"
          rf"\s*,?\s+(?:(?i:named|called)\s+)?{_NAME}"),
    _CASE(rf"(?i:\b(?P<rel>{_TITLES}))\s+{_NAME}"),
    _CASE(rf"(?i:\b(?:named|called|name\s+is|name's)\s+){_NAME}"),
    _CASE(rf"{_NAME}(?:'s|s')\s+(?i:(?:\d+\w*\s+|big\s+|upcoming\s+|surprise\s+|first\s+|sweet\s+)?"
          rf"(?:birthday|bday|b-day|party|celebration|bash|\d+(?:st|nd|rd|th)\b|quincea|bar\s+mitzvah|bat\s+mitzvah))"),
    _CASE(rf"(?i:\b(?:for|celebrating|honou?ring|surprise)\s+){_NAME}(?![\w])"),
    _CASE(rf"(?<![\w'])(?<!\.\s){_NAME}\s+(?i:(?:is\s+turning|turns|will\s+be|is\s+going\s+to\s+be|is\s+\d|loves|"
          rf"likes|adores|is\s+(?:obsessed|into|crazy)))"),
)
RELATION_RE = re.compile(
    rf"\b(?:(?:my|our|his|her|their|the|a|for)\s+(?:\w+\s+){{0,2}}?(?P<rel>{_REL})\b|(?P<rel2>{_REL})(?:'s|s')\s)",
    re.IGNORECASE,
)
#: a relation word followed by a city name is still a name ("my son Austin")
_PLACE_NAMES = frozenset(CITIES) | {c for c in UNSUPPORTED_CITIES if " " not in c}


@dataclass
class Recipient:
    """The recipient's name and relation (either may be ``None``) with the span of the name."""

    name: str | None
    relation: str | None
    start: int = -1
    end: int = -1


def find_recipient(original: str) -> Recipient:
    """Find who the birthday is for in ``original`` (case kept: names are capitalised words)."""
    for k, regex in enumerate(NAME_PATTERNS):
        for m in regex.finditer(original):
            name = m["name"]
            if name.upper() == name or (name in _STOP_NAMES and not (k == 0 and name in _PLACE_NAMES)):
                continue
            rel = m.groupdict().get("rel")
            if rel:
                rel = rel.lower()
            if rel is None:
                rel = _relation(original)
            return Recipient(name, rel, m.start("name"), m.end("name"))
    return Recipient(None, _relation(original))


def _relation(original: str) -> str | None:
    r = RELATION_RE.search(original)
    if r is None:
        return None
    return (r["rel"] or r["rel2"]).lower()
