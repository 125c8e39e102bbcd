"""Conformance of the offline stand-in model with the official openai SDK (no network, no key).

Covers plain chat, tools (auto / none / required / named, several calls in one turn, a full tool
loop), structured output with ``chat.completions.parse`` for three schemas, ``json_object``,
streaming (text, tool calls, usage chunk), models, errors, faults, usage, concurrency and latency.
"""

from __future__ import annotations

import json
import threading
import time
from enum import StrEnum
from typing import Literal

import httpx
import openai
import pytest
from openai import OpenAI
from pydantic import BaseModel, Field

from tutorial_helpers.llm.offline import TIERS, FaultConfig, OfflineServer, ensure_offline_server, start_server

# these tests check the stand-in's reader and protocol: its seeded error profile is switched off
pytestmark = pytest.mark.usefixtures("perfect_stand_in")

TODAY = "2026-11-22"
REQUEST = (f"Today is {TODAY}. I'm planning my daughter Maya's 8th birthday in Austin on 2026-11-28 for 12 guests, "
           "budget $400. She loves dinosaurs and painting. Please avoid peanuts.")
SEARCH_TOOL = {"type": "function", "function": {
    "name": "search_catalog",
    "description": "Search the party catalog for gifts, cakes and venues. Returns items with ids.",
    "parameters": {"type": "object", "properties": {
        "query": {"type": "string", "description": "what to look for"},
        "category": {"type": "string", "enum": ["gift", "cake", "venue", "activity", "decoration", "food", "experience"]},
        "city": {"type": "string"}, "max_price": {"type": "number"}, "age": {"type": "integer"},
        "avoid_allergens": {"type": "array", "items": {"type": "string"}}, "k": {"type": "integer"}},
        "required": ["query"]}}}
WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather forecast for a city on a date.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "date": {"type": "string"}},
                   "required": ["city", "date"], "additionalProperties": False}}}


@pytest.fixture(scope="module")
def srv() -> OfflineServer:
    server = start_server(latency_scale=0)
    yield server
    server.stop()


@pytest.fixture()
def client(srv: OfflineServer) -> OpenAI:
    srv.set_faults(None)
    return OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0)


def _user(text: str = REQUEST) -> list[dict]:
    return [{"role": "user", "content": text}]


def _catalog():
    from tutorial_helpers.tools.state import get_catalog

    return get_catalog()


# ------------------------------------------------------------------------------------------------
# Plain chat, models, usage
# ------------------------------------------------------------------------------------------------

def test_plain_chat_and_usage(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-large", messages=_user(), temperature=0.3, seed=1, user="u",
                                       metadata={"a": "b"}, max_completion_tokens=300, n=1, stop=["\n\n\n"])
    msg = r.choices[0].message
    assert msg.role == "assistant" and msg.content and msg.tool_calls is None
    assert r.choices[0].finish_reason == "stop"
    assert r.system_fingerprint == "offline-stand-in"
    assert r.usage.prompt_tokens > 20 and r.usage.completion_tokens > 0
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_content_as_parts_and_provider_prefix(client: OpenAI) -> None:
    r = client.chat.completions.create(model="openai/offline-small", messages=[
        {"role": "developer", "content": [{"type": "text", "text": "You are a helpful assistant."}]},
        {"role": "user", "content": [{"type": "text", "text": REQUEST}]}])
    assert r.choices[0].message.content
    assert r.model == "openai/offline-small"


def test_models_listing(client: OpenAI, srv: OfflineServer) -> None:
    ids = [m.id for m in client.models.list()]
    assert set(ids) == set(TIERS)
    card = httpx.get(f"{srv.base_url}/models/offline-large").json()
    assert "not an LLM" in card["description"]
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-17")


def test_deterministic(client: OpenAI) -> None:
    a = client.chat.completions.create(model="offline-large", messages=_user(), seed=3)
    b = client.chat.completions.create(model="offline-large", messages=_user(), seed=3)
    assert a.choices[0].message.content == b.choices[0].message.content
    assert a.id == b.id


# ------------------------------------------------------------------------------------------------
# Tools
# ------------------------------------------------------------------------------------------------

