"""Calendar tools: the weekday of a date, and how many days until it (from the tools' clock)."""

from typing import Any

from tutorial_helpers.tools.failures import maybe_fail
from tutorial_helpers.tools.format import ArgumentProblem, error, parse_date
from tutorial_helpers.tools.state import get_today

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_of_week(date: str) -> dict[str, Any]:
    """Tell which day of the week a date falls on, and whether it is a weekend.

    Use it before matching a date against a venue's or activity's opening days (Mon..Sun).

    Args:
        date: the date, YYYY-MM-DD.
    """
    maybe_fail("day_of_week")
    try:
        day = parse_date(date)
    except ArgumentProblem as exc:
        return error(str(exc))
    name = _DAY_NAMES[day.weekday()]
    return {"date": day.isoformat(), "weekday": name, "weekday_short": name[:3], "is_weekend": day.weekday() >= 5}


def days_until(date: str) -> dict[str, Any]:
    """Count the days from today to a date (negative when it is in the past).

    Use it to judge lead times: a cake needing 3 days' notice fits only if days >= 3.

    Args:
        date: the date, YYYY-MM-DD.
    """
    maybe_fail("days_until")
    try:
        day = parse_date(date)
    except ArgumentProblem as exc:
        return error(str(exc))
    today = get_today()
    days = (day - today).days
    return {"date": day.isoformat(), "today": today.isoformat(), "days": days, "in_past": days < 0,
            "weekday": _DAY_NAMES[day.weekday()]}
