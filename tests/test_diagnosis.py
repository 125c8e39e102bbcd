"""The debugging helpers of notebook 15: split, traces, time-travel reruns, the origin of a failure.

The graphs here are deterministic (no model): the properties of the method are tested, and notebook 15
runs it on the stand-in model's own failures.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

import pytest

from tutorial_helpers.evaluation import load_scenarios
from tutorial_helpers.evaluation.diagnosis import (
    BIRTHDAY_STEPS,
    checkpointer,
    evaluate_graph,
    failure_table,
    find_origin,
    pass_rate,
    reference_outputs,
    rerun_with,
    run_traced,
    scenario_passes,
    split_scenarios,
)
from tutorial_helpers.evaluation.scenarios import Scenario


def _scenarios(n: int) -> list[Scenario]:
    return [Scenario(id=f"s{i:02d}", today=dt.date(2026, 11, 22), request=f"request {i}") for i in range(n)]


# -- the split ------------------------------------------------------------------------------------------
def test_split_is_disjoint_complete_and_deterministic():
    scs = _scenarios(20)
    debug, held = split_scenarios(scs, heldout_share=0.4, seed=3)
    assert not {s.id for s in debug} & {s.id for s in held}
    assert {s.id for s in debug} | {s.id for s in held} == {s.id for s in scs}
    assert len(held) == 8
    again = split_scenarios(list(reversed(scs)), heldout_share=0.4, seed=3)
    assert {s.id for s in again[1]} == {s.id for s in held}  # the order of the input does not matter
    assert {s.id for s in split_scenarios(scs, 0.4, seed=4)[1]} != {s.id for s in held}  # the seed does


def test_split_keeps_both_sides_and_rejects_bad_input():
    debug, held = split_scenarios(_scenarios(2), heldout_share=0.1)
    assert len(debug) == 1 and len(held) == 1
    with pytest.raises(ValueError):
        split_scenarios(_scenarios(3) + _scenarios(1), 0.5)
    with pytest.raises(ValueError):
        split_scenarios(_scenarios(4), 1.0)


# -- a toy graph: A -> B -> C, where B errs for x == 3 and C raises for x == 4 ----------------------------
class Toy(TypedDict, total=False):
    x: int
    a: int
    b: int
    c: int


CALLS: list[str] = []


def _toy():
    from langgraph.graph import END, START, StateGraph

    def a(s):
        CALLS.append("A")
        return {"a": s["x"] + 1}

    def b(s):
        CALLS.append("B")
        return {"b": s["a"] * 10 + (5 if s["x"] == 3 else 0)}

    def c(s):
        CALLS.append("C")
        if s["x"] == 4:
            raise ValueError("boom")
        return {"c": s["b"] + 1}

    g = StateGraph(Toy)
    for name, fn in (("A", a), ("B", b), ("C", c)):
        g.add_node(name, fn)
    g.add_edge(START, "A")
    g.add_edge("A", "B")
    g.add_edge("B", "C")
    g.add_edge("C", END)
    return g.compile(checkpointer=checkpointer())


def _reference(x: int) -> dict[str, dict[str, int]]:
    return {"A": {"a": x + 1}, "B": {"b": (x + 1) * 10}, "C": {"c": (x + 1) * 10 + 1}}


@pytest.mark.frameworks
def test_trace_keeps_inputs_outputs_per_step():
    run = run_traced(_toy(), {"x": 2})
    assert run.error is None
    assert [s.step for s in run.steps] == ["A", "B", "C"]
    assert run.steps[1].inputs == {"x": 2, "a": 3} and run.steps[1].output == {"b": 30}
    assert run.state["c"] == 31
    assert list(run.table().index) == ["A", "B", "C"]


@pytest.mark.frameworks
def test_a_raising_step_is_traced_not_raised():
    run = run_traced(_toy(), {"x": 4})
    assert run.error and run.error.startswith("ValueError")
    assert run.steps[-1].step == "C" and run.steps[-1].error


@pytest.mark.frameworks
def test_rerun_with_does_not_rerun_earlier_steps():
    g = _toy()
    run = run_traced(g, {"x": 3})
    CALLS.clear()
    fixed = rerun_with(g, run, "B", {"b": 40})
    assert CALLS == ["C"]  # A comes from the checkpoint, B is replaced, only C runs again
    assert fixed.state["c"] == 41 and [s.step for s in fixed.steps] == ["A", "B", "C"]


@pytest.mark.frameworks
def test_origin_is_the_erring_step_and_substituting_it_recovers():
    g = _toy()
    run = run_traced(g, {"x": 3})
    assert run.state["c"] != 41  # B's slip shows only at the end

    def passes(state):
        return state.get("c") == 41

    origin = find_origin(g, run, _reference(3), passes, ["A", "B", "C"])
    assert origin.origin == "B" and origin.origin in [s.step for s in run.steps]
    assert origin.recovered == {"A": False, "B": True}
    assert passes(origin.runs["B"].state)


@pytest.mark.frameworks
def test_origin_of_a_crash_is_where_it_crashed():
    g = _toy()
    run = run_traced(g, {"x": 4})
    origin = find_origin(g, run, _reference(4), lambda s: s.get("c") == 51, ["A", "B", "C"])
    assert origin.origin == "C"


@pytest.mark.frameworks
def test_a_passing_run_needs_no_substitution_but_find_origin_still_names_the_first_step():
    g = _toy()
    run = run_traced(g, {"x": 2})
    assert find_origin(g, run, _reference(2), lambda s: s.get("c") == 31, ["A", "B", "C"]).origin == "A"


# -- the birthday planner's reference, step by step -------------------------------------------------------
class PlanState(TypedDict, total=False):
    text: str
    today: dt.date
    request: object
    candidates: dict
    plan: object


def _birthday_graph(drop_budget: bool):
    """A deterministic planner whose reading step forgets the budget (a misreading, injected for the test)."""
    from langgraph.graph import END, START, StateGraph

    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.reference import plan_request

    def understand(s):
        req, _ = parse_text(s["text"], s["today"])
        return {"request": req.model_copy(update={"budget": None}) if drop_budget else req}

    def retrieve(s):
        return {"candidates": {}}

    def select(s):
        return {"plan": plan_request(s["request"])}

    g = StateGraph(PlanState)
    for name, fn in (("understand", understand), ("retrieve", retrieve), ("select", select)):
        g.add_node(name, fn)
    g.add_edge(START, "understand")
    g.add_edge("understand", "retrieve")
    g.add_edge("retrieve", "select")
    g.add_edge("select", END)
    return g.compile(checkpointer=checkpointer())


@pytest.mark.frameworks
@pytest.mark.clock
def test_reference_outputs_pass_the_example_and_fix_a_misread_budget():
    from tutorial_helpers import clock
    from tutorial_helpers.catalog import load_catalog

    catalog = load_catalog()
    sc = load_scenarios(limit=1)[0]  # Maya, $400
    with clock.use_today(sc.today):
        ref = reference_outputs(sc.request, sc.today, catalog)
        assert list(ref) == list(BIRTHDAY_STEPS)
        state = {k: v for out in ref.values() for k, v in out.items()}
        assert scenario_passes(state, sc, catalog) == (True, [])

        graph = _birthday_graph(drop_budget=True)
        results = evaluate_graph(graph, [sc], lambda s: {"text": s.request, "today": s.today}, catalog)
        assert pass_rate(results) == 0.0 and "budget" in results[0].failed
        assert list(failure_table(results).index) == [sc.id]
        origin = find_origin(graph, results[0].run, ref, lambda st: scenario_passes(st, sc, catalog)[0], BIRTHDAY_STEPS)
    assert origin.origin == "understand"
    assert scenario_passes(origin.runs["understand"].state, sc, catalog)[0]

    with clock.use_today(sc.today):
        good = evaluate_graph(_birthday_graph(drop_budget=False), [sc], lambda s: {"text": s.request, "today": s.today}, catalog)
    assert pass_rate(good) == 1.0