def test_tools_auto_makes_several_calls(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL], tool_choice="auto")
    calls = r.choices[0].message.tool_calls
    assert r.choices[0].finish_reason == "tool_calls"
    assert len(calls) >= 3  # gift, cake and venue at once
    cats = set()
    for c in calls:
        args = json.loads(c.function.arguments)
        assert c.function.name == "search_catalog" and args["query"]
        cats.add(args.get("category"))
        if args.get("category") == "cake":
            assert "peanuts" in args["avoid_allergens"]
            assert args["city"] == "Austin"
        if args.get("category") == "gift":
            assert args["age"] == 8
    assert {"gift", "cake", "venue"} <= cats
    assert len({c.id for c in calls}) == len(calls)


def test_parallel_tool_calls_false_gives_one_call(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL],
                                       parallel_tool_calls=False)
    assert len(r.choices[0].message.tool_calls) == 1


def test_tool_choice_none_answers_in_text(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL], tool_choice="none")
    assert r.choices[0].message.tool_calls is None and r.choices[0].message.content


def test_tool_choice_required_and_named(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-small", messages=_user("hello"), tools=[WEATHER_TOOL],
                                       tool_choice="required")
    calls = r.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    assert set(json.loads(calls[0].function.arguments)) == {"city", "date"}
    r = client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL, WEATHER_TOOL],
                                       tool_choice={"type": "function", "function": {"name": "get_weather"}})
    calls = r.choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather"]
    args = json.loads(calls[0].function.arguments)
    assert args["city"] == "Austin" and args["date"] == "2026-11-28"


def test_full_tool_loop_is_grounded_in_the_results(client: OpenAI) -> None:
    from tutorial_helpers.tools import item_summary

    cat = _catalog()
    messages: list[dict] = [{"role": "system", "content": "You help plan birthdays. Use the tools, then recommend items."},
                            *_user()]
    returned: set[str] = set()
    for _ in range(4):
        r = client.chat.completions.create(model="offline-large", messages=messages, tools=[SEARCH_TOOL])
        msg = r.choices[0].message
        if not msg.tool_calls:
            break
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            args = json.loads(call.function.arguments)
            items = cat.filter(category=args.get("category"), city=args.get("city"), age=args.get("age"),
                               avoid_allergens=args.get("avoid_allergens"))[-4:]  # not the catalog's top picks
            returned |= {i.id for i in items}
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps([item_summary(i) for i in items])})
    text = msg.content or ""
    assert not msg.tool_calls and text
    import re
    ids = set(re.findall(r"\b(?:gift|cake|venue)-[a-z0-9-]+\b", text))
    assert ids and ids <= returned


def test_tool_message_without_matching_call_is_400(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="offline-large", messages=[
            *_user(), {"role": "tool", "tool_call_id": "call_nope", "content": "{}"}])
    assert err.value.status_code == 400 and "tool_call_id" in str(err.value)


# ------------------------------------------------------------------------------------------------
# Structured output
# ------------------------------------------------------------------------------------------------

class PlanLine(BaseModel):
    item_id: str
    category: Literal["gift", "cake", "venue", "activity", "decoration", "food", "experience"]
    name: str
    price: float
    reason: str


class PlanOut(BaseModel):
    recipient_name: str | None
    city: str | None
    total_cost: float
    items: list[PlanLine]
    explanation: str


class Extracted(BaseModel):
    recipient_name: str | None = None
    recipient_age: int | None = None
    interests: list[str] = Field(default_factory=list)
    avoid_allergens: list[str] = Field(default_factory=list)
    city: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    guests: int | None = None
    budget: float | None = None


class Priority(StrEnum):
    must = "must"
    nice = "nice"


class Constraint(BaseModel):
    name: str
    priority: Priority
    values: list[str]


class Review(BaseModel):
    verdict: Literal["APPROVED", "REJECTED"]
    constraints: list[Constraint]
    problems: list[str]


def test_parse_plan_schema_is_grounded_and_within_budget(client: OpenAI) -> None:
    r = client.chat.completions.parse(model="offline-large", messages=_user(), response_format=PlanOut)
    plan = r.choices[0].message.parsed
    cat = _catalog()
    assert plan is not None and plan.items and plan.city == "Austin"
    assert {p.category for p in plan.items} >= {"gift", "cake", "venue"}
    for line in plan.items:
        item = cat.get(line.item_id)
        assert item is not None and item.name == line.name and item.category == line.category
    assert 0 < plan.total_cost <= 400


