"""Self-evolving recommenders (notebook 17): the configuration space, proposals, rewards, store, search."""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

import pytest
from pydantic import ValidationError

from tutorial_helpers.evaluation import load_scenarios
from tutorial_helpers.evolution import (
    PROTECTED,
    SEARCH_SPACE,
    ExperienceStore,
    TeamConfig,
    agents,
    criteria_table,
    evaluate_config,
    rewards,
    validate_proposal,
)
from tutorial_helpers.evolution.criteria import LAYERS, MODULES
from tutorial_helpers.llm.offline.roles import architect_proposal, detect_role_info
from tutorial_helpers.routing.experiment import dedicated_provider

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["extractor", "retriever", "selector", "critic", "explainer"]


@pytest.fixture(scope="module")
def provider():
    with dedicated_provider("offline", latency_scale=0.0) as prov:
        yield prov


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(str(files("tutorial_helpers") / "data" / "examples.jsonl"))


# -- the configuration space and the guardrail ------------------------------------------------------

def test_the_guardrail_is_outside_the_configuration_space():
    assert not any(p in k for k in SEARCH_SPACE for p in PROTECTED)
    assert not any("guard" in f for f in TeamConfig.model_fields)
    with pytest.raises(ValidationError):
        TeamConfig(guardrail=False)  # extra fields are forbidden
    for knob, values in SEARCH_SPACE.items():
        for v in values:
            TeamConfig(**{knob: v})  # every value of the space is a valid configuration


def test_config_key_is_stable_and_discriminating():
    assert TeamConfig().key() == TeamConfig().key()
    assert TeamConfig().key() != TeamConfig(pool_size=10).key()
    assert TeamConfig(critic_rounds=0, explainer=False).agents() == ["extractor", "retriever", "selector"]


@pytest.mark.parametrize("raw", [
    {"action": "keep", "critic_rounds": 1, "order": ORDER, "guardrail": False},
    {"action": "keep", "critic_rounds": 1, "order": ORDER, "guardrail_strictness": "low"},
    {"action": "reorder", "critic_rounds": 1, "order": [*ORDER, "guardrail"]},
    {"action": "keep", "critic_rounds": 1, "order": ORDER, "extra": {"guard": "off"}},
])
def test_a_proposal_touching_the_guardrail_is_rejected(raw):
    cfg, reason = validate_proposal(json.dumps(raw), TeamConfig())
    assert cfg is None and "guardrail" in reason


@pytest.mark.parametrize("raw, words", [
    ("I would add a critic.", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({"action": "fine_tune", "critic_rounds": 1}), "action"),
    (json.dumps({"action": "reorder", "critic_rounds": 1, "order": ["retriever", "extractor", "selector", "critic", "explainer"]}), "first"),
    (json.dumps({"action": "reorder", "critic_rounds": 1, "order": ["extractor", "selector", "retriever", "critic", "explainer"]}), "before the selector"),
    (json.dumps({"action": "reorder", "critic_rounds": 1, "order": ["extractor", "retriever", "critic", "selector", "explainer"]}), "after the selector"),
    (json.dumps({"action": "drop_critic", "critic_rounds": 0, "order": ORDER}), "disagree"),
    (json.dumps({"action": "add_critic", "critic_rounds": 9, "order": ORDER}), "critic_rounds"),
    (json.dumps({"action": "keep", "critic_rounds": 1, "order": ["extractor", "retriever", "explainer", "critic"]}), "selector is required"),
])
def test_invalid_proposals_are_rejected_with_a_reason(raw, words):
    cfg, reason = validate_proposal(raw, TeamConfig())
    assert cfg is None and words in reason


def test_a_valid_proposal_changes_the_structure_and_keeps_the_knobs():
    base = TeamConfig(pool_size=10, lexical_weight=0.25)
    cfg, reason = validate_proposal({"action": "add_critic", "critic_rounds": 2, "order": ORDER}, base)
    assert reason == "" and cfg is not None
    assert cfg.critic_rounds == 2 and cfg.pool_size == 10 and cfg.lexical_weight == 0.25


# -- the stand-in's architect role ---------------------------------------------------------------------

def test_the_stand_in_recognises_the_architect_prompt():
    from tutorial_helpers import prompts

    assert detect_role_info(prompts.render(prompts.ARCHITECT, today="2026-11-22")) == ("architect", "keywords")


@pytest.mark.parametrize("log, action", [
    ('Current team: {"critic_rounds": 1, "explainer": true}\nFailures:\n- ex01 budget: over\n- ex02 allergens: eggs', "add_critic"),
    ('Current team: {"critic_rounds": 1, "explainer": true}\nThe critic changed the plan in 0 of 8 runs.\nFailures: none', "drop_critic"),
    ('Current team: {"critic_rounds": 0, "explainer": true}\nShare of tokens by agent: explainer 30%, retriever 20%', "drop_explainer"),
    ('Current team: {"critic_rounds": 0, "explainer": false}\nShare of tokens by agent: retriever 70%', "parallelise"),
    ('Current team: {"critic_rounds": 0, "explainer": false, "parallel_retrieval": true}\nFailures: none', "keep"),
])
def test_architect_rules_give_valid_proposals(log, action):
    prop = architect_proposal(log)
    assert prop["action"] == action
    cfg, reason = validate_proposal(prop, TeamConfig())
    assert cfg is not None, reason


