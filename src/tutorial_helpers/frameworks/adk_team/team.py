"""The birthday planner rebuilt idiomatically in Google ADK (``--framework adk``).

The same roles as the native team (:mod:`tutorial_helpers.planning.native`), composed the ADK way::

    SequentialAgent "birthday_planner"
      extractor      LlmAgent, output_schema=ExtractedRequest, output_key="extracted"
      retriever      LlmAgent, tools = the shared catalog tools (FunctionTools, or the MCP server)
      specialists    ParallelAgent: gift / cake / venue specialists, each output_key="<category>_choice"
      coordinator    LlmAgent, output_schema=Selection, output_key="selection"
      critic         LlmAgent, output_key="verdict"
      reviser        LlmAgent, runs only when the critic or the guardrail found a problem
      explainer      LlmAgent, output_key="explanation"

Agents talk through **session state**: each writes its answer under its ``output_key`` and the next
one reads it through ``{key}`` placeholders in its instruction (the shared prompts of
:mod:`tutorial_helpers.prompts` are used as ADK templates as they are). **Callbacks** are the guardrails:

* ``after_tool_callback`` drops every search result that is not in the catalog or breaks a hard
  constraint, so the model never sees (and cannot pick) an ungrounded id;
* ``before_model_callback`` caps the retriever's tool rounds and skips model calls that have
  nothing to decide (a specialist without options, a reviser with nothing to fix);
* ``after_model_callback`` replaces malformed structured output, ``on_model_error_callback`` turns a
  failing model into a deterministic fallback (both noted in the plan's warnings);
* ``after_agent_callback`` merges the extracted request, publishes the grounded options, and turns
  the coordinator's choices into a plan, keeping only offered ids and repairing an over-budget plan.

The front door (:func:`tutorial_helpers.planners.plan_text`) runs the shared guardrail at the end.

Where the idiom differs from the shared shape (extractor, retriever, gift / cake / venue specialists,
coordinator, critic, explainer; ``MAX_TOOL_ROUNDS`` tool rounds; ``run(text, request) -> FrameworkRun``):
a ``SequentialAgent`` does not loop back, so the critic's findings go to a separate ``reviser`` agent
(the same coordinator prompt, told the problems) instead of back to the coordinator; the checks that
other teams run between steps are ADK callbacks.

Example::

    from tutorial_helpers.planners import parse_text
    request, _ = parse_text(text, today)
    result = run(text, request)            # FrameworkRun: plan, trace, per-agent usage
    result = run(text, request, use_mcp=True)   # retrieval through the project's MCP server
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import json
import time
import warnings
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import tutorial_helpers.llm  # noqa: F401  (hygiene: telemetry off before ADK / LiteLLM load)
from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem
from tutorial_helpers.planning import pipeline
from tutorial_helpers.planning.audit import note_fallback
from tutorial_helpers.planning.candidates import (
    candidate_pool,
    effective_guests,
    optional_categories,
    required_categories,
)
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

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.llm.providers import Provider

APP_NAME = "birthday_planner"
USER_ID = "parent"
RETRIEVAL_TOOLS = pipeline.RETRIEVAL_TOOLS
SPECIALTIES = ("gift", "cake", "venue")
MAX_TOOL_ROUNDS = pipeline.MAX_TOOL_ROUNDS

#: the topology, for diagrams: nodes, and (from, to, label) edges
AGENT_GRAPH: dict[str, list[Any]] = {
    "nodes": ["user", "extractor", "retriever", "catalog tools", "gift_specialist", "cake_specialist",
              "venue_specialist", "coordinator", "critic", "reviser", "explainer", "guardrail"],
    "edges": [
        ("user", "extractor", "request text"),
        ("extractor", "retriever", "state: request"),
        ("retriever", "catalog tools", "FunctionTool / MCP"),
        ("catalog tools", "retriever", "grounded results"),
        ("retriever", "gift_specialist", "state: gift_options"),
        ("retriever", "cake_specialist", "state: cake_options"),
        ("retriever", "venue_specialist", "state: venue_options"),
        ("gift_specialist", "coordinator", "state: gift_choice"),
        ("cake_specialist", "coordinator", "state: cake_choice"),
        ("venue_specialist", "coordinator", "state: venue_choice"),
        ("coordinator", "critic", "state: plan"),
        ("critic", "reviser", "state: feedback"),
        ("reviser", "explainer", "state: plan"),
        ("explainer", "guardrail", "BirthdayPlan"),
    ],
}

def _adk() -> dict[str, Any]:
    """Import ADK lazily (after the hygiene) and return the names this module uses."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from google.adk.agents import LlmAgent, ParallelAgent, SequentialAgent
        from google.adk.models.llm_response import LlmResponse
        from google.adk.runners import InMemoryRunner
        from google.genai import types
    return {"LlmAgent": LlmAgent, "ParallelAgent": ParallelAgent, "SequentialAgent": SequentialAgent,
            "LlmResponse": LlmResponse, "InMemoryRunner": InMemoryRunner, "types": types}