def test_parse_extraction_schema(client: OpenAI) -> None:
    r = client.chat.completions.parse(model="offline-large", messages=[
        {"role": "system", "content": "Extract the birthday request as structured data."}, *_user()],
        response_format=Extracted)
    x = r.choices[0].message.parsed
    assert x.recipient_name == "Maya" and x.recipient_age == 8 and x.city == "Austin"
    assert x.date == "2026-11-28" and x.guests == 12 and x.budget == 400
    assert "peanuts" in x.avoid_allergens and "dinosaurs" in x.interests


def test_parse_nested_lists_with_enums(client: OpenAI) -> None:
    r = client.chat.completions.parse(model="offline-large", messages=_user(), response_format=Review)
    review = r.choices[0].message.parsed
    assert review.verdict in ("APPROVED", "REJECTED")
    Review.model_validate(review.model_dump())  # strict round trip


def test_json_object(client: OpenAI) -> None:
    r = client.chat.completions.create(model="offline-large", messages=_user(), response_format={"type": "json_object"})
    data = json.loads(r.choices[0].message.content)
    assert isinstance(data, dict) and data


# ------------------------------------------------------------------------------------------------
# Streaming
# ------------------------------------------------------------------------------------------------

def test_stream_text_with_usage(client: OpenAI) -> None:
    full = client.chat.completions.create(model="offline-large", messages=_user()).choices[0].message.content
    chunks = list(client.chat.completions.create(model="offline-large", messages=_user(), stream=True,
                                                 stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == full and len(chunks) > 3
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0 and not chunks[-1].choices
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_stream_tool_calls_reassemble(client: OpenAI) -> None:
    ref = client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL])
    calls: dict[int, dict] = {}
    finish = None
    for chunk in client.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL], stream=True):
        for d in chunk.choices[0].delta.tool_calls or []:
            slot = calls.setdefault(d.index, {"id": "", "name": "", "arguments": ""})
            slot["id"] = d.id or slot["id"]
            if d.function and d.function.name:
                slot["name"] = d.function.name
            if d.function and d.function.arguments:
                slot["arguments"] += d.function.arguments
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls"
    expected = [(c.function.name, json.loads(c.function.arguments)) for c in ref.choices[0].message.tool_calls]
    assert [(calls[i]["name"], json.loads(calls[i]["arguments"])) for i in sorted(calls)] == expected


def test_stream_ends_with_done(srv: OfflineServer) -> None:
    with httpx.stream("POST", f"{srv.base_url}/chat/completions",
                      json={"model": "offline-small", "messages": _user("hi"), "stream": True}) as resp:
        lines = [line for line in resp.iter_lines() if line]
    assert lines[-1] == "data: [DONE]" and all(line.startswith("data: ") for line in lines)


# ------------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------------

def test_errors_are_openai_shaped(client: OpenAI, srv: OfflineServer) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-99", messages=_user())
    assert err.value.body["code"] == "model_not_found"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="offline-large", messages=[])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="offline-large", messages=[{"role": "wizard", "content": "hi"}])
    r = httpx.post(f"{srv.base_url}/chat/completions", json={"messages": _user()})  # no model: 400, not 422
    assert r.status_code == 400 and set(r.json()["error"]) == {"message", "type", "param", "code"}
    r = httpx.post(f"{srv.base_url}/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


# ------------------------------------------------------------------------------------------------
# Faults
# ------------------------------------------------------------------------------------------------

def test_429_raised_without_retries_and_carries_retry_after(srv: OfflineServer, client: OpenAI) -> None:
    srv.set_faults(FaultConfig(rate_429=1.0, retry_after_s=2))
    with pytest.raises(openai.RateLimitError) as err:
        client.chat.completions.create(model="offline-small", messages=_user("hi"))
    assert err.value.response.headers["retry-after"] == "2"


def test_429_retry_after_is_honoured(srv: OfflineServer) -> None:
    srv.set_faults(FaultConfig(rate_429=0.5, retry_after_s=0.2, seed=0))
    patient = OpenAI(base_url=srv.base_url, api_key="offline", max_retries=6)
    t0 = time.perf_counter()
    for _ in range(4):
        assert patient.chat.completions.create(model="offline-small", messages=_user("hi")).choices[0].message.content
    history = srv.app.state.faults.history
    waits = history.count("429")
    assert waits >= 1 and time.perf_counter() - t0 >= 0.2 * waits * 0.9


def test_500_and_malformed_json(srv: OfflineServer, client: OpenAI) -> None:
    srv.set_faults(FaultConfig(rate_500=1.0))
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="offline-small", messages=_user("hi"))
    srv.set_faults(FaultConfig(rate_malformed_json=1.0))
    with pytest.raises((openai.APIResponseValidationError, json.JSONDecodeError, ValueError)):
        client.chat.completions.create(model="offline-small", messages=_user("hi"))
    r = client.chat.completions.create(model="offline-large", messages=_user(), response_format={"type": "json_object"})
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.choices[0].message.content)


