"""User simulation for conversational recommenders (ARCHITECTURE.md, "Conversation and user simulation").

The simulator plays a persona's user from hidden facts; the runner pits it against a recommender and
scores the conversation. The simulator shares none of the recommender's understanding code: only
the public domain models and the guardrail's checker.
"""

from __future__ import annotations

from tutorial_helpers.evaluation.simulation.personas import generate_personas, load_personas, personas_json
from tutorial_helpers.evaluation.simulation.runner import (
    DEFAULT_MAX_TURNS,
    Conversation,
    SimulationResult,
    metrics_table,
    run_conversation,
    simulate,
)
from tutorial_helpers.evaluation.simulation.simulator import LLMUserSimulator, SimTurn, UserSimulator, asked_fields

__all__ = ["DEFAULT_MAX_TURNS", "Conversation", "LLMUserSimulator", "SimTurn", "SimulationResult", "UserSimulator",
           "asked_fields", "generate_personas", "load_personas", "metrics_table", "personas_json", "run_conversation",
           "simulate"]
