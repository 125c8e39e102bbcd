"""The birthday planner as a CrewAI Flow: understand -> crew -> review (router) -> [revise] -> explain.

CrewAI ideas shown here:

- a **Flow** with a typed state (``Flow[PlanState]``) and the decorators ``@start`` (the entry
  step), ``@listen`` (run after a step, or after a router's label) and ``@router`` (return a label
  that picks the next step);
- **agents used directly** in flow steps with ``Agent.kickoff(...)`` (the request-understanding agent
  with ``response_format=ExtractedRequest``, the critic, the explainer), next to a full **Crew**
  (:mod:`.crew`) for the multi-agent part;
- the deterministic guardrail (:func:`tutorial_helpers.planning.guardrail.validate_plan`) inside the
  router: problems it finds send the plan back to the coordinator once.

When a model call fails (rate limit, timeout, malformed output) the step degrades to the
deterministic equivalent and says so in the warnings; nothing invalid is presented as valid
(:func:`tutorial_helpers.planners.plan_text` runs the guardrail once more at the end).
"""

from __future__ import annotations

from typing import Any

from crewai import Agent
from crewai.flow.flow import Flow, FlowState, listen, or_, router, start
from pydantic import Field

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem
from tutorial_helpers.frameworks.crewai_team.crew import build_crew
from tutorial_helpers.frameworks.crewai_team.session import Session
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.candidates import effective_guests
from tutorial_helpers.planning.guardrail import validate_plan
from tutorial_helpers.planning.pipeline import (
    ExtractedRequest,
    Selection,
    ground_candidates,
    merge_requests,
    options_text,
    plan_categories,
    plan_from_choices,
    plan_lines,
)
from tutorial_helpers.planning.reference import assemble_plan


class PlanState(FlowState):
    """The flow's typed state: what each step hands to the next."""

    text: str = ""
    request: BirthdayRequest | None = None
    categories: list[str] = Field(default_factory=list)
    candidates: dict[str, list[CatalogItem]] = Field(default_factory=dict)
    plan: BirthdayPlan | None = None
    problems: list[str] = Field(default_factory=list)
    verdict: str = ""
    revised: bool = False
    explanation: str = ""


def console_verbose(verbose: bool = False) -> None:
    """Switch CrewAI's console panels on or off, as ``Crew(verbose=...)`` does when a crew is built.

    Agents used directly (``Agent.kickoff``) print a panel per run otherwise, whatever their own
    ``verbose`` says: the printer is one shared object that only a Crew sets.
    """
    from crewai.events.event_listener import event_listener

    event_listener.verbose = verbose
    event_listener.formatter.verbose = verbose


def _failed(session: Session, agent: str, exc: Exception, fallback: str) -> None:
    session.warn(f"The {agent} failed ({type(exc).__name__}); {fallback}.")
    note_fallback(agent, f"failed ({type(exc).__name__}); {fallback}")
    session.log(agent, "failed", f"{type(exc).__name__}: {exc}")


