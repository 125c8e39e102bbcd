"""The cost / quality / latency frontier of routing strategies, router tuning, and the error-profile curve.

:func:`frontier` runs the same scenarios through the :class:`~.planner.RoutedPlanner` with each strategy
(large-only, small-only, rule-routed, cascade, optionally LLM-routed and a cached replay) and scores every
plan with the evaluation harness's checks, before the guardrail (``raw_pass_rate``) and after it
(``pass_rate``). One row per strategy: pass rates, grounded rate, large- and small-tier tokens, cost,
simulated latency per plan, escalations - plus the two deltas the lesson is about, the reduction of
large-tier tokens and the pass-rate drop against large-only. A strategy that replays requests already
planned through a warm cache is marked ``replay`` and left off :func:`plot_frontier`: its savings come
from having seen the same requests, not from routing.

:func:`tune_threshold` picks the rule router's threshold on tuning scenarios; report it on held-out ones
(:func:`~.scenarios.split`). :func:`error_curve` plans the same scenarios while the offline tiers' error
profiles are scaled (0x, 0.5x, 1x, 2x, 4x): what happens as the models get worse.

Latency: with the offline provider, run the frontier on a stand-in server at ``latency_scale=0``
(:func:`dedicated_provider`) so it takes seconds; the ``latency_s`` column is then *computed* from the
tiers' latency profile (:data:`tutorial_helpers.llm.offline.TIERS`) for the calls each plan made, as if the
calls had run one after another at scale 1. With a real provider it is the measured wall time per plan.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import BirthdayPlan
from tutorial_helpers.routing.cache import CachedClient, CallCache
from tutorial_helpers.routing.planner import CallRecord, RoutedPlan, RoutedPlanner
from tutorial_helpers.routing.router import AlwaysLarge, AlwaysSmall, CascadeRouter, LLMRouter, Router, RuleRouter

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from tutorial_helpers.evaluation import Scenario

BASELINE = "large-only"


@dataclass
class Strategy:
    """A way to run the team: a router, and optionally a cache.

    Attributes:
        name: the row label.
        router: decides each subtask's tier.
        cache: a :class:`~.cache.CallCache` every model call goes through (``None``: no cache).
        warm: run the scenarios once before measuring (fills the cache: "the same scenarios planned twice").
            Such a run is a *replay* (``metrics()["replay"]``), left off the frontier plot.
    """

    name: str
    router: Router
    cache: CallCache | None = None
    warm: bool = False


@dataclass
class ScenarioRow:
    """One scenario under one strategy."""

    id: str
    passed: bool
    grounded: bool
    failures: list[dict[str, str]]
    calls: list[CallRecord]
    tiers: dict[str, str]
    wall_s: float
    plan: BirthdayPlan | None = None
    raw_passed: bool = False
    escalations: list[str] = field(default_factory=list)


@dataclass
class StrategyResult:
    """Every scenario of one strategy, and the row of the frontier table."""

    strategy: Strategy
    rows: list[ScenarioRow] = field(default_factory=list)
    wall_s: float = 0.0
    cache_hit_rate: float | None = None

    def metrics(self, provider: Any = None) -> dict[str, Any]:
        """The frontier row: pass rate, grounded rate, tokens per tier, cost, latency, calls."""
        from tutorial_helpers.llm.pricing import cost_usd

        n = len(self.rows) or 1
        calls = [c for r in self.rows for c in r.calls]
        small_model = getattr(provider, "model_small", None)
        large_model = getattr(provider, "model_large", None)

        def tokens(model: str | None) -> int:
            return sum(c.prompt_tokens + c.completion_tokens for c in calls if c.model == model)

        return {
            "strategy": self.strategy.name,
            "n": len(self.rows),
            "pass_rate": round(sum(r.passed for r in self.rows) / n, 4),
            "raw_pass_rate": round(sum(r.raw_passed for r in self.rows) / n, 4),
            "grounded_rate": round(sum(r.grounded for r in self.rows) / n, 4),
            "large_tokens": tokens(large_model),
            "small_tokens": tokens(small_model) if small_model != large_model else 0,
            "cost_usd": round(sum(cost_usd(c.model, c.prompt_tokens, c.completion_tokens) for c in calls), 6),
            "latency_s": round(sum(simulated_latency(r.calls, provider) for r in self.rows) / n, 3),
            "wall_s": round(self.wall_s, 2),
            "llm_calls": sum(not c.cached for c in calls),
            "cache_hit_rate": self.cache_hit_rate,
            "escalation_rate": round(sum(bool(r.escalations) for r in self.rows) / n, 4),
            "replay": bool(self.strategy.warm),
        }


def simulated_latency(calls: list[CallRecord], provider: Any = None) -> float:
    """Seconds the calls would take one after another at latency scale 1.

    Offline tiers: the tier's latency profile for each call's completion tokens (a cache hit: 0).
    Other models: the measured wall time of the calls.
    """
    from tutorial_helpers.llm.offline import resolve_tier

    total = 0.0
    for c in calls:
        tier = resolve_tier(c.model) if getattr(provider, "is_offline", True) else None
        if c.cached:
            continue
        total += tier.latency_s(c.completion_tokens, 1.0) if tier is not None else c.wall_s
    return total


@contextlib.contextmanager
def dedicated_provider(provider: Any = None, latency_scale: float = 0.0) -> Iterator[Any]:
    """A provider for experiments: with ``offline``, a private stand-in server at ``latency_scale``.

    Yields the provider object; the private server (if any) stops when the ``with`` block ends. Other
    providers are yielded unchanged.
    """
    from tutorial_helpers.llm import get_provider

    prov = get_provider(provider)
    if not prov.is_offline:
        yield prov
        return
    from tutorial_helpers.llm.offline import start_server

    server = start_server(latency_scale=latency_scale)
    try:
        yield prov.model_copy(update={"base_url": server.base_url})
    finally:
        server.stop()


def default_strategies(provider: Any = None, seed: int = 0, threshold: float = 0.5, llm: bool = False,
                       replay: bool = False) -> list[Strategy]:
    """large-only, small-only, rule-routed (at ``threshold``), cascade; optionally LLM-routed and a cached replay.

    Args:
        provider: for the LLM router.
        seed: for the LLM router.
        threshold: the rule router's threshold (pick it with :func:`tune_threshold`).
        llm: add the LLM router (one small-tier call per subtask).
        replay: add "rule-routed, cached replay": the same scenarios planned twice through a cache, the
            second pass measured (marked ``replay``; not a routing result).
    """
    out = [
        Strategy(BASELINE, AlwaysLarge()),
        Strategy("small-only", AlwaysSmall()),
        Strategy("rule-routed", RuleRouter(threshold)),
        Strategy("cascade", CascadeRouter()),
    ]
    if llm:
        out.append(Strategy("llm-routed", LLMRouter(provider=provider, seed=seed)))
    if replay:
        out.append(Strategy("rule-routed, cached replay", RuleRouter(threshold), cache=CallCache(), warm=True))
    return out


def plan_scenario(scenario: Scenario, planner: RoutedPlanner, catalog: Any) -> ScenarioRow:
    """Plan one scenario with ``planner`` and score it with the evaluation checks."""
    from tutorial_helpers.evaluation import score_plan

    t0 = time.perf_counter()
    try:
        out: RoutedPlan | None = planner.plan(scenario.request, scenario.today)
        err = out.error
    except Exception as exc:  # noqa: BLE001 - a crashed plan is a scored failure, not a crashed experiment
        out, err = None, f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - t0
    calls = out.calls if out is not None else list(planner.calls)
    tiers = dict(out.tiers) if out is not None else {}
    if out is None or out.plan is None:
        ok = not scenario.expect_feasible  # refusing an impossible request still tells the user
        fails = [] if ok else [{"id": scenario.id, "check": "error", "detail": err or "no plan"}]
        return ScenarioRow(scenario.id, ok, True, fails, calls, tiers, wall, raw_passed=ok,
                           escalations=list(out.escalations) if out is not None else [])
    checks, failures = score_plan(out.plan, scenario, catalog)
    raw_ok = all(checks.values())
    if out.raw_plan is not None:  # the team's own plan, before the guardrail, with no code replacing a model answer
        raw_checks, _ = score_plan(out.raw_plan, scenario, catalog)
        raw_ok = all(raw_checks.values()) and not out.fallback
    return ScenarioRow(scenario.id, all(checks.values()), checks.get("grounded", False), failures, calls, tiers, wall,
                       plan=out.plan, raw_passed=raw_ok, escalations=list(out.escalations))


def run_strategy(scenarios: list[Scenario], strategy: Strategy, *, provider: Any = None, catalog: Any = None,
                 seed: int = 0) -> StrategyResult:
    """Plan every scenario with one strategy (twice when ``strategy.warm``: the second pass is measured).

    Args:
        scenarios: from :func:`tutorial_helpers.evaluation.load_scenarios`.
        strategy: router and cache.
        provider: provider name or object (default: from settings).
        catalog: the catalog (default: the shipped one).
        seed: passed to every call.
    """
    from tutorial_helpers.llm import get_provider, openai_client

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    prov = get_provider(provider)
    client: Any = openai_client(prov)
    if strategy.cache is not None:
        client = CachedClient(client, strategy.cache)
    if strategy.warm:
        for sc in scenarios:
            plan_scenario(sc, RoutedPlanner(strategy.router, provider=prov, seed=seed, catalog=catalog, client=client),
                          catalog)
        if strategy.cache is not None:
            strategy.cache.reset_counters()
    result = StrategyResult(strategy)
    t0 = time.perf_counter()
    for sc in scenarios:
        planner = RoutedPlanner(strategy.router, provider=prov, seed=seed, catalog=catalog, client=client)
        result.rows.append(plan_scenario(sc, planner, catalog))
    result.wall_s = time.perf_counter() - t0
    if strategy.cache is not None:
        result.cache_hit_rate = round(strategy.cache.hit_rate, 4)
    return result


def frontier(scenarios: list[Scenario], strategies: list[Strategy] | None = None, *, provider: Any = None,
             catalog: Any = None, seed: int = 0, results: list[StrategyResult] | None = None,
             done: list[StrategyResult] | None = None) -> pandas.DataFrame:
    """One row per strategy: quality, tokens per tier, cost, latency - and the deltas against large-only.

    Args:
        scenarios: from :func:`tutorial_helpers.evaluation.load_scenarios`.
        strategies: default :func:`default_strategies`.
        provider: provider name or object; for offline use :func:`dedicated_provider` with ``latency_scale=0``.
        catalog: the catalog (default: the shipped one).
        seed: passed to every call.
        results: a list that receives each :class:`StrategyResult` (per-scenario rows, calls, plans).
        done: results already computed on the same scenarios (e.g. the large-only baseline); a strategy with
            the same name is not run again.

    Returns:
        A DataFrame with columns ``strategy, n, pass_rate, raw_pass_rate, grounded_rate, large_tokens,
        small_tokens, cost_usd, latency_s, wall_s, llm_calls, cache_hit_rate, escalation_rate, replay,
        large_token_reduction, pass_rate_drop_points``; the two deltas are against the ``large-only`` row
        (``NaN`` without one).
    """
    import pandas as pd

    from tutorial_helpers.llm import get_provider

    prov = get_provider(provider)
    strategies = strategies if strategies is not None else default_strategies(prov, seed)
    rows = []
    ready = {r.strategy.name: r for r in done or []}
    for s in strategies:
        res = ready.get(s.name) or run_strategy(scenarios, s, provider=prov, catalog=catalog, seed=seed)
        if results is not None:
            results.append(res)
        rows.append(res.metrics(prov))
    df = pd.DataFrame(rows)
    base = df[df["strategy"] == BASELINE]
    if len(base):
        b = base.iloc[0]
        df["large_token_reduction"] = ((1 - df["large_tokens"] / b["large_tokens"]).round(4)
                                       if b["large_tokens"] else 0.0)
        df["pass_rate_drop_points"] = ((b["pass_rate"] - df["pass_rate"]) * 100).round(2)
    else:
        df["large_token_reduction"] = float("nan")
        df["pass_rate_drop_points"] = float("nan")
    return df


def tokens_by_agent(result: StrategyResult) -> pandas.DataFrame:
    """Tokens per agent and model tier for one strategy (where do the tokens go?)."""
    import pandas as pd

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in result.rows:
        for c in r.calls:
            row = rows.setdefault((c.agent, c.model), {"agent": c.agent, "model": c.model, "calls": 0, "tokens": 0})
            row["calls"] += 1
            row["tokens"] += c.prompt_tokens + c.completion_tokens
    df = pd.DataFrame(list(rows.values()))
    if len(df):
        df["share"] = (df["tokens"] / df["tokens"].sum()).round(3)
        df = df.sort_values("tokens", ascending=False).reset_index(drop=True)
    return df


def plot_frontier(df: pandas.DataFrame, ax: Any = None, path: str | None = None) -> Any:
    """Cost vs pass rate, one bubble per strategy, bubble area proportional to latency per plan.

    Rows marked ``replay`` (a cache replaying requests it has already seen) are left off.

    Args:
        df: the output of :func:`frontier`.
        ax: a matplotlib Axes (default: a new figure).
        path: save the figure there as well (PNG).

    Returns:
        The Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    if "replay" in df:
        df = df[~df["replay"].astype(bool)].reset_index(drop=True)  # a replay of seen requests is not a routing point
    lat = df["latency_s"].astype(float)
    sizes = 60 + 900 * (lat / lat.max() if lat.max() > 0 else lat)
    colors = plt.get_cmap("tab10").colors
    for i, (_, r) in enumerate(df.iterrows()):
        x, y = float(r["cost_usd"]), float(r["pass_rate"]) * 100
        ax.scatter([x], [y], s=float(sizes.iloc[i]), alpha=0.55, color=colors[i % 10], edgecolors="black",
                   label=f"{r['strategy']} ({r['latency_s']:.1f} s/plan)")
    ax.set_xlabel(f"cost for {int(df['n'].max())} plans (USD)")
    ax.set_ylabel("pass rate (%)")
    ax.set_title("Routing frontier: cost vs quality (bubble area = latency per plan)", fontsize=10)
    lo = max(0.0, float(df["pass_rate"].min()) * 100 - 15)
    ax.set_ylim(lo, 108)
    ax.grid(alpha=0.3)
    legend = ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8, frameon=False)
    for handle in legend.legend_handles:
        handle.set_sizes([50])
    if path:
        ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    return ax


