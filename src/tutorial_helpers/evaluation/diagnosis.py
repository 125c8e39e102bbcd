"""Debugging a multi-step planner: traces per step, and the step where a failure starts.

Notebook 15 builds a planner graph in LangGraph cell by cell; this module holds the reusable part of
its debugging lesson, for any compiled graph whose nodes run one after another:

* :func:`split_scenarios`: a deterministic split into a DEBUG set (look at its failures, design
  fixes) and a HELD-OUT set (measure the fixes; never looked at while debugging);
* :func:`run_traced`: run a graph compiled with a checkpointer and keep, per step, what it read (the
  state before it), what it wrote (its update) and what it cost (calls and tokens from the usage meter);
* :func:`rerun_with`: LangGraph "time travel": go back to the checkpoint before a step, write given
  values as if that step had returned them (``update_state(..., as_node=step)``) and run the rest;
* :func:`find_origin`: for a failing run, hand the reference planner's work forward one step more at a
  time (its outputs for the first step, then the first two, ...) and rerun the rest with the model.
  The first step at which the plan recovers is where the error starts: everything before it was not
  enough, and fixing that step was. Upstream steps are not re-run (they come from the checkpoints);
* :func:`reference_outputs`: the reference (non-LLM) planner's work for a birthday request, step by
  step, in the state keys of notebook 15's graph (``request``, ``candidates``, ``plan``).

Example::

    debug, heldout = split_scenarios(scenarios)
    run = run_traced(graph, {"text": sc.request, "today": sc.today})
    origin = find_origin(graph, run, reference_outputs(sc.request, sc.today), passes, STEPS)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from tutorial_helpers.catalog import Catalog
    from tutorial_helpers.evaluation.scenarios import Scenario

#: the steps of notebook 15's planner, in order (the keys of :func:`reference_outputs`)
BIRTHDAY_STEPS: tuple[str, ...] = ("understand", "retrieve", "select")


# -- the split ----------------------------------------------------------------------------------------
def _rank(scenario_id: str, seed: int) -> str:
    return hashlib.sha256(f"diagnosis-split:{seed}:{scenario_id}".encode()).hexdigest()


def split_scenarios(scenarios: Sequence[Scenario], heldout_share: float = 0.5,
                    seed: int = 0) -> tuple[list[Scenario], list[Scenario]]:
    """Split scenarios into a DEBUG set and a HELD-OUT set, deterministically.

    Each scenario goes by a hash of its id and ``seed``, so the split does not depend on the order of
    the list, and a scenario stays on its side when others are added.

    Args:
        scenarios: the scenarios (ids must be unique).
        heldout_share: the share held out (at least one scenario on each side when there are two or more).
        seed: another seed gives another split.

    Returns:
        ``(debug, heldout)``, disjoint, together all the scenarios, each in the input's order.

    Raises:
        ValueError: on duplicate ids or a share outside (0, 1).
    """
    ids = [s.id for s in scenarios]
    if len(set(ids)) != len(ids):
        raise ValueError("Scenario ids must be unique to split them.")
    if not 0.0 < heldout_share < 1.0:
        raise ValueError(f"heldout_share must be between 0 and 1 (got {heldout_share}).")
    k = round(len(ids) * heldout_share)
    if len(ids) >= 2:
        k = min(max(k, 1), len(ids) - 1)
    held = set(sorted(ids, key=lambda i: _rank(i, seed))[:k])
    return [s for s in scenarios if s.id not in held], [s for s in scenarios if s.id in held]


# -- traces --------------------------------------------------------------------------------------------
@dataclass
class StepRecord:
    """One step of a run: what it read, what it wrote, what it cost.

    Attributes:
        step: the node's name.
        inputs: the state before the step (the keys it could read).
        output: the update the step returned (``{}`` when it raised).
        llm_calls: model calls made during the step.
        prompt_tokens: input tokens of those calls.
        completion_tokens: output tokens of those calls.
        error: ``"Type: message"`` when the step raised.
        fired: the offline stand-in's declared errors that fired during the step (its error profile,
            :mod:`tutorial_helpers.llm.offline.profile`); empty on a real model, which does not say.
    """

    step: str
    inputs: dict[str, Any]
    output: dict[str, Any]
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None
    fired: list[str] = field(default_factory=list)


@dataclass
class TracedRun:
    """A run of a graph: its final state, its steps, and the checkpointed thread it ran on.

    Attributes:
        state: the final state (as far as the run got).
        steps: one :class:`StepRecord` per step that ran, in order.
        error: ``"Type: message"`` when a step raised (the run stopped there).
        config: the run config naming its checkpointed thread (for :func:`rerun_with`).
        first_config: the checkpoint before the first step (where prefix substitutions fork).
    """

    state: dict[str, Any]
    steps: list[StepRecord] = field(default_factory=list)
    error: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    first_config: dict[str, Any] | None = None

    def table(self, describe: Callable[[str, Any], str] | None = None) -> pandas.DataFrame:
        """One row per step: what it read and wrote (short text), calls and tokens.

        Args:
            describe: turns ``(key, value)`` into short text (default: ``str`` cut to 80 characters).
        """
        import pandas as pd

        show = describe or (lambda _k, v: str(v)[:80])
        rows = []
        for s in self.steps:
            rows.append({"step": s.step,
                         "read": ", ".join(sorted(s.inputs)),
                         "wrote": "; ".join(f"{k}={show(k, v)}" for k, v in s.output.items()) or "-",
                         "llm_calls": s.llm_calls, "prompt_tokens": s.prompt_tokens,
                         "completion_tokens": s.completion_tokens, "stand-in errors fired": ", ".join(s.fired),
                         "error": s.error or ""})
        return pd.DataFrame(rows).set_index("step") if rows else pd.DataFrame()


def checkpointer(allowed: Sequence[tuple[str, str]] = (("tutorial_helpers.domain", "BirthdayRequest"),
                                                        ("tutorial_helpers.domain", "BirthdayPlan"))) -> Any:
    """An in-memory LangGraph checkpointer that may read back the given pydantic types of the state."""
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return InMemorySaver(serde=JsonPlusSerializer(allowed_msgpack_modules=list(allowed)))


def _fired_now() -> dict[str, int]:
    from tutorial_helpers.llm.offline.profile import fired_counts

    return fired_counts()


def _new_errors(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(k for k in after if after[k] > before.get(k, 0))


def _stream(graph: Any, payload: Any, config: dict[str, Any], state: dict[str, Any],
            meter: Any) -> tuple[list[StepRecord], str | None]:
    """Stream ``payload`` on ``config``: one record per finished step (and one for a step that raised)."""
    steps: list[StepRecord] = []
    seen, fired = 0, _fired_now()

    def close(node: str, out: dict[str, Any], error: str | None = None) -> None:
        nonlocal seen, fired
        recs = meter.records[seen:]
        seen += len(recs)
        now = _fired_now()
        steps.append(StepRecord(node, dict(state), out, sum(r.llm_calls for r in recs),
                                sum(r.prompt_tokens for r in recs), sum(r.completion_tokens for r in recs),
                                error, _new_errors(fired, now)))
        fired = now

    try:
        with meter.active():
            for update in graph.stream(payload, config, stream_mode="updates"):
                for node, out in update.items():
                    if node.startswith("__"):
                        continue
                    close(node, dict(out or {}))
                    state.update(out or {})
    except Exception as exc:  # a failing step is part of the trace, not a crash of the debugger
        pending = graph.get_state(config).next
        first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
        err = f"{type(exc).__name__}: {first_line}"
        close(pending[0] if pending else "?", {}, err)
        return steps, err
    return steps, None


def run_traced(graph: Any, inputs: Mapping[str, Any], *, thread_id: str | None = None) -> TracedRun:
    """Run ``graph`` on ``inputs`` and keep a trace per step (a step that raises ends the run, traced).

    Args:
        graph: a graph compiled with a checkpointer (see :func:`checkpointer`), nodes run one at a time.
        inputs: the initial state.
        thread_id: the checkpoint thread (default: a new one).

    Returns:
        A :class:`TracedRun`. Model calls are counted by a :class:`~tutorial_helpers.llm.UsageMeter`
        made active around the run (the project's model clients report to active meters).
    """
    from tutorial_helpers.llm import UsageMeter

    config = {"configurable": {"thread_id": thread_id or uuid.uuid4().hex}}
    state = dict(inputs)
    steps, err = _stream(graph, dict(inputs), config, state, UsageMeter("trace"))
    first = next((s.config for s in graph.get_state_history(config) if s.metadata.get("source") == "loop"
                  and s.metadata.get("step") == 0), None)
    return TracedRun(state=state, steps=steps, error=err, config=config, first_config=first)


def _before(graph: Any, run: TracedRun, step: str) -> Any:
    for snap in graph.get_state_history(run.config):  # newest first: the last time ``step`` was next
        if step in snap.next:
            return snap
    return None


def rerun_with(graph: Any, run: TracedRun, step: str, values: Mapping[str, Any], *,
               from_start: bool = False) -> TracedRun:
    """Time travel: write ``values`` as the output of ``step`` and run the steps after it again.

    Args:
        graph: the compiled graph ``run`` ran on.
        run: a run from :func:`run_traced`.
        step: the node whose output is replaced.
        values: the update written as if ``step`` had returned it (``update_state(..., as_node=step)``).
        from_start: fork from the checkpoint before the *first* step instead of the one before ``step``
            (to replace the outputs of several steps at once: pass them all in ``values``).

    Returns:
        A new :class:`TracedRun` on a fork of the thread: the steps before ``step`` kept from ``run``,
        ``step`` with the given output, then the steps that ran again.

    Raises:
        ValueError: when ``run`` never reached ``step`` (and ``from_start`` is false).
    """
    from tutorial_helpers.llm import UsageMeter

    snap = None if from_start else _before(graph, run, step)
    base = run.first_config if from_start else (snap.config if snap is not None else None)
    if base is None:
        raise ValueError(f"The run never reached {step!r}: pass from_start=True to replace the steps before it too.")
    before = dict(graph.get_state(base).values)
    names = [s.step for s in run.steps]
    kept = [] if from_start or step not in names else run.steps[: names.index(step)]
    fork = graph.update_state(base, dict(values), as_node=step)
    state = {**before, **dict(values)}
    replaced = StepRecord(step, before, dict(values), error=None)
    steps, err = _stream(graph, None, fork, state, UsageMeter("rerun"))
    return TracedRun(state=state, steps=[*kept, replaced, *steps], error=err, config=fork,
                     first_config=run.first_config)


# -- where does a failure start? ------------------------------------------------------------------------
@dataclass
class Origin:
    """Where one failing run's error starts.

    Attributes:
        origin: the first step at which handing the reference's work forward made the plan pass
            (``None`` when even the reference's whole work did not).
        recovered: per step tried, in order: did the plan pass with the reference's outputs up to it?
        runs: the rerun per step tried.
    """

    origin: str | None
    recovered: dict[str, bool] = field(default_factory=dict)
    runs: dict[str, TracedRun] = field(default_factory=dict)


def find_origin(graph: Any, run: TracedRun, reference: Mapping[str, Mapping[str, Any]],
                passes: Callable[[dict[str, Any]], bool], steps: Sequence[str]) -> Origin:
    """Find the step where a failing run's error starts, by substituting the reference's work.

    For ``k = 1, 2, ...``: write the reference's outputs of the first ``k`` steps (``reference[step]``,
    an update per step) as the output of step ``k``, run the remaining steps with the model again, and
    check the result with ``passes``. The first ``k`` that passes names the origin: the steps before
    it, even done by the reference, were not enough; step ``k`` done right was. The steps before the
    fork are not re-run (checkpoints), the steps after it are.

    Args:
        graph: the compiled graph (with a checkpointer) that produced ``run``.
        run: the failing run (from :func:`run_traced`).
        reference: the reference planner's update for each step (e.g. :func:`reference_outputs`).
        passes: judges a final state (True: the plan passes every check).
        steps: the graph's steps in order.

    Returns:
        An :class:`Origin` (stops at the first recovery).
    """
    out = Origin(origin=None)
    written: dict[str, Any] = {}
    for step in steps:
        written.update(reference[step])
        rerun = rerun_with(graph, run, step, written, from_start=True)
        ok = rerun.error is None and bool(passes(rerun.state))
        out.recovered[step], out.runs[step] = ok, rerun
        if ok:
            out.origin = step
            break
    return out


# -- the birthday planner's reference, step by step ------------------------------------------------------
def reference_outputs(text: str, today: dt.date, catalog: Catalog | None = None,
                      per_category: int = 6) -> dict[str, dict[str, Any]]:
    """The reference (non-LLM) planner's work on ``text``, step by step, as updates of notebook 15's state.

    * ``understand``: ``{"request": ...}`` read by the shared rule-based extractor (the front door's reading);
    * ``retrieve``: ``{"candidates": {category: [ids]}}``: the best catalog items meeting every hard constraint;
    * ``select``: ``{"plan": ...}``: the reference planner's plan (an exhaustive search under the budget,
      checked by the guardrail).

    Raises:
        InputError: when the text is not a birthday request the extractor can read.
    """
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.candidates import candidate_pool
    from tutorial_helpers.planning.pipeline import plan_categories
    from tutorial_helpers.planning.reference import plan_request

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    request, unknown = parse_text(text, today)
    candidates = {c: [i.id for i in candidate_pool(request, catalog, c, k=per_category)]
                  for c in plan_categories(request)}
    plan = plan_request(request, catalog, unknown_city=unknown)
    return {"understand": {"request": request}, "retrieve": {"candidates": candidates}, "select": {"plan": plan}}


def scenario_passes(state: Mapping[str, Any], scenario: Scenario, catalog: Catalog) -> tuple[bool, list[str]]:
    """Score the plan in a final state against a scenario: ``(passed, failed checks)``.

    A state without a plan (the run stopped before one was made) fails with ``["no plan"]``.
    """
    from tutorial_helpers.evaluation.harness import score_plan

    plan = state.get("plan")
    if plan is None:
        return False, ["no plan"]
    checks, _ = score_plan(plan, scenario, catalog)
    return all(checks.values()), [name for name, ok in checks.items() if not ok]


# -- evaluating a graph on scenarios ---------------------------------------------------------------------
@dataclass
class GraphResult:
    """One scenario run by a graph: the verdict, the failed checks, and the traced run."""

    id: str
    passed: bool
    failed: list[str]
    run: TracedRun

    @property
    def stopped_at(self) -> str:
        """The step that raised, or ``""`` when the run finished."""
        return next((s.step for s in self.run.steps if s.error), "")

    @property
    def tokens(self) -> int:
        return sum(s.prompt_tokens + s.completion_tokens for s in self.run.steps)


def evaluate_graph(graph: Any, scenarios: Sequence[Scenario], make_inputs: Callable[[Scenario], dict[str, Any]],
                   catalog: Catalog | None = None) -> list[GraphResult]:
    """Run ``graph`` on each scenario (on the scenario's day) and score its plan with the harness's checks.

    Args:
        graph: a graph compiled with a checkpointer.
        scenarios: the scenarios.
        make_inputs: the initial state for a scenario (e.g. ``{"text": sc.request, "today": sc.today}``).
        catalog: the catalog (default: the shipped one).

    Returns:
        One :class:`GraphResult` per scenario; a run that raised fails with the error's type as its check.
    """
    from tutorial_helpers import clock

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    out = []
    for sc in scenarios:
        with clock.use_today(sc.today):
            run = run_traced(graph, make_inputs(sc))
        if run.error is not None:
            passed, failed = False, [run.error.split(":")[0]]
        else:
            passed, failed = scenario_passes(run.state, sc, catalog)
        out.append(GraphResult(sc.id, passed, failed, run))
    return out


def pass_rate(results: Sequence[GraphResult]) -> float:
    """The share of results that passed (0 for none)."""
    return round(sum(r.passed for r in results) / len(results), 4) if results else 0.0


def failure_table(results: Sequence[GraphResult]) -> pandas.DataFrame:
    """One row per failed scenario: the checks it failed, where it stopped, the stand-in errors that fired per step."""
    import pandas as pd

    rows = [{"id": r.id, "failed checks": ", ".join(r.failed), "stopped at": r.stopped_at or "-",
             "stand-in errors fired (step: kinds)": "; ".join(f"{s.step}: {', '.join(s.fired)}" for s in r.run.steps
                                                             if s.fired) or "-"}
            for r in results if not r.passed]
    return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame(columns=["failed checks"])
