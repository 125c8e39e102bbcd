"""The unit of memory: a :class:`MemoryRecord` (one row of the store).

Every kind of memory in this package is stored as a record:

==============  ==============================================================  ==========================
kind            what it holds                                                   example text
==============  ==============================================================  ==========================
``semantic``    a fact about the user, one *slot* and *value* (``meta``)        ``allergy: peanuts``
``episodic``    a past session: what was planned and how it went                ``Planned g-12, c-3 ...``
``procedural``  a planning rule or lesson learned (shared by every user)        ``ask for the date ...``
``note``        free text worth keeping that is not a slot fact                 ``Sam hates loud music``
``working``     a summary of a conversation that outgrew the working buffer     ``user: ...``
==============  ==============================================================  ==========================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MemoryKind = Literal["semantic", "episodic", "procedural", "note", "working"]
MEMORY_KINDS: tuple[str, ...] = ("semantic", "episodic", "procedural", "note", "working")
Status = Literal["active", "superseded"]
#: the user id under which agent-wide memories (procedural rules) live
AGENT_SCOPE = "__agent__"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware (UTC), on the run's day (:func:`tutorial_helpers.clock.now`)."""
    from tutorial_helpers import clock

    return clock.now()


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` as a timezone-aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def make_id(*parts: object) -> str:
    """A short deterministic id from ``parts`` (same inputs, same id)."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"mem-{h[:12]}"


def text_hash(model: str, text: str) -> str:
    """The embedding hash of ``text`` under embedding model ``model``.

    A record whose ``embedding_hash`` differs from ``text_hash(embedder.name, record.text)``
    has a stale (or missing) embedding and must be re-embedded.
    """
    return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()[:16]


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters per token), enough to compare prompt sizes."""
    return math.ceil(len(text) / 4) if text else 0


class MemoryRecord(BaseModel):
    """One remembered thing.

    Attributes:
        id: unique id (deterministic when created through :class:`~tutorial_helpers.memory.AgentMemory`).
        kind: ``semantic``, ``episodic``, ``procedural``, ``note`` or ``working``.
        user_id: whose memory this is (:data:`AGENT_SCOPE` for agent-wide rules).
        text: the memory itself, already redacted of personal data.
        created_at: when it was written (UTC).
        importance: 0..1, how much it matters (allergies 1.0, chit-chat never stored).
        tags: free labels, e.g. ``["allergy"]``.
        embedding_hash: :func:`text_hash` of the stored embedding (``None``: no embedding).
        source: where it came from (``"user"``, ``"episode"``, ``"lesson"`` ...).
        meta: structured payload (``{"slot": "allergy", "value": "peanuts"}`` for a fact).
        status: ``active`` or ``superseded`` (kept for audit, never retrieved by default).
        superseded_by: the id of the newer record that replaced this one.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: MemoryKind
    user_id: str
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    embedding_hash: str | None = None
    source: str = "user"
    meta: dict[str, Any] = Field(default_factory=dict)
    status: Status = "active"
    superseded_by: str | None = None

    @field_validator("created_at")
    @classmethod
    def _utc(cls, v: dt.datetime) -> dt.datetime:
        return as_utc(v)

    @property
    def slot(self) -> str | None:
        """The fact slot (``"allergy"``, ``"city"`` ...) of a semantic record, else ``None``."""
        slot = self.meta.get("slot")
        return str(slot) if slot is not None else None

    def age_days(self, now: dt.datetime | None = None) -> float:
        """How old the record is, in days, at ``now`` (default: the current time)."""
        now = as_utc(now) if now is not None else utcnow()
        return max(0.0, (now - self.created_at).total_seconds() / 86_400)
