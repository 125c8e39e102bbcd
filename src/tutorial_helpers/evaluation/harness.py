"""The evaluation harness: run a planner over scenarios and score every check of ARCHITECTURE.md [scenarios and checks].

One harness scores every framework the same way, so the comparison notebooks compare orchestration,
not scoring rules. It never crashes on a bad plan or a failing planner: both become failures with
a detail.

Two figures per framework, always side by side:

* **guarded** (``pass_rate``): the plan the user would see, after the deterministic fallbacks inside
  the team and the guardrail's repair;
* **raw** (``raw_pass_rate``): the plan as the team's agents produced it, before the guardrail, and
  counted as failed when code had to replace a model answer anywhere in the run
  (:mod:`tutorial_helpers.planning.audit`). ``fallback_rate`` and ``repair_rate`` say how often each
  safety net caught something. A request the feasibility pre-check refuses never reaches the agents;
  its raw verdict is the guarded one (``precheck_rate`` counts them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, InputError
from tutorial_helpers.evaluation.scenarios import Scenario
from tutorial_helpers.planning.guardrail import CHECKS, Constraints, run_checks

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

CHECK_NAMES: tuple[str, ...] = (*CHECKS, "feasibility")


@dataclass
class ScenarioResult:
    """The outcome of one scenario: the plan (if any), each check's verdict, and failures."""

    id: str
    passed: bool
    checks: dict[str, bool]
    failures: list[dict[str, str]]
    plan: dict[str, Any] | None = None
    error: str | None = None
    wall_s: float = 0.0
    #: the team's own plan (before the guardrail, no fallback) passed every check
    raw_passed: bool = False
    raw_checks: dict[str, bool] = field(default_factory=dict)
    fallback: bool = False
    repaired: bool = False
    prechecked: bool = False
    calls_without_today: int = 0


@dataclass
class EvaluationResult:
    """Metrics JSON of ARCHITECTURE.md [scenarios and checks] plus the per-scenario rows."""

    framework: str
    provider: str
    model: str
    results: list[ScenarioResult] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """The metrics object of the `evaluate --json` contract."""
        n = len(self.results)
        plans = [r.plan for r in self.results if r.plan is not None]

        def mean(values: Iterable[float]) -> float:
            vals = list(values)
            return round(sum(vals) / len(vals), 6) if vals else 0.0

        checks: dict[str, float] = {}
        for name in CHECK_NAMES:
            scored = [r.checks[name] for r in self.results if name in r.checks]
            checks[name] = round(sum(scored) / len(scored), 4) if scored else 1.0
        usage = [p.get("usage", {}) for p in plans]
        raw_checks: dict[str, float] = {}
        for name in CHECK_NAMES:
            scored = [r.raw_checks[name] for r in self.results if name in r.raw_checks]
            raw_checks[name] = round(sum(scored) / len(scored), 4) if scored else 1.0

        def share(flags: Iterable[bool]) -> float:
            return round(sum(flags) / n, 4) if n else 0.0

        return {
            "framework": self.framework,
            "provider": self.provider,
            "model": self.model,
            "n": n,
            "pass_rate": round(sum(r.passed for r in self.results) / n, 4) if n else 0.0,
            "grounded_rate": round(sum(r.checks.get("grounded", False) for r in self.results) / n, 4) if n else 0.0,
            "checks": checks,
            "raw_pass_rate": share(r.raw_passed for r in self.results),
            "raw_checks": raw_checks,
            "fallback_rate": share(r.fallback for r in self.results),
            "repair_rate": share(r.repaired for r in self.results),
            "precheck_rate": share(r.prechecked for r in self.results),
            "calls_without_today": sum(r.calls_without_today for r in self.results),
            "mean_llm_calls": mean(u.get("llm_calls", 0) for u in usage),
            "mean_tool_calls": mean(u.get("tool_calls", 0) for u in usage),
            "mean_tokens": mean(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0) for u in usage),
            "mean_cost_usd": mean(u.get("cost_usd", 0.0) for u in usage),
            "mean_wall_s": mean(r.wall_s for r in self.results),
            "failures": [f for r in self.results for f in r.failures],
        }


