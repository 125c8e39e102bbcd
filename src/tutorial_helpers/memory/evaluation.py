"""What memory buys: the returning-user benchmark.

Each synthetic user has two sessions a year apart:

* **session 1** — the user states an allergy (and an email and phone number, which must never be
  stored), a plan is made, and the episode is recorded (the gift given);
* **session 2** — a new request that does *not* repeat the allergy.

Session 2 is planned twice with the same planner: without memory, and with memory (the profile's
allergies and diets merged into the request, past gifts excluded). The benchmark reports how often
the allergy is respected and how often last year's gift comes back, plus what memory costs (records
stored, tokens added to a prompt).

A *planner* is any callable ``(request, exclude_ids) -> list[item_id]``; see :func:`reference_planner`
(the tutorial's non-LLM planner) and :func:`greedy_planner` (a ten-line planner over a list of items).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tutorial_helpers.domain import (
    AGED_CATEGORIES,
    ALLERGENS,
    FOOD_CATEGORIES,
    LOCAL_CATEGORIES,
    BirthdayRequest,
    CatalogItem,
    age_band,
)
from tutorial_helpers.memory.agent import AgentMemory
from tutorial_helpers.memory.embeddings import Embedder
from tutorial_helpers.memory.moderation import find_pii
from tutorial_helpers.memory.records import estimate_tokens
from tutorial_helpers.memory.store import SQLiteMemoryStore

Planner = Callable[[BirthdayRequest, set[str]], list[str]]

NAMES: tuple[str, ...] = (
    "Sam", "Mia", "Leo", "Ava", "Noah", "Zoe", "Eli", "Ivy", "Max", "Lily", "Omar", "Nora", "Ravi", "Emma", "Kai",
)
#: children's ages whose next birthday falls in the same age band (so last year's gift would still fit)
AGES: tuple[int, ...] = tuple(a for a in range(3, 17) if age_band(a) == age_band(a + 1))
CATEGORIES_ASKED: tuple[str, ...] = ("gift", "cake")


def catalog_items(catalog: Any = None) -> list[CatalogItem]:
    """The items of ``catalog``: a list of :class:`CatalogItem`, a catalog object, or ``None`` (the shipped one)."""
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    items = getattr(catalog, "items", catalog)
    if callable(items):
        items = items()
    if isinstance(items, dict):
        items = items.values()
    return list(items)


def item_ok(item: CatalogItem, request: BirthdayRequest) -> bool:
    """The hard constraints of the tutorial for one item: city, age, allergens, diet."""
    if item.category in LOCAL_CATEGORIES and request.city and item.city and item.city.lower() != request.city.lower():
        return False
    if item.category in AGED_CATEGORIES and not item.fits_age(request.recipient_age):
        return False
    if item.category in FOOD_CATEGORIES:
        if set(item.allergens) & request.effective_allergens():
            return False
        if not set(request.dietary) <= set(item.diet_tags):
            return False
    return True


def greedy_planner(items: Iterable[CatalogItem]) -> Planner:
    """A minimal planner over ``items``: per requested category (default gift and cake), the item that
    passes :func:`item_ok`, is not excluded, and ranks best by (interest match, rating, lower price, id).
    """
    pool = list(items)

    def plan(request: BirthdayRequest, exclude_ids: set[str]) -> list[str]:
        chosen: list[str] = []
        for category in request.categories or list(CATEGORIES_ASKED):
            ok = [i for i in pool if i.category == category and i.id not in exclude_ids and item_ok(i, request)]
            if ok:
                best = min(ok, key=lambda i: (-len(set(i.interests) & set(request.interests)), -i.rating, i.price,
                                              i.id))
                chosen.append(best.id)
        return chosen

    plan.__name__ = "greedy_planner"
    return plan


def reference_planner(catalog: Any = None) -> Planner:
    """The tutorial's reference planner (``planning.reference.plan_request``) as a benchmark planner."""
    from tutorial_helpers.planning.reference import plan_request

    def plan(request: BirthdayRequest, exclude_ids: set[str]) -> list[str]:
        return plan_request(request, catalog=catalog, exclude_ids=set(exclude_ids)).item_ids()

    plan.__name__ = "reference_planner"
    return plan


def _ticking_clock(start: dt.datetime) -> tuple[Callable[[], dt.datetime], Callable[[dt.datetime], None]]:
    state = {"now": start}

    def clock() -> dt.datetime:
        state["now"] += dt.timedelta(seconds=1)
        return state["now"]

    def jump(to: dt.datetime) -> None:
        state["now"] = to

    return clock, jump


def _rates(rows: Sequence[dict[str, Any]], key: str) -> dict[str, float]:
    n = len(rows) or 1
    return {
        "allergy_respected_rate": round(sum(r[key]["allergy_respected"] for r in rows) / n, 4),
        "repeated_gift_rate": round(sum(r[key]["repeated_gift"] for r in rows) / n, 4),
        "gift_planned_rate": round(sum(r[key]["gift_planned"] for r in rows) / n, 4),
    }


