"""The behaviour of the offline model (first version: placeholder)."""

from __future__ import annotations

import json

from tutorial_helpers.llm.offline.protocol import ChatRequest, Reply
from tutorial_helpers.llm.offline.tiers import Tier


def respond(request: ChatRequest, tier: Tier) -> Reply:
    """Answer one chat request."""
    tools = request.tools or []
    if tools and request.tool_choice != "none" and not any(m.role == "tool" for m in request.messages):
        name = tools[0]["function"]["name"]
        if isinstance(request.tool_choice, dict):
            name = request.tool_choice["function"]["name"]
        return Reply(tool_calls=[(name, json.dumps({}))], finish_reason="tool_calls")
    if request.response_format and request.response_format.get("type") != "text":
        return Reply(content="{}")
    return Reply(content="Hello from the offline model.")