def test_the_model_proposal_goes_through_the_server_and_validates(provider):
    from tutorial_helpers.evolution.proposals import propose

    log = 'Current team: {"critic_rounds": 1, "explainer": true}\nFailures:\n- ex01 budget: over\n- ex02 dietary: meat'
    raw = propose(log, provider=provider, today="2026-11-22")
    cfg, reason = validate_proposal(raw, TeamConfig())
    assert cfg is not None, (raw, reason)
    assert cfg.critic_rounds == 2


# -- rewards, criteria, store -------------------------------------------------------------------------

def test_inner_rewards(scenarios):
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.evaluation.harness import request_from_expect
    from tutorial_helpers.evolution.evaluate import reference_plan

    cat = load_catalog()
    sc = scenarios[0]
    truth = request_from_expect(sc)
    assert rewards.extraction_accuracy(truth, sc.expect) == 1.0
    assert rewards.extraction_accuracy(truth.model_copy(update={"budget": 1.0}), sc.expect) < 1.0
    ref = reference_plan(sc, cat)
    pool = {p.category: [] for p in ref.items}
    assert rewards.retrieval_recall(pool, ref) == 0.0
    full = {p.category: [cat.get(p.id)] for p in ref.items}
    assert rewards.retrieval_recall(full, ref) == 1.0
    assert rewards.budget_use(ref, truth) == round(ref.total_cost / truth.budget, 4) <= 1.0
    m = {"pass_rate": 1.0, "raw_pass_rate": 1.0, "mean_cost_usd": 0.01}
    assert rewards.outer_reward(m) > rewards.outer_reward(m | {"mean_cost_usd": 0.02})
    assert rewards.outer_reward(m) > rewards.outer_reward(m | {"pass_rate": 0.9})


def test_criteria_table_and_layers_point_to_real_code():
    df = criteria_table()
    assert set(agents()) >= {"extraction", "retrieval / catalog search", "selector", "critic", "router"}
    assert not df.loc[df.module == "guardrail", "agent"].item()
    assert all(df.agent == (df.closed_loop & df.evaluable & df.evolvable))
    for path in [m.path for m in MODULES] + [p for ps in LAYERS.values() for p in ps]:
        assert (ROOT / path).exists(), path
    assert "src/tutorial_helpers/planning/guardrail.py" in LAYERS["infrastructure"]


def test_store_persists_and_counts_hits(tmp_path):
    path = tmp_path / "exp" / "store.sqlite"
    store = ExperienceStore(path)
    assert store.get("k", "s1") is None and store.misses == 1
    store.put("k", {"a": 1}, "s1", {"passed": True, "failures": [{"check": "budget", "detail": "over"}]})
    store.add_proposal("model", "{}", False, "not JSON")
    store.close()
    again = ExperienceStore(path)
    assert again.get("k", "s1") == {"passed": True, "failures": [{"check": "budget", "detail": "over"}]}
    assert again.hits == 1
    assert again.failures("k") == [{"id": "s1", "check": "budget", "detail": "over"}]
    assert again.proposals()[0]["reason"] == "not JSON"
    assert again.counts() == {"evaluations": 1, "failures": 1, "proposals": 1}


# -- evaluation and search on the stand-in -----------------------------------------------------------

def test_a_budget_greedy_selector_is_caught_by_the_guardrail(provider, scenarios):
    from tutorial_helpers.catalog import load_catalog

    cat = load_catalog()
    few = [s for s in scenarios if s.id in ("ex01", "ex06")]
    store = ExperienceStore()
    greedy = evaluate_config(TeamConfig(greedy_budget=True), few, store, provider=provider, catalog=cat)
    m = greedy.metrics()
    assert m["budget_use"] > 1.0  # the inner reward went up ...
    assert m["raw_pass_rate"] == 0.0 and m["guard_catch_rate"] == 1.0  # ... the agents' plans broke the budget
    for r in greedy.rows:  # and nothing shown to the user breaks the budget while claiming to be valid
        assert not any(f["check"] == "budget" for f in r["failures"])
    again = evaluate_config(TeamConfig(greedy_budget=True), few, store, provider=provider, catalog=cat)
    assert (again.cache_hits, again.cache_misses) == (2, 0)
    assert again.rows == greedy.rows


def test_tune_is_seeded_and_reuses_the_store(provider, scenarios, tmp_path, monkeypatch):
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.evolution.search import best_config, history, tune

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    cat = load_catalog()
    train = [s for s in scenarios if s.id in ("ex03",)]
    store = ExperienceStore(tmp_path / "exp.sqlite")
    db = tmp_path / "study.db"
    first = tune(train, store, n_trials=3, seed=1, provider=provider, catalog=cat, storage=f"sqlite:///{db}", study_name="a")
    store.next_iteration()
    second = tune(train, store, n_trials=3, seed=1, provider=provider, catalog=cat)
    assert [t.params for t in first.trials] == [t.params for t in second.trials]
    assert store.misses == 0 and store.hits == 3
    assert history(first)[0]["trial"] == 0 and first.trials[0].params == {k: getattr(TeamConfig(), k) for k in SEARCH_SPACE}
    assert best_config(first).model_dump().keys() == TeamConfig().model_dump().keys()
    assert db.exists() and not any(home.iterdir()), os.listdir(home)
