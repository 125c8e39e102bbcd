"""The pipeline every team runs, whatever its framework: one copy of the glue between the agents.

extract -> merge (:func:`merge_requests`) -> retrieve -> ground (:func:`ground_candidates`) -> options
(:func:`options_text`) -> select -> :func:`plan_from_choices` -> review (:func:`plan_lines`) ->
:func:`finish_plan`; then the front door's guardrail (:func:`tutorial_helpers.planners.plan_text`).

The native team (:mod:`tutorial_helpers.planning.native`) and the four framework teams
(:mod:`tutorial_helpers.frameworks`) call these steps in their own idiom; they share the schemas the
agents answer with (:class:`ExtractedRequest`, :class:`Selection`), the run record (:class:`FrameworkRun`)
and the limits (:data:`MAX_TOOL_ROUNDS`). They differ in orchestration only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, create_model

from tutorial_helpers.catalog.ids import ids_in_data
from tutorial_helpers.domain import (
    ALLERGENS,
    DIET_TAGS,
    INTERESTS,
    BirthdayPlan,
    BirthdayRequest,
    CatalogItem,
    PlanItem,
    Usage,
)
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.candidates import (
    candidate_pool,
    effective_guests,
    make_schedule,
    optional_categories,
    preference_score,
    required_categories,
    why_item,
)

OPTIONS_PER_CATEGORY = 6
#: the shared tools every retriever agent may call (the same Python functions in every framework)
RETRIEVAL_TOOLS: tuple[str, ...] = ("search_catalog", "check_availability")
#: the categories that get their own specialist agent; a coordinator covers the others
SPECIALIST_CATEGORIES: tuple[str, ...] = ("gift", "cake", "venue")
#: model turns a retriever may take with tools, in every team (each turn may hold several calls)
MAX_TOOL_ROUNDS = 3


#: the fields a request-understanding agent fills: the request's own, minus what code decides
EXTRACTED_FIELDS: tuple[str, ...] = ("recipient_name", "recipient_age", "interests", "dislikes", "avoid_allergens",
                                     "dietary", "city", "date", "guests", "budget")


def _extracted_schema() -> type[BaseModel]:
    """:class:`BirthdayRequest`'s fields as a flat schema any model can fill (the date as text, no validators).

    Derived from the request model, so the two cannot drift apart.
    """
    fields: dict[str, Any] = {}
    for name in EXTRACTED_FIELDS:
        info = BirthdayRequest.model_fields[name]
        if name == "date":
            fields[name] = (str | None, Field(default=None, description="YYYY-MM-DD"))
        elif info.default_factory is list:
            fields[name] = (info.annotation, Field(default_factory=list))
        else:
            fields[name] = (info.annotation, None)
    return create_model("ExtractedRequest", __doc__="What a request-understanding agent returns.", **fields)


ExtractedRequest = _extracted_schema()


class Choice(BaseModel):
    category: str
    item_id: str
    reason: str = ""


class Selection(BaseModel):
    """What a selector / coordinator agent returns: one choice per category."""

    choices: list[Choice]


@dataclass
class Step:
    """One line of a trace: who did what."""

    agent: str
    action: str
    detail: str


@dataclass
class FrameworkRun:
    """Everything a framework run produced, for notebooks: the plan, the trace, usage per agent."""

    plan: BirthdayPlan
    trace: list[Step] = field(default_factory=list)
    per_agent: dict[str, Usage] = field(default_factory=dict)


def plan_categories(request: BirthdayRequest) -> list[str]:
    """Required then optional categories for ``request``."""
    return required_categories(request) + optional_categories(request)


def merge_requests(validated: BirthdayRequest, extracted: ExtractedRequest | None) -> tuple[BirthdayRequest, list[str]]:
    """Combine the validated request with a model's reading of the text.

    Hard constraints stay those of the validated request; the model may add safety restrictions
    (more allergens or diets, never fewer) and fill soft preferences (interests, dislikes) and
    the name. Disagreements come back as notes.
    """
    if extracted is None:
        return validated, []
    notes: list[str] = []
    update: dict[str, Any] = {}
    allergens = set(validated.avoid_allergens) | {a for a in map(str.lower, extracted.avoid_allergens)
                                                  if a in ALLERGENS}
    diets = set(validated.dietary) | {d for d in map(str.lower, extracted.dietary) if d in DIET_TAGS}
    if allergens != set(validated.avoid_allergens):
        update["avoid_allergens"] = sorted(allergens)
        notes.append(f"The extractor added allergens {sorted(allergens - set(validated.avoid_allergens))}.")
    if diets != set(validated.dietary):
        update["dietary"] = sorted(diets)
    interests = [i for i in map(str.lower, extracted.interests) if i in INTERESTS]
    if not validated.interests and interests:
        update["interests"] = interests
    if not validated.dislikes and extracted.dislikes:
        update["dislikes"] = [d.lower() for d in extracted.dislikes][:10]
    for name in ("recipient_age", "guests"):
        mine, theirs = getattr(validated, name), getattr(extracted, name)
        if mine is not None and theirs is not None and mine != theirs:
            notes.append(f"The extractor read {name}={theirs}; kept the validated {mine}.")
            note_fallback("extractor", f"read {name}={theirs}; code kept the validated {mine}")
    if not validated.recipient_name and extracted.recipient_name:
        update["recipient_name"] = extracted.recipient_name[:60]
    if not update:
        return validated, notes
    merged = validated.model_copy(update=update)
    return BirthdayRequest.model_validate({**merged.model_dump(), "today": validated.today}), notes


#: every catalog-looking id in a tool result (one copy: :func:`tutorial_helpers.catalog.ids.ids_in_data`)
ids_in = ids_in_data


def ground_candidates(
    request: BirthdayRequest, found_ids: list[str], catalog: Any, categories: list[str],
    warnings: list[str] | None = None
) -> dict[str, list[CatalogItem]]:
    """Keep the ids the tools returned that exist and meet every hard constraint, best first.

    A category with no valid id from the tools falls back to the top catalog matches (noted in
    ``warnings``), so one forgetful agent does not sink the plan.
    """
    out: dict[str, list[CatalogItem]] = {}
    for c in categories:
        valid = {i.id: i for i in candidate_pool(request, catalog, c, k=400)}
        chosen = list(dict.fromkeys(i for i in found_ids if i in valid))
        items = [valid[i] for i in chosen]
        if not items:
            items = list(valid.values())[:OPTIONS_PER_CATEGORY]
            if items:
                note_fallback("retriever", f"no valid {c} from the tools; took the top catalog matches")
            if items and warnings is not None:
                warnings.append(f"No valid {c} came back from the tools; took the top catalog matches.")
        out[c] = sorted(items, key=lambda i: -preference_score(i, request))
    return out


def options_text(request: BirthdayRequest, candidates: dict[str, list[CatalogItem]]) -> str:
    """The options a selector sees: id, name and subtotal for the party size, per category."""
    guests = effective_guests(request)
    return "\n".join(
        f"- {c}: " + "; ".join(
            f"{i.id} {i.name} (${PlanItem.from_item(i, guests).subtotal:,.2f} for {guests} guests)"
            for i in items[:OPTIONS_PER_CATEGORY]
        )
        for c, items in candidates.items() if items
    )


def plan_from_choices(
    request: BirthdayRequest,
    choices: list[Choice] | list[str],
    candidates: dict[str, list[CatalogItem]],
    catalog: Any,
    warnings: list[str] | None = None,
) -> BirthdayPlan:
    """Turn a selector's choices (or plain ids) into a BirthdayPlan, ignoring ids not among the options."""
    guests = effective_guests(request)
    allowed = {i.id for items in candidates.values() for i in items}
    plan = BirthdayPlan(feasible=True, request=request)
    for ch in choices:
        item_id = ch.item_id if isinstance(ch, Choice) else str(ch)
        item = catalog.get(item_id)
        if item is None or item_id not in allowed:
            note_fallback("selector", f"proposed {item_id!r}, not among the options; ignored")
            if warnings is not None:
                warnings.append(f"The selector proposed {item_id!r}, which was not among the options; ignored.")
            continue
        if item.category in {p.category for p in plan.items}:
            continue
        plan.items.append(PlanItem.from_item(item, guests, why=why_item(item, request)))
    plan.recompute_total()
    return plan


def plan_lines(plan: BirthdayPlan) -> str:
    """The plan as lines a critic or explainer reads."""
    return "\n".join(f"- {p.category}: {p.id} {p.name} ${p.subtotal:,.2f}"
                     for p in plan.items) + f"\nTotal ${plan.total_cost:,.2f}"


def finish_plan(plan: BirthdayPlan, request: BirthdayRequest, catalog: Any, *, framework: str, provider: str,
                model: str,
                explanation: str, warnings: list[str], usage: Usage) -> BirthdayPlan:
    """Schedule, explanation, labels and usage: the common last step before the guardrail."""
    plan.schedule = make_schedule(request, plan.items, catalog)
    plan.explanation = explanation or " ".join(p.why for p in plan.items)
    plan.warnings = list(dict.fromkeys([*plan.warnings, *warnings]))
    plan.framework, plan.provider, plan.model = framework, provider, model
    plan.usage = usage
    return plan
