"""Budget, age and guest count: the numbers of a request, told apart by the words around them.

They are read in this order, each one blanking what it used, so that a number is read once:
dates first (``Dec 12`` is not 12 guests), then money (``$400``), then the age (``turning 8``),
then the guest count (``12 kids``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tutorial_helpers.extraction.matching import phrase_pattern
from tutorial_helpers.extraction.numbers import parse_amount
from tutorial_helpers.extraction.text import Text
from tutorial_helpers.extraction.vocabulary import GUEST_NOUNS, RELATIONS, SMALL_GUEST_NOUNS

_GUEST_WORDS = phrase_pattern(GUEST_NOUNS)


@dataclass
class Finding:
    """A value read from the text, the working-text span it came from and extra details."""

    value: float | int
    start: int
    end: int
    extra: dict[str, object] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ budget

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\^\d+)?)"
_SCALE = r"(?:(?P<scale>k|m)\b|\s*(?P<scale_word>grand|thousand|million|billion)\b)?"
_SIGN = r"(?P<neg>(?<![\w$.,])-\s*|\bminus\s+|\bnegative\s+)?"
_CUR_WORD = r"(?:us\s*)?(?P<cur>dollars?|bucks|usd|euros?|eur|pounds|gbp|quid|\$)"
MONEY_FULL = [
    re.compile(rf"{_SIGN}(?P<sym>[$€£])\s*(?P<neg2>-\s*)?{_NUM}{_SCALE}"),
    re.compile(rf"{_SIGN}(?<![\w.]){_NUM}{_SCALE}\s*{_CUR_WORD}(?!\w)"),
    re.compile(rf"\b(?P<cur>usd|eur|gbp)\s*{_SIGN}{_NUM}{_SCALE}"),
    re.compile(rf"{_SIGN}(?<![\w.]){_NUM}(?:(?P<scale>k)\b|\s+(?P<scale_word>grand)\b)"),
    re.compile(r"\ba\s+(?P<scale_word>grand)\b(?P<num>)"),
]
MONEY_SMALL = [
    re.compile(rf"{_SIGN}(?P<sym>\$)\s*(?P<neg2>-\s*)?{_NUM}"),
    re.compile(rf"{_SIGN}(?<![\w.]){_NUM}\s*(?P<cur>dollars|usd)\b"),
]
_RANGE = re.compile(r"\s*(?:-|to|and)\s*$")
BUDGET_KEYWORD = re.compile(
    rf"\b(?:budget|spend|spending|afford|budgeted|allowance)\b(?:\s*(?:'s|is|of|was|will be|would be|around|about|"
    rf"approximately|roughly|max|maximum|limit|cap|at|up to|to|:|=|(?<=\w)-|-(?=\s)|~|is about|is around))*\s*{_SIGN}{_NUM}{_SCALE}"
    r"(?!\s*(?:guests?|people|kids|children|friends|persons|adults|years|yrs|%))"
)
BUDGET_KEYWORD_SMALL = re.compile(rf"\bbudget\s*(?:is|of|:)?\s*{_SIGN}{_NUM}(?!\s*(?:guests|people|kids|%))")
_CUE_BEFORE = re.compile(
    r"\b(?:budget|spend|spending|under|max|maximum|up\s+to|no\s+more\s+than|at\s+most|total|cap|capped|limit|"
    r"afford|within|less\s+than|below|around|about|roughly|have|got|only|allowance|all\s+in|approximately)\b[^$\d]{0,22}$"
)
_CUE_AFTER = re.compile(r"^\s*(?:budget|total|max|maximum|tops|all\s+in|in\s+total|overall|or\s+less|limit|cap)\b")
_PER_PERSON = re.compile(
    r"^\s*(?:per\s+(?:person|head|guest|kid|child|adult|plate)|each|a\s+(?:head|person|guest|kid)|pp\b|/\s*(?:person|head))"
)
_CURRENCY = {"€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR", "£": "GBP", "pounds": "GBP", "gbp": "GBP",
             "quid": "GBP"}


def _money_value(m: re.Match[str]) -> float | None:
    groups = m.groupdict()
    num = groups.get("num") or ("1" if groups.get("scale_word") == "grand" else "")
    value = parse_amount(num, groups.get("scale") or groups.get("scale_word"))
    if value is None:
        return None
    if groups.get("neg") or groups.get("neg2"):
        value = -value
    return value


def find_budget(text: Text, level: str = "full") -> Finding | None:
    """The budget: the money amount near a budget word, else the only (or largest) one.

    Amounts "per person" are multiplied by the guest count later (see ``extra["per_guest"]``).
    """
    s = text.s
    spans: list[tuple[int, int, float, str]] = []
    for regex in MONEY_FULL if level != "small" else MONEY_SMALL:
        for m in regex.finditer(s):
            if any(not (m.end() <= a or m.start() >= b) for a, b, _, _ in spans):
                continue
            value = _money_value(m)
            if value is None:
                continue
            cur = (m.groupdict().get("sym") or m.groupdict().get("cur") or "").lower()
            spans.append((m.start(), m.end(), value, _CURRENCY.get(cur, "USD")))
    if not spans:
        regex = BUDGET_KEYWORD if level != "small" else BUDGET_KEYWORD_SMALL
        m = regex.search(s)
        if m is None:
            return None
        value = _money_value(m)
        if value is None:
            return None
        start = m.start("num") - (len(m.group("neg")) if m.group("neg") else 0)
        return Finding(value, start, m.end(), {"cued": True, "currency": "USD"})
    spans.sort()
    # "$300-$500", "between 300 and 500 dollars": a range counts once, as its upper end
    merged: list[tuple[int, int, float, str]] = []
    for a, b, v, c in spans:
        if merged and _RANGE.match(s[merged[-1][1]:a]) and merged[-1][2] >= 0 and v >= 0:
            pa, _, pv, _ = merged[-1]
            merged[-1] = (pa, b, max(pv, v), c)
        else:
            merged.append((a, b, v, c))
    candidates = []
    for a, b, v, c in merged:
        before, after = s[max(0, a - 40):a], s[b:b + 25]
        per_guest = bool(_PER_PERSON.match(after))
        cued = bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))
        candidates.append(Finding(v, a, b, {"cued": cued, "per_guest": per_guest, "currency": c}))
    whole = [f for f in candidates if not f.extra["per_guest"]]
    pool = whole or candidates
    cued = [f for f in pool if f.extra["cued"]]
    if cued:
        best = cued[0]
    elif len(pool) == 1:
        best = pool[0]
    else:
        best = max(pool, key=lambda f: abs(f.value))
    best.extra["all"] = [(f.start, f.end) for f in candidates]
    return best


# ------------------------------------------------------------------------------------------------ age

_NOT_AGE_AFTER = re.compile(
    rf"\s*(?:{phrase_pattern(GUEST_NOUNS)}|dollars?|bucks|usd|%|percent|am|pm|o'clock|:\d|minutes|hours|days|weeks|"
    r"months|more|of\b|or\s+\d|to\s+\d|-\s*\d|guests?)"
)
AGE_FULL: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"\b(?:turning|turns|turned|turn)\s+(?:(?:a|an|the|big)\s+)?(?P<n>\d{1,3})"
                   r"(?!\d|\s*(?:st|nd|rd|th)?\s*(?:of|on)\b\s*\d)")),
    (0, re.compile(r"\b(?P<n>\d{1,3})[\s-]*(?:years?|yrs?|yr)[\s-]*(?:old|young|of\s+age)\b")),
    (0, re.compile(r"\b(?P<n>\d{1,3})\s*(?:yo|y/o|y\.o\.)(?!\w)")),
    (0,
     re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)[\s-]+(?:birthday|bday|b-day|birth\s+day|bash|party|celebration)\b")),
    (1, re.compile(r"\b(?:aged|age|ages|age\s+is)\s*:?\s*(?P<n>\d{1,3})\b(?!\s*(?:-|to)\s*\d)")),
    (1, re.compile(r"(?:'ll|\bwill|\bgoing\s+to|\bgonna|\bshall|\bshould)\s+be\s+(?P<n>\d{1,3})\b")),
    (1, re.compile(r"\b(?P<n>\d{1,2})[\s-]*months?[\s-]*old\b")),
    (2, re.compile(r"(?<!\d)(?P<n>\d{1,3})(?:st|nd|rd|th)\b"
                   r"(?!\s*(?:grade|grader|floor|place|time|street|st\b|ave|avenue|century|anniversary|of\b|wedding))")),
    (2,
     re.compile(
         rf"\b(?:{phrase_pattern(RELATIONS)})(?:\s+[a-z]+)?\s*(?:,|\()\s*(?P<n>\d{{1,3}})\b(?!\s*(?:{_GUEST_WORDS}))")),
    (3,
     re.compile(
         r"(?P<subj>\b[a-z]+)(?:\s+is|'s|\s+are|\s+was)\s+(?:now\s+|just\s+|only\s+|already\s+)?(?P<n>\d{1,3})\b")),
]
AGE_SMALL: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"\b(?:turning|turns)\s+(?P<n>\d{1,3})\b")),
    (0, re.compile(r"\b(?P<n>\d{1,3})\s+years\s+old\b")),
    (0, re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\s+birthday\b")),
    (1, re.compile(r"\bage\s+(?P<n>\d{1,3})\b")),
]
_NOT_AGE_SUBJECT = frozenset({
    "budget", "count", "headcount", "total", "number", "price", "cost", "it", "that", "there", "date", "party", "time",
    "we", "they", "guests", "list", "which", "this", "what", "limit", "spend", "amount", "size", "day", "here",
    "people", "kids", "children", "friends", "adults", "attendance", "maximum", "max", "minimum", "capacity",
})


def find_age(text: Text, level: str = "full") -> Finding | None:
    """The recipient's age ("turning 8", "80th", "45 years old", "she'll be 9", "sweet 16")."""
    s = text.s
    best: tuple[int, int, Finding] | None = None
    for priority, regex in AGE_FULL if level != "small" else AGE_SMALL:
        for m in regex.finditer(s):
            if _NOT_AGE_AFTER.match(s, m.end()) and priority >= 1:
                continue
            subj = m.groupdict().get("subj")
            if subj is not None and subj in _NOT_AGE_SUBJECT:
                continue
            value = 0 if "month" in m.group(0) else int(m["n"])
            key = (priority, m.start())
            if best is None or key < best[:2]:
                best = (priority, m.start(), Finding(value, m.start("n"), m.end()))
            break
    return best[2] if best else None


