"""Evaluation: scenarios, the scoring harness, reports (and, in notebooks, user simulation)."""

from tutorial_helpers.evaluation.harness import CHECK_NAMES, EvaluationResult, ScenarioResult, evaluate, score_plan
from tutorial_helpers.evaluation.scenarios import Scenario, example_scenarios_path, load_scenarios

__all__ = [
    "CHECK_NAMES", "EvaluationResult", "ScenarioResult", "evaluate", "score_plan",
    "Scenario", "example_scenarios_path", "load_scenarios",
]
