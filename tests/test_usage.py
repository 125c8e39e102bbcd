"""The usage meter: cost math, per-agent attribution (contextvars, threads, asyncio) and httpx capture."""

from __future__ import annotations

import asyncio
import contextvars
import gzip
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tutorial_helpers.domain import Usage
from tutorial_helpers.llm.pricing import cost_usd, is_priced, normalize_model, price_for
from tutorial_helpers.llm.usage import (
    UsageMeter,
    active_meters,
    async_http_client,
    current_agent,
    http_client,
    parse_sse_usage,
)


def test_prices_and_cost_math() -> None:
    assert cost_usd("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert cost_usd("gpt-4o-mini", 0, 1_000_000) == pytest.approx(0.60)
    assert cost_usd("openai/gpt-4o-mini-2024-07-18", 1000, 200) == pytest.approx((1000 * 0.15 + 200 * 0.60) / 1e6)
    assert price_for("gpt-4o-2024-08-06") == price_for("gpt-4o")
    assert price_for("gpt-4o-mini") != price_for("gpt-4o")
    # offline tiers come from the offline server's table
    from tutorial_helpers.llm.offline.tiers import TIERS

    large = TIERS["offline-large"]
    assert cost_usd("offline-large", 1000, 500) == pytest.approx(
        (1000 * large.price_in_per_mtok + 500 * large.price_out_per_mtok) / 1e6)
    assert cost_usd("offline-small", 1000, 500) < cost_usd("offline-large", 1000, 500)
    assert not is_priced("my-local-llama") and cost_usd("my-local-llama", 10**6, 10**6) == 0.0
    assert is_priced("gemini-2.5-flash-lite") and is_priced("gemini/gemini-2.5-flash")
    assert normalize_model("openai/Offline-Large") == "offline-large"


def test_meter_totals_table_and_groups() -> None:
    m = UsageMeter()
    m.record("planner", "gpt-4o", 1000, 500, tool_calls=2, wall_s=1.5)
    m.record("planner", "gpt-4o", 3000, 500, tool_calls=0, wall_s=0.5)
    m.record("critic", "openai/gpt-4o-mini", 2000, 100, tool_calls=1, wall_s=0.25)
    m.record("critic", "mystery-model", 10, 10)
    s = m.summary()
    assert isinstance(s, Usage)
    assert (s.llm_calls, s.tool_calls, s.prompt_tokens, s.completion_tokens) == (4, 3, 6010, 1110)
    expected_planner = (4000 * 2.50 + 1000 * 10.00) / 1e6
    expected_critic = (2000 * 0.15 + 100 * 0.60) / 1e6
    assert s.cost_usd == pytest.approx(expected_planner + expected_critic)
    assert s.wall_s == pytest.approx(2.25)
    by_agent = m.by_agent()
    assert list(by_agent) == ["planner", "critic"]
    assert by_agent["planner"].cost_usd == pytest.approx(expected_planner)
    assert by_agent["critic"].llm_calls == 2 and m.summary("critic").tool_calls == 1
    assert set(m.by_model()) == {"gpt-4o", "gpt-4o-mini", "mystery-model"}
    assert m.unpriced_models() == ["mystery-model"]
    df = m.table()
    assert list(df.columns) == ["agent", "model", "llm_calls", "tool_calls", "prompt_tokens", "completion_tokens",
                                "cost_usd", "wall_s", "priced"]
    assert len(df) == 3
    row = df[(df.agent == "planner") & (df.model == "gpt-4o")].iloc[0]
    assert (row.llm_calls, row.prompt_tokens, row.tool_calls) == (2, 4000, 2)
    assert not df[df.model == "mystery-model"].iloc[0].priced
    assert "4 calls" in repr(m)
    m.reset()
    assert m.summary() == Usage() and len(m.table()) == 0


def test_observe_response_dict_and_sdk_object() -> None:
    from openai.types.chat import ChatCompletion

    body = {
        "id": "c1", "object": "chat.completion", "created": 0, "model": "offline-small",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": None,
            "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "a", "arguments": "{}"}},
                           {"id": "t2", "type": "function", "function": {"name": "b", "arguments": "{}"}}]}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }
    m = UsageMeter()
    rec = m.observe_response(body, agent="shopper", wall_s=0.2)
    assert rec is not None and (rec.prompt_tokens, rec.completion_tokens, rec.tool_calls) == (120, 30, 2)
    m.observe_response(ChatCompletion.model_validate(body))
    assert m.summary().llm_calls == 2 and m.summary().prompt_tokens == 240
    assert m.observe_response({"data": []}) is None and m.observe_response(None) is None


def test_agent_context_nesting() -> None:
    m = UsageMeter()
    assert current_agent() is None and active_meters() == ()
    with m.agent("outer"):
        assert active_meters() == (m,)
        m.record(None, "gpt-4o", 1, 1)
        with m.agent("inner"):
            m.record(None, "gpt-4o", 1, 1)
            assert active_meters() == (m,)  # not added twice
        m.record(None, "gpt-4o", 1, 1)
    m.record(None, "gpt-4o", 1, 1)
    assert [r.agent for r in m.records] == ["outer", "inner", "outer", "default"]
    assert current_agent() is None and active_meters() == ()


def test_attribution_across_threads_is_exact() -> None:
    m = UsageMeter()
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        with m.agent(f"agent-{i}"):
            barrier.wait()  # all threads inside their blocks at the same time
            for _ in range(200):
                m.record(None, "offline-small", 10, 1, tool_calls=1)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: contextvars.copy_context().run(work, i), range(8)))
    by_agent = m.by_agent()
    assert set(by_agent) == {f"agent-{i}" for i in range(8)}
    assert all(u.llm_calls == 200 and u.prompt_tokens == 2000 for u in by_agent.values())
    assert m.summary().llm_calls == 1600


