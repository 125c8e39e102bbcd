"""Fairness and bias: who gets recommended, and a re-ranker that spreads exposure at a measured price.

Exposure is counted over the plans of many requests (a grid of cities, ages, interests, budgets):

* by **vendor** (the brand that starts an item's name, e.g. "Flour Child" cakes; for places, the
  neighbourhood that starts it), by **price band** (cheapest, middle, dearest third of its category)
  and by **city**;
* **popularity bias**: the Gini coefficient of how often each item is recommended, against the Gini of
  the catalog's own popularity (review counts), and the mean popularity percentile of what is chosen.

:class:`ExposureReranker` re-ranks each category's valid candidates by ``preference - weight x
exposure so far`` (exposure: how often the item and its vendor were already recommended), so a
planner that serves requests one after another spreads its picks. Its price is measured, not
assumed: the share of plans that still pass every check (interests included) falls as the weight grows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of non-negative ``values`` (0: all equal; near 1: one takes everything).

    >>> gini([1, 1, 1, 1])
    0.0
    >>> round(gini([0, 0, 0, 4]), 2)
    0.75
    """
    xs = sorted(float(v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    cum = sum((i + 1) * x for i, x in enumerate(xs))
    return round((2 * cum) / (n * total) - (n + 1) / n, 6)


def vendors(catalog: Catalog) -> dict[str, str]:
    """item id -> vendor: the longest name prefix (one or two words) that at least three items of the category share."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in catalog:
        words = item.name.split()
        for k in (1, 2):
            if len(words) > k:
                counts[(item.category, " ".join(words[:k]))] += 1
    out = {}
    for item in catalog:
        words = item.name.split()
        two, one = " ".join(words[:2]), words[0]
        out[item.id] = two if counts[(item.category, two)] >= 3 else one
    return out


def price_bands(catalog: Catalog) -> dict[str, str]:
    """item id -> "low" / "mid" / "high": the item's price third within its category."""
    out: dict[str, str] = {}
    by_cat: dict[str, list[CatalogItem]] = {}
    for item in catalog:
        by_cat.setdefault(item.category, []).append(item)
    for items in by_cat.values():
        ranked = sorted(items, key=lambda i: (i.price, i.id))
        for r, item in enumerate(ranked):
            out[item.id] = ("low", "mid", "high")[min(2, 3 * r // max(1, len(ranked)))]
    return out


def request_grid(n: int, today: dt.date) -> list[BirthdayRequest]:
    """``n`` varied requests (city x age x interest x guests x budget), deterministic."""
    from tutorial_helpers.domain import CITIES, INTERESTS

    ages = (6, 9, 13, 30, 45)
    out = []
    for k in range(n):
        out.append(BirthdayRequest(
            today=today, recipient_age=ages[k % len(ages)], city=CITIES[k % len(CITIES)],
            date=today + dt.timedelta(days=14 + k % 5), guests=8 + (k * 3) % 15, budget=350.0 + 50 * (k % 4),
            interests=[INTERESTS[(k * 7) % len(INTERESTS)]]))
    return out


class ExposureReranker:
    """Re-rank valid candidates by ``preference_score - weight * exposure``, remembering what it recommended.

    Args:
        weight: 0 keeps the planner's own ranking; larger values push often-shown items and vendors down.
        catalog: the catalog (for vendors).
    """

    def __init__(self, weight: float, catalog: Catalog) -> None:
        self.weight = float(weight)
        self.vendor = vendors(catalog)
        self.item_count: Counter[str] = Counter()
        self.vendor_count: Counter[str] = Counter()

    def rerank(self, request: BirthdayRequest, items: Sequence[CatalogItem]) -> list[CatalogItem]:
        """``items`` ordered by adjusted score (exposure counts normalised by the busiest item / vendor)."""
        from tutorial_helpers.planning.candidates import preference_score

        top_i = max(self.item_count.values(), default=0) or 1
        top_v = max(self.vendor_count.values(), default=0) or 1

        def score(i: CatalogItem) -> float:
            exposure = self.item_count[i.id] / top_i + self.vendor_count[self.vendor.get(i.id, "")] / top_v
            return preference_score(i, request) - self.weight * exposure

        return sorted(items, key=lambda i: (-score(i), i.id))

    def record(self, plan: BirthdayPlan) -> None:
        """Count ``plan``'s items as exposed."""
        for item_id in plan.item_ids():
            self.item_count[item_id] += 1
            self.vendor_count[self.vendor.get(item_id, "")] += 1


#: how many re-ranked candidates per category the optimiser may choose from (the re-ranker's shortlist)
SHORTLIST = 3


def plan_many(requests: list[BirthdayRequest], catalog: Catalog, weight: float = 0.0) -> list[BirthdayPlan]:
    """Plan ``requests`` in order with the reference planner; with ``weight > 0`` each category's shortlist is the
    top :data:`SHORTLIST` of :class:`ExposureReranker`'s order (plus the cheapest valid item, as the planner keeps)."""
    from tutorial_helpers.planning.candidates import candidate_pool, optional_categories, required_categories
    from tutorial_helpers.planning.reference import TOP_N, assemble_plan

    rr = ExposureReranker(weight, catalog)
    plans = []
    for req in requests:
        cats = required_categories(req) + optional_categories(req)
        cands = {}
        for c in cats:
            pool = candidate_pool(req, catalog, c, k=40)
            cands[c] = rr.rerank(req, pool)[:SHORTLIST] if weight > 0 else pool[:TOP_N]
        plan = assemble_plan(req, cands, catalog)
        rr.record(plan)
        plans.append(plan)
    return plans


def exposure_report(plans: list[BirthdayPlan], catalog: Catalog,
                    categories: Iterable[str] = ("gift", "cake", "venue")) -> dict[str, Any]:
    """Exposure and popularity figures of ``plans`` over the items of ``categories``.

    Returns:
        ``gini_items`` (recommendation counts over every item of those categories, zeros included),
        ``gini_vendors`` (the same over vendors), ``gini_catalog_popularity`` (review counts of the same
        items), ``coverage`` (share of those
        items recommended at least once), ``vendors_shown``, ``top_vendor_share``, ``popularity_percentile``
        (mean review-count percentile of recommended items, 0.5 = typical), and shares by price band
        (``band_low``, ``band_mid``, ``band_high``) and by city (``by_city``).
    """
    cats = set(categories)
    pool = [i for i in catalog if i.category in cats]
    vend, band = vendors(catalog), price_bands(catalog)
    counts: Counter[str] = Counter(
        i for p in plans for i in p.item_ids() if catalog.get(i) and catalog.get(i).category in cats)
    ranked = sorted(pool, key=lambda i: (i.review_count, i.id))
    pct = {item.id: r / max(1, len(ranked) - 1) for r, item in enumerate(ranked)}
    shown = sum(counts.values()) or 1
    by_vendor = Counter(vend[i] for i in counts.elements())
    by_band = Counter(band[i] for i in counts.elements())
    by_city = Counter(catalog.get(i).city or "ships" for i in counts.elements())
    all_vendors = sorted({vend[i.id] for i in pool})
    return {
        "gini_items": gini(counts.get(i.id, 0) for i in pool),
        "gini_vendors": gini(by_vendor.get(v, 0) for v in all_vendors),
        "gini_catalog_popularity": gini(i.review_count for i in pool),
        "coverage": round(len(counts) / max(1, len(pool)), 3),
        "vendors_shown": len(by_vendor),
        "top_vendor_share": round(max(by_vendor.values(), default=0) / shown, 3),
        "popularity_percentile": round(sum(pct[i] for i in counts.elements()) / shown, 3),
        **{f"band_{b}": round(by_band.get(b, 0) / shown, 3) for b in ("low", "mid", "high")},
        "by_city": {c: round(n / shown, 3) for c, n in sorted(by_city.items())},
    }


def pass_rate(plans: list[BirthdayPlan], catalog: Catalog) -> float:
    """Share of plans that are feasible and pass every check of the guardrail (interests included)."""
    from tutorial_helpers.planning.guardrail import validate_plan

    ok = sum(bool(p.feasible and not validate_plan(p, p.request, catalog)) for p in plans)
    return round(ok / max(1, len(plans)), 3)


def tradeoff(requests: list[BirthdayRequest], catalog: Catalog, weights: list[float]) -> list[dict[str, Any]]:
    """Per re-ranking weight: pass rate, mean preference score of the chosen items (the planner's own measure of
    fit), item and vendor Gini, coverage, vendors shown, popularity percentile."""
    from tutorial_helpers.planning.candidates import preference_score

    rows = []
    for w in weights:
        plans = plan_many(requests, catalog, w)
        rep = exposure_report(plans, catalog)
        scores = [preference_score(catalog.get(i), p.request) for p in plans for i in p.item_ids() if catalog.get(i)]
        rows.append({"weight": w, "pass_rate": pass_rate(plans, catalog),
                     "mean_preference": round(sum(scores) / max(1, len(scores)), 4),
                     **{k: rep[k] for k in ("gini_items", "gini_vendors", "coverage", "vendors_shown",
                                            "top_vendor_share",
                                            "popularity_percentile")}})
    return rows
