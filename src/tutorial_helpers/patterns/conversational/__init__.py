"""Conversational recommendation: MACRS (multi-agent act planning with reflection) and its baselines.

Example::

    from tutorial_helpers.patterns.conversational import make_recommender
    rec = make_recommender("macrs")
    rec.start("2026-11-22")
    turn = rec.respond("Hi, I need a birthday gift for my dad.")
    print(turn.act, turn.text)
"""

from __future__ import annotations

from tutorial_helpers.patterns.conversational.memory import (
    ACTS,
    FeedbackVerdict,
    PlannerDecision,
    ProfileUpdate,
    Suggestions,
    WorkingMemory,
    missing_fields,
)
from tutorial_helpers.patterns.conversational.recommenders import (
    ABLATIONS,
    MACRS,
    RECOMMENDERS,
    AssistantTurn,
    ConversationalRecommender,
    FormFiller,
    RecommendFirst,
    SingleAgent,
    grounded_recommendation,
    make_recommender,
    plan_text,
)

__all__ = ["ABLATIONS", "ACTS", "MACRS", "RECOMMENDERS", "AssistantTurn", "ConversationalRecommender",
           "FeedbackVerdict",
           "FormFiller", "PlannerDecision", "ProfileUpdate", "RecommendFirst", "SingleAgent", "Suggestions",
           "WorkingMemory",
           "grounded_recommendation", "make_recommender", "missing_fields", "plan_text"]
