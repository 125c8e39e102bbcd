"""Catalog tools: search, look up one item, check an item's availability on a date.

These are plain functions: call them from Python, hand them to any agent framework, or serve them
over MCP. Their docstrings are what a model reads (see ``tools.openai_schema``).
"""

import datetime as dt
from typing import Any

from tutorial_helpers.domain import WEEKDAYS, CatalogItem
from tutorial_helpers.tools.failures import maybe_fail
from tutorial_helpers.tools.format import (
    ArgumentProblem,
    error,
    item_detail,
    item_summary,
    norm_allergens,
    norm_category,
    norm_city,
    norm_dietary,
    parse_date,
    unknown_id_message,
)
from tutorial_helpers.tools.state import get_catalog, get_today

MAX_K = 25
#: the longest query and item id the tools read (a longer one is an argument problem, not minutes of work)
MAX_QUERY_CHARS = 500
MAX_ID_CHARS = 100
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _lookup(item_id: str) -> CatalogItem | dict[str, str]:
    catalog = get_catalog()
    if len(str(item_id)) > MAX_ID_CHARS:
        return error(f"That is not a catalog id ({len(str(item_id)):,} characters): use an id from a "
                     "search_catalog result, e.g. \"cake-aus-0042\".")
    item = catalog.get(str(item_id).strip())
    if item is None:
        return error(unknown_id_message(item_id, (i.id for i in catalog.items)))
    return item


def search_catalog(
    query: str,
    category: str | None = None,
    city: str | None = None,
    max_price: float | None = None,
    age: int | None = None,
    avoid_allergens: list[str] | None = None,
    dietary: list[str] | None = None,
    min_capacity: int | None = None,
    date: str | None = None,
    k: int = 8,
) -> list[dict[str, Any]] | dict[str, str]:
    """Search the party catalog (gifts, cakes, venues, activities, decorations, food, experiences).

    Use this first to find candidate items; always take item ids from its results. Every filter is
    a hard constraint: results never break them. Each result is a small dict with id, name,
    category, price, pricing (flat, per_guest or per_unit), rating, city and the attributes the
    constraints use (age range, interests, allergens, diet tags, capacity, opening days, lead time).

    Args:
        query: what you are looking for in plain words, e.g. "dinosaur toy" or "vegan chocolate cake".
        category: one of gift, cake, venue, activity, decoration, food, experience.
        city: party city (Austin, Boston, Chicago, Denver, Seattle, San Francisco); local items
            (venues, activities, cakes, food, experiences) must be in it.
        max_price: highest unit price in USD (per guest for per_guest items).
        age: the birthday person's age; keeps gifts, activities and experiences suitable for it.
        avoid_allergens: allergens the food must not contain (peanuts, tree nuts, gluten, dairy, eggs, soy, sesame).
        dietary: diet tags every cake/food result must carry (vegan, vegetarian, gluten-free, dairy-free,
            nut-free, halal).
        min_capacity: smallest venue capacity, i.e. the number of guests.
        date: party date YYYY-MM-DD; keeps venues/activities open that day and cakes/food ready in time.
        k: number of results, 1 to 25.
    """
    maybe_fail("search_catalog")
    try:
        if not str(query or "").strip() and category is None:
            raise ArgumentProblem("Give a query (what you are looking for) or at least a category.")
        if len(str(query or "")) > MAX_QUERY_CHARS:
            raise ArgumentProblem(f"The query is {len(str(query)):,} characters long: say what you are looking for "
                                  f"in at most {MAX_QUERY_CHARS} characters, e.g. \"dinosaur toy\".")
        if k < 1:
            raise ArgumentProblem(f"k is the number of results and must be at least 1 (got {k}).")
        if max_price is not None and max_price < 0:
            raise ArgumentProblem(f"max_price must be zero or more (got {max_price}).")
        if age is not None and not 0 <= age <= 120:
            raise ArgumentProblem(f"age must be between 0 and 120 (got {age}).")
        if min_capacity is not None and min_capacity < 1:
            raise ArgumentProblem(f"min_capacity is a number of guests, at least 1 (got {min_capacity}).")
        filters: dict[str, Any] = {
            "category": norm_category(category),
            "city": norm_city(city),
            "max_price": max_price,
            "age": age,
            "avoid_allergens": norm_allergens(avoid_allergens) or None,
            "dietary": norm_dietary(dietary) or None,
            "min_capacity": min_capacity,
        }
        if date is not None and str(date).strip():
            day, today = parse_date(date), get_today()
            if day < today:
                raise ArgumentProblem(f"The date {day.isoformat()} is in the past (today is {today.isoformat()}).")
            filters.update(open_on=day, today=today, ready_by=day)
    except ArgumentProblem as exc:
        return error(str(exc))
    hits = get_catalog().search(str(query or filters["category"]), k=min(int(k), MAX_K), **filters)
    return [item_summary(h.item, h.score) for h in hits]


