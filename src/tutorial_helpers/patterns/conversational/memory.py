"""The shared, typed working memory of the conversational recommender and its structured outputs.

One :class:`WorkingMemory` per conversation is what every MACRS agent reads (through its dynamic
instructions) and what the loop writes: the turn count, the act history, the user profile
(information-level memory), the strategy suggestions (strategy-level memory, kept separate), the
candidate responses of this turn, the rejected items and the last plan.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from tutorial_helpers.domain import ALLERGENS, CATEGORIES, DIET_TAGS, INTERESTS, BirthdayPlan, BirthdayRequest
from tutorial_helpers.planning.pipeline import ExtractedRequest

Act = Literal["ask", "chitchat", "recommend"]
ACTS: tuple[str, ...] = ("ask", "chitchat", "recommend")


class ProfileUpdate(ExtractedRequest):  # type: ignore[misc, valid-type]
    """What information-level reflection extracts from the conversation: the request-understanding
    schema every team uses (:data:`tutorial_helpers.planning.pipeline.ExtractedRequest`), plus what
    the user limited the plan to."""

    restricted_categories: list[str] = Field(default_factory=list,
                                             description="only when the user limited what to plan")


class PlannerDecision(BaseModel):
    """The planner's structured answer (the write-up's ``PlannerResponse``)."""

    reasoning: str = ""
    decision: Act
    justification: str = ""


class FeedbackVerdict(BaseModel):
    """The feedback classifier's structured answer."""

    label: Literal["ACCEPT", "REJECT", "FEEDBACK", "UNCLEAR"]
    reason: str = ""


@dataclass
class Suggestions:
    """Strategy-level memory: one suggestion per agent, written by strategy reflection on rejection."""

    for_asker: str = ""
    for_chitchat: str = ""
    for_recommender: str = ""
    for_planner: str = ""


@dataclass
class WorkingMemory:
    """Everything the agents share for one conversation."""

    today: dt.date
    max_turns: int = 6
    turn_count: int = 0
    act_history: list[str] = field(default_factory=list)
    dialogue: list[dict[str, str]] = field(default_factory=list)
    profile: BirthdayRequest | None = None
    profile_history: list[dict[str, Any]] = field(default_factory=list)
    suggestions: Suggestions = field(default_factory=Suggestions)
    reflections: list[str] = field(default_factory=list)
    candidates: dict[str, str] = field(default_factory=dict)
    rejected_ids: list[str] = field(default_factory=list)
    last_plan: BirthdayPlan | None = None
    feedback: list[str] = field(default_factory=list)
    ask_counts: dict[str, int] = field(default_factory=dict)

    def missing(self) -> list[str]:
        """What the profile still lacks, minus what we asked twice in vain (the user does not care about it)."""
        if self.profile is None:
            return []
        return [f for f in missing_fields(self.profile, self.asked_allergies()) if self.ask_counts.get(f, 0) < 2]

    def asked_allergies(self) -> bool:
        """Whether we already asked about allergies or diets (the profile cannot say "none")."""
        return any(m["role"] == "assistant" and re.search(r"allerg|diet", m["content"], re.I) for m in self.dialogue)

    def request(self) -> BirthdayRequest:
        """The profile as a request (an empty one with ``today`` before anything is known)."""
        return self.profile or BirthdayRequest(today=self.today)

    def profile_text(self) -> str:
        """The profile as compact JSON for a prompt (unknown fields left out)."""
        if self.profile is None:
            return "{}"
        return json.dumps(self.profile.model_dump(mode="json", exclude_defaults=True))

    def window(self, n: int = 6) -> list[dict[str, str]]:
        """The last ``n`` messages of the dialogue."""
        return self.dialogue[-n:]


def profile_from_update(update: ProfileUpdate, today: dt.date,
                        previous: BirthdayRequest | None = None) -> BirthdayRequest:
    """Validate a model's profile field by field: a bad value is dropped, never fatal.

    Safety restrictions only grow (an allergen once stated stays), other fields take the newest value.
    """
    raw: dict[str, Any] = {
        "recipient_name": update.recipient_name, "recipient_age": update.recipient_age,
        "interests": [i.lower() for i in update.interests if i.lower() in INTERESTS],
        "dislikes": update.dislikes[:10],
        "avoid_allergens": [a.lower() for a in update.avoid_allergens if a.lower() in ALLERGENS],
        "dietary": [d.lower() for d in update.dietary if d.lower() in DIET_TAGS],
        "city": update.city, "date": update.date, "guests": update.guests, "budget": update.budget,
        "categories": [c.lower() for c in update.restricted_categories if c.lower() in CATEGORIES],
    }
    prev = previous.model_dump() if previous is not None else {}
    merged: dict[str, Any] = {}
    for k in raw:
        v = raw[k] if raw[k] not in (None, [], "") else prev.get(k)
        if k in ("avoid_allergens", "dietary", "categories") and prev.get(k):  # restrictions only grow
            v = list(dict.fromkeys([*prev[k], *(raw[k] or [])]))
        if v not in (None, [], ""):
            merged[k] = v
    out = BirthdayRequest(today=today)
    for k, v in merged.items():  # one field at a time: a wrong one is dropped, the others stay
        try:
            out = BirthdayRequest.model_validate({**out.model_dump(), k: v, "today": today})
        except ValidationError:
            continue
    return out


def missing_fields(request: BirthdayRequest, asked_allergies: bool = True) -> list[str]:
    """What a plan still needs, most important first (gift-only requests need no city, date or guests).

    With ``asked_allergies`` false and food in the plan, allergies come last: the profile cannot tell
    "no allergies" from "not asked yet", so the caller keeps track of whether it asked.
    """
    cats = request.categories
    party = not cats or any(c in ("cake", "venue", "food", "activity") for c in cats)
    order = (["recipient_age", "city", "date", "guests", "budget", "interests"] if party
             else ["recipient_age", "budget", "interests"])
    if cats and "venue" not in cats and party:
        order.remove("guests")
    out = []
    for f in order:
        v = getattr(request, f)
        if v in (None, [], ""):
            out.append(f)
    food = not cats or any(c in ("cake", "food") for c in cats)
    if food and not asked_allergies and not request.avoid_allergens and not request.dietary:
        out.append("avoid_allergens")
    return out


FIELD_WORDS = {"recipient_age": "age", "city": "city", "date": "date", "guests": "guests", "budget": "budget",
               "interests": "interests", "avoid_allergens": "allergies"}
