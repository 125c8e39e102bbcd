"""Inner rewards (one per agent) and the outer reward (the whole system), after AgenticRS section 4.

Inner rewards measure one agent on its own job and can be computed without the rest of the team:

* **extraction accuracy** (extractor): the share of the scenario's known facts (city, date, budget,
  guests, age, allergens, diets) the extractor read correctly;
* **retrieval recall** (retriever): the share of the reference planner's items (the non-LLM
  optimiser's plan for the true request) that made it into the pool the selector was shown;
* **budget use** (selector): the team's own plan's total over the budget (1.0 spends it all).

The outer reward is what the system is for: the share of plans that pass every check (guarded: what a
user sees; raw: before the guardrail), net of cost. An agent may raise its inner reward while the outer
one falls: the notebook measures two such cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem

#: outer reward lost per dollar spent per plan: one cent per plan costs 0.2 (a fifth of the pass rate)
COST_WEIGHT = 20.0
#: how much the raw pass rate (the agents' own plans) counts next to the guarded one
RAW_WEIGHT = 0.5


def extraction_accuracy(request: BirthdayRequest | None, expect: dict[str, Any]) -> float | None:
    """The share of ``expect``'s facts the extractor's ``request`` holds (``None``: nothing to check)."""
    if request is None:
        return 0.0
    checks: list[bool] = []
    if "city" in expect:
        checks.append((request.city or "").lower() == str(expect["city"]).lower())
    if "date" in expect:
        checks.append(request.date == dt.date.fromisoformat(expect["date"]))
    if "budget_max" in expect:
        checks.append(request.budget is not None and abs(request.budget - float(expect["budget_max"])) < 0.01)
    if "guests_min" in expect:
        checks.append(request.guests == expect["guests_min"])
    if "recipient_age" in expect:
        checks.append(request.recipient_age == expect["recipient_age"])
    for field in ("avoid_allergens", "dietary"):
        if expect.get(field):
            checks.append(set(expect[field]) <= set(getattr(request, field)))
    return round(sum(checks) / len(checks), 4) if checks else None


def retrieval_recall(pool: dict[str, list[CatalogItem]], reference: BirthdayPlan | None) -> float | None:
    """The share of the reference plan's items (in the pool's categories) present in ``pool``."""
    if reference is None or not reference.feasible:
        return None
    wanted = [p for p in reference.items if p.category in pool]
    if not wanted:
        return None
    have = {i.id for items in pool.values() for i in items}
    return round(sum(p.id in have for p in wanted) / len(wanted), 4)


def budget_use(plan: BirthdayPlan | None, request: BirthdayRequest | None) -> float | None:
    """The team's own plan total over the budget (``None`` without a plan or a budget)."""
    if plan is None or request is None or not request.budget or not plan.items:
        return None
    return round(plan.total_cost / request.budget, 4)


def outer_reward(metrics: dict[str, Any], cost_weight: float = COST_WEIGHT, raw_weight: float = RAW_WEIGHT) -> float:
    """``pass_rate + raw_weight * raw_pass_rate - cost_weight * mean_cost_usd`` (higher is better)."""
    return round(metrics["pass_rate"] + raw_weight * metrics["raw_pass_rate"] - cost_weight * metrics["mean_cost_usd"],
                 6)
