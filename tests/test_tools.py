"""The typed tools: schemas from signatures, call_tool's error paths, budget math, availability, cart, failures.

Runs on a small fake catalog (the tools read any object with the Catalog interface), so these tests
check the tools' own logic; tests at the end run a few calls against the shipped catalog.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from tutorial_helpers import tools
from tutorial_helpers.domain import CatalogItem

TODAY = dt.date(2026, 11, 22)  # a Sunday
SATURDAY = "2026-11-28"
MONDAY = "2026-11-23"


def _item(id: str, category: str, price: float, pricing: str = "flat", **kw: Any) -> CatalogItem:
    return CatalogItem(id=id, name=kw.pop("name", id.replace("-", " ").title()), category=category,
                       description=kw.pop("description", f"A {category}."), price=price, pricing=pricing,
                       rating=4.5, review_count=10, **kw)


ITEMS = [
    _item("gift-dino", "gift", 25.0, interests=["dinosaurs"], age_min=6, age_max=9, tags=["toy", "dinosaur"]),
    _item("gift-rocket", "gift", 80.0, interests=["space"], age_min=8, age_max=12, tags=["rocket"]),
    _item("cake-vegan", "cake", 5.0, "per_guest", allergens=["gluten"], diet_tags=["vegan", "dairy-free"],
          city="Austin", lead_time_days=2, servings=1),
    _item("cake-nutty", "cake", 4.0, "per_guest", allergens=["peanuts", "dairy"], diet_tags=[],
          city="Austin", lead_time_days=5, servings=1),
    _item("venue-hall", "venue", 300.0, city="Austin", capacity=50, open_days=["Fri", "Sat", "Sun"]),
    _item("venue-room", "venue", 120.0, city="Boston", capacity=10, open_days=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
    _item("deco-balloons", "decoration", 12.0, "per_unit", tags=["balloons"]),
]


@dataclass
class Hit:
    item: CatalogItem
    score: float


class FakeCatalog:
    """The Catalog interface over a handful of items (naive word-overlap search)."""

    def __init__(self, items: list[CatalogItem]) -> None:
        self.items = list(items)
        self._by_id = {i.id: i for i in items}
        self.last_filters: dict[str, Any] = {}

    def get(self, item_id: str) -> CatalogItem | None:
        return self._by_id.get(item_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def filter(self, category=None, city=None, age=None, interests_any=None, avoid_allergens=None, dietary=None,
               max_price=None, min_capacity=None, open_on=None, today=None, ready_by=None) -> list[CatalogItem]:
        out = []
        for i in self.items:
            if category and i.category != category:
                continue
            if city and i.city not in (None, city):
                continue
            if not i.fits_age(age) or (max_price is not None and i.price > max_price):
                continue
            if avoid_allergens and set(i.allergens) & set(avoid_allergens):
                continue
            if dietary and i.category in ("cake", "food") and not set(dietary) <= set(i.diet_tags):
                continue
            if min_capacity and i.category == "venue" and (i.capacity or 0) < min_capacity:
                continue
            if not i.open_on(open_on):
                continue
            if ready_by and today and i.lead_time_days and today + dt.timedelta(days=i.lead_time_days) > ready_by:
                continue
            out.append(i)
        return out

    def search(self, query: str, k: int = 10, mode: str = "hybrid", **filters: Any) -> list[Hit]:
        self.last_filters = filters
        words = set(query.lower().split())
        hits = [Hit(i, len(words & set(i.search_text().lower().split())) + i.rating / 10) for i in self.filter(**filters)]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def stats(self) -> dict[str, Any]:
        return {"total": len(self.items)}


@pytest.fixture(autouse=True)
def fake_world():
    cart = tools.Cart()
    with tools.use_catalog(FakeCatalog(ITEMS)) as catalog, tools.today_as(TODAY), tools.use_cart(cart):
        yield catalog


# ------------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(tools.REGISTRY))
def test_schema_matches_signature(name):
    fn = tools.REGISTRY[name]
    schema = tools.openai_schema(fn)
    json.dumps(schema)  # JSON-ready
    assert schema["type"] == "function"
    f = schema["function"]
    assert f["name"] == name
    assert f["description"] and "Args:" not in f["description"] and len(f["description"]) < 1024
    params = f["parameters"]
    assert params["type"] == "object" and params["additionalProperties"] is False
    sig = inspect.signature(fn)
    assert list(params["properties"]) == list(sig.parameters)
    required = [n for n, p in sig.parameters.items() if p.default is inspect.Parameter.empty]
    assert sorted(params["required"]) == sorted(required)
    for pname, prop in params["properties"].items():
        assert prop.get("description"), f"{name}.{pname} has no description"
        assert "anyOf" not in prop and "title" not in prop
        assert prop.get("type") in ("string", "integer", "number", "array", "boolean")


def test_schema_types_follow_annotations():
    props = tools.openai_schema(tools.search_catalog)["function"]["parameters"]["properties"]
    assert props["query"]["type"] == "string"
    assert props["max_price"]["type"] == "number"
    assert props["age"]["type"] == "integer"
    assert props["avoid_allergens"] == {**props["avoid_allergens"], "type": "array", "items": {"type": "string"}}
    assert props["k"]["default"] == 8


def test_openai_tools_groups_and_unknown():
    names = [t["function"]["name"] for t in tools.openai_tools(["catalog", "check_budget", "get_item"])]
    assert names == ["search_catalog", "get_item", "check_availability", "check_budget"]
    assert len(tools.openai_tools()) == len(tools.REGISTRY)
    with pytest.raises(KeyError):
        tools.openai_tools(["no_such_tool"])


def test_parse_docstring_multiline_args():
    def f(a: int, b: str = "x") -> None:
        """Do a thing.

        More words.

        Args:
            a: first line
                continues here.
            b (str): second.

        Returns:
            nothing: really.
        """

    desc, params = tools.parse_docstring(f)
    assert desc == "Do a thing.\n\nMore words."
    assert params == {"a": "first line continues here.", "b": "second."}


# ------------------------------------------------------------------------------------------------
# call_tool error paths
# ------------------------------------------------------------------------------------------------


def test_call_tool_ok_with_json_string_and_dict():
    result, err = tools.call_tool("get_item", '{"item_id": "gift-dino"}')
    assert err is None and result["id"] == "gift-dino" and result["description"]
    result2, err2 = tools.call_tool("get_item", {"item_id": "gift-dino"})
    assert err2 is None and result2 == result


def test_call_tool_unknown_tool():
    result, err = tools.call_tool("order_pizza", "{}")
    assert result is None and "order_pizza" in err and "search_catalog" in err


@pytest.mark.parametrize("raw", ['{"item_id": "gift-dino"', "item_id=gift-dino", "{'item_id': 'x'}"])
def test_call_tool_bad_json(raw):
    result, err = tools.call_tool("get_item", raw)
    assert result is None and "not valid JSON" in err


def test_call_tool_arguments_not_an_object():
    result, err = tools.call_tool("get_item", '["gift-dino"]')
    assert result is None and "JSON object" in err


def test_call_tool_wrong_type_missing_and_extra():
    _, err = tools.call_tool("estimate_cost", {"item_ids": ["gift-dino"], "guests": "many"})
    assert err and "guests" in err and "integer" in err
    _, err = tools.call_tool("estimate_cost", {"item_ids": ["gift-dino"]})
    assert err and "guests" in err and "required" in err.lower()
    _, err = tools.call_tool("get_item", {"item_id": "gift-dino", "verbose": True})
    assert err and "verbose" in err


def test_call_tool_coerces_numeric_strings_like_models_send():
    result, err = tools.call_tool("estimate_cost", {"item_ids": ["cake-vegan"], "guests": "12"})
    assert err is None and result["total"] == 60.0


def test_call_tool_tool_raising():
    def boom(x: int) -> dict:
        """Always fails.

        Args:
            x: anything.
        """
        raise RuntimeError("the warehouse is on fire")

    result, err = tools.call_tool("boom", {"x": 1}, registry={"boom": boom})
    assert result is None and "warehouse is on fire" in err and "RuntimeError" in err


def test_call_tool_timeout():
    def slow(seconds: float) -> dict:
        """Sleeps.

        Args:
            seconds: how long.
        """
        time.sleep(seconds)
        return {"slept": seconds}

    result, err = tools.call_tool("slow", {"seconds": 2.0}, timeout_s=0.2, registry={"slow": slow})
    assert result is None and "timed out" in err
    result, err = tools.call_tool("slow", {"seconds": 0.0}, timeout_s=2, registry={"slow": slow})
    assert err is None and result == {"slept": 0.0}


def test_call_tool_timeout_thread_sees_current_cart():
    cart = tools.Cart()
    with tools.use_cart(cart):
        _, err = tools.call_tool("add_to_cart", {"item_id": "gift-dino"}, timeout_s=5)
    assert err is None and cart.item_ids == ["gift-dino"]


# ------------------------------------------------------------------------------------------------
# Tools answer errors instead of raising
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, needle", [
    ({"query": "cake", "category": "pony"}, "Unknown category"),
    ({"query": "cake", "city": "Paris"}, "Austin"),
    ({"query": "cake", "avoid_allergens": ["kryptonite"]}, "allergen"),
    ({"query": "cake", "dietary": ["carnivore"]}, "diet"),
    ({"query": "cake", "date": "next saturday"}, "YYYY-MM-DD"),
    ({"query": "cake", "date": "2020-01-01"}, "past"),
    ({"query": "cake", "k": 0}, "at least 1"),
    ({"query": "cake", "age": 300}, "age"),
    ({"query": "  "}, "query"),
])
def test_search_bad_arguments_answer_error(kwargs, needle):
    out = tools.search_catalog(**kwargs)
    assert isinstance(out, dict) and needle in out["error"]


def test_search_filters_are_hard_and_normalised(fake_world):
    hits = tools.search_catalog("cake", category="Cakes", city="austin", avoid_allergens=["peanut"], date=SATURDAY)
    assert [h["id"] for h in hits] == ["cake-vegan"]
    f = fake_world.last_filters
    assert f["category"] == "cake" and f["city"] == "Austin" and f["avoid_allergens"] == ["peanuts"]
    assert f["open_on"] == dt.date(2026, 11, 28) and f["today"] == TODAY and f["ready_by"] == dt.date(2026, 11, 28)
    hit = hits[0]
    assert {"id", "name", "category", "price", "pricing", "rating", "city", "allergens", "diet_tags",
            "lead_time_days", "score"} <= set(hit)
    assert "description" not in hit
    assert tools.search_catalog("dinosaur", category="gift", age=7)[0]["id"] == "gift-dino"
    assert tools.search_catalog("party", category="venue", min_capacity=20, city="Austin")[0]["capacity"] == 50


def test_get_item_unknown_suggests_close_id():
    out = tools.get_item("gift-dinoo")
    assert "error" in out and "gift-dino" in out["error"]


# ------------------------------------------------------------------------------------------------
# Availability
# ------------------------------------------------------------------------------------------------


def test_availability_open_and_capacity():
    ok = tools.check_availability("venue-hall", SATURDAY, guests=40)
    assert ok["available"] and ok["open"] and ok["capacity_ok"] and ok["lead_time_ok"] is None
    assert ok["weekday"] == "Saturday"
    closed = tools.check_availability("venue-hall", MONDAY, guests=40)
    assert not closed["available"] and closed["open"] is False
    assert any("Closed on Mondays" in r and "Friday" in r for r in closed["reasons"])
    small = tools.check_availability("venue-hall", SATURDAY, guests=80)
    assert not small["available"] and small["capacity_ok"] is False and any("50" in r for r in small["reasons"])


def test_availability_lead_time():
    # today 2026-11-22: a 2-day cake is ready 11-24, a 5-day cake 11-27
    assert tools.check_availability("cake-vegan", "2026-11-24")["lead_time_ok"] is True
    late = tools.check_availability("cake-nutty", "2026-11-24")
    assert late["available"] is False and late["lead_time_ok"] is False
    assert any("2026-11-27" in r for r in late["reasons"])
    assert tools.check_availability("cake-nutty", "2026-11-27")["available"] is True


def test_availability_errors():
    assert "error" in tools.check_availability("nope", SATURDAY)
    assert "YYYY-MM-DD" in tools.check_availability("venue-hall", "28/11/2026")["error"]
    assert "error" in tools.check_availability("venue-hall", SATURDAY, guests=0)
    past = tools.check_availability("venue-hall", "2026-11-01")
    assert past["available"] is False and "past" in past["reasons"][0]


# ------------------------------------------------------------------------------------------------
# Budget math
# ------------------------------------------------------------------------------------------------


def test_estimate_cost_quantities_and_total():
    out = tools.estimate_cost(["cake-vegan", "venue-hall", "deco-balloons", "gift-dino"], guests=12)
    lines = {line["id"]: line for line in out["lines"]}
    assert lines["cake-vegan"]["quantity"] == 12 and lines["cake-vegan"]["subtotal"] == 60.0
    assert lines["venue-hall"]["quantity"] == 1 and lines["venue-hall"]["subtotal"] == 300.0
    assert lines["deco-balloons"]["quantity"] == 2 and lines["deco-balloons"]["subtotal"] == 24.0  # 1 pack / 10 guests
    assert out["total"] == pytest.approx(60 + 300 + 24 + 25)
    assert out["total"] == pytest.approx(sum(line["subtotal"] for line in out["lines"]))


def test_estimate_cost_errors():
    assert "error" in tools.estimate_cost([], guests=3)
    assert "error" in tools.estimate_cost(["gift-dino"], guests=0)
    assert "nope" in tools.estimate_cost(["gift-dino", "nope"], guests=3)["error"]


def test_check_budget_within_and_over():
    ok = tools.check_budget(["cake-vegan", "gift-dino"], guests=10, budget=100)
    assert ok["within_budget"] and ok["total"] == 75.0 and ok["over_by"] == 0.0 and ok["remaining"] == 25.0
    exact = tools.check_budget(["cake-vegan", "gift-dino"], guests=10, budget=75)
    assert exact["within_budget"]
    over = tools.check_budget(["cake-vegan", "venue-hall"], guests=10, budget=200)
    assert not over["within_budget"] and over["over_by"] == 150.0 and "venue-hall" in over["advice"]
    assert "error" in tools.check_budget(["gift-dino"], guests=1, budget=-5)


# ------------------------------------------------------------------------------------------------
# Cart and calendar
# ------------------------------------------------------------------------------------------------


def test_cart_ops():
    view = tools.add_to_cart("cake-vegan", quantity=12)
    assert view["count"] == 1 and view["total"] == 60.0
    tools.add_to_cart("gift-dino")
    view = tools.add_to_cart("cake-vegan", quantity=10)  # replaces, does not add
    assert view["count"] == 2 and view["total"] == 75.0
    assert tools.view_cart() == view
    assert "error" in tools.add_to_cart("nope")
    assert "error" in tools.add_to_cart("gift-dino", quantity=0)
    assert "not in the cart" in tools.remove_from_cart("venue-hall")["error"]
    view = tools.remove_from_cart("cake-vegan")
    assert [i["id"] for i in view["items"]] == ["gift-dino"] and view["total"] == 25.0
    assert tools.clear_cart()["count"] == 0


def test_cart_instances_are_independent_and_use_guests():
    a, b = tools.Cart(guests=20), tools.Cart()
    a.add("cake-vegan")
    assert a.total() == 100.0 and len(b) == 0
    b.add("cake-vegan")
    assert b.view()["total"] == 5.0 and "note" in b.view()
    with tools.use_cart(b):
        assert tools.view_cart()["count"] == 1
    assert [p.id for p in a.plan_items()] == ["cake-vegan"]


def test_calendar():
    assert tools.day_of_week(SATURDAY) == {"date": SATURDAY, "weekday": "Saturday", "weekday_short": "Sat",
                                           "is_weekend": True}
    assert tools.day_of_week(MONDAY)["is_weekend"] is False
    assert tools.days_until(SATURDAY)["days"] == 6
    assert tools.days_until("2026-11-20")["in_past"] is True
    assert "error" in tools.day_of_week("tomorrow")
    with tools.today_as("2026-11-27"):
        assert tools.days_until(SATURDAY)["days"] == 1
    assert tools.get_today() == TODAY


# ------------------------------------------------------------------------------------------------
# Failure injection
# ------------------------------------------------------------------------------------------------


def _failures(rate: float, seed: int, n: int = 400) -> list[bool]:
    with tools.inject_failures(rate, seed) as stats:
        out = [tools.call_tool("day_of_week", {"date": SATURDAY})[1] is not None for _ in range(n)]
    assert stats.calls == n and stats.failures == sum(out)
    return out


def test_failure_injection_rate_and_determinism():
    a = _failures(0.25, seed=1)
    assert 0.18 < sum(a) / len(a) < 0.32
    assert a == _failures(0.25, seed=1)
    assert a != _failures(0.25, seed=2)
    assert not any(_failures(0.0, seed=1, n=50)) and all(_failures(1.0, seed=1, n=50))
    # outside the block, nothing fails
    assert tools.call_tool("day_of_week", {"date": SATURDAY})[1] is None


def test_failure_raises_inside_the_tool_and_reads_well():
    with tools.inject_failures(1.0, seed=0, tools=["get_item"]) as stats:
        with pytest.raises(tools.ToolFailure):
            tools.get_item("gift-dino")
        _, err = tools.call_tool("get_item", {"item_id": "gift-dino"})
        assert "temporarily unavailable" in err and "again" in err
        assert tools.day_of_week(SATURDAY)["weekday"] == "Saturday"  # not in the list: never fails
    assert stats.failed_tools == ["get_item", "get_item"]
    with pytest.raises(ValueError):
        with tools.inject_failures(1.5, seed=0):
            pass


def test_results_are_json_text():
    text = tools.to_text(tools.search_catalog("cake", category="cake", city="Austin"))
    assert isinstance(json.loads(text), list)


def test_strict_schema_and_null_optionals():
    fn = tools.openai_schema(tools.search_catalog, strict=True)["function"]
    params = fn["parameters"]
    assert fn["strict"] is True and params["additionalProperties"] is False
    assert sorted(params["required"]) == sorted(params["properties"])
    assert params["properties"]["k"]["type"] == ["integer", "null"] and "default" not in params["properties"]["k"]
    assert params["properties"]["query"]["type"] == "string"
    args = {name: None for name in params["properties"]} | {"query": "cake", "category": "cake", "city": "Austin"}
    result, err = tools.call_tool("search_catalog", json.dumps(args))
    assert err is None and [h["id"] for h in result] == ["cake-vegan", "cake-nutty"]
    _, err = tools.call_tool("get_item", {"item_id": None})
    assert err and "item_id" in err  # a required argument may not be null


# ------------------------------------------------------------------------------------------------
# Against the shipped catalog
# ------------------------------------------------------------------------------------------------


def test_filters_hold_on_the_shipped_catalog():
    from tutorial_helpers.catalog import load_catalog

    with tools.use_catalog(load_catalog()):
        cakes = tools.search_catalog("chocolate birthday cake", category="cake", city="Denver", dietary=["vegan"],
                                     avoid_allergens=["sesame"], max_price=6, date="2026-11-25", k=10)
        assert cakes, "the catalog guarantees cheap vegan cakes with short lead times in every city"
        for c in cakes:
            assert c["city"] == "Denver" and "vegan" in c["diet_tags"] and "sesame" not in c["allergens"]
            assert c["price"] <= 6 and c["lead_time_days"] <= 3
            assert tools.check_availability(c["id"], "2026-11-25")["available"]
        venues = tools.search_catalog("party room", category="venue", city="Seattle", min_capacity=30,
                                      date="2026-11-28", k=5)
        assert venues and all(v["capacity"] >= 30 and "Sat" in v["open_days"] for v in venues)
        ids = [cakes[0]["id"], venues[0]["id"]]
        est = tools.estimate_cost(ids, guests=30)
        assert est["total"] == pytest.approx(cakes[0]["price"] * 30 + venues[0]["price"])
