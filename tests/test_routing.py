"""Reasoning load balancing: decomposition, routers, routed planner, cache, fan-out, the frontier targets."""

from __future__ import annotations

import datetime as dt

import pytest

from tutorial_helpers.domain import BirthdayRequest
from tutorial_helpers.frameworks.common import ExtractedRequest
from tutorial_helpers.routing import (
    AlwaysLarge,
    AlwaysSmall,
    CachedClient,
    CallCache,
    LLMRouter,
    RoutedPlanner,
    RuleRouter,
    agent_tiers,
    cache_key,
    cached,
    compare_fanout,
    decompose,
    dedicated_provider,
    frontier,
    paraphrase_gaps,
    parse_tier,
    understood_request,
)
from tutorial_helpers.routing.decompose import HARD_FIELDS

TODAY = dt.date(2026, 11, 22)
# the same party, written plainly (exact words, digits, explicit date) and with paraphrases
PLAIN = "Birthday for Maya, age 8, in Austin on 2026-12-05, 12 guests, budget $400, she likes dinosaurs."
PARAPHRASED = ("My girl Maya turns eight this coming Saturday in Austin, a dozen kids, she's crazy about T-rex, "
               "nothing with nuts please, four hundred bucks tops.")


@pytest.fixture(scope="module")
def provider():
    with dedicated_provider("offline", latency_scale=0.0) as prov:
        yield prov


# -- decomposition ---------------------------------------------------------------------------------
def test_decompose_lists_the_subtasks_in_team_order():
    d = decompose(PLAIN, TODAY)
    names = [s.name for s in d.subtasks]
    assert names[0] == "understand_request" and names[-1] == "explain_plan"
    assert {"find_gift", "find_cake", "find_venue", "choose_plan", "check_constraints"} <= set(names)
    assert {s.agent for s in d.subtasks} == {"extractor", "retriever", "selector", "critic", "explainer"}
    assert all(0.0 <= s.difficulty <= 1.0 for s in d.subtasks)


def test_decompose_follows_a_restricted_request():
    d = decompose("Just a gift please: my nephew is 13 and loves coding, budget 60 dollars.", TODAY)
    assert [s.name for s in d.subtasks if s.kind == "retrieval"] == ["find_gift"]


def test_paraphrases_make_understanding_harder():
    gaps_plain, _, _ = paraphrase_gaps(PLAIN, TODAY)
    gaps_para, small, full = paraphrase_gaps(PARAPHRASED, TODAY)
    assert not set(gaps_plain) & set(HARD_FIELDS)  # digits and exact words: nothing hard to paraphrase
    assert {"guests", "date", "avoid_allergens"} <= set(gaps_para)
    assert full.guests == 12 and small.guests is None
    plain, para = decompose(PLAIN, TODAY), decompose(PARAPHRASED, TODAY)
    assert para.by_name("understand_request").difficulty > plain.by_name("understand_request").difficulty
    assert para.by_name("understand_request").safety_critical and not plain.by_name("understand_request").safety_critical
    # lookups and explanations stay easy whatever the wording
    assert para.by_name("find_gift").difficulty < 0.5 and para.by_name("explain_plan").difficulty < 0.5


# -- routers ---------------------------------------------------------------------------------------
def test_baseline_routers():
    d = decompose(PARAPHRASED, TODAY)
    assert {AlwaysSmall().route(s) for s in d.subtasks} == {"small"}
    assert {AlwaysLarge().route(s) for s in d.subtasks} == {"large"}


def test_rule_router_on_easy_vs_paraphrased():
    r = RuleRouter()
    plain, para = decompose(PLAIN, TODAY), decompose(PARAPHRASED, TODAY)
    assert r.route(plain.by_name("understand_request")) == "small"
    assert r.route(para.by_name("understand_request")) == "large"
    assert r.route(para.by_name("check_constraints")) == "large"  # allergens: safety-critical
    for d in (plain, para):
        assert r.route(d.by_name("find_gift")) == "small"
        assert r.route(d.by_name("explain_plan")) == "small"
    tiers = agent_tiers(r, para)
    assert tiers == {"extractor": "large", "retriever": "small", "selector": "small", "critic": "large",
                     "explainer": "small"}
    # a lower threshold sends more work to large
    assert RuleRouter(threshold=0.0).route(plain.by_name("choose_plan")) == "large"
    assert "threshold" in r.explain(plain.by_name("choose_plan"))