def get_item(item_id: str) -> dict[str, Any]:
    """Look up one catalog item by id and return all its details (description, tags, every attribute).

    Use it to confirm an item before recommending it, or to read more than a search result shows.

    Args:
        item_id: the exact id from a search_catalog result, e.g. "cake-aus-0042".
    """
    maybe_fail("get_item")
    item = _lookup(item_id)
    return item if isinstance(item, dict) else item_detail(item)


def _days_text(days: list[str]) -> str:
    return ", ".join(_DAY_NAMES[WEEKDAYS.index(d)] for d in days if d in WEEKDAYS) or "no day"


def check_availability(item_id: str, date: str, guests: int | None = None) -> dict[str, Any]:
    """Check whether one item can be booked for the party date, and why not if it cannot.

    Use it before committing to a venue, activity, cake or food item. It checks opening days
    (venues, activities), lead time from today (cakes, food) and capacity (when guests is given).
    Checks that do not apply to the item are null.

    Args:
        item_id: the exact id from a search_catalog result.
        date: the party date, YYYY-MM-DD.
        guests: number of guests, to check the venue capacity.
    """
    maybe_fail("check_availability")
    item = _lookup(item_id)
    if isinstance(item, dict):
        return item
    try:
        day = parse_date(date)
        if guests is not None and guests < 1:
            raise ArgumentProblem(f"guests must be at least 1 (got {guests}).")
    except ArgumentProblem as exc:
        return error(str(exc))
    today = get_today()
    reasons: list[str] = []
    in_future = day >= today
    if not in_future:
        reasons.append(f"{day.isoformat()} is in the past (today is {today.isoformat()}).")

    is_open: bool | None = None
    if item.open_days is not None:
        is_open = item.open_on(day)
        weekday = _DAY_NAMES[day.weekday()]
        if is_open:
            reasons.append(f"Open on {weekday}s.")
        else:
            reasons.append(f"Closed on {weekday}s; open on {_days_text(item.open_days)}.")

    lead_ok: bool | None = None
    if item.lead_time_days:
        ready = today + dt.timedelta(days=item.lead_time_days)
        lead_ok = ready <= day
        if lead_ok:
            reasons.append(
                f"Needs {item.lead_time_days} days' notice; ordered today it is ready on {ready.isoformat()}.")
        else:
            reasons.append(f"Needs {item.lead_time_days} days' notice; ordered today it is ready only on "
                           f"{ready.isoformat()}, after {day.isoformat()}.")

    capacity_ok: bool | None = None
    if guests is not None and item.capacity is not None:
        capacity_ok = item.capacity >= guests
        verb = "Seats" if capacity_ok else "Seats only"
        reasons.append(f"{verb} {item.capacity} for {guests} guests.")

    available = in_future and all(v is not False for v in (is_open, lead_ok, capacity_ok))
    return {
        "item_id": item.id, "name": item.name, "category": item.category,
        "date": day.isoformat(), "weekday": _DAY_NAMES[day.weekday()], "today": today.isoformat(),
        "available": available, "open": is_open, "lead_time_ok": lead_ok, "capacity_ok": capacity_ok,
        "reasons": reasons,
    }
