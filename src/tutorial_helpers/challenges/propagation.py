"""Error propagation: one error injected at one stage of the pipeline, and how far it travels.

The stages are those every team runs (:mod:`tutorial_helpers.planning.pipeline`), here driven by code
so that the only error is the injected one:

``extract`` (text -> request) -> ``ground`` (search hits -> valid candidates) -> ``options`` (the
shortlist a selector sees) -> ``select`` (one id per category) -> ``plan`` (items, quantities, total).

:data:`FAULTS` holds one typical model error per stage (a forgotten allergy and a misread guest count;
a retriever that keeps an item breaking a constraint; an invented id in the shortlist; a selector that
picks off the list; a wrong total). :func:`propagate` runs the chain clean and with the fault, in one
of three modes, and reports how many later stages produced a different output (the error's *reach*)
and the final plan's violations against the true request:

* ``none``: no checks at all;
* ``end``: the guardrail at the end only (what :func:`tutorial_helpers.planners.plan_text` does);
* ``stages``: a validator after every stage (the request re-read and merged with safety
  restrictions never dropped, candidates re-filtered on the catalog's fields, shortlist ids checked
  against the candidates, choices checked against the shortlist, totals recomputed), then the guardrail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

STAGES: tuple[str, ...] = ("extract", "ground", "options", "select", "plan")
MODES: tuple[str, ...] = ("none", "end", "stages")
FAULTS: dict[str, str] = {
    "extract": "the allergies and diets forgotten, the guest count read 4 lower",
    "ground": "an item that breaks a constraint kept among the candidates, first",
    "options": "an invented id put first on the shortlist",
    "select": "a choice off the shortlist: a catalog item that breaks a constraint",
    "plan": "the total written 10% lower than the sum of the items",
}


@dataclass
class Trace:
    """Every stage's output of one run (compared between the clean and the faulty run)."""

    outputs: dict[str, Any]
    plan: BirthdayPlan


def _violator(request: BirthdayRequest, catalog: Catalog, category: str) -> CatalogItem | None:
    """A catalog item of ``category`` that breaks one of the request's hard constraints (allergen, diet, city)."""
    for item in catalog.filter(category=category, city=request.city if category in ("cake", "venue", "food") else None):
        if set(item.allergens) & set(request.avoid_allergens):
            return item
        if category in ("cake", "food") and request.dietary and not set(request.dietary) <= set(item.diet_tags):
            return item
        if category == "venue" and request.guests and item.capacity is not None and item.capacity < request.guests:
            return item
    return next(iter(catalog.filter(category=category, city="Miami" if request.city != "Miami" else "Austin")), None)


