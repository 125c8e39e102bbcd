"""Presenting in front of a room: a fallback to the offline model, and work started ahead in the background.

The live demo (notebook 18) runs on whatever provider is configured. A key that expired, a rate limit or a
dropped network must not stop a talk: :func:`run_or_offline` runs a cell's work on the configured provider
and, if that raises on a real model, runs the same work on the offline stand-in and says so in a note.

The framework comparison takes longer than a room should wait: :func:`start_comparison` starts it in a
separate process at the beginning of the talk (the project's clock is process-wide, so a process, not a
thread), and :meth:`Comparison.result` collects it when the agenda reaches it.

Example::

    shown = run_or_offline(lambda p: plan_text(text, "native", provider=p))
    shown.value          # the plan (from the configured provider, or offline with shown.note saying why)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

OFFLINE = "offline"


@dataclass
class Shown(Generic[T]):
    """What a demo cell shows: the value, which provider produced it, and a note when it fell back.

    Attributes:
        value: the work's result.
        provider: the provider that produced it ("offline" after a fallback).
        fell_back: True when the configured provider failed and the offline model answered instead.
        note: one sentence for the room ("" when nothing went wrong).
    """

    value: T
    provider: str
    fell_back: bool = False
    note: str = ""


def _provider_name(provider: Any) -> str:
    if provider is None:
        from tutorial_helpers.config import get_settings

        return str(getattr(get_settings(), "provider", None) or OFFLINE)
    return str(getattr(provider, "name", provider))


def _say(note: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            display(Markdown(f"> **Fallback:** {note}"))
            return
    except ImportError:  # pragma: no cover
        pass
    print(f"Fallback: {note}")


def no_model_answered(plan: Any) -> str | None:
    """For :func:`run_or_offline`'s ``failed``: a plan made without a single model answer is a failure.

    The agent teams never crash on a dead provider: each agent degrades to its deterministic equivalent.
    In a demo that would show code's answer as the model's, so it counts as a failure of the provider.
    """
    usage = getattr(plan, "usage", None)
    if usage is not None and usage.llm_calls == 0 and getattr(plan, "provider", OFFLINE) not in (OFFLINE, "none"):
        return "no model call was answered (every agent fell back to code)"
    return None


def run_or_offline(work: Callable[[str | None], T], provider: Any = None, *, show: bool = True,
                   failed: Callable[[T], str | None] | None = None) -> Shown[T]:
    """Run ``work(provider)``; if it raises on a real model, run ``work("offline")`` and add a note.

    Args:
        work: the cell's work, taking the provider to use (a name, or None for the configured one).
        provider: the provider to try first (default: the configured one).
        show: display the note in the notebook (or print it) when falling back.
        failed: judges a result that did not raise: a reason when it counts as a failure (e.g.
            :func:`no_model_answered`), else None.

    Returns:
        A :class:`Shown` with the value and where it came from.

    Raises:
        Exception: whatever ``work`` raised when the provider was already the offline model (there is
            nothing to fall back to: that is a bug to fix, not to hide).
    """
    name = _provider_name(provider)
    try:
        value = work(provider)
        reason = failed(value) if failed is not None and name != OFFLINE else None
        if reason is None:
            return Shown(value, provider=name)
    except Exception as exc:
        if name == OFFLINE:
            raise
        first_line = (str(exc).splitlines() or [""])[0][:160]
        reason = f"{type(exc).__name__}: {first_line}"
    note = (f"the {name} provider failed ({reason}); this is the offline stand-in's result instead, "
            "computed the same way.")
    value = work(OFFLINE)
    if show:
        _say(note)
    return Shown(value, provider=OFFLINE, fell_back=True, note=note)


# -- a comparison started ahead of time ---------------------------------------------------------------------
_SCRIPT = """
import json, sys
from tutorial_helpers.evaluation import load_scenarios
from tutorial_helpers.evaluation.compare import compare
args = json.loads(sys.argv[1])
metrics = compare(args["frameworks"], load_scenarios(args["scenarios"]), provider=args["provider"], seed=args["seed"])
with open(args["out"], "w", encoding="utf-8") as f:
    json.dump(metrics, f)
"""


@dataclass
class Comparison:
    """A framework comparison running in another process (see :func:`start_comparison`)."""

    process: subprocess.Popen
    out: Path
    args: dict[str, Any]

    def done(self) -> bool:
        """True when the process has finished."""
        return self.process.poll() is not None

    def result(self, timeout: float | None = None, *, show: bool = True) -> Shown[list[dict[str, Any]]]:
        """Wait for the comparison and return its metrics (one dict per framework, as ``compare`` returns).

        If it failed on a real model, the same comparison runs offline here (and a note says so).

        Raises:
            RuntimeError: when it failed on the offline model (its error output is in the message).
        """
        _, err = self.process.communicate(timeout=timeout)
        if self.process.returncode == 0 and self.out.exists():
            return Shown(json.loads(self.out.read_text(encoding="utf-8")),
                         provider=_provider_name(self.args["provider"]))
        tail = (err or "").strip().splitlines()[-1:] or ["no error output"]
        if _provider_name(self.args["provider"]) == OFFLINE:
            raise RuntimeError(f"The comparison failed offline: {tail[0]}")
        from tutorial_helpers.evaluation import load_scenarios
        from tutorial_helpers.evaluation.compare import compare

        note = (f"the comparison on {_provider_name(self.args['provider'])} failed ({tail[0][:160]}); "
                "these are the offline stand-in's figures instead.")
        metrics = compare(self.args["frameworks"], load_scenarios(self.args["scenarios"]), provider=OFFLINE,
                          seed=self.args["seed"])
        if show:
            _say(note)
        return Shown(metrics, provider=OFFLINE, fell_back=True, note=note)


def start_comparison(frameworks: Sequence[str], scenarios: Sequence[Any], provider: Any = None,
                     seed: int = 0, latency_scale: float | None = 0.0) -> Comparison:
    """Start ``compare(frameworks, scenarios)`` in a separate process and return at once.

    Args:
        frameworks: framework names (``tutorial_helpers.planners.FRAMEWORKS``).
        scenarios: :class:`~tutorial_helpers.evaluation.scenarios.Scenario` objects (written to a temporary file).
        provider: the provider name (default: the configured one; the process reads the same settings).
        seed: passed to the planners.
        latency_scale: the offline stand-in's simulated latency in that process (default 0: the comparison
            measures quality, calls and tokens, and nobody watches it; None keeps the configured scale).
    """
    work = Path(tempfile.mkdtemp(prefix="tutorial-compare-"))
    path = work / "scenarios.jsonl"
    path.write_text("\n".join(s.model_dump_json() for s in scenarios) + "\n", encoding="utf-8")
    args = {"frameworks": list(frameworks), "scenarios": str(path), "provider": None if provider is None
            else str(provider),
            "seed": seed, "out": str(work / "metrics.json")}
    src = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if latency_scale is not None:
        from tutorial_helpers.llm.offline.tiers import LATENCY_ENV

        env[LATENCY_ENV] = str(latency_scale)
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, json.dumps(args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    return Comparison(process=proc, out=Path(args["out"]), args=args)
