"""Deterministic tool failures, for the lessons on retries, fallbacks and guardrails.

Every tool calls :func:`maybe_fail` first. Outside :func:`inject_failures` it does nothing; inside,
it raises :class:`ToolFailure` at the given rate, drawn from a seeded random generator, so the same
sequence of calls fails at the same places on every run::

    from tutorial_helpers import tools
    with tools.inject_failures(rate=0.3, seed=0) as stats:
        for _ in range(10):
            result, error = tools.call_tool("get_item", {"item_id": "..."})
    stats.calls, stats.failures   # (10, 3) or so, the same numbers every run
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


class ToolFailure(RuntimeError):
    """A simulated, temporary tool outage (raised only inside :func:`inject_failures`)."""


@dataclass
class FailureStats:
    """What happened inside one :func:`inject_failures` block."""

    rate: float
    seed: int
    calls: int = 0
    failures: int = 0
    failed_tools: list[str] = field(default_factory=list)

    @property
    def observed_rate(self) -> float:
        """Failures divided by calls (0.0 when no tool was called)."""
        return self.failures / self.calls if self.calls else 0.0


_lock = threading.Lock()
_active: tuple[random.Random, FailureStats, frozenset[str] | None] | None = None


def maybe_fail(tool_name: str) -> None:
    """Raise :class:`ToolFailure` when failure injection is on and the seeded draw says so."""
    if _active is None:
        return
    with _lock:
        if _active is None:  # pragma: no cover - switched off meanwhile
            return
        rng, stats, only = _active
        if only is not None and tool_name not in only:
            return
        stats.calls += 1
        fail = rng.random() < stats.rate
        if fail:
            stats.failures += 1
            stats.failed_tools.append(tool_name)
    if fail:
        raise ToolFailure(f"{tool_name} is temporarily unavailable (simulated outage); try the same call again.")


@contextmanager
def inject_failures(rate: float, seed: int = 0, tools: list[str] | None = None) -> Iterator[FailureStats]:
    """Make tools raise :class:`ToolFailure` at ``rate``, deterministically, inside a ``with`` block.

    Args:
        rate: probability in [0, 1] that one tool call fails.
        seed: seed of the random generator; same seed and same calls, same failures.
        tools: only these tool names fail (default: every tool).

    Yields:
        A :class:`FailureStats` counting calls and failures.
    """
    global _active
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"The failure rate must be between 0 and 1 (got {rate}).")
    stats = FailureStats(rate=rate, seed=seed)
    with _lock:
        previous = _active
        _active = (random.Random(seed), stats, frozenset(tools) if tools is not None else None)
    try:
        yield stats
    finally:
        with _lock:
            _active = previous
