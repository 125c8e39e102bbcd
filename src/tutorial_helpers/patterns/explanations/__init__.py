"""Explanations users can trust (notebook 09): a claim checker, three explanation strategies, metrics.

* :mod:`.claims` — split an explanation into claims and verify each against the catalog and the request.
* :mod:`.strategies` — template, single model call, and a CARTS-style generator / feedback / refiner team.
* :mod:`.plan_check` — the check every plan of every framework goes through before it is shown.
"""

from tutorial_helpers.patterns.explanations.claims import (
    Claim,
    ClaimReport,
    check_explanation,
    repair_explanation,
    split_sentences,
)
from tutorial_helpers.patterns.explanations.plan_check import check_plan_explanation

__all__ = ["Claim", "ClaimReport", "check_explanation", "check_plan_explanation", "repair_explanation",
           "split_sentences"]
