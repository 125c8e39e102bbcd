"""Signals a router can compute *without the answer*: features of the request text, and checks of a
cheap tier's output.

A real system cannot know in advance where a model will fail. What it can see:

* **the text** (:func:`text_signals`): how long it is, how many constraints it states (a budget, a
  guest count, an age, a date, a city, allergens, a diet, interests), negations ("no nuts", "nothing
  with", "without"), numbers written in words, relative dates ("this coming Saturday"). Every stated
  constraint is one more thing a model can misread; allergens and diets are the ones whose loss harms
  someone.
* **the cheap tier's output** (:func:`check_extraction`): does the structured reading parse, does it
  hold a value for every constraint the text visibly states, and do its numbers appear in the text?
  A failed check is the cascade's reason to escalate to the large tier.

Everything here is a few regular expressions over the text, written for routing. Nothing imports the
offline stand-in or the shared extractor (the stand-in's reader): a router that used the stand-in's own
reader would know in advance where the stand-in fails, and its savings would hold only by construction.

>>> s = text_signals("Maya turns 8 in Austin on Dec 5, a dozen kids, no nuts please, $400")
>>> s.constraints, s.safety, s.negations >= 1
(['age', 'city', 'date', 'guests', 'budget', 'allergens'], True, True)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

_I = re.IGNORECASE
#: one pattern per constraint kind: does the text visibly state it?
CUES: dict[str, re.Pattern[str]] = {
    "age": re.compile(r"\b(?:turn(?:s|ing)?|aged?|years? old|\d{1,2}(?:st|nd|rd|th)\b|birthday for (?:a |my )?\w+ \d)"
                      r"|\b(?:first|sweet sixteen|\w+tieth|\w+teenth)\b", _I),
    "city": re.compile(r"\b(?:in|at|near|around)\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|^[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,"),
    "date": re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
                       r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tomorrow|next week)", _I),
    "guests": re.compile(r"\b(?:guests?|kids|children|people|friends|of us|adults|attendees|invitees|persons?|crowd"
                         r"|dozen)\b", _I),
    "budget": re.compile(r"\$|\b(?:budget|bucks|dollars?|usd|spend|under|max|tops)\b", _I),
    "allergens": re.compile(r"\b(?:allerg\w*|nuts?|peanuts?|gluten|dairy|lactose|eggs?|soy|sesame|shellfish"
                            r"|intoleran\w*|celiac|coeliac)\b", _I),
    "dietary": re.compile(r"\b(?:vegan|vegetarian|veggie|halal|kosher|plant[- ]based|gluten[- ]free|dairy[- ]free"
                          r"|nut[- ]free|no meat)\b", _I),
    "interests": re.compile(r"\b(?:loves?|likes?|into|fan of|obsessed|crazy about|enjoys?|passion|hobby|hobbies)\b",
                            _I),
}
SAFETY_KINDS: tuple[str, ...] = ("allergens", "dietary")
NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|avoid|free of|can't|cannot|don't|mustn't)\b|n't\b", _I)
NUMBER_WORDS = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                          r"|fifteen|sixteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
                          r"|thousand|dozen|couple|handful)\b", _I)
RELATIVE_DATE = re.compile(r"\b(?:this|next|coming|tomorrow|weekend|in (?:two|three|\d) weeks?)\b", _I)
DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass
class TextSignals:
    """What a router can read off a request text.

    Attributes:
        words: number of words.
        constraints: the constraint kinds the text visibly states (see :data:`CUES`), in a fixed order.
        safety: the text states allergens or a diet.
        negations: how many negations ("no", "without", "nothing", ...).
        number_words: how many numbers written in words ("a dozen", "eight").
        relative_dates: how many relative date phrases ("this coming Saturday").
        numbers: the numbers written in digits.
    """

    words: int
    constraints: list[str]
    safety: bool
    negations: int
    number_words: int
    relative_dates: int
    numbers: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A flat dict (for a DataFrame row)."""
        d = asdict(self)
        d["n_constraints"] = len(self.constraints)
        d["constraints"] = ", ".join(self.constraints)
        d.pop("numbers")
        return d


def text_signals(text: str) -> TextSignals:
    """Features of ``text`` that need no model: constraint cues, negations, numbers in words, relative dates."""
    t = text or ""
    kinds = [k for k, pat in CUES.items() if pat.search(t)]
    numbers = []
    for m in DIGITS.finditer(t):
        try:
            numbers.append(float(m.group(0).replace(",", "")))
        except ValueError:
            continue
    return TextSignals(
        words=len(t.split()), constraints=kinds, safety=any(k in kinds for k in SAFETY_KINDS),
        negations=len(NEGATION.findall(t)), number_words=len(NUMBER_WORDS.findall(t)),
        relative_dates=len(RELATIVE_DATE.findall(t)), numbers=numbers,
    )


