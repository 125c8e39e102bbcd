"""Free text -> :class:`~tutorial_helpers.domain.BirthdayRequest`, with the evidence and the problems.

The reading order matters: dates, then money, then the age, then the guest count, each step blanking
the words it used, so that "Dec 12" is never read as 12 guests nor "$20" as an age. The ``small``
level reads only the exact catalog vocabulary and digits (the cheap model tier); ``full`` also reads
synonyms, numbers in words, relative dates and nicknames.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tutorial_helpers.domain import MAX_TEXT_CHARS, BirthdayRequest, InputError, friendly_error
from tutorial_helpers.extraction.dates import choose_date, find_dates
from tutorial_helpers.extraction.feedback import find_feedback
from tutorial_helpers.extraction.numbers import rewrite_number_words, rewrite_ordinal_words, words_value
from tutorial_helpers.extraction.people import find_recipient
from tutorial_helpers.extraction.places import choose_city, find_cities
from tutorial_helpers.extraction.preferences import (
    find_categories,
    find_diet,
    find_dislikes,
    find_interests,
)
from tutorial_helpers.extraction.quantities import find_age, find_budget, find_guests
from tutorial_helpers.extraction.text import Text

#: essential fields, in the order a planner should ask for them
ESSENTIAL_FIELDS: tuple[str, ...] = ("recipient_age", "city", "date", "guests", "budget", "interests")
SCALAR_FIELDS: tuple[str, ...] = ("recipient_name", "recipient_age", "city", "date", "guests", "budget", "currency")
LIST_FIELDS: tuple[str, ...] = ("interests", "dislikes", "avoid_allergens", "dietary", "categories")
LEVELS: dict[str, str] = {"small": "small", "offline-small": "small", "cheap": "small", "full": "full",
                          "large": "full", "offline-large": "full"}

EMPTY_PROBLEM = "The request is empty: describe the birthday (who, age, city, date, guests, budget)."
NOTHING_PROBLEM = "I could not find anything about a birthday in that text."
INJECTION_PROBLEM = ("The text contains instructions addressed to the assistant; they were ignored and only the "
                     "birthday details were read.")
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)*(?:previous|prior|above|earlier|"
    r"preceding|system|original)?\s*(?:instructions?|prompts?|rules|messages?|guidelines|directions)\b|"
    r"\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bdeveloper\s+mode\b|\bjailbreak\b|\bnew\s+instructions\s*:|"
    r"\bact\s+as\s+(?:an?\s+)?(?:unrestricted|different)\b|<\s*/?\s*(?:system|instructions?)\s*>",
    re.IGNORECASE,
)
_OCCASION = re.compile(r"\b(?:birthday|bday|b-day|party|celebrat\w*|turning|turns|quincea\w+|mitzvah|bash)\b")
_SMALL_DIGITS = "0123456789"
_IDIOMS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\bsweet\s+(?:sixteen|16)(?:th)?\b"), lambda m: "16th birthday"),
    (re.compile(r"\bquincea[ñn]eras?\b|\bquinces\b"), lambda m: "15th birthday"),
    (re.compile(r"\bbar\s+mitzvah\b"), lambda m: "13th birthday"),
    (re.compile(r"\bbat\s+mitzvah\b"), lambda m: "12th birthday"),
    (re.compile(r"\b(?:the\s+)?big\s+(?P<d>[1-9]|one|two|three|four|five|six|seven|eight|nine)\s*-?\s*(?:0|oh|o|zero)\b"),
     lambda m: f"{int(words_value(m['d']) or 0) * 10}th birthday"),
    (re.compile(r"\bhalf\s+a\s+century\b"), lambda m: "50th birthday"),
    (re.compile(r"\bcentenarian\b|\bcentennial\b"), lambda m: "100th birthday"),
)


class Extraction(BaseModel):
    """What the extractor understood from the text, and what it could not use.

    Attributes:
        request: the structured request; ``None`` only when a value was invalid (see ``problems``).
        fields: raw values as read, even invalid ones (``{"budget": -50.0}``).
        problems: one clear sentence per problem ("The budget must be positive (got -50).").
        unknown_city: a city mentioned that the catalog does not serve ("Miami").
        feedback: conversation feedback labels ("too_expensive", "cheaper", "already_has",
            "different_gift", "more_guests", "likes:<interest>", "dislikes:<thing>", "accept").
        missing: essential fields still unknown, in the order to ask for them.
        evidence: field -> the words of the text it came from (``"interests:dinosaurs": "T-rex"``).
    """

    request: BirthdayRequest | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)
    unknown_city: str | None = None
    feedback: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    evidence: dict[str, str] = Field(default_factory=dict)


@dataclass
class _Turn:
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # about the text (length, injection, emptiness)
    field_problems: dict[str, str] = field(default_factory=dict)  # about one value (malformed date)
    unknown_city: str | None = None
    feedback: list[str] = field(default_factory=list)
    guests_more: int | None = None
    disliked_interests: set[str] = field(default_factory=set)
    empty: bool = False


def _as_date(today: Any) -> dt.date:
    if isinstance(today, dt.datetime):
        return today.date()
    if isinstance(today, dt.date):
        return today
    if isinstance(today, str):
        try:
            return dt.date.fromisoformat(today.strip())
        except ValueError:
            pass
    from tutorial_helpers import clock

    return clock.today()


def _read(text: Any, today: dt.date, level: str) -> _Turn:
    """Read one message: every value found, with its evidence."""
    turn = _Turn()
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_TEXT_CHARS:
        turn.problems.append(
            f"Only the first {MAX_TEXT_CHARS:,} characters were read (the text has {len(text):,})."
        )
        text = text[:MAX_TEXT_CHARS]
    if not text.strip():
        turn.empty = True
        return turn
    if _INJECTION.search(text):
        turn.problems.append(INJECTION_PROBLEM)
    t = Text.of(text)
    f, ev = turn.fields, turn.evidence
    if level == "full":
        for regex, repl in _IDIOMS:
            t = t.sub(regex, repl)
        t = rewrite_ordinal_words(t)
        t = rewrite_number_words(t)

    # numbers, in an order that keeps them apart
    dates = find_dates(t, today, level)
    chosen = choose_date(dates)
    if chosen is not None:
        ev["date"] = t.span(chosen.start, chosen.end)
        if chosen.problem:
            turn.field_problems["date"] = chosen.problem
            f["date_text"] = ev["date"]
        else:
            f["date"] = chosen.value
    for d in dates:
        t.mask(d.start, d.end)
    budget = find_budget(t, level)
    if budget is not None:
        ev["budget"] = t.span(budget.start, budget.end)
        for a, b in budget.extra.get("all", [(budget.start, budget.end)]):  # type: ignore[union-attr]
            t.mask(a, b)
        t.mask(budget.start, budget.end)
        if budget.extra.get("currency", "USD") != "USD":
            f["currency"] = budget.extra["currency"]
    age = find_age(t, level)
    if age is not None:
        f["recipient_age"] = int(age.value)
        ev["recipient_age"] = t.span(age.start, age.end)
        t.mask(age.start, age.end)
    guests = find_guests(t, level)
    if guests is not None:
        ev["guests"] = t.span(guests.start, guests.end)
        if guests.extra.get("more"):
            turn.guests_more = int(guests.value)
        else:
            f["guests"] = int(guests.value)
        t.mask(guests.start, guests.end)
    if budget is not None:
        value = float(budget.value)
        if budget.extra.get("per_guest"):
            f["budget_per_guest"] = value
            if f.get("guests"):
                f["budget"] = round(value * f["guests"], 2)
        else:
            f["budget"] = value

    # words
    dislikes = find_dislikes(t, level)
    interests = find_interests(t, dislikes, level)
    turn.disliked_interests = set(interests.excluded)
    diet = find_diet(t, level)
    categories = find_categories(t, level)
    for name, found in (("interests", interests), ("dislikes", dislikes), ("avoid_allergens", diet.allergens),
                        ("dietary", diet.diets), ("categories", categories)):
        if found.values:
            f[name] = list(found.values)
            ev[name] = "; ".join(dict.fromkeys(t.span(*found.spans[v]) for v in found.values))
            for v in found.values:
                ev[f"{name}:{v}"] = t.span(*found.spans[v])
    if level == "full" and not interests.values and not interests.excluded:
        # no interest word: an activity, object or habit may still name one ("building spaceships out of bricks")
        from tutorial_helpers.extraction.semantic_interests import indirect_interests

        meant = indirect_interests(text)
        if meant:
            f["interests"] = [i for i, _ in meant]
            ev["interests"] = "; ".join(dict.fromkeys(c for _, c in meant))
            for i, c in meant:
                ev[f"interests:{i}"] = f"{c} (by meaning)"
    if diet.unsupported_allergens:
        ev["unsupported_allergens"] = ", ".join(diet.unsupported_allergens)
    if diet.unsupported_diets:
        ev["unsupported_diets"] = ", ".join(diet.unsupported_diets)

    # who and where (case matters: read from the original text)
    recipient = find_recipient(t.original) if level == "full" else _small_recipient(t.original)
    if recipient.name:
        f["recipient_name"] = recipient.name
        ev["recipient_name"] = t.original[recipient.start:recipient.end]
    if recipient.relation:
        f["relation"] = recipient.relation
    if recipient.name and "recipient_age" not in f and level == "full":
        m = re.search(rf"\b{re.escape(recipient.name.lower())}\s*(?:,|\(|-)\s*(\d{{1,3}})\b"
                      r"(?!\s*(?:[a-z]+\s+)?(?:guests|people|kids))",
                      t.s)
        if m:
            f["recipient_age"] = int(m.group(1))
            ev["recipient_age"] = t.span(m.start(1), m.end(1))
    skip = (recipient.name,) if recipient.name else ()
    city = choose_city(find_cities(t.original, level, skip))
    if city is not None:
        ev["city"] = t.original[city.start:city.end]
        if city.supported:
            f["city"] = city.city
        else:
            turn.unknown_city = city.city
            f["unknown_city"] = city.city
    if _OCCASION.search(t.s):
        f["occasion"] = "birthday"

    turn.feedback = find_feedback(t.s)
    if turn.guests_more and "more_guests" not in turn.feedback:
        turn.feedback.append("more_guests")
    turn.feedback += [f"likes:{i}" for i in interests.values] + [f"dislikes:{d}" for d in dislikes.values]
    return turn


def _read_safely(text: Any, today: dt.date, level: str) -> _Turn:
    """:func:`_read`, turning an unexpected failure into a problem sentence (the extractor never raises)."""
    try:
        return _read(text, today, level)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        turn = _Turn()
        turn.problems.append(f"I could not read that text ({type(exc).__name__}); please rephrase it.")
        return turn


def _small_recipient(original: str):  # noqa: ANN202 - same type as find_recipient
    from tutorial_helpers.extraction.people import Recipient

    m = re.search(r"\b(?:my|our)\s+(daughter|son|friend|husband|wife|mother|father|nephew|niece)\s+([A-Z][a-z]+)\b",
                  original)
    if m:
        return Recipient(m.group(2), m.group(1), m.start(2), m.end(2))
    return Recipient(None, None)


def _merge(turns: list[_Turn]) -> _Turn:
    """Combine turns in order: later values override earlier ones, lists accumulate."""
    out = _Turn(empty=all(t.empty for t in turns))
    f = out.fields
    for turn in turns:
        for p in turn.problems:
            if p not in out.problems:
                out.problems.append(p)
        for key, value in turn.fields.items():
            if key in LIST_FIELDS and key != "categories":
                merged = list(f.get(key, []))
                merged += [v for v in value if v not in merged]
                f[key] = merged
            else:
                f[key] = value
            out.field_problems.pop(key, None)
        for key, problem in turn.field_problems.items():
            out.field_problems[key] = problem
            f.pop(key, None)
        if turn.guests_more:
            if "guests" in turn.fields:
                pass
            elif isinstance(f.get("guests"), int):
                f["guests"] = f["guests"] + turn.guests_more
            else:
                f["guests"] = turn.guests_more
        if "city" in turn.fields:
            out.unknown_city = None
            f.pop("unknown_city", None)
        elif turn.unknown_city:
            out.unknown_city = turn.unknown_city
            f.pop("city", None)
        # a later "she hates X" drops interest X; a later "she loves X" drops the old dislike of X
        if turn.fields.get("dislikes") and f.get("interests"):
            f["interests"] = [i for i in f["interests"] if i not in turn.disliked_interests]
        if turn.fields.get("interests") and f.get("dislikes"):
            liked = set(turn.fields["interests"])
            f["dislikes"] = [d for d in f["dislikes"] if not (set(d.split()) & liked) and d not in liked]
        if turn.fields.get("budget_per_guest") and "budget" not in turn.fields and f.get("guests"):
            f["budget"] = round(turn.fields["budget_per_guest"] * f["guests"], 2)
        out.evidence.update(turn.evidence)
        for label in turn.feedback:
            if label in out.feedback:
                out.feedback.remove(label)
            out.feedback.append(label)
    for key in ("interests", "dislikes", "avoid_allergens", "dietary", "categories"):
        if key in f and not f[key]:
            del f[key]
    return out


def _finish(turn: _Turn, today: dt.date) -> Extraction:
    """Validate the merged values and build the :class:`Extraction`."""
    problems = list(turn.problems)
    if turn.empty:
        problems.insert(0, EMPTY_PROBLEM)
    value_problems = list(turn.field_problems.values())
    values: dict[str, Any] = {}
    for key in (*SCALAR_FIELDS, *LIST_FIELDS):
        if key not in turn.fields:
            continue
        try:
            BirthdayRequest(**{key: turn.fields[key]}, today=today)
        except ValidationError as exc:
            value_problems.append(friendly_error(exc))
            continue
        values[key] = turn.fields[key]
    if "interests" in values and "dislikes" in values:
        values["interests"] = [i for i in values["interests"] if i not in values["dislikes"]]
    request = None
    if not value_problems:
        try:
            request = BirthdayRequest(**values, today=today)
        except ValidationError as exc:  # should not happen: every field was checked on its own
            value_problems.append(friendly_error(exc))
    problems = value_problems + problems
    informative = {k for k in turn.fields if k not in ("occasion",)}
    if not turn.empty and not informative and not turn.unknown_city and not turn.feedback and not value_problems:
        problems.append(NOTHING_PROBLEM)
    missing = [k for k in ESSENTIAL_FIELDS if values.get(k) in (None, [], "")]
    return Extraction(
        request=request,
        fields=dict(turn.fields),
        problems=list(dict.fromkeys(problems)),
        unknown_city=turn.unknown_city,
        feedback=list(turn.feedback),
        missing=missing,
        evidence=dict(turn.evidence),
    )


def extract_request(text: str, today: dt.date, *, level: str = "full") -> Extraction:
    """Read a birthday request written in free text. Never raises.

    Args:
        text: what the user wrote (only the first ``domain.MAX_TEXT_CHARS`` characters are read).
        today: the reference date for relative dates ("this Saturday") and the not-in-the-past rule.
        level: ``"full"`` (synonyms, numbers in words, relative dates, nicknames) or ``"small"``
            (exact catalog words, digits, explicit dates and exact city names only).

    Returns:
        An :class:`Extraction`: the request (``None`` when a value is invalid), raw fields, problems
        as sentences, an unsupported city, feedback labels, missing essentials and evidence.

    Example:
        >>> ex = extract_request("Maya turns 8 in Austin this Saturday, 12 kids, $400", dt.date(2026, 11, 22))
        >>> ex.request.city, ex.request.date.isoformat(), ex.request.guests, ex.request.budget
        ('Austin', '2026-11-28', 12, 400.0)
    """
    return extract_conversation([text], today, level=level)


def extract_conversation(messages: list[str], today: dt.date, *, level: str = "full") -> Extraction:
    """Read the user turns of a conversation, in order; later statements override earlier ones.

    "Actually make it 15 guests" replaces the guest count; "5 more kids" adds to it; interests,
    allergens and diets accumulate; the last turn's feedback comes last. Never raises.

    Args:
        messages: the user's messages, oldest first.
        today: the reference date.
        level: ``"full"`` or ``"small"`` (see :func:`extract_request`).
    """
    today = _as_date(today)
    lvl = LEVELS.get(str(level).lower(), "full")
    if isinstance(messages, str):
        messages = [messages]
    try:
        msgs = list(messages or [])
    except TypeError:
        msgs = [messages]
    turns = [_read_safely(m, today, lvl) for m in msgs] or [_read("", today, lvl)]
    return _finish(_merge(turns), today)


_INFORMATIVE_FIELDS = ("recipient_name", "recipient_age", "city", "date", "guests", "budget", "interests",
                       "categories", "unknown_city", "occasion", "relation", "avoid_allergens", "dietary")


def read_request(text: str, today: dt.date, *, level: str = "full") -> Extraction:
    """The one text -> request front door: read a birthday request or raise ``InputError`` (one sentence).

    Every entry point (``planners.plan_text``, the CLI, the framework teams, the prompting strategies,
    the routing fan-out) goes through here, so one text gets one answer everywhere.

    Raises:
        InputError: the text is empty, says nothing about a birthday, or holds an invalid value
            (a date in the past, a negative budget, zero guests, an impossible age, a malformed date).
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(EMPTY_PROBLEM)
    ex = extract_request(text, today, level=level)
    if ex.request is None:
        raise InputError(ex.problems[0] if ex.problems else "I could not understand that request.")
    fatal = [p for p in ex.problems if p in (EMPTY_PROBLEM, NOTHING_PROBLEM)]
    if fatal:
        raise InputError(fatal[0])
    if not any(k in ex.fields for k in _INFORMATIVE_FIELDS):
        raise InputError(NOTHING_PROBLEM)
    return ex


def parse_request(text: str, today: dt.date, *, level: str = "full") -> BirthdayRequest:
    """:func:`read_request`, keeping only the request."""
    request = read_request(text, today, level=level).request
    assert request is not None  # read_request raised otherwise
    return request
