"""The OpenAI Chat Completions wire format, as far as the offline model speaks it.

Request models accept and ignore every field they do not use (``temperature``, ``seed``, ``user``,
``metadata``, ...), so any OpenAI-compatible client works unmodified. Response helpers build the
non-streaming JSON body, the server-sent-event chunks of a stream and OpenAI-shaped errors.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SYSTEM_FINGERPRINT = "offline-stand-in"
ROLES = ("system", "developer", "user", "assistant", "tool", "function")


class ProtocolError(Exception):
    """An invalid request: becomes an OpenAI-shaped error with ``status``."""

    def __init__(self, message: str, status: int = 400, param: str | None = None,
                 code: str | None = None, type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.message, self.status, self.param, self.code, self.type = message, status, param, code, type_


class ToolCallFunction(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = ""
    arguments: str | dict[str, Any] = ""


class ToolCall(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = ""
    type: str = "function"
    function: ToolCallFunction = Field(default_factory=ToolCallFunction)


class Message(BaseModel):
    """One chat message; ``content`` may be a string, a list of parts or ``None``."""

    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[Any] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None

    def text(self) -> str:
        """The message's text: a string content, or the text parts of a list joined by newlines."""
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            parts = []
            for p in self.content:
                if isinstance(p, str):
                    parts.append(p)
                elif isinstance(p, dict) and isinstance(p.get("text"), str):
                    parts.append(p["text"])
            return "\n".join(parts)
        return ""


class ChatRequest(BaseModel):
    """The body of ``POST /v1/chat/completions`` (unknown fields are accepted and ignored)."""

    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[Message]
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    response_format: dict[str, Any] | None = None
    stream: bool | None = False
    stream_options: dict[str, Any] | None = None
    n: int | None = None
    seed: int | None = None

    def validate_conversation(self) -> None:
        """Raise :class:`ProtocolError` for what the OpenAI API rejects with a 400."""
        if not self.messages:
            raise ProtocolError("'messages' must contain at least one message.", param="messages", code="empty_array")
        if self.n not in (None, 1):
            raise ProtocolError("The offline model only supports n=1.", param="n")
        seen_ids: set[str] = set()
        answered: set[str] = set()
        for i, m in enumerate(self.messages):
            if m.role not in ROLES:
                raise ProtocolError(
                    f"Invalid value for 'messages[{i}].role': {m.role!r}. Supported values are: "
                    "'system', 'developer', 'user', 'assistant', 'tool' and 'function'.",
                    param=f"messages[{i}].role", code="invalid_value")
            if m.role == "assistant":
                for call in m.tool_calls or []:
                    seen_ids.add(call.id)
            if m.role == "tool":
                if not m.tool_call_id or m.tool_call_id not in seen_ids:
                    raise ProtocolError(
                        f"Invalid parameter: messages[{i}] with role 'tool' must be a response to a preceding "
                        "message with 'tool_calls' (no matching tool_call_id).",
                        param=f"messages[{i}].tool_call_id")
                answered.add(m.tool_call_id)
            if m.role == "user" and seen_ids - answered:
                missing = sorted(seen_ids - answered)[0]
                raise ProtocolError(
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                    f"'tool_call_id'. The following tool_call_ids did not have response messages: {missing}",
                    param=f"messages[{i}].role")
        if self.tools:
            for j, t in enumerate(self.tools):
                fn = t.get("function") if isinstance(t, dict) else None
                if not isinstance(fn, dict) or not fn.get("name"):
                    raise ProtocolError(f"Missing required parameter: 'tools[{j}].function.name'.",
                                        param=f"tools[{j}].function.name", code="missing_required_parameter")
        if isinstance(self.tool_choice, dict):
            name = (self.tool_choice.get("function") or {}).get("name")
            names = {(t.get("function") or {}).get("name") for t in self.tools or []}
            if not name or name not in names:
                raise ProtocolError(f"Invalid value for 'tool_choice': tool {name!r} is not in 'tools'.",
                                    param="tool_choice")
        elif self.tool_choice not in (None, "auto", "none", "required"):
            raise ProtocolError(f"Invalid value for 'tool_choice': {self.tool_choice!r}.", param="tool_choice")
        elif self.tool_choice == "required" and not self.tools:
            raise ProtocolError("'tool_choice' is 'required' but no 'tools' were given.", param="tool_choice")
        rf = self.response_format
        if rf is not None:
            kind = rf.get("type")
            if kind not in ("text", "json_object", "json_schema"):
                raise ProtocolError(f"Invalid value for 'response_format.type': {kind!r}.",
                                    param="response_format.type")
            if kind == "json_schema" and not isinstance((rf.get("json_schema") or {}).get("schema", {}), dict):
                raise ProtocolError("'response_format.json_schema.schema' must be an object.",
                                    param="response_format.json_schema.schema")


