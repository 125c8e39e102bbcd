"""A small date grammar: explicit dates, numeric dates and (full level) relative dates.

Dates without a year are the next occurrence on or after ``today``. Supported forms:
``2026-12-13``, ``12/12`` (US month/day), ``Dec 5``, ``December 5th``, ``5 December``,
``the 5th of December``, ``Saturday November 28`` and, at the full level only, ``tomorrow``,
``this Saturday``, ``this coming Saturday``, ``next Friday``, ``this weekend``, ``in two weeks``,
``a week from today`` and ``the 19th`` (the next 19th of a month).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tutorial_helpers.extraction.text import Text
from tutorial_helpers.extraction.vocabulary import GUEST_NOUNS

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name.lower()[:3]] = _i
MONTHS["sept"] = 9
FULL_MONTH_NAMES = tuple(n.lower() for n in calendar.month_name if n)
WEEKDAY_INDEX: dict[str, int] = {}
for _i, _name in enumerate(calendar.day_name):
    WEEKDAY_INDEX[_name.lower()] = _i
    WEEKDAY_INDEX[_name.lower()[:3]] = _i
WEEKDAY_INDEX.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
FULL_WEEKDAYS = "|".join(n.lower() for n in calendar.day_name)

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WD_ANY = "|".join(sorted(WEEKDAY_INDEX, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_WD_PREFIX = rf"(?:(?:{_WD_ANY})\.?,?\s+)?"
_GUEST_AFTER = re.compile(rf"\s+(?:\w+\s+)?(?:{'|'.join(re.escape(g) for g in GUEST_NOUNS)})\b")

ISO_RE = re.compile(r"(?<![\d/.-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/.-]*\d)")
MONTH_DAY_RE = re.compile(
    rf"\b{_WD_PREFIX}(?P<mon>{_MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?P<ord>{_ORD})?(?!\d|:\d|\s*(?:am|pm)\b){_YEAR}\b"
)
DAY_MONTH_RE = re.compile(
    rf"\b{_WD_PREFIX}(?:the\s+)?(?P<d>\d{{1,2}})(?P<ord>{_ORD})?\s+(?:of\s+)?(?P<mon>{_MONTH})\b\.?{_YEAR}"
)
NUMERIC_RE = re.compile(r"(?<![\d/$.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?(?![\d/])")
# relative forms (full level)
TOMORROW_RE = re.compile(r"\b(?:the\s+)?(?P<after>day\s+after\s+)?tomorrow\b")
WEEKDAY_RE = re.compile(
    rf"\b(?P<mod>this\s+coming\s+|this\s+|coming\s+|next\s+|upcoming\s+|on\s+)?(?P<wd>{FULL_WEEKDAYS})(?![\w'])"
)
WEEKEND_RE = re.compile(r"\b(?P<mod>this|next|coming|this\s+coming)\s+weekend\b")
IN_RE = re.compile(r"\bin\s+(?P<n>\d+|a|an|one)\s+(?P<unit>days?|weeks?|months?|fortnight)\b")
FROM_RE = re.compile(r"\b(?P<n>\d+|a|an|one)\s+(?P<unit>days?|weeks?|months?)\s+from\s+(?:today|now)\b")
THE_NTH_RE = re.compile(
    rf"\b(?:on\s+)?the\s+(?P<d>\d{{1,2}}){_ORD}(?:\s+of\s+(?P<which>this|next)\s+month)?\b"
    r"(?!\s*(?:birthday|bday|b-day|anniversary|year|grade|century|floor|place|time))"
)


#: holidays with a fixed date (month, day)
_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "xmas": (12, 25),
    "new year s eve": (12, 31), "new years eve": (12, 31), "nye": (12, 31), "new year s day": (1, 1),
    "new years day": (1, 1), "halloween": (10, 31), "valentine s day": (2, 14), "valentines day": (2, 14),
    "independence day": (7, 4), "the fourth of july": (7, 4), "fourth of july": (7, 4), "st patrick s day": (3, 17),
    "st. patrick's day": (3, 17),
    "boxing day": (12, 26),
}


def _holiday_key(name: str) -> str:
    return re.sub(r"[^a-z]+", "", name.lower().removeprefix("the "))


_HOLIDAY_DATES = {_holiday_key(k): v for k, v in _HOLIDAYS.items()}
HOLIDAY_RE = re.compile(
    r"\b(christmas\s+eve|christmas\s+day|christmas|xmas|new\s+year'?s\s+eve|nye|new\s+year'?s\s+day|halloween|"
    r"valentine'?s\s+day|independence\s+day|(?:the\s+)?fourth\s+of\s+july|st\.?\s+patrick'?s\s+day|boxing\s+day)\b"
)


@dataclass
class DateFinding:
    """A date read from the text: ``value`` (or ``problem`` when it is malformed) and where it was."""

    value: dt.date | None
    start: int
    end: int
    explicit: bool
    problem: str | None = None


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def resolve_month_day(month: int, day: int, year: int | None, today: dt.date) -> dt.date | None:
    """The date for ``month``/``day``: in ``year`` or, without one, the next occurrence on/after ``today``."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    for y in range(today.year, today.year + 5):
        try:
            candidate = dt.date(y, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def next_weekday(today: dt.date, weekday: int, *, strictly_after: bool = False) -> dt.date:
    """The first ``weekday`` (0 = Monday) on or after ``today`` (strictly after with ``strictly_after``)."""
    delta = (weekday - today.weekday()) % 7
    if delta == 0 and strictly_after:
        delta = 7
    return today + dt.timedelta(days=delta)


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return 2000 + y if y < 100 else y


def _bad(raw: str) -> str:
    return f"I could not read the date {raw.strip()!r}: write it like 2026-12-05, 12/5 or December 5."


def find_dates(text: Text, today: dt.date, level: str = "full") -> list[DateFinding]:
    """Every date in ``text`` (explicit ones first, then relative ones), in order of appearance."""
    found: list[DateFinding] = []
    taken: list[tuple[int, int]] = []
    s = text.s

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(value: dt.date | None, m: re.Match[str], explicit: bool, problem: str | None = None) -> None:
        found.append(DateFinding(value, m.start(), m.end(), explicit, problem))
        taken.append(m.span())

    for m in ISO_RE.finditer(s):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        value = resolve_month_day(mo, d, y, today) if 1900 <= y <= 2200 else None
        add(value, m, True, None if value else _bad(m.group(0)))
    for regex in (MONTH_DAY_RE, DAY_MONTH_RE):
        for m in regex.finditer(s):
            if not free(*m.span()):
                continue
            if regex is MONTH_DAY_RE and not m["ord"] and not m["year"] and _GUEST_AFTER.match(s, m.end()):
                continue  # "in december 20 kids are coming"
            mon = m["mon"]
            value = resolve_month_day(MONTHS[mon], int(m["d"]), _year(m["year"]), today)
            add(value, m, True, None if value else _bad(text.span(*m.span())))
    if level != "small":
        for m in HOLIDAY_RE.finditer(s):
            if free(*m.span()):
                key = _holiday_key(m.group(1))
                if key in _HOLIDAY_DATES:
                    month, day = _HOLIDAY_DATES[key]
                    add(resolve_month_day(month, day, None, today), m, True)
    for m in NUMERIC_RE.finditer(s):
        if not free(*m.span()):
            continue
        a, b = int(m["a"]), int(m["b"])
        if a > 12 and b <= 12:  # day/month written the European way
            a, b = b, a
        value = resolve_month_day(a, b, _year(m["year"]), today)
        add(value, m, True, None if value else _bad(m.group(0)))
    if level != "small":
        _relative(s, today, free, add)
    found.sort(key=lambda f: f.start)
    return found


def _relative(s: str, today: dt.date, free, add) -> None:  # noqa: ANN001 - small private helper
    for m in TOMORROW_RE.finditer(s):
        if free(*m.span()):
            add(today + dt.timedelta(days=2 if m["after"] else 1), m, False)
    for m in WEEKEND_RE.finditer(s):
        if not free(*m.span()):
            continue
        if m["mod"] == "this" and today.weekday() >= 5:
            add(today, m, False)
        else:
            day = next_weekday(today, 5, strictly_after=True)
            add(day, m, False)
    for m in WEEKDAY_RE.finditer(s):
        if not free(*m.span()):
            continue
        wd = WEEKDAY_INDEX[m["wd"]]
        mod = (m["mod"] or "").strip()
        if mod in ("this coming", "coming", "upcoming"):
            day = next_weekday(today, wd, strictly_after=True)
        elif mod == "next":
            day = next_weekday(today, wd, strictly_after=True)
            if day.isocalendar()[:2] == today.isocalendar()[:2] and today.weekday() < 5:
                day += dt.timedelta(days=7)  # "next Friday" said on a Monday: the Friday of next week
        else:
            day = next_weekday(today, wd)
        add(day, m, False)
    for regex in (IN_RE, FROM_RE):
        for m in regex.finditer(s):
            if not free(*m.span()):
                continue
            n = 1 if m["n"] in ("a", "an", "one") else int(m["n"])
            unit = m["unit"]
            if unit.startswith("day"):
                add(today + dt.timedelta(days=n), m, False)
            elif unit.startswith("week"):
                add(today + dt.timedelta(weeks=n), m, False)
            elif unit == "fortnight":
                add(today + dt.timedelta(weeks=2), m, False)
            else:
                add(_add_months(today, n), m, False)
    for m in THE_NTH_RE.finditer(s):
        if not free(*m.span()):
            continue
        d = int(m["d"])
        if not 1 <= d <= 31:
            continue
        start = _add_months(today.replace(day=1), 1) if m["which"] == "next" else today.replace(day=1)
        for k in range(0, 14):
            month_start = _add_months(start, k)
            if d <= calendar.monthrange(month_start.year, month_start.month)[1]:
                candidate = month_start.replace(day=d)
                if candidate >= today:
                    add(candidate, m, False)
                    break


def choose_date(findings: list[DateFinding]) -> DateFinding | None:
    """The date the request is about: the first explicit one, else the first relative one."""
    explicit = [f for f in findings if f.explicit]
    if explicit:
        return explicit[0]
    return findings[0] if findings else None
