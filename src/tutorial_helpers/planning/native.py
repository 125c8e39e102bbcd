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
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import BaseModel, Field, ValidationError

from tutorial_helpers import prompts
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
from tutorial_helpers.planning.guardrail import validate_plan
from tutorial_helpers.planning.reference import (
    assemble_plan,
    candidate_pool,
    make_schedule,
    optional_categories,
    preference_score,
    required_categories,
    why_item,
)

RETRIEVAL_TOOLS = ["search_catalog", "check_availability"]
MAX_TOOL_ROUNDS = 4
OPTIONS_PER_CATEGORY = 6


class ExtractedRequest(BaseModel):
    """What the extractor agent returns (a flat schema any model can fill)."""

    recipient_name: str | None = None
    recipient_age: int | None = None
    interests: list[str] = Field(default_factory=list)
    dislikes: list[str] = Field(default_factory=list)
    avoid_allergens: list[str] = Field(default_factory=list)
    dietary: list[str] = Field(default_factory=list)
    city: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    guests: int | None = None
    budget: float | None = None


class Choice(BaseModel):
    category: str
    item_id: str
    reason: str = ""


class Selection(BaseModel):
    """What the selector agent returns: one choice per category."""

    choices: list[Choice]


@dataclass
class Step:
    """One line of the trace: who did what."""

    agent: str
    action: str
    detail: str


@dataclass
class NativeRun:
    """Everything a run produced, for notebooks: the plan, the trace, usage per agent."""

    plan: BirthdayPlan
    trace: list[Step] = field(default_factory=list)
    per_agent: dict[str, Usage] = field(default_factory=dict)


def merge_requests(validated: BirthdayRequest, extracted: ExtractedRequest | None) -> tuple[BirthdayRequest, list[str]]:
    """Combine the validated request with the model's reading of the text.

    Hard constraints stay those of the validated request; the model may add safety restrictions
    (more allergens or diets, never fewer) and fill soft preferences (interests, dislikes) and
    values the rules missed. Disagreements are returned as notes.
    """
    if extracted is None:
        return validated, []
    notes: list[str] = []
    update: dict[str, Any] = {}
    allergens = set(validated.avoid_allergens) | {a for a in map(str.lower, extracted.avoid_allergens) if a in ALLERGENS}
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
    if not validated.recipient_name and extracted.recipient_name:
        update["recipient_name"] = extracted.recipient_name[:60]
    if not update:
        return validated, notes
    merged = validated.model_copy(update=update)
    return BirthdayRequest.model_validate({**merged.model_dump(), "today": validated.today}), notes