def tune_threshold(scenarios: list[Scenario], thresholds: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7), *,
                   provider: Any = None, catalog: Any = None, seed: int = 0, max_drop_points: float = 5.0,
                   baseline: StrategyResult | None = None) -> tuple[float, pandas.DataFrame]:
    """Pick the rule router's threshold on tuning scenarios: the fewest large-tier tokens within a quality bound.

    Args:
        scenarios: the tuning scenarios (report the chosen threshold on *other* scenarios).
        thresholds: the candidates.
        provider: as for :func:`frontier`.
        catalog: the catalog.
        seed: passed to every call.
        max_drop_points: the largest pass-rate drop against large-only accepted.
        baseline: a large-only run on the same scenarios (computed when missing).

    Returns:
        ``(threshold, table)``: the chosen threshold (the lowest one when none meets the bound) and one
        row per candidate.
    """
    strategies = [Strategy(f"rule-routed (t={t:g})", RuleRouter(t)) for t in thresholds]
    done = [baseline] if baseline is not None else []
    df = frontier(scenarios, [Strategy(BASELINE, AlwaysLarge()), *strategies], provider=provider, catalog=catalog,
                  seed=seed, done=done)
    df = df[df["strategy"] != BASELINE].reset_index(drop=True)
    df.insert(1, "threshold", list(thresholds))
    ok = df[df["pass_rate_drop_points"] <= max_drop_points]
    best = float(ok.sort_values(["large_tokens", "threshold"]).iloc[0]["threshold"]) if len(ok) else min(thresholds)
    return best, df


