"""Working (short-term) memory: the last few turns of the conversation, plus a running summary.

The buffer holds at most ``max_messages`` turns. When it overflows, the oldest turns are folded into
``summary`` by a *summariser*: any callable ``(previous_summary, dropped_messages) -> str``. The default,
:func:`extractive_summary`, keeps the sentences that carry facts (allergies, diets, dates, numbers,
places, names) and needs no model; pass an LLM-backed callable to get an abstractive summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

from tutorial_helpers.domain import ALLERGENS, CITIES, DIET_TAGS, INTERESTS
from tutorial_helpers.memory.moderation import redact_pii

Role = Literal["user", "assistant", "system", "tool"]
Summarizer = Callable[[str, Sequence["Message"]], str]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_SAFETY_WORDS = re.compile(
    r"allerg|intoleran|\b(?:" + "|".join(re.escape(w) for w in (*ALLERGENS, *DIET_TAGS)) + r")\b", re.I
)
_FACT_WORDS = re.compile(
    r"\$\s?\d|\d+\s*(?:guests|people|kids|children|years?|yo|dollars|usd)\b|\d{4}-\d{2}-\d{2}|turn(?:s|ing)?\s+\d|"
    r"\d+(?:st|nd|rd|th)\b|budget|guest|birthday|prefer|love|like|hate|avoid|never|always|\b(?:"
    + "|".join(re.escape(w) for w in (*CITIES, *INTERESTS))
    + r")\b",
    re.I,
)


class Message(BaseModel):
    """One conversation turn."""

    role: Role
    content: str


def extractive_summary(previous: str, dropped: Sequence[Message], max_chars: int = 600) -> str:
    """Keep the fact-bearing sentences of ``dropped`` (and of ``previous``), newest kept first when too long.

    Deterministic and model-free: a sentence is kept when it mentions an allergen, a diet, a city, an
    interest, an amount, a date, a guest count, or words like budget/prefer/hate. Duplicates are removed.
    When the summary grows too long, the oldest sentences go first, allergy and diet sentences last.

    Args:
        previous: the summary so far.
        dropped: the turns leaving the buffer.
        max_chars: the summary is trimmed (oldest sentences first) to this length.
    """
    sentences = [s for s in _SENTENCE.split(previous) if s.strip()] if previous else []
    for m in dropped:
        for s in _SENTENCE.split(m.content):
            s = s.strip()
            if s and (_SAFETY_WORDS.search(s) or _FACT_WORDS.search(s)):
                sentences.append(s if s.startswith(f"{m.role}:") else f"{m.role}: {s}")
    unique = list(dict.fromkeys(sentences))
    # too long: drop the oldest ordinary sentence first, safety sentences (allergies, diets) last
    while len(unique) > 1 and len(" ".join(unique)) > max_chars:
        ordinary = [i for i, s in enumerate(unique) if not _SAFETY_WORDS.search(s)]
        unique.pop(ordinary[0] if ordinary else 0)
    out = " ".join(unique)
    return out[-max_chars:] if len(out) > max_chars else out


class WorkingMemory:
    """A bounded buffer of recent turns with a summarisation hook.

    Args:
        max_messages: at most this many turns are kept verbatim.
        keep_after_summary: how many recent turns remain after an overflow (default: half).
        summarizer: ``(previous_summary, dropped_messages) -> new_summary`` (default: extractive).
        redact: replace personal data in each turn before keeping it.

    Example:
        >>> wm = WorkingMemory(max_messages=4)
        >>> for i in range(10):
        ...     _ = wm.add("user", f"message {i}")
        >>> len(wm.messages) <= 4
        True
    """

    def __init__(
        self,
        max_messages: int = 12,
        keep_after_summary: int | None = None,
        summarizer: Summarizer | None = None,
        redact: bool = True,
    ) -> None:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1 (got {max_messages}).")
        self.max_messages = max_messages
        self.keep_after_summary = max(0, min(max_messages - 1, keep_after_summary or max_messages // 2))
        self.summarizer: Summarizer = summarizer or extractive_summary
        self.redact = redact
        self.summary = ""
        self._messages: list[Message] = []
        self.summarized_count = 0

    @property
    def messages(self) -> list[Message]:
        """The turns kept verbatim, oldest first (a copy)."""
        return list(self._messages)

    def add(self, role: Role, content: str) -> Message:
        """Append a turn; summarise the oldest turns when the buffer overflows."""
        msg = Message(role=role, content=redact_pii(content) if self.redact else content)
        self._messages.append(msg)
        if len(self._messages) > self.max_messages:
            cut = len(self._messages) - self.keep_after_summary
            dropped, self._messages = self._messages[:cut], self._messages[cut:]
            self.summary = self.summarizer(self.summary, dropped)
            self.summarized_count += len(dropped)
        return msg

    def clear(self) -> None:
        """Forget the buffer and the summary."""
        self._messages.clear()
        self.summary = ""
        self.summarized_count = 0

    def as_chat(self) -> list[dict[str, str]]:
        """The buffer as chat messages (the summary first, as a system message, when there is one)."""
        out = [{"role": "system", "content": f"Earlier in this conversation: {self.summary}"}] if self.summary else []
        return out + [{"role": m.role, "content": m.content} for m in self._messages]

    def render(self) -> str:
        """The buffer as plain text for a prompt."""
        lines = [f"(earlier: {self.summary})"] if self.summary else []
        lines += [f"{m.role}: {m.content}" for m in self._messages]
        return "\n".join(lines)

    def __len__(self) -> int:
        return len(self._messages)
