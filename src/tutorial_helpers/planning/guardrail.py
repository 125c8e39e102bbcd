"""The guardrail: a deterministic checker for birthday plans, and a repair step.

Every planner in the tutorial (reference, native agents, AG2, LangGraph, CrewAI, ADK) ends here:
whatever the agents decided, :func:`validate_plan` lists every broken rule of ARCHITECTURE.md [scenarios and checks],
and :func:`repair_plan` drops or swaps the offending items where it can. A plan shown to a user as
feasible has no violations.

The checks are plain functions of ``(plan, constraints, catalog)`` so that the evaluation harness can
score each one on its own (``CHECKS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers import clock
from tutorial_helpers.domain import (
    AGED_CATEGORIES,
    DIET_EXCLUDES,
    FOOD_CATEGORIES,
    LOCAL_CATEGORIES,
    BirthdayPlan,
    BirthdayRequest,
    CatalogItem,
    PlanItem,
    Violation,
)
from tutorial_helpers.planning.candidates import (
    candidate_pool,
    effective_guests,
    explain_plan,
    make_schedule,
    required_categories,
    why_item,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

CENT = 0.011  # tolerance for float money comparisons


@dataclass
class Constraints:
    """The hard constraints a plan is checked against (from a request or a scenario's ``expect``)."""

    budget_max: float | None = None
    guests_min: int | None = None
    recipient_age: int | None = None
    avoid_allergens: set[str] = field(default_factory=set)
    dietary: set[str] = field(default_factory=set)
    city: str | None = None
    date: dt.date | None = None
    today: dt.date | None = None
    interests_any: set[str] = field(default_factory=set)
    categories_required: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: BirthdayRequest, categories_required: Iterable[str] | None = None) -> Constraints:
        """Constraints a plan for ``request`` must meet (diet tags imply allergens: vegan -> no dairy, eggs)."""
        if categories_required is None:

            categories_required = required_categories(request)
        return cls(
            budget_max=request.budget,
            guests_min=request.guests,
            recipient_age=request.recipient_age,
            avoid_allergens=request.effective_allergens(),
            dietary=set(request.dietary),
            city=request.city,
            date=request.date,
            today=request.today,
            interests_any=set(request.interests),
            categories_required=list(categories_required),
        )

    @classmethod
    def from_expect(cls, expect: dict[str, Any], today: dt.date | str | None) -> Constraints:
        """Constraints from a scenario's ``expect`` object (ARCHITECTURE.md [scenarios and checks])."""
        date = expect.get("date")
        if today is not None:
            today = clock.as_date(today)
        allergens = set(expect.get("avoid_allergens", []))
        for d in expect.get("dietary", []):
            allergens |= DIET_EXCLUDES.get(d, frozenset())
        return cls(
            budget_max=expect.get("budget_max"),
            guests_min=expect.get("guests_min"),
            recipient_age=expect.get("recipient_age"),
            avoid_allergens=allergens,
            dietary=set(expect.get("dietary", [])),
            city=expect.get("city"),
            date=dt.date.fromisoformat(date) if date else None,
            today=today,
            interests_any=set(expect.get("interests_any", [])),
            categories_required=list(expect.get("categories_required", [])),
        )


def _catalog_items(plan: BirthdayPlan, catalog: Catalog) -> list[tuple[PlanItem, CatalogItem | None]]:
    return [(p, catalog.get(p.id)) for p in plan.items]


