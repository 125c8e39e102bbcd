"""What the planners, the guardrail and the teams share about one request: the pieces below both.

Which categories a party needs, the guest count to price for, the candidates that meet every hard
constraint (and their ranking), one line on why an item fits, the day's schedule and a plain
explanation. The guardrail (:mod:`.guardrail`) and the reference planner (:mod:`.reference`) both use
them, so neither imports the other for them.
"""

from __future__ import annotations

import datetime as dt
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


def make_schedule(request: BirthdayRequest, items: list[PlanItem],
                  catalog: Catalog | None = None) -> list[ScheduleEntry]:
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
    out = [ScheduleEntry(time=at(-60), what=f"Set up at {place.name}"
                         + (f" with {by_cat['decoration'].name}" if "decoration" in by_cat else "") + ".")]
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


def plan_categories(request: BirthdayRequest) -> list[str]:
    """Required then optional categories for ``request``."""
    return required_categories(request) + optional_categories(request)
