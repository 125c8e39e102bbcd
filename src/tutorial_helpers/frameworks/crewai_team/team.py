"""The birthday planner rebuilt idiomatically in CrewAI (``--framework crewai``).

The same roles, tools, output and guardrail as the native planner
(:mod:`tutorial_helpers.planning.native`), arranged the CrewAI way:

.. code-block:: text

    Flow (BirthdayFlow, typed state)
      @start   understand            request-understanding Agent, kickoff(response_format=ExtractedRequest)
      @listen  shortlist_and_choose  Crew, sequential process:
                                       gift / cake / venue specialists (search_catalog tool, async tasks,
                                       grounding task guardrail) -> coordinator (context=[...],
                                       output_pydantic=Selection)
      @router  review                guardrail + critic Agent -> "approved" | "needs_revision"
      @listen  revise                coordinator Agent again, told the problems (once)
      @listen  explain               explainer Agent

About 10 model calls per plan: 1 extractor, 2 per specialist (search, then answer), 1 coordinator,
1 critic, 1 explainer (+1 when the guardrail sends the plan back). Usage is captured per agent by the
:class:`~tutorial_helpers.llm.UsageMeter` (each agent's ``crewai.LLM`` reports under its own name).

Where the idiom differs from the shared shape (extractor, retriever, gift / cake / venue specialists,
coordinator, critic, explainer; ``MAX_TOOL_ROUNDS`` tool rounds; ``run(text, request) -> FrameworkRun``):
there is no separate retriever agent: in CrewAI an agent owns its tools, so each specialist is its own
retriever (it searches its category with the shared tool, then answers); the coordinator sees their
task outputs through ``context=[...]``; the critic's verdict is a Flow ``@router`` and the revision a
listener that runs once.

Example::

    from tutorial_helpers.frameworks import crewai_team
    from tutorial_helpers.planners import parse_text
    request, _ = parse_text(text, today)
    result = crewai_team.CrewAITeam().run(text, request)   # FrameworkRun: plan, trace, per_agent usage
"""

from __future__ import annotations

import time
from typing import Any

from tutorial_helpers import clock
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest
from tutorial_helpers.frameworks.crewai_team.crew import SPECIALISTS, assign_categories, build_crew
from tutorial_helpers.frameworks.crewai_team.flow import BirthdayFlow, PlanState
from tutorial_helpers.frameworks.crewai_team.session import AGENT_TIERS, Session
from tutorial_helpers.frameworks.crewai_team.tools import crewai_tool, crewai_tools
from tutorial_helpers.planning.pipeline import FrameworkRun, finish_plan

FRAMEWORK = "crewai"

#: the topology, for drawing: agents as nodes, (from, to, label) edges (the specialists call ``search_catalog``)
AGENT_GRAPH: dict[str, list[Any]] = {
    "nodes": ["user", "extractor", "gift specialist", "cake specialist", "venue specialist", "coordinator",
              "guardrail", "critic", "explainer", "plan"],
    "edges": [
        ("user", "extractor", "text"),
        ("extractor", "gift specialist", "request"),
        ("extractor", "cake specialist", ""),
        ("extractor", "venue specialist", ""),
        ("gift specialist", "coordinator", "shortlists"),
        ("cake specialist", "coordinator", ""),
        ("venue specialist", "coordinator", ""),
        ("coordinator", "guardrail", "Selection"),
        ("guardrail", "critic", "problems"),
        ("critic", "coordinator", "needs_revision"),
        ("critic", "explainer", "approved"),
        ("explainer", "plan", "BirthdayPlan"),
    ],
}

__all__ = ["AGENT_GRAPH", "AGENT_TIERS", "SPECIALISTS", "BirthdayFlow", "CrewAITeam", "PlanState", "Session",
           "assign_categories",
           "build_crew", "crewai_tool", "crewai_tools", "flow_graph", "plan", "run"]


