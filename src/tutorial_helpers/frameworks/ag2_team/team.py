"""The birthday planner rebuilt in AG2 (classic ``import autogen``, ag2 0.14): ``--framework ag2``.

The same team as :mod:`tutorial_helpers.planning.native`, written the AG2 way:

* every role is a ``ConversableAgent`` with its own system prompt (:mod:`tutorial_helpers.prompts`)
  and its own ``LLMConfig`` (:func:`tutorial_helpers.llm.ag2_llm_config`, labelled for the usage meter);
* they talk in one ``GroupChat`` whose next speaker is chosen by a plain Python function that walks a
  finite-state graph (:data:`TRANSITIONS`): user -> extractor -> retriever (<-> tool_executor) ->
  gift / cake / venue specialists -> coordinator -> explainer. No model call is spent on choosing
  who speaks;
* the shared catalog tools are registered with ``register_function(f, caller=retriever,
  executor=tool_executor)``: the retriever proposes calls, the tool executor runs them;
* prompts that depend on earlier turns (the options a specialist chooses from) are filled just before
  the agent speaks with ``UpdateSystemMessage``; specialists and the explainer see only the user's
  request (``TransformMessages`` + ``MessageHistoryLimiter``), not the whole transcript;
* the coordinator consults the critic in a nested chat (``register_nested_chats``): when the group
  hands it the floor, the critic asks it for a plan, reviews it (with the deterministic checks in its
  prompt) and the coordinator revises until the critic approves or the rounds run out. The group
  sees only the outcome.

The deterministic guardrail has the last word (:func:`tutorial_helpers.planners.plan_text`). If a model
call fails (rate limit, server error, malformed output), the chat stops there and the plan is finished
from what the transcript already holds, with a warning: nothing invalid is shown as valid.

Where the idiom differs from the shared shape (extractor, retriever, gift / cake / venue specialists,
coordinator, critic, explainer; ``MAX_TOOL_ROUNDS`` tool rounds; ``run(text, request) -> FrameworkRun``):
one extra agent, the ``tool_executor`` (AG2 separates proposing a tool call from running it); the
critic is not a group member but the coordinator's nested chat; who speaks next is a Python function
(AG2's custom speaker selection), not a model.

Example::

    from tutorial_helpers.frameworks import ag2_team
    run = ag2_team.run(text, request)        # plan + trace + usage per agent
    plan = ag2_team.plan(text, request)      # what plan_text(..., framework="ag2") calls
"""

# No ``from __future__ import annotations`` here: AG2's ``UpdateSystemMessage`` inspects the return
# annotation of the callables it is given and wants the real ``str`` type, not the string "str".

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from pydantic import BaseModel, ValidationError