def returning_user_benchmark(
    planner: Planner | None = None,
    n_users: int = 20,
    seed: int = 0,
    *,
    catalog: Any = None,
    today: dt.date = dt.date(2026, 11, 22),
    store_path: str = ":memory:",
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Plan the second session of ``n_users`` returning users with and without memory.

    Args:
        planner: ``(request, exclude_ids) -> item ids`` (default: :func:`reference_planner`).
        n_users: how many synthetic users.
        seed: the random seed (same seed, same users, same result).
        catalog: items or a catalog object (default: the shipped catalog).
        today: the date of session 1; session 2 is 365 days later.
        store_path: the SQLite file of the memories (default: in memory).
        embedder: for the memory (default: offline e5).

    Returns:
        ``{"n_users", "seed", "planner", "without_memory": {...rates}, "with_memory": {...rates},
        "memory_records", "memory_records_per_user", "memory_tokens_per_user", "pii_records", "users"}``
        where the rates are ``allergy_respected_rate``, ``repeated_gift_rate`` and ``gift_planned_rate``
        and ``pii_records`` counts stored records in which an email or phone number survived (should be 0).
    """
    items = catalog_items(catalog)
    by_id = {i.id: i for i in items}
    plan = planner or reference_planner(catalog)
    rng = random.Random(seed)
    cakes = [i for i in items if i.category == "cake"]
    cities = sorted({i.city for i in cakes if i.city}) or ["Boston"]
    all_gifts = [i for i in items if i.category == "gift"]
    ages = [a for a in AGES if any(g.fits_age(a) and g.fits_age(a + 1) for g in all_gifts)] or list(AGES)
    store = SQLiteMemoryStore(store_path)
    rows: list[dict[str, Any]] = []
    tokens: list[int] = []

    def outcome(ids: list[str], allergen: str, past_gifts: set[str]) -> dict[str, Any]:
        chosen = [by_id[i] for i in ids if i in by_id]
        return {
            "item_ids": ids,
            "allergy_respected": all(allergen not in i.allergens for i in chosen),
            "repeated_gift": any(i.id in past_gifts for i in chosen if i.category == "gift"),
            "gift_planned": any(i.category == "gift" for i in chosen),
        }

    for n in range(n_users):
        user_id = f"user-{seed}-{n:03d}"
        name = NAMES[n % len(NAMES)]
        city = rng.choice(cities)
        age = rng.choice(ages)
        gifts = [g for g in all_gifts if g.fits_age(age) and g.fits_age(age + 1)]
        interest = rng.choice(sorted({t for g in gifts for t in g.interests}) or ["reading"])
        city_allergens = sorted({a for c in cakes if c.city == city for a in c.allergens} & set(ALLERGENS))
        allergen = rng.choice(city_allergens or list(ALLERGENS))
        day1 = today
        day2 = today + dt.timedelta(days=365)
        clock, jump = _ticking_clock(dt.datetime.combine(day1, dt.time(10), tzinfo=dt.UTC))

        # -- session 1: the allergy is stated, a plan is made, the episode recorded ---------------
        memory = AgentMemory(store, user_id, clock=clock, embedder=embedder, item_category=lambda i: (
            by_id[i].category if i in by_id else None))
        text1 = (
            f"Hi! I'm planning {name}'s {age}th birthday in {city}. {name} loves {interest} and is allergic to "
            f"{allergen}. You can reach me at {name.lower()}.parent@example.com or 555-013-{1000 + n}."
        )
        memory.remember_turn("user", text1)
        memory.observe(text1)
        request1 = BirthdayRequest(
            recipient_name=name, recipient_age=age, interests=[interest], avoid_allergens=[allergen], city=city,
            guests=10, budget=500, date=day1 + dt.timedelta(days=21), today=day1, categories=list(CATEGORIES_ASKED),
        )
        ids1 = plan(request1, set())
        gifts1 = {i for i in ids1 if i in by_id and by_id[i].category == "gift"}
        memory.record_episode(ids1, feedback="The party was great, thank you!", rating=5, gift_ids=sorted(gifts1),
                              summary=f"gift and cake for {name}, {age}, {city}")

        # -- session 2: a year later, the allergy is not repeated --------------------------------
        jump(dt.datetime.combine(day2, dt.time(10), tzinfo=dt.UTC))
        text2 = f"Hello again! {name} is turning {age + 1}. Can you plan a gift and a cake in {city}?"
        request2 = BirthdayRequest(
            recipient_name=name, recipient_age=age + 1, interests=[interest], city=city, guests=10, budget=500,
            date=day2 + dt.timedelta(days=21), today=day2, categories=list(CATEGORIES_ASKED),
        )
        without = outcome(plan(request2, set()), allergen, gifts1)
        memory2 = AgentMemory(store, user_id, clock=clock, embedder=embedder, item_category=memory.item_category)
        merged, exclude = memory2.apply_to_request(request2)
        with_mem = outcome(plan(merged, exclude), allergen, gifts1)
        tokens.append(estimate_tokens(memory2.context_for(text2, include_rules=False)))
        rows.append({
            "user_id": user_id, "name": name, "age": age, "city": city, "interest": interest, "allergen": allergen,
            "session1_items": ids1, "without_memory": without, "with_memory": with_mem,
            "memory_records": store.count(user_id, include_superseded=False),
        })

    pii = sum(
        1 for u in store.users() for r in store.list(u, include_superseded=True)
        if {"email", "phone"} & set(find_pii(r.text + " " + str(r.meta)))
    )
    total = sum(r["memory_records"] for r in rows)
    store.close()
    return {
        "n_users": n_users,
        "seed": seed,
        "planner": getattr(plan, "__name__", type(plan).__name__),
        "without_memory": _rates(rows, "without_memory"),
        "with_memory": _rates(rows, "with_memory"),
        "memory_records": total,
        "memory_records_per_user": round(total / (n_users or 1), 2),
        "memory_tokens_per_user": round(sum(tokens) / (len(tokens) or 1), 1),
        "pii_records": pii,
        "users": rows,
    }
