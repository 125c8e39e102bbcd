"""Check a plan's explanation before it is shown: the one call every framework's plan goes through.

:func:`tutorial_helpers.planners.plan_text` calls :func:`check_plan_explanation` once, after the
guardrail, whatever framework planned. Every claim of the plan's ``explanation`` and of each item's
``why`` is verified against the catalog (:mod:`.claims`); an unfaithful claim is removed, and the plan
JSON says so in ``explanation_check``::

    "explanation_check": {"claims": 14, "supported": 13, "removed": ["'nut-free': ... contains tree nuts"],
                          "rewritten": true}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutorial_helpers.domain import BirthdayPlan, ExplanationCheck
from tutorial_helpers.patterns.explanations.claims import check_explanation, repair_explanation, split_sentences

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog


def faithful_text(text: str, plan: BirthdayPlan, catalog: Catalog) -> tuple[str, int, int, list[str]]:
    """``text`` with every unfaithful claim removed; also (claims, supported, removed) of the original."""
    report = check_explanation(text, plan, catalog=catalog)
    if not report.unfaithful:
        return text, report.n, len(report.supported), []
    fixed, removed = repair_explanation(report)
    # whatever the clause-level repair left unfaithful goes with its whole sentence
    again = check_explanation(fixed, plan, catalog=catalog)
    if again.unfaithful:
        bad = {c.sentence for c in again.unfaithful}
        fixed = " ".join(s for s in split_sentences(fixed) if s not in bad)
    return fixed, report.n, len(report.supported), removed


def check_plan_explanation(plan: BirthdayPlan, catalog: Catalog | None = None) -> BirthdayPlan:
    """Verify the plan's explanation and item reasons against the catalog; remove unfaithful claims.

    Args:
        plan: a guarded plan (any framework).
        catalog: the catalog (default: the shipped one).

    Returns:
        A copy of the plan whose ``explanation`` and ``why`` texts make only supported claims, with
        ``explanation_check`` filled in. Plans without items (``feasible: false`` before any choice)
        are returned unchanged: their explanation is the list of reasons, not claims about items.
    """
    if not plan.items:
        return plan
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    out = plan.model_copy(deep=True)
    total_claims = total_supported = 0
    removed: list[str] = []
    out.explanation, n, ok, cut = faithful_text(plan.explanation, plan, catalog)
    total_claims, total_supported, removed = n, ok, cut
    for line in out.items:
        line.why, n, ok, cut = faithful_text(line.why, plan, catalog)
        total_claims += n
        total_supported += ok
        removed += cut
    rewritten = out.explanation != plan.explanation or any(a.why != b.why
                                                           for a, b in zip(out.items, plan.items, strict=True))
    if rewritten:
        out.warnings = list(
            dict.fromkeys([*out.warnings, f"Explanation check: removed {len(removed)} unfaithful claim(s)."]))
    out.explanation_check = ExplanationCheck(claims=total_claims, supported=total_supported, removed=removed,
                                             rewritten=rewritten)
    return out
