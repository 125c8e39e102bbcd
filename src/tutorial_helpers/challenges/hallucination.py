"""Hallucination as the model gets worse: invented items and invented attributes, raw and guarded.

The offline stand-in's declared error profile (:mod:`tutorial_helpers.llm.offline.profile`) is scaled
up (0x, 1x, 2x, ... its default rates), and a team plans the same scenarios at each scale. Three
numbers per scale, each from a mechanism:

* ``model_invented``: model answers that named an item id the catalog lacks (the stand-in records
  every simulated error it makes: :func:`~tutorial_helpers.llm.offline.profile.fired_counts`);
* ``caught_by_grounding``: times code rejected a proposed id that was not among the grounded options
  (the run's audit, :mod:`tutorial_helpers.planning.audit`);
* invented items and constraint violations in the team's own plan (``plan.raw``) and in the plan shown
  after the guardrail (validated again here against the catalog's fields).

"Invented attributes" are the plan's claims the catalog contradicts: a total that is not the sum of
the items (an arithmetic slip), a cake said to fit a diet it does not, a venue for more guests than it
holds. They show as the raw plan's constraint violations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog
    from tutorial_helpers.evaluation.scenarios import Scenario


def run_at_scale(scenarios: list[Scenario], scale: float, *, framework: str = "native", provider: str | None = None,
                 seed: int = 0, catalog: Catalog | None = None) -> dict[str, Any]:
    """Plan every scenario with the stand-in's error rates multiplied by ``scale``; count what was invented.

    Args:
        scenarios: the scenarios to plan.
        scale: the factor on every rate of the default profiles (0: a perfect stand-in).
        framework: the team.
        provider: the provider (the scaling applies to the offline stand-in only).
        seed: passed to the team.
        catalog: the catalog (default: the shipped one).

    Returns:
        One row: ``scale``, ``plans``, ``model_errors`` (every simulated error that fired: misread
        constraints, slipped totals, invented ids, broken tool arguments ...), ``model_invented``,
        ``fallbacks`` (times code replaced a model answer), ``caught_by_grounding``, ``raw_invented_items``,
        ``raw_violation_rate`` (share of raw plans with a violation other than grounding),
        ``guarded_invented_items``, ``guarded_violation_rate`` (plans *shown as feasible* with a violation).
    """
    import contextlib

    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.llm import get_provider
    from tutorial_helpers.llm.offline.profile import (
        DEFAULT_PROFILES,
        error_profile,
        fired_counts,
        reset_fired_counts,
    )
    from tutorial_helpers.planners import plan_text
    from tutorial_helpers.planning.guardrail import validate_plan

    cat = catalog if catalog is not None else load_catalog()
    prov = get_provider(provider)
    stack = contextlib.ExitStack()
    if prov.is_offline:
        for model in DEFAULT_PROFILES:
            stack.enter_context(error_profile(model, DEFAULT_PROFILES[model].scaled(scale)))
    row = {"scale": scale, "plans": 0, "model_errors": 0, "model_invented": 0, "fallbacks": 0,
           "caught_by_grounding": 0, "raw_invented_items": 0,
           "raw_violation_rate": 0.0, "guarded_invented_items": 0, "guarded_violation_rate": 0.0}
    raw_bad = guarded_bad = 0
    with stack:
        reset_fired_counts()
        for sc in scenarios:
            plan = plan_text(sc.request, framework, today=sc.today, provider=provider, seed=seed, catalog=cat)
            row["plans"] += 1
            raw = plan.raw
            if raw is not None:
                row["raw_invented_items"] += sum(cat.get(i) is None for i in raw.item_ids)
                row["caught_by_grounding"] += sum("not among the options" in f or "invented" in f
                                                  for f in raw.fallbacks)
                row["fallbacks"] += len(raw.fallbacks)
                raw_bad += any(not v.startswith("grounded") for v in raw.violations)
            row["guarded_invented_items"] += sum(cat.get(i) is None for i in plan.item_ids())
            guarded_bad += bool(plan.feasible and validate_plan(plan, plan.request, cat))
        fired = fired_counts()
        row["model_invented"] = fired.get("invent_item_id", 0)
        row["model_errors"] = sum(fired.values())
    n = max(1, row["plans"])
    row["raw_violation_rate"] = round(raw_bad / n, 3)
    row["guarded_violation_rate"] = round(guarded_bad / n, 3)
    return row


def hallucination_sweep(scenarios: list[Scenario], scales: list[float], **kwargs: Any) -> list[dict[str, Any]]:
    """:func:`run_at_scale` for each scale (one row each, for a DataFrame)."""
    return [run_at_scale(scenarios, s, **kwargs) for s in scales]
