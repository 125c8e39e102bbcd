"""The live demo's safety nets: a failing provider falls back to the offline result, with a note."""

from __future__ import annotations

import pytest

from tutorial_helpers.evaluation import load_scenarios
from tutorial_helpers.llm import Provider, model_for, openai_client
from tutorial_helpers.planners import plan_text
from tutorial_helpers.presenting import no_model_answered, run_or_offline, start_comparison


def _plan(provider):
    sc = load_scenarios(limit=1)[0]
    return plan_text(sc.request, "native", today=sc.today, provider=provider)


#: an OpenAI-compatible server that is not there: every model call fails for real (connection refused)
DEAD = Provider(name="compatible", base_url="http://127.0.0.1:9/v1", api_key="none", model_small="tiny",
                model_large="tiny")


def test_a_provider_that_raises_gives_the_offline_result_and_a_note(capsys):
    def ask(provider):
        reply = openai_client(provider, max_retries=0).chat.completions.create(
            model=model_for("small", provider), messages=[{"role": "user", "content": "Say hello."}])
        return reply.choices[0].message.content

    shown = run_or_offline(ask, DEAD)
    assert shown.fell_back is True and shown.provider == "offline" and shown.value
    assert "compatible" in shown.note and "APIConnectionError" in shown.note
    assert "Fallback:" in capsys.readouterr().out


def test_a_plan_no_model_answered_counts_as_a_failure(capsys):
    # the team itself never raises: every agent falls back to code, which must not pass for the model's work
    assert no_model_answered(_plan(DEAD)) is not None
    shown = run_or_offline(_plan, DEAD, failed=no_model_answered)
    assert shown.fell_back is True and shown.provider == "offline"
    assert "compatible" in shown.note and "offline" in shown.note
    assert shown.value.feasible and shown.value.items and shown.value.provider == "offline"
    assert "Fallback:" in capsys.readouterr().out


def test_no_fallback_when_the_provider_works():
    shown = run_or_offline(lambda p: f"answered by {p}", "offline")
    assert (shown.value, shown.provider, shown.fell_back, shown.note) == ("answered by offline", "offline", False, "")


def test_a_failure_offline_is_raised_not_hidden():
    def broken(_provider):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        run_or_offline(broken, "offline")


def test_a_comparison_runs_in_another_process():
    comparison = start_comparison(["reference"], load_scenarios(limit=1), provider="offline")
    shown = comparison.result(timeout=120)
    assert comparison.done() and not shown.fell_back
    assert [m["framework"] for m in shown.value] == ["reference"] and shown.value[0]["n"] == 1
