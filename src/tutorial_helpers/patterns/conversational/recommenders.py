"""Conversational recommenders behind one interface: MACRS, its ablations and the baselines.

Every recommender has ``start(today, max_turns)`` and ``respond(user_text) -> AssistantTurn``:

* ``macrs``: ask / chit-chat / recommend responders in parallel (``asyncio.gather``), a planner that
  picks one act with structured output, information-level reflection (the profile) every turn,
  a feedback classifier after each recommendation and strategy-level reflection on rejection;
  the recommend responder retrieves through the shared catalog tools and the guardrail checks its
  plan against what is known so far (beyond the write-up, which recommends from model memory);
* ``macrs-no-reflection`` and one ablation per component (``macrs-no-info-reflection``,
  ``macrs-no-strategy-reflection``, ``macrs-no-classifier``, ``macrs-no-chitchat``) and
  ``macrs-llm-only`` (the write-up's setting: recommendations from the model's memory, no catalog);
* ``single-agent``: one model call per turn decides the act and writes it;
* ``form-filler``: asks every missing fact (allergies included), then recommends;
* ``recommend-first``: recommends at once, then repairs from the feedback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import CATEGORIES, BirthdayPlan, BirthdayRequest, PlanItem
from tutorial_helpers.patterns.conversational.llm_calls import AgentLLM, run_sync
from tutorial_helpers.patterns.conversational.memory import (
    FIELD_WORDS,
    FeedbackVerdict,
    PlannerDecision,
    ProfileUpdate,
    Suggestions,
    WorkingMemory,
    missing_fields,
    profile_from_update,
)

ERRORS: tuple[type[BaseException], ...] = (ValidationError, ValueError, json.JSONDecodeError)
try:  # openai errors degrade a step, never a conversation
    import openai

    ERRORS = (*ERRORS, openai.OpenAIError)
except ImportError:  # pragma: no cover
    pass


@dataclass
class AssistantTurn:
    """One assistant turn: the act, the words, the plan (for a recommendation) and what led to it."""

    act: str
    text: str
    plan: BirthdayPlan | None = None
    details: dict[str, Any] = field(default_factory=dict)


def plan_text(plan: BirthdayPlan, who: str | None = None) -> str:
    """A recommendation in words, every item with its catalog id and price."""
    lines = [f"- {p.category}: {p.name} ({p.id}), ${p.subtotal:,.2f}" for p in plan.items]
    head = f"How about this for {who}:" if who else "How about this:"
    return head + "\n" + "\n".join(lines) + f"\nTotal: ${plan.total_cost:,.2f}."


def _categories(request: BirthdayRequest) -> list[str]:
    from tutorial_helpers.planning.pipeline import plan_categories

    return plan_categories(request)


async def grounded_recommendation(llm: AgentLLM, mem: WorkingMemory, request: BirthdayRequest, agent: str = "recommend",
                                  suggestion: str = "") -> tuple[str, BirthdayPlan | None, int]:
    """The recommend responder: catalog tools, a selection among grounded options, the guardrail.

    Returns ``(text, plan or None, tool calls)``; the plan has passed the guardrail against what is
    known (``request``), items the user rejected are left out.
    """
    from tutorial_helpers import tools
    from tutorial_helpers.planning.guardrail import guard
    from tutorial_helpers.planning.pipeline import (
        RETRIEVAL_TOOLS,
        Selection,
        ground_candidates,
        ids_in,
        options_text,
        plan_from_choices,
    )
    from tutorial_helpers.planning.reference import assemble_plan, effective_guests

    catalog = tools.get_catalog()
    cats = _categories(request)
    system = prompts.MACRS_RECOMMEND.format(categories=", ".join(cats),
                                            profile=json.dumps(request.model_dump(mode="json", exclude_defaults=True)),
                                            avoid=", ".join(mem.rejected_ids) or "none",
                                            suggestion=suggestion or "none",
                                            today=mem.today.isoformat())
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}, *mem.window()]
    found: list[str] = []
    n_tools = 0
    try:
        resp = await llm.chat(agent, messages, tools=tools.openai_tools(list(RETRIEVAL_TOOLS)), tool_choice="auto")
        with tools.today_as(mem.today):
            for call in resp.choices[0].message.tool_calls or []:
                result, _error = tools.call_tool(call.function.name, call.function.arguments)
                n_tools += 1
                found += ids_in(result)
    except ERRORS:
        pass
    candidates = ground_candidates(request, found, catalog, cats)
    candidates = {c: [i for i in items if i.id not in mem.rejected_ids] for c, items in candidates.items()}
    plan: BirthdayPlan | None = None
    try:
        sel = await llm.parse(agent, [{"role": "system", "content": prompts.SELECTOR.format(
            budget=f"${request.budget:,.2f}" if request.budget else "not given", guests=effective_guests(request),
            options=options_text(request, candidates))}], Selection)
        plan = plan_from_choices(request, sel.choices, candidates, catalog)
    except ERRORS:
        plan = None
    if plan is None or not plan.items:
        plan = assemble_plan(request, candidates, catalog)  # the reference optimiser over the same options
    plan = guard(plan, request, catalog)
    if not plan.feasible or plan.violations or not plan.items:
        # the model's shortlist could not be repaired: the reference optimiser over the catalog's best matches
        pool = {c: [i for i in items if i.id not in mem.rejected_ids]
                for c, items in ground_candidates(request, [], catalog, cats).items()}
        plan = guard(assemble_plan(request, pool, catalog), request, catalog)
        plan.warnings.append("fallback: the reference optimiser replaced the selection")
    if plan.feasible and not plan.violations and plan.items:
        from tutorial_helpers.planning.reference import explain_plan

        plan.explanation = explain_plan(request, plan)  # after the guardrail's swaps, not before
    if not plan.feasible or plan.violations or not plan.items:
        return "I could not find catalog items that meet everything yet. Could you tell me more?", None, n_tools
    return plan_text(plan, request.recipient_name), plan, n_tools


def parse_invented_items(text: str, request: BirthdayRequest) -> BirthdayPlan | None:
    """Lines "- category: name, $price" of an ungrounded recommendation as a plan (ids ``llm-...``)."""
    items = []
    for m in re.finditer(r"^\s*-\s*(\w+)\s*:\s*(.+?),\s*\$\s?([\d,]+(?:\.\d+)?)", text, re.M):
        cat = m.group(1).lower()
        if cat not in CATEGORIES or cat in {p.category for p in items}:
            continue
        price = float(m.group(3).replace(",", ""))
        items.append(PlanItem(id=f"llm-{cat}-{len(items) + 1}", category=cat, name=m.group(2).strip(), unit_price=price,
                              pricing="flat", quantity=1, subtotal=price, why="suggested from the model's memory"))
    if not items:
        return None
    plan = BirthdayPlan(feasible=True, request=request, items=items)
    plan.recompute_total()
    return plan


class ConversationalRecommender:
    """The common interface. Subclasses implement :meth:`_respond` (a coroutine)."""

    name = "base"

    def __init__(self, provider: Any = None, seed: int = 0, llm: AgentLLM | None = None) -> None:
        self.llm = llm or AgentLLM(provider, seed)
        self.mem = WorkingMemory(today=dt.date(2026, 1, 1))  # a placeholder: start() sets the conversation's today

    def start(self, today: Any, max_turns: int = 6) -> None:
        """Begin a new conversation on ``today`` (the persona's date, never the wall clock)."""
        day = clock.as_date(today)
        self.mem = WorkingMemory(today=day, max_turns=max_turns)
        self.llm.reset()

    def respond(self, user_text: str) -> AssistantTurn:
        """The assistant's next turn after ``user_text``."""
        self.mem.dialogue.append({"role": "user", "content": user_text})
        self.mem.turn_count += 1
        turn = run_sync(self._respond(user_text))
        self.mem.dialogue.append({"role": "assistant", "content": turn.text})
        self.mem.act_history.append(turn.act)
        if turn.plan is not None:
            self.mem.last_plan = turn.plan
        turn.details.setdefault("profile", self.mem.request().model_dump(mode="json", exclude_defaults=True))
        return turn

    async def _respond(self, user_text: str) -> AssistantTurn:  # pragma: no cover - abstract
        raise NotImplementedError

    def usage(self) -> dict[str, Any]:
        """Calls, tokens and cost of the current conversation."""
        return self.llm.usage()

    # -- shared agents ----------------------------------------------------------------------------
    async def reflect_information(self) -> None:
        """Information-level reflection: the profile from the whole conversation (one structured call)."""
        msgs = [{"role": "system", "content": prompts.INFO_REFLECTION.format(today=self.mem.today.isoformat())},
                *self.mem.dialogue]
        try:
            upd = await self.llm.parse("info_reflection", msgs, ProfileUpdate)
        except ERRORS:
            return
        self.mem.profile = profile_from_update(upd, self.mem.today, self.mem.profile)
        self.mem.profile_history.append(self.mem.profile.model_dump(mode="json", exclude_defaults=True))

    async def ask(self, missing: list[str], suggestion: str = "") -> str:
        """The asking responder: one question about the most important missing detail."""
        words = ", ".join(FIELD_WORDS.get(f, f.replace("avoid_allergens", "allergies")) for f in missing) or "nothing"
        system = prompts.MACRS_ASK.format(missing=words, profile=self.mem.profile_text(),
                                          suggestion=suggestion or "none",
                                          today=self.mem.today.isoformat())
        try:
            return await self.llm.text("ask", [{"role": "system", "content": system}, *self.mem.window()])
        except ERRORS:
            return "Could you tell me a bit more about the birthday person?"

    async def chitchat(self, suggestion: str = "") -> str:
        """The chit-chat responder."""
        system = prompts.MACRS_CHITCHAT.format(profile=self.mem.profile_text(), suggestion=suggestion or "none",
                                               today=self.mem.today.isoformat())
        try:
            return await self.llm.text("chitchat", [{"role": "system", "content": system}, *self.mem.window()])
        except ERRORS:
            return "How lovely to celebrate!"


class MACRS(ConversationalRecommender):
    """The multi-agent conversational recommender (see the module docstring); switches for ablations.

    Args:
        info_reflection: update the profile every turn (off: agents read only the last messages).
        strategy_reflection: on rejection, reflect and write one suggestion per agent.
        classifier: label each reaction to a recommendation (off: no rejection is noticed as such).
        chitchat: run the chit-chat responder (off: the planner chooses between ask and recommend).
        grounded: recommend through the catalog tools and the guardrail (off: from the model's memory).
    """

    def __init__(self, provider: Any = None, seed: int = 0, *, info_reflection: bool = True,
                 strategy_reflection: bool = True,
                 classifier: bool = True, chitchat: bool = True, grounded: bool = True, name: str = "macrs",
                 llm: AgentLLM | None = None) -> None:
        super().__init__(provider, seed, llm)
        self.info_reflection, self.strategy_reflection = info_reflection, strategy_reflection
        self.classifier, self.use_chitchat, self.grounded = classifier, chitchat, grounded
        self.name = name

    async def _window_request(self) -> BirthdayRequest:
        """Without a profile: what the recent messages say (the responder reads only those)."""
        msgs = [{"role": "system", "content": prompts.INFO_REFLECTION.format(today=self.mem.today.isoformat())},
                *self.mem.window()]
        try:
            return profile_from_update(await self.llm.parse("recommend", msgs, ProfileUpdate), self.mem.today)
        except ERRORS:
            return BirthdayRequest(today=self.mem.today)

    async def recommend(self) -> tuple[str, BirthdayPlan | None]:
        """The recommending responder (grounded, or from memory when ``grounded`` is off)."""
        request = self.mem.profile if self.info_reflection and self.mem.profile else await self._window_request()
        if not self.grounded:
            system = prompts.MACRS_RECOMMEND_UNGROUNDED.format(categories=", ".join(_categories(request)),
                                                               profile=json.dumps(request.model_dump(
                                                                   mode="json", exclude_defaults=True)),
                                                               suggestion=(self.mem.suggestions.for_recommender
                                                                           or "none"),
                                                               today=self.mem.today.isoformat())
            try:
                text = await self.llm.text("recommend", [{"role": "system", "content": system}, *self.mem.window()])
            except ERRORS:
                return "I have no idea yet.", None
            return text, parse_invented_items(text, request)
        text, plan, _ = await grounded_recommendation(self.llm, self.mem, request,
                                                      suggestion=self.mem.suggestions.for_recommender)
        return text, plan

    async def classify(self, user_text: str) -> str:
        """The feedback classifier's label for the reaction to our last recommendation."""
        rec = plan_text(self.mem.last_plan) if self.mem.last_plan else "(none)"
        msgs = [{"role": "system", "content": prompts.FEEDBACK_CLASSIFIER.format(recommendation=rec,
                                                                                 today=self.mem.today.isoformat())},
                {"role": "user", "content": user_text}]
        try:
            return (await self.llm.parse("feedback_classifier", msgs, FeedbackVerdict)).label
        except ERRORS:
            return "UNCLEAR"

    async def reflect_strategy(self, user_text: str) -> None:
        """Strategy-level reflection: why the recommendation failed, one suggestion per agent."""
        plan = self.mem.last_plan
        if plan is None:
            return
        lines = "\n".join(f"- {p.category}: {p.id} {p.name} ${p.subtotal:,.2f}" for p in plan.items)
        msgs = [{"role": "system", "content": prompts.STRATEGY_REFLECTION.format(plan=lines,
                                                                                 profile=self.mem.profile_text(),
                                                                                 today=self.mem.today.isoformat())},
                *self.mem.window(4)]
        try:
            diagnosis = await self.llm.text("strategy_reflection", msgs)
        except ERRORS:
            diagnosis = ""
        low = (diagnosis + " " + user_text).lower()
        named = [p.id for p in plan.items if p.id in low or p.name.lower() in low]
        said = user_text.lower()
        bad = named or [p.id for p in plan.items if re.search(r"\bthe " + p.category + r"\b", said)]
        self.mem.rejected_ids += [i for i in bad if i not in self.mem.rejected_ids]
        self.mem.reflections.append(diagnosis)
        reason = user_text.strip()
        self.mem.suggestions = Suggestions(
            for_asker="The user rejected our plan (" + reason + "). Ask about what could explain it "
                      "before recommending again.",
            for_chitchat="Acknowledge the rejection kindly and show you listened.",
            for_recommender=(("Do not offer " + ", ".join(bad) + " again. " if bad else "")
                             + (diagnosis.replace("\n", " ")[:400] or reason)),
            for_planner="The last recommendation was rejected: " + reason,
        )

    async def _respond(self, user_text: str) -> AssistantTurn:
        mem = self.mem
        label = None
        if mem.act_history and mem.act_history[-1] == "recommend" and self.classifier:
            label = await self.classify(user_text)
            mem.feedback.append(label)
        if self.info_reflection:
            await self.reflect_information()
        if label == "REJECT" and self.strategy_reflection:
            await self.reflect_strategy(user_text)
        missing = mem.missing()
        s = mem.suggestions
        jobs = [self.ask(missing, s.for_asker), self.chitchat(s.for_chitchat) if self.use_chitchat else _none(),
                self.recommend()]
        ask_text, chit_text, (rec_text, plan) = await asyncio.gather(*jobs)
        mem.candidates = {"ask": ask_text, "chitchat": chit_text or "", "recommend": rec_text}
        options = ["ask", "recommend"] if not self.use_chitchat else ["ask", "chitchat", "recommend"]
        system = prompts.MACRS_PLANNER.format(
            missing=((", ".join(FIELD_WORDS.get(f, f) for f in missing) or "nothing") if mem.profile is not None
                     else "see the dialogue"),
            turn=mem.turn_count, max_turns=mem.max_turns, suggestion=s.for_planner or "none",
            profile=mem.profile_text(),
            acts=", ".join(mem.act_history) or "none", ask=ask_text, chitchat=chit_text or "(not available)",
            recommend=rec_text,
            today=mem.today.isoformat())
        try:
            decision = await self.llm.parse("planner", [{"role": "system", "content": system}, *mem.window(4)],
                                            PlannerDecision)
            act, reasoning, why = decision.decision, decision.reasoning, decision.justification
        except ERRORS:
            act, reasoning, why = (("recommend" if plan is not None and not missing else "ask"),
                                   "planner failed", "fallback rule")
        if act not in options:
            act = "ask"
        if act == "recommend" and plan is None:  # never show a recommendation that is not grounded and checked
            act, why = "ask", why + " (no valid plan yet, so we ask)"
        text = mem.candidates[act]
        if act == "ask" and missing:
            mem.ask_counts[missing[0]] = mem.ask_counts.get(missing[0], 0) + 1
        return AssistantTurn(act, text, plan if act == "recommend" else None, {
            "candidates": dict(mem.candidates), "reasoning": reasoning, "justification": why, "feedback_label": label,
            "suggestions": vars(mem.suggestions).copy(), "missing": missing})


async def _none() -> str:
    return ""


class SingleAgent(ConversationalRecommender):
    """One agent, one call per turn: it decides the act and writes it; its plan still passes the guardrail."""

    name = "single-agent"

    async def _respond(self, user_text: str) -> AssistantTurn:
        from tutorial_helpers import tools
        from tutorial_helpers.extraction import extract_conversation
        from tutorial_helpers.planning.guardrail import guard
        from tutorial_helpers.tools.loop import ids_in_text

        system = prompts.SINGLE_AGENT.format(today=self.mem.today.isoformat())
        try:
            text = await self.llm.text("single_agent", [{"role": "system", "content": system}, *self.mem.dialogue])
        except ERRORS:
            text = "Could you tell me more?"
        ids = [i for i in ids_in_text(text) if tools.get_catalog().get(i) is not None]
        if ids:
            users = [m["content"] for m in self.mem.dialogue if m["role"] == "user"]
            request = extract_conversation(users, self.mem.today).request
            from tutorial_helpers.planning.reference import effective_guests, why_item

            catalog = tools.get_catalog()
            plan = BirthdayPlan(feasible=True, request=request)
            for i in ids:
                item = catalog.get(i)
                if item.category not in {p.category for p in plan.items}:
                    plan.items.append(PlanItem.from_item(item, effective_guests(request), why=why_item(item, request)))
            plan.recompute_total()
            plan = guard(plan, request, catalog)
            if plan.feasible and not plan.violations and plan.items:
                return AssistantTurn("recommend", plan_text(plan, request.recipient_name), plan, {"raw": text})
            return AssistantTurn("ask", "I could not put together a plan that fits. What could we change?",
                                 None, {"raw": text})
        return AssistantTurn("ask" if "?" in text else "chitchat", text, None, {})


class FormFiller(ConversationalRecommender):
    """Asks every missing fact (allergies included) one by one, then recommends."""

    name = "form-filler"

    async def _respond(self, user_text: str) -> AssistantTurn:
        await self.reflect_information()
        request = self.mem.request()
        missing = self.mem.missing()
        if missing:
            self.mem.ask_counts[missing[0]] = self.mem.ask_counts.get(missing[0], 0) + 1
            return AssistantTurn("ask", await self.ask(missing[:1]), None, {"missing": missing})
        text, plan, _ = await grounded_recommendation(self.llm, self.mem, request)
        return AssistantTurn("recommend" if plan else "ask", text, plan, {})


class RecommendFirst(ConversationalRecommender):
    """Recommends at once with whatever is known, then repairs from the user's feedback."""

    name = "recommend-first"

    async def _respond(self, user_text: str) -> AssistantTurn:
        await self.reflect_information()
        request = self.mem.request()
        text, plan, _ = await grounded_recommendation(self.llm, self.mem, request)
        if plan is None:
            return AssistantTurn("ask", await self.ask(missing_fields(request)[:1]), None, {})
        return AssistantTurn("recommend", text, plan, {})


#: name -> factory(provider, seed)
RECOMMENDERS: dict[str, Any] = {
    "macrs": lambda p, s: MACRS(p, s),
    "macrs-no-reflection": lambda p, s: MACRS(p, s, info_reflection=False, strategy_reflection=False,
                                              name="macrs-no-reflection"),
    "single-agent": lambda p, s: SingleAgent(p, s),
    "form-filler": lambda p, s: FormFiller(p, s),
    "recommend-first": lambda p, s: RecommendFirst(p, s),
}
#: the ablations of notebook 06 (one MACRS component off at a time) and the LLM-only contrast
ABLATIONS: dict[str, Any] = {
    "macrs-no-info-reflection": lambda p, s: MACRS(p, s, info_reflection=False, name="macrs-no-info-reflection"),
    "macrs-no-strategy-reflection": lambda p, s: MACRS(p, s, strategy_reflection=False,
                                                       name="macrs-no-strategy-reflection"),
    "macrs-no-classifier": lambda p, s: MACRS(p, s, classifier=False, name="macrs-no-classifier"),
    "macrs-no-chitchat": lambda p, s: MACRS(p, s, chitchat=False, name="macrs-no-chitchat"),
    "macrs-llm-only": lambda p, s: MACRS(p, s, grounded=False, name="macrs-llm-only"),
}


def make_recommender(name: str, provider: Any = None, seed: int = 0) -> ConversationalRecommender:
    """A recommender by name (:data:`RECOMMENDERS` or :data:`ABLATIONS`)."""
    from tutorial_helpers.domain import InputError

    factory = RECOMMENDERS.get(name) or ABLATIONS.get(name)
    if factory is None:
        raise InputError(
            f"Unknown recommender {name!r}; choose one of {', '.join([*RECOMMENDERS, *ABLATIONS])} or all.")
    return factory(provider, seed)