def _text_response(text: str) -> Any:
    """An ``LlmResponse`` carrying ``text``: what a callback returns to stand in for the model."""
    adk = _adk()
    types = adk["types"]
    return adk["LlmResponse"](content=types.Content(role="model", parts=[types.Part(text=text)]))


def _response_text(llm_response: Any) -> str:
    content = getattr(llm_response, "content", None)
    parts = getattr(content, "parts", None) or []
    return "".join(p.text for p in parts if getattr(p, "text", None) and not getattr(p, "thought", False))


def _has_function_call(llm_response: Any) -> bool:
    content = getattr(llm_response, "content", None)
    return any(getattr(p, "function_call", None) for p in (getattr(content, "parts", None) or []))


def _ids_deep(payload: Any) -> list[str]:
    """Catalog-looking ids anywhere in a tool result, also inside JSON text (how MCP returns results)."""
    if isinstance(payload, str):
        try:
            return _ids_deep(json.loads(payload))
        except json.JSONDecodeError:
            return ids_in(payload)
    if isinstance(payload, dict):
        own = [payload["id"]] if isinstance(payload.get("id"), str) else []
        rest = [v for k, v in payload.items() if k != "id" and isinstance(v, (str, list, dict))]
        return own + [i for v in rest for i in _ids_deep(v)]
    if isinstance(payload, list):
        return [i for v in payload for i in _ids_deep(v)]
    return []


