"""Turning what a user says into slot facts ("allergy: peanuts", "city: Boston").

A :class:`Fact` names a *slot* (allergy, diet, city, name, age, interest, dislike, date, past_gift), a
*value*, and whether it holds (``negated=False``) or stopped holding ("no longer allergic to peanuts").
The value ``"*"`` with ``negated=True`` means "none of them any more" ("no allergies anymore").

:func:`extract_facts` uses the shared extractor (``tutorial_helpers.extraction.extract_request``),
and a small keyword reader of its own when that cannot read the text; negations are always read locally, because a
request
parser is built to find what to avoid, not what stopped mattering.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel

from tutorial_helpers import clock
from tutorial_helpers.domain import CITIES, DIET_TAGS, INTERESTS

#: slots that hold one value (a newer value replaces the older); the others hold a set of values
SINGLE_SLOTS: frozenset[str] = frozenset({"name", "city", "age", "date"})
#: default importance of a fact, by slot (safety first)
SLOT_IMPORTANCE: dict[str, float] = {
    "allergy": 1.0, "diet": 0.9, "past_gift": 0.8, "name": 0.7, "age": 0.6, "city": 0.6,
    "interest": 0.6, "dislike": 0.6, "date": 0.5,
}
ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    "peanuts": ("peanuts", "peanut"),
    "tree nuts": ("tree nuts", "tree nut", "nuts", "nut", "almonds", "almond", "cashews", "walnuts", "hazelnuts"),
    "gluten": ("gluten", "wheat", "coeliac", "celiac"),
    "dairy": ("dairy", "milk", "lactose", "cheese"),
    "eggs": ("eggs", "egg"),
    "soy": ("soy", "soya"),
    "sesame": ("sesame",),
}
_ALLERGY_CUE = re.compile(
    r"allerg|intoleran|can(?:no|')t (?:have|eat)|cannot (?:have|eat)|avoid|react(?:s|ion)? to|anaphyla", re.I
)
_NEG_CUE = re.compile(
    r"no longer|not allergic|isn'?t allergic|aren'?t allergic|outgr[eo]w|anymore|any more|can (?:now )?eat|"
    r"is fine with|no more|not (?:vegan|vegetarian|halal)",
    re.I,
)
_NO_ALLERGIES = re.compile(
    r"\b(?:no|without|doesn'?t have any|don'?t have any|not any)\s+(?:more\s+)?(?:food\s+)?allerg", re.I)
_LIKE_CUE = re.compile(r"\b(?:lov|like|enjoy|into\b|fan of|obsess|favou?rite|adore|crazy about|passion)", re.I)
_DISLIKE_CUE = re.compile(
    r"\b(?:hates?|dislikes?|(?:does ?n[o']t|do ?n[o']t|not) (?:like|into|enjoy)|can'?t stand|bored by)", re.I)
_AGE = (
    re.compile(r"\bturn(?:s|ing)?\s+(\d{1,3})\b", re.I),
    re.compile(r"\b(\d{1,3})[- ]?(?:years?|yrs?)[- ]old\b", re.I),
    re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+birthday\b", re.I),
)
_RELATION = (
    r"son|daughter|kid|child|boy|girl|wife|husband|partner|mom|mum|mother|dad|father|friend|sister|brother|"
    r"niece|nephew|grandma|grandpa|grandmother|grandfather|boss|colleague|cousin|aunt|uncle"
)
_NAME = (
    re.compile(r"\b(?:named|called)\s+([A-Z][a-z]+)"),
    re.compile(rf"\b(?:my|our)\s+(?:\w+\s+)?(?:{_RELATION}),?\s+([A-Z][a-z]+)"),
    re.compile(r"\b([A-Z][a-z]+)'s\s+(?:\d+\w*\s+)?(?:birthday|party)"),
    re.compile(r"\bfor\s+([A-Z][a-z]+)\b"),
    re.compile(r"\b([A-Z][a-z]+)\s+(?:is|loves|likes|turns|has|adores|enjoys)\b"),
)
_NOT_NAMES = frozenset(
    {"I", "My", "Our", "The", "A", "An", "It", "This", "Next", "Last", "She", "He", "They", "We", "Please", "Thanks",
     "Hi", "Hello", "Can", "Could", "Plan", "Planning", "Birthday", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
    | {c.split()[0] for c in CITIES}
    | {m for m in ("January February March April May June July August September October November December".split())}
    | {d for d in "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()}
)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_CLAUSE = re.compile(r"[.;!?\n]+|,\s*but\s+|\bbut\b", re.I)


class Fact(BaseModel):
    """One slot fact read from text.

    Attributes:
        slot: ``allergy``, ``diet``, ``city``, ``name``, ``age``, ``interest``, ``dislike``, ``date`` or
            ``past_gift``.
        value: the value (``"peanuts"``), ``"*"`` for "all of this slot".
        negated: ``True`` when the fact stopped holding ("no longer vegan").
    """

    slot: str
    value: str
    negated: bool = False

    @property
    def key(self) -> str:
        """What a newer fact must share to conflict with this one: the slot, or slot and value."""
        if self.slot in SINGLE_SLOTS or self.value == "*":
            return self.slot
        return f"{self.slot}:{self.value}"

    @property
    def text(self) -> str:
        """The fact as the record text: ``allergy: peanuts``, ``allergy: no peanuts``, ``allergy: none``."""
        if self.value == "*":
            return f"{self.slot}: none"
        return f"{self.slot}: {'no ' if self.negated else ''}{self.value}"

    @property
    def importance(self) -> float:
        """Default importance of the fact (see :data:`SLOT_IMPORTANCE`)."""
        return SLOT_IMPORTANCE.get(self.slot, 0.5)


def _has(term: str, text: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", text) is not None


def _find(term: str, text: str) -> int | None:
    m = re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", text)
    return m.start() if m else None


def _sentiment(clause: str, position: int) -> str | None:
    """``interest`` or ``dislike`` for the term at ``position``: the nearest cue before it wins
    ("loves dinosaurs and hates soccer"); with no cue before it, any cue in the clause."""
    before = clause[:position]
    likes = [m.start() for m in _LIKE_CUE.finditer(before)]
    dislikes = [m.start() for m in _DISLIKE_CUE.finditer(before)]
    # "doesn't like" contains "like": a like-cue inside a dislike-cue does not count
    likes = [p for p in likes if not any(d <= p < d + 16 for d in dislikes)]
    if likes or dislikes:
        return "dislike" if max(dislikes, default=-1) > max(likes, default=-1) else "interest"
    if _DISLIKE_CUE.search(clause):
        return "dislike"
    if _LIKE_CUE.search(clause):
        return "interest"
    return None


def split_clauses(text: str) -> list[str]:
    """``text`` cut into clauses (sentences, and halves around "but")."""
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


#: slots whose facts fully capture a clause (a clause that gave one of them needs no extra note)
CONTENT_SLOTS: frozenset[str] = frozenset({"allergy", "diet", "interest", "dislike"})


def clause_is_covered(clause: str) -> bool:
    """True when ``clause`` states an allergy, diet, interest or dislike fact."""
    return any(f.slot in CONTENT_SLOTS for f in _local_facts(clause))


_clauses = split_clauses


def _local_facts(text: str) -> list[Fact]:
    facts: list[Fact] = []
    for clause in _clauses(text):
        low = clause.lower()
        negated = bool(_NEG_CUE.search(low))
        diets = [d for d in DIET_TAGS if _has(d, low)]
        for d in diets:
            facts.append(Fact(slot="diet", value=d, negated=negated))
        scan = low
        for d in diets:
            scan = scan.replace(d, " ")
        if _NO_ALLERGIES.search(scan):
            facts.append(Fact(slot="allergy", value="*", negated=True))
        elif _ALLERGY_CUE.search(scan) or (negated and "allerg" in scan):
            for allergen, words in ALLERGEN_WORDS.items():
                if any(_has(w, scan) for w in words):
                    if allergen == "tree nuts" and not any(_has(w, scan) for w in words[:2]) and "peanut" in scan:
                        continue
                    facts.append(Fact(slot="allergy", value=allergen, negated=negated))
            if _has("nuts", scan) and not any(_has(w, scan) for w in ("peanut", "peanuts", "tree nut", "tree nuts")):
                facts.append(Fact(slot="allergy", value="peanuts", negated=negated))
        for interest in INTERESTS:
            where = _find(interest, low)
            if where is None and interest.endswith("s"):
                where = _find(interest[:-1], low)
            if where is None:
                continue
            sentiment = _sentiment(low, where)
            if sentiment is not None:
                facts.append(Fact(slot=sentiment, value=interest))
    cities = sorted((m.start(), c) for c in CITIES for m in re.finditer(rf"\b{re.escape(c)}\b", text, re.I))
    if cities:
        facts.append(Fact(slot="city", value=cities[-1][1]))
    for pattern in _AGE:
        m = pattern.search(text)
        if m and 0 <= int(m.group(1)) <= 120:
            facts.append(Fact(slot="age", value=str(int(m.group(1)))))
            break
    for pattern in _NAME:
        names = [n for n in pattern.findall(text) if n not in _NOT_NAMES]
        if names:
            facts.append(Fact(slot="name", value=names[0]))
            break
    m = _ISO_DATE.search(text)
    if m:
        facts.append(Fact(slot="date", value=m.group(1)))
    return facts


def _extraction_facts(text: str, today: dt.date) -> list[Fact] | None:
    """Facts from the shared extractor (``None`` when it cannot read the text)."""
    from tutorial_helpers.extraction import extract_request

    try:
        request = extract_request(text, today).request
    except (ValueError, TypeError, AttributeError):
        return None
    if request is None:
        return []
    facts = [Fact(slot="allergy", value=a) for a in getattr(request, "avoid_allergens", []) or []]
    facts += [Fact(slot="diet", value=d) for d in getattr(request, "dietary", []) or []]
    facts += [Fact(slot="interest", value=i) for i in getattr(request, "interests", []) or []]
    facts += [Fact(slot="dislike", value=i) for i in getattr(request, "dislikes", []) or []]
    if getattr(request, "city", None):
        facts.append(Fact(slot="city", value=str(request.city)))
    if getattr(request, "recipient_name", None):
        facts.append(Fact(slot="name", value=str(request.recipient_name)))
    if getattr(request, "recipient_age", None) is not None:
        facts.append(Fact(slot="age", value=str(request.recipient_age)))
    if getattr(request, "date", None) is not None:
        facts.append(Fact(slot="date", value=request.date.isoformat()))
    return facts


def extract_facts(text: str, today: dt.date | None = None) -> list[Fact]:
    """The slot facts stated in ``text``, without duplicates, in a stable order.

    Args:
        text: what the user said.
        today: reference date for relative dates (default: today).

    Returns:
        A list of :class:`Fact`; empty for chit-chat ("thanks, that looks great!").

    Example:
        >>> [f.text for f in extract_facts("Sam is allergic to peanuts and loves dinosaurs.")]
        ['allergy: peanuts', 'interest: dinosaurs', 'name: Sam']
    """
    local = _local_facts(text)
    external = _extraction_facts(text, clock.resolve(today))
    facts = list(local)
    if external:
        local_keys = {(f.slot, f.value) for f in local}
        negated = {(f.slot, f.value) for f in local if f.negated}
        negated_all = {f.slot for f in local if f.negated and f.value == "*"}
        disliked = {f.value for f in local if f.slot == "dislike"}
        single_local = {f.slot for f in local if f.slot in SINGLE_SLOTS}
        for f in external:
            if (f.slot, f.value) in local_keys or (f.slot, f.value) in negated or f.slot in negated_all:
                continue
            if f.slot == "interest" and f.value in disliked:
                continue
            if f.slot in SINGLE_SLOTS and f.slot in single_local:
                continue
            facts.append(f)
    seen: set[tuple[str, str, bool]] = set()
    out: list[Fact] = []
    for f in facts:
        k = (f.slot, f.value, f.negated)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out
