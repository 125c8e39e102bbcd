"""Shared state of the tools: which catalog they read and what day "today" is.

Tools take plain JSON arguments (what a model can send), so the catalog and the clock cannot be
arguments. They live here instead:

* :func:`get_catalog` loads the shipped catalog once, lazily; :func:`set_catalog` or
  :func:`use_catalog` swap in another object with the same interface (tests use a small fake).
* :func:`get_today` reads the run's one clock (:mod:`tutorial_helpers.clock`); :func:`set_today` and
  :func:`today_as` fix it, so that lead times and "days until" are reproducible in lessons and
  evaluation scenarios.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tutorial_helpers import clock

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

_lock = threading.Lock()
_catalog: Any = None


def get_catalog() -> Catalog:
    """Return the catalog the tools read (the shipped one, loaded on first use, unless replaced)."""
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                from tutorial_helpers.catalog import load_catalog

                _catalog = load_catalog()
    return _catalog


def set_catalog(catalog: Any | None) -> None:
    """Make every tool read ``catalog``; ``None`` goes back to the shipped catalog.

    Args:
        catalog: any object with the ``Catalog`` interface (``get``, ``in``, ``items``, ``filter``,
            ``search``, ``stats``), or ``None``.
    """
    global _catalog
    with _lock:
        _catalog = catalog


@contextmanager
def use_catalog(catalog: Any) -> Iterator[Any]:
    """Context manager: the tools read ``catalog`` inside the ``with`` block, the previous one after."""
    global _catalog
    with _lock:
        previous, _catalog = _catalog, catalog
    try:
        yield catalog
    finally:
        with _lock:
            _catalog = previous


def get_today() -> dt.date:
    """Return the tools' idea of today: the run's clock (:func:`tutorial_helpers.clock.today`)."""
    return clock.today()


def set_today(day: dt.date | str | None) -> None:
    """Fix the clock to ``day`` (a date or ``"YYYY-MM-DD"``); ``None`` follows the system date.

    Args:
        day: the date the tools treat as today, or ``None``.
    """
    clock.set_today(day)


@contextmanager
def today_as(day: dt.date | str | None) -> Iterator[dt.date]:
    """Context manager: the clock reads ``day`` inside the ``with`` block, the previous value after."""
    with clock.use_today(day) as chosen:
        yield chosen