class CrewAITeam:
    """The birthday team as a CrewAI Flow around a Crew: ``CrewAITeam(provider=..., seed=...).run(text, request)``.

    Args:
        provider: "offline" (default without keys), "openai", "gemini", "compatible".
        seed: passed to every model call.
        catalog: the catalog (default: the shipped one).
        tiers: model tier per agent, overriding :data:`AGENT_TIERS` (e.g. ``{"coordinator": "small"}``).
        verbose: show CrewAI's own console panels for every step.
    """

    def __init__(self, provider: str | None = None, seed: int = 0, *, catalog: Any = None,
                 tiers: dict[str, str] | None = None, verbose: bool = False) -> None:
        from tutorial_helpers.llm import get_provider

        if catalog is None:  # the run's catalog (plan_text(catalog=...), --catalog), else the shipped one
            from tutorial_helpers.tools.state import get_catalog

            catalog = get_catalog()
        self.catalog, self.provider, self.seed = catalog, get_provider(provider), seed
        self.tiers, self.verbose = {**AGENT_TIERS, **(tiers or {})}, verbose

    def session(self, text: str, request: BirthdayRequest) -> Session:
        """What one run shares between the flow's steps: request, models, meter, trace, found ids."""
        return Session(request=request, catalog=self.catalog, provider=self.provider, text=text, seed=self.seed,
                       verbose=self.verbose, tiers=self.tiers)

    @clock.on_request_day
    def run(self, text: str, request: BirthdayRequest) -> FrameworkRun:
        """Plan with the flow and return the plan (before the front door's guardrail), trace and usage."""
        t0 = time.perf_counter()
        session = self.session(text, request)
        flow = BirthdayFlow(session=session)
        with session.meter.active():  # every agent's LLM reports here (CrewAI copies the context into its threads)
            plan = flow.kickoff(inputs={"text": text})
        state = flow.state
        if not isinstance(plan, BirthdayPlan):  # the flow stopped early: keep what the state holds
            plan = state.plan or BirthdayPlan(feasible=False, request=request,
                                              reasons=["The CrewAI flow produced no plan."])
        usage = session.meter.summary()
        usage.wall_s = round(time.perf_counter() - t0, 4)
        plan = finish_plan(plan, state.request or request, self.catalog, framework=FRAMEWORK,
                           provider=session.provider.name, model=session.model_name("coordinator"),
                           explanation=state.explanation, warnings=session.warnings, usage=usage)
        return FrameworkRun(plan=plan, trace=list(session.trace), per_agent=session.meter.by_agent())


def run(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0,
        catalog: Any = None, tiers: dict[str, str] | None = None, verbose: bool = False) -> FrameworkRun:
    """Plan with the CrewAI team (:class:`CrewAITeam`) and return the plan, the trace and usage per agent."""
    return CrewAITeam(provider, seed, catalog=catalog, tiers=tiers, verbose=verbose).run(text, request)


def flow_graph() -> dict[str, list[Any]]:
    """The flow's steps and transitions as CrewAI itself infers them from the decorators.

    Returns:
        ``{"nodes": [method names], "edges": [(from, to, label), ...]}``, ready for
        :func:`tutorial_helpers.display.agent_graph`; router edges are labelled with their event.
    """
    from crewai.flow.visualization import build_flow_structure

    structure = build_flow_structure(BirthdayFlow)
    edges = [(e["source"], e["target"], e.get("router_event") or "@listen") for e in structure["edges"]]
    nodes = [f"{name} ({meta['type']})" if meta["type"] != "listen" else name
             for name, meta in structure["nodes"].items()]
    rename = {name: label for name, label in zip(structure["nodes"], nodes, strict=True)}
    return {"nodes": nodes, "edges": [(rename[a], rename[b], label) for a, b, label in edges]}


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``crewai`` framework entry point (see :mod:`tutorial_helpers.planners`)."""
    return run(text, request, provider=provider, seed=seed).plan