def _json_text(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


class ADKTeam:
    """The birthday team as an ADK agent tree, with its callbacks (the guardrails) and its trace.

    ``ADKTeam(provider=..., seed=...).run(text, request)`` like every other team; :meth:`build` returns
    the root agent for one request (to look at it before running it).

    Args:
        provider: the LLM provider name or a :class:`~tutorial_helpers.llm.providers.Provider` (default: settings).
        seed: passed to the model for deterministic runs.
        catalog: the catalog (default: the shipped one).
        use_mcp: retrieve through the project's MCP server (``McpToolset`` over stdio) instead of
            ``FunctionTool`` wrappers of the same Python functions.
    """

    def __init__(self, provider: str | Provider | None = None, seed: int = 0, *, catalog: Any = None,
                 use_mcp: bool = False) -> None:
        from tutorial_helpers.llm import get_provider

        if catalog is None:  # the run's catalog (plan_text(catalog=...), --catalog), else the shipped one
            from tutorial_helpers.tools.state import get_catalog

            catalog = get_catalog()
        self.catalog = catalog
        self.provider = get_provider(provider)
        self.model_name = self.provider.model_large
        self.seed = seed
        self.use_mcp = use_mcp
        self.toolset: Any = None
        self._mcp_log: Any = None

    def reset(self, request: BirthdayRequest) -> None:
        """Start a run for ``request``: its hard constraints, a fresh trace, meter and state."""
        from tutorial_helpers.llm import UsageMeter

        self.validated = request
        self.request = request
        self.meter = UsageMeter("adk")
        self.trace: list[Step] = []
        self.warnings: list[str] = []
        self.categories = plan_categories(request)
        self.found_ids: list[str] = []
        self.candidates: dict[str, list[CatalogItem]] = {}
        self.plan: BirthdayPlan | None = None
        self.retriever_rounds = 0
        self.tool_calls = 0
        self._valid: dict[str, set[str]] = {}

    # -- bookkeeping ---------------------------------------------------------------------------
    def log(self, agent: str, action: str, detail: str) -> None:
        """Add one line to the trace (who did what)."""
        self.trace.append(Step(agent, action, detail[:300]))

    def initial_state(self) -> dict[str, Any]:
        """The session state the run starts from: what the instructions' ``{placeholders}`` read."""
        req = self.request
        return {
            "today": req.today.isoformat() if req.today else "unknown",
            "request": req.model_dump_json(exclude_defaults=True),
            "categories": ", ".join(self.categories),
            "budget": req.budget,
            "guests": req.guests or effective_guests(req),
            "options": "", **{f"{c}_options": "" for c in SPECIALTIES},
            "plan": "", "feedback": "",
        }

    def _valid_ids(self, category: str) -> set[str]:
        if category not in self._valid:
            self._valid[category] = {i.id for i in candidate_pool(self.request, self.catalog, category, k=400)}
        return self._valid[category]

    def _acceptable(self, item_id: str) -> bool:
        item = self.catalog.get(item_id)
        return item is not None and item.category in self.categories and item_id in self._valid_ids(item.category)

    # -- the model -------------------------------------------------------------------------------
    def model(self, agent: str) -> Any:
        """The agent's LiteLlm model, labelled for the usage meter."""
        from tutorial_helpers.llm import adk_model

        return adk_model("large", self.provider, meter=self.meter, agent=agent, seed=self.seed)

    # -- callbacks: guardrails and glue -----------------------------------------------------------
    def merge_extracted(self, callback_context: Any) -> None:
        """after_agent_callback of the extractor: merge its reading with the validated request."""
        got = callback_context.state.get("extracted")
        extracted = None
        if isinstance(got, dict):
            try:
                extracted = ExtractedRequest.model_validate(got)
            except ValueError:
                extracted = None
        if extracted is None:
            self.warnings.append("The extractor gave nothing usable; used the rule-based reading.")
            note_fallback("extractor", "gave nothing usable; used the rule-based reading")
        self.request, notes = merge_requests(self.validated, extracted)
        self.warnings += notes
        self.categories = plan_categories(self.request)
        self._valid.clear()
        callback_context.state["request"] = self.request.model_dump_json(exclude_defaults=True)
        callback_context.state["categories"] = ", ".join(self.categories)
        self.log("extractor", "extracted", _json_text(got if got is not None else {}))
        return None

    def cap_tool_rounds(self, callback_context: Any, llm_request: Any) -> Any:
        """before_model_callback of the retriever: stop when every category has grounded candidates.

        The retriever may take MAX_TOOL_ROUNDS model calls; after its second, a call whose only job
        would be to summarise results the team already holds (grounded ids for every category) is
        skipped. Its summary text is never used downstream: the options come from the tool results.
        """
        self.retriever_rounds += 1
        covered = {item.category for item in map(self.catalog.get, self.found_ids) if item is not None}
        if self.retriever_rounds > MAX_TOOL_ROUNDS:
            self.log("guardrail", "stopped retriever", f"after {MAX_TOOL_ROUNDS} tool rounds")
            return _text_response("Enough candidates gathered.")
        if self.retriever_rounds > 2 and set(self.categories) <= covered:
            self.log("retriever", "skipped summary", "grounded candidates for every category")
            return _text_response("Candidates gathered for every category.")
        return None

    def _filter_results(self, payload: Any) -> tuple[Any, int]:
        """Drop list entries whose id is unknown or breaks a hard constraint; parse JSON text inside."""
        if isinstance(payload, str):
            try:
                data = json.loads(payload)
            except json.JSONDecodeError:
                return payload, 0
            if isinstance(data, (list, dict)):
                kept, dropped = self._filter_results(data)
                return _json_text(kept), dropped
            return payload, 0
        if isinstance(payload, list):
            kept, dropped = [], 0
            for entry in payload:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str) and not self._acceptable(entry["id"]):
                    dropped += 1
                    continue
                sub, d = self._filter_results(entry)
                kept.append(sub)
                dropped += d
            return kept, dropped
        if isinstance(payload, dict):
            out, dropped = {}, 0
            for k, v in payload.items():
                out[k], d = self._filter_results(v) if isinstance(v, (list, dict, str)) else (v, 0)
                dropped += d
            return out, dropped
        return payload, 0

    def keep_grounded(self, tool: Any, args: dict[str, Any], tool_context: Any, tool_response: Any) -> Any:
        """after_tool_callback of the retriever: the model only ever sees grounded, acceptable items."""
        self.tool_calls += 1
        if tool.name != "search_catalog":
            self.log("retriever", f"{tool.name} answered", _json_text(tool_response)[:200])
            self.found_ids += [i for i in _ids_deep(tool_response) if self.catalog.get(i) is not None]
            return None
        filtered, dropped = self._filter_results(tool_response)
        kept = list(dict.fromkeys(i for i in _ids_deep(filtered) if self._acceptable(i)))
        self.found_ids += kept
        tool_context.state["found_ids"] = list(dict.fromkeys(self.found_ids))
        self.log("retriever", "search_catalog answered", f"{len(kept)} grounded result(s): {', '.join(kept[:8])}")
        if dropped:
            self.log("guardrail", "dropped results", f"{dropped} result(s) of {tool.name} broke a hard constraint")
            return filtered if isinstance(filtered, dict) else {"result": filtered}
        return None

    def publish_candidates(self, callback_context: Any) -> None:
        """after_agent_callback of the retriever: grounded options per category, into session state."""
        self.candidates = ground_candidates(self.request, self.found_ids, self.catalog, self.categories, self.warnings)
        state = callback_context.state
        state["options"] = options_text(self.request, self.candidates)
        for c in SPECIALTIES:
            state[f"{c}_options"] = options_text(self.request, {c: self.candidates.get(c, [])})
        self.log("retriever", "candidates", ", ".join(f"{c}: {len(v)}" for c, v in self.candidates.items()))
        return None

    def focus(self, task: str) -> Any:
        """A before_model_callback giving the model one user turn, ``task``: its inputs are in its instruction.

        With ``include_contents="none"`` ADK would pass the latest event of another agent as the user
        turn, and after a ParallelAgent that is whichever branch finished last; a fixed turn keeps the
        run deterministic and the prompt short.
        """
        types = _adk()["types"]

        def set_task(callback_context: Any, llm_request: Any) -> None:
            llm_request.contents = [types.Content(role="user", parts=[types.Part(text=task)])]
            return None

        return set_task

    def skip_without_options(self, callback_context: Any, llm_request: Any) -> Any:
        """before_model_callback of a specialist: no options in its category -> no model call."""
        category = callback_context.agent_name.removesuffix("_specialist")
        if not self.candidates.get(category):
            self.log(callback_context.agent_name, "skipped", f"no {category} needed or available")
            return _text_response(Selection(choices=[]).model_dump_json())
        return None

    def note_choice(self, callback_context: Any) -> None:
        """after_agent_callback of a specialist: trace its pick."""
        name = callback_context.agent_name
        got = callback_context.state.get(f"{name.removesuffix('_specialist')}_choice")
        picks = [c.get("item_id") for c in (got or {}).get("choices", [])] if isinstance(got, dict) else []
        self.log(name, "proposed", ", ".join(str(p) for p in picks) or "(nothing)")
        return None

    def _selection_from_state(self, state: Any) -> list[Choice]:
        got = state.get("selection")
        if not isinstance(got, dict):
            return []
        try:
            return Selection.model_validate(got).choices
        except ValueError:
            return []

    def _specialist_choices(self, state: Any) -> list[Choice]:
        out: list[Choice] = []
        for c in SPECIALTIES:
            got = state.get(f"{c}_choice")
            if isinstance(got, dict):
                try:
                    out += Selection.model_validate(got).choices
                except ValueError:
                    continue
        return out

    def enforce_plan(self, callback_context: Any) -> None:
        """after_agent_callback of the coordinator and the reviser: choices -> a checked plan.

        Ids that were not offered are ignored (never shown); a category the coordinator forgot takes
        its specialist's pick; a plan still breaking a hard constraint after the reviser is rebuilt
        by the reference optimiser over the same grounded options.
        """
        state = callback_context.state
        agent = callback_context.agent_name
        choices = self._selection_from_state(state)
        chosen = {c.category for c in choices}
        choices += [c for c in self._specialist_choices(state) if c.category not in chosen]
        plan = plan_from_choices(self.request, choices, self.candidates, self.catalog, self.warnings)
        problems = [v.detail for v in validate_plan(plan, self.request, self.catalog)]
        if problems and agent == "reviser":
            self.log("guardrail", "repaired", "; ".join(problems))
            self.warnings.append(
                "The plan still broke a constraint after revision; the reference optimiser rebuilt it.")
            note_fallback("reviser", "the plan still broke a constraint; the reference optimiser rebuilt it")
            plan = self.reference_plan()
            problems = [v.detail for v in validate_plan(plan, self.request, self.catalog)]
        self.plan = plan
        state["plan"] = plan_lines(plan)
        state["feedback"] = "\n".join(problems)
        state["selection"] = Selection(choices=[Choice(category=p.category, item_id=p.id)
                                                for p in plan.items]).model_dump()
        self.log(agent, "chose", ", ".join(f"{p.category}={p.id}" for p in plan.items) + f" (${plan.total_cost:,.2f})")
        if problems:
            self.log("guardrail", "found", "; ".join(problems))
        return None

    def reference_plan(self) -> BirthdayPlan:
        """The deterministic fallback: the reference optimiser over the grounded options."""
        if not self.candidates:
            self.candidates = ground_candidates(self.request, [], self.catalog, self.categories, self.warnings)
        required = [c for c in required_categories(self.request) if c in self.candidates]
        optional = [c for c in optional_categories(self.request) if c in self.candidates and c not in required]
        return assemble_plan(self.request, self.candidates, self.catalog, required=required, optional=optional)

    def note_verdict(self, callback_context: Any) -> None:
        """after_agent_callback of the critic: its verdict is advisory; the guardrail's findings decide."""
        verdict = str(callback_context.state.get("verdict") or "").strip()
        self.log("critic", "reviewed", verdict or "(no verdict)")
        return None

    def skip_if_approved(self, callback_context: Any, llm_request: Any) -> Any:
        """before_model_callback of the reviser: nothing to fix -> keep the selection, no model call."""
        if not str(callback_context.state.get("feedback") or "").strip():
            self.log("reviser", "skipped", "no problem to fix")
            return _text_response(json.dumps(callback_context.state.get("selection") or {"choices": []}))
        return None

    def note_explanation(self, callback_context: Any) -> None:
        """after_agent_callback of the explainer: trace what it wrote."""
        self.log("explainer", "wrote", str(callback_context.state.get("explanation") or ""))
        return None

    def repair_structured(self, callback_context: Any, llm_response: Any) -> Any:
        """after_model_callback of the structured agents: malformed JSON -> a safe empty answer."""
        if getattr(llm_response, "partial", False) or _has_function_call(llm_response):
            return None
        text = _response_text(llm_response)
        if not text.strip():
            return None
        schema = ExtractedRequest if callback_context.agent_name == "extractor" else Selection
        try:
            schema.model_validate_json(text.strip().removeprefix("```json").removesuffix("```"))
            return None
        except ValueError:
            self.warnings.append(f"The {callback_context.agent_name} returned malformed output; ignored it.")
            note_fallback(callback_context.agent_name, "malformed output; replaced by an empty answer")
            self.log("guardrail", "malformed output", f"{callback_context.agent_name}: {text[:120]}")
            empty = ExtractedRequest() if schema is ExtractedRequest else Selection(choices=[])
            return _text_response(empty.model_dump_json())

    def fallback_on_error(self, callback_context: Any, llm_request: Any, error: Exception) -> Any:
        """on_model_error_callback: a failing model call becomes a deterministic stand-in answer."""
        agent = callback_context.agent_name
        self.warnings.append(f"The {agent} failed ({type(error).__name__}); used the deterministic fallback.")
        note_fallback(agent, f"failed ({type(error).__name__}); used the deterministic fallback")
        self.log(agent, "failed", f"{type(error).__name__}: {error}")
        if agent == "extractor":
            return _text_response(ExtractedRequest().model_dump_json())
        if agent in ("coordinator", "reviser") or agent.endswith("_specialist"):
            return _text_response(Selection(choices=[]).model_dump_json())
        return _text_response("")

    # -- the agent tree ---------------------------------------------------------------------------
    def retrieval_tools(self) -> list[Any]:
        """The shared tools: plain functions (ADK wraps them as FunctionTools) or the MCP toolset."""
        if self.use_mcp:
            from google.adk.tools.mcp_tool.mcp_session_manager import StdioConnectionParams
            from google.adk.tools.mcp_tool.mcp_toolset import McpToolset

            from tutorial_helpers.mcp.server import stdio_params

            today = self.request.today.isoformat() if self.request.today else None
            from tutorial_helpers.llm.hygiene import runtime_dir

            # the server's log lines go to a file, not into the notebook (it is a subprocess: a real file)
            self._mcp_log = (runtime_dir() / "adk_mcp_server.log").open("a", encoding="utf-8")
            self.toolset = McpToolset(connection_params=StdioConnectionParams(server_params=stdio_params(today=today),
                                                                              timeout=30),
                                      tool_filter=list(RETRIEVAL_TOOLS), errlog=self._mcp_log)
            return [self.toolset]
        from google.adk.tools import FunctionTool

        from tutorial_helpers import tools

        return [FunctionTool(_tool_errors_as_results(tools.REGISTRY[name])) for name in RETRIEVAL_TOOLS]

    def build(self, request: BirthdayRequest | None = None) -> Any:
        """The root agent (for ``request``, or the current one): a SequentialAgent of LlmAgents with a
        ParallelAgent of specialists inside."""
        if request is not None:
            self.reset(request)
        adk = _adk()
        LlmAgent, ParallelAgent, SequentialAgent = adk["LlmAgent"], adk["ParallelAgent"], adk["SequentialAgent"]
        on_error = {"on_model_error_callback": self.fallback_on_error}
        # the agents after the retriever read their inputs from session state (instruction templates)
        # and see one fixed user turn; structured answers are checked before ADK parses them
        from_state = {**on_error, "include_contents": "none"}
        structured = {**from_state, "after_model_callback": self.repair_structured}
        extractor = LlmAgent(
            name="extractor", model=self.model("extractor"), instruction=prompts.with_today_slot(prompts.EXTRACTOR),
            description="Reads the request into structured fields.", output_schema=ExtractedRequest,
            output_key="extracted", after_model_callback=self.repair_structured,
            after_agent_callback=self.merge_extracted, **on_error,
        )
        retriever = LlmAgent(
            name="retriever", model=self.model("retriever"),
            instruction=prompts.with_today_slot(prompts.RETRIEVER + prompts.KNOWN_NOTE),
            description="Finds grounded candidates with the catalog tools.", tools=self.retrieval_tools(),
            output_key="retrieval_notes", before_model_callback=self.cap_tool_rounds,
            after_tool_callback=self.keep_grounded, after_agent_callback=self.publish_candidates, **on_error,
        )
        specialists = [
            LlmAgent(
                name=f"{c}_specialist", model=self.model(f"{c}_specialist"),
                instruction=prompts.with_today_slot(prompts.SPECIALIST.replace("{category}", c)
                                                    .replace("{options}", "{" + c + "_options}")
                                                     + prompts.REQUEST_NOTE),
                description=f"Picks the best {c}.", output_schema=Selection, output_key=f"{c}_choice",
                before_model_callback=[self.skip_without_options, self.focus(prompts.AGENT_TASKS["specialist"])],
                after_agent_callback=self.note_choice, **structured,
            )
            for c in SPECIALTIES
        ]
        coordinator = LlmAgent(
            name="coordinator", model=self.model("coordinator"),
            instruction=prompts.with_today_slot(prompts.SELECTOR + prompts.COORDINATOR_NOTE),
            description="Chooses one item per category within the budget.", output_schema=Selection,
            output_key="selection", before_model_callback=self.focus(prompts.AGENT_TASKS["coordinator"]),
            after_agent_callback=self.enforce_plan, **structured,
        )
        critic = LlmAgent(
            name="critic", model=self.model("critic"), instruction=prompts.with_today_slot(prompts.CRITIC),
            description="Reviews the plan.", output_key="verdict",
            before_model_callback=self.focus(prompts.AGENT_TASKS["critic"]),
            after_agent_callback=self.note_verdict, **from_state,
        )
        reviser = LlmAgent(
            name="reviser", model=self.model("reviser"),
            instruction=prompts.with_today_slot(prompts.SELECTOR + prompts.FEEDBACK_NOTE + prompts.REQUEST_NOTE),
            description="Fixes the plan when a problem was found.", output_schema=Selection, output_key="selection",
            before_model_callback=[self.skip_if_approved, self.focus(prompts.AGENT_TASKS["reviser"])],
            after_agent_callback=self.enforce_plan, **structured,
        )
        explainer = LlmAgent(
            name="explainer", model=self.model("explainer"), instruction=prompts.with_today_slot(prompts.EXPLAINER),
            description="Explains the plan.", output_key="explanation",
            before_model_callback=self.focus(prompts.AGENT_TASKS["explainer"]),
            after_agent_callback=self.note_explanation,
            **from_state,
        )
        with warnings.catch_warnings():  # ADK 2 marks these deprecated in favour of Workflow (see the notebook)
            warnings.simplefilter("ignore", DeprecationWarning)
            team = ParallelAgent(name="specialists", sub_agents=specialists,
                                 description="Gift, cake and venue specialists, in parallel.")
            return SequentialAgent(name=APP_NAME, sub_agents=[extractor, retriever, team, coordinator, critic,
                                                             reviser, explainer])

    # -- running ----------------------------------------------------------------------------------
    @clock.on_request_day
    async def arun(self, text: str, request: BirthdayRequest) -> FrameworkRun:
        """Run the team on ``text`` (async) and return the plan, the trace and usage per agent."""

        adk = _adk()
        types = adk["types"]
        t0 = time.perf_counter()
        root = self.build(request)
        runner = adk["InMemoryRunner"](agent=root, app_name=APP_NAME)
        explanation = ""
        try:
            session = await runner.session_service.create_session(app_name=APP_NAME, user_id=USER_ID,
                                                                  state=self.initial_state())
            message = types.Content(role="user", parts=[types.Part(text=text)])
            async for event in runner.run_async(user_id=USER_ID, session_id=session.id, new_message=message):
                for call in event.get_function_calls() or []:
                    self.log(event.author, "calls", f"{call.name}({_json_text(call.args)})")
            final = await runner.session_service.get_session(app_name=APP_NAME, user_id=USER_ID, session_id=session.id)
            explanation = str((final.state if final else {}).get("explanation") or "").strip()
        finally:
            if self.toolset is not None:
                await self.toolset.close()
                self._mcp_log.close()
            await runner.close()
        plan = self.plan
        if plan is None:  # the coordinator never finished: the reference optimiser over what we have
            self.warnings.append("The team produced no plan; the reference optimiser assembled one.")
            note_fallback("coordinator", "no plan; the reference optimiser assembled one")
            plan = self.reference_plan()
        usage = self.meter.summary()
        usage.tool_calls = max(usage.tool_calls, self.tool_calls)
        usage.wall_s = round(time.perf_counter() - t0, 4)
        plan = finish_plan(plan, self.request, self.catalog, framework="adk", provider=self.provider.name,
                           model=self.model_name, explanation=explanation, warnings=self.warnings, usage=usage)
        return FrameworkRun(plan=plan, trace=list(self.trace), per_agent=self.meter.by_agent())

    def run(self, text: str, request: BirthdayRequest) -> FrameworkRun:
        """Run the team on ``text`` and return the plan, the trace and usage per agent."""
        return _run_sync(self.arun(text, request))


