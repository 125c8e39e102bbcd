"""The reference planner: no LLM, just retrieval, hard filters, ranking and a small optimisation.

It is the baseline every agentic planner is compared with, and the tool kit agents reuse:

1. :func:`required_categories` decides what the party needs;
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

import datetime as dt
import itertools
import math
from typing import TYPE_CHECKING

from tutorial_helpers.domain import (
    AGED_CATEGORIES,
    CITIES,
    FOOD_CATEGORIES,
    LOCAL_CATEGORIES,
    BirthdayPlan,
    BirthdayRequest,
    CatalogItem,
    PlanItem,
    ScheduleEntry,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

DEFAULT_GUESTS = 10
#: share of the budget a category may take when optional extras are added
EXTRA_SHARE = {"decoration": 0.12, "activity": 0.30, "food": 0.25, "experience": 0.35}
TOP_N = 7


def _catalog(catalog: Catalog | None) -> Catalog:
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        return load_catalog()
    return catalog


def supported_city(city: str | None) -> bool:
    """True when the catalog serves ``city`` (case-insensitive)."""
    return city is not None and city.lower() in {c.lower() for c in CITIES}


def required_categories(request: BirthdayRequest) -> list[str]:
    """The categories a plan for ``request`` must contain.

    What the user asked for when they restricted it ("just a gift"); otherwise a gift, and, when
    we know the city, a cake and a venue.
    """
    if request.categories:
        return list(request.categories)
    if request.city is None:
        return ["gift"]
    return ["gift", "cake", "venue"]


def optional_categories(request: BirthdayRequest) -> list[str]:
    """Extras added when the budget allows (never when the user restricted the categories)."""
    if request.categories or request.city is None:
        return []
    return ["decoration", "activity"]


def effective_guests(request: BirthdayRequest) -> int:
    return request.guests or DEFAULT_GUESTS


def candidate_pool(
    request: BirthdayRequest,
    catalog: Catalog | None,
    category: str,
    k: int = 20,
    exclude_ids: set[str] | None = None,
) -> list[CatalogItem]:
    """Items of ``category`` meeting every hard constraint of ``request``, best first.

    Hard constraints: city (local categories), age range (gifts, activities, experiences),
    allergens (including those implied by diets), diet tags (cakes and food), capacity (venues),
    opening day and lead time (when the date is known). Ranking: interest match, then rating,
    reviews and a mild preference for value.
    """
    cat = _catalog(catalog)
    local = category in LOCAL_CATEGORIES
    if local and not supported_city(request.city):
        return []
    items = cat.filter(
        category=category,
        city=request.city if local else None,
        age=request.recipient_age if category in AGED_CATEGORIES else None,
        avoid_allergens=sorted(request.effective_allergens()) or None,
        dietary=sorted(request.dietary) if category in FOOD_CATEGORIES and request.dietary else None,
        min_capacity=effective_guests(request) if category == "venue" else None,
        open_on=request.date,
        today=request.today if request.date else None,
        ready_by=request.date if request.today else None,
    )
    if local:
        items = [i for i in items if i.city is not None]
    exclude = exclude_ids or set()
    items = [i for i in items if i.id not in exclude]
    return sorted(items, key=lambda i: (-preference_score(i, request), i.id))[:k]


def preference_score(item: CatalogItem, request: BirthdayRequest) -> float:
    """How well ``item`` fits the person: interest matches, dislikes, rating, reviews."""
    wanted = set(request.interests)
    score = 3.0 * len(wanted & set(item.interests))
    text = item.search_text().lower()
    score -= 4.0 * sum(1 for d in request.dislikes if d and d in text)
    score += item.rating - 4.0
    score += 0.15 * math.log10(1 + item.review_count)
    if item.category == "venue" and request.guests and item.capacity:
        score -= 0.5 * max(0.0, item.capacity / max(request.guests, 1) - 3.0)  # a hall for 120 for 8 people
    return round(score, 4)


def cheapest_valid_cost(request: BirthdayRequest, catalog: Catalog | None, categories: list[str]) -> dict[str, float | None]:
    """The cheapest subtotal per category among items meeting the hard constraints (None: no item)."""
    guests = effective_guests(request)
    out: dict[str, float | None] = {}
    for cat_name in categories:
        pool = candidate_pool(request, catalog, cat_name, k=10_000)
        out[cat_name] = min((PlanItem.from_item(i, guests).subtotal for i in pool), default=None)
    return out


def check_feasibility(request: BirthdayRequest, catalog: Catalog | None = None, unknown_city: str | None = None) -> list[str]:
    """Reasons why no plan can satisfy ``request`` (empty when a plan may exist)."""
    cat = _catalog(catalog)
    reasons: list[str] = []
    required = required_categories(request)
    needs_local = any(c in LOCAL_CATEGORIES for c in required)
    if unknown_city or (request.city is not None and not supported_city(request.city)):
        where = unknown_city or request.city
        reasons.append(f"We do not serve {where} yet: venues, cakes and activities are available in {', '.join(CITIES)}.")
        return reasons
    if needs_local and request.city is None and request.categories:
        reasons.append(f"A {' and a '.join(c for c in required if c in LOCAL_CATEGORIES)} needs a city: tell us where ({', '.join(CITIES)}).")
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


def why_item(item: CatalogItem, request: BirthdayRequest) -> str:
    """One plain sentence on why ``item`` fits ``request``."""
    bits: list[str] = []
    match = [i for i in item.interests if i in request.interests]
    if match:
        bits.append(f"matches the love of {' and '.join(match)}")
    if item.category == "venue" and item.capacity:
        bits.append(f"seats {item.capacity}")
    if item.category in FOOD_CATEGORIES:
        if request.dietary:
            bits.append(f"is {', '.join(request.dietary)}")
        if request.effective_allergens():
            bits.append(f"is free of {', '.join(sorted(request.effective_allergens()))}")
    if item.category in AGED_CATEGORIES and request.recipient_age is not None and item.age_min is not None:
        bits.append(f"suits age {request.recipient_age}")
    bits.append(f"rated {item.rating:.1f} by {item.review_count} people")
    return f"{item.name} " + ", ".join(bits) + "."


def make_schedule(request: BirthdayRequest, items: list[PlanItem], catalog: Catalog | None = None) -> list[ScheduleEntry]:
    """A simple timeline for the day, built from what the plan contains."""
    by_cat = {p.category: p for p in items}
    if "venue" not in by_cat and "activity" not in by_cat:
        day = request.date.isoformat() if request.date else "the birthday"
        if "gift" in by_cat:
            return [ScheduleEntry(time="09:00", what=f"Give {by_cat['gift'].name} on {day}.")]
        return []
    adult = request.recipient_age is not None and request.recipient_age >= 18
    start = dt.datetime(2000, 1, 1, 18 if adult else 14, 0)

    def at(minutes: int) -> str:
        return (start + dt.timedelta(minutes=minutes)).strftime("%H:%M")

    place = by_cat.get("venue") or by_cat.get("activity")
    out = [ScheduleEntry(time=at(-60), what=f"Set up at {place.name}" + (f" with {by_cat['decoration'].name}" if "decoration" in by_cat else "") + ".")]
    out.append(ScheduleEntry(time=at(0), what=f"Guests arrive ({request.guests or DEFAULT_GUESTS} expected)."))
    t = 30
    if "activity" in by_cat and by_cat["activity"] is not place:
        out.append(ScheduleEntry(time=at(t), what=f"{by_cat['activity'].name}."))
        t += 60
    if "food" in by_cat:
        out.append(ScheduleEntry(time=at(t), what=f"Food: {by_cat['food'].name}."))
        t += 30
    if "cake" in by_cat:
        out.append(ScheduleEntry(time=at(t), what=f"Candles and {by_cat['cake'].name}."))
        t += 30
    if "gift" in by_cat:
        out.append(ScheduleEntry(time=at(t), what=f"Open the gift: {by_cat['gift'].name}."))
        t += 30
    out.append(ScheduleEntry(time=at(t + 30), what="Thank-yous and clean-up."))
    return out


def explain_plan(request: BirthdayRequest, plan: BirthdayPlan) -> str:
    """A short plain-language explanation of the plan."""
    who = request.recipient_name or "the birthday person"
    age = f" ({request.recipient_age})" if request.recipient_age is not None else ""
    parts = [f"A plan for {who}{age}"]
    if request.city:
        parts.append(f" in {request.city}")
    if request.date:
        parts.append(f" on {request.date:%A %B} {request.date.day}")
    parts.append(f": {len(plan.items)} items for ${plan.total_cost:,.2f}")
    if request.budget:
        parts.append(f" of a ${request.budget:,.2f} budget")
    parts.append(".")
    rules = []
    if request.effective_allergens():
        rules.append(f"nothing contains {', '.join(sorted(request.effective_allergens()))}")
    if request.dietary:
        rules.append(f"all food is {', '.join(request.dietary)}")
    if request.guests:
        rules.append(f"the venue seats all {request.guests} guests")
    if rules:
        parts.append(" Checked: " + "; ".join(rules) + ".")
    parts.append(" " + " ".join(p.why for p in plan.items if p.why))
    return "".join(parts).strip()


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