def error_curve(scenarios: list[Scenario], strategy: Strategy | None = None,
                factors: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0, 4.0), *, provider: Any = None, catalog: Any = None,
                seed: int = 0, models: tuple[str, ...] | None = None) -> pandas.DataFrame:
    """Pass rate (raw and guarded) as the offline tiers' error profiles are scaled by each factor.

    Only meaningful with the offline provider (the stand-in's declared error profiles,
    :mod:`tutorial_helpers.llm.offline.profile`); the profiles come back to what they were afterwards.
    Draws are kept across factors, so every error at 1x also fires at 2x.

    Args:
        scenarios: the scenarios to plan at every factor.
        strategy: default large-only.
        factors: multipliers of the current profiles (0: a stand-in that never errs).
        provider: as for :func:`frontier` (offline).
        catalog: the catalog.
        seed: passed to every call.
        models: the offline models whose profiles are scaled (default: both tiers).

    Returns:
        One row per factor: ``factor, pass_rate, raw_pass_rate, grounded_rate, errors_fired, errors_per_plan``.
    """
    import pandas as pd

    from tutorial_helpers.llm.offline.profile import (
        DEFAULT_PROFILES,
        error_profile,
        fired_counts,
        get_error_profile,
        reset_fired_counts,
    )

    strategy = strategy or Strategy(BASELINE, AlwaysLarge())
    models = models or tuple(DEFAULT_PROFILES)
    base = {m: get_error_profile(m) for m in models}
    rows = []
    for f in factors:
        with contextlib.ExitStack() as stack:
            for m in models:
                stack.enter_context(error_profile(m, base[m].scaled(f)))
            reset_fired_counts()
            res = run_strategy(scenarios, Strategy(strategy.name, strategy.router), provider=provider, catalog=catalog,
                               seed=seed)
            fired = sum(fired_counts().values())
        m = res.metrics()
        rows.append({"factor": f, "strategy": strategy.name, "pass_rate": m["pass_rate"],
                     "raw_pass_rate": m["raw_pass_rate"], "grounded_rate": m["grounded_rate"],
                     "errors_fired": fired, "errors_per_plan": round(fired / max(1, len(scenarios)), 2)})
    return pd.DataFrame(rows)


def plot_error_curve(df: pandas.DataFrame, ax: Any = None) -> Any:
    """Pass rate, raw and guarded, against the error-profile scale factor (one line per strategy)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for name, g in df.groupby("strategy", sort=False):
        ax.plot(g["factor"], g["pass_rate"] * 100, marker="o", label=f"{name}: guarded")
        ax.plot(g["factor"], g["raw_pass_rate"] * 100, marker="s", linestyle="--", label=f"{name}: raw")
    ax.set_xlabel("error-profile scale factor (1 = the declared defaults)")
    ax.set_ylabel("pass rate (%)")
    ax.set_ylim(-5, 105)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("As the offline tiers get worse: pass rate before and after the guardrail", fontsize=10)
    return ax
