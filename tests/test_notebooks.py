"""Notebooks: the registry, the notebook contract, clean commits, and execution in CI.

Every notebook with ``ci = "execute"`` in notebooks/registry.toml runs top to bottom on a fresh
kernel with papermill and the offline parameters; its recorded figures (``testing.record``) are then
checked against the properties in ``EXPECTATIONS`` — real properties of what it computed, never
exact model text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
REGISTRY = tomllib.loads((NB_DIR / "registry.toml").read_text())["notebook"]
KEY_PATTERN = re.compile(r"(sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{30,}|ghp_[A-Za-z0-9]{30,})")


def _between(lo: float, hi: float) -> Callable[[Any], bool]:
    return lambda v: v is not None and lo <= v <= hi


# notebook file -> {recorded name: predicate}
EXPECTATIONS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "16_challenges.ipynb": {
        "halluc_scales": lambda v: v >= 2,
        "halluc_model_errors_rise": lambda v: v is True,
        "halluc_model_invented_at_zero": lambda v: v == 0,
        "halluc_model_invented_rises": lambda v: v is True,
        "halluc_guarded_invented_max": lambda v: v == 0,
        "halluc_guarded_violation_max": lambda v: v == 0,
        "halluc_raw_violation_max": _between(0, 1),
        "prop_violations_unchecked": lambda v: v >= 3,
        "prop_violations_end_guard": lambda v: v == 0,
        "prop_violations_stage_checks": lambda v: v == 0,
        "prop_reach_unchecked": lambda v: v >= 3,
        "prop_reach_stage_checks": lambda v: v == 0,
        "inject_attack_raw": lambda v: v > 0,
        "inject_attack_clean_catalog": lambda v: v == 0,
        "inject_attack_sanitized": _between(0, 1),
        "inject_attack_guarded": lambda v: v == 0,
        "inject_team_plans": lambda v: v >= 6,
        "inject_team_violations": lambda v: v == 0,
        "scale_group_messages_gt_chain": lambda v: v is True,
        "scale_group_tokens_gt_chain": lambda v: v is True,
        "scale_chain_calls_equal_agents": lambda v: v is True,
        "scale_throughput_all_ok": lambda v: v is True,
        "fair_gini_base": _between(0, 1),
        "fair_gini_reranked": _between(0, 1),
        "fair_pass_base": _between(0, 1),
        "fair_pass_reranked": _between(0, 1),
        "fair_vendors_base": lambda v: v >= 1,
        "fair_vendors_reranked": lambda v: v >= 1,
        "fair_gini_drops": lambda v: v is True,
        "fair_pass_cost": _between(0, 1),
        "fair_preference_drops": lambda v: v is True,
        "pii_prompt_leak_raw": lambda v: v > 0,
        "pii_prompt_leak_redacted": lambda v: v == 0,
        "pii_log_leak_redacted": lambda v: v == 0,
        "pii_memory_leak": lambda v: v == 0,
        "pii_redaction_rate": lambda v: v == 1.0,
        "deletion_rows_left": lambda v: v == 0,
        "deletion_bytes_left": lambda v: v == 0,
        "deletion_other_user_kept": lambda v: v >= 1,
        "syco_probes": lambda v: v >= 3,
        "syco_guarded_flips": lambda v: v == 0,
        "syco_true_caught_rate": lambda v: v == 1.0,
    },
    "00_setup_and_tour.ipynb": {
        "catalog_items": lambda v: v >= 1500,
        "catalog_cities": lambda v: v == 6,
        "example_plan_valid": lambda v: v is True,
        "example_plan_total": _between(1, 400),
        "offline_reply_chars": lambda v: v > 0,
    },
    "01_from_one_shot_to_agentic.ipynb": {
        "strategies": lambda v: v >= 6,
        "pass_one_shot": _between(0, 1),
        "pass_multi_agent": lambda v: v >= 0.9,
        "grounded_multi_agent": lambda v: v == 1.0,
        "multi_agent_beats_one_shot": lambda v: v is True,
        "calls_multi_agent_over_one_shot": lambda v: v > 1,
    },
    "02_memory_and_retrieval.ipynb": {
        "allergy_respected_without_memory": lambda v: v < 1.0,
        "allergy_respected_with_memory": lambda v: v == 1.0,
        "repeated_gift_without_memory": lambda v: v > 0.0,
        "repeated_gift_with_memory": lambda v: v == 0.0,
        "pii_rows_in_db": lambda v: v == 0,
        "forgotten_rows_left": lambda v: v == 0,
    },
    "07_context_aware_autonomous.ipynb": {
        "households": lambda v: v >= 10,
        "on_time_reactive": _between(0, 1),
        "on_time_naive": _between(0, 1),
        "on_time_context": lambda v: v >= 0.85,
        "approval_reactive": lambda v: v < 0.8,
        "approval_naive": lambda v: v < 0.8,
        "approval_context": lambda v: v >= 0.9,
        "repeated_gifts_context": lambda v: v == 0,
        "budget_kept_context": lambda v: v == 1.0,
        "spent_without_approval": lambda v: v == 0,
        "interruptions_context_le_naive": lambda v: v is True,
        "calls_per_month_context": lambda v: v > 0,
        "context_rejections": lambda v: v >= 1,
        "message_claim_precision_context": lambda v: v == 1.0,
        "context_next_after_rejection_approved": lambda v: v == 1.0,
    },
    "09_explanation_generation.ipynb": {
        "planted_hallucination_caught": lambda v: v is True,
        "planted_removed_by_plan_check": lambda v: v is True,
        "unfaithful_diet_claims_after_check": lambda v: v == 0,
        "explained_plans": lambda v: v >= 3,
        "precision_template_clean": lambda v: v == 1.0,
        "precision_single_call_clean": lambda v: v >= 0.95,
        "precision_single_call_worst": lambda v: v < 0.9,
        "precision_carts_clean": lambda v: v == 1.0,
        "precision_carts_worst": lambda v: v == 1.0,
        "coverage_template": _between(0, 1),
        "coverage_single_call": _between(0, 1),
        "coverage_carts": lambda v: v >= 0.7,
    },
    "03_function_calling_and_tools.ipynb": {
        "tool_loop_grounded": lambda v: v is True,
        "parallel_tool_calls": lambda v: v >= 2,
        "invalid_args_recovered": lambda v: v is True,
        "tool_failure_handled": lambda v: v is True,
    },
    "04_mcp_orchestration.ipynb": {
        "mcp_tools": lambda v: v >= 5,
        "mcp_clients": lambda v: v >= 3,
        "stdio_http_same_tools": lambda v: v is True,
    },
    "17_self_evolving.ipynb": {
        # offline, the agents' failures come from the tiers' declared error profile (llm.offline.profile) and the
        # architect's proposal from the stand-in's fixed rules (roles.architect_proposal); the notebook says so
        "modules_scored": lambda v: v >= 8,
        "agents_by_criteria": lambda v: 3 <= v < 11,
        "guardrail_is_agent": lambda v: v is False,
        "split_disjoint": lambda v: v is True,
        "heldout_scenarios": lambda v: v >= 6,
        "trials": lambda v: v >= 4,
        "best_train_reward_not_below_baseline": lambda v: v is True,
        "second_iteration_cache_hits": lambda v: v > 0,
        "second_iteration_cache_misses": lambda v: v == 0,  # deterministic stand-in: every repeat is in the store
        "model_proposal_valid": lambda v: v is True,
        "rejected_proposals": lambda v: v >= 3,
        "guardrail_proposal_rejected": lambda v: v is True,
        "config_has_no_guardrail_field": lambda v: v is True,
        "guardrail_unchanged": lambda v: v is True,
        "heldout_baseline_pass_rate": _between(0, 1),
        # measured with the CI parameters: the evolved team is not worse than the baseline on held-out scenarios
        "heldout_evolved_pass_rate": _between(0, 1),
        "heldout_evolved_outer_reward": lambda v: v > 0,
        "heldout_evolved_cost_usd": lambda v: v > 0,
        "recall_greedy_recall_gain": lambda v: v > 0,  # the retriever's inner reward rose ...
        "recall_greedy_token_increase": lambda v: v > 0,  # ... at a price in tokens ...
        "recall_greedy_cost_increase": lambda v: v > 0,  # ... and in cost (its outer effect is printed, not asserted:
        # it changed sign with small changes to the team)
        "budget_greedy_budget_use": lambda v: v > 1.0,  # the selector's inner reward: over the budget
        "budget_greedy_guard_catch_rate": lambda v: v >= 0.5,  # the guardrail caught the broken plans
        "budget_greedy_outer_drop": lambda v: v > 0,
        "evolved_not_worse_heldout": lambda v: v is True,
    },
    "05_reasoning_load_balancing.ipynb": {
        # the offline failures come from the tiers' declared error profile (llm.offline.profile), and the
        # routers decide from text signals and checks of the small tier's output, never the stand-in's reader
        "profile_error_named": lambda v: v is True,
        "heldout_scenarios": lambda v: v >= 4,
        "heldout_grounded_rate": lambda v: v == 1.0,
        "cascade_large_token_reduction": lambda v: v > 0.3,
        "cascade_minus_small_only_points": lambda v: v >= 0,
        "rule_large_token_reduction": lambda v: v > 0.5,
        "curve_pass_rate_at_zero": lambda v: v == 1.0,
        "curve_raw_drop_points": lambda v: v > 0,
        "replay_cache_hit_rate": lambda v: v >= 0.9,
        "fanout_speedup": lambda v: v > 1.2,  # overlapping simulated latencies; loose: CI machines are shared
    },
    **{
        nb: {
            "pass_rate": lambda v: v >= 0.9,
            "grounded_rate": lambda v: v == 1.0,
            "llm_calls_per_plan": lambda v: v > 0,
            "example_plan_valid": lambda v: v is True,
            "trace_agents": lambda v: v >= 4,
            "raw_pass_rate": _between(0, 1),
            "fallback_rate": _between(0, 1),
            "raw_not_above_guarded": lambda v: v is True,
            "mini_team_plan_valid": lambda v: v is True,
            "mini_team_grounded": lambda v: v is True,
        }
        for nb in ("10_ag2.ipynb", "11_langgraph.ipynb", "12_crewai.ipynb", "13_adk.ipynb")
    },
    "06_conversational_recommendation.ipynb": {
        "rejection_shown": lambda v: v is True,
        "strategy_reflections": lambda v: v >= 1,
        "llm_only_grounded_rate": lambda v: v < 1.0,
        "llm_only_accepted_invalid": lambda v: v > 0,
        "macrs_success_rate": lambda v: v >= 0.8,
        "macrs_mean_turns": lambda v: v <= 5,
        "macrs_accepted_invalid": lambda v: v == 0,
        "macrs_grounded_rate": lambda v: v == 1.0,
        "grounded_accepted_invalid_max": lambda v: v == 0,
        "grounded_min_grounded_rate": lambda v: v == 1.0,
        "macrs_minus_no_reflection": lambda v: v > 0,
        "macrs_calls_over_form_filler": lambda v: v > 1,
        "ablations": lambda v: v >= 4,
        "ablation_accepted_invalid_max": lambda v: v == 0,
    },
    "08_evaluation_and_user_simulation.ipynb": {
        "shipped_personas": lambda v: v >= 30,
        "shipped_styles": lambda v: v == 3,
        "heldout_personas": lambda v: v >= 8,
        "simulator_shares_understanding": lambda v: v is False,
        "simulator_accepts_valid": lambda v: v is True,
        "simulator_rejects_invalid": lambda v: v is True,
        "fidelity_turns": lambda v: v > 0,
        "fidelity_contradictions": lambda v: v == 0,
        "fidelity_answered_rate": lambda v: v >= 0.6,
        "vague_answers_less": lambda v: v is True,
        "heldout_macrs_success": lambda v: v >= 0.7,
        "heldout_accepted_invalid_max": lambda v: v == 0,
        "heldout_min_grounded_rate": lambda v: v == 1.0,
        "heldout_macrs_cost_per_user": lambda v: v > 0,
        "movies_users": lambda v: v >= 10,
        "movies_crs_success": lambda v: 0 < v <= 1,
        "movies_crs_over_popularity": lambda v: v is True,
        "movies_knn_recall_at_k": _between(0, 1),
    },
    "15_build_debug_refine.ipynb": {
        # every failure comes from the stand-in's declared error profile (llm.offline.profile); the origin of
        # each is found by substituting the reference planner's work step by step (evaluation.diagnosis)
        "debug_scenarios": lambda v: v >= 5,
        "heldout_scenarios": lambda v: v >= 5,
        "split_disjoint": lambda v: v is True,
        "split_deterministic": lambda v: v is True,
        "v0_debug_failures": lambda v: v >= 1,
        "v0_debug_failures_from_profile": lambda v: v >= 1,  # a control run with the profile off counts them
        "v0_debug_failures_without_profile": lambda v: v >= 0,
        "v0_every_failure_has_origin": lambda v: v is True,
        "v0_origins_are_steps": lambda v: v is True,
        "v0_origin_counts": lambda v: set(v) == {"understand", "retrieve", "select"} and sum(v.values()) >= 1,
        "v0_origin_fired_share": _between(0, 1),
        "v1_fixes_top_v0_origin": lambda v: v is True,
        "v1_every_failure_has_origin": lambda v: v is True,
        "v1_origin_counts": lambda v: set(v) == {"understand", "retrieve", "select"},
        "v2_target_named_by_diagnosis": lambda v: v is True,
        "v0_heldout_pass_rate": lambda v: v < 1.0,
        "v1_heldout_pass_rate": _between(0, 1),
        "v2_heldout_pass_rate": lambda v: v >= 0.7,
        "v1_heldout_not_below_v0": lambda v: v is True,
        "v2_heldout_not_below_v1": lambda v: v is True,
        "v1_tokens_over_v0": lambda v: v > 1.0,
    },
    "18_live_demo.ipynb": {
        "reference_plan_valid": lambda v: v is True,
        "team_plan_valid": lambda v: v is True,
        "fallback_used": lambda v: v is False,  # offline in CI: nothing to fall back from
        # the live failure is the stand-in's declared "misread guests" error, its rate turned up for the room
        "live_failure_shown": lambda v: v is True,
        "live_failure_fixed": lambda v: v is True,
        "comparison_planners": lambda v: v >= 3,
        "comparison_min_pass_rate": lambda v: v >= 0.9,
        "comparison_raw_never_above_guarded": lambda v: v is True,
        "langgraph_trace_agents": lambda v: v >= 4,
        "agents_cost_more_calls_than_reference": lambda v: v is True,
    },
    "14_framework_comparison.ipynb": {
        "frameworks_compared": lambda v: v >= 6,
        "min_pass_rate": lambda v: v >= 0.9,
        "all_grounded": lambda v: v is True,
        "min_raw_pass_rate": _between(0, 1),
        "raw_never_above_guarded": lambda v: v is True,
        "calls_without_today": lambda v: v == 0,
    },
}

#: figures the exercise solutions record (solution cells run with the notebook: see
#: test_exercises_have_runnable_solution_cells)
EXERCISE_EXPECTATIONS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "00_setup_and_tour.ipynb": {
        "exercise_late_cake_ready": lambda v: v is True,
        "exercise_quick_vegan_cakes": lambda v: v >= 1,
        "exercise_impossible_budget_refused": lambda v: v is True,
    },
    "01_from_one_shot_to_agentic.ipynb": {
        "exercise_cot_extra_prompt_tokens": lambda v: v > 0,
        "exercise_self_refine_large_calls": lambda v: v >= 2,
    },
    "02_memory_and_retrieval.ipynb": {
        "exercise_outgrown_allergy_cleared": lambda v: v is True,
        "exercise_dict_store_allergies": lambda v: v == ["peanuts"],
    },
    "03_function_calling_and_tools.ipynb": {
        "exercise_search_only_grounded": lambda v: v is True,
        "exercise_own_tool_called": lambda v: v is True,
        "exercise_two_turns_unfinished": lambda v: v is True,
    },
    "04_mcp_orchestration.ipynb": {
        "exercise_stdio_langgraph_tools": lambda v: v >= 5,
        "exercise_served_prompt_checks_cost": lambda v: v is True,
    },
    "10_ag2.ipynb": {
        "exercise_no_specialists_fewer_calls": lambda v: v is True,
        "exercise_explainer_history_tokens_ratio": lambda v: v > 1.0,
    },
    "11_langgraph.ipynb": {"exercise_thrifty_under_90pct_or_nothing_optional": lambda v: v is True},
    "13_adk.ipynb": {"exercise_city_callback_refuses": lambda v: v is True},
    "15_build_debug_refine.ipynb": {
        "exercise_scaled_errors_v2_not_below_v0": lambda v: v is True,
        "exercise_select_alone_recovers": lambda v: v is True,
        "exercise_check_node_runs": lambda v: v is True,
    },
    "18_live_demo.ipynb": {
        "exercise_fallback_shown": lambda v: v is True,
        "exercise_large_tier_also_breaks": lambda v: v is True,
    },
    "14_framework_comparison.ipynb": {"exercise_seventh_framework_pass_rate": lambda v: v >= 0.9},
}
for _nb, _checks in EXERCISE_EXPECTATIONS.items():
    EXPECTATIONS.setdefault(_nb, {}).update(_checks)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_registry_matches_files():
    listed = {e["file"] for e in REGISTRY}
    present = {p.name for p in NB_DIR.glob("*.ipynb")}
    assert listed == present, f"not in registry: {present - listed}; missing files: {listed - present}"
    for e in REGISTRY:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", e["file"]), e["file"]
        assert e["part"] in "ABCDE" and e["ci"] in ("execute", "skip") and e["title"]


@pytest.mark.parametrize("entry", REGISTRY, ids=[e["file"] for e in REGISTRY])
def test_notebook_is_clean_and_follows_contract(entry):
    nb = load(NB_DIR / entry["file"])
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    md = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    for c in code:
        assert not c.get("outputs"), "committed with outputs"
        assert c.get("execution_count") is None, "committed with execution counts"
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert not KEY_PATTERN.search(text), "something that looks like an API key"
    first_md = "".join(md[0]["source"])
    assert "colab.research.google.com" in first_md, "badge/links first"
    intro = "\n".join("".join(c["source"]) for c in md[:3])
    assert "What you will learn" in intro and "Where we are" in intro
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code), "a cell tagged parameters"
    tail = "\n".join("".join(c["source"]) for c in md[-4:])
    assert "Exercises" in tail and "Going further" in tail
    # no model names hard-coded: they come from config
    src = "\n".join("".join(c["source"]) for c in code)
    assert not re.search(r"['\"](gpt-[0-9a-z.-]+|gemini-[0-9a-z.-]+|offline-(small|large))['\"]", src), "model name literal"


#: "notebook 05", "Notebooks 10–13", "**03 · ..." (the "next" links): each must be a registered notebook
NB_REF = re.compile(r"\b[Nn]otebooks? (\d\d)(?:\s*(?:–|-|to|and)\s*(\d\d))?|\*\*(\d\d) ·")


def test_cross_references_point_to_notebooks_that_exist():
    registered = {e["file"][:2] for e in REGISTRY}
    dangling = []
    for e in REGISTRY:
        nb = load(NB_DIR / e["file"])
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for m in NB_REF.finditer(text):
            for num in filter(None, m.groups()):
                if num not in registered:
                    dangling.append(f"{e['file']}: {m.group(0)!r}")
    assert not dangling, dangling


def test_no_key_like_strings_tracked():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    hits = []
    for f in files:
        p = ROOT / f
        if p.suffix in (".lock", ".png", ".npy", ".bin") or not p.is_file():
            continue
        try:
            if KEY_PATTERN.search(p.read_text(encoding="utf-8")):
                hits.append(f)
        except UnicodeDecodeError:
            continue
    assert not hits, hits


def _solution_cells(nb: dict) -> tuple[int | None, list[dict]]:
    """The index of the Exercises markdown cell and the code cells tagged "solution" right after it."""
    cells = nb["cells"]
    idx = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                and re.search(r"^## Exercises", "".join(c["source"]), re.M)), None)
    if idx is None:
        return None, []
    after = []
    for c in cells[idx + 1:]:
        if c["cell_type"] != "code" or "solution" not in c.get("metadata", {}).get("tags", []):
            break
        after.append(c)
    return idx, after


@pytest.mark.parametrize("entry", REGISTRY, ids=[e["file"] for e in REGISTRY])
def test_exercises_have_runnable_solution_cells(entry):
    """Every exercise solution is code that CI executes with the notebook, not prose that can rot."""
    nb = load(NB_DIR / entry["file"])
    idx, solutions = _solution_cells(nb)
    if idx is None:
        pytest.skip("no Exercises section")
    assert solutions, "the Exercises markdown must be followed by code cells tagged 'solution'"
    for c in solutions:
        assert c["metadata"].get("jupyter", {}).get("source_hidden") is True, "solution cells are collapsed"
        assert "".join(c["source"]).strip(), "an empty solution cell"
    tagged = [c for c in nb["cells"] if "solution" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == len(solutions), "every solution cell sits right after the Exercises markdown"
    if entry["ci"] == "execute":
        text = "".join(nb["cells"][idx]["source"])
        assert "```python" not in text.split("## Exercises", 1)[1], "solution code belongs in the solution cells"


EXECUTE = [e for e in REGISTRY if e["ci"] == "execute"]


@pytest.mark.notebook
@pytest.mark.parametrize("entry", EXECUTE, ids=[e["file"] for e in EXECUTE])
def test_notebook_executes_offline(entry, tmp_path):
    import papermill as pm

    from tutorial_helpers.testing import read_records

    src = NB_DIR / entry["file"]
    out = ROOT / "build" / "executed" / entry["file"]  # kept: make site renders these (no second execution)
    out.parent.mkdir(parents=True, exist_ok=True)
    records_file = tmp_path / "records.json"
    env_backup = dict(os.environ)
    os.environ.update({
        "TUTORIAL_PROVIDER": "offline", "TUTORIAL_RECORD_PATH": str(records_file),
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    })
    for key in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "TUTORIAL_BASE_URL"):
        os.environ.pop(key, None)
    try:
        params = {"PROVIDER": "offline", **entry.get("ci_parameters", {})}
        pm.execute_notebook(str(src), str(out), parameters=params, cwd=str(NB_DIR),
                            kernel_name="python3", progress_bar=False, execution_timeout=600)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    records = read_records(out)
    if records_file.exists():
        records.update(json.loads(records_file.read_text()))
    expected = EXPECTATIONS.get(entry["file"], {})
    assert expected, f"{entry['file']} has no expectations in tests/test_notebooks.py"
    for name, ok in expected.items():
        assert name in records, f"{entry['file']} did not record {name!r} (recorded: {sorted(records)})"
        assert ok(records[name]), f"{entry['file']}: {name} = {records[name]!r} fails its expectation"


def test_python_is_this_venv():
    # papermill's python3 kernel must be this interpreter, or notebooks would miss the package
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    argv0 = spec.argv[0]
    assert argv0 in ("python", sys.executable) or Path(argv0).resolve() == Path(sys.executable).resolve(), argv0
