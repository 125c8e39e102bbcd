"""Evaluate a team configuration on scenarios: outer metrics, inner rewards, through the experience store.

:func:`evaluate_config` plans every scenario with an :class:`~.team.EvolvableTeam`, scores the plan the
user would see (guarded) and the team's own plan (raw) with the evaluation harness's checks
(:func:`tutorial_helpers.evaluation.score_plan`), and computes each agent's inner reward
(:mod:`.rewards`). An outcome already in the store is read back instead of re-planned: the stand-in is
deterministic, so the same configuration on the same scenario gives the same outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers.evolution import rewards
from tutorial_helpers.evolution.config import TeamConfig
from tutorial_helpers.evolution.store import ExperienceStore

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.domain import BirthdayPlan
    from tutorial_helpers.evaluation import Scenario

_REFERENCE: dict[tuple[str, str], Any] = {}


def reference_plan(scenario: Scenario, catalog: Any) -> BirthdayPlan | None:
    """The non-LLM optimiser's plan for the scenario's true request (cached per scenario)."""
    from tutorial_helpers.evaluation.harness import request_from_expect
    from tutorial_helpers.planning.reference import plan_request

    key = (scenario.id, scenario.request)
    if key not in _REFERENCE:
        _REFERENCE[key] = plan_request(request_from_expect(scenario), catalog) if scenario.expect_feasible else None
    return _REFERENCE[key]


def plan_and_score(config: TeamConfig, scenario: Scenario, *, provider: Any, catalog: Any, client: Any = None,
                   seed: int = 0) -> dict[str, Any]:
    """Plan one scenario with ``config`` and return its outcome row (checks, cost, calls, inner rewards)."""
    from tutorial_helpers.evaluation import score_plan
    from tutorial_helpers.evaluation.harness import request_from_expect
    from tutorial_helpers.evolution.team import EvolvableTeam
    from tutorial_helpers.llm.pricing import cost_usd
    from tutorial_helpers.planning.guardrail import validate_plan
    from tutorial_helpers.routing.experiment import simulated_latency

    team = EvolvableTeam(config, provider=provider, seed=seed, catalog=catalog, client=client)
    try:
        out = team.plan(scenario.request, scenario.today)
        error = out.error
    except Exception as exc:  # noqa: BLE001 - a crashed plan is a scored failure, not a crashed evolution
        out, error = None, f"{type(exc).__name__}: {exc}"
    calls = out.calls if out is not None else list(team.calls)
    row: dict[str, Any] = {
        "id": scenario.id,
        "cost_usd": round(sum(cost_usd(c.model, c.prompt_tokens, c.completion_tokens) for c in calls), 8),
        "llm_calls": len(calls),
        "tokens": sum(c.prompt_tokens + c.completion_tokens for c in calls),
        "latency_s": round(simulated_latency(calls, provider), 4),
        "tokens_by_agent": {a: u.prompt_tokens + u.completion_tokens for a, u in team.per_agent.items()},
        "critic_interventions": team.critic_interventions,
        "critic_runs": 1 if config.critic_rounds and out is not None and out.raw_plan is not None else 0,
    }
    if out is None or out.plan is None:
        ok = not scenario.expect_feasible
        row |= {"passed": ok, "raw_passed": ok, "guard_caught": False,
                "failures": [] if ok else [{"check": "error", "detail": error or "no plan"}],
                "extraction_accuracy": rewards.extraction_accuracy(out.request if out else None, scenario.expect),
                "retrieval_recall": None, "budget_use": None}
        return row
    checks, failures = score_plan(out.plan, scenario, catalog)
    raw_ok = all(checks.values())
    caught = False
    if out.raw_plan is not None:
        raw_checks, _ = score_plan(out.raw_plan, scenario, catalog)
        raw_ok = all(raw_checks.values()) and not out.fallback
        caught = bool(validate_plan(out.raw_plan, out.request, catalog))
    truth = request_from_expect(scenario)
    row |= {
        "passed": all(checks.values()), "raw_passed": raw_ok, "guard_caught": caught,
        "failures": [{"check": f["check"], "detail": f["detail"]} for f in failures],
        "extraction_accuracy": rewards.extraction_accuracy(out.request, scenario.expect),
        "retrieval_recall": rewards.retrieval_recall(team.pool, reference_plan(scenario, catalog)) if team.pool
        else None,
        "budget_use": rewards.budget_use(out.raw_plan, truth),
    }
    return row


@dataclass
class ConfigResult:
    """A configuration's outcome on a set of scenarios: one row per scenario, and how many were cached."""

    config: TeamConfig
    rows: list[dict[str, Any]] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0

    def metrics(self) -> dict[str, Any]:
        """Outer metrics, inner rewards (means over scenarios where defined) and the outer reward."""
        n = len(self.rows)

        def mean(key: str) -> float | None:
            vals = [r[key] for r in self.rows if r.get(key) is not None]
            return round(sum(vals) / len(vals), 4) if vals else None

        m: dict[str, Any] = {
            "n": n,
            "pass_rate": round(sum(r["passed"] for r in self.rows) / n, 4) if n else 0.0,
            "raw_pass_rate": round(sum(r["raw_passed"] for r in self.rows) / n, 4) if n else 0.0,
            "mean_cost_usd": round(sum(r["cost_usd"] for r in self.rows) / n, 6) if n else 0.0,
            "mean_llm_calls": mean("llm_calls"), "mean_tokens": mean("tokens"), "mean_latency_s": mean("latency_s"),
            "guard_catch_rate": round(sum(r["guard_caught"] for r in self.rows) / n, 4) if n else 0.0,
            "extraction_accuracy": mean("extraction_accuracy"), "retrieval_recall": mean("retrieval_recall"),
            "budget_use": mean("budget_use"), "cache_hits": self.cache_hits, "cache_misses": self.cache_misses,
        }
        m["outer_reward"] = rewards.outer_reward(m)
        return m

    def failure_log(self) -> str:
        """The log an evolution agent reads: the team, the figures, the failures, who spent the tokens."""
        m = self.metrics()
        team = {"critic_rounds": self.config.critic_rounds, "explainer": self.config.explainer,
                "order": self.config.agents(), "parallel_retrieval": self.config.parallel_retrieval}
        by_agent: dict[str, int] = {}
        for r in self.rows:
            for a, t in r["tokens_by_agent"].items():
                by_agent[a] = by_agent.get(a, 0) + t
        total = sum(by_agent.values()) or 1
        lines = [
            f"Current team: {json.dumps(team)}",
            f"Scenarios: {m['n']}; passed: {m['pass_rate']:.0%}; the agents' own plans passed: "
            f"{m['raw_pass_rate']:.0%}; "
            f"mean cost per plan ${m['mean_cost_usd']:.4f}; mean calls {m['mean_llm_calls']}.",
            "Share of tokens by agent: " + ", ".join(f"{a} {100 * t / total:.0f}%"
                                                     for a, t in sorted(by_agent.items())),
        ]
        if self.config.critic_rounds:
            runs = sum(r["critic_runs"] for r in self.rows)
            changed = sum(1 for r in self.rows if r["critic_interventions"])
            lines.append(f"The critic changed the plan in {changed} of {runs} runs.")
        fails = [(r["id"], f) for r in self.rows for f in r["failures"]]
        lines.append("Failures:" if fails else "Failures: none")
        lines += [f"- {sid} {f['check']}: {f['detail'][:160]}" for sid, f in fails[:20]]
        return "\n".join(lines)


