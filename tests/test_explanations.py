"""The claim checker, the explanation strategies and the plan_text hook (notebook 09)."""

from __future__ import annotations

import datetime as dt

import pytest

from tutorial_helpers.catalog import load_catalog
from tutorial_helpers.domain import BirthdayRequest, PlanItem
from tutorial_helpers.patterns.explanations import check_explanation, check_plan_explanation, repair_explanation
from tutorial_helpers.patterns.explanations.strategies import coverage, inject_hallucinations, planted_hallucination
from tutorial_helpers.planners import plan_text

TODAY = dt.date(2026, 11, 22)
MAYA = ("Plan a birthday for Maya turning 8 in Austin on 2026-11-28: 12 kids, budget $400. She loves dinosaurs "
        "and painting; no peanuts or tree nuts please.")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def plan(catalog):
    return plan_text(MAYA, "reference", today=TODAY, catalog=catalog)


def _nut_cake(catalog):
    return next(i for i in catalog.filter(category="cake") if "tree nuts" in i.allergens)


def test_reference_explanation_is_fully_supported(plan, catalog):
    report = check_explanation(plan.explanation, plan, catalog=catalog)
    assert report.n >= 5
    assert report.precision == 1.0, report.table()
    assert {c.kind for c in report.claims} >= {"price", "capacity", "interest", "rating"}


def test_nut_free_claim_about_a_cake_with_nuts_is_contradicted(catalog):
    cake = _nut_cake(catalog)
    report = check_explanation(f"{cake.name} is nut-free, so everyone can have some.", [cake], BirthdayRequest(), catalog)
    bad = [c for c in report.contradicted if c.kind == "allergen"]
    assert bad and "tree nuts" in bad[0].evidence and bad[0].item_id == cake.id
    assert report.precision < 1.0


def test_words_in_an_item_name_are_not_claims(catalog):
    cake = next(i for i in catalog.filter(category="cake") if "gluten-free" in i.name.lower())
    report = check_explanation(f"We chose {cake.name}.", [cake], BirthdayRequest(), catalog)
    assert not [c for c in report.claims if c.kind in ("diet", "allergen")]


@pytest.mark.parametrize("sentence,kind,status", [
    ("{venue} seats 500 guests.", "capacity", "contradicted"),
    ("{venue} seats 8.", "capacity", "supported"),
    ("{gift} matches her love of cars.", "interest", "unsupported"),
    ("{gift} costs $1.23.", "price", "contradicted"),
])
def test_claim_kinds(sentence, kind, status, plan, catalog):
    items = {p.category: catalog.get(p.id) for p in plan.items}
    text = sentence.format(venue=items["venue"].name, gift=items["gift"].name)
    report = check_explanation(text, plan, catalog=catalog)
    assert any(c.kind == kind and c.status == status for c in report.claims), report.table()


def test_item_outside_the_plan_is_reported(plan, catalog):
    outsider = next(i for i in catalog.filter(category="gift") if i.id not in plan.item_ids())
    report = check_explanation(f"We also like {outsider.id} for her.", plan, catalog=catalog)
    assert any(c.kind == "outside_plan" for c in report.unfaithful)
    by_name = check_explanation(f"She will also love {outsider.name}.", plan, catalog=catalog)
    assert any(c.kind == "outside_plan" and c.item_id == outsider.id for c in by_name.unfaithful)
    note = check_explanation(f"Swapped {outsider.name} for a cheaper gift.", plan, catalog=catalog)
    assert not [c for c in note.claims if c.kind == "outside_plan"]


def test_repair_removes_only_the_unfaithful_clause(catalog):
    cake = _nut_cake(catalog)
    text = f"{cake.name} is rated {cake.rating:.1f} by {cake.review_count} people, is free of tree nuts."
    fixed, removed = repair_explanation(check_explanation(text, [cake], BirthdayRequest(), catalog))
    assert removed and "tree nuts" not in fixed and f"rated {cake.rating:.1f}" in fixed


def test_plan_json_reports_the_check_and_planted_claim_is_removed(plan, catalog):
    data = plan.to_json_dict()
    assert data["explanation_check"]["claims"] > 0
    assert data["explanation_check"]["supported"] == data["explanation_check"]["claims"]
    assert data["explanation_check"]["rewritten"] is False
    sentence, cake = planted_hallucination(plan, catalog)
    planted = plan.model_copy(deep=True)
    planted.items = [p for p in planted.items if p.category != "cake"] + [PlanItem.from_item(cake, 12)]
    planted.explanation = plan.explanation + " " + sentence
    fixed = check_plan_explanation(planted, catalog)
    assert fixed.explanation_check.rewritten
    assert "nut-free" not in fixed.explanation
    assert check_explanation(fixed.explanation, fixed, catalog=catalog).precision == 1.0


def test_hallucination_injection_is_seeded_and_scales(plan, catalog):
    items = [catalog.get(p.id) for p in plan.items]
    a = inject_hallucinations(plan.explanation, items, plan.request, 1.0, seed=3)
    assert a == inject_hallucinations(plan.explanation, items, plan.request, 1.0, seed=3)
    assert inject_hallucinations(plan.explanation, items, plan.request, 0.0) == plan.explanation
    assert check_explanation(a, plan, catalog=catalog).precision < 1.0


def test_coverage_counts_interests_and_constraints(plan):
    assert coverage("", plan.request) == 0.0
    assert coverage("dinosaurs painting peanuts tree nuts budget 12 guests", plan.request) == 1.0


UNSEEN = [
    "My son Theo turns 10 on 2026-12-12 in Denver, 14 kids, loves space and lego, no dairy. $450 max.",
    "Gift and cake for my mum, 67, in Boston on 2026-12-06, she loves gardening and reading; gluten-free, $150.",
    "Vegan party for Ivy, 6, Seattle, 2026-12-05, 10 kids, she loves animals and dance, budget 350 dollars.",
]


@pytest.mark.parametrize("framework", ["reference", "native"])
def test_framework_explanations_make_no_false_diet_claims(framework, catalog):
    for text in UNSEEN:
        plan = plan_text(text, framework, today=TODAY, catalog=catalog, provider="offline")
        if not plan.items:
            continue
        report = check_explanation(plan.explanation, plan, catalog=catalog)
        assert not [c for c in report.unfaithful if c.kind in ("allergen", "diet", "outside_plan")], report.table()
        assert plan.explanation_check is not None
        for line in plan.items:
            assert not check_explanation(line.why, plan, catalog=catalog).unfaithful
