"""Grounded choices: which catalog items the offline model may name, and which it picks.

Every item the model mentions comes from here, so it is always an item of the catalog, taken from
the conversation's tool results (or option lists) when there are any, and otherwise from the
catalog filtered by every hard constraint. The "full" tier optimises the whole plan under the
budget with the reference planner; the "small" tier takes the first acceptable item per category
(and, reading lexically, may have missed a constraint: the guardrail's job is to catch it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tutorial_helpers.domain import (
    AGED_CATEGORIES,
    CATEGORIES,
    FOOD_CATEGORIES,
    LOCAL_CATEGORIES,
    BirthdayRequest,
    CatalogItem,
    PlanItem,
)
from tutorial_helpers.llm.offline.understanding import Context
from tutorial_helpers.planning.candidates import candidate_pool, preference_score, required_categories, why_item

DEFAULT_GUESTS = 10
#: tag of an item built from a tool result that the catalog lacks (see ``understanding.tool_item``)
TOOL_TAG = "tool-result"
#: share of the budget a single category may take when a tool asks for a max price
BUDGET_SHARE = {"venue": 0.45, "cake": 0.2, "gift": 0.3, "activity": 0.3, "food": 0.25, "decoration": 0.1,
                "experience": 0.35}


def guests(request: BirthdayRequest) -> int:
    """The guest count to plan for (10 when unknown)."""
    return request.guests or DEFAULT_GUESTS


def needed_categories(ctx: Context) -> list[str]:
    """The categories this conversation needs items for.

    The user's restriction ("just a gift") first; then categories the system prompt or task names
    (when it names some but not all of them); otherwise gift, and with a known city cake and venue.
    """
    if ctx.request.categories:
        return list(ctx.request.categories)
    offered = [ctx.item(i) for i in ctx.option_ids]
    cats_offered = list(dict.fromkeys(i.category for i in offered if i is not None))
    if cats_offered:
        return cats_offered
    for text in (" ".join(ctx.user_texts), ctx.system_text):  # "a gift and a cake", "(gift, cake, venue)"
        named = _categories_listed(text)
        if 0 < len(named) < len(CATEGORIES):
            return named
    return list(required_categories(ctx.request))


_CAT = r"(?:gift|cake|venue|activit(?:y|ies)|decoration|food|experience)s?"
_CAT_LIST = re.compile(_CAT + r"(?:\s*(?:,|/|\band\b|,\s*and\b)\s*(?:an?\s+)?" + _CAT + r")+", re.I)


_CAT_ONE = re.compile(r"\(\s*(" + _CAT + r")\s*\)", re.I)


def _categories_listed(text: str) -> list[str]:
    """Categories named as a list in ``text`` ("(gift, cake, venue)"); the longest list wins.

    Without a list, a single category in parentheses counts ("each needed category (cake)").
    """
    lists = [m.group(0).lower() for m in _CAT_LIST.finditer(text or "")]
    if not lists:
        one = _CAT_ONE.search(text or "")
        return [c for c in CATEGORIES if one and re.search(r"\b" + c[:5], one.group(1).lower())][:1]
    longest = max(lists, key=len)
    found = [(longest.find(c), c) for c in CATEGORIES if re.search(r"\b" + c[:5], longest)]
    return [c for _, c in sorted(found)]


def breaks(item: CatalogItem, request: BirthdayRequest) -> list[str]:
    """The hard constraints of ``request`` that ``item`` breaks (empty: acceptable)."""
    out = []
    if item.category in LOCAL_CATEGORIES and request.city and item.city and item.city.lower() != request.city.lower():
        out.append(f"is in {item.city}, not {request.city}")
    if item.category in AGED_CATEGORIES and not item.fits_age(request.recipient_age):
        out.append(f"is for ages {item.age_min}-{item.age_max}, not {request.recipient_age}")
    if item.category in FOOD_CATEGORIES:
        bad = sorted(set(item.allergens) & request.effective_allergens())
        if bad:
            out.append(f"contains {', '.join(bad)}")
        lacking = [d for d in request.dietary if d not in item.diet_tags]
        if lacking:
            out.append(f"is not {', '.join(lacking)}")
    if item.category == "venue" and request.guests and item.capacity is not None and item.capacity < request.guests:
        out.append(f"seats only {item.capacity}, not {request.guests} guests")
    if request.date is not None and not item.open_on(request.date):
        out.append(f"is closed on {request.date.strftime('%A')}s")
    if (request.date is not None and request.today is not None and item.lead_time_days
            and request.today + dt.timedelta(days=item.lead_time_days) > request.date):
        out.append(f"needs {item.lead_time_days} days' notice")
    return out


def _excluded(ctx: Context) -> set[str]:
    """Ids the person rejected ("she already has that", "too expensive") or that the assistant offered before."""
    if not ({"already_has", "too_expensive", "dislike", "different_gift"} & set(ctx.feedback)):
        return set()
    ids = set(ctx.mentioned_ids)
    return ids


def pool(ctx: Context, category: str, k: int = 20) -> list[CatalogItem]:
    """Acceptable items of ``category``: from the conversation's candidates (tool results, option lists),
    else catalog items named in the messages (a pasted shortlist, items offered before), else the catalog."""
    excluded = _excluded(ctx)
    found = [i for i in ctx.candidates(category) if not breaks(i, ctx.request) and i.id not in excluded]
    if found:
        return _order(found, ctx)[:k]
    named = [ctx.item(i) for i in ctx.message_ids if i not in excluded]
    found = [i for i in named if i is not None and i.category == category and not breaks(i, ctx.request)]
    if found:
        return _order(found, ctx)[:k]
    if ctx.catalog is None:
        return []
    items = candidate_pool(ctx.request, ctx.catalog, category, k=k + len(excluded))
    items = [i for i in items if i.id not in excluded and not breaks(i, ctx.request)]
    return _order(items, ctx)[:k]


def _order(items: list[CatalogItem], ctx: Context) -> list[CatalogItem]:
    if "too_expensive" in ctx.feedback:
        return sorted(items, key=lambda i: (i.price, i.id))
    if ctx.level == "small":
        return items  # first come, first chosen
    return sorted(items, key=lambda i: (-preference_score(i, ctx.request), i.id))


def why(item: CatalogItem, request: BirthdayRequest) -> str:
    """One sentence on why ``item`` fits (for an item only a tool knows, what the tool said)."""
    if TOOL_TAG in item.tags:
        return f"{item.name} was returned by the tool at {money(item.price)}."
    return why_item(item, request)


def select_plan(ctx: Context, categories: list[str] | None = None) -> list[PlanItem]:
    """One grounded item per needed category: optimised under the budget (full) or first fit (small)."""
    cats = categories or needed_categories(ctx)
    pools = {c: pool(ctx, c) for c in cats}
    n = guests(ctx.request)
    if ctx.level == "full" and ctx.catalog is not None:
        from tutorial_helpers.planning.reference import assemble_plan

        # with a known request (its city), its required categories must fit and the other options
        # are extras, dropped first when the budget does not stretch to them
        have = [c for c in cats if pools[c]]
        must = set(required_categories(ctx.request)) if ctx.request.city else set(have)
        required = [c for c in have if c in must] or have
        optional = [c for c in have if c not in required]
        plan = assemble_plan(ctx.request, pools, ctx.catalog, required=required, optional=optional)
        if plan.items:
            return list(plan.items)
        # nothing fits the budget together: cheapest acceptable item per category
        return [PlanItem.from_item(min(p, key=lambda i: PlanItem.from_item(i, n).subtotal), n,
                                   why=why(min(p, key=lambda i: PlanItem.from_item(i, n).subtotal), ctx.request))
                for p in pools.values() if p]
    return [PlanItem.from_item(p[0], n, why=why(p[0], ctx.request)) for p in pools.values() if p]


def recommendations(ctx: Context, per_category: int = 2) -> dict[str, list[CatalogItem]]:
    """A few grounded items per needed category, best first."""
    return {c: pool(ctx, c)[:per_category] for c in needed_categories(ctx)}


def option_items(ctx: Context) -> list[CatalogItem]:
    """Items offered as options in the conversation (tool results, option lists), in order."""
    return ctx.candidates()


def money(x: float) -> str:
    return f"${x:,.2f}"


def describe(item: CatalogItem, request: BirthdayRequest | None = None) -> str:
    """``id name (price)`` for a line of text."""
    unit = {"per_guest": " per guest", "per_unit": " per pack"}.get(item.pricing, "")
    return f"{item.id} {item.name} ({money(item.price)}{unit})"


def plan_items_in_text(ctx: Context) -> list[tuple[CatalogItem, float | None]]:
    """Items of a plan written in the messages (system prompt or user text), with the subtotal shown if any."""
    out: list[tuple[CatalogItem, float | None]] = []
    texts = [ctx.system_text, *ctx.user_texts, *ctx.assistant_texts[-1:]]
    for text in texts:
        for line in text.splitlines():
            for m in re.finditer(r"\b(?:" + "|".join(CATEGORIES) + r")-[a-z0-9]+(?:-[a-z0-9]+)*\b", line, re.I):
                item = ctx.item(m.group(0).lower())
                if item is None or any(item.id == o.id for o, _ in out):
                    continue
                rest = line[m.end():]
                price = re.search(r"\$\s?(\d[\d,]*(?:\.\d+)?)", rest)
                out.append((item, float(price.group(1).replace(",", "")) if price else None))
    return out


def plan_total(ctx: Context, items: list[tuple[CatalogItem, float | None]]) -> float:
    """The cost of those items for the request's guests (computed, not trusted from the text)."""
    n = guests(ctx.request)
    return round(sum(PlanItem.from_item(i, n).subtotal for i, _ in items), 2)


def as_plan_dict(ctx: Context, items: list[PlanItem]) -> dict[str, Any]:
    """Known request values and chosen items, for filling schemas by name."""
    return {"items": items, "total": round(sum(p.subtotal for p in items), 2)}
