"""The behaviour of the offline model: understand, act, answer.

1. **Understand** (:mod:`.understanding`): the request from the user's words (shared extractor),
   today's date, tool results and every catalog id seen.
2. **Act** (:mod:`.tools_choice`): with tools offered, call what serves what is still missing.
3. **Answer**: fill the ``response_format`` schema (:mod:`.schema_fill`) or write the text of the
   role the system prompt gives (:mod:`.roles`). Every item named is grounded (:mod:`.grounding`).

Then the tier's declared error profile (:mod:`.profile`) may alter what was understood and what is
answered; the errors that fired are listed in ``Reply.errors``.

Same input, same output: the errors are seeded draws keyed on the request's content, not randomness.
"""

from __future__ import annotations

import json
from typing import Any

from tutorial_helpers.llm.offline import grounding as g
from tutorial_helpers.llm.offline.profile import Draws, apply_to_context, apply_to_reply
from tutorial_helpers.llm.offline.protocol import ChatRequest, Reply
from tutorial_helpers.llm.offline.roles import detect_role, write
from tutorial_helpers.llm.offline.schema_fill import fill_schema, item_fields
from tutorial_helpers.llm.offline.tiers import Tier
from tutorial_helpers.llm.offline.tools_choice import choose_calls
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
        The reply: tool calls, or text (JSON text with a ``response_format``); ``errors`` names the
        simulated errors that fired.
    """
    system_text = "\n".join(m.text() for m in request.messages if m.role in ("system", "developer"))
    role = detect_role(system_text)
    ctx = read_conversation(request, tier.level, role)
    meta = today_meta(ctx)
    ctx.model = tier.name
    draws = Draws(request, tier.name, role)
    apply_to_context(ctx, draws)
    reply = apply_to_reply(_answer(request, ctx, role), request, ctx, draws)
    reply.errors = draws.done()
    reply.meta = {**meta, **reply.meta}
    return reply


def _answer(request: ChatRequest, ctx: Context, role: str) -> Reply:
    """What the model answers from what it understood (before the answer-side errors)."""
    parallel = request.parallel_tool_calls is not False
    calls = choose_calls(ctx, request.tools or [], request.tool_choice, parallel, role)
    if calls:
        return Reply(tool_calls=calls, finish_reason="tool_calls")
    rf = request.response_format or {}
    if rf.get("type") == "json_schema":
        schema = (rf.get("json_schema") or {}).get("schema") or {"type": "object"}
        return Reply(content=json.dumps(fill_schema(schema, ctx, role), ensure_ascii=False))
    if rf.get("type") == "json_object":
        return Reply(content=json.dumps(free_json(ctx, role), ensure_ascii=False))
    return Reply(content=write(role, ctx))


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
