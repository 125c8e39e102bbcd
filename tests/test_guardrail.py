"""The guardrail on hand-made violating plans: every check fires, and repair fixes what it can."""

from __future__ import annotations

import datetime as dt

import pytest

from tutorial_helpers.catalog import load_catalog
from tutorial_helpers.domain import BirthdayRequest, PlanItem, Violation
from tutorial_helpers.planning.guardrail import guard, repair_plan, validate_plan
from tutorial_helpers.planning.reference import plan_request

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def request_ex01() -> BirthdayRequest:
    return BirthdayRequest(
        recipient_name="Maya", recipient_age=8, interests=["dinosaurs", "painting"],
        avoid_allergens=["peanuts", "tree nuts"], city="Austin", date=dt.date(2026, 11, 28),
        guests=12, budget=400, today=TODAY,
    )


@pytest.fixture(scope="module")
def good_plan(request_ex01, catalog):
    plan = plan_request(request_ex01, catalog)
    assert plan.feasible, plan.reasons
    return plan


def checks_of(violations: list[Violation]) -> set[str]:
    return {v.check for v in violations}


def replace(plan, category, item, guests=12):
    out = plan.model_copy(deep=True)
    out.items = [p for p in out.items if p.category != category] + [PlanItem.from_item(item, guests)]
    out.recompute_total()
    return out


def test_valid_plan_has_no_violations(good_plan, request_ex01, catalog):
    assert validate_plan(good_plan, request_ex01, catalog) == []
    assert {"gift", "cake", "venue"} <= {p.category for p in good_plan.items}
    assert good_plan.total_cost <= 400


def test_invented_item_is_ungrounded(good_plan, request_ex01, catalog):
    bad = good_plan.model_copy(deep=True)
    bad.items.append(PlanItem(id="gift-9999999", category="gift", name="Golden T-Rex", unit_price=5, pricing="flat", quantity=1, subtotal=5))
    bad.recompute_total()
    assert "grounded" in checks_of(validate_plan(bad, request_ex01, catalog))


def test_wrong_price_is_ungrounded(good_plan, request_ex01, catalog):
    bad = good_plan.model_copy(deep=True)
    bad.items[0] = bad.items[0].model_copy(update={"unit_price": 0.01, "subtotal": round(0.01 * bad.items[0].quantity, 2)})
    bad.recompute_total()
    assert "grounded" in checks_of(validate_plan(bad, request_ex01, catalog))


def test_total_that_does_not_add_up(good_plan, request_ex01, catalog):
    bad = good_plan.model_copy(deep=True)
    bad.total_cost = 1.0
    assert "budget" in checks_of(validate_plan(bad, request_ex01, catalog))


def test_over_budget(good_plan, request_ex01, catalog):
    pricey = max(catalog.filter(category="gift", age=8, avoid_allergens=["peanuts", "tree nuts"]), key=lambda i: i.price)
    bad = good_plan.model_copy(deep=True)
    bad.items.append(PlanItem.from_item(pricey, 12))
    for _ in range(5):
        bad.items.append(PlanItem.from_item(pricey, 12, quantity=3))
    bad.recompute_total()
    assert bad.total_cost > 400
    assert "budget" in checks_of(validate_plan(bad, request_ex01, catalog))


def test_per_guest_item_must_cover_every_guest(good_plan, request_ex01, catalog):
    bad = good_plan.model_copy(deep=True)
    i = next(k for k, p in enumerate(bad.items) if p.pricing == "per_guest")
    bad.items[i] = PlanItem.from_item(catalog.get(bad.items[i].id), 12, quantity=2)
    bad.recompute_total()
    assert "budget" in checks_of(validate_plan(bad, request_ex01, catalog))


def test_allergen_cake(good_plan, request_ex01, catalog):
    nutty = next(i for i in catalog.filter(category="cake", city="Austin") if "peanuts" in i.allergens or "tree nuts" in i.allergens)
    assert "allergens" in checks_of(validate_plan(replace(good_plan, "cake", nutty), request_ex01, catalog))


def test_dietary(good_plan, request_ex01, catalog):
    vegan_req = request_ex01.model_copy(update={"dietary": ["vegan"]})
    cake = next(i for i in catalog.filter(category="cake", city="Austin", avoid_allergens=["peanuts", "tree nuts"]) if "vegan" not in i.diet_tags)
    assert "dietary" in checks_of(validate_plan(replace(good_plan, "cake", cake), vegan_req, catalog))


def test_age(good_plan, request_ex01, catalog):
    adult = next(i for i in catalog.filter(category="gift") if i.age_min is not None and i.age_min >= 18)
    assert "age" in checks_of(validate_plan(replace(good_plan, "gift", adult), request_ex01, catalog))


def test_city(good_plan, request_ex01, catalog):
    venue = next(i for i in catalog.filter(category="venue", city="Boston", min_capacity=12) if i.city == "Boston")
    assert "city" in checks_of(validate_plan(replace(good_plan, "venue", venue), request_ex01, catalog))


