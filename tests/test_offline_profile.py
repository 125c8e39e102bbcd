"""The offline tiers' declared error profiles: seeded, deterministic, separate from the reader, visible."""

from __future__ import annotations

import json
import re

import pytest
from openai import OpenAI
from pydantic import BaseModel

from tutorial_helpers.llm.offline import start_server
from tutorial_helpers.llm.offline.profile import (
    DEFAULT_PROFILES,
    ERROR_KINDS,
    MISREAD_KINDS,
    REFUSAL,
    ErrorProfile,
    error_profile,
    fired_counts,
    get_error_profile,
    reset_fired_counts,
    set_error_profile,
)

TODAY = "2026-11-22"
REQUEST = (f"Today is {TODAY}. Plan Maya's 8th birthday in Austin on 2026-11-28 for 12 kids, budget $400, "
           "she loves dinosaurs, no peanuts, everything vegetarian.")
PARAPHRASED = (f"Today is {TODAY}. My girl Maya turns eight this coming Saturday in Austin, a dozen kids, crazy "
               "about T-rex, nothing with nuts please, four hundred bucks tops.")
SEARCH = {"type": "function", "function": {
    "name": "search_catalog", "description": "Search the catalog for items.",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "category": {"type": "string"}},
                   "required": ["query"]}}}
ID = re.compile(r"\b(?:gift|cake|venue)-[a-z0-9-]+\b")


class Reading(BaseModel):
    recipient_age: int | None = None
    city: str | None = None
    date: str | None = None
    guests: int | None = None
    budget: float | None = None
    avoid_allergens: list[str] = []
    dietary: list[str] = []


class Pick(BaseModel):
    item_id: str
    total: float


@pytest.fixture(scope="module")
def client():
    srv = start_server(latency_scale=0)
    yield OpenAI(base_url=srv.base_url, api_key="offline")
    srv.stop()


def _chat(client, model="offline-small", seed=0, text=REQUEST, system="You are a birthday planner.", **kw):
    return client.chat.completions.create(model=model, seed=seed, messages=[
        {"role": "system", "content": system}, {"role": "user", "content": text}], **kw)


def test_defaults_are_rates_and_the_small_tier_errs_more():
    small, large = DEFAULT_PROFILES["offline-small"], DEFAULT_PROFILES["offline-large"]
    for kind in ERROR_KINDS:
        assert 0 < large.rate(kind) < small.rate(kind) <= 1, kind
    assert set(small.misread) == set(MISREAD_KINDS)
    assert small.scaled(100).rate("refuse") == 1.0 and small.scaled(0).rate("misread_budget") == 0.0
    with pytest.raises(ValueError):
        ErrorProfile(misread={"shoe size": 0.1})
    with pytest.raises(ValueError):
        ErrorProfile(refuse=1.5)


def test_set_and_context_restore_the_previous_profile():
    default = get_error_profile("offline-small")
    with error_profile("openai/offline-small", refuse=0.5, misread={"budget": 0.9}) as p:
        assert get_error_profile("offline-small") == p
        assert p.refuse == 0.5 and p.misread["budget"] == 0.9
        assert p.misread["date"] == default.misread["date"]  # a partial misread keeps the other kinds
        with error_profile("offline-small", ErrorProfile()):
            assert get_error_profile("offline-small").refuse == 0
        assert get_error_profile("offline-small") == p
    assert get_error_profile("offline-small") == default
    set_error_profile("offline-large", ErrorProfile(refuse=0.3))
    try:
        assert get_error_profile("offline-large").refuse == 0.3
    finally:
        set_error_profile("offline-large", None)
    assert get_error_profile("offline-large") == DEFAULT_PROFILES["offline-large"]
    with pytest.raises(ValueError):
        get_error_profile("gpt-4o")


def test_same_request_same_errors_different_requests_independent(client):
    first = [_chat(client, seed=s).offline_profile["errors"] for s in range(30)]
    again = [_chat(client, seed=s).offline_profile["errors"] for s in range(30)]
    assert first == again  # a pure function of the request
    assert len({tuple(e) for e in first}) > 3  # different requests draw independently
    assert sum(bool(e) for e in first) > 0


def test_errors_are_named_and_counted(client):
    reset_fired_counts()
    names = [e for s in range(30) for e in _chat(client, seed=s).offline_profile["errors"]]
    assert names and set(names) <= set(ERROR_KINDS)
    counts = fired_counts("offline-small")
    assert sum(counts.values()) == len(names)
    r = _chat(client, model="offline-large")
    assert r.offline_profile["model"] == "offline-large"


def test_scaling_keeps_the_draws(client):
    base = get_error_profile("offline-small")
    fired = {}
    for f in (0.0, 1.0, 3.0):
        with error_profile("offline-small", base.scaled(f)):
            fired[f] = [set(_chat(client, seed=s).offline_profile["errors"]) for s in range(25)]
    assert all(not e for e in fired[0.0])
    for one, three in zip(fired[1.0], fired[3.0], strict=True):
        misread_one = {k for k in one if k.startswith("misread_")}
        assert misread_one <= three  # every misreading at 1x also happens at 3x
    assert sum(map(len, fired[3.0])) > sum(map(len, fired[1.0]))