def test_parse_tier_defaults_to_large():
    assert parse_tier("LARGE, because...") == "large"
    assert parse_tier("the small one") == "small"
    assert parse_tier("") == "large"


def test_llm_router_asks_the_small_model(provider):
    r = LLMRouter(provider=provider)
    para, plain = decompose(PARAPHRASED, TODAY), decompose(PLAIN, TODAY)
    assert r.route(para.by_name("understand_request")) == "large"
    assert r.route(plain.by_name("explain_plan")) == "small"
    assert len(r.records) == 2 and all(rec["model"] == provider.model_small for rec in r.records)
    assert all(rec["prompt_tokens"] > 0 for rec in r.records)


# -- understanding and the routed planner ------------------------------------------------------------
def test_understood_request_completes_but_never_loosens():
    lexical = BirthdayRequest(city="Austin", avoid_allergens=["sesame"], today=TODAY)
    got = ExtractedRequest(recipient_age=8, guests=12, date="2026-11-28", avoid_allergens=["peanuts", "glitter"],
                           city="Boston", interests=["dinosaurs"])
    req = understood_request(lexical, got)
    assert (req.recipient_age, req.guests, req.date) == (8, 12, dt.date(2026, 11, 28))
    assert req.city == "Austin"  # what the text said literally wins
    assert set(req.avoid_allergens) == {"sesame", "peanuts"}  # added, none removed, unknown ignored
    assert req.today == TODAY
    bad = understood_request(lexical, ExtractedRequest(date="next week"))
    assert bad.date is None


def test_routed_planner_uses_the_routed_tiers(provider):
    planner = RoutedPlanner(RuleRouter(), provider=provider)
    out = planner.plan(PARAPHRASED, TODAY)
    assert out.plan is not None and out.plan.feasible and not out.plan.violations
    assert out.request.guests == 12 and "peanuts" in out.request.avoid_allergens
    models = {c.agent: c.model for c in out.calls}
    assert models["extractor"] == provider.model_large
    assert models["retriever"] == provider.model_small and models["explainer"] == provider.model_small
    small_only = RoutedPlanner(AlwaysSmall(), provider=provider).plan(PARAPHRASED, TODAY)
    assert small_only.request.guests is None  # the small tier missed "a dozen"


# -- cache -------------------------------------------------------------------------------------------
def test_cache_key_is_stable_and_discriminating():
    msgs = [{"role": "user", "content": "hi", "name": None}]
    k = cache_key("m", msgs, tools=None, seed=0)
    assert k == cache_key("m", [{"content": "hi", "role": "user"}], seed=0)  # order and None do not matter
    assert len(k) == 64
    assert k != cache_key("m2", msgs, seed=0)
    assert k != cache_key("m", [{"role": "user", "content": "hi!"}], seed=0)
    assert k != cache_key("m", msgs, tools=[{"type": "function", "function": {"name": "t"}}], seed=0)
    assert k != cache_key("m", msgs, response_format=ExtractedRequest, seed=0)
    assert k != cache_key("m", msgs, seed=1)
    assert k == cache_key("m", msgs, seed=0, timeout=30)  # transport settings do not change the answer


class _FakeCompletions:
    def __init__(self) -> None:
        self.calls = 0

    def create(self, **kwargs):
        from openai.types.chat import ChatCompletion

        self.calls += 1
        return ChatCompletion.model_validate({
            "id": f"c{self.calls}", "object": "chat.completion", "created": 0, "model": kwargs["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": f"answer {self.calls}"}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        })


class _FakeClient:
    def __init__(self) -> None:
        self.chat = type("Chat", (), {})()
        self.chat.completions = _FakeCompletions()
        self.base_url = "http://fake"