def test_capacity(good_plan, request_ex01, catalog):
    small = min((i for i in catalog.filter(category="venue", city="Austin") if i.city), key=lambda i: i.capacity or 0)
    assert small.capacity < 12
    assert "capacity" in checks_of(validate_plan(replace(good_plan, "venue", small), request_ex01, catalog))


def test_closed_venue(good_plan, request_ex01, catalog):
    closed = [i for i in catalog.filter(category="venue", city="Austin", min_capacity=12) if i.city and "Sat" not in (i.open_days or [])]
    assert closed, "the catalog should have venues closed on Saturdays"
    assert "date" in checks_of(validate_plan(replace(good_plan, "venue", closed[0]), request_ex01, catalog))


def test_cake_lead_time(good_plan, request_ex01, catalog):
    tight = request_ex01.model_copy(update={"date": dt.date(2026, 11, 23)})  # tomorrow
    slow = next(i for i in catalog.filter(category="cake", city="Austin", avoid_allergens=["peanuts", "tree nuts"]) if (i.lead_time_days or 0) >= 3)
    assert "date" in checks_of(validate_plan(replace(good_plan, "cake", slow), tight, catalog))


def test_missing_category_and_interests(good_plan, request_ex01, catalog):
    bad = good_plan.model_copy(deep=True)
    bad.items = [p for p in bad.items if p.category not in ("gift", "activity")]
    bad.recompute_total()
    found = checks_of(validate_plan(bad, request_ex01, catalog))
    assert {"categories", "interests"} <= found


def test_repair_swaps_violating_items(good_plan, request_ex01, catalog):
    nutty = next(i for i in catalog.filter(category="cake", city="Austin") if "peanuts" in i.allergens)
    broken = replace(good_plan, "cake", nutty)
    broken.items.append(PlanItem(id="gift-9999999", category="gift", name="Invented", unit_price=1, pricing="flat", quantity=1, subtotal=1))
    broken.recompute_total()
    fixed = repair_plan(broken, request_ex01, catalog)
    assert fixed.feasible
    assert fixed.violations == []
    assert validate_plan(fixed, request_ex01, catalog) == []
    assert "gift-9999999" not in fixed.item_ids()
    assert any(p.category == "cake" for p in fixed.items)


def test_repair_brings_plan_under_budget(good_plan, request_ex01, catalog):
    pricey = max(catalog.filter(category="venue", city="Austin", min_capacity=12, open_on=request_ex01.date), key=lambda i: i.price)
    broken = replace(good_plan, "venue", pricey)
    if broken.total_cost <= 400:
        pytest.skip("no venue expensive enough to break this budget")
    fixed = guard(broken, request_ex01, catalog)
    assert fixed.total_cost <= 400
    assert fixed.feasible and fixed.violations == []


def test_unrepairable_plan_is_not_claimed_valid(request_ex01, catalog):
    from tutorial_helpers.domain import BirthdayPlan

    tiny = request_ex01.model_copy(update={"budget": 5.0})
    nutty = next(i for i in catalog.filter(category="cake", city="Austin") if "peanuts" in i.allergens)
    plan = BirthdayPlan(feasible=True, request=tiny, items=[PlanItem.from_item(nutty, 12)])
    plan.recompute_total()
    out = guard(plan, tiny, catalog)
    assert out.feasible is False
    assert out.violations and out.reasons


def test_repair_drops_extras_to_fit_a_forgotten_required_category(good_plan, request_ex01, catalog):
    from tutorial_helpers.planning.candidates import candidate_pool

    venue = min(candidate_pool(request_ex01, catalog, "venue", k=100), key=lambda i: i.price)
    activity = max(candidate_pool(request_ex01, catalog, "activity", k=100), key=lambda i: i.price)
    core = [p for p in good_plan.items if p.category in ("gift", "cake")]
    budget = round(sum(p.subtotal for p in core) + venue.price + 1, 2)
    tight = request_ex01.model_copy(update={"budget": budget})
    broken = good_plan.model_copy(deep=True)
    broken.request = tight
    broken.items = core + [PlanItem.from_item(activity, 12)]  # an expensive extra, and no venue
    broken.recompute_total()
    assert "categories" in checks_of(validate_plan(broken, tight, catalog))
    fixed = guard(broken, tight, catalog)
    assert fixed.feasible and fixed.violations == []
    assert "venue" in {p.category for p in fixed.items} and fixed.total_cost <= budget


def test_repair_swaps_in_a_gift_that_matches_the_interests(good_plan, request_ex01, catalog):
    from tutorial_helpers.planning.candidates import candidate_pool

    wanted = set(request_ex01.interests)
    off_topic = next(i for i in candidate_pool(request_ex01, catalog, "gift", k=400)
                     if not wanted & set(i.interests) and i.price < 30)
    broken = good_plan.model_copy(deep=True)
    broken.items = [p for p in broken.items if p.category not in ("gift", "activity")] + [PlanItem.from_item(off_topic, 12)]
    broken.recompute_total()
    assert "interests" in checks_of(validate_plan(broken, request_ex01, catalog))
    fixed = guard(broken, request_ex01, catalog)
    assert fixed.feasible and fixed.violations == []
    gift = next(p for p in fixed.items if p.category == "gift")
    assert wanted & set(catalog.get(gift.id).interests)
