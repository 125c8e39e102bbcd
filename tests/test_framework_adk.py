"""The Google ADK birthday planner: the example scenarios, the trace, callbacks as guardrails, faults, MCP."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

pytest.importorskip("google.adk")
os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")

from tutorial_helpers.evaluation import evaluate, load_scenarios  # noqa: E402
from tutorial_helpers.frameworks.adk_team import team as adk_planner  # noqa: E402
from tutorial_helpers.llm import get_provider  # noqa: E402
from tutorial_helpers.llm.offline import FaultConfig, OfflineServer, start_server  # noqa: E402
from tutorial_helpers.planners import parse_text  # noqa: E402
from tutorial_helpers.planning.guardrail import guard, validate_plan  # noqa: E402

pytestmark = pytest.mark.frameworks

ROLES = {"extractor", "retriever", "gift_specialist", "cake_specialist", "venue_specialist", "coordinator", "critic",
         "explainer"}


@pytest.fixture(scope="module")
def example() -> tuple[str, object]:
    sc = load_scenarios()[0]
    request, _ = parse_text(sc.request, sc.today)
    return sc.request, request


@pytest.fixture(scope="module")
def example_run(example: tuple[str, object]) -> adk_planner.FrameworkRun:
    text, request = example
    return adk_planner.run(text, request, provider="offline")


@pytest.fixture()
def faulty_server() -> Iterator[OfflineServer]:
    srv = start_server(latency_scale=0)
    yield srv
    srv.stop()


def test_examples_pass_grounded_with_few_calls() -> None:
    metrics = evaluate("adk", load_scenarios(), provider="offline").metrics()
    assert metrics["pass_rate"] >= 0.95, metrics["failures"]
    assert metrics["grounded_rate"] == 1.0
    assert 0 < metrics["mean_llm_calls"] <= 10
    assert metrics["mean_tool_calls"] > 0 and metrics["mean_tokens"] > 0


def test_trace_names_the_roles_and_usage_per_agent(example_run: adk_planner.FrameworkRun) -> None:
    agents = {s.agent for s in example_run.trace}
    assert ROLES <= agents
    # the retriever really called the shared tools, and the specialists ran as LLM agents
    assert any(s.agent == "retriever" and "search_catalog" in s.action + s.detail for s in example_run.trace)
    assert {"extractor", "retriever", "coordinator", "explainer"} <= set(example_run.per_agent)
    plan = example_run.plan
    assert plan.framework == "adk" and plan.usage.llm_calls > 0 and plan.usage.prompt_tokens > 0
    assert plan.usage.llm_calls == sum(u.llm_calls for u in example_run.per_agent.values())
    assert plan.explanation.strip()
    assert {"gift", "cake", "venue"} <= {i.category for i in plan.items}


def test_plan_is_valid_before_the_front_door(example: tuple[str, object],
                                              example_run: adk_planner.FrameworkRun) -> None:
    _, request = example
    assert validate_plan(example_run.plan, request) == []


def test_agent_graph_is_consistent() -> None:
    nodes = set(adk_planner.AGENT_GRAPH["nodes"])
    assert ROLES <= nodes
    for a, b, label in adk_planner.AGENT_GRAPH["edges"]:
        assert a in nodes and b in nodes and label


def test_after_tool_callback_drops_ungrounded_or_unacceptable_results(example: tuple[str, object]) -> None:
    _, request = example
    team = adk_planner.ADKTeam(provider="offline")
    team.reset(request)
    good = adk_planner.candidate_pool(request, team.catalog, "cake", k=3)[0].id
    wrong_city = next(i.id for i in team.catalog.items if i.category == "cake" and i.city != request.city)
    payload = [{"id": good}, {"id": "cake-aus-9999"}, {"id": wrong_city}]
    kept, dropped = team._filter_results(payload)
    assert [e["id"] for e in kept] == [good] and dropped == 2
    # the same inside JSON text, as MCP returns it
    text_kept, text_dropped = team._filter_results({"content": [{"type": "text", "text": adk_planner._json_text(payload)}]})
    assert adk_planner._ids_deep(text_kept) == [good] and text_dropped == 2


@pytest.mark.parametrize("faults", [FaultConfig(rate_500=1.0), FaultConfig(rate_malformed_json=1.0),
                                    FaultConfig(rate_bad_tool_args=1.0)], ids=["500", "malformed", "bad_tool_args"])
def test_failing_model_never_yields_a_valid_looking_bad_plan(faulty_server: OfflineServer, faults: FaultConfig,
                                                             example: tuple[str, object]) -> None:
    text, request = example
    faulty_server.set_faults(faults)
    provider = get_provider("offline").model_copy(update={"base_url": faulty_server.base_url})
    result = adk_planner.run(text, request, provider=provider)
    plan = guard(result.plan, request)
    assert not (plan.feasible and plan.violations)
    if plan.feasible:
        assert validate_plan(plan, request) == []
    if faults.rate_500:
        assert any("failed" in w for w in result.plan.warnings)


def test_mcp_mode_retrieves_through_the_mcp_server(example: tuple[str, object]) -> None:
    text, request = example
    result = adk_planner.run(text, request, provider="offline", use_mcp=True)
    answered = [s for s in result.trace if s.agent == "retriever" and s.action == "search_catalog answered"]
    assert answered and any("grounded result(s): " in s.detail and not s.detail.startswith("0 ") for s in answered)
    assert validate_plan(result.plan, request) == []