def score_plan(plan: BirthdayPlan, scenario: Scenario,
               catalog: Catalog) -> tuple[dict[str, bool], list[dict[str, str]]]:
    """Score ``plan`` against ``scenario.expect``: every check on its own, and the failures."""
    failures: list[dict[str, str]] = []
    checks: dict[str, bool] = {}
    constraints = Constraints.from_expect(scenario.expect, scenario.today)
    expect_feasible = scenario.expect_feasible

    # feasibility: an infeasible request must come back feasible: false with a reason, and a
    # feasible one must come back feasible: true
    if expect_feasible:
        ok = plan.feasible and not plan.violations
        detail = "" if ok else "expected a feasible plan; got feasible: false (" + "; ".join(plan.reasons[:2]) + ")"
    else:
        ok = (not plan.feasible) and bool(plan.reasons or plan.explanation)
        detail = "" if ok else "expected feasible: false with a reason"
    checks["feasibility"] = ok
    if not ok:
        failures.append({"id": scenario.id, "check": "feasibility", "detail": detail})

    results = run_checks(plan, constraints, catalog)
    for name, violations in results.items():
        if not expect_feasible and name != "grounded":
            continue  # nothing else to check on a plan that must not exist
        if expect_feasible and not plan.feasible and name != "grounded":
            checks[name] = False  # no plan: the constraint was not met by anything
            continue
        checks[name] = not violations
        for v in violations:
            failures.append({"id": scenario.id, "check": name, "detail": v.detail})
    return checks, failures


def evaluate(
    framework: str,
    scenarios: list[Scenario],
    *,
    provider: str | None = None,
    catalog: Catalog | None = None,
    seed: int = 0,
    progress: Callable[[int, int, ScenarioResult], None] | None = None,
) -> EvaluationResult:
    """Run ``framework`` on every scenario and score it.

    Args:
        framework: a name of :data:`tutorial_helpers.planners.FRAMEWORKS`.
        scenarios: from :func:`tutorial_helpers.evaluation.scenarios.load_scenarios`.
        provider: the LLM provider for agentic frameworks (default: from settings).
        catalog: the catalog (default: the shipped one).
        seed: passed to the planner.
        progress: optional callback ``(done, total, result)``.
    """
    from tutorial_helpers.planners import get_planner, plan_text

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    get_planner(framework)  # fail early, with one sentence, on an unknown or missing framework
    out = EvaluationResult(framework=framework, provider="none", model="none")
    for i, sc in enumerate(scenarios, start=1):
        t0 = time.perf_counter()
        try:
            plan = plan_text(sc.request, framework, today=sc.today, provider=provider, seed=seed, catalog=catalog)
        except InputError as exc:
            plan = None
            err = str(exc)
        except Exception as exc:  # a planner crash is a scored failure, not a crashed evaluation
            plan = None
            err = f"{type(exc).__name__}: {exc}"
        wall = round(time.perf_counter() - t0, 4)
        if plan is None:
            if not sc.expect_feasible:
                # refusing an impossible request as bad input still tells the user it cannot be done
                res = ScenarioResult(id=sc.id, passed=True, checks={"feasibility": True, "grounded": True}, failures=[],
                                     error=err, wall_s=wall,
                                     raw_passed=True, raw_checks={"feasibility": True, "grounded": True},
                                     prechecked=True)
            else:
                fails = [{"id": sc.id, "check": "error", "detail": err}]
                res = ScenarioResult(
                    id=sc.id, passed=False, checks=dict.fromkeys(CHECK_NAMES, False) | {"grounded": True},
                    failures=fails, error=err, wall_s=wall,
                )
        else:
            checks, failures = score_plan(plan, sc, catalog)
            res = ScenarioResult(
                id=sc.id, passed=all(checks.values()), checks=checks, failures=failures,
                plan=plan.to_json_dict(), wall_s=wall,
            )
            raw, team_plan = plan.raw, plan._raw_plan
            if raw is None or team_plan is None:  # the pre-check answered: no agent ran
                res.prechecked, res.raw_checks, res.raw_passed = True, dict(checks), res.passed
            else:
                res.raw_checks, _ = score_plan(team_plan, sc, catalog)
                res.fallback, res.repaired = bool(raw.fallbacks), raw.repaired
                res.raw_passed = all(res.raw_checks.values()) and not res.fallback
                res.calls_without_today = raw.calls_without_today
            if plan.provider != "none":
                out.provider, out.model = plan.provider, plan.model
        out.results.append(res)
        if progress is not None:
            progress(i, len(scenarios), res)
    if framework == "reference":
        out.provider, out.model = "none", "none"
    return out


def request_from_expect(scenario: Scenario) -> BirthdayRequest:
    """A structured request built from a scenario's ``expect`` (for tests of planners that skip parsing)."""
    e = scenario.expect
    return BirthdayRequest(
        recipient_age=e.get("recipient_age"), interests=e.get("interests_any", []),
        avoid_allergens=e.get("avoid_allergens", []), dietary=e.get("dietary", []), city=e.get("city"),
        date=dt.date.fromisoformat(e["date"]) if e.get("date") else None, guests=e.get("guests_min"),
        budget=e.get("budget_max"), categories=e.get("categories_required", []), today=scenario.today,
    )
