"""The birthday planner rebuilt idiomatically in LangGraph (``--framework langgraph``).

The same agent team as :mod:`tutorial_helpers.planning.native` (extractor, retriever with the shared
tools, gift / cake / venue specialists, coordinator, critic, explainer) and the same guardrail at the
end, written the LangGraph way:

* a ``StateGraph`` over a typed state whose list fields carry reducers
  (:mod:`~tutorial_helpers.frameworks.langgraph_team.state`);
* conditional edges (the retriever's tool loop, the critic's verdict), the prebuilt ``ToolNode``;
* parallel branches: the specialists fan out with ``Send`` and fan in through a reducer;
* a checkpointer (``InMemorySaver``): a second turn on the same ``thread_id`` ("make it cheaper")
  reuses the first turn's state;
* human in the loop: ``interrupt()`` pauses before the explainer until ``Command(resume=...)``
  approves or edits the plan (:func:`plan` approves automatically);
* streaming: each turn runs with ``graph.stream(..., stream_mode="updates")``, which gives the trace.

Where the idiom differs from the shared shape (extractor, retriever, gift / cake / venue specialists,
coordinator, critic, explainer; ``MAX_TOOL_ROUNDS`` tool rounds; ``run(text, request) -> FrameworkRun``):
a human-review step (``interrupt()``) before the explainer, approved automatically by :meth:`run`;
and :meth:`LangGraphTeam.follow_up`, a second turn on the same thread through the checkpointer. The
critic's verdict is a conditional edge back to the coordinator.

Example::

    planner = LangGraphTeam()
    run = planner.run(text, request, thread_id="maya")        # FrameworkRun: plan, trace, per-agent usage
    cheaper = planner.follow_up("That is too expensive, make it cheaper", thread_id="maya")
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import tutorial_helpers.llm  # noqa: F401  (switches framework telemetry off before LangGraph loads)
from tutorial_helpers import clock
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest
from tutorial_helpers.frameworks.langgraph_team.graph import AGENT_GRAPH, build_graph
from tutorial_helpers.frameworks.langgraph_team.state import TeamContext, request_of
from tutorial_helpers.planning.pipeline import FrameworkRun, Step, finish_plan, ids_in

__all__ = ["AGENT_GRAPH", "APPROVE", "LangGraphTeam", "auto_approve", "chat_models", "plan", "run", "steps_of"]

#: the resume value that approves a plan at the human-review interrupt
APPROVE: dict[str, Any] = {"action": "approve"}
#: a reviewer: receives the interrupt's value (question, plan lines, problems), returns the resume value
Reviewer = Callable[[dict[str, Any]], Any]


def auto_approve(_question: dict[str, Any]) -> dict[str, Any]:
    """The reviewer used by :func:`plan`: approves every plan (the guardrail still checks it afterwards)."""
    return dict(APPROVE)


_MODELS: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def chat_models(provider: Any, seed: int = 0) -> tuple[Any, Any]:
    """The (large, small) ``ChatOpenAI`` models of ``provider``, built once per process and shared.

    No usage meter is bound to them: each turn's nodes activate that turn's meter with
    ``meter.agent(name)``, so sharing the models between planners keeps usage apart. (Building a
    ``ChatOpenAI`` costs about 0.2 s, mostly its HTTP clients; a planner per request would pay it each time.)
    """
    from tutorial_helpers.llm import langchain_chat_model

    secret = hashlib.sha256(provider.api_key.get_secret_value().encode()).hexdigest()
    key = (provider.name, provider.base_url, provider.model_small, provider.model_large, secret, seed)
    if key not in _MODELS:
        _MODELS[key] = (langchain_chat_model("large", provider, seed=seed, max_retries=1),
                        langchain_chat_model("small", provider, seed=seed, max_retries=1))
    return _MODELS[key]


class LangGraphTeam:
    """The compiled graph, its checkpointer (memory across turns) and the models of one provider.

    Args:
        provider: "offline" (default without keys), "openai", "gemini", "compatible", or a ``Provider``.
        seed: passed to the models.
        catalog: the catalog (default: the shipped one).
        refine_rounds: how many times the critic may send a plan back to the coordinator.
        reviewer: answers the human-review interrupt (default: :func:`auto_approve`).

    Attributes:
        graph: the compiled LangGraph graph (``graph.get_graph()``, ``graph.get_state(config)`` ...).
        thread_id: the thread of the last :meth:`run`.
    """

    def __init__(self, provider: Any = None, seed: int = 0, catalog: Any = None, refine_rounds: int = 1,
                 reviewer: Reviewer | None = None) -> None:
        from tutorial_helpers.llm import get_provider

        if catalog is None:  # the run's catalog (plan_text(catalog=...), --catalog), else the shipped one
            from tutorial_helpers.tools.state import get_catalog

            catalog = get_catalog()
        self.catalog = catalog
        self.provider = get_provider(provider)
        self.seed = seed
        self.refine_rounds = refine_rounds
        self.reviewer: Reviewer = reviewer or auto_approve
        self.model = self.provider.model_large
        self.llm, self.llm_small = chat_models(self.provider, seed)
        self.graph = build_graph()
        self.thread_id: str | None = None

    # -- running a turn --------------------------------------------------------------------------
    def context(self) -> TeamContext:
        """A fresh runtime context (models, catalog, and a fresh usage meter) for one turn."""
        from tutorial_helpers.llm import UsageMeter

        return TeamContext(llm=self.llm, llm_small=self.llm_small, meter=UsageMeter("langgraph"), catalog=self.catalog,
                           provider=self.provider.name, model=self.model, refine_rounds=self.refine_rounds,
                           seed=self.seed)

    @staticmethod
    def config(thread_id: str) -> dict[str, Any]:
        """The run config naming the conversation thread (what the checkpointer keys on)."""
        return {"configurable": {"thread_id": thread_id}}

    def stream(self, inputs: Any, thread_id: str, context: TeamContext | None = None) -> Iterator[tuple[str, Any]]:
        """Run the graph until it ends or pauses, yielding ``(node, update)`` as each step finishes.

        This is ``graph.stream(inputs, config, stream_mode="updates", context=...)``. A pause at the
        human review arrives as ``("__interrupt__", (Interrupt(value=...),))``; resume it by streaming
        ``Command(resume=...)`` on the same thread.
        """
        ctx = context or self.context()
        for update in self.graph.stream(inputs, self.config(thread_id), stream_mode="updates", context=ctx):
            yield from update.items()

    def _turn(self, inputs: Any, thread_id: str, on_step: Callable[[Step], None] | None) -> FrameworkRun:
        from langgraph.types import Command

        t0 = time.perf_counter()
        ctx = self.context()
        trace: list[Step] = []
        payload = inputs
        while True:
            pending = None
            for node, value in self.stream(payload, thread_id, ctx):
                if node == "__interrupt__":
                    pending = value[0]
                    continue
                for step in steps_of(node, value):
                    trace.append(step)
                    if on_step is not None:
                        on_step(step)
            if pending is None:
                break
            payload = Command(resume=self.reviewer(pending.value))
        values = self.graph.get_state(self.config(thread_id)).values
        request = request_of(values)
        usage = ctx.meter.summary()
        usage.wall_s = round(time.perf_counter() - t0, 4)
        plan = finish_plan(values["plan"].model_copy(deep=True), request, self.catalog,
                           framework="langgraph", provider=self.provider.name, model=self.model,
                           explanation=values.get("explanation", ""), warnings=list(values.get("warnings") or []),
                           usage=usage)
        return FrameworkRun(plan=plan, trace=trace, per_agent=ctx.meter.by_agent())

    @clock.on_request_day
    def run(self, text: str, request: BirthdayRequest, *, thread_id: str | None = None,
            on_step: Callable[[Step], None] | None = None) -> FrameworkRun:
        """Plan a new request: the first turn of a conversation thread.

        Args:
            text: the request as the user wrote it.
            request: the validated request (hard constraints the agents may not loosen).
            thread_id: the conversation thread (a new one by default); reuse it with :meth:`follow_up`.
            on_step: called with each trace step as it streams in.

        Returns:
            A :class:`~tutorial_helpers.planning.pipeline.FrameworkRun`: plan, trace, usage per agent.
        """
        self.thread_id = thread_id or uuid.uuid4().hex
        inputs = {"text": text, "user_turns": [text], "request": request, "today": request.today}
        return self._turn(inputs, self.thread_id, on_step)

    def follow_up(self, text: str, *, thread_id: str | None = None,
                  on_step: Callable[[Step], None] | None = None) -> FrameworkRun:
        """A later turn on the same thread ("make it cheaper", "she already has that", "make it 15 guests").

        The checkpointer restores the thread's request, candidates and plan; the graph's entry edge
        routes to ``revise`` instead of starting over.
        """
        thread_id = thread_id or self.thread_id
        if thread_id is None:
            raise ValueError("No conversation yet: call run() first, or pass the thread_id of an earlier run.")
        return self._turn({"text": text, "user_turns": [text]}, thread_id, on_step)

    def state(self, thread_id: str | None = None) -> dict[str, Any]:
        """The checkpointed state of a thread (what its next turn starts from)."""
        return dict(self.graph.get_state(self.config(thread_id or self.thread_id or "")).values)


def steps_of(node: str, update: Any) -> list[Step]:
    """The trace steps of one streamed update: the node's own entries, plus what the tool node returned."""
    if not isinstance(update, dict):
        return []
    out = [Step(t["agent"], t["action"], t["detail"]) for t in update.get("trace") or []]
    if node == "tools":
        for m in update.get("messages") or []:
            ids = ids_in(getattr(m, "content", ""))
            out.append(Step("tools", f"ran {getattr(m, 'name', 'tool')}", f"{len(ids)} ids: {', '.join(ids[:6])}"))
    return out


@clock.on_request_day
def run(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> FrameworkRun:
    """One planning turn: the plan, the trace of who did what, and usage per agent (for notebooks)."""
    return LangGraphTeam(provider=provider, seed=seed).run(text, request)


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``langgraph`` framework entry point (see :mod:`tutorial_helpers.planners`); approves automatically."""
    return run(text, request, provider=provider, seed=seed).plan