def test_attribution_across_asyncio_tasks() -> None:
    m = UsageMeter()

    async def agent_task(name: str, calls: int) -> None:
        with m.agent(name):
            for _ in range(calls):
                await asyncio.sleep(0)
                m.record(None, "offline-large", 5, 5)

    async def main() -> None:
        await asyncio.gather(agent_task("a", 30), agent_task("b", 20), agent_task("c", 10))

    asyncio.run(main())
    assert {k: v.llm_calls for k, v in m.by_agent().items()} == {"a": 30, "b": 20, "c": 10}


# -- capture through httpx (a mock transport: no server, no network) ------------------------------------

def _completion(model: str, pt: int, ct: int, tool_calls: int = 0) -> dict:
    calls = [{"id": f"t{i}", "type": "function", "function": {"name": "f", "arguments": "{}"}}
             for i in range(tool_calls)]
    return {"id": "x", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok", "tool_calls": calls or None},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}}


def _sse(model: str, pt: int, ct: int) -> bytes:
    chunks = [
        {"model": model, "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
            {"index": 0, "id": "a", "function": {"name": "f", "arguments": ""}}]}}]},
        {"model": model, "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}}]},
        {"model": model, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 1, "id": "b", "function": {"name": "g", "arguments": "{}"}}]}}]},
        {"model": model, "choices": [], "usage": {"prompt_tokens": pt, "completion_tokens": ct}},
    ]
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/models"):
        return httpx.Response(200, json={"data": [{"id": "m"}]})
    body = json.loads(request.content)
    if body.get("fail"):
        return httpx.Response(429, json={"error": {"message": "slow down"}})
    if body.get("stream"):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(body["model"], 40, 7))
    payload = json.dumps(_completion(body["model"], 100, 20, body.get("n_tools", 0))).encode()
    if body.get("gzip"):
        return httpx.Response(200, headers={"content-type": "application/json", "content-encoding": "gzip"},
                              content=gzip.compress(payload))
    return httpx.Response(200, headers={"content-type": "application/json"}, content=payload)


URL = "http://llm.test/v1/chat/completions"


def test_httpx_capture_json_sse_gzip_and_errors() -> None:
    bound, ctx = UsageMeter("bound"), UsageMeter("ctx")
    client = http_client(meter=bound, transport=httpx.MockTransport(_handler))
    assert client.post(URL, json={"model": "gpt-4o-mini", "n_tools": 2}).json()["usage"]["prompt_tokens"] == 100
    with ctx.agent("streamer"):
        with client.stream("POST", URL, json={"model": "offline-small", "stream": True}) as resp:
            lines = [line for line in resp.iter_lines() if line]
        assert lines[-1] == "data: [DONE]"  # the caller still sees the whole stream
        client.post(URL, json={"model": "gpt-4o", "gzip": True})
        client.post(URL, json={"model": "gpt-4o", "fail": True})  # errors are not usage
        client.get("http://llm.test/v1/models")  # not a chat completion
    recs = bound.records
    assert [(r.model, r.prompt_tokens, r.completion_tokens, r.tool_calls) for r in recs] == [
        ("gpt-4o-mini", 100, 20, 2), ("offline-small", 40, 7, 2), ("gpt-4o", 100, 20, 0)]
    assert [r.agent for r in recs] == ["default", "streamer", "streamer"]
    assert all(r.wall_s >= 0 for r in recs)
    # the context-active meter saw only the calls made inside its block
    assert [r.model for r in ctx.records] == ["offline-small", "gpt-4o"]


def test_labelled_client_wins_over_context() -> None:
    m = UsageMeter()
    client = http_client(agent="critic", transport=httpx.MockTransport(_handler))
    client.post(URL, json={"model": "gpt-4o"})  # no meter bound or active: nothing to record
    with m.agent("team"):
        client.post(URL, json={"model": "gpt-4o"})
    assert [r.agent for r in m.records] == ["critic"]


def test_async_httpx_capture() -> None:
    m = UsageMeter()

    async def main() -> None:
        async with async_http_client(meter=m, transport=httpx.MockTransport(_handler)) as client:
            with m.agent("async-agent"):
                await asyncio.gather(*(client.post(URL, json={"model": "offline-large"}) for _ in range(5)))
                async with client.stream("POST", URL, json={"model": "offline-large", "stream": True}) as resp:
                    async for _ in resp.aiter_bytes():
                        pass

    asyncio.run(main())
    u = m.by_agent()["async-agent"]
    assert (u.llm_calls, u.prompt_tokens, u.tool_calls) == (6, 5 * 100 + 40, 2)


def test_parse_sse_usage_without_usage_chunk() -> None:
    text = 'data: {"model": "m", "choices": [{"index": 0, "delta": {"content": "hi"}}]}\n\ndata: [DONE]\n'
    parsed = parse_sse_usage(text)
    assert parsed is not None and parsed["model"] == "m" and parsed["usage"] == {}
    assert parse_sse_usage("data: [DONE]\n") is None


def test_openai_client_against_offline_server_records_usage() -> None:
    from tutorial_helpers.llm import model_for, openai_client

    m = UsageMeter()
    client = openai_client("offline")
    with m.agent("planner"):
        resp = client.chat.completions.create(
            model=model_for("small", "offline"),
            messages=[{"role": "user", "content": "Gift ideas for my 8 year old who loves dinosaurs?"}])
    rec = m.records[-1]
    assert rec.agent == "planner" and rec.model == "offline-small"
    assert resp.usage is not None and rec.prompt_tokens == resp.usage.prompt_tokens > 0
    assert rec.completion_tokens == resp.usage.completion_tokens > 0 and rec.cost_usd > 0 and rec.priced
