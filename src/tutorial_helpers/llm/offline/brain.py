"""The behaviour of the offline model: find the role, understand, act, answer.

0. **Role** (:mod:`.roles`): from the system prompt, by keywords, else by meaning (embedding
   similarity), else a generic assistant that answers in the format the prompt asks for.
1. **Understand** (:mod:`.understanding`): the request from the user's words (shared extractor),
   today's date, tool results and every catalog id seen.
2. **Act** (:mod:`.tools_choice`): with tools offered, call what serves what is still missing, and a
   tool of no known kind when the user asks for what it does (:mod:`.intent`).
3. **Answer**: fill the ``response_format`` schema (:mod:`.schema_fill`) or write the text of the
   role the system prompt gives (:mod:`.roles`), starting with what non-catalog tools returned.
   Every item named is grounded (:mod:`.grounding`).

Every reply carries ``meta`` (sent as the ``offline`` object of the completion): the role and how it
was found, and ``guesses``, one line per guess (a role read by meaning or not recognised, a tool
called because its words matched the request). Same input, same output: no randomness anywhere.

Then the tier's declared error profile (:mod:`.profile`) may alter what was understood and what is
answered; the errors that fired are listed in ``Reply.errors`` (seeded draws keyed on the request's
content, not randomness).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tutorial_helpers.llm.offline import grounding as g
from tutorial_helpers.llm.offline.profile import Draws, apply_to_context, apply_to_reply
from tutorial_helpers.llm.offline.protocol import ChatRequest, Reply
from tutorial_helpers.llm.offline.roles import detect_role, detect_role_info, identity, write, write_generic
from tutorial_helpers.llm.offline.schema_fill import fill_schema, item_fields
from tutorial_helpers.llm.offline.tiers import Tier
from tutorial_helpers.llm.offline.tools_choice import choose_calls, profile
from tutorial_helpers.llm.offline.understanding import Context, read_conversation


def free_json(ctx: Context, role: str) -> dict[str, Any]:
    """The answer for ``response_format: json_object`` (no schema): the request, the picks and the text."""
    out: dict[str, Any] = {"role": role, "request": ctx.request.model_dump(mode="json", exclude_defaults=True)}
    if role in ("recommender", "selector", "assistant", "retriever"):
        out["items"] = [item_fields(i) for i in (ctx.item(p.id) for p in g.select_plan(ctx)) if i is not None]
    out["answer"] = write(role, ctx)
    return out


def respond(request: ChatRequest, tier: Tier) -> Reply:
    """Answer one chat request deterministically.

    Args:
        request: the validated chat request.
        tier: the model tier (its error profile says how often it errs; see :mod:`.profile`).

    Returns:
        The reply: tool calls, or text (JSON text with a ``response_format``), its ``meta`` and the
        ``errors`` the profile simulated.
    """
    system_text = "\n".join(m.text() for m in request.messages if m.role in ("system", "developer"))
    role, source = detect_role_info(system_text)
    ctx = read_conversation(request, tier.level, role)
    guesses = role_guesses(role, source, system_text)
    meta = {**today_meta(ctx), "role": role, "role_source": source, "guesses": guesses}
    ctx.model = tier.name
    draws = Draws(request, tier.name, role)
    apply_to_context(ctx, draws)
    reply = apply_to_reply(_answer(request, ctx, role, source, guesses), request, ctx, draws)
    reply.errors = draws.done()
    reply.meta = {**meta, **reply.meta}
    return reply


def _answer(request: ChatRequest, ctx: Context, role: str, source: str, guesses: list[str]) -> Reply:
    """What the model answers from what it understood (before the answer-side errors)."""
    parallel = request.parallel_tool_calls is not False
    calls = choose_calls(ctx, request.tools or [], request.tool_choice, parallel, role, notes=guesses)
    if calls:
        return Reply(tool_calls=calls, finish_reason="tool_calls")
    rf = request.response_format or {}
    if rf.get("type") == "json_schema":
        schema = (rf.get("json_schema") or {}).get("schema") or {"type": "object"}
        return Reply(content=json.dumps(fill_schema(schema, ctx, role), ensure_ascii=False))
    if rf.get("type") == "json_object":
        return Reply(content=json.dumps(free_json(ctx, role), ensure_ascii=False))
    text = write_generic(ctx) if source == "generic" else write(role, ctx)
    if role in ("assistant", "recommender", "selector", "summarizer"):
        told, only_those = tool_reports(ctx, request.tools or [])
        if told and only_those and not ASKS_FOR_PLAN.search(ctx.last_user_text):
            text = told  # the user asked what the tool does ("how many guests is that?"), not for a plan
        elif told:
            text = told + "\n" + text
    return Reply(content=text)


#: a message that asks for a plan or suggestions, not only for what a tool does
ASKS_FOR_PLAN = re.compile(r"\b(?:plan|recommend|suggest|ideas?|find|organi[sz]e|options?|what should)\b", re.I)


def role_guesses(role: str, source: str, system_text: str) -> list[str]:
    """The metadata lines that say how the role was guessed (empty when keywords decided)."""
    who = identity(system_text)
    if source == "similarity":
        return [f"role '{role}' guessed by meaning from '{who or system_text[:60]}'"]
    if source == "format":
        return [f"role '{role}' guessed from the verdict words the prompt asks for ('{who or system_text[:60]}')"]
    if source == "generic":
        return [f"role not recognised ('{who or system_text[:60]}'): answered as a generic assistant"]
    return []


def tool_reports(ctx: Any, tools_json: list[dict[str, Any]]) -> tuple[str, bool]:
    """One line per result of a non-catalog tool (a learner's ``get_weather``), to lead the answer with,
    and whether every tool result of the conversation came from such tools."""
    offered = {p.name: p for p in (profile(t) for t in tools_json)}
    lines = []
    only = bool(ctx.tool_results)
    for r in ctx.tool_results:
        p = offered.get(r.name)
        if p is None or p.kind() is not None or p.schema_like():
            only = False
            continue
        data = r.data
        if isinstance(data, dict):
            shown = ", ".join(f"{k}: {v}" for k, v in list(data.items())[:8])
        else:
            shown = r.content.strip()
        lines.append(f"{r.name} says: {shown[:300]}")
    return "\n".join(dict.fromkeys(lines)), only


def today_meta(ctx: Context) -> dict[str, Any]:
    """What the reply says about the date it used: ``{"today", "today_source"[, "note"]}``.

    The server returns it as the ``offline`` field of the body and the ``x-offline-today-source``
    header, so a caller (the usage meter, a test, a learner) sees when a conversation never said what
    day it is and the stand-in had to assume the machine's date.
    """
    meta: dict[str, Any] = {"today": ctx.today.isoformat(), "today_source": ctx.today_source}
    if ctx.today_source == "wall-clock":
        meta["note"] = ("No message said what day it is; the offline model assumed the machine's date. "
                        "State it in the system prompt (\"Today is YYYY-MM-DD.\").")
    return meta


def debug_view(request: ChatRequest, tier: Tier) -> dict[str, Any]:
    """What the model understood (for notebooks and debugging): role, request, candidates, missing."""
    system_text = "\n".join(m.text() for m in request.messages if m.role in ("system", "developer"))
    role = detect_role(system_text)
    ctx = read_conversation(request, tier.level, role)
    return {"role": role, "request": ctx.request.model_dump(mode="json"), "today": ctx.today.isoformat(),
            "candidates": ctx.candidate_ids, "mentioned": ctx.mentioned_ids, "missing": ctx.missing,
            "feedback": ctx.feedback, "injection_seen": ctx.injection_seen}
