"""The typed state of the LangGraph planner, its reducers, and the runtime context of the nodes.

LangGraph merges what every node returns into one shared state. A field without a reducer is
overwritten by the last writer; a field declared ``Annotated[type, reducer]`` is combined instead.
Reducers are what make the parallel branches safe: the gift, cake and venue specialists run at the
same time and each returns ``{"picks": {category: [...]}}``; :func:`merge_picks` folds the three
answers together (fan-in) instead of keeping only the last one.

Everything here is plain data (pydantic models, dicts, lists, strings) so that the checkpointer
(``InMemorySaver``) can store each step and a later turn of the same ``thread_id`` finds it again.
What must not be stored (the chat models, the usage meter, the catalog) travels in
:class:`TeamContext`, LangGraph's *runtime context*, given to every node as ``runtime.context``.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest


def merge_picks(left: dict[str, list[str]] | None, right: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """Reducer for ``picks``: one specialist's answer is added to the others' (later answers win per category)."""
    return {**(left or {}), **(right or {})}


class TraceEntry(TypedDict):
    """One line of the trace: which agent did what (plain data, so the checkpointer can store it)."""

    agent: str
    action: str
    detail: str


class PlannerState(TypedDict, total=False):
    """What the agents share. Fields with a reducer are combined, the others overwritten.

    Attributes:
        text: the latest user message of this turn.
        user_turns: every user message of the thread, oldest first (reducer: append).
        request: the request as validated, then as the extractor read it (hard constraints never loosened).
        today: the reference date; kept on its own because ``BirthdayRequest`` leaves ``today`` out of
            its serialised form, which is what the checkpointer stores (read the request with :func:`request_of`).
        categories: the categories this plan needs (required first, then optional extras).
        messages: the retriever's tool conversation (reducer: LangGraph's ``add_messages``).
        candidates: grounded catalog ids per category: ids the tools returned that meet every hard constraint.
        picks: each specialist's ranked ids for its category (reducer: :func:`merge_picks`, the fan-in).
        budget_cap: a lower total the user asked for in a follow-up turn ("make it cheaper").
        feedback: problems the critic or the guardrail found, for the coordinator's next attempt.
        plan: the current plan.
        rounds: how many times the coordinator has chosen in this turn.
        review: what the human reviewer decided (``approve`` or ``edit``).
        explanation: the explainer's text.
        trace: who did what (reducer: append).
        warnings: notes for the final plan (reducer: append; reset at the start of each turn).
    """

    text: str
    user_turns: Annotated[list[str], operator.add]
    request: BirthdayRequest
    today: dt.date | None
    categories: list[str]
    messages: Annotated[list[AnyMessage], add_messages]
    candidates: dict[str, list[str]]
    picks: Annotated[dict[str, list[str]], merge_picks]
    budget_cap: float | None
    feedback: str
    plan: BirthdayPlan
    rounds: int
    review: str
    explanation: str
    trace: Annotated[list[TraceEntry], operator.add]
    warnings: Annotated[list[str], operator.add]


class SpecialistTask(TypedDict):
    """What the fan-out ``Send`` hands to one specialist: its category, the request and its options."""

    category: str
    request: BirthdayRequest
    options: list[str]


@dataclass
class TeamContext:
    """The runtime context every node receives as ``runtime.context`` (never checkpointed).

    Attributes:
        llm: the chat model of the reasoning-heavy agents (large tier).
        llm_small: the chat model of the narrow agents (small tier: specialists, critic, explainer).
        meter: the usage meter; each node wraps its model calls in ``meter.agent(name)``.
        catalog: the catalog that ids are checked against.
        provider: the provider name, for the plan's labels.
        model: the large model's name, for the plan's labels.
        refine_rounds: how many times the critic may send the plan back to the coordinator.
        seed: passed to the models.
    """

    llm: Any
    llm_small: Any
    meter: Any
    catalog: Any
    provider: str = "offline"
    model: str = ""
    refine_rounds: int = 1
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def request_of(state: PlannerState) -> BirthdayRequest:
    """The state's request with its ``today`` restored (the checkpointer does not store ``today`` inside it)."""
    request = state["request"]
    today = state.get("today")
    if today is not None and request.today != today:
        request = request.model_copy(update={"today": today})
    return request


def entry(agent: str, action: str, detail: str = "") -> TraceEntry:
    """A trace entry, its detail cut to 300 characters."""
    return {"agent": agent, "action": action, "detail": str(detail)[:300]}
