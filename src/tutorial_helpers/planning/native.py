"""The birthday planner as a small agent team on the raw openai SDK (``--framework native``).

Five agents, each a plain chat-completions call with its own system prompt
(:mod:`tutorial_helpers.prompts`):

1. **extractor**: structured output (``chat.completions.parse``) -> the request as the model reads it;
2. **retriever**: a tool-calling loop over the shared catalog tools (several calls per turn);
3. **selector**: structured output choosing one candidate id per category;
4. **critic**: reviews the plan; together with the deterministic guardrail, one refine round;
5. **explainer**: writes why each item fits.

The guardrail has the last word (see :func:`tutorial_helpers.planners.plan_text`). When a model call
fails (rate limit, timeout, malformed output), the step degrades to the deterministic equivalent
and says so in ``warnings``: nothing is lost and nothing invalid is shown as valid.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import openai
from pydantic import BaseModel, ValidationError, create_model

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem, Usage
from tutorial_helpers.planning import pipeline
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.guardrail import validate_plan
from tutorial_helpers.planning.pipeline import (
    OPTIONS_PER_CATEGORY,
    Choice,
    ExtractedRequest,
    FrameworkRun,
    Selection,
    Step,
    finish_plan,
    ground_candidates,
    ids_in,
    merge_requests,
    options_text,
    plan_categories,
    plan_from_choices,
    plan_lines,
)
from tutorial_helpers.planning.reference import assemble_plan

RETRIEVAL_TOOLS = list(pipeline.RETRIEVAL_TOOLS)
MAX_TOOL_ROUNDS = pipeline.MAX_TOOL_ROUNDS


def closed_selection_schema(candidates: dict[str, list[CatalogItem]], limit: int = OPTIONS_PER_CATEGORY) -> type[
    BaseModel]:
    """A structured-output schema whose only possible answers are the options shown.

    One field per category, each an enum of that category's option ids (the ones
    :func:`~tutorial_helpers.planning.pipeline.options_text` lists). With schema-constrained
    decoding even a tiny model can only name real, offered items; whether they fit the request is
    still the guardrail's job.
    """
    from typing import Literal

    fields: dict[str, Any] = {}
    for category, items in candidates.items():
        ids = tuple(i.id for i in items[:limit])
        if ids:
            fields[category] = (Literal[ids], ...)  # type: ignore[valid-type]
    return create_model("ClosedSelection", **fields)


class NativeTeam:
    """The agent team. ``run(text, request)`` returns a ``FrameworkRun`` with the plan and the trace."""

    def __init__(self, provider: str | None = None, seed: int = 0, catalog: Any = None, refine_rounds: int = 1,
                 model_for_agent: Callable[[str], str] | None = None, closed_choices: bool | None = None) -> None:
        """Build the team.

        Args:
            provider: provider name or :class:`~tutorial_helpers.llm.Provider` (default: from settings).
            seed: passed to every model call.
            catalog: the catalog (default: the shipped one).
            refine_rounds: critic -> selector rounds.
            model_for_agent: optional hook ``agent name -> model name`` ("extractor", "retriever",
                "selector", "critic", "explainer"); default: the provider's large model for every agent
                (what :mod:`tutorial_helpers.routing` uses to send some agents to the small tier).
            closed_choices: the selector answers with :func:`closed_selection_schema` (option ids as
                enums) instead of free ids; default: only for ``local-tiny``, whose 135M model
                otherwise invents ids.
        """
        from tutorial_helpers.llm import get_provider, openai_client

        if catalog is None:  # the run's catalog (plan_text(catalog=...), --catalog), else the shipped one
            from tutorial_helpers.tools.state import get_catalog

            catalog = get_catalog()
        self.catalog = catalog
        self.provider = get_provider(provider)
        self.client = openai_client(self.provider)
        self.model = self.provider.model_large
        self.model_for_agent = model_for_agent
        self.seed = seed
        self.refine_rounds = refine_rounds
        #: how many options per category the selector is shown (an evolvable knob: notebook 17)
        self.options_per_category = OPTIONS_PER_CATEGORY
        self.closed_choices = self.provider.name == "local-tiny" if closed_choices is None else closed_choices
        self.trace: list[Step] = []
        self.per_agent: dict[str, Usage] = {}
        self.warnings: list[str] = []

    # -- bookkeeping -------------------------------------------------------------------------
    def model_of(self, agent: str) -> str:
        """The model ``agent`` calls: the ``model_for_agent`` hook's answer, else ``self.model``."""
        return self.model_for_agent(agent) if self.model_for_agent is not None else self.model

    def _log(self, agent: str, action: str, detail: str) -> None:
        self.trace.append(Step(agent, action, detail[:300]))

    def _account(self, agent: str, response: Any, wall: float, tool_calls: int = 0) -> None:
        from tutorial_helpers.llm.pricing import cost_usd

        u = self.per_agent.setdefault(agent, Usage())
        u.llm_calls += 1
        u.tool_calls += tool_calls
        usage = getattr(response, "usage", None)
        pt = getattr(usage, "prompt_tokens", 0) or 0
        ct = getattr(usage, "completion_tokens", 0) or 0
        u.prompt_tokens += pt
        u.completion_tokens += ct
        u.cost_usd = round(u.cost_usd + cost_usd(self.model_of(agent), pt, ct), 8)
        u.wall_s = round(u.wall_s + wall, 4)

    def _chat(self, agent: str, messages: list[dict[str, Any]], **kw: Any) -> Any:
        t0 = time.perf_counter()
        resp = self.client.chat.completions.create(model=self.model_of(agent), messages=messages, seed=self.seed, **kw)
        calls = len(resp.choices[0].message.tool_calls or [])
        self._account(agent, resp, time.perf_counter() - t0, calls)
        return resp

    def _parse(self, agent: str, messages: list[dict[str, Any]], schema: type[BaseModel]) -> Any:
        t0 = time.perf_counter()
        try:
            resp = self.client.chat.completions.parse(model=self.model_of(agent), messages=messages,
                                                      response_format=schema, seed=self.seed)
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as exc:
            # the call happened and was paid for (a weak model rambling to the token limit): count it
            self._account(agent, getattr(exc, "completion", None), time.perf_counter() - t0)
            raise
        self._account(agent, resp, time.perf_counter() - t0)
        parsed = resp.choices[0].message.parsed
        if parsed is None:
            raise ValueError("the model returned no parsable object")
        return parsed

    # -- the agents ----------------------------------------------------------------------------
    def extract(self, text: str, request: BirthdayRequest) -> BirthdayRequest:
        today = request.today.isoformat() if request.today else "unknown"
        try:
            got = self._parse("extractor", [
                {"role": "system", "content": prompts.render(prompts.EXTRACTOR, today=today)},
                {"role": "user", "content": text},
            ], ExtractedRequest)
        except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
            self.warnings.append(f"The extractor failed ({type(exc).__name__}); used the rule-based reading.")
            note_fallback("extractor", f"failed ({type(exc).__name__}); used the rule-based reading")
            self._log("extractor", "failed", str(exc))
            return request
        merged, notes = merge_requests(request, got)
        self.warnings += notes
        self._log("extractor", "extracted", json.dumps(got.model_dump(exclude_defaults=True)))
        return merged

    def retrieve(self, text: str, request: BirthdayRequest, categories: list[str]) -> dict[str, list[CatalogItem]]:
        from tutorial_helpers import tools

        known = request.model_dump(mode="json", exclude_defaults=True)
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.render(prompts.RETRIEVER, categories=", ".join(categories),
                                                         today=request.today)},
            {"role": "user", "content": f"{text}\n\nKnown constraints: {json.dumps(known)}"},
        ]
        found: list[str] = []
        for _round in range(MAX_TOOL_ROUNDS):
            try:
                resp = self._chat("retriever", messages, tools=tools.openai_tools(RETRIEVAL_TOOLS), tool_choice="auto")
            except (openai.OpenAIError, ValueError) as exc:  # ValueError: a body that is not JSON
                self.warnings.append(f"The retriever failed ({type(exc).__name__}); used catalog search directly.")
                note_fallback("retriever", f"failed ({type(exc).__name__}); used catalog search directly")
                self._log("retriever", "failed", str(exc))
                break
            msg = resp.choices[0].message
            if not msg.tool_calls:
                self._log("retriever", "done", msg.content or "")
                break
            messages.append(msg.model_dump(exclude_none=True))
            for call in msg.tool_calls:
                result, error = tools.call_tool(call.function.name, call.function.arguments)
                self._log("retriever", f"tool {call.function.name}", call.function.arguments)
                payload = {"error": error} if error else result
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(payload, default=str)})
                found += ids_in(result)
        out = ground_candidates(request, found, self.catalog, categories, self.warnings)
        self._log("retriever", "candidates", ", ".join(f"{c}: {len(v)}" for c, v in out.items()))
        return out

    def select(self, request: BirthdayRequest, candidates: dict[str, list[CatalogItem]],
               feedback: str = "") -> BirthdayPlan:
        system = prompts.render(prompts.SELECTOR, budget=request.budget, guests=request.guests or 10,
                                options=options_text(request, candidates, self.options_per_category))
        user = f"Request: {request.model_dump_json(exclude_defaults=True)}\nChoose the plan." + (
            f"\nThe critic found problems with the last choice:\n{feedback}" if feedback else "")
        schema = closed_selection_schema(candidates, self.options_per_category) if self.closed_choices else Selection
        try:
            sel = self._parse("selector", [{"role": "system", "content": system}, {"role": "user", "content": user}],
                              schema)
        except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
            self.warnings.append(f"The selector failed ({type(exc).__name__}); used the reference optimiser.")
            note_fallback("selector", f"failed ({type(exc).__name__}); used the reference optimiser")
            self._log("selector", "failed", str(exc))
            return assemble_plan(request, candidates, self.catalog, required=list(candidates), optional=[])
        choices = sel.choices if isinstance(sel, Selection) else [
            Choice(category=c, item_id=str(i)) for c, i in sel.model_dump().items()]
        plan = plan_from_choices(request, choices, candidates, self.catalog, self.warnings)
        if not plan.items and any(candidates.values()):
            self.warnings.append("The selector chose none of the options; used the reference optimiser.")
            note_fallback("selector", "chose none of the options; used the reference optimiser")
            self._log("selector", "failed", "no valid choice")
            return assemble_plan(request, candidates, self.catalog, required=list(candidates), optional=[])
        self._log("selector", "chose", ", ".join(f"{p.category}={p.id}" for p in plan.items))
        return plan

    def critique(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        """The critic's verdict plus the guardrail's findings; empty string means approved."""
        problems = [v.detail for v in validate_plan(plan, request, self.catalog)]
        lines = plan_lines(plan)
        try:
            resp = self._chat("critic", [
                {"role": "system", "content": prompts.render(prompts.CRITIC,
                                                             request=request.model_dump_json(exclude_defaults=True),
                                                             plan=lines)},
                {"role": "user", "content": "Review the plan."},
            ])
            verdict = (resp.choices[0].message.content or "").strip()
        except (openai.OpenAIError, ValueError) as exc:
            verdict = ""
            self.warnings.append(f"The critic failed ({type(exc).__name__}); relied on the guardrail alone.")
            note_fallback("critic", f"failed ({type(exc).__name__}); relied on the guardrail alone")
        self._log("critic", "reviewed", verdict or "(no verdict)")
        if problems:
            self._log("guardrail", "found", "; ".join(problems))
        return "\n".join(problems)

    def explain(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        lines = plan_lines(plan)
        try:
            resp = self._chat("explainer", [
                {"role": "system", "content": prompts.render(prompts.EXPLAINER,
                                                             request=request.model_dump_json(exclude_defaults=True),
                                                             plan=lines)},
                {"role": "user", "content": "Explain the plan."},
            ])
            text = (resp.choices[0].message.content or "").strip()
        except (openai.OpenAIError, ValueError) as exc:
            self.warnings.append(f"The explainer failed ({type(exc).__name__}); used the template explanation.")
            note_fallback("explainer", f"failed ({type(exc).__name__}); used the template explanation")
            text = ""
        self._log("explainer", "wrote", text)
        return text or " ".join(p.why for p in plan.items)

    # -- the team ---------------------------------------------------------------------------------
    @clock.on_request_day
    def run(self, text: str, request: BirthdayRequest) -> FrameworkRun:
        t0 = time.perf_counter()
        request = self.extract(text, request)
        candidates = self.retrieve(text, request, plan_categories(request))
        plan = self.select(request, candidates)
        for _ in range(self.refine_rounds):
            feedback = self.critique(request, plan)
            if not feedback:
                break
            plan = self.select(request, candidates, feedback=feedback)
        total = Usage()
        for u in self.per_agent.values():
            for k in ("llm_calls", "tool_calls", "prompt_tokens", "completion_tokens"):
                setattr(total, k, getattr(total, k) + getattr(u, k))
            total.cost_usd = round(total.cost_usd + u.cost_usd, 8)
        explanation = self.explain(request, plan)
        total.wall_s = round(time.perf_counter() - t0, 4)
        plan = finish_plan(plan, request, self.catalog, framework="native", provider=self.provider.name,
                           model=self.model,
                           explanation=explanation, warnings=self.warnings, usage=total)
        return FrameworkRun(plan=plan, trace=list(self.trace), per_agent=dict(self.per_agent))


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``native`` framework entry point (see :mod:`tutorial_helpers.planners`)."""
    return NativeTeam(provider=provider, seed=seed).run(text, request).plan