@dataclass
class Reply:
    """What the brain answers: text, or tool calls ``(name, arguments JSON)``, or both."""

    content: str | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)
    finish_reason: Literal["stop", "tool_calls", "length"] = "stop"
    #: what the stand-in says about itself (``today``, ``today_source``, ``role``, ``role_source``, ``guesses``):
    #: the ``offline`` field of the body
    meta: dict[str, Any] = field(default_factory=dict)
    #: simulated errors of the tier's error profile that fired (see :mod:`.profile`)
    errors: list[str] = field(default_factory=list)
    #: a refusal of a structured call, sent as OpenAI does: ``message.refusal`` set, ``content`` null
    refusal: str | None = None


def error_body(message: str, type_: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict[str, Any]:
    """An OpenAI-shaped error: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def completion_id(seed_text: str) -> str:
    """A deterministic completion id derived from the request."""
    return "chatcmpl-" + hashlib.sha256(seed_text.encode()).hexdigest()[:24]


def tool_call_ids(cid: str, n: int) -> list[str]:
    """Deterministic tool call ids for the ``n`` calls of one reply."""
    return [f"call_{hashlib.sha256(f'{cid}:{i}'.encode()).hexdigest()[:20]}" for i in range(n)]


def usage_body(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}


def completion_body(cid: str, model: str, reply: Reply, prompt_tokens: int, completion_tokens: int,
                    created: int | None = None) -> dict[str, Any]:
    """The JSON body of a non-streaming chat completion."""
    message: dict[str, Any] = {"role": "assistant", "content": None if reply.refusal else reply.content,
                               "refusal": reply.refusal}
    if reply.tool_calls:
        ids = tool_call_ids(cid, len(reply.tool_calls))
        message["tool_calls"] = [
            {"id": ids[i], "type": "function", "function": {"name": name, "arguments": args}}
            for i, (name, args) in enumerate(reply.tool_calls)
        ]
    return {
        "id": cid, "object": "chat.completion", "created": created or int(time.time()), "model": model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}],
        "usage": usage_body(prompt_tokens, completion_tokens),
        **({"offline": reply.meta} if reply.meta else {}),
    }


def _chunk(cid: str, model: str, created: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def _pieces(text: str, size: int) -> list[str]:
    """Split ``text`` into fragments of about ``size`` characters, cutting after spaces where possible."""
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + 1, end + 1)
            if space > start:
                end = space + 1
        out.append(text[start:end])
        start = end
    return out


def stream_chunks(cid: str, model: str, reply: Reply, prompt_tokens: int, completion_tokens: int,
                  include_usage: bool, created: int | None = None) -> Iterator[dict[str, Any]]:
    """The chunk objects of a streamed reply, in order (without the final ``[DONE]``).

    A role chunk, then text deltas (a few words each), then for each tool call a chunk with its
    index, id and name followed by argument fragments, then a chunk with ``finish_reason`` and,
    when ``include_usage``, a last chunk with empty ``choices`` and the ``usage``.
    """
    created = created or int(time.time())
    yield _chunk(cid, model, created, {"role": "assistant", "content": "" if not reply.tool_calls else None})
    if reply.content:
        for piece in _pieces(reply.content, 24):
            yield _chunk(cid, model, created, {"content": piece})
    ids = tool_call_ids(cid, len(reply.tool_calls))
    for i, (name, args) in enumerate(reply.tool_calls):
        yield _chunk(cid, model, created, {"tool_calls": [
            {"index": i, "id": ids[i], "type": "function", "function": {"name": name, "arguments": ""}}]})
        for piece in _pieces(args, 16):
            yield _chunk(cid, model, created, {"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    final = _chunk(cid, model, created, {}, reply.finish_reason)
    if reply.meta:
        final["offline"] = reply.meta
    yield final
    if include_usage:
        last = _chunk(cid, model, created, {})
        last["choices"] = []
        last["usage"] = usage_body(prompt_tokens, completion_tokens)
        yield last


def sse(obj: dict[str, Any] | str) -> str:
    """One server-sent event line: ``data: <json>`` and a blank line."""
    data = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return f"data: {data}\n\n"