def check_grounded(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every item id exists in the catalog and its name, category, price and pricing match it."""
    out = []
    for p, item in _catalog_items(plan, catalog):
        if item is None:
            out.append(Violation(check="grounded", item_id=p.id, detail=f"{p.id!r} ({p.name}) is not in the catalog."))
            continue
        diffs = []
        if p.name.strip().lower() != item.name.strip().lower():
            diffs.append(f"name {p.name!r} != {item.name!r}")
        if p.category != item.category:
            diffs.append(f"category {p.category} != {item.category}")
        if abs(p.unit_price - item.price) > CENT:
            diffs.append(f"price {p.unit_price} != {item.price}")
        if p.pricing != item.pricing:
            diffs.append(f"pricing {p.pricing} != {item.pricing}")
        if diffs:
            out.append(Violation(check="grounded", item_id=p.id,
                                 detail=f"{p.id} does not match the catalog: " + "; ".join(diffs) + "."))
    return out


def check_budget(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Subtotals are unit price x quantity, they add up to the total, and the total fits the budget."""
    out = []
    for p in plan.items:
        if abs(p.subtotal - round(p.unit_price * p.quantity, 2)) > CENT:
            out.append(Violation(check="budget", item_id=p.id,
                                 detail=f"{p.id}: subtotal {p.subtotal} is not {p.unit_price} x {p.quantity}."))
        if p.pricing == "per_guest" and c.guests_min and p.quantity < c.guests_min:
            out.append(
                Violation(check="budget", item_id=p.id,
                          detail=f"{p.id} is priced per guest but covers {p.quantity} of {c.guests_min} guests."))
    total = round(sum(p.subtotal for p in plan.items), 2)
    if abs(total - plan.total_cost) > CENT:
        out.append(Violation(check="budget",
                             detail=f"Subtotals add up to {total:.2f}, not the stated total {plan.total_cost:.2f}."))
    if c.budget_max is not None and max(total, plan.total_cost) > c.budget_max + CENT:
        out.append(
            Violation(check="budget",
                      detail=f"Total {max(total, plan.total_cost):.2f} is over the budget of {c.budget_max:.2f}."))
    return out


def check_allergens(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """No item contains an allergen to avoid."""
    out = []
    for p, item in _catalog_items(plan, catalog):
        if item is None:
            continue
        bad = sorted(set(item.allergens) & c.avoid_allergens)
        if bad:
            out.append(Violation(check="allergens", item_id=p.id, detail=f"{item.name} contains {', '.join(bad)}."))
    return out


def check_dietary(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every cake and food item carries every required diet tag."""
    out = []
    for p, item in _catalog_items(plan, catalog):
        if item is None or item.category not in FOOD_CATEGORIES:
            continue
        missing = sorted(c.dietary - set(item.diet_tags))
        if missing:
            out.append(Violation(check="dietary", item_id=p.id, detail=f"{item.name} is not {', '.join(missing)}."))
    return out


def check_age(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every gift, activity and experience suits the recipient's age."""
    out = []
    if c.recipient_age is None:
        return out
    for p, item in _catalog_items(plan, catalog):
        if item is None or item.category not in AGED_CATEGORIES:
            continue
        if not item.fits_age(c.recipient_age):
            out.append(
                Violation(check="age", item_id=p.id,
                          detail=f"{item.name} is for ages {item.age_min}-{item.age_max}, not {c.recipient_age}."))
    return out


def check_city(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every local item (venue, activity, cake, food, experience) is in the party's city."""
    out = []
    for p, item in _catalog_items(plan, catalog):
        if item is None or item.category not in LOCAL_CATEGORIES or item.city is None:
            continue
        if c.city is None:
            out.append(Violation(check="city", item_id=p.id,
                                 detail=f"{item.name} is local to {item.city}, but no city was given."))
        elif item.city.lower() != c.city.lower():
            out.append(Violation(check="city", item_id=p.id, detail=f"{item.name} is in {item.city}, not {c.city}."))
    return out


def check_date(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Venues and activities are open on the date; cakes and food can be made in time."""
    out = []
    for p, item in _catalog_items(plan, catalog):
        if item is None:
            continue
        if c.date is not None and not item.open_on(c.date):
            out.append(Violation(check="date", item_id=p.id,
                                 detail=f"{item.name} is closed on {c.date:%A} {c.date.isoformat()}."))
        if item.lead_time_days and c.date is not None and c.today is not None:
            ready = c.today + dt.timedelta(days=item.lead_time_days)
            if ready > c.date:
                out.append(Violation(check="date", item_id=p.id,
                                     detail=f"{item.name} needs {item.lead_time_days} days' notice; ready "
                                            f"{ready.isoformat()}, after {c.date.isoformat()}."))
    return out


def check_capacity(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every venue seats all the guests."""
    out = []
    if not c.guests_min:
        return out
    for p, item in _catalog_items(plan, catalog):
        if item is None or item.category != "venue":
            continue
        if (item.capacity or 0) < c.guests_min:
            out.append(Violation(check="capacity", item_id=p.id,
                                 detail=f"{item.name} seats {item.capacity}, fewer than {c.guests_min} guests."))
    return out


def check_interests(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """At least one gift, activity or experience matches the recipient's interests."""
    if not c.interests_any:
        return []
    for _p, item in _catalog_items(plan, catalog):
        if item is not None and item.category in AGED_CATEGORIES and c.interests_any & set(item.interests):
            return []
    return [
        Violation(check="interests",
                  detail=f"No gift or activity matches the interests {', '.join(sorted(c.interests_any))}.")]


def check_categories(plan: BirthdayPlan, c: Constraints, catalog: Catalog) -> list[Violation]:
    """Every required category is present."""
    present = {p.category for p in plan.items}
    return [
        Violation(check="categories", detail=f"The plan has no {cat}.")
        for cat in c.categories_required
        if cat not in present
    ]


#: the checks of ARCHITECTURE.md [scenarios and checks], in report order
CHECKS: dict[str, Callable[[BirthdayPlan, Constraints, Any], list[Violation]]] = {
    "grounded": check_grounded,
    "budget": check_budget,
    "allergens": check_allergens,
    "dietary": check_dietary,
    "age": check_age,
    "city": check_city,
    "date": check_date,
    "capacity": check_capacity,
    "interests": check_interests,
    "categories": check_categories,
}


def run_checks(plan: BirthdayPlan, constraints: Constraints, catalog: Catalog) -> dict[str, list[Violation]]:
    """Run every check; returns ``{check_name: violations}`` (an empty list means the check passed)."""
    return {name: fn(plan, constraints, catalog) for name, fn in CHECKS.items()}


def validate_plan(plan: BirthdayPlan, request: BirthdayRequest, catalog: Catalog | None = None) -> list[Violation]:
    """Return every violation of the ARCHITECTURE.md [scenarios and checks] checks for ``plan`` against ``request``.

    Args:
        plan: the plan to check (from any planner or agent team).
        request: the request it answers (hard constraints come from here).
        catalog: the catalog to ground item ids in (default: the shipped catalog).

    Returns:
        The list of violations; empty means the plan is valid.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    constraints = Constraints.from_request(request)
    return [v for vs in run_checks(plan, constraints, catalog).values() for v in vs]


@dataclass
class _Repair:
    """One repair in progress: the plan being fixed and what was done, in words."""

    plan: BirthdayPlan
    request: BirthdayRequest
    catalog: Catalog
    constraints: Constraints
    guests: int
    notes: list[str] = field(default_factory=list)

    def room(self) -> float | None:
        """Budget left for one more line (None: no budget)."""
        if self.request.budget is None:
            return None
        return self.request.budget - sum(p.subtotal for p in self.plan.items)

    def regrounded(self) -> None:
        """1. Rebuild every line from the catalog; drop what does not exist and duplicates."""
        items: list[PlanItem] = []
        seen: set[str] = set()
        for p in self.plan.items:
            item = self.catalog.get(p.id)
            if item is None:
                self.notes.append(f"Removed {p.name!r}: it is not in the catalog.")
                continue
            if item.id in seen:
                continue
            seen.add(item.id)
            items.append(PlanItem.from_item(item, self.guests, why=p.why))
        self.plan.items = items

    def hard_constraints(self) -> None:
        """2. Swap each item that breaks a hard constraint for the best valid one that fits, or drop it."""
        item_checks = ("allergens", "dietary", "age", "city", "date", "capacity")
        plan = self.plan
        for _ in range(len(plan.items) + 1):
            plan.recompute_total()
            bad = {v.item_id: v for name in item_checks for v in CHECKS[name](plan, self.constraints, self.catalog)
                   if v.item_id}
            if not bad:
                return
            item_id, violation = next(iter(bad.items()))
            idx = next(i for i, p in enumerate(plan.items) if p.id == item_id)
            old = plan.items.pop(idx)
            swap = _best_swap(self.request, self.catalog, old.category, self.room(),
                              exclude=set(plan.item_ids()) | {old.id})
            if swap is not None:
                plan.items.insert(idx, PlanItem.from_item(swap, self.guests,
                                                          why=f"Swapped in for {old.name}: {violation.detail}"))
                self.notes.append(f"Swapped {old.name} for {swap.name}: {violation.detail}")
            else:
                self.notes.append(f"Removed {old.name}: {violation.detail}")

    def required_added(self, required: list[str]) -> None:
        """3. Add a required category the agents forgot; extras make room before a required one is given up."""
        plan = self.plan
        for category in required:
            if any(p.category == category for p in plan.items):
                continue
            add = _best_swap(self.request, self.catalog, category, self.room(), exclude=set(plan.item_ids()))
            while add is None and self.request.budget is not None:
                extras = sorted((p for p in plan.items if p.category not in required), key=lambda p: -p.subtotal)
                if not extras:
                    break
                plan.items.remove(extras[0])
                self.notes.append(f"Removed {extras[0].name} to make room for a {category}.")
                add = _best_swap(self.request, self.catalog, category, self.room(), exclude=set(plan.item_ids()))
            if add is not None:
                plan.items.append(PlanItem.from_item(add, self.guests, why=f"Added: the plan needed a {category}."))
                self.notes.append(f"Added {add.name}: the plan had no {category}.")

    def interests_matched(self) -> None:
        """3b. No gift or activity matches the person's interests: swap one for the best that does and fits."""
        plan = self.plan
        if not CHECKS["interests"](plan, self.constraints, self.catalog):
            return
        wanted = self.constraints.interests_any
        for idx, old in enumerate(plan.items):
            if old.category not in AGED_CATEGORIES:
                continue
            room = self.room()
            room = None if room is None else room + old.subtotal
            for item in candidate_pool(self.request, self.catalog, old.category, k=50):
                if (wanted & set(item.interests) and item.id not in plan.item_ids()
                        and (room is None or PlanItem.from_item(item, self.guests).subtotal <= room + CENT)):
                    plan.items[idx] = PlanItem.from_item(item, self.guests, why=why_item(item, self.request))
                    self.notes.append(f"Swapped {old.name} for {item.name}: it matches the interests.")
                    return

    def within_budget(self, required: list[str]) -> None:
        """4. Swap the most expensive lines for cheaper valid ones, then drop optional categories."""
        plan, budget = self.plan, self.request.budget
        if budget is None:
            return
        for _ in range(2 * len(plan.items) + 1):
            plan.recompute_total()
            if plan.total_cost <= budget + CENT:
                return
            by_cost = sorted(range(len(plan.items)), key=lambda i: -plan.items[i].subtotal)
            if self._cheaper_swap(by_cost, plan.total_cost - budget):
                continue
            optional = [i for i in by_cost if plan.items[i].category not in required]
            if not optional:
                return
            old = plan.items.pop(optional[0])
            self.notes.append(f"Removed {old.name} to stay within budget.")

    def _cheaper_swap(self, by_cost: list[int], over: float) -> bool:
        plan = self.plan
        for i in by_cost:
            old = plan.items[i]
            for it in candidate_pool(self.request, self.catalog, old.category, k=50):
                if (it.id not in plan.item_ids()
                        and PlanItem.from_item(it, self.guests).subtotal <= old.subtotal - over + CENT):
                    # the old item's reason was about the old item: write the new one's
                    plan.items[i] = PlanItem.from_item(it, self.guests, why=why_item(it, self.request))
                    self.notes.append(f"Swapped {old.name} for the cheaper {it.name} to stay within budget.")
                    return True
        return False


def repair_plan(plan: BirthdayPlan, request: BirthdayRequest, catalog: Catalog | None = None) -> BirthdayPlan:
    """Drop or swap violating items, then re-check. Returns a new plan.

    Ungrounded items are rebuilt from the catalog when the id exists (wrong name or price) and
    dropped otherwise; items breaking a hard constraint are swapped for the best valid candidate
    of the same category that fits the remaining budget, or dropped; a required category the agents
    forgot is added; a plan whose gifts and activities match none of the person's interests gets one
    that does; an over-budget plan is cut back by swapping to cheaper candidates and then
    dropping optional categories. Whatever cannot be repaired ends in ``violations`` and the plan
    is marked ``feasible: false``.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    work = _Repair(plan.model_copy(deep=True), request, catalog, Constraints.from_request(request),
                   effective_guests(request))
    required = required_categories(request)
    work.regrounded()
    work.hard_constraints()
    work.required_added(required)
    work.interests_matched()
    work.within_budget(required)
    work.interests_matched()  # cutting to budget may have dropped the one item that matched the interests

    repaired, notes = work.plan, work.notes
    repaired.recompute_total()
    repaired.violations = [v for vs in run_checks(repaired, work.constraints, catalog).values() for v in vs]
    repaired.warnings = list(dict.fromkeys([*repaired.warnings, *notes]))
    if repaired.item_ids() != plan.item_ids():
        # what the agents wrote about the old items no longer holds: rewrite it from the final items
        repaired.schedule = make_schedule(request, repaired.items, catalog)
        repaired.explanation = explain_plan(request, repaired) + " (Adjusted by the guardrail: " + " ".join(notes) + ")"
    if repaired.violations:
        repaired.feasible = False
        repaired.reasons = list(dict.fromkeys([*repaired.reasons, *(v.detail for v in repaired.violations)]))
    return repaired


def _best_swap(
    request: BirthdayRequest, catalog: Catalog, category: str, room: float | None, exclude: set[str]
) -> CatalogItem | None:

    for item in candidate_pool(request, catalog, category, k=30):
        if item.id in exclude:
            continue
        if room is not None and PlanItem.from_item(item, request.guests or 10).subtotal > room + CENT:
            continue
        return item
    return None


def guard(plan: BirthdayPlan, request: BirthdayRequest, catalog: Catalog | None = None) -> BirthdayPlan:
    """Validate, and repair when needed: the last step of every planner.

    A plan that comes out with ``feasible: true`` has no violations; one that cannot be repaired
    comes out ``feasible: false`` with its violations and reasons.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    if not plan.feasible:
        plan = plan.model_copy(deep=True)
        plan.violations = []
        return plan
    violations = validate_plan(plan, request, catalog)
    if not violations:
        out = plan.model_copy(deep=True)
        out.violations = []
        return out
    return repair_plan(plan, request, catalog)
