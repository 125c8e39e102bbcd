"""Deterministic token counting for the offline model.

Real models count tokens with a byte-pair tokenizer; the offline model only needs counts that are
stable, plausible (about four characters per token for English) and cheap, so that ``usage`` and
cost lessons measure something. A word of up to four characters is one token, a longer word one
token per four characters, and every punctuation mark one token.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PIECES = re.compile(r"\w+|[^\w\s]", re.UNICODE)
#: tokens added per message for the role and separators, as chat models do
PER_MESSAGE_OVERHEAD = 4


def count_tokens(text: str | None) -> int:
    """Count the tokens of ``text`` (0 for empty or ``None``).

    Args:
        text: any string.

    Returns:
        A deterministic, roughly GPT-like token count.
    """
    if not text:
        return 0
    total = 0
    for piece in _PIECES.findall(text):
        total += max(1, -(-len(piece) // 4)) if piece[0].isalnum() or piece[0] == "_" else 1
    return total


def count_messages(messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
                   response_format: dict[str, Any] | None = None) -> int:
    """Count the prompt tokens of a chat request: every message, the tool schemas and the response format.

    Args:
        messages: chat messages as plain dicts (``content`` a string, a list of parts or ``None``).
        tools: the ``tools`` list of the request, if any.
        response_format: the ``response_format`` of the request, if any.
    """
    total = 3  # the reply primer
    for m in messages:
        total += PER_MESSAGE_OVERHEAD
        content = m.get("content")
        if isinstance(content, str):
            total += count_tokens(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict):
                    total += count_tokens(str(part.get("text", "")))
        for call in m.get("tool_calls") or []:
            fn = call.get("function", {}) if isinstance(call, dict) else {}
            total += count_tokens(str(fn.get("name", ""))) + count_tokens(str(fn.get("arguments", "")))
    if tools:
        total += count_tokens(json.dumps(tools, sort_keys=True))
    if response_format:
        total += count_tokens(json.dumps(response_format, sort_keys=True))
    return total
