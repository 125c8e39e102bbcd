"""Raw and guarded: what the agents did, and what code did for them.

An agent team's final plan mixes three sources: the models' decisions, deterministic fallbacks that
replace a model's answer when it fails or is unusable (a rule-based reading, the reference
optimiser, the top catalog matches), and the guardrail's repair at the end. A score taken after all
three measures the *system*; it says little about the *agents*. So every run keeps an audit:

* :func:`note_fallback` is called wherever code replaces a model answer (every framework calls it
  through :func:`tutorial_helpers.frameworks.common.fallback`);
* :func:`tutorial_helpers.planners.plan_text` opens an :func:`auditing` block around the team, keeps
  the plan as the team produced it, and stores a :class:`RawOutcome` on the final plan
  (``plan.raw``): the raw items and total, the violations the guardrail found in them, the
  fallbacks, and whether the guardrail changed the plan.

The evaluation harness turns these into ``raw_pass_rate``, ``fallback_rate`` and ``repair_rate``
beside the guarded ``pass_rate``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_lock = threading.Lock()
_active: list[Audit] = []


@dataclass
class Audit:
    """What code did instead of a model during one run: ``[(agent, what)]``."""

    fallbacks: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One sentence per fallback ("selector: used the reference optimiser ...")."""
        return [f"{agent}: {what}" for agent, what in self.fallbacks]


def note_fallback(agent: str, what: str) -> None:
    """Record that code replaced the answer of ``agent`` (for every open :func:`auditing` block).

    Args:
        agent: the role whose model answer was replaced ("selector", "extractor", ...).
        what: what the code did instead, in a few words.
    """
    with _lock:
        for audit in _active:
            audit.fallbacks.append((agent, what))


@contextmanager
def auditing() -> Iterator[Audit]:
    """Context manager: collect the fallbacks of the code run inside the block.

    Process-wide on purpose (frameworks run agents in worker threads); blocks may nest.
    """
    audit = Audit()
    with _lock:
        _active.append(audit)
    try:
        yield audit
    finally:
        with _lock:
            _active.remove(audit)
