"""A small rule-based reader of birthday requests, used only when the shared extractor is missing.

The offline model prefers :func:`tutorial_helpers.extraction.extract_conversation`; this module keeps
the model working while that module is absent (or fails). Level "small" reads digits and exact
vocabulary words only; level "full" also reads number words ("a dozen"), synonyms ("nut allergy",
"dino") and relative dates ("next Saturday").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from tutorial_helpers.domain import ALLERGENS, CATEGORIES, CITIES, DIET_TAGS, INTERESTS, BirthdayRequest

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "two dozen": 24,
    "a couple of": 2, "a hundred": 100,
}
INTEREST_SYNONYMS = {
    "dino": "dinosaurs", "dinosaur": "dinosaurs", "t-rex": "dinosaurs", "astronaut": "space", "rocket": "space",
    "planets": "space", "stars": "space", "paint": "painting", "draw": "drawing", "sketch": "drawing",
    "legos": "lego", "robots": "robotics", "robot": "robotics", "programming": "coding", "gaming": "video games",
    "video game": "video games", "board game": "board games", "books": "reading", "read": "reading",
    "piano": "music", "guitar": "music", "singing": "music", "ballet": "dance", "dancing": "dance",
    "football": "soccer", "hoops": "basketball", "swim": "swimming", "hike": "hiking", "bike": "cycling",
    "biking": "cycling", "cook": "cooking", "bake": "baking", "plants": "gardening", "camera": "photography",
    "pets": "animals", "dogs": "animals", "cats": "animals", "horses": "animals", "film": "movies",
}
ALLERGEN_SYNONYMS = {
    "peanut": ["peanuts"], "tree nut": ["tree nuts"], "nut allergy": ["peanuts", "tree nuts"],
    "allergic to nuts": ["peanuts", "tree nuts"], "no nuts": ["peanuts", "tree nuts"], "lactose": ["dairy"],
    "milk": ["dairy"], "egg": ["eggs"], "wheat": ["gluten"], "celiac": ["gluten"], "coeliac": ["gluten"],
}
DIET_SYNONYMS = {"plant-based": "vegan", "plant based": "vegan", "gluten free": "gluten-free",
                 "dairy free": "dairy-free", "nut free": "nut-free", "veggie": "vegetarian"}
CITY_SYNONYMS = {"sf": "San Francisco", "san fran": "San Francisco", "bay area": "San Francisco",
                 "windy city": "Chicago", "atx": "Austin", "mile high city": "Denver"}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80,
    "ninetieth": 90,
}
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
ESSENTIAL = ("recipient_age", "city", "date", "guests", "budget")
_NUM = r"(\d{1,6}(?:[.,]\d{1,3})*)"
_NAME_STOP = {"the", "a", "my", "our", "her", "his", "their", "and", "birthday", "party", "today", "i", "we",
              "she", "he", "it", "hi", "hello", "thanks", "please", "what", "how", "yes", "no", "ok"}


@dataclass
class Extraction:
    """What the reader understood (the same shape as the shared extractor's result)."""

    request: BirthdayRequest | None
    problems: list[str] = field(default_factory=list)
    unknown_city: str | None = None
    feedback: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _num(token: str, full: bool) -> int | None:
    token = token.strip().lower().replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", token):
        return int(float(token))
    if full:
        return NUMBER_WORDS.get(token)
    return None


def _word_number_pattern() -> str:
    words = sorted(NUMBER_WORDS, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


def _find_age(text: str, full: bool) -> int | None:
    num = r"(\d{1,3}" + (f"|{_word_number_pattern()}" if full else "") + ")"
    pats = [num + r"[\s-]*(?:years?|yrs?)[\s-]*old", r"turn(?:s|ing)\s+" + num, r"(\d{1,3})(?:st|nd|rd|th)\s+birthday",
            r"\bage[ds]?\s*(?:is|:)?\s*" + num, r"(\d{1,3})[\s-]*(?:yo|y/o)\b",
            r"\b[A-Z][a-z]{1,15},\s*(\d{1,2})\s*(?:,|\)|$|y)"]
    for p in pats:
        m = re.search(p, text, re.I)
        if m:
            v = _num(m.group(1), full)
            if v is not None and 0 <= v <= 120:
                return v
    if full:
        ords = "|".join(sorted(ORDINALS, key=len, reverse=True))
        m = re.search(r"\b(" + ords + r")\s+birthday", text, re.I)
        if m:
            return ORDINALS[m.group(1).lower()]
    return None


def _find_guests(text: str, full: bool) -> int | None:
    num = r"(\d{1,5}" + (f"|{_word_number_pattern()}" if full else "") + ")"
    nouns = r"(?:guests?|people|kids|children|friends|attendees|persons|classmates|adults)"
    m = re.search(num + r"\s+(?:[a-z]+\s+){0,2}?" + nouns, text, re.I)
    if m:
        return _num(m.group(1), full)
    m = re.search(r"guests?\s*(?:count|number)?\s*(?:is|:|=|of)\s*(\d{1,5})", text, re.I)
    if m:
        return int(m.group(1))
    return None


def _find_budget(text: str, full: bool) -> float | None:
    pats = [r"\$\s?" + _NUM + r"(\s?k\b)?", _NUM + r"\s*(?:dollars|usd|bucks)\b",
            r"budget\s*(?:of|is|:|=|around|about)?\s*(?:usd\s*)?\$?\s*" + _NUM]
    if full:
        pats.append(r"(?:under|below|at most|no more than|max(?:imum)?|up to)\s*\$?\s*" + _NUM + r"\b(?!\s*(?:guests|people|years|kids))")
    for p in pats:
        m = re.search(p, text, re.I)
        if m:
            value = float(m.group(1).replace(",", ""))
            if m.lastindex and m.lastindex >= 2 and m.group(2):
                value *= 1000
            if value > 0:
                return value
    return None


def _find_city(text: str, full: bool) -> tuple[str | None, str | None]:
    low = text.lower()
    hits = [(low.rfind(c.lower()), c) for c in CITIES if re.search(r"\b" + re.escape(c.lower()) + r"\b", low)]
    if full:
        hits += [(low.rfind(k), v) for k, v in CITY_SYNONYMS.items() if re.search(r"\b" + re.escape(k) + r"\b", low)]
    if hits:
        return max(hits)[1], None
    m = re.search(r"\b(?:in|at|near)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b", text)
    if m and m.group(1).lower() not in _NAME_STOP and m.group(1).lower() not in WEEKDAY_NAMES and \
            m.group(1).split()[0].lower() not in MONTHS:
        return None, m.group(1)
    return None, None


def _find_list(text: str, vocab: tuple[str, ...], synonyms: dict[str, str | list[str]], full: bool) -> list[str]:
    low = text.lower()
    out: list[str] = []
    for word in vocab:
        if re.search(r"\b" + re.escape(word) + r"\b", low) and word not in out:
            out.append(word)
    if full:
        for key, value in synonyms.items():
            if re.search(r"\b" + re.escape(key) + r"s?\b", low):
                for v in [value] if isinstance(value, str) else value:
                    if v not in out:
                        out.append(v)
    return out


def _find_date(text: str, today: dt.date, full: bool) -> dt.date | None:
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    candidates: list[dt.date] = []
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        try:
            candidates.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    future = [d for d in candidates if d > today]
    if future:
        return future[-1]
    low = text.lower()
    m = re.search(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", low)
    if m:
        try:
            day = dt.date(today.year, MONTHS.index(m.group(1)) + 1, int(m.group(2)))
            return day if day >= today else day.replace(year=today.year + 1)
        except ValueError:
            pass
    if not full:
        return None
    if re.search(r"\btomorrow\b", low):
        return today + dt.timedelta(days=1)
    m = re.search(r"\bin\s+(\d{1,3}|" + _word_number_pattern() + r")\s+(days?|weeks?)\b", low)
    if m and _num(m.group(1), True) is not None:
        n = _num(m.group(1), True) or 0
        return today + dt.timedelta(days=n * (7 if m.group(2).startswith("week") else 1))
    m = re.search(r"\b(next|this|coming)?\s*(" + "|".join(WEEKDAY_NAMES) + r")\b", low)
    if m:
        target = WEEKDAY_NAMES.index(m.group(2))
        ahead = (target - today.weekday()) % 7 or 7
        if m.group(1) == "next" and ahead < 7 and (target - today.weekday()) % 7 == 0:
            ahead += 7
        return today + dt.timedelta(days=ahead)
    return None


def _find_name(text: str) -> str | None:
    pats = [r"\b([A-Z][a-z]{1,15})'s\s+(?:[\w-]+\s+)?birthday", r"\b([A-Z][a-z]{1,15})\s+(?:is\s+turning|turns|will\s+be)\b",
            r"\b(?:daughter|son|niece|nephew|grandson|granddaughter|friend|wife|husband|mom|dad|kid|named|called)\s+([A-Z][a-z]{1,15})\b",
            r"\bfor\s+([A-Z][a-z]{1,15})\b"]
    for p in pats:
        for m in re.finditer(p, text):
            name = m.group(1)
            if name.lower() not in _NAME_STOP and name not in CITIES and name.lower() not in WEEKDAY_NAMES \
                    and name.lower() not in MONTHS:
                return name
    return None


def _find_feedback(text: str) -> list[str]:
    low = text.lower()
    out = []
    if re.search(r"too (?:expensive|pricey|much)|cheaper|over (?:my|our|the) budget|can't afford|less expensive", low):
        out.append("too_expensive")
    if re.search(r"already (?:has|have|own|owns|got|gets)", low):
        out.append("already_has")
    if re.search(r"\b(?:perfect|love it|looks great|that works|sounds good|we're done|satisfied|great choice)\b", low):
        out.append("satisfied")
    if re.search(r"doesn't like|does not like|not a fan|hates?\b|dislikes?", low):
        out.append("dislike")
    return out


def _find_dislikes(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"(?:doesn't like|does not like|hates|dislikes|not into|not a fan of)\s+([a-z ]{3,30}?)(?:[.,;!]|$| and )",
                         text.lower()):
        out.append(m.group(1).strip())
    return out


def _find_categories(text: str) -> list[str]:
    low = text.lower()
    m = re.search(r"\b(?:just|only)\s+(?:need\s+)?(?:a|an|the)?\s*(" + "|".join(CATEGORIES) + r")s?\b", low)
    return [m.group(1)] if m else []


def extract_conversation(messages: list[str], today: dt.date, level: Literal["small", "full"] = "full") -> Extraction:
    """Read every message (later messages win) and return what is known.

    Args:
        messages: the user's messages, oldest first.
        today: the reference date for relative dates.
        level: "small" (digits and exact words) or "full" (number words, synonyms, relative dates).
    """
    full = level == "full"
    fields: dict[str, object] = {}
    unknown_city: str | None = None
    feedback: list[str] = []
    interests: list[str] = []
    allergens: list[str] = []
    diets: list[str] = []
    dislikes: list[str] = []
    for text in messages:
        if not text:
            continue
        for key, value in (("recipient_age", _find_age(text, full)), ("guests", _find_guests(text, full)),
                           ("budget", _find_budget(text, full)), ("date", _find_date(text, today, full)),
                           ("recipient_name", _find_name(text))):
            if value is not None:
                fields[key] = value
        city, unknown = _find_city(text, full)
        if city:
            fields["city"], unknown_city = city, None
        elif unknown and "city" not in fields:
            unknown_city = unknown
        interests += [i for i in _find_list(text, INTERESTS, INTEREST_SYNONYMS, full) if i not in interests]
        allergens += [a for a in _find_list(text, ALLERGENS, ALLERGEN_SYNONYMS, full) if a not in allergens]
        diets += [d for d in _find_list(text, DIET_TAGS, DIET_SYNONYMS, full) if d not in diets]
        dislikes += [d for d in _find_dislikes(text) if d not in dislikes]
        feedback = _find_feedback(text) or feedback
        cats = _find_categories(text)
        if cats:
            fields["categories"] = cats
    fields.update(interests=[i for i in interests if not any(i in d for d in dislikes)], avoid_allergens=allergens,
                  dietary=diets, dislikes=dislikes)
    problems: list[str] = []
    try:
        request = BirthdayRequest.model_validate({**fields, "today": today})
    except ValidationError as exc:
        problems.append(str(exc.errors()[0].get("msg", "invalid request")).removeprefix("Value error, "))
        fields.pop("date", None)
        try:
            request = BirthdayRequest.model_validate({**fields, "today": today})
        except ValidationError:
            request = None
    missing = [f for f in ESSENTIAL if request is None or getattr(request, f) is None]
    return Extraction(request=request, problems=problems, unknown_city=unknown_city, feedback=feedback, missing=missing)
