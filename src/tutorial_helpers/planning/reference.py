"""The reference planner: no LLM, just retrieval, hard filters, ranking and a small optimisation.

It is the baseline every agentic planner is compared with, and the tool kit agents reuse:

1. :func:`~.candidates.required_categories` decides what the party needs (the shared pieces live in
   :mod:`tutorial_helpers.planning.candidates`);
2. :func:`check_feasibility` says early when nothing can work (unsupported city, venue too small,
   budget below the cheapest valid plan);
3. :func:`candidate_pool` filters the catalog by every hard constraint and ranks by preference match
   and rating;
4. :func:`assemble_plan` picks one item per required category maximising preference fit under the
   budget (an exhaustive search over the top candidates, not first-fit), then adds optional extras
   that still fit;
5. :func:`make_schedule` and :func:`explain_plan` write the day and the reasons.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from tutorial_helpers.domain import (
    CITIES,
    LOCAL_CATEGORIES,
    BirthdayPlan,
    BirthdayRequest,
    CatalogItem,
    PlanItem,
)
from tutorial_helpers.planning.candidates import (  # re-exported: older imports name them from here
    DEFAULT_GUESTS,
    _catalog,
    candidate_pool,
    effective_guests,
    explain_plan,
    make_schedule,
    optional_categories,
    preference_score,
    required_categories,
    supported_city,
    why_item,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

#: share of the budget a category may take when optional extras are added
EXTRA_SHARE = {"decoration": 0.12, "activity": 0.30, "food": 0.25, "experience": 0.35}
TOP_N = 7


def cheapest_valid_cost(request: BirthdayRequest, catalog: Catalog | None,
                        categories: list[str]) -> dict[str, float | None]:
    """The cheapest subtotal per category among items meeting the hard constraints (None: no item)."""
    guests = effective_guests(request)
    out: dict[str, float | None] = {}
    for cat_name in categories:
        pool = candidate_pool(request, catalog, cat_name, k=10_000)
        out[cat_name] = min((PlanItem.from_item(i, guests).subtotal for i in pool), default=None)
    return out


def check_feasibility(request: BirthdayRequest, catalog: Catalog | None = None,
                      unknown_city: str | None = None) -> list[str]:
    """Reasons why no plan can satisfy ``request`` (empty when a plan may exist)."""
    cat = _catalog(catalog)
    reasons: list[str] = []
    required = required_categories(request)
    needs_local = any(c in LOCAL_CATEGORIES for c in required)
    if unknown_city or (request.city is not None and not supported_city(request.city)):
        where = unknown_city or request.city
        reasons.append(
            f"We do not serve {where} yet: venues, cakes and activities are available in {', '.join(CITIES)}.")
        return reasons
    if needs_local and request.city is None and request.categories:
        reasons.append(
            f"A {' and a '.join(c for c in required if c in LOCAL_CATEGORIES)} needs a city: tell us where "
            f"({', '.join(CITIES)}).")
        return reasons
    if "venue" in required and request.guests:
        biggest = max((i.capacity or 0 for i in cat.filter(category="venue", city=request.city) if i.city), default=0)
        if request.guests > biggest:
            reasons.append(f"No venue in {request.city} seats {request.guests} guests (the largest seats {biggest}).")
    cheapest = cheapest_valid_cost(request, cat, required)
    for cat_name, cost in cheapest.items():
        if cost is None and not any(cat_name in r for r in reasons):
            reasons.append(f"No {cat_name} meets all the constraints (city, date, diet, allergens, age, capacity).")
    if request.budget is not None and all(v is not None for v in cheapest.values()):
        floor = round(sum(v for v in cheapest.values() if v is not None), 2)
        if floor > request.budget:
            parts = ", ".join(f"{k} ${v:,.2f}" for k, v in cheapest.items() if v is not None)
            reasons.append(
                f"The budget of ${request.budget:,.2f} is too small: the cheapest plan meeting the constraints "
                f"costs ${floor:,.2f} ({parts})."
            )
    return reasons


def assemble_plan(
    request: BirthdayRequest,
    candidates: dict[str, list[CatalogItem]],
    catalog: Catalog | None = None,
    required: list[str] | None = None,
    optional: list[str] | None = None,
) -> BirthdayPlan:
    """Choose one item per category from ``candidates`` to maximise fit under the budget.

    An exhaustive search over the top candidates of each required category (at most
    ``TOP_N ** len(required)`` combinations) keeps the combination with the best total
    preference score that fits the budget; optional categories are then added greedily while they
    fit their share of the budget. Returns a plan with ``feasible: false`` and a reason when no
    combination fits.
    """
    cat = _catalog(catalog)
    guests = effective_guests(request)
    required = required if required is not None else required_categories(request)
    optional = optional if optional is not None else optional_categories(request)
    budget = request.budget if request.budget is not None else math.inf

    def line(item: CatalogItem) -> PlanItem:
        return PlanItem.from_item(item, guests, why=why_item(item, request))

    pools: list[list[CatalogItem]] = []
    for c in required:
        pool = [i for i in candidates.get(c, []) if cat.get(i.id) is not None and i.category == c][:TOP_N]
        # keep the cheapest valid option in play so tight budgets still find a plan
        cheapest = min(candidates.get(c, []), key=lambda i: PlanItem.from_item(i, guests).subtotal, default=None)
        if cheapest is not None and cheapest not in pool:
            pool.append(cheapest)
        pools.append(pool)
    plan = BirthdayPlan(feasible=True, request=request)
    missing = [c for c, p in zip(required, pools, strict=True) if not p]
    if missing:
        plan.feasible = False
        plan.reasons = [f"No {c} meets all the constraints." for c in missing]
        return plan

    best: tuple[float, float, tuple[CatalogItem, ...]] | None = None
    for combo in itertools.product(*pools):
        cost = sum(PlanItem.from_item(i, guests).subtotal for i in combo)
        if cost > budget + 1e-9:
            continue
        score = sum(preference_score(i, request) for i in combo)
        key = (score, -cost)
        if best is None or key > (best[0], best[1]):
            best = (score, -cost, combo)
    if best is None:
        floor = sum(min(PlanItem.from_item(i, guests).subtotal for i in p) for p in pools)
        plan.feasible = False
        plan.reasons = [f"The budget of ${budget:,.2f} is too small: the cheapest combination costs ${floor:,.2f}."]
        return plan

    plan.items = [line(i) for i in best[2]]
    for c in optional:
        spent = sum(p.subtotal for p in plan.items)
        room = min(budget - spent, budget * EXTRA_SHARE.get(c, 0.1)) if budget != math.inf else math.inf
        for item in candidates.get(c, []):
            if cat.get(item.id) is None or item.id in plan.item_ids():
                continue
            if PlanItem.from_item(item, guests).subtotal <= room:
                plan.items.append(line(item))
                break
    plan.recompute_total()
    if request.guests is None and any(c in required for c in ("cake", "venue")):
        plan.warnings.append(f"No guest count given: planned for {DEFAULT_GUESTS} guests.")
    if request.date is None and any(c in LOCAL_CATEGORIES for c in required):
        plan.warnings.append("No date given: check opening days and cake lead times before booking.")
    if request.budget is None:
        plan.warnings.append("No budget given: chose the best-rated options without a cap.")
    plan.schedule = make_schedule(request, plan.items, cat)
    plan.explanation = explain_plan(request, plan)
    return plan


def plan_request(
    request: BirthdayRequest,
    catalog: Catalog | None = None,
    exclude_ids: set[str] | None = None,
    unknown_city: str | None = None,
) -> BirthdayPlan:
    """Plan a birthday for ``request`` without any LLM (the baseline of the tutorial).

    Args:
        request: the structured request (see :func:`tutorial_helpers.extraction.parse_request`).
        catalog: the catalog (default: the shipped one).
        exclude_ids: items not to use (e.g. last year's gift, from memory).
        unknown_city: a city the user named that the catalog does not serve.

    Returns:
        A :class:`~tutorial_helpers.domain.BirthdayPlan`, checked by the guardrail; ``feasible:
        false`` with ``reasons`` when no plan can satisfy the request.
    """
    from tutorial_helpers.planning.guardrail import guard

    cat = _catalog(catalog)
    reasons = check_feasibility(request, cat, unknown_city=unknown_city)
    if reasons:
        return BirthdayPlan(feasible=False, request=request, reasons=reasons, explanation=" ".join(reasons))
    cats = required_categories(request) + optional_categories(request)
    candidates = {c: candidate_pool(request, cat, c, k=40, exclude_ids=exclude_ids) for c in cats}
    plan = assemble_plan(request, candidates, cat)
    if not plan.feasible:
        plan.explanation = " ".join(plan.reasons)
        return plan
    return guard(plan, request, cat)