def _tool_errors_as_results(fn: Any) -> Any:
    """``fn`` returning ``{"error": ...}`` when it raises (ADK's FunctionTool would let the exception end the run).

    The other teams get the same through their tool executors; the model reads the error and carries on.
    """
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a failing tool is an answer the model can read
            return {"error": f"{type(exc).__name__}: {exc}"}

    return wrapper


def _run_sync(coro: Coroutine[Any, Any, FrameworkRun]) -> FrameworkRun:
    """Run ``coro`` to completion, also from inside a running event loop (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    ctx = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ctx.run, asyncio.run, coro).result()


async def arun(text: str, request: BirthdayRequest, *, provider: str | Provider | None = None, seed: int = 0,
               use_mcp: bool = False) -> FrameworkRun:
    """Async version of :func:`run` (``await arun(...)`` in a notebook)."""
    return await ADKTeam(provider, seed, use_mcp=use_mcp).arun(text, request)


def run(text: str, request: BirthdayRequest, *, provider: str | Provider | None = None, seed: int = 0,
        use_mcp: bool = False) -> FrameworkRun:
    """Plan with the ADK team and return everything it produced.

    Args:
        text: the request as the person wrote it.
        request: the validated request (:func:`tutorial_helpers.planners.parse_text`).
        provider: ``offline`` (default without keys), ``openai``, ``gemini``, ``compatible``.
        seed: for deterministic runs.
        use_mcp: the retriever uses the project's MCP server (stdio) through ``McpToolset``.

    Returns:
        A :class:`~tutorial_helpers.planning.pipeline.FrameworkRun`: the plan (before the front
        door's guardrail), the trace of who did what, and usage per agent.
    """
    return ADKTeam(provider, seed, use_mcp=use_mcp).run(text, request)


def plan(text: str, request: BirthdayRequest, *, provider: str | None = None, seed: int = 0) -> BirthdayPlan:
    """The ``adk`` framework entry point (see :mod:`tutorial_helpers.planners`)."""
    return run(text, request, provider=provider, seed=seed).plan


__all__ = ["AGENT_GRAPH", "MAX_TOOL_ROUNDS", "OPTIONS_PER_CATEGORY", "ADKTeam", "arun", "plan", "run"]