def test_both_tiers_read_with_the_same_reader(client):
    with error_profile("offline-small", ErrorProfile()), error_profile("offline-large", ErrorProfile()):
        small, large = (client.chat.completions.parse(
            model=m, seed=0, response_format=Reading,
            messages=[{"role": "system", "content": "Extract the birthday request."},
                      {"role": "user", "content": PARAPHRASED}]).choices[0].message.parsed
            for m in ("offline-small", "offline-large"))
    assert small == large
    assert small.guests == 12 and small.budget == 400 and small.avoid_allergens  # paraphrases read by both


def test_misreading_changes_what_the_model_understood(client):
    kw = {"response_format": Reading, "messages": [{"role": "system", "content": "Extract the birthday request."},
                                                   {"role": "user", "content": REQUEST}]}
    with error_profile("offline-small", ErrorProfile(misread={"allergens": 1.0, "budget": 1.0})):
        r = client.chat.completions.parse(model="offline-small", seed=0, **kw)
    got = r.choices[0].message.parsed
    assert {"misread_allergens", "misread_budget"} <= set(r.offline_profile["errors"])
    assert got.budget != 400 and "peanuts" not in got.avoid_allergens


def test_each_answer_side_error_does_what_it_says(client):
    from tutorial_helpers.catalog import load_catalog

    cat = load_catalog()
    with error_profile("offline-large", ErrorProfile(refuse=1.0)):
        assert _chat(client, model="offline-large").choices[0].message.content == REFUSAL
    with error_profile("offline-large", ErrorProfile(over_ask=1.0)):
        r = _chat(client, model="offline-large")
        assert r.choices[0].message.content.rstrip().endswith("?") and r.offline_profile["errors"] == ["over_ask"]
    with error_profile("offline-large", ErrorProfile(bad_tool_args=1.0)):
        r = _chat(client, model="offline-large", tools=[SEARCH], tool_choice="required")
        args = json.loads(r.choices[0].message.tool_calls[0].function.arguments)
        assert "query" not in args and "bad_tool_args" in r.offline_profile["errors"]
    rec = "You are a gift recommender. Recommend specific catalog items with their ids and the total."
    with error_profile("offline-large", ErrorProfile(invent_item_id=1.0)):
        r = _chat(client, model="offline-large", system=rec)
        ids = ID.findall(r.choices[0].message.content)
        assert any(cat.get(i) is None for i in ids) and "invent_item_id" in r.offline_profile["errors"]
    with error_profile("offline-large", ErrorProfile(malformed_output=1.0)):
        raw = client.chat.completions.create(model="offline-large", seed=0, messages=[
            {"role": "user", "content": REQUEST}], response_format={"type": "json_object"})
        with pytest.raises(json.JSONDecodeError):
            json.loads(raw.choices[0].message.content)
    sel = "You are the selector. Choose one gift id from the options and give the total cost."
    with error_profile("offline-large", ErrorProfile()):
        good = client.chat.completions.parse(model="offline-large", seed=0, response_format=Pick, messages=[
            {"role": "system", "content": sel}, {"role": "user", "content": REQUEST}]).choices[0].message.parsed
    with error_profile("offline-large", ErrorProfile(arithmetic_error=1.0)):
        r = client.chat.completions.parse(model="offline-large", seed=0, response_format=Pick, messages=[
            {"role": "system", "content": sel}, {"role": "user", "content": REQUEST}])
    assert good.total > 0
    assert r.choices[0].message.parsed.total != good.total and "arithmetic_error" in r.offline_profile["errors"]


def test_the_user_simulator_is_exempt(client):
    """The simulator is part of the evaluation, not the model under test (design.md section 8)."""
    sim = ("You are a user simulator playing a person planning a birthday. Your hidden goal: Maya turns 8, "
           "Austin, 2026-11-28, 12 guests, budget $400.")
    with error_profile("offline-small", ErrorProfile(refuse=1.0, over_ask=1.0, misread={"budget": 1.0})):
        r = _chat(client, system=sim, text="How many guests are coming?")
    assert r.offline_profile["errors"] == []


def test_readme_table_quotes_the_defaults():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("### Offline stand-in: error profile", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:4]]
            for line in section.splitlines() if line.startswith("| ") and "---" not in line}
    large, small = DEFAULT_PROFILES["offline-large"], DEFAULT_PROFILES["offline-small"]

    def cell(p: ErrorProfile, kinds: list[str]) -> str:
        return " / ".join(f"{p.rate(k):g}" for k in kinds)

    expected = {
        "misread a constraint (budget, allergens, diet, guests, age)": ["misread_budget"],
        "misread the date / interests / city": ["misread_date", "misread_interests", "misread_city"],
        "invent an item id": ["invent_item_id"], "arithmetic slip in a total": ["arithmetic_error"],
        "bad tool arguments": ["bad_tool_args"],
        "malformed structured output / refusal / needless question": ["malformed_output", "refuse", "over_ask"],
    }
    for label, kinds in expected.items():
        assert rows[label] == [cell(large, kinds), cell(small, kinds)], label
    for k in ("allergens", "dietary", "guests", "age"):  # the grouped row holds for each kind it names
        assert large.misread[k] == large.misread["budget"] and small.misread[k] == small.misread["budget"]