def run_chain(text: str, today: Any, catalog: Catalog, *, fault: str | None = None, mode: str = "none") -> Trace:
    """Run the five stages on ``text``, injecting ``fault`` (a stage name or ``None``), checking per ``mode``."""
    from tutorial_helpers.domain import PlanItem
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.candidates import candidate_pool, effective_guests
    from tutorial_helpers.planning.guardrail import guard
    from tutorial_helpers.planning.pipeline import OPTIONS_PER_CATEGORY, plan_categories, plan_from_choices

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    check = mode == "stages"
    truth, _ = parse_text(text, today)
    out: dict[str, Any] = {}

    # extract
    request = truth
    if fault == "extract":
        request = truth.model_copy(update={"avoid_allergens": [], "dietary": [],
                                           "guests": max(1, (truth.guests or 10) - 4) if truth.guests else None})
    if check:  # a second reading of the person's words: safety restrictions are never dropped, counts must agree
        again, _ = parse_text(text, today)
        request = request.model_copy(update={
            "avoid_allergens": sorted(set(request.avoid_allergens) | set(again.avoid_allergens)),
            "dietary": sorted(set(request.dietary) | set(again.dietary)),
            "guests": again.guests if again.guests is not None else request.guests})
    out["extract"] = request.model_dump(mode="json")
    categories = plan_categories(request)

    # ground: search hits kept when they meet the (believed) request's hard constraints
    candidates: dict[str, list[CatalogItem]] = {c: candidate_pool(request, catalog, c, k=40) for c in categories}
    if fault == "ground":
        for c in categories:
            bad = _violator(truth, catalog, c)
            if bad is not None and c in ("cake", "venue", "food"):
                candidates[c] = [bad, *candidates[c]]
                break
    if check:
        candidates = {c: [i for i in items if i.id in {v.id for v in candidate_pool(request, catalog, c, k=400)}]
                      for c, items in candidates.items()}
    out["ground"] = {c: [i.id for i in items[:OPTIONS_PER_CATEGORY]] for c, items in candidates.items()}

    # options: the shortlist (ids) a selector sees
    options = {c: [i.id for i in items[:OPTIONS_PER_CATEGORY]] for c, items in candidates.items()}
    if fault == "options":
        c0 = categories[0]
        options[c0] = [f"{c0}-invented-0001", *options[c0]]
    if check:
        options = {c: [i for i in ids if catalog.get(i) is not None and i in {x.id for x in candidates[c]}]
                   for c, ids in options.items()}
    out["options"] = options

    # select: per category, the first option whose subtotal fits the budget left for the categories still to choose
    guests = effective_guests(request)
    budget = request.budget if request.budget is not None else float("inf")
    choices: list[str] = []
    spent = 0.0
    for k, c in enumerate(categories):
        share = (budget - spent) / (len(categories) - k)
        priced = [(x, PlanItem.from_item(catalog.get(x), guests).subtotal if catalog.get(x) else 0.0)
                  for x in options.get(c, [])]
        fitting = [(x, cost) for x, cost in priced if cost <= share]
        pick = fitting[0] if fitting else min(priced, key=lambda t: t[1], default=None)
        if pick is not None:
            choices.append(pick[0])
            spent += pick[1]
    honest = list(choices)
    if fault == "select":
        c0 = next((c for c in ("cake", "venue", "food") if c in categories), categories[0])
        bad = _violator(truth, catalog, c0)
        if bad is not None:
            choices = [bad.id if catalog.get(x) is not None and catalog.get(x).category == c0 else x for x in choices]
    if check:  # a choice off the shortlist is sent back: the selector chooses again by its own rule
        allowed = {i for ids in options.values() for i in ids}
        choices = [x if x in allowed else h for x, h in zip(choices, honest, strict=True)]
    out["select"] = list(choices)

    # plan: items and the total (the model writes the total)
    if fault in ("options", "select") and not check:  # the unchecked pipeline takes the ids as given
        plan = BirthdayPlan(feasible=True, request=request)
        for x in choices:
            item = catalog.get(x)
            if item is None:
                plan.items.append(PlanItem(id=x, category=x.split("-")[0], name=x, unit_price=0.0, pricing="flat",
                                           quantity=1, subtotal=0.0))
            else:
                plan.items.append(PlanItem.from_item(item, guests))
        plan.recompute_total()
    else:
        plan = plan_from_choices(request, choices, candidates if check else
                                 {c: [catalog.get(i) for i in choices if catalog.get(i) is not None]
                                  for c in categories},
                                 catalog)
    if fault == "plan":
        plan.total_cost = round(plan.total_cost * 0.9, 2)
    if check:
        plan.recompute_total()
    out["plan"] = {"items": plan.item_ids(), "total": round(plan.total_cost, 2)}
    if mode in ("end", "stages"):
        plan = guard(plan, truth, catalog)
    return Trace(out, plan)


def propagate(text: str, today: Any, catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """For every stage and mode: the fault's reach (later stages whose output changed) and the final violations.

    Returns:
        Rows ``{"stage", "mode", "reach", "downstream", "final_violations", "shown_valid"}``: ``reach``
        counts the stages after the injected one whose output differs from the clean run (of
        ``downstream`` possible); ``final_violations`` the checks the final plan breaks against the true
        request when it is shown as feasible (0 when it is refused).
    """
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.guardrail import validate_plan

    cat = catalog if catalog is not None else load_catalog()
    truth, _ = parse_text(text, today)
    rows = []
    for mode in MODES:
        clean = run_chain(text, today, cat, mode=mode)
        for k, stage in enumerate(STAGES):
            bad = run_chain(text, today, cat, fault=stage, mode=mode)
            later = STAGES[k + 1:]
            reach = sum(bad.outputs[s] != clean.outputs[s] for s in later)
            found = validate_plan(bad.plan, truth, cat) if bad.plan.feasible else []
            rows.append({"stage": stage, "mode": mode, "reach": reach, "downstream": len(later),
                         "final_violations": len({v.check for v in found}), "shown_valid": bool(bad.plan.feasible)})
    return rows
