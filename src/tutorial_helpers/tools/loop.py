"""The raw tool-calling loop on the openai SDK, with a trace a learner can read.

Notebook 03 builds this loop inline first; this is the same loop, kept in the library so later
lessons can reuse it::

    from tutorial_helpers.llm import model_for, openai_client
    from tutorial_helpers.tools.loop import run_tool_loop

    result = run_tool_loop(openai_client(), model_for("large"), messages, tools=["catalog", "budget"])
    result.answer          # the model's final text
    result.table()         # one row per tool call: turn, tool, arguments, ok, error, ids returned
    result.grounded        # every item id in the answer came from a tool result of this loop
    result.max_parallel    # most tool calls the model made in one turn

Every tool call goes through :func:`tutorial_helpers.tools.call_tool`, so a bad argument, an
exception inside a tool or a timeout becomes one sentence sent back to the model as the tool result:
the loop never crashes on a tool, and the model gets the chance to fix its call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers.catalog.ids import ITEM_ID, ids_in_text
from tutorial_helpers.tools.format import to_text
from tutorial_helpers.tools.registry import REGISTRY, TOOL_GROUPS, call_tool, openai_schema

if TYPE_CHECKING:
    import pandas

@dataclass
class ToolStep:
    """One tool call of the loop and what came back.

    Attributes:
        turn: the model turn (0-based) that asked for the call.
        tool: the tool name the model chose.
        arguments: the arguments as the model sent them (JSON text).
        ok: True when the tool answered normally; False for an error sentence or an ``{"error": ...}`` result.
        error: the error text sent back to the model, if any.
        ids: catalog item ids in the result (empty for errors).
        seconds: how long the tool took.
    """

    turn: int
    tool: str
    arguments: str
    ok: bool
    error: str | None
    ids: list[str]
    seconds: float


@dataclass
class ToolLoopResult:
    """What :func:`run_tool_loop` did: the final answer, the conversation and every tool call.

    Attributes:
        answer: the model's final text ("" when the loop ran out of turns).
        messages: the whole conversation, tool results included (ready to send again).
        steps: one :class:`ToolStep` per tool call, in order.
        llm_calls: model calls made.
        finished: True when the model answered without asking for more tools.
        calls_per_turn: tool calls asked for in each model turn.
    """

    answer: str
    messages: list[dict[str, Any]]
    steps: list[ToolStep] = field(default_factory=list)
    llm_calls: int = 0
    finished: bool = False
    calls_per_turn: list[int] = field(default_factory=list)

    @property
    def max_parallel(self) -> int:
        """The most tool calls the model asked for in a single turn."""
        return max(self.calls_per_turn, default=0)

    @property
    def tool_ids(self) -> set[str]:
        """Every item id that a successful tool result of this loop contained."""
        return {i for s in self.steps if s.ok for i in s.ids}

    @property
    def answer_ids(self) -> list[str]:
        """The item ids the final answer mentions."""
        return ids_in_text(self.answer)

    @property
    def ungrounded_ids(self) -> list[str]:
        """Ids in the answer that no tool result of this loop returned (should be empty)."""
        seen = self.tool_ids
        return [i for i in self.answer_ids if i not in seen]

    @property
    def grounded(self) -> bool:
        """True when the loop finished, the answer names items, and every one came from a tool result."""
        return self.finished and bool(self.answer_ids) and not self.ungrounded_ids

    @property
    def errors(self) -> list[ToolStep]:
        """The tool calls that came back as errors."""
        return [s for s in self.steps if not s.ok]

    def table(self) -> pandas.DataFrame:
        """One row per tool call (turn, tool, arguments, ok, error, number of ids, seconds)."""
        import pandas

        rows = [{"turn": s.turn, "tool": s.tool, "arguments": _short(s.arguments, 90), "ok": s.ok,
                 "error": _short(s.error or "", 90), "ids returned": len(s.ids), "seconds": round(s.seconds, 3)}
                for s in self.steps]
        return pandas.DataFrame(rows, columns=["turn", "tool", "arguments", "ok", "error", "ids returned", "seconds"])


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _result_text(result: Any, error: str | None) -> tuple[str, bool]:
    """The text sent back to the model, and whether the tool answered normally."""
    if error is not None:
        return json.dumps({"error": error}), False
    if isinstance(result, dict) and "error" in result:
        return to_text(result), False
    return to_text(result), True


def _expand(names: Iterable[str] | None, registry: dict[str, Callable[..., Any]]) -> list[str]:
    """Tool names to offer: group names ("catalog", ...) expanded, unknown names refused."""
    if names is None:
        return list(registry)
    if isinstance(names, str):
        names = [names]
    out: list[str] = []
    for name in names:
        for tool in TOOL_GROUPS.get(name, (name,)) if name not in registry else (name,):
            if tool not in registry:
                raise KeyError(
                    f"Unknown tool {tool!r}; tools: {', '.join(registry)}; groups: {', '.join(TOOL_GROUPS)}.")
            if tool not in out:
                out.append(tool)
    return out


def run_tool_loop(
    client: Any,
    model: str,
    messages: list[dict[str, Any]],
    tools: Iterable[str] | None = None,
    *,
    max_turns: int = 8,
    timeout_s: float | None = None,
    registry: dict[str, Callable[..., Any]] | None = None,
    on_step: Callable[[ToolStep], None] | None = None,
    **create_kwargs: Any,
) -> ToolLoopResult:
    """Let the model call tools until it answers in text (or ``max_turns`` model calls are used).

    Each turn: send the conversation with the tool schemas; if the reply asks for tools, run every
    call (a model may ask for several in one turn), append each result as a ``tool`` message and go
    again; otherwise the reply is the answer. Tool problems (bad arguments, exceptions, timeouts)
    are sent back to the model as error sentences, never raised.

    Args:
        client: an ``openai.OpenAI`` client (e.g. ``tutorial_helpers.llm.openai_client()``).
        model: the model name (``tutorial_helpers.llm.model_for("large")``).
        messages: the conversation so far (system + user); it is copied, not changed.
        tools: tool or group names to offer ("catalog", "budget", ...); default every tool of ``registry``.
        max_turns: the most model calls before giving up.
        timeout_s: give up on a tool call after this many seconds (an error sentence for the model).
        registry: the tools to offer and run (default ``tools.REGISTRY``); add your own functions here.
        on_step: called after every tool call with its :class:`ToolStep` (for live printing).
        **create_kwargs: more ``chat.completions.create`` arguments (``temperature``, ``seed``,
            ``parallel_tool_calls``).

    Returns:
        A :class:`ToolLoopResult`.
    """
    reg = REGISTRY if registry is None else registry
    specs = [openai_schema(reg[n]) for n in _expand(tools, reg)]
    convo = [dict(m) for m in messages]
    out = ToolLoopResult(answer="", messages=convo)
    for turn in range(max_turns):
        response = client.chat.completions.create(model=model, messages=convo, tools=specs, **create_kwargs)
        out.llm_calls += 1
        message = response.choices[0].message
        convo.append(message.model_dump(exclude_none=True))
        calls = message.tool_calls or []
        if not calls:
            out.answer, out.finished = message.content or "", True
            return out
        out.calls_per_turn.append(len(calls))
        for call in calls:
            t0 = time.perf_counter()
            result, error = call_tool(call.function.name, call.function.arguments, timeout_s=timeout_s, registry=reg)
            text, ok = _result_text(result, error)
            step = ToolStep(turn=turn, tool=call.function.name, arguments=call.function.arguments or "", ok=ok,
                            error=None if ok else (error or text), ids=ids_in_text(text) if ok else [],
                            seconds=time.perf_counter() - t0)
            out.steps.append(step)
            if on_step is not None:
                on_step(step)
            convo.append({"role": "tool", "tool_call_id": call.id, "content": text})
    return out


__all__ = ["ITEM_ID", "ToolLoopResult", "ToolStep", "ids_in_text", "run_tool_loop"]
