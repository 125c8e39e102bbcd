"""One clock: today comes from the run (request, scenario, --today), never silently from the wall clock.

These tests fix "today" far from the machine's date on purpose, so that any code path that still
reads the wall clock shows up as a wrong date.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import httpx
import pytest

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import BirthdayRequest

pytestmark = pytest.mark.clock

FAR = dt.date(2031, 3, 14)  # not the machine's date, whatever it is


def role_prompts() -> dict[str, str]:
    return {k: v for k, v in vars(prompts).items() if k.isupper() and isinstance(v, str) and "You are" in v}


def test_use_today_fixes_and_restores_even_after_an_error():
    before = clock.today()
    with clock.use_today("2031-03-14") as day:
        assert day == FAR and clock.today() == FAR and clock.is_fixed()
        with clock.use_today("2020-01-01"):
            assert clock.today() == dt.date(2020, 1, 1)
        assert clock.today() == FAR
    assert not clock.is_fixed() and clock.today() == before
    with pytest.raises(RuntimeError), clock.use_today(FAR):
        raise RuntimeError("boom")
    assert not clock.is_fixed()


def test_tools_read_the_same_clock_and_today_as_restores():
    from tutorial_helpers import tools

    with tools.today_as("2031-03-14"):
        assert tools.get_today() == FAR == clock.today()
    assert not clock.is_fixed()


def test_the_clock_is_seen_from_worker_threads():
    seen: list[dt.date] = []
    with clock.use_today(FAR):
        t = threading.Thread(target=lambda: seen.append(clock.today()))
        t.start()
        t.join()
    assert seen == [FAR]


def test_every_role_prompt_states_today_through_render():
    found = role_prompts()
    assert len(found) >= 10, sorted(found)
    import string

    for name, template in found.items():
        fields = {f: "x" for _, f, _, _ in string.Formatter().parse(template) if f and f != "today"}
        with clock.use_today(FAR):
            text = prompts.render(template, **fields)
        assert f"Today is {FAR.isoformat()}." in text, name
        # an explicit date wins over the clock
        assert "Today is 2020-01-02." in prompts.render(template, today="2020-01-02", **fields), name


def test_entry_decorator_uses_the_request_day_for_plain_and_async_functions():
    @clock.on_request_day
    def plain(text: str, request: BirthdayRequest) -> dt.date:
        return clock.today()

    @clock.on_request_day
    async def coro(text: str, request: BirthdayRequest) -> dt.date:
        return clock.today()

    req = BirthdayRequest(today=FAR)
    assert plain("x", req) == FAR
    assert plain("x", request=req) == FAR
    assert asyncio.run(coro("x", req)) == FAR
    assert not clock.is_fixed()


def _chat(base_url: str, messages: list[dict]) -> httpx.Response:
    return httpx.post(f"{base_url}/chat/completions", json={"model": "offline-large", "messages": messages},
                      headers={"Authorization": "Bearer offline"}, timeout=30)


def test_offline_model_says_where_it_took_today_from():
    from tutorial_helpers.llm.offline.server import ensure_offline_server

    base = ensure_offline_server()
    ask = {"role": "user", "content": "Party for Maya turning 8 this Saturday in Austin, 12 kids, $400."}
    told = _chat(base, [{"role": "system", "content": prompts.render(prompts.EXTRACTOR, today=FAR)}, ask])
    assert told.status_code == 200
    body = told.json()
    assert body["offline"]["today"] == FAR.isoformat() and body["offline"]["today_source"] == "conversation"
    assert told.headers["x-offline-today-source"] == "conversation"

    untold = _chat(base, [{"role": "system", "content": "You are a helpful assistant."}, ask])
    meta = untold.json()["offline"]
    assert meta["today_source"] == "wall-clock" and "note" in meta
    assert untold.headers["x-offline-today-source"] == "wall-clock"


def test_usage_meter_counts_calls_that_did_not_say_what_day_it_is():
    from tutorial_helpers.llm import UsageMeter, model_for, openai_client

    client = openai_client()
    meter = UsageMeter()
    with meter.active():
        client.chat.completions.create(model=model_for("small"), messages=[{"role": "user", "content": "hi"}])
        client.chat.completions.create(model=model_for("small"), messages=[
            {"role": "system", "content": prompts.render(prompts.SUMMARIZER, today=FAR)},
            {"role": "user", "content": "hi"}])
    assert meter.summary().llm_calls == 2
    assert meter.calls_without_today() == 1


@pytest.mark.parametrize("framework", ["reference", "native"])
def test_front_door_runs_on_the_given_day_and_every_model_call_is_told(framework):
    from tutorial_helpers.planners import plan_text

    # a January date asked in December: next year's January, counted from the given today
    text = "Plan my son Leo's 9th birthday on January 9 in Chicago: 10 kids, $350, he loves lego."
    plan = plan_text(text, framework, today=dt.date(2030, 12, 20))
    assert plan.request.today == dt.date(2030, 12, 20)
    assert plan.request.date == dt.date(2031, 1, 9)
    assert plan.feasible and not plan.violations, plan.reasons
    assert not any("did not say what day" in w for w in plan.warnings), plan.warnings
    assert not clock.is_fixed()


def test_relative_dates_follow_the_given_today():
    from tutorial_helpers.planners import parse_text

    friday = dt.date(2031, 3, 14)  # a Friday
    req, _ = parse_text("Birthday this Saturday in Denver for my daughter turning 7, 10 kids, $300.", friday)
    assert req.date == dt.date(2031, 3, 15)
    req, _ = parse_text("Birthday in two weeks in Boston for my son turning 10, 8 kids, $300.", friday)
    assert req.date == dt.date(2031, 3, 28)


def test_serve_mcp_accepts_today():
    from tutorial_helpers.cli import build_parser

    args = build_parser().parse_args(["serve-mcp", "--today", "2031-03-14"])
    assert args.today == FAR


def test_memory_timestamps_carry_the_runs_day():
    from tutorial_helpers.memory.records import utcnow

    with clock.use_today(FAR):
        stamp = utcnow()
    assert stamp.date() == FAR and stamp.tzinfo is not None


def test_scenarios_written_on_other_days_pass_with_the_native_team():
    """Relative dates ("this Saturday", "in two weeks", January asked in December) on other todays."""
    import os
    from pathlib import Path

    from tutorial_helpers.evaluation import evaluate, load_scenarios

    os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")
    scenarios = load_scenarios(Path(__file__).parent / "data" / "shifted_scenarios.jsonl")
    assert {s.today.isoformat() for s in scenarios} != {"2026-11-22"}
    for framework in ("reference", "native"):
        m = evaluate(framework, scenarios).metrics()
        assert m["pass_rate"] == 1.0, (framework, m["failures"])
        assert m["calls_without_today"] == 0, framework


def test_no_two_prompts_share_a_name():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(prompts.__file__).read_text(encoding="utf-8"))
    names = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