def test_cached_client_hits_and_counts(tmp_path):
    fake = _FakeClient()
    client = CachedClient(fake, CallCache(tmp_path / "calls.sqlite"))
    msgs = [{"role": "user", "content": "plan it"}]
    first = client.chat.completions.create(model="m", messages=msgs, seed=0)
    second = client.chat.completions.create(model="m", messages=msgs, seed=0)
    other = client.chat.completions.create(model="m", messages=msgs, seed=1)
    assert fake.chat.completions.calls == 2
    assert second.choices[0].message.content == first.choices[0].message.content
    assert second.usage.total_tokens == 0 and first.usage.total_tokens == 15  # a hit costs nothing
    assert other.choices[0].message.content != first.choices[0].message.content
    assert client.cache.stats() == {"entries": 2, "hits": 1, "misses": 2, "hit_rate": round(1 / 3, 4)}
    assert client.base_url == "http://fake"  # everything else is the wrapped client's
    # the SQLite file serves a fresh process
    again = CachedClient(_FakeClient(), CallCache(tmp_path / "calls.sqlite"))
    revived = again.chat.completions.create(model="m", messages=msgs, seed=0)
    assert revived.choices[0].message.content == first.choices[0].message.content
    assert again.client.chat.completions.calls == 0 and again.cache.hits == 1


def test_cached_parse_against_the_offline_model(provider):
    from tutorial_helpers.llm import openai_client

    client = CachedClient(openai_client(provider))
    kw = {"model": provider.model_large, "seed": 0, "response_format": ExtractedRequest,
          "messages": [{"role": "system", "content": "Extract the birthday request. Today is 2026-11-22."},
                       {"role": "user", "content": PARAPHRASED}]}
    a = client.chat.completions.parse(**kw)
    b = client.chat.completions.parse(**kw)
    assert a.choices[0].message.parsed == b.choices[0].message.parsed
    assert a.choices[0].message.parsed.guests == 12
    assert client.cache.hits == 1 and client.cache.misses == 1


def test_cached_decorator():
    cache = CallCache()
    calls = []

    @cached(cache)
    def square(x: int, scale: int = 1) -> int:
        calls.append(x)
        return x * x * scale

    assert [square(3), square(3), square(3, scale=2), square(4)] == [9, 9, 18, 16]
    assert calls == [3, 3, 4] and cache.hits == 1 and cache.misses == 3


# -- fan-out -----------------------------------------------------------------------------------------
def test_parallel_fanout_is_faster_and_gives_the_same_answer():
    cmp = compare_fanout(PLAIN, TODAY, provider="offline", latency_scale=0.5)
    assert cmp.same_choices and all(r.item_id for r in cmp.parallel.results)
    assert [r.category for r in cmp.parallel.results] == ["gift", "cake", "venue"]
    assert sum(r.llm_calls for r in cmp.parallel.results) >= 3
    # the speed-up itself is measured in notebook 05 and `make bench`; tests do not assert wall-clock times


# -- the frontier targets ------------------------------------------------------------------------------
@pytest.mark.slow
def test_frontier_targets_on_the_examples(provider):
    from tutorial_helpers.evaluation import load_scenarios
    from tutorial_helpers.routing import Strategy

    scenarios = load_scenarios()
    strategies = [Strategy("large-only", AlwaysLarge()), Strategy("small-only", AlwaysSmall()),
                  Strategy("rule-routed", RuleRouter()),
                  Strategy("rule-routed + cache", RuleRouter(), cache=CallCache(), warm=True)]
    df = frontier(scenarios, strategies, provider=provider).set_index("strategy")
    rule, large, small = df.loc["rule-routed"], df.loc["large-only"], df.loc["small-only"]
    assert rule["large_token_reduction"] >= 0.60
    assert rule["pass_rate_drop_points"] <= 2.0
    assert large["grounded_rate"] == 1.0 and rule["grounded_rate"] == 1.0
    assert small["pass_rate"] < large["pass_rate"]  # the small tier alone misses paraphrased constraints
    assert rule["cost_usd"] < large["cost_usd"] and rule["latency_s"] < large["latency_s"]
    assert df.loc["rule-routed + cache", "cache_hit_rate"] >= 0.9