class BirthdayFlow(Flow[PlanState]):
    """understand -> shortlist_and_choose (the Crew) -> review (router) -> revise? -> explain."""

    session: Any = Field(default=None, exclude=True)
    #: no console panels for every step (the trace is kept in the session instead)
    suppress_flow_events: bool = True

    def kickoff(self, *args: Any, **kwargs: Any) -> Any:
        """Run the flow on the request's day (one clock: the tools count lead times from it)."""
        request = self.session.request if self.session is not None else None
        with clock.use_today(getattr(request, "today", None)):
            return super().kickoff(*args, **kwargs)

    async def kickoff_async(self, *args: Any, **kwargs: Any) -> Any:
        """The same, awaited."""
        request = self.session.request if self.session is not None else None
        with clock.use_today(getattr(request, "today", None)):
            return await super().kickoff_async(*args, **kwargs)

    # -- 1. understand ---------------------------------------------------------------------------
    @start()
    def understand(self) -> list[str]:
        """The request-understanding agent reads the text into an ``ExtractedRequest``."""
        s = self.session
        console_verbose(s.verbose)
        request = s.request
        today = request.today.isoformat() if request.today else "unknown"
        agent = Agent(
            role="Request understanding agent",
            goal="Read the person's message into a structured birthday request, inventing nothing",
            backstory=prompts.render(prompts.EXTRACTOR, today=today),
            llm=s.llm("extractor"),
            verbose=False,
        )
        try:
            got = agent.kickoff(self.state.text, response_format=ExtractedRequest).pydantic
            if not isinstance(got, ExtractedRequest):
                raise ValueError("the model returned no parsable request")
            request, notes = merge_requests(request, got)
            for note in notes:
                s.warn(note)
            s.log("extractor", "extracted", got.model_dump_json(exclude_defaults=True))
        except Exception as exc:  # any model failure: keep the rule-based reading
            _failed(s, "extractor", exc, "used the rule-based reading")
        self.state.request = request
        self.state.categories = plan_categories(request)
        return self.state.categories

    # -- 2. the crew: specialists shortlist, the coordinator chooses ------------------------------
    @listen(understand)
    def shortlist_and_choose(self) -> BirthdayPlan:
        """Kick off the Crew, then turn the coordinator's typed Selection into a grounded plan."""
        s, request, cats = self.session, self.state.request, self.state.categories
        selection: Selection | None = None
        try:
            crew, inputs = build_crew(s, request, cats)
            s.log("crew", "kickoff",
                  f"{len(crew.agents)} agents, {len(crew.tasks)} tasks, {crew.process.value} process")
            result = crew.kickoff(inputs=inputs)
            selection = result.pydantic if isinstance(result.pydantic, Selection) else None
            if selection is None:
                raise ValueError("the coordinator returned no Selection")
        except Exception as exc:  # the crew or its model failed: choose deterministically
            _failed(s, "coordinator", exc, "used the reference optimiser on the candidates found")
        candidates = ground_candidates(request, sorted(s.found_ids), s.catalog, cats, s.warnings)
        self.state.candidates = candidates
        if selection is None:
            plan = assemble_plan(request, candidates, s.catalog, required=list(candidates), optional=[])
        else:
            plan = plan_from_choices(request, selection.choices, candidates, s.catalog, s.warnings)
            s.log("coordinator", "chose", ", ".join(f"{p.category}={p.id}" for p in plan.items))
        self.state.plan = plan
        return plan

    # -- 3. review: guardrail + critic, then route -------------------------------------------------
    @router(shortlist_and_choose, emit=["approved", "needs_revision"])
    def review(self) -> str:
        """The guardrail checks the plan, the critic reviews it; problems -> "needs_revision" (once), else
        "approved"."""
        s, request, plan = self.session, self.state.request, self.state.plan
        problems = [v.detail for v in validate_plan(plan, request, s.catalog)]
        agent = Agent(
            role="Critic",
            goal="Find every way the proposed plan breaks the request's constraints",
            backstory=prompts.render(prompts.CRITIC, request=request.model_dump_json(exclude_defaults=True),
                                            plan=plan_lines(plan)),
            llm=s.llm("critic"),
            verbose=False,
        )
        try:
            verdict = (agent.kickoff("Review the plan.").raw or "").strip()
        except Exception as exc:  # the guardrail still checks everything
            verdict = ""
            _failed(s, "critic", exc, "relied on the guardrail alone")
        s.log("critic", "reviewed", verdict or "(no verdict)")
        if problems:
            s.log("guardrail", "found", "; ".join(problems))
        self.state.problems, self.state.verdict = problems, verdict
        if problems and not self.state.revised:
            return "needs_revision"
        return "approved"

    # -- 3b. one revision by the coordinator --------------------------------------------------------
    @listen("needs_revision")
    def revise(self) -> BirthdayPlan:
        """The coordinator chooses again, told what the guardrail and the critic found."""
        s, request = self.session, self.state.request
        self.state.revised = True
        agent = Agent(
            role="Coordinator",
            goal="Choose one item per category so that the whole plan fits the budget and the person",
            backstory=prompts.render(prompts.SELECTOR, budget=request.budget, guests=effective_guests(request),
                                              options=options_text(request, self.state.candidates)),
            llm=s.llm("coordinator"),
            verbose=False,
        )
        feedback = "\n".join(self.state.problems)
        try:
            got = agent.kickoff(f"Choose the plan. The critic found problems with the last choice:\n{feedback}",
                                response_format=Selection).pydantic
            if not isinstance(got, Selection):
                raise ValueError("the coordinator returned no Selection")
            plan = plan_from_choices(request, got.choices, self.state.candidates, s.catalog, s.warnings)
            s.log("coordinator", "revised", ", ".join(f"{p.category}={p.id}" for p in plan.items))
        except Exception as exc:
            _failed(s, "coordinator", exc, "used the reference optimiser for the revision")
            plan = assemble_plan(request, self.state.candidates, s.catalog, required=list(self.state.candidates),
                                 optional=[])
        self.state.plan = plan
        return plan

    # -- 4. explain ---------------------------------------------------------------------------------
    @listen(or_("approved", revise))
    def explain(self) -> BirthdayPlan:
        """The explainer writes why each item fits; the plan is the flow's result."""
        s, request, plan = self.session, self.state.request, self.state.plan
        lines = "\n".join(f"- {p.category}: {p.id} {p.name} (${p.subtotal:,.2f})" for p in plan.items)
        agent = Agent(
            role="Explainer",
            goal="Tell the parent warmly and briefly why each chosen item fits",
            backstory=prompts.render(prompts.EXPLAINER, request=request.model_dump_json(exclude_defaults=True),
                                     plan=lines),
            llm=s.llm("explainer"),
            verbose=False,
        )
        try:
            text = (agent.kickoff("Explain the plan.").raw or "").strip()
        except Exception as exc:
            text = ""
            _failed(s, "explainer", exc, "used the template explanation")
        s.log("explainer", "wrote", text or "(template explanation)")
        self.state.explanation = text
        return plan
