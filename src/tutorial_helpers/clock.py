"""One clock: the single source of "today" for a run.

Relative dates ("this Saturday", "in two weeks"), cake lead times and "is the date in the past?" all
depend on what day it is. A run that reads the wall clock in one place and a scenario's date in
another plans for two different days (a $594 plan approved on a $400 budget because one agent
thought the party was already over). So there is one clock:

* The **front door** (``plan_text``, the CLI, ``evaluate``, ``simulate``, a notebook's parameters)
  decides today once: the request's or scenario's ``today``, else ``--today``, else the system date
  read **once** with :func:`resolve`.
* It runs the work inside ``with use_today(day):``; everything below reads :func:`today`: the role
  prompts (:func:`tutorial_helpers.prompts.render` writes "Today is ..." into every one), the tools
  (:mod:`tutorial_helpers.tools.state`), the MCP server (``serve-mcp --today``), memory and the
  extractor.
* The offline model cannot see this process's clock (it is a server; a real model is elsewhere): it
  reads today from the conversation, and when the conversation does not say, it says so in its
  response (``x-offline-today-source: wall-clock``) and the usage meter counts the call.

Outside any ``use_today`` block :func:`today` is the system date, read at each call: library code
that runs without a front door (a learner calling a tool in a cell) still works.

Example::

    from tutorial_helpers import clock
    with clock.use_today("2026-11-22"):
        clock.today()          # datetime.date(2026, 11, 22)
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.Lock()
_fixed: dt.date | None = None


def as_date(day: dt.date | dt.datetime | str) -> dt.date:
    """``day`` as a ``date``: a date, a datetime (its date) or an ISO string ("2026-11-22").

    Raises:
        ValueError: a string that is not an ISO date.
    """
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day).strip()[:10])


def system_today() -> dt.date:
    """The machine's date. Only front doors call this (through :func:`resolve`), once per run."""
    return dt.date.today()  # noqa: DTZ011 -- the one sanctioned wall-clock read


def resolve(day: dt.date | dt.datetime | str | None = None) -> dt.date:
    """Decide today for a run: ``day`` if given, else the clock already fixed, else the system date.

    Front doors call this once and pass the result down (or run inside :func:`use_today`).
    """
    if day is not None:
        return as_date(day)
    return today()


def today() -> dt.date:
    """Today for the current run: the fixed day inside :func:`use_today`, else the system date."""
    fixed = _fixed
    return fixed if fixed is not None else system_today()


def now() -> dt.datetime:
    """The run's current moment (UTC): :func:`today`'s date with the wall clock's time of day.

    For timestamps (memory records, expiry, recency): inside a fixed day they carry that day, and
    they still move forward within it.
    """
    moment = dt.datetime.now(dt.UTC)
    fixed = _fixed
    if fixed is None:
        return moment
    return moment.replace(year=fixed.year, month=fixed.month, day=fixed.day)


def is_fixed() -> bool:
    """True inside a :func:`use_today` block (or after :func:`set_today`)."""
    return _fixed is not None


def set_today(day: dt.date | dt.datetime | str | None) -> None:
    """Fix today to ``day`` for the whole process; ``None`` follows the system date again.

    Prefer :func:`use_today`, which restores the previous value.
    """
    global _fixed
    with _lock:
        _fixed = None if day is None else as_date(day)


@contextmanager
def use_today(day: dt.date | dt.datetime | str | None) -> Iterator[dt.date]:
    """Context manager: today is ``day`` inside the block (``None``: decide it now with :func:`resolve`).

    The previous value is restored on exit, also after an exception. The value is process-wide (not a
    context variable) on purpose: frameworks run tools in worker threads that do not copy contexts.
    """
    global _fixed
    chosen = resolve(day)
    with _lock:
        previous, _fixed = _fixed, chosen
    try:
        yield chosen
    finally:
        with _lock:
            _fixed = previous


def on_request_day(func: F) -> F:
    """Decorator for a team's entry point: run it with the clock at its request's ``today``.

    The request is the ``request`` argument (or ``self.request`` for a method without one). When the
    request carries no ``today`` the clock is left as it is. Works for plain and ``async`` functions.
    """
    signature = inspect.signature(func)

    def day_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dt.date | None:
        try:
            bound = signature.bind_partial(*args, **kwargs).arguments
        except TypeError:
            return None
        request = bound.get("request")
        if request is None and "self" in bound:
            request = getattr(bound["self"], "request", None)
        day = getattr(request, "today", None)
        return day if isinstance(day, dt.date) else None

    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            day = day_of(args, kwargs)
            if day is None:
                return await func(*args, **kwargs)
            with use_today(day):
                return await func(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        day = day_of(args, kwargs)
        if day is None:
            return func(*args, **kwargs)
        with use_today(day):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
