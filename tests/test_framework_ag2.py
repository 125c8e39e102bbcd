"""The AG2 planner (classic ``import autogen``): the example scenarios, the trace of the group chat and of
the coordinator's nested chat with the critic, the speaker-selection policy, and a failing model that
never yields a plan claimed valid with violations.

Runs against the offline model with no simulated latency (``TUTORIAL_OFFLINE_LATENCY_SCALE=0``).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")

pytest.importorskip("autogen")

from pydantic import SecretStr  # noqa: E402

from tutorial_helpers.evaluation import evaluate, load_scenarios  # noqa: E402
from tutorial_helpers.frameworks.ag2_team import team as ag2  # noqa: E402
from tutorial_helpers.planners import parse_text, plan_text  # noqa: E402
from tutorial_helpers.planning.guardrail import validate_plan  # noqa: E402

pytestmark = pytest.mark.frameworks

TODAY = dt.date(2026, 11, 22)
TEXT = ("Plan a birthday for Maya who turns 8 next Saturday in Austin: 12 kids, budget $400. She loves dinosaurs "
        "and painting; no peanuts or tree nuts please.")
ROLES = {"extractor", "retriever", "gift_specialist", "cake_specialist", "venue_specialist", "coordinator", "critic",
         "explainer"}


@pytest.fixture(scope="module")
def maya_run():
    request, _ = parse_text(TEXT, TODAY)
    return request, ag2.run(TEXT, request, provider="offline")


def test_examples_pass_grounded_with_few_calls() -> None:
    metrics = evaluate("ag2", load_scenarios(), provider="offline").metrics()
    assert metrics["n"] >= 12
    assert metrics["pass_rate"] >= 0.95, metrics["failures"]
    assert metrics["grounded_rate"] == 1.0
    assert 0 < metrics["mean_llm_calls"] <= 10
    assert metrics["mean_tokens"] > 0


def test_trace_names_every_role_in_order_and_usage_is_per_agent(maya_run) -> None:
    request, run = maya_run
    agents = [s.agent for s in run.trace]
    assert ROLES <= set(agents), agents
    assert "tool_executor" in agents
    # the finite-state order: extractor before retriever before specialists before coordinator before explainer
    first = {a: agents.index(a) for a in ROLES}
    assert first["extractor"] < first["retriever"] < first["gift_specialist"] < first["cake_specialist"]
    assert first["venue_specialist"] < first["coordinator"] < agents.index("explainer")
    # the retriever called the shared tools; the tool executor ran them
    assert any(s.agent == "retriever" and s.action == "tool search_catalog" for s in run.trace)
    # the critic's review happened inside the coordinator's nested chat
    assert any(s.agent == "critic" and "nested" in s.action for s in run.trace)
    # usage came from the HTTP traffic, attributed to each LLM agent
    assert ROLES <= set(run.per_agent)
    assert all(u.llm_calls >= 1 and u.prompt_tokens > 0 for u in run.per_agent.values())
    u = run.plan.usage
    assert 0 < u.llm_calls <= 10 and u.prompt_tokens > 0 and u.completion_tokens > 0 and u.tool_calls > 0
    # the plan before the guardrail is already grounded and valid for this easy request
    assert run.plan.items and not validate_plan(run.plan, request, None)
    assert run.plan.framework == "ag2" and run.plan.explanation


def test_agent_graph_matches_the_speaker_selection_policy() -> None:
    nodes = set(ag2.AGENT_GRAPH["nodes"])
    edges = {(a, b) for a, b, _label in ag2.AGENT_GRAPH["edges"]}
    for source, targets in ag2.TRANSITIONS.items():
        assert source in nodes
        for target in targets:
            assert (source, target) in edges or target.endswith("_specialist"), (source, target)
    assert ("coordinator", "critic") in edges and ("critic", "coordinator") in edges
    assert ROLES | {"user", "tool_executor"} == nodes


def test_specialists_not_needed_are_skipped() -> None:
    text = "Just a gift for my nephew Sam, he turns 10 and loves robotics and coding; under $60."
    request, _ = parse_text(text, TODAY)
    run = ag2.run(text, request, provider="offline")
    agents = {s.agent for s in run.trace}
    assert "gift_specialist" in agents
    assert not {"cake_specialist", "venue_specialist"} & agents
    assert [p.category for p in run.plan.items] == ["gift"]
    assert run.plan.total_cost <= 60


def test_failing_model_never_yields_a_valid_looking_plan_with_violations() -> None:
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.llm import Provider
    from tutorial_helpers.llm.offline import FaultConfig, start_server

    catalog = load_catalog()
    faults = FaultConfig(rate_malformed_json=0.35, rate_bad_tool_args=0.4, seed=3)
    srv = start_server(faults=faults, latency_scale=0)
    try:
        provider = Provider(name="offline", base_url=srv.base_url, api_key=SecretStr("offline"),
                            model_small="offline-small", model_large="offline-large", is_offline=True)
        warned = 0
        for sc in load_scenarios()[:4]:
            plan = plan_text(sc.request, "ag2", today=sc.today, provider=provider, catalog=catalog)
            warned += any("failed" in w for w in plan.warnings)
            if plan.feasible:
                assert not plan.violations
                assert not validate_plan(plan, plan.request, catalog)
            else:
                assert plan.reasons
        assert warned >= 1  # the faults did hit the team, and the plan says so
    finally:
        srv.stop()