import tutorial_helpers.llm  # noqa: F401  (switches framework telemetry off before autogen is imported)
from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem
from tutorial_helpers.planning import pipeline
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.candidates import effective_guests, optional_categories, required_categories
from tutorial_helpers.planning.guardrail import validate_plan
from tutorial_helpers.planning.pipeline import (
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

#: the shared tools the retriever may call (the same Python functions every framework uses)
RETRIEVAL_TOOLS = pipeline.RETRIEVAL_TOOLS
#: the categories that have their own specialist agent; the coordinator covers the others
SPECIALIST_CATEGORIES = pipeline.SPECIALIST_CATEGORIES
#: how many times the retriever may speak (each turn may hold several tool calls)
MAX_TOOL_ROUNDS = pipeline.MAX_TOOL_ROUNDS
#: propose -> review rounds inside the coordinator's nested chat with the critic
REVIEW_ROUNDS = 1

#: who may speak after whom: the finite-state graph the speaker-selection function walks
TRANSITIONS: dict[str, list[str]] = {
    "user": ["extractor"],
    "extractor": ["retriever"],
    "retriever": ["tool_executor", "gift_specialist"],
    "tool_executor": ["retriever", "gift_specialist"],
    "gift_specialist": ["cake_specialist"],
    "cake_specialist": ["venue_specialist"],
    "venue_specialist": ["coordinator"],
    "coordinator": ["explainer"],
    "explainer": [],
}

#: the topology for drawing (``tutorial_helpers.display.agent_graph(**AGENT_GRAPH)``)
AGENT_GRAPH: dict[str, Any] = {
    "nodes": ["user", "extractor", "retriever", "tool_executor", "gift_specialist", "cake_specialist",
              "venue_specialist", "coordinator", "critic", "explainer"],
    "edges": [
        ("user", "extractor", "request text"),
        ("extractor", "retriever", "ExtractedRequest"),
        ("retriever", "tool_executor", "tool calls"),
        ("tool_executor", "retriever", "tool results"),
        ("retriever", "gift_specialist", "candidates"),
        ("gift_specialist", "cake_specialist", "gift pick"),
        ("cake_specialist", "venue_specialist", "cake pick"),
        ("venue_specialist", "coordinator", "venue pick"),
        ("coordinator", "critic", "nested chat: proposal"),
        ("critic", "coordinator", "APPROVED / problems"),
        ("coordinator", "explainer", "Selection"),
    ],
}

ROLES = ("extractor", "retriever", "gift_specialist", "cake_specialist", "venue_specialist", "coordinator",
         "critic", "explainer")


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # multimodal parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _parse(model: type[BaseModel], text: str) -> Any:
    """``model`` parsed from an agent's JSON reply, or None when the reply is not that JSON."""
    try:
        return model.model_validate_json(text)
    except (ValidationError, ValueError):
        return None


#: LLMConfigs by (provider, base URL, model, agent, response format, seed), shared by the planners of a process
_LLM_CONFIGS: dict[tuple[Any, ...], Any] = {}


class _Quiet:
    """An AG2 output stream that prints nothing (the trace is built from the transcript instead)."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Drop console output."""

    def send(self, message: Any) -> None:
        """Drop structured events."""

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Never asked (every agent runs with ``human_input_mode="NEVER"``)."""
        return ""


@dataclass
class _Failure:
    agent: str
    error: str


class AG2Team:
    """The AG2 team for one request. ``run(text, request)`` returns a :class:`FrameworkRun`.

    Args:
        provider: provider name or :class:`~tutorial_helpers.llm.Provider` (default: from settings).
        seed: passed to every model call.
        catalog: the catalog (default: the shipped one).
        review_rounds: propose -> review rounds in the coordinator's nested chat with the critic.
        verbose: let AG2 print its own console log of the chat (default: quiet).
        resumes: how many times a chat stopped by a failed model call is resumed from its transcript.
    """

    def __init__(self, provider: Any = None, seed: int = 0, catalog: Any = None,
                 review_rounds: int = REVIEW_ROUNDS, verbose: bool = False, resumes: int = 2) -> None:
        from tutorial_helpers.llm import UsageMeter, get_provider

        if catalog is None:  # the run's catalog (plan_text(catalog=...), --catalog), else the shipped one
            from tutorial_helpers.tools.state import get_catalog

            catalog = get_catalog()
        self.catalog = catalog
        self.provider = get_provider(provider)
        self.model = self.provider.model_large
        self.seed = seed
        self.review_rounds = max(1, review_rounds)
        self.verbose = verbose
        self.resumes = max(0, resumes)
        self.meter = UsageMeter("ag2")
        self.warnings: list[str] = []
        self.validated: BirthdayRequest | None = None
        self.text = ""
        self.groupchat: Any = None
        self.agents: dict[str, Any] = {}
        self._cache: dict[tuple[str, int], Any] = {}
        #: the agent that has the floor (the one whose model call failed, when one does)
        self.speaking = "extractor"

    # -- the shared state, read from the transcript ------------------------------------------------
    def _messages(self) -> list[dict[str, Any]]:
        return list(self.groupchat.messages) if self.groupchat is not None else []

    def _said(self, agent: str) -> list[str]:
        return [_content(m) for m in self._messages() if m.get("name") == agent and _content(m)]

    def _cached(self, key: str, compute: Any) -> Any:
        """``compute()``, remembered until the transcript grows (the state only changes when someone speaks)."""
        stamp = (key, len(self._messages()))
        if stamp not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[1] == stamp[1]}
            self._cache[stamp] = compute()
        return self._cache[stamp]

    def request(self) -> BirthdayRequest:
        """The validated request, plus what the extractor agent added (more allergens, interests, name)."""
        assert self.validated is not None
        validated = self.validated

        def compute() -> BirthdayRequest:
            said = self._said("extractor")
            extracted = _parse(ExtractedRequest, said[-1]) if said else None
            return merge_requests(validated, extracted)[0]
        return self._cached("request", compute)

    def categories(self) -> list[str]:
        """The categories this plan needs (required first)."""
        return plan_categories(self.request())

    def found_ids(self) -> list[str]:
        """Every catalog id that came back from a tool call in the group chat."""
        out: list[str] = []
        for m in self._messages():
            if m.get("role") == "tool" or m.get("tool_responses"):
                for r in m.get("tool_responses") or [m]:
                    out += ids_in(_content(r))
        return out

    def candidates(self, warnings: list[str] | None = None) -> dict[str, list[CatalogItem]]:
        """The retriever's findings, grounded: tool-returned ids that meet every hard constraint.

        Args:
            warnings: receives a note for each category the tools returned nothing valid for.
        """
        notes: list[str] = []
        found = self._cached("candidates", lambda: (
            ground_candidates(self.request(), self.found_ids(), self.catalog, self.categories(), notes), notes))
        if warnings is not None:
            warnings += [n for n in found[1] if n not in warnings]
        return {c: list(items) for c, items in found[0].items()}

    def specialist_picks(self) -> dict[str, str]:
        """``category -> item id`` chosen by each specialist (only ids among the options count)."""
        cands = self.candidates()
        picks: dict[str, str] = {}
        for cat in SPECIALIST_CATEGORIES:
            said = self._said(f"{cat}_specialist")
            sel = _parse(Selection, said[-1]) if said else None
            allowed = {i.id for i in cands.get(cat, [])}
            for ch in (sel.choices if sel else []):
                if ch.item_id in allowed:
                    picks[cat] = ch.item_id
                    break
        return picks

    # -- system messages filled just before an agent speaks (UpdateSystemMessage) -------------------
    def _retriever_prompt(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        req = self.request()
        known = json.dumps(req.model_dump(mode="json", exclude_defaults=True, exclude={"today"}))
        return prompts.render(prompts.RETRIEVER + prompts.KNOWN_NOTE, categories=", ".join(self.categories()),
                              request=known, today=req.today)

    def _specialist_prompt(self, category: str) -> Any:
        def update(agent: Any, messages: list[dict[str, Any]]) -> str:
            req = self.request()
            opts = options_text(req, {category: self.candidates().get(category, [])})
            return prompts.render(prompts.SPECIALIST, category=category, budget=req.budget, options=opts)
        return update

    def _coordinator_prompt(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        req = self.request()
        cands = self.candidates()
        picks = self.specialist_picks()
        for cat, item_id in picks.items():  # the specialist's pick first among its category's options
            cands[cat] = sorted(cands[cat], key=lambda i: i.id != item_id)
        note = "; ".join(f"{c}: {i}" for c, i in picks.items()) or "none"
        return prompts.render(prompts.SELECTOR + prompts.PICKS_NOTE + prompts.REQUEST_NOTE, budget=req.budget,
                              guests=effective_guests(req), options=options_text(req, cands), picks=note,
                              request=req.model_dump_json(exclude_defaults=True, exclude={"today"}))

    def _critic_prompt(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        req = self.request()
        proposal = self._proposal(messages)
        lines = plan_lines(proposal) if proposal is not None else "(no plan proposed yet)"
        checks = ""
        if proposal is not None:
            found = [f"{v.check}: {v.detail}" for v in validate_plan(proposal, req, self.catalog)]
            checks = prompts.CHECKS_NOTE.format(findings="; ".join(found) if found else "no problem found")
        return prompts.render(prompts.CRITIC, request=req.model_dump_json(exclude_defaults=True), plan=lines) + checks

    def _explainer_prompt(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        req = self.request()
        plan = self.assemble([])
        return prompts.render(prompts.EXPLAINER, request=req.model_dump_json(exclude_defaults=True),
                              plan=plan_lines(plan))

    def _proposal(self, messages: list[dict[str, Any]]) -> BirthdayPlan | None:
        """The last plan the coordinator proposed in ``messages`` (its nested chat with the critic)."""
        for m in reversed(messages):
            sel = _parse(Selection, _content(m))
            if sel is not None:
                return plan_from_choices(self.request(), sel.choices, self.candidates(), self.catalog)
        return None

    # -- the team ------------------------------------------------------------------------------
    def _llm(self, agent: str, response_format: type[BaseModel] | None = None) -> Any:
        """The agent's ``LLMConfig``: its HTTP client labels each call with ``agent`` for the usage meter.

        Configs are shared by every planner of the process (building an HTTP client costs ~30 ms); the
        planner's own meter receives the calls because :meth:`converse` activates it.
        """
        from tutorial_helpers.llm import ag2_llm_config

        p = self.provider
        key = (p.name, p.base_url, p.model_large, agent, response_format, self.seed)
        if key not in _LLM_CONFIGS:
            extra = {"response_format": response_format} if response_format is not None else {}
            _LLM_CONFIGS[key] = ag2_llm_config("large", p, agent=agent, seed=self.seed, **extra)
        return _LLM_CONFIGS[key]

    def build(self) -> tuple[Any, Any]:
        """Create the agents, register the tools and the nested chat; return ``(user, manager)``."""
        from autogen import ConversableAgent, GroupChat, GroupChatManager, UpdateSystemMessage, register_function
        from autogen.agentchat.contrib.capabilities.transform_messages import TransformMessages
        from autogen.agentchat.contrib.capabilities.transforms import MessageHistoryLimiter

        from tutorial_helpers import tools

        req = self.validated
        assert req is not None
        today = req.today.isoformat() if req.today else "unknown"
        quiet = {"human_input_mode": "NEVER"}
        user = ConversableAgent("user", llm_config=False, description="The parent who asks for the plan.", **quiet)
        extractor = ConversableAgent(
            "extractor", system_message=prompts.render(prompts.EXTRACTOR, today=today),
            llm_config=self._llm("extractor", response_format=ExtractedRequest), **quiet)
        retriever = ConversableAgent(
            "retriever", system_message=prompts.render(prompts.RETRIEVER, categories="", today=today),
            llm_config=self._llm("retriever"),
            update_agent_state_before_reply=[UpdateSystemMessage(self._retriever_prompt)],
            **quiet)
        executor = ConversableAgent("tool_executor", llm_config=False, description="Runs the catalog tools.", **quiet)
        for name in RETRIEVAL_TOOLS:
            fn = tools.REGISTRY[name]
            description = tools.openai_schema(fn)["function"]["description"]
            register_function(fn, caller=retriever, executor=executor, name=name, description=description)
        specialists = [
            ConversableAgent(
                f"{cat}_specialist", system_message=prompts.SPECIALIST,
                llm_config=self._llm(f"{cat}_specialist", response_format=Selection),
                update_agent_state_before_reply=[UpdateSystemMessage(self._specialist_prompt(cat))], **quiet)
            for cat in SPECIALIST_CATEGORIES
        ]
        coordinator = ConversableAgent(
            "coordinator", system_message=prompts.SELECTOR,
            llm_config=self._llm("coordinator", response_format=Selection),
            update_agent_state_before_reply=[UpdateSystemMessage(self._coordinator_prompt)],
            is_termination_msg=lambda m: _content(m).strip().upper().startswith("APPROVED"), **quiet)
        critic = ConversableAgent(
            "critic", system_message=prompts.CRITIC, llm_config=self._llm("critic"),
            update_agent_state_before_reply=[UpdateSystemMessage(self._critic_prompt)], **quiet)
        explainer = ConversableAgent(
            "explainer", system_message=prompts.EXPLAINER, llm_config=self._llm("explainer"),
            update_agent_state_before_reply=[UpdateSystemMessage(self._explainer_prompt)], **quiet)
        # specialists and the explainer read their options / the plan from their system message: they
        # only need the user's own words, not the whole transcript (fewer tokens, no distraction)
        for agent in (*specialists, explainer):
            limiter = MessageHistoryLimiter(max_messages=1, keep_first_message=True)
            TransformMessages(transforms=[limiter], verbose=self.verbose).add_to_agent(agent)

        agents = [user, extractor, retriever, executor, *specialists, coordinator, explainer]
        self.agents = {a.name: a for a in [*agents, critic]}
        self.groupchat = GroupChat(agents=agents, messages=[], max_round=24, speaker_selection_method=self.next_speaker)
        manager = GroupChatManager(self.groupchat, llm_config=False, name="manager", **quiet)

        # the coordinator consults the critic: when the manager hands it the floor, a nested chat runs
        # (critic asks for a plan, coordinator proposes, critic reviews, coordinator revises ...) and its
        # summary, the last proposal, is what the coordinator says in the group
        def last_proposal(sender: Any, recipient: Any, summary_args: dict[str, Any]) -> str:
            said = [_content(m) for m in sender.chat_messages[recipient] if m.get("name") == "coordinator"]
            return said[-1] if said else ""

        coordinator.register_nested_chats(
            [{"sender": critic, "recipient": coordinator, "max_turns": self.review_rounds + 1,
              "message": "Please propose the plan: one item per category from your options. I will check it.",
              "summary_method": last_proposal, "silent": True}],
            trigger=manager,
        )
        return user, manager

    def converse(self, user: Any, manager: Any, text: str) -> list[_Failure]:
        """Run the group chat; after a failed model call, resume it from the transcript (``manager.resume``).

        Returns:
            The failures seen. After ``self.resumes`` resumptions the chat is left where it stopped
            and :meth:`assemble` finishes the plan from what the transcript holds.
        """
        from autogen.io import IOStream

        failures: list[_Failure] = []
        for attempt in range(self.resumes + 1):
            try:
                with self.meter.active(), IOStream.set_default(None if self.verbose else _Quiet()):
                    if attempt == 0:
                        user.initiate_chat(manager, message=text, silent=not self.verbose)
                    else:
                        last_agent, last_message = manager.resume(messages=list(self.groupchat.messages), silent=True)
                        last_agent.initiate_chat(manager, message=last_message, clear_history=False,
                                                 silent=not self.verbose)
                return failures
            # autogen raises TimeoutError
            except (openai.OpenAIError, httpx.HTTPError, ValidationError, ValueError, TimeoutError) as exc:
                speaker = self.speaking
                failures.append(_Failure(agent=speaker, error=f"{type(exc).__name__}: {str(exc)[:200]}"))
                what = ("resumed the group chat" if attempt < self.resumes
                        else "finished the plan from what the team had")
                self.warnings.append(f"A model call of the {speaker} failed ({type(exc).__name__}); {what}.")
                if attempt >= self.resumes:
                    note_fallback(str(speaker), f"failed ({type(exc).__name__}); {what}")
        return failures

    def next_speaker(self, last_speaker: Any, groupchat: Any) -> Any:
        """The speaker-selection policy: follow :data:`TRANSITIONS`, skipping what is not needed.

        * after the retriever: the tool executor when it asked for tools, else the specialists;
        * after the tool executor: back to the retriever while some category has no valid candidate from
          the tools yet (at most ``MAX_TOOL_ROUNDS`` turns), else on to the specialists;
        * specialists whose category the plan does not need are skipped;
        * after the explainer: ``None`` ends the chat.
        """
        agents = {a.name: a for a in groupchat.agents}
        name = last_speaker.name
        last = groupchat.messages[-1] if groupchat.messages else {}
        if name == "retriever":
            nxt = "tool_executor" if last.get("tool_calls") else "gift_specialist"
        elif name == "tool_executor":
            turns = sum(1 for m in groupchat.messages if m.get("name") == "retriever")
            missing: list[str] = []
            self.candidates(missing)  # notes one line per category the tools found nothing valid for
            nxt = "retriever" if missing and turns < MAX_TOOL_ROUNDS else "gift_specialist"
        else:
            options = TRANSITIONS.get(name, [])
            nxt = options[0] if options else None
        needed = set(self.categories())
        while nxt is not None and nxt.endswith("_specialist") and nxt.removesuffix("_specialist") not in needed:
            nxt = TRANSITIONS[nxt][0]
        self.speaking = nxt or self.speaking
        return agents[nxt] if nxt else None

    # -- from the transcript to a plan ------------------------------------------------------------
    def final_selection(self) -> Selection | None:
        """What the coordinator said in the group (the outcome of its review with the critic)."""
        said = self._said("coordinator")
        return _parse(Selection, said[-1]) if said else None

    def assemble(self, warnings: list[str] | None) -> BirthdayPlan:
        """The plan from the coordinator's selection; missing categories from the specialists, then the optimiser."""
        req = self.request()
        cands = self.candidates(warnings)
        sel = self.final_selection()
        choices = [c.item_id for c in sel.choices] if sel else []
        choices += list(self.specialist_picks().values())
        plan = plan_from_choices(req, choices, cands, self.catalog, warnings) if choices else None
        if plan is None or not plan.items:
            if warnings is not None:
                warnings.append("The coordinator chose nothing usable; the reference optimiser chose the plan.")
                note_fallback("coordinator", "chose nothing usable; the reference optimiser chose the plan")
            return assemble_plan(req, cands, self.catalog, required=required_categories(req),
                                 optional=optional_categories(req))
        chosen = {p.category for p in plan.items}
        missing = [c for c in required_categories(req) if c not in chosen]
        if missing and warnings is not None:
            warnings.append(f"The team's plan has no {', '.join(missing)}; the guardrail adds what is required.")
        return plan

    @clock.on_request_day
    def run(self, text: str, request: BirthdayRequest) -> FrameworkRun:
        """Run the group chat on ``text`` and turn its transcript into a plan (before the guardrail)."""

        t0 = time.perf_counter()
        self.text, self.validated = text, request
        user, manager = self.build()
        failures = self.converse(user, manager, text)
        req = self.request()
        merged_notes = merge_requests(request, _parse(ExtractedRequest, (self._said("extractor") or [""])[-1]))[1]
        self.warnings += merged_notes
        plan = self.assemble(self.warnings)
        explanation = (self._said("explainer") or [""])[-1]
        usage = self.meter.summary()
        usage.wall_s = round(time.perf_counter() - t0, 4)
        plan = finish_plan(plan, req, self.catalog, framework="ag2", provider=self.provider.name, model=self.model,
                           explanation=explanation, warnings=self.warnings, usage=usage)
        trace = self.trace()
        trace += [Step(f.agent, "failed", f.error) for f in failures]
        return FrameworkRun(plan=plan, trace=trace, per_agent=self.meter.by_agent())

    # -- the trace -----------------------------------------------------------------------------------
    def trace(self) -> list[Step]:
        """Who did what, in order, including the coordinator's nested chat with the critic."""
        steps: list[Step] = []
        for m in self._messages():
            name = m.get("name") or m.get("role") or "?"
            if m.get("tool_calls"):
                for call in m["tool_calls"]:
                    fn = call.get("function", {})
                    steps.append(Step(name, f"tool {fn.get('name')}", str(fn.get("arguments", ""))[:300]))
                continue
            if m.get("tool_responses") or m.get("role") == "tool":
                n = len(m.get("tool_responses") or [m])
                found = len(set(ids_in(_content(m))))
                steps.append(Step(name, "ran tools", f"{n} result(s), {found} catalog ids"))
                continue
            if name == "coordinator":
                steps += self._review_steps()
            action = {"user": "asked", "extractor": "extracted", "retriever": "summarised",
                      "coordinator": "decided", "explainer": "explained"}.get(name, "chose")
            steps.append(Step(name, action, _content(m)[:300]))
        return steps

    def _review_steps(self) -> list[Step]:
        critic, coordinator = self.agents.get("critic"), self.agents.get("coordinator")
        if critic is None or coordinator is None:
            return []
        out = []
        for i, m in enumerate(critic.chat_messages.get(coordinator, [])):
            who = m.get("name") or ("critic" if i == 0 else "?")
            action = "proposed" if who == "coordinator" else ("asked for a plan" if i == 0 else "reviewed")
            out.append(Step(who, f"{action} (nested chat)", _content(m)[:300]))
        return out


def run(text: str, request: BirthdayRequest, *, provider: Any = None, seed: int = 0) -> FrameworkRun:
    """Run the AG2 team: the plan (before the guardrail), the trace and the usage per agent."""
    return AG2Team(provider=provider, seed=seed).run(text, request)


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``ag2`` framework entry point (see :mod:`tutorial_helpers.planners`)."""
    return run(text, request, provider=provider, seed=seed).plan


