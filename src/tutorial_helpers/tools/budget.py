"""Budget tools: price a set of items for a number of guests, and compare with a budget.

Quantities follow ``domain.PlanItem.from_item``: one per guest for ``per_guest`` items, one pack per
ten guests for ``per_unit`` items, one for ``flat`` items. The guardrail uses the same rule, so the
numbers a model sees here are the numbers the plan is checked against.
"""

from typing import Any

from tutorial_helpers.domain import MAX_BUDGET, MAX_GUESTS, PlanItem
from tutorial_helpers.tools.failures import maybe_fail
from tutorial_helpers.tools.format import error, unknown_id_message
from tutorial_helpers.tools.state import get_catalog


def _estimate(item_ids: list[str], guests: int) -> dict[str, Any]:
    if not item_ids:
        return error("Give at least one item id (from search_catalog) to price.")
    if not 1 <= guests <= MAX_GUESTS:
        return error(f"guests must be between 1 and {MAX_GUESTS} (got {guests}).")
    catalog = get_catalog()
    lines: list[dict[str, Any]] = []
    for raw in item_ids:
        item = catalog.get(str(raw).strip())
        if item is None:
            return error(unknown_id_message(raw, (i.id for i in catalog.items)))
        lines.append(PlanItem.from_item(item, guests).model_dump(mode="json", exclude={"why"}))
    total = round(sum(line["subtotal"] for line in lines), 2)
    return {"guests": guests, "lines": lines, "total": total, "currency": "USD"}


def estimate_cost(item_ids: list[str], guests: int) -> dict[str, Any]:
    """Price a set of catalog items for a party: quantity and subtotal per item, and the total.

    Use it to know what a candidate plan costs. Per-guest items are multiplied by the number of
    guests, per-unit items (packs) by one per ten guests, flat items count once.

    Args:
        item_ids: exact ids from search_catalog results, one per item in the plan.
        guests: number of guests at the party (at least 1).
    """
    maybe_fail("estimate_cost")
    return _estimate(item_ids, guests)


def check_budget(item_ids: list[str], guests: int, budget: float) -> dict[str, Any]:
    """Check whether a set of items fits the budget: total, within_budget, over_by and what to change.

    Use it before presenting a plan. When over budget, replace the most expensive line first.

    Args:
        item_ids: exact ids from search_catalog results, one per item in the plan.
        guests: number of guests at the party (at least 1).
        budget: the total budget in USD.
    """
    maybe_fail("check_budget")
    if not 0 < budget <= MAX_BUDGET:
        return error(f"budget must be a positive amount in USD, at most {MAX_BUDGET:,.0f} (got {budget}).")
    estimate = _estimate(item_ids, guests)
    if "error" in estimate:
        return estimate
    total = estimate["total"]
    within = total <= budget + 1e-9
    out: dict[str, Any] = {
        "total": total, "budget": round(float(budget), 2), "within_budget": within,
        "over_by": 0.0 if within else round(total - budget, 2),
        "remaining": round(budget - total, 2) if within else 0.0,
        "lines": estimate["lines"],
    }
    if not within:
        top = max(estimate["lines"], key=lambda line: line["subtotal"])
        out["advice"] = (f"Over budget by ${total - budget:,.2f}. The most expensive line is {top['name']} "
                         f"({top['id']}, ${top['subtotal']:,.2f}); look for a cheaper {top['category']} "
                         f"with search_catalog(max_price=...).")
    return out
