"""The shortlist-and-choose Crew: three specialists with the catalog tools, then a coordinator.

CrewAI ideas shown here:

- **Agents** with a role, a goal and a backstory (the backstory carries the shared role prompt
  from :mod:`tutorial_helpers.prompts`, so every framework gives its agents the same instructions);
- **Tasks** with an ``expected_output``; the specialists' tasks run with ``async_execution=True``
  (in parallel) and each has a deterministic **task guardrail** that grounds the shortlist in the
  catalog; the coordinator's task reads them through ``context=[...]`` and returns a typed
  :class:`~tutorial_helpers.frameworks.common.Selection` through ``output_pydantic``;
- a **Crew** with ``Process.sequential`` and a ``task_callback`` that writes the trace.
"""

import json  # no `from __future__ import annotations`: CrewAI inspects the guardrail's return type
import warnings
from typing import Any

from crewai import Agent, Crew, Process, Task
from crewai.tasks.task_output import TaskOutput

from tutorial_helpers import prompts
from tutorial_helpers.domain import BirthdayRequest
from tutorial_helpers.frameworks.common import Selection, ground_candidates, ids_in, options_text
from tutorial_helpers.frameworks.crewai_team.session import Session
from tutorial_helpers.frameworks.crewai_team.tools import crewai_tools
from tutorial_helpers.planning.reference import effective_guests

#: which specialist shortlists which categories
SPECIALISTS: dict[str, tuple[str, ...]] = {
    "gift specialist": ("gift", "decoration", "experience"),
    "cake specialist": ("cake", "food"),
    "venue specialist": ("venue", "activity"),
}
#: the tools each specialist may call (names from :data:`tutorial_helpers.tools.REGISTRY`)
SPECIALIST_TOOLS = ["search_catalog"]

def assign_categories(categories: list[str]) -> dict[str, list[str]]:
    """The categories each specialist covers for this plan (specialists with none are left out)."""
    out: dict[str, list[str]] = {}
    for name, covered in SPECIALISTS.items():
        mine = [c for c in categories if c in covered]
        if mine:
            out[name] = mine
    return out


def constraints_json(request: BirthdayRequest) -> str:
    """The request's known constraints as compact JSON (what every agent is told explicitly)."""
    data = request.model_dump(mode="json", exclude_defaults=True, exclude={"today", "currency"})
    return json.dumps(data, separators=(", ", ": "))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def grounding_guardrail(session: Session, request: BirthdayRequest, categories: list[str]) -> Any:
    """A task guardrail that turns a specialist's answer into a grounded shortlist.

    CrewAI calls it with the task's output; it returns ``(True, new_output)``. The ids the agent named
    and the ids its tools returned are kept when they exist and meet every hard constraint
    (:func:`~tutorial_helpers.frameworks.common.ground_candidates`), best first, with their cost for
    the party; a category with nothing valid falls back to the top catalog matches (a warning says
    so). Being deterministic, it never costs a model call.
    """

    def ground_shortlist(output: TaskOutput) -> tuple[bool, Any]:
        with session._lock:  # sorted: parallel specialists finish in any order, the shortlist must not depend on it
            found = sorted(set(ids_in(output.raw or "")) | set(session.found_ids))
        candidates = ground_candidates(request, found, session.catalog, categories, session.warnings)
        return True, "Shortlist (checked against the catalog):\n" + options_text(request, candidates)

    return ground_shortlist


def build_crew(session: Session, request: BirthdayRequest, categories: list[str]) -> tuple[Crew, dict[str, Any]]:
    """The specialists + coordinator crew for ``request``, and the inputs for ``crew.kickoff``.

    Args:
        session: the run's session (models, tools, trace).
        request: the request as understood (validated, possibly enriched by the extractor).
        categories: the plan's categories (required first).

    Returns:
        ``(crew, inputs)``: call ``crew.kickoff(inputs=inputs)``; the coordinator's output is
        ``result.pydantic`` (a :class:`Selection`).
    """
    with warnings.catch_warnings():  # CrewAI warns that closures cannot be checkpointed; this crew never is
        warnings.filterwarnings("ignore", message=".*cannot be serialized", category=UserWarning)
        return _build_crew(session, request, categories)


def _build_crew(session: Session, request: BirthdayRequest, categories: list[str]) -> tuple[Crew, dict[str, Any]]:
    today = request.today.isoformat() if request.today else "unknown"
    specialist_tasks: list[Task] = []
    agents: list[Agent] = []
    for name, cats in assign_categories(categories).items():
        agent = Agent(
            role=name.capitalize(),
            goal=f"Shortlist {_and(cats)} items from the catalog that meet every hard constraint",
            backstory=prompts.render(prompts.RETRIEVER, categories=", ".join(cats), today=today),
            tools=crewai_tools(SPECIALIST_TOOLS, session, name),
            llm=session.llm(name),
            allow_delegation=False,
            max_iter=4,
            verbose=False,
        )
        task = Task(
            name=name,
            description=prompts.SHORTLIST_TASK.replace("{categories}", _and(cats)),
            expected_output="One line per category with the best catalog ids found by the tools.",
            agent=agent,
            async_execution=True,
            guardrail=grounding_guardrail(session, request, cats),
        )
        agents.append(agent)
        specialist_tasks.append(task)
    guests = effective_guests(request)
    coordinator = Agent(
        role="Coordinator",
        goal="Choose one item per category so that the whole plan fits the budget and the person",
        backstory=prompts.render(prompts.SELECTOR, budget=request.budget, guests=guests,
                                          options="the specialists' shortlists, given to you as context"),
        llm=session.llm("coordinator"),
        allow_delegation=False,
        max_iter=2,
        verbose=False,
    )
    choose = Task(
        name="coordinator",
        description=prompts.CHOOSE_TASK,
        expected_output="One choice per category: the category, the item id and a short reason.",
        agent=coordinator,
        context=specialist_tasks,
        output_pydantic=Selection,
    )

    def on_task_done(output: TaskOutput) -> None:
        who = (output.name or output.agent or "agent").lower()
        session.log(who, "finished task", output.raw or "")

    crew = Crew(
        name="birthday shortlist crew",
        agents=[*agents, coordinator],
        tasks=[*specialist_tasks, choose],
        process=Process.sequential,
        task_callback=on_task_done,
        verbose=session.verbose,
        tracing=False,
    )
    inputs = {
        "request_text": session.text,
        "constraints": constraints_json(request),
        "budget": f"{request.budget:g}" if request.budget is not None else "unknown",
        "guests": str(guests),
    }
    return crew, inputs

