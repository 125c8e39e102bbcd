"""The raw tool-calling loop (tutorial_helpers.tools.loop) against the offline model and a scripted client."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import openai
import pytest

from tutorial_helpers import tools
from tutorial_helpers.llm.offline import FaultConfig, start_server
from tutorial_helpers.tools.loop import ids_in_text, run_tool_loop

MODEL = "offline-large"
REQUEST = ("Plan a birthday for Maya turning 8 in Austin on 2026-11-28: 12 kids, budget $400, she loves dinosaurs "
           "and painting, no peanuts or tree nuts. I need a gift, a cake and a venue.")
MESSAGES = [{"role": "system", "content": "You are a birthday planner. Use the tools; recommend only item ids they return."},
            {"role": "user", "content": REQUEST}]


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    tools.set_today("2026-11-22")
    srv = start_server(latency_scale=0)
    return openai.OpenAI(base_url=srv.base_url, api_key="unused", max_retries=0)


def test_ids_in_text():
    assert ids_in_text("gift-0193, cake-aus-0012 and gift-0193 again; not gift-wrapped") == ["gift-0193", "cake-aus-0012"]
    assert ids_in_text(None) == []


def test_loop_is_grounded_and_parallel(client):
    result = run_tool_loop(client, MODEL, MESSAGES, tools=["catalog", "budget"])
    assert result.finished and result.answer
    assert result.max_parallel >= 2
    assert result.answer_ids and result.grounded and not result.ungrounded_ids
    assert len(result.table()) == len(result.steps) and all(s.ok for s in result.steps)
    assert result.messages[-1]["role"] == "assistant" and len(MESSAGES) == 2  # input not changed
    tool_msgs = [m for m in result.messages if m["role"] == "tool"]
    assert len(tool_msgs) == len(result.steps)


def test_bad_arguments_come_back_as_errors_and_the_loop_recovers(client):
    srv = start_server(faults=FaultConfig(rate_bad_tool_args=0.5, seed=0), latency_scale=0)
    faulty = openai.OpenAI(base_url=srv.base_url, api_key="unused", max_retries=0)
    result = run_tool_loop(faulty, MODEL, MESSAGES, tools=["catalog", "budget"])
    assert any("Invalid arguments" in (s.error or "") for s in result.errors)
    assert result.finished and result.grounded


def test_tool_failures_are_surfaced_not_raised(client):
    with tools.inject_failures(rate=0.4, seed=1) as stats:
        result = run_tool_loop(client, MODEL, MESSAGES, tools=["catalog", "budget"])
    assert stats.failures >= 1
    assert any("temporarily unavailable" in (s.error or "") for s in result.errors)
    assert result.finished and result.answer


def test_timeout_and_custom_registry():
    def slow_search(query: str) -> list[dict]:
        """Search a slow supplier.

        Args:
            query: what to look for.
        """
        time.sleep(1.0)
        return []

    class Scripted:
        """A client that asks for slow_search once, then answers."""

        def __init__(self) -> None:
            self.calls = 0
            self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

        def create(self, **kw):
            self.calls += 1
            assert [t["function"]["name"] for t in kw["tools"]] == ["slow_search"]
            if self.calls == 1:
                call = SimpleNamespace(id="c1", function=SimpleNamespace(name="slow_search", arguments='{"query": "x"}'))
                msg = SimpleNamespace(content=None, tool_calls=[call],
                                      model_dump=lambda **_: {"role": "assistant", "content": None})
            else:
                assert json.loads(kw["messages"][-1]["content"])["error"].startswith("slow_search timed out")
                msg = SimpleNamespace(content="Sorry, the supplier is down.", tool_calls=None,
                                      model_dump=lambda **_: {"role": "assistant", "content": "Sorry"})
            return SimpleNamespace(choices=[SimpleNamespace(message=msg)])

    result = run_tool_loop(Scripted(), MODEL, MESSAGES, registry={"slow_search": slow_search}, timeout_s=0.1)
    assert result.finished and not result.grounded  # no item ids in the answer
    assert result.errors and "timed out" in result.errors[0].error


def test_gives_up_after_max_turns():
    class Looping:
        def __init__(self) -> None:
            self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))

        def create(self, **kw):
            call = SimpleNamespace(id="c", function=SimpleNamespace(name="day_of_week", arguments='{"date": "2026-11-28"}'))
            msg = SimpleNamespace(content=None, tool_calls=[call], model_dump=lambda **_: {"role": "assistant"})
            return SimpleNamespace(choices=[SimpleNamespace(message=msg)])

    result = run_tool_loop(Looping(), MODEL, MESSAGES, tools=["calendar"], max_turns=3)
    assert not result.finished and result.llm_calls == 3 and len(result.steps) == 3 and not result.grounded
    with pytest.raises(KeyError):
        run_tool_loop(Looping(), MODEL, MESSAGES, tools=["no_such_tool"])