# ------------------------------------------------------------------------------------------------ guests

_GUEST_NOUN = phrase_pattern(GUEST_NOUNS)
_NOT_ADJ = (r"(?!(?:years?|yrs?|dollars?|bucks|old|months?|days?|weeks?|hours?|minutes?|"
            r"am|pm|and|or|to|of|in|on|at|for)\b)")
#: a total stated after a breakdown ("8 kids and 4 parents, so 12 in all"): it wins over the parts
_TOTAL_WORDS = r"(?:in\s+all|in\s+total|total|altogether|all\s+together|all\s+told|overall|combined)"
GUESTS_FULL: list[tuple[int, re.Pattern[str]]] = [
    (-1, re.compile(rf"(?<![\w$.,-])(?P<n>\d{{1,6}})\s+(?:(?:people|guests|persons|heads|of\s+us|of\s+them)\s+)?"
                    rf"{_TOTAL_WORDS}\b"
                    rf"|\b(?:a\s+)?total\s+of\s+(?P<n2>\d{{1,6}})\b(?!\s*(?:dollars|bucks|usd|\$))"
                    rf"|\b(?:altogether|in\s+total|in\s+all)\s*[,:]?\s*(?:that's\s+|it's\s+|we're\s+)?(?P<n3>\d{{1,6}})\b"
                    rf"(?!\s*(?:dollars|bucks|usd|years?|\$|%))")),
    (0, re.compile(rf"(?<![\w$.,-])(?:about\s+|around\s+|roughly\s+|maybe\s+|~)?(?P<n>\d{{1,6}})\s+"
                   rf"(?P<more>more\s+|extra\s+|additional\s+)?"
                   rf"(?:{_NOT_ADJ}[a-z'-]+\s+){{0,2}}?(?P<noun>{_GUEST_NOUN})(?!\w)")),
    (1, re.compile(r"\b(?:headcount|head\s+count|guest\s+count|guest\s+list|number\s+of\s+(?:guests|people|kids)|"
                   r"guests|attendance|party\s+size|group\s+size)\s*(?:is|of|:|=|will\s+be|around|about|~|\s)*\s*(?P<n>\d{1,6})\b")),
    (1, re.compile(r"\b(?:party|group|table|crowd|gathering|reservation|celebration|dinner|booking|bash|picnic)\s+"
                   r"(?:of|for)\s+(?:about\s+|around\s+|roughly\s+|up\s+to\s+|~)?(?P<n>\d{1,6})\b(?!\s*(?:years?|dollars|bucks|\$|pm|am|%))")),
    (1, re.compile(r"\b(?:expecting|inviting|invite|invited|hosting|host|feeding|feed|seating|seat|serve|serving)\s+"
                   r"(?:about\s+|around\s+|roughly\s+|maybe\s+|up\s+to\s+|~)?(?P<n>\d{1,6})\b(?!\s*(?:years?|dollars|\$|pm|am|%|st|nd|rd|th))")),
    (2,
     re.compile(
         r"\bfor\s+(?:about\s+|around\s+|~)?(?P<n>\d{1,6})(?=\s*(?:[.,;!?)]|$|\s+(?:in|on|at|this|next|with|and)\b))")),
]
GUESTS_SMALL: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"\b(?P<n>\d{{1,6}})\s+(?P<noun>{'|'.join(SMALL_GUEST_NOUNS)})\b")),
]
_JOIN = re.compile(r"^\s*(?:,|and|plus|&|\+|,\s*and|with)\s*$")


def find_guests(text: Text, level: str = "full") -> Finding | None:
    """The guest count ("12 kids", "a dozen friends", "party of 8", "headcount 15", "12 kids and 8 adults").

    ``extra["more"]`` is set for "5 more guests" (a change to an earlier count, in a conversation).
    """
    s = text.s
    rules = GUESTS_FULL if level != "small" else GUESTS_SMALL
    for _priority, regex in rules:
        matches = list(regex.finditer(s))
        if not matches:
            continue
        first = matches[0]
        if _priority < 0:  # a stated total: the number itself, whichever alternative matched
            key = next(k for k in ("n", "n2", "n3") if first.group(k))
            return Finding(int(first.group(key)), first.start(key), first.end(), {"more": False})
        more = bool(first.groupdict().get("more"))
        total, end = int(first["n"]), first.end()
        for m in matches[1:]:
            if _JOIN.match(s[end:m.start()]) and not m.groupdict().get("more"):
                total += int(m["n"])
                end = m.end()
            else:
                break
        return Finding(total, first.start("n"), end, {"more": more})
    return None
