"""The household as a judge: approves or rejects a proposal from facts the assistant cannot see.

This is a small, separate stand-in for the user simulator of ``tutorial_helpers.evaluation.simulation``
(the conversational issue builds that one in parallel). Like it, it must not share the assistant's
understanding code: it uses only the public domain models, the context rules of :mod:`.household`
(calendar, weather table, shipping rule) and the guardrail's checker
(:func:`tutorial_helpers.planning.guardrail.validate_plan`). When the simulator lands, this judge can
become one of its personas' ``judge_plan`` rules.

A household rejects, saying the first reason in words, when a proposal

* comes too early (more than :data:`HORIZON_DAYS` before the celebration: "ask me closer to the date");
* breaks a hard fact (the guardrail against the household's true facts, with the approval day as
  today: an allergen, the city, the venue's opening day or capacity, a cake's lead time, the budget);
* would not arrive in time (gift shipping);
* repeats a past gift, touches a dislike, breaks a standing instruction, or puts an outdoor venue in
  a cold or wet month.

It does not track the yearly budget (people trust the assistant with that): keeping the year within
budget is the assistant's job, and the metrics check it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest
from tutorial_helpers.patterns.autonomous.household import (
    APPROVAL_LAG_DAYS,
    GIFT_KINDS,
    Household,
    Person,
    breaks_instruction,
    disliked_by,
    is_outdoor,
    outdoor_ok,
    ready_by,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

#: a proposal more than this many days ahead is "too early": facts (guests, plans) may still change
HORIZON_DAYS = 28

_CHECK_WORDS = {
    "allergens": "{p} is allergic to that: {d}",
    "budget": "that's over what we can spend on this one",
    "city": "that's not in our city",
    "date": "that won't work on the day: {d}",
    "capacity": "the place is too small for everyone",
    "age": "that's not right for {p}'s age",
    "categories": "something is missing: {d}",
    "grounded": "I can't find that item anywhere",
}


@dataclass
class Verdict:
    """The household's answer to one proposal."""

    approved: bool
    reason: str  # in words, as a person would say it ("she already has that")
    valid: bool  # the plan meets every hard fact on time (whether or not they liked it)


def true_request(household: Household, person: Person, today: dt.date) -> BirthdayRequest:
    """The request that the household's true facts make, with ``today`` the approval day."""
    return BirthdayRequest(
        recipient_name=person.name, recipient_age=person.age, interests=person.interests, dislikes=person.dislikes,
        avoid_allergens=person.allergies, city=household.city, date=person.party_date(), guests=person.guests,
        budget=household.per_event_budget[person.name], categories=person.wants, today=today,
    )


def judge(plan: BirthdayPlan, household: Household, person: Person, proposed_on: dt.date,
          catalog: Catalog | None = None) -> Verdict:
    """Approve or reject ``plan`` for ``person``'s celebration, proposed on ``proposed_on``."""
    from tutorial_helpers.planning.guardrail import validate_plan

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    event = person.party_date()
    approve_on = proposed_on + dt.timedelta(days=APPROVAL_LAG_DAYS)
    them = person.pronoun
    if approve_on > event:
        return Verdict(False, "it's too late now, the day is here", False)
    request = true_request(household, person, approve_on)
    violations = validate_plan(plan, request, catalog)
    late = [it for it in (catalog.get(p.id) for p in plan.items) if it is not None and ready_by(it, approve_on) > event]
    valid = not violations and not late
    if (event - proposed_on).days > HORIZON_DAYS:
        return Verdict(False, "that's too early, ask me closer to the date", valid)
    if violations:
        v = violations[0]
        return Verdict(False, _CHECK_WORDS.get(v.check, "that doesn't work: {d}").format(p=person.name, d=v.detail),
                       False)
    if late:
        return Verdict(False, f"{late[0].name} won't arrive in time", False)
    past = {g.item_id for g in person.past_gifts}
    for p in plan.items:
        item = catalog.get(p.id)
        if item is None:
            continue
        if item.id in past:
            return Verdict(False, f"{them} already has that, we gave {item.name} before", valid)
        disliked = disliked_by(item, person.dislikes)
        if disliked and item.category in ("gift", "activity", "experience"):
            what = ((f"{disliked}es" if disliked.endswith("x") else f"{disliked}s") if disliked in GIFT_KINDS
                    else disliked)
            return Verdict(False, f"{them} doesn't like {what}", valid)
        rule = breaks_instruction(item, household.instructions)
        if rule:
            return Verdict(False, f"we said {rule}", valid)
        if item.category == "venue" and is_outdoor(item) and not outdoor_ok(household.city, event):
            return Verdict(False, f"an outdoor place in {event:%B} in {household.city}? too cold or wet", valid)
    return Verdict(True, "looks great, go ahead", True)
