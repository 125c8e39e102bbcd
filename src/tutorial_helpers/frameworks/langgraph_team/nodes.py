"""The agents of the LangGraph planner: one node function each.

A node receives the state (and ``runtime``, whose ``runtime.context`` is a
:class:`~.state.TeamContext`) and returns only the fields it changes. Every model call sits inside
``meter.agent(name)`` so the usage meter attributes it, and every failure of a model degrades to
the deterministic equivalent with a warning, as in :mod:`tutorial_helpers.planning.native`.

=================  =====================================================================
node               job
=================  =====================================================================
``understand``     the extractor: structured output -> the request as the model reads it
``retriever``      the retrieval agent: a chat model with the shared catalog tools bound
``tools``          LangGraph's prebuilt ``ToolNode`` running the tool calls
``candidates``     keeps the ids the tools returned that meet every hard constraint
``specialist``     gift / cake / venue specialists, run in parallel through ``Send``
``coordinator``    the selector: one item per category under the budget
``critic``         reviews the plan (model verdict + the deterministic guardrail findings)
``human_review``   ``interrupt()``: a person approves or edits the plan
``explainer``      writes why each item fits
``revise``         a follow-up turn ("make it cheaper") on the same thread
=================  =====================================================================
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Literal

import openai
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from langgraph.runtime import Runtime
from langgraph.types import Command, Overwrite, Send, interrupt
from pydantic import ValidationError

from tutorial_helpers import prompts, tools
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem, PlanItem
from tutorial_helpers.frameworks.langgraph_team.state import (
    PlannerState,
    SpecialistTask,
    TeamContext,
    entry,
    request_of,
)
from tutorial_helpers.planning import pipeline
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.candidates import effective_guests, why_item
from tutorial_helpers.planning.guardrail import validate_plan
from tutorial_helpers.planning.pipeline import (
    OPTIONS_PER_CATEGORY,
    ExtractedRequest,
    Selection,
    ground_candidates,
    ids_in,
    merge_requests,
    options_text,
    plan_categories,
    plan_from_choices,
    plan_lines,
)
from tutorial_helpers.planning.reference import assemble_plan

#: the catalog tools the retriever may call (the same functions every framework registers)
RETRIEVAL_TOOLS = pipeline.RETRIEVAL_TOOLS
#: the categories that get their own specialist agent; the others go straight to the coordinator
SPECIALISTS = pipeline.SPECIALIST_CATEGORIES
#: errors of a model call that make a node fall back to its deterministic equivalent
try:  # a structured answer the model refused (``message.refusal``, as OpenAI sends it)
    from langchain_openai.chat_models.base import OpenAIRefusalError
except ImportError:  # pragma: no cover - older langchain-openai
    OpenAIRefusalError = ValueError  # type: ignore[assignment,misc]
MODEL_ERRORS = (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError, KeyError, TypeError,
                OpenAIRefusalError)
#: feedback labels of the shared extractor that ask for a cheaper plan / another gift
CHEAPER = {"too_expensive", "cheaper"}
OTHER_GIFT = {"already_has", "different_gift"}
#: a follow-up "make it cheaper" aims at this share of the current total
CHEAPER_FACTOR = 0.85

SPECIALIST = prompts.SPECIALIST


def _ctx(runtime: Runtime[TeamContext]) -> TeamContext:
    return runtime.context


def _items(ids: list[str], catalog: Any) -> list[CatalogItem]:
    return [i for i in (catalog.get(x) for x in ids) if i is not None]


def _failed(agent: str, exc: Exception, fallback: str) -> tuple[str, dict[str, Any]]:
    name = type(exc).__name__
    note_fallback(agent, f"failed ({name}); {fallback}")
    return f"The {agent} failed ({name}); {fallback}.", entry(agent, "failed", f"{name}: {exc}")


# ---------------------------------------------------------------------------------------------
# Tools: the shared Python functions, registered as LangChain tools
# ---------------------------------------------------------------------------------------------

@cache
def langchain_tools(names: tuple[str, ...] = RETRIEVAL_TOOLS) -> list[Any]:
    """The shared tools as LangChain ``StructuredTool`` objects.

    Each one keeps the function's name, its docstring as the description and the registry's
    pydantic model of its arguments as the schema (so every framework shows the model the same
    tools), and runs through :func:`tutorial_helpers.tools.call_tool`, which never raises: a bad
    argument or an injected failure comes back to the model as ``{"error": ...}``.
    """
    from langchain_core.tools import StructuredTool

    out = []
    for name in names:
        fn = tools.REGISTRY[name]

        def run(_name: str = name, **kwargs: Any) -> str:
            result, error = tools.call_tool(_name, kwargs)
            return json.dumps({"error": error} if error else result, default=str)

        description, _ = tools.parse_docstring(fn)
        out.append(StructuredTool.from_function(
            func=run, name=name, description=description, args_schema=tools.arguments_model(fn)))
    return out


# ---------------------------------------------------------------------------------------------
# Turn 1: understand -> retrieve -> ground
# ---------------------------------------------------------------------------------------------

def understand(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """The extractor: reads the text into ``ExtractedRequest`` (structured output) and merges it.

    Hard constraints stay those of the validated request; the model may only add restrictions and
    fill preferences (:func:`~tutorial_helpers.planning.pipeline.merge_requests`). It also starts a
    fresh retrieval conversation (``RemoveMessage(REMOVE_ALL_MESSAGES)``) for this request.
    """
    ctx = _ctx(runtime)
    request = request_of(state)
    today = request.today.isoformat() if request.today else "unknown"
    warnings: list[str] = []
    try:
        with ctx.meter.agent("extractor"):
            got = ctx.llm.with_structured_output(ExtractedRequest).invoke(
                [SystemMessage(prompts.render(prompts.EXTRACTOR, today=today)), HumanMessage(state["text"])])
        merged, notes = merge_requests(request, got)
        warnings += notes
        step = entry("extractor", "extracted", json.dumps(got.model_dump(exclude_defaults=True)))
    except MODEL_ERRORS as exc:
        merged = request
        warning, step = _failed("extractor", exc, "used the rule-based reading")
        warnings.append(warning)
    return {"request": merged, "today": request.today, "categories": plan_categories(merged),
            "warnings": warnings, "trace": [step],
            "messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES)], "picks": Overwrite({}), "rounds": 0,
            "feedback": "", "budget_cap": None}


def retriever(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """The retrieval agent: one model turn with the catalog tools bound (``bind_tools``).

    The conditional edge after it (:func:`route_retrieval`) sends its tool calls to the ``tools``
    node and comes back here, until the model answers without tool calls or the rounds run out.
    """
    ctx = _ctx(runtime)
    request = request_of(state)
    history: list[AnyMessage] = list(state.get("messages") or [])
    new: list[AnyMessage] = []
    if not history:
        known = request.model_dump(mode="json", exclude_defaults=True)
        new = [
            SystemMessage(prompts.render(prompts.RETRIEVER, categories=", ".join(state["categories"]),
                                         today=request.today)),
               HumanMessage(f"{state['text']}\n\nKnown constraints: {json.dumps(known)}")]
    try:
        with ctx.meter.agent("retriever"):
            reply = ctx.llm.bind_tools(langchain_tools()).invoke(history + new)
    except MODEL_ERRORS as exc:
        warning, step = _failed("retriever", exc, "used catalog search directly")
        return {"messages": [*new, AIMessage(content="")], "warnings": [warning], "trace": [step]}
    steps = [entry("retriever", f"tool {c['name']}", json.dumps(c.get("args", {}))) for c in reply.tool_calls]
    if not reply.tool_calls:
        steps.append(entry("retriever", "done", str(reply.content)))
    return {"messages": [*new, reply], "trace": steps}


def route_retrieval(state: PlannerState) -> Literal["tools", "candidates"]:
    """Conditional edge: run the requested tools, or move on when the retriever is done."""
    messages = state.get("messages") or []
    last = messages[-1] if messages else None
    turns = sum(isinstance(m, AIMessage) for m in messages)
    if isinstance(last, AIMessage) and last.tool_calls and turns < MAX_TOOL_ROUNDS:
        return "tools"
    return "candidates"


MAX_TOOL_ROUNDS = pipeline.MAX_TOOL_ROUNDS


def _is_error(content: Any) -> bool:
    try:
        data = json.loads(content) if isinstance(content, str) else content
    except json.JSONDecodeError:
        return True
    return isinstance(data, dict) and "error" in data


def searched_categories(messages: list[AnyMessage]) -> set[str]:
    """Categories with a ``search_catalog`` call that answered without an error (even with no results).

    An empty result needs no second model turn: grounding falls back to the top catalog matches
    and says so in the warnings. An error (bad arguments, a failing tool) does: the model may fix its call.
    """
    asked = {c["id"]: (c.get("args") or {}).get("category") for m in messages if isinstance(m, AIMessage)
             for c in m.tool_calls if c["name"] == "search_catalog"}
    return {asked[m.tool_call_id] for m in messages
            if isinstance(m, ToolMessage) and asked.get(m.tool_call_id) and not _is_error(m.content)}


def route_after_tools(state: PlannerState) -> Literal["retriever", "candidates"]:
    """Conditional edge after the tools: the graph, not the model, decides that retrieval is done.

    When every needed category has been searched, the retriever needs no extra model turn to say
    so; otherwise it gets another turn (up to ``MAX_TOOL_ROUNDS``).
    """
    messages = state.get("messages") or []
    if set(state["categories"]) <= searched_categories(messages):
        return "candidates"
    return "retriever" if sum(isinstance(m, AIMessage) for m in messages) < MAX_TOOL_ROUNDS else "candidates"


def candidates(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """Grounding: the ids the tools returned that exist and meet every hard constraint, best first."""
    ctx = _ctx(runtime)
    found = [i for m in state.get("messages") or [] if isinstance(m, ToolMessage) for i in ids_in(m.content)]
    warnings: list[str] = []
    grounded = ground_candidates(request_of(state), found, ctx.catalog, state["categories"], warnings)
    ids = {c: [i.id for i in items] for c, items in grounded.items()}
    detail = ", ".join(f"{c}: {len(v)}" for c, v in ids.items())
    return {"candidates": ids, "warnings": warnings, "trace": [entry("retriever", "candidates", detail)]}


def fan_out(state: PlannerState) -> list[Send] | Literal["coordinator"]:
    """Conditional edge with ``Send``: one specialist task per specialist category, run in parallel."""
    sends = [Send("specialist", SpecialistTask(category=c, request=request_of(state),
                                               options=state["candidates"][c][:OPTIONS_PER_CATEGORY]))
             for c in state["categories"] if c in SPECIALISTS and state["candidates"].get(c)]
    return sends or "coordinator"


# ---------------------------------------------------------------------------------------------
# Specialists (parallel) -> coordinator -> critic
# ---------------------------------------------------------------------------------------------

def specialist(task: SpecialistTask, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """A category specialist (small tier): ranks its category's options, its favourite first.

    It receives a :class:`~.state.SpecialistTask` from ``Send``, not the whole state, and answers
    ``{"picks": {category: ranked ids}}``; the ``merge_picks`` reducer gathers the parallel answers.
    """
    ctx = _ctx(runtime)
    category, request, options = task["category"], task["request"], list(task["options"])
    agent = f"{category}_specialist"
    items = _items(options, ctx.catalog)
    options_list = options_text(request, {category: items})
    system = prompts.render(SPECIALIST, category=category, budget=request.budget, options=options_list)
    known = json.dumps(request.model_dump(mode="json", exclude_defaults=True))
    try:
        with ctx.meter.agent(agent):
            sel = ctx.llm_small.with_structured_output(Selection).invoke(
                [SystemMessage(system), HumanMessage(f"Choose the best {category}. Request: {known}")])
        chosen = [c.item_id for c in sel.choices if c.item_id in options]
        step = entry(agent, "picked", ", ".join(chosen) or "(nothing valid)")
        warnings = [] if chosen else [f"The {agent} chose nothing among its options; kept the retrieval order."]
    except MODEL_ERRORS as exc:
        chosen = []
        warning, step = _failed(agent, exc, "kept the retrieval order")
        warnings = [warning]
    ranked = list(dict.fromkeys([*chosen, *options]))
    return {"picks": {category: ranked}, "trace": [step], "warnings": warnings}


def _ordered_candidates(state: PlannerState, catalog: Any) -> dict[str, list[CatalogItem]]:
    """Candidates per category, the specialist's ranking first where there is one."""
    picks = state.get("picks") or {}
    out: dict[str, list[CatalogItem]] = {}
    for c in state["categories"]:
        ids = state.get("candidates", {}).get(c, [])
        ranked = [i for i in picks.get(c, []) if i in ids]
        out[c] = _items(list(dict.fromkeys([*ranked, *ids])), catalog)
    return out