def test_bad_tool_args_and_timeout(srv: OfflineServer) -> None:
    srv.set_faults(FaultConfig(rate_bad_tool_args=1.0))
    c = OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0)
    r = c.chat.completions.create(model="offline-large", messages=_user(), tools=[SEARCH_TOOL])
    args = json.loads(r.choices[0].message.tool_calls[0].function.arguments)
    assert "query" not in args  # breaks the schema's required field
    srv.set_faults(FaultConfig(rate_timeout=1.0, timeout_s=2))
    with pytest.raises(openai.APITimeoutError):
        OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0, timeout=0.3).chat.completions.create(
            model="offline-small", messages=_user("hi"))
    srv.set_faults(None)


def test_admin_faults_endpoint(srv: OfflineServer, client: OpenAI) -> None:
    assert httpx.post(f"{srv.base_url.removesuffix('/v1')}/admin/faults", json={"rate_500": 1}).status_code == 200
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="offline-small", messages=_user("hi"))
    assert httpx.post(f"{srv.base_url.removesuffix('/v1')}/admin/faults", json={"rate_500": 7}).status_code == 400
    srv.set_faults(None)


# ------------------------------------------------------------------------------------------------
# Concurrency and latency
# ------------------------------------------------------------------------------------------------

def test_eight_parallel_clients(srv: OfflineServer) -> None:
    results: list[str] = []
    errors: list[Exception] = []

    def work(i: int) -> None:
        try:
            c = OpenAI(base_url=srv.base_url, api_key=f"key-{i}", max_retries=0)
            results.append(c.chat.completions.create(model="offline-small", messages=_user(REQUEST + f" #{i}"))
                           .choices[0].message.content)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and len(results) == 8 and all(results)


def test_latency_overlaps_for_concurrent_calls() -> None:
    with start_server(latency_scale=1.0) as slow:
        c = OpenAI(base_url=slow.base_url, api_key="offline", max_retries=0)
        t0 = time.perf_counter()
        c.chat.completions.create(model="offline-large", messages=_user("hi"))
        one = time.perf_counter() - t0
        assert one >= TIERS["offline-large"].latency_base_s
        threads = [threading.Thread(target=lambda: c.chat.completions.create(model="offline-large", messages=_user("hi")))
                   for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(not t.is_alive() for t in threads)
    # how much concurrent calls overlap is a figure for `make bench`, not a test assertion


def test_ensure_offline_server_is_a_singleton() -> None:
    url = ensure_offline_server()
    assert url == ensure_offline_server() and url.endswith("/v1")
    assert httpx.get(f"{url}/models").status_code == 200


def test_set_offline_latency_changes_the_singleton() -> None:
    import time

    from tutorial_helpers.llm.offline import ensure_offline_server, set_offline_latency

    url = ensure_offline_server()
    c = OpenAI(base_url=url, api_key="offline", max_retries=0)
    from tutorial_helpers.llm.offline import server

    set_offline_latency(1.0)
    t0 = time.perf_counter()
    c.chat.completions.create(model="offline-large", messages=[{"role": "user", "content": "hi"}])
    assert time.perf_counter() - t0 >= server.TIERS["offline-large"].latency_base_s  # a lower bound: it did sleep
    set_offline_latency(0.0)
    assert server._singleton is not None and server._singleton.latency_scale == 0.0
