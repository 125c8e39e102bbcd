"""The CrewAI planner: the example scenarios, the trace and per-agent usage, the flow's wiring, a
failing model that never yields a plan claimed valid with violations, and no file under $HOME.

Runs against the offline model with no simulated latency (``TUTORIAL_OFFLINE_LATENCY_SCALE=0``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")

# telemetry off and CrewAI's files redirected *before* anything imports CrewAI (importorskip would import it)
from tutorial_helpers.llm import hygiene  # noqa: E402

hygiene.apply()
if importlib.util.find_spec("crewai") is None:
    pytest.skip("crewai is not installed", allow_module_level=True)

from pydantic import SecretStr  # noqa: E402

from tutorial_helpers.config import ENV_VARS  # noqa: E402
from tutorial_helpers.evaluation import evaluate, load_scenarios  # noqa: E402
from tutorial_helpers.frameworks.crewai_team import team as cp  # noqa: E402
from tutorial_helpers.planners import parse_text, plan_text  # noqa: E402
from tutorial_helpers.planning.guardrail import validate_plan  # noqa: E402

pytestmark = pytest.mark.frameworks

TODAY = dt.date(2026, 11, 22)
TEXT = ("Plan a birthday for Maya who turns 8 next Saturday in Austin: 12 kids, budget $400. She loves dinosaurs "
        "and painting; no peanuts or tree nuts please.")
ROLES = {"extractor", "gift specialist", "cake specialist", "venue specialist", "coordinator", "critic", "explainer"}


@pytest.fixture(scope="module")
def request_():
    request, _ = parse_text(TEXT, TODAY)
    return request


@pytest.fixture(scope="module")
def maya_run(request_):
    from tutorial_helpers.llm.offline.profile import fired_counts, reset_fired_counts

    reset_fired_counts()
    run = cp.run(TEXT, request_, provider="offline")
    # a simulated mistake of the stand-in's error profile (bad tool arguments, malformed output, a refusal, a
    # needless question) costs the agent that made it one more call, as a real model's would
    run.retries = sum(n for k, n in fired_counts().items()
                      if k in ("bad_tool_args", "malformed_output", "refuse", "over_ask"))
    return run


def test_examples_pass_grounded_with_few_calls() -> None:
    metrics = evaluate("crewai", load_scenarios(), provider="offline").metrics()
    assert metrics["n"] >= 12
    assert metrics["pass_rate"] >= 0.95, metrics["failures"]
    assert metrics["grounded_rate"] == 1.0
    assert 0 < metrics["mean_llm_calls"] <= 10
    assert metrics["mean_tokens"] > 0 and metrics["mean_cost_usd"] > 0


def test_trace_names_every_role_and_usage_is_per_agent(maya_run, request_) -> None:
    agents = {s.agent for s in maya_run.trace}
    assert ROLES <= agents, agents
    assert ROLES <= set(maya_run.per_agent)
    assert all(u.llm_calls >= 1 and u.prompt_tokens > 0 for u in maya_run.per_agent.values())
    for name in ("gift specialist", "cake specialist", "venue specialist"):  # they used the shared tool
        assert maya_run.per_agent[name].tool_calls >= 1
        assert any(s.agent == name and s.action == "tool search_catalog" for s in maya_run.trace)
    plan = maya_run.plan
    assert plan.framework == "crewai" and plan.provider == "offline"
    assert plan.usage.llm_calls == sum(u.llm_calls for u in maya_run.per_agent.values()) <= 10 + maya_run.retries
    assert {"gift", "cake", "venue"} <= {p.category for p in plan.items}
    assert validate_plan(plan, request_) == []
    assert plan.explanation and all(p.name in plan.explanation for p in plan.items if p.category in ("gift", "cake"))


def test_specialists_shortlist_before_the_coordinator_chooses(maya_run) -> None:
    order = [s.agent for s in maya_run.trace]
    chose = next(i for i, s in enumerate(maya_run.trace) if s.agent == "coordinator" and s.action == "chose")
    for name in ("gift specialist", "cake specialist", "venue specialist"):
        assert order.index(name) < chose
    shortlists = [s.detail for s in maya_run.trace if s.action == "finished task" and "specialist" in s.agent]
    assert len(shortlists) == 3 and all("checked against the catalog" in d for d in shortlists)
    assert order.index("critic") > chose and order.index("explainer") > order.index("critic")


def test_chosen_items_come_from_tool_results(request_) -> None:
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.llm import get_provider

    session = cp.Session(request=request_, catalog=load_catalog(), provider=get_provider("offline"), text=TEXT)
    flow = cp.BirthdayFlow(session=session)
    with flow.session.meter.active():
        plan = flow.kickoff(inputs={"text": TEXT})
    returned = set(flow.session.found_ids)
    assert plan.items and {p.id for p in plan.items} <= returned
    assert flow.state.request is not None and flow.state.categories[:3] == ["gift", "cake", "venue"]


def test_specialists_cover_exactly_the_plan_categories() -> None:
    assert cp.assign_categories(["gift"]) == {"gift specialist": ["gift"]}
    full = cp.assign_categories(["gift", "cake", "venue", "decoration", "activity"])
    assert full == {"gift specialist": ["gift", "decoration"], "cake specialist": ["cake"],
                    "venue specialist": ["venue", "activity"]}
    covered = [c for cats in cp.SPECIALISTS.values() for c in cats]
    from tutorial_helpers.domain import CATEGORIES

    assert sorted(covered) == sorted(CATEGORIES)


def test_gift_only_request_runs_only_the_gift_specialist() -> None:
    text = "Just a gift please: my nephew is 13 and obsessed with coding and robotics, budget 60 dollars."
    plan = plan_text(text, "crewai", today=TODAY, provider="offline")
    assert plan.feasible and [p.category for p in plan.items] == ["gift"] and plan.total_cost <= 60
    assert plan.usage.llm_calls <= 7


def test_agent_graph_is_consistent() -> None:
    nodes = set(cp.AGENT_GRAPH["nodes"])
    assert all(a in nodes and b in nodes for a, b, _label in cp.AGENT_GRAPH["edges"])
    assert ROLES <= nodes


def test_failing_model_never_yields_a_valid_looking_plan_with_violations() -> None:
    from tutorial_helpers.llm import Provider
    from tutorial_helpers.llm.offline import FaultConfig, start_server

    faults = FaultConfig(rate_500=0.3, rate_malformed_json=0.3, rate_bad_tool_args=0.5, seed=3)
    srv = start_server(faults=faults, latency_scale=0)
    try:
        provider = Provider(name="offline", base_url=srv.base_url, api_key=SecretStr("offline"),
                            model_small="offline-small", model_large="offline-large", is_offline=True)
        warned = 0
        for sc in load_scenarios(limit=4):
            plan = plan_text(sc.request, "crewai", today=sc.today, provider=provider)
            assert not (plan.feasible and plan.violations), plan.violations
            if plan.feasible:
                assert validate_plan(plan, plan.request) == []
            warned += any("failed" in w for w in plan.warnings)
        assert warned >= 1  # the faults happened and were degraded, not hidden
    finally:
        srv.stop()


def test_telemetry_off_and_nothing_written_under_home(tmp_path: Path) -> None:
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env.update({"HOME": str(home), "TUTORIAL_RUNTIME_DIR": str(runtime), "TUTORIAL_PROVIDER": "offline",
                "TUTORIAL_OFFLINE_LATENCY_SCALE": "0"})
    for name in ("CREWAI_DISABLE_TELEMETRY", "OTEL_SDK_DISABLED", "CREWAI_STORAGE_DIR"):
        env.pop(name, None)  # the library must set them itself
    script = (
        "import datetime as dt, json, os\n"
        "from tutorial_helpers.planners import plan_text\n"
        f"plan = plan_text({TEXT!r}, 'crewai', today=dt.date(2026, 11, 22))\n"
        "print('RESULT ' + json.dumps({'feasible': plan.feasible, 'calls': plan.usage.llm_calls,"
        " 'env': {k: os.environ.get(k) for k in ('CREWAI_DISABLE_TELEMETRY', 'OTEL_SDK_DISABLED',"
        " 'CREWAI_TRACING_ENABLED')}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=240)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["feasible"] and result["calls"] > 0
    assert result["env"] == {"CREWAI_DISABLE_TELEMETRY": "true", "OTEL_SDK_DISABLED": "true",
                             "CREWAI_TRACING_ENABLED": "false"}
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert [w for w in written if w not in (".cache", ".config") and not w.startswith((".cache/matplotlib",
                                                                                       ".config/matplotlib"))] == []
    assert (runtime / "crewai").is_dir()  # what CrewAI writes went to the runtime folder instead
