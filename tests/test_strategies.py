"""The six strategies of notebook 01: one interface, honest parsing, unrepaired plans, real usage."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")

from tutorial_helpers.catalog import load_catalog  # noqa: E402
from tutorial_helpers.evaluation import load_scenarios, score_plan  # noqa: E402
from tutorial_helpers.patterns.strategies import (  # noqa: E402
    DEFAULT_TIERS,
    STRATEGIES,
    compare_strategies,
    parse_plan_text,
    rescore,
    run_strategy,
    summary_table,
)
from tutorial_helpers.planners import parse_text  # noqa: E402
from tutorial_helpers.planning.guardrail import validate_plan  # noqa: E402


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def scenarios():
    return {sc.id: sc for sc in load_scenarios()}


def request_of(sc):
    return parse_text(sc.request, sc.today)[0]


def test_six_strategies_with_a_tier_each():
    assert len(STRATEGIES) == 6 and set(DEFAULT_TIERS) == set(STRATEGIES)
    with pytest.raises(ValueError, match="Unknown strategy"):
        run_strategy("telepathy", "x", None)  # type: ignore[arg-type]


def test_parse_keeps_invented_items_as_ungrounded_lines(catalog, scenarios):
    req = request_of(scenarios["ex01"])
    real = catalog.filter(category="venue", city="Austin")[0]
    text = (f"- venue: {real.id} {real.name} (${real.price:.2f})\n"
            "- cake: a custom dinosaur cake from Rosie's Bakery, $85\n"
            "Total: $10.00")
    plan, notes = parse_plan_text(text, req, catalog)
    assert [p.category for p in plan.items] == ["venue", "cake"]
    assert plan.items[0].id == real.id and plan.items[1].id.startswith("invented-")
    assert len(notes) == 1 and "not in the catalog" in notes[0]
    checks = {v.check for v in validate_plan(plan, req, catalog)}
    assert "grounded" in checks  # the invented cake is caught
    assert "budget" in checks  # the stated total does not add up


def test_parse_finds_an_item_by_exact_name_and_stated_quantity(catalog, scenarios):
    req = request_of(scenarios["ex01"])
    cake = next(c for c in catalog.filter(category="cake", city="Austin") if c.pricing == "per_guest")
    plan, notes = parse_plan_text(f"* Cake: {cake.name}, ${cake.price * 12:.2f}", req, catalog)
    assert not notes and plan.items[0].id == cake.id and plan.items[0].quantity == 12
    empty, _ = parse_plan_text("I would love to help!", req, catalog)
    assert empty.feasible is False and not empty.items


def test_one_shot_is_one_call_and_grounded_offline(scenarios, catalog):
    sc = scenarios["ex01"]
    res = run_strategy("one_shot", sc.request, request_of(sc), "offline", catalog=catalog)
    assert res.calls == 1 and res.usage.prompt_tokens > 0 and res.usage.cost_usd > 0
    assert res.plan is not None and res.plan.items and res.model.endswith("small")
    checks, _ = score_plan(res.plan, sc, catalog)
    assert checks["grounded"]


def test_small_tier_one_shot_breaks_a_budget_that_self_refine_fixes(scenarios, catalog):
    sc = scenarios["ex11"]  # a $600 budget the small tier overshoots in one shot
    req = request_of(sc)
    one = run_strategy("one_shot", sc.request, req, "offline", catalog=catalog)
    refined = run_strategy("self_refine", sc.request, req, "offline", catalog=catalog)
    assert not score_plan(one.plan, sc, catalog)[0]["budget"]
    assert refined.calls == 3  # draft, critique, rewrite
    assert score_plan(refined.plan, sc, catalog)[0]["budget"]


def test_pipelines_refuse_impossible_requests_before_any_model_call(scenarios, catalog):
    sc = scenarios["ex10"]  # a city we do not serve
    for name in ("prompt_chaining", "single_agent", "multi_agent"):
        res = run_strategy(name, sc.request, request_of(sc), "offline", catalog=catalog)
        assert res.calls == 0 and res.plan is not None and res.plan.feasible is False and res.plan.reasons
    one = run_strategy("one_shot", sc.request, request_of(sc), "offline", catalog=catalog)
    assert not score_plan(one.plan, sc, catalog)[0]["feasibility"]


def test_agents_produce_valid_unrepaired_plans(scenarios, catalog):
    sc = scenarios["ex01"]
    for name in ("single_agent", "multi_agent"):
        res = run_strategy(name, sc.request, request_of(sc), "offline", catalog=catalog)
        checks, failures = score_plan(res.plan, sc, catalog)
        assert all(checks.values()), (name, failures)
        assert res.calls > 1 and res.usage.tool_calls >= 1
        assert res.model.endswith("large")


def test_compare_and_rescore(scenarios, catalog):
    from tutorial_helpers.llm.offline.profile import error_profile

    scs = [scenarios["ex03"]]
    # the failure comes from the stand-in's declared error profile: here the small tier always misreads the budget
    with error_profile("offline-small", misread={"budget": 1.0}):
        rows = compare_strategies(scs, ["one_shot"], "offline", catalog=catalog)
    assert len(rows) == 1 and not rows[0]["passed"]
    assert any(f["check"] == "budget" for f in rows[0]["failures"])
    table = summary_table(rows)
    assert table.loc["one_shot", "pass_rate"] == 0.0 and table.loc["one_shot", "llm_calls"] == 1.0
    repaired = {r["scenario"]: r for r in rescore(rows, scs, catalog=catalog)}
    assert repaired["ex03"]["checks"]["budget"]  # the guardrail repairs what it can
    assert repaired["ex03"]["plan"].feasible and not repaired["ex03"]["plan"].violations