#: default weights of :func:`difficulty_score` (tuned by :func:`tutorial_helpers.routing.experiment.tune_router`)
DEFAULT_WEIGHTS: dict[str, float] = {"bias": 0.05, "per_constraint": 0.07, "safety": 0.2, "negation": 0.05,
                                     "number_word": 0.05, "relative_date": 0.05, "long": 0.1}


def difficulty_score(sig: TextSignals, weights: dict[str, float] | None = None) -> float:
    """A 0..1 score: how much can go wrong reading this text (more stated constraints, safety, wording).

    ``bias + per_constraint * n_constraints + safety * [allergens or diet] + negation * min(negations, 3)
    + number_word * min(number words, 3) + relative_date * min(relative dates, 2) + long * [> 40 words]``,
    clipped to [0, 1].
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    x = (w["bias"] + w["per_constraint"] * len(sig.constraints) + w["safety"] * sig.safety
         + w["negation"] * min(sig.negations, 3) + w["number_word"] * min(sig.number_words, 3)
         + w["relative_date"] * min(sig.relative_dates, 2) + w["long"] * (sig.words > 40))
    return round(min(1.0, max(0.0, x)), 3)


# -- checks of a cheap tier's structured reading ------------------------------------------------------------
_FIELD_OF_KIND = {"age": "recipient_age", "city": "city", "date": "date", "guests": "guests", "budget": "budget",
                  "allergens": "avoid_allergens", "dietary": "dietary"}


def _empty(v: Any) -> bool:
    return v in (None, "", [], ())


def check_extraction(text: str, reading: Any) -> list[str]:
    """Problems with a model's structured reading of ``text`` that a program can see without the answer.

    * **missing**: the text visibly states a constraint kind (age, city, date, guests, budget, allergens,
      diet) and the reading holds no value for it;
    * **not in the text**: the text writes its numbers in digits and the reading's budget, guest count or
      age is none of them; or the text names a day of the month and the reading's date is on another day.

    Args:
        text: the request as the person wrote it.
        reading: any object with the fields of :class:`~tutorial_helpers.planning.pipeline.ExtractedRequest`
            (or of a :class:`~tutorial_helpers.domain.BirthdayRequest`); ``None`` when the call failed.

    Returns:
        One short sentence per problem (empty: nothing to escalate for).
    """
    if reading is None:
        return ["the reading failed (no parsable output)"]
    sig = text_signals(text)
    out = []
    for kind in sig.constraints:
        name = _FIELD_OF_KIND.get(kind)
        if name is not None and _empty(getattr(reading, name, None)):
            out.append(f"the text states a {kind} and the reading has none")
    numbers = {round(n, 2) for n in sig.numbers}
    if numbers:
        for name in ("budget", "guests", "recipient_age"):
            v = getattr(reading, name, None)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and round(float(v), 2) not in numbers \
                    and not _written_in_words(text, name):
                out.append(f"the reading's {name} ({v:g}) is not a number of the text")
    day = _date_of(getattr(reading, "date", None))
    days_named = _days_named(text)
    if day is not None and days_named and day.day not in days_named:
        out.append(f"the reading's date ({day.isoformat()}) is not a day the text names")
    return out


_IN_WORDS: dict[str, re.Pattern[str]] = {
    "budget": re.compile(r"\b(?:hundred|thousand|grand)\b|\d+(?:\.\d+)?\s*k\b", _I),
    "guests": re.compile(r"\b(?:dozen|couple|handful|" + NUMBER_WORDS.pattern[5:-3] + r")\s+(?:\w+\s+)?"
                         r"(?:kids|guests|people|friends|children|adults|of us)\b", _I),
    "recipient_age": re.compile(r"\b(?:turn(?:s|ing)?\s+(?:" + NUMBER_WORDS.pattern[5:-3] + r")|first|\w+tieth|"
                                r"\w+teenth|sweet sixteen)\b", _I),
}


def _written_in_words(text: str, name: str) -> bool:
    """Does the text give this value in words ("a dozen kids", "four hundred bucks", "turns eight")?"""
    return bool(_IN_WORDS[name].search(text))


def _date_of(v: Any) -> dt.date | None:
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _days_named(text: str) -> set[int]:
    """Days of the month the text names: ``2026-12-05``, ``12/12``, ``December 5``, ``5th of December``."""
    days: set[int] = set()
    for m in re.finditer(r"\b\d{4}-\d{2}-(\d{2})\b", text):
        days.add(int(m.group(1)))
    for m in re.finditer(r"\b\d{1,2}/(\d{1,2})\b", text):
        days.add(int(m.group(1)))
    months = "|".join(m.lower() for m in calendar.month_abbr if m)  # the router reads no extractor
    for m in re.finditer(rf"\b(?:{months})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", text, _I):
        days.add(int(m.group(1)))
    for m in re.finditer(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months})", text, _I):
        days.add(int(m.group(1)))
    return {d for d in days if 1 <= d <= 31}