def _capped(request: BirthdayRequest, cap: float | None) -> BirthdayRequest:
    if cap is None or (request.budget is not None and request.budget <= cap):
        return request
    return request.model_copy(update={"budget": cap})


def coordinator(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """The coordinator (selector): one item per category from the options, within the budget.

    It sees every grounded option (the specialists' favourites first) and, on a second attempt, the
    critic's findings. Ids that were not among the options are ignored; if the model fails, the
    reference optimiser chooses.
    """
    ctx = _ctx(runtime)
    request = request_of(state)
    cap = state.get("budget_cap")
    target = _capped(request, cap)
    cands = _ordered_candidates(state, ctx.catalog)
    picks = state.get("picks") or {}
    system = prompts.render(prompts.SELECTOR, budget=target.budget, guests=request.guests or effective_guests(request),
                                     options=options_text(target, cands))
    user = f"Request: {target.model_dump_json(exclude_defaults=True)}\nChoose the plan."
    if picks:
        user += "\nThe specialists' favourites: " + ", ".join(f"{c}={ids[0]}" for c, ids in picks.items() if ids) + "."
    if cap is not None:
        user += f"\nThe user asked for a cheaper plan: keep the total under ${cap:,.2f}."
    if state.get("feedback"):
        user += f"\nThe last plan had these problems:\n{state['feedback']}"
    warnings: list[str] = []
    try:
        with ctx.meter.agent("coordinator"):
            sel = ctx.llm.with_structured_output(Selection).invoke([SystemMessage(system), HumanMessage(user)])
        plan = plan_from_choices(target, sel.choices, cands, ctx.catalog, warnings)
        step = entry("coordinator", "chose", ", ".join(f"{p.category}={p.id}" for p in plan.items))
    except MODEL_ERRORS as exc:
        warning, step = _failed("coordinator", exc, "used the reference optimiser")
        warnings.append(warning)
        plan = assemble_plan(target, cands, ctx.catalog, required=list(cands), optional=[])
    if cap is not None and plan.total_cost > cap:
        cheaper = assemble_plan(target, cands, ctx.catalog, required=list(cands), optional=[])
        if cheaper.items and cheaper.total_cost <= cap:
            note_fallback("coordinator", f"plan over ${cap:,.2f}; the reference optimiser replaced it")
            warnings.append(f"The coordinator's plan cost ${plan.total_cost:,.2f}; "
                            f"the optimiser found one under ${cap:,.2f}.")
            plan = cheaper
        else:
            warnings.append(f"No plan under ${cap:,.2f} meets every constraint; kept the cheapest found.")
    plan.request = request
    return {"plan": plan, "rounds": state.get("rounds", 0) + 1, "warnings": warnings, "trace": [step]}


def critic(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """The critic: a model's verdict plus the guardrail's findings, which decide the next edge.

    The deterministic guardrail does the hard checking, so the model's review (in words, for the
    trace) runs on the small tier.
    """
    ctx = _ctx(runtime)
    request = request_of(state)
    plan: BirthdayPlan = state["plan"]
    problems = [v.detail for v in validate_plan(plan, request, ctx.catalog)]
    cap = state.get("budget_cap")
    if cap is not None and plan.total_cost > cap + 0.005:
        problems.append(f"The total ${plan.total_cost:,.2f} is above the ${cap:,.2f} the user asked for.")
    steps = []
    warnings: list[str] = []
    try:
        with ctx.meter.agent("critic"):
            reply = ctx.llm_small.invoke([
                SystemMessage(prompts.render(prompts.CRITIC, request=request.model_dump_json(exclude_defaults=True),
                                                    plan=plan_lines(plan))),
                HumanMessage("Review the plan.")])
        steps.append(entry("critic", "reviewed", str(reply.content).strip() or "(no verdict)"))
    except MODEL_ERRORS as exc:
        warning, step = _failed("critic", exc, "relied on the guardrail alone")
        warnings.append(warning)
        steps.append(step)
    if problems:
        steps.append(entry("guardrail", "found", "; ".join(problems)))
    return {"feedback": "\n".join(problems), "trace": steps, "warnings": warnings}


def route_critique(state: PlannerState, runtime: Runtime[TeamContext]) -> Literal["coordinator", "human_review"]:
    """Conditional edge: back to the coordinator with the problems (once), else to the human reviewer."""
    if state.get("feedback") and state.get("rounds", 0) <= _ctx(runtime).refine_rounds:
        return "coordinator"
    return "human_review"


# ---------------------------------------------------------------------------------------------
# Human in the loop, explanation
# ---------------------------------------------------------------------------------------------

def apply_edit(
    plan: BirthdayPlan, decision: dict[str, Any], request: BirthdayRequest, catalog: Any
) -> tuple[BirthdayPlan, list[str]]:
    """Apply a reviewer's edit: ``{"swap": {category: item_id}, "remove": [category, ...]}``.

    Unknown ids and swaps into another category are refused with a note; constraints are checked
    afterwards by the critic and, at the very end, by the guardrail.
    """
    notes: list[str] = []
    guests = effective_guests(request)
    items = {p.category: p for p in plan.items}
    for category in decision.get("remove") or []:
        if items.pop(str(category), None) is not None:
            notes.append(f"The reviewer removed the {category}.")
    for category, item_id in (decision.get("swap") or {}).items():
        item = catalog.get(str(item_id))
        if item is None or item.category != category:
            notes.append(f"The reviewer's {category} {item_id!r} is not a {category} of the catalog; ignored.")
            continue
        items[category] = PlanItem.from_item(item, guests, why=why_item(item, request))
        notes.append(f"The reviewer chose {item.name} as the {category}.")
    edited = plan.model_copy(update={"items": list(items.values())})
    edited.recompute_total()
    return edited, notes


def human_review(state: PlannerState, runtime: Runtime[TeamContext]) -> Command[Literal["explainer", "critic"]]:
    """Human in the loop: ``interrupt()`` pauses the graph (the checkpointer keeps its state).

    The caller resumes with ``Command(resume={"action": "approve"})`` or
    ``Command(resume={"action": "edit", "swap": {"cake": "<id>"}, "remove": ["decoration"]})``.
    An edit goes back to the critic, then here again; an approval goes on to the explainer.
    """
    ctx = _ctx(runtime)
    plan: BirthdayPlan = state["plan"]
    decision = interrupt({
        "question": "Approve this plan, or edit it?",
        "plan": plan_lines(plan),
        "problems": state.get("feedback", ""),
        "resume_with": {"action": "approve"},
        "or": {"action": "edit", "swap": {"<category>": "<item id>"}, "remove": ["<category>"]},
    })
    if not isinstance(decision, dict):
        decision = {"action": str(decision or "approve")}
    if decision.get("action") == "edit":
        edited, notes = apply_edit(plan, decision, request_of(state), ctx.catalog)
        return Command(goto="critic", update={
            "plan": edited, "review": "edit", "rounds": ctx.refine_rounds + 1, "warnings": notes,
            "trace": [entry("human", "edited", " ".join(notes) or "no change")]})
    approved = entry("human", "approved", plan_lines(plan))
    return Command(goto="explainer", update={"review": "approve", "trace": [approved]})


def explainer(state: PlannerState, runtime: Runtime[TeamContext]) -> dict[str, Any]:
    """The explainer (small tier): a few sentences on why each item fits."""
    ctx = _ctx(runtime)
    request = request_of(state)
    plan: BirthdayPlan = state["plan"]
    lines = plan_lines(plan)  # ids and names: the explainer names exactly these items
    warnings: list[str] = []
    try:
        with ctx.meter.agent("explainer"):
            reply = ctx.llm_small.invoke([
                SystemMessage(prompts.render(prompts.EXPLAINER, request=request.model_dump_json(exclude_defaults=True),
                                                       plan=lines)),
                HumanMessage("Explain the plan.")])
        text = str(reply.content).strip()
        step = entry("explainer", "wrote", text)
    except MODEL_ERRORS as exc:
        text = ""
        warning, step = _failed("explainer", exc, "used the template explanation")
        warnings.append(warning)
    return {"explanation": text or " ".join(p.why for p in plan.items), "trace": [step], "warnings": warnings}


# ---------------------------------------------------------------------------------------------
# Follow-up turns on the same thread
# ---------------------------------------------------------------------------------------------

def route_turn(state: PlannerState) -> Literal["understand", "revise"]:
    """Entry edge: a new request starts over; a follow-up on a thread that has a plan is a revision."""
    return "revise" if state.get("plan") is not None and len(state.get("user_turns") or []) > 1 else "understand"


HARD_FIELDS = ("recipient_age", "avoid_allergens", "dietary", "city", "date", "guests", "budget", "categories")


def revise(state: PlannerState, runtime: Runtime[TeamContext]) -> Command[Literal["retriever", "coordinator"]]:
    """A follow-up turn: re-read the whole conversation with the shared extractor, then revise.

    A changed hard constraint ("make it 15 guests") restarts retrieval; feedback alone goes to the
    coordinator: "too expensive" sets a budget cap below the current total, "she already has that"
    drops the current gift from the options.
    """
    from tutorial_helpers.extraction import extract_conversation

    request = request_of(state)
    plan: BirthdayPlan = state["plan"]
    ex = extract_conversation(list(state.get("user_turns") or []), request.today)
    labels = set(ex.feedback)
    reset = {"rounds": 0, "feedback": "", "warnings": Overwrite([])}
    new = ex.request
    if new is not None:
        changed: dict[str, Any] = {}
        for f in HARD_FIELDS:
            mine, theirs = getattr(request, f), getattr(new, f)
            if isinstance(mine, list):  # lists only grow: a later turn never drops an allergen
                if set(theirs) - set(mine):
                    changed[f] = sorted(set(mine) | set(theirs)) if f != "categories" else list(theirs)
            elif theirs is not None and theirs != mine:
                changed[f] = theirs
        if changed:
            updated = BirthdayRequest.model_validate({**request.model_dump(), **changed, "today": request.today})
            return Command(goto="retriever", update={
                **reset, "request": updated, "categories": plan_categories(updated), "budget_cap": None,
                "messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES)], "picks": Overwrite({}),
                "trace": [entry("extractor", "revised request", json.dumps(changed, default=str))]})
    update: dict[str, Any] = {**reset, "budget_cap": state.get("budget_cap")}
    notes = []
    if labels & CHEAPER:
        update["budget_cap"] = round(plan.total_cost * CHEAPER_FACTOR, 2)
        notes.append(f"cheaper: under ${update['budget_cap']:,.2f}")
    if labels & OTHER_GIFT:
        gift = next((p.id for p in plan.items if p.category == "gift"), None)
        if gift:
            cands = dict(state.get("candidates") or {})
            cands["gift"] = [i for i in cands.get("gift", []) if i != gift]
            update["candidates"] = cands
            update["picks"] = {"gift": [i for i in (state.get("picks") or {}).get("gift", []) if i != gift]}
            notes.append(f"another gift than {gift}")
    detail = "; ".join(notes) or f"feedback {sorted(labels) or 'none'}: choose again"
    update["trace"] = [entry("extractor", "read feedback", detail)]
    return Command(goto="coordinator", update=update)