class NativePlanner:
    """The agent team. ``run(text, request)`` returns a :class:`NativeRun` with the plan and the trace."""

    def __init__(self, provider: str | None = None, seed: int = 0, catalog: Any = None, refine_rounds: int = 1) -> None:
        from tutorial_helpers.llm import get_provider, openai_client

        if catalog is None:
            from tutorial_helpers.catalog import load_catalog

            catalog = load_catalog()
        self.catalog = catalog
        self.provider = get_provider(provider)
        self.client = openai_client(self.provider)
        self.model = self.provider.model_large
        self.seed = seed
        self.refine_rounds = refine_rounds
        self.trace: list[Step] = []
        self.per_agent: dict[str, Usage] = {}
        self.warnings: list[str] = []

    # -- bookkeeping -------------------------------------------------------------------------
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
        u.cost_usd = round(u.cost_usd + cost_usd(self.model, pt, ct), 8)
        u.wall_s = round(u.wall_s + wall, 4)

    def _chat(self, agent: str, messages: list[dict[str, Any]], **kw: Any) -> Any:
        t0 = time.perf_counter()
        resp = self.client.chat.completions.create(model=self.model, messages=messages, seed=self.seed, **kw)
        calls = len(resp.choices[0].message.tool_calls or [])
        self._account(agent, resp, time.perf_counter() - t0, calls)
        return resp

    def _parse(self, agent: str, messages: list[dict[str, Any]], schema: type[BaseModel]) -> Any:
        t0 = time.perf_counter()
        resp = self.client.chat.completions.parse(model=self.model, messages=messages, response_format=schema, seed=self.seed)
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
                {"role": "system", "content": prompts.EXTRACTOR.format(today=today)},
                {"role": "user", "content": text},
            ], ExtractedRequest)
        except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
            self.warnings.append(f"The extractor failed ({type(exc).__name__}); used the rule-based reading.")
            self._log("extractor", "failed", str(exc))
            return request
        merged, notes = merge_requests(request, got)
        self.warnings += notes
        self._log("extractor", "extracted", json.dumps(got.model_dump(exclude_defaults=True)))
        return merged

    def retrieve(self, text: str, request: BirthdayRequest, categories: list[str]) -> dict[str, list[CatalogItem]]:
        from tutorial_helpers import tools

        if request.today:
            tools.set_today(request.today)
        known = request.model_dump(mode="json", exclude_defaults=True)
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.RETRIEVER.format(categories=", ".join(categories), today=request.today)},
            {"role": "user", "content": f"{text}\n\nKnown constraints: {json.dumps(known)}"},
        ]
        found: dict[str, list[str]] = {c: [] for c in categories}
        for _round in range(MAX_TOOL_ROUNDS):
            try:
                resp = self._chat("retriever", messages, tools=tools.openai_tools(RETRIEVAL_TOOLS), tool_choice="auto")
            except openai.OpenAIError as exc:
                self.warnings.append(f"The retriever failed ({type(exc).__name__}); used catalog search directly.")
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
                for row in result if isinstance(result, list) else []:
                    item = self.catalog.get(row.get("id", "")) if isinstance(row, dict) else None
                    if item is not None and item.category in found and item.id not in found[item.category]:
                        found[item.category].append(item.id)
        out: dict[str, list[CatalogItem]] = {}
        for c in categories:
            valid = {i.id: i for i in candidate_pool(request, self.catalog, c, k=400)}
            chosen = [valid[i] for i in found.get(c, []) if i in valid]  # grounded and within hard constraints
            if not chosen:
                chosen = list(valid.values())[:OPTIONS_PER_CATEGORY]
                if chosen:
                    self.warnings.append(f"No valid {c} came back from the tools; took the top catalog matches.")
            out[c] = sorted(chosen, key=lambda i: -preference_score(i, request))
        self._log("retriever", "candidates", ", ".join(f"{c}: {len(v)}" for c, v in out.items()))
        return out

    def select(self, request: BirthdayRequest, candidates: dict[str, list[CatalogItem]], feedback: str = "") -> BirthdayPlan:
        guests = request.guests or 10
        options = "\n".join(
            f"- {c}: " + "; ".join(
                f"{i.id} {i.name} (${PlanItem.from_item(i, guests).subtotal:,.2f} for {guests} guests)" for i in items[:OPTIONS_PER_CATEGORY]
            )
            for c, items in candidates.items() if items
        )
        system = prompts.SELECTOR.format(budget=request.budget, guests=guests, options=options)
        user = "Choose the plan." + (f"\nThe critic found problems with the last choice:\n{feedback}" if feedback else "")
        plan = BirthdayPlan(feasible=True, request=request)
        try:
            sel = self._parse("selector", [{"role": "system", "content": system}, {"role": "user", "content": user}], Selection)
        except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
            self.warnings.append(f"The selector failed ({type(exc).__name__}); used the reference optimiser.")
            self._log("selector", "failed", str(exc))
            return assemble_plan(request, candidates, self.catalog, required=list(candidates), optional=[])
        allowed = {i.id for items in candidates.values() for i in items}
        for ch in sel.choices:
            item = self.catalog.get(ch.item_id)
            if item is None or ch.item_id not in allowed:
                self.warnings.append(f"The selector proposed {ch.item_id!r}, which was not among the options; ignored.")
                continue
            if item.id in plan.item_ids() or item.category in {p.category for p in plan.items}:
                continue
            plan.items.append(PlanItem.from_item(item, guests, why=why_item(item, request)))
        plan.recompute_total()
        self._log("selector", "chose", ", ".join(f"{p.category}={p.id}" for p in plan.items))
        return plan

    def critique(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        """The critic's verdict plus the guardrail's findings; empty string means approved."""
        problems = [v.detail for v in validate_plan(plan, request, self.catalog)]
        lines = "\n".join(f"- {p.category}: {p.id} {p.name} ${p.subtotal:,.2f}" for p in plan.items) + f"\nTotal ${plan.total_cost:,.2f}"
        try:
            resp = self._chat("critic", [
                {"role": "system", "content": prompts.CRITIC.format(request=request.model_dump_json(exclude_defaults=True), plan=lines)},
                {"role": "user", "content": "Review the plan."},
            ])
            verdict = (resp.choices[0].message.content or "").strip()
        except openai.OpenAIError as exc:
            verdict = ""
            self.warnings.append(f"The critic failed ({type(exc).__name__}); relied on the guardrail alone.")
        self._log("critic", "reviewed", verdict or "(no verdict)")
        if problems:
            self._log("guardrail", "found", "; ".join(problems))
        return "\n".join(problems)

    def explain(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        lines = "\n".join(f"- {p.category}: {p.name} (${p.subtotal:,.2f})" for p in plan.items)
        try:
            resp = self._chat("explainer", [
                {"role": "system", "content": prompts.EXPLAINER.format(request=request.model_dump_json(exclude_defaults=True), plan=lines)},
                {"role": "user", "content": "Explain the plan."},
            ])
            text = (resp.choices[0].message.content or "").strip()
        except openai.OpenAIError as exc:
            self.warnings.append(f"The explainer failed ({type(exc).__name__}); used the template explanation.")
            text = ""
        self._log("explainer", "wrote", text)
        return text or " ".join(p.why for p in plan.items)

    # -- the team ---------------------------------------------------------------------------------
    def run(self, text: str, request: BirthdayRequest) -> NativeRun:
        t0 = time.perf_counter()
        request = self.extract(text, request)
        categories = required_categories(request) + optional_categories(request)
        candidates = self.retrieve(text, request, categories)
        plan = self.select(request, candidates)
        for _ in range(self.refine_rounds):
            feedback = self.critique(request, plan)
            if not feedback:
                break
            plan = self.select(request, candidates, feedback=feedback)
        plan.schedule = make_schedule(request, plan.items, self.catalog)
        plan.explanation = self.explain(request, plan)
        plan.warnings = list(dict.fromkeys([*plan.warnings, *self.warnings]))
        plan.framework, plan.provider, plan.model = "native", self.provider.name, self.model
        total = Usage()
        for u in self.per_agent.values():
            for k in ("llm_calls", "tool_calls", "prompt_tokens", "completion_tokens"):
                setattr(total, k, getattr(total, k) + getattr(u, k))
            total.cost_usd = round(total.cost_usd + u.cost_usd, 8)
        total.wall_s = round(time.perf_counter() - t0, 4)
        plan.usage = total
        return NativeRun(plan=plan, trace=list(self.trace), per_agent=dict(self.per_agent))


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``native`` framework entry point (see :mod:`tutorial_helpers.planners`)."""
    return NativePlanner(provider=provider, seed=seed).run(text, request).plan