def evaluate_config(config: TeamConfig, scenarios: list[Scenario], store: ExperienceStore | None = None, *,
                    provider: Any = None, catalog: Any = None, seed: int = 0) -> ConfigResult:
    """Evaluate ``config`` on ``scenarios``, reading outcomes already in ``store`` instead of re-planning.

    Args:
        config: the team configuration.
        scenarios: from :func:`tutorial_helpers.evaluation.load_scenarios` (or a split of them).
        store: the experience store (default: none, everything planned).
        provider: provider name or object; offline: a stand-in at latency 0
            (:func:`tutorial_helpers.routing.experiment.dedicated_provider`).
        catalog: the catalog (default: the shipped one).
        seed: passed to every model call.
    """
    from tutorial_helpers.llm import get_provider, openai_client

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    prov = get_provider(provider)
    client = None
    result = ConfigResult(config)
    key = config.key()
    for sc in scenarios:
        row = store.get(key, sc.id) if store is not None else None
        if row is not None:
            result.cache_hits += 1
        else:
            result.cache_misses += 1
            client = client or openai_client(prov)
            row = plan_and_score(config, sc, provider=prov, catalog=catalog, client=client, seed=seed)
            if store is not None:
                store.put(key, config.model_dump(), sc.id, row)
        result.rows.append(row)
    return result
