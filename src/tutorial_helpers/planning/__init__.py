"""Planning: the guardrail (constraint checker and repair) and the planners.

- :mod:`tutorial_helpers.planning.guardrail`: ``validate_plan``, ``repair_plan``, ``guard``, ``CHECKS``
- :mod:`tutorial_helpers.planning.reference`: ``plan_request`` (no LLM), ``candidate_pool``, ``assemble_plan``
- :mod:`tutorial_helpers.planning.native`: the planner as a small agent team on the raw openai SDK
"""

from tutorial_helpers.planning.candidates import candidate_pool, required_categories
from tutorial_helpers.planning.guardrail import CHECKS, Constraints, guard, repair_plan, validate_plan
from tutorial_helpers.planning.reference import assemble_plan, check_feasibility, plan_request

__all__ = [
    "CHECKS", "Constraints", "guard", "repair_plan", "validate_plan",
    "assemble_plan", "candidate_pool", "check_feasibility", "plan_request", "required_categories",
]
