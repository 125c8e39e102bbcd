"""Episodic memory: what happened in a past session, and how it went.

An :class:`Episode` is stored as one record of kind ``episodic``; its fields travel in ``meta`` so
that it can be read back exactly (:meth:`Episode.from_record`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from tutorial_helpers.memory.records import MemoryRecord, as_utc, make_id, utcnow


class Episode(BaseModel):
    """A past planning session.

    Attributes:
        user_id: whose session.
        plan_item_ids: the catalog ids that were planned.
        gift_ids: those of them that were gifts (never give the same gift twice).
        feedback: what the user said about the result.
        rating: 1..5, or ``None`` when the user did not rate.
        summary: one line about the request ("gift and cake for Sam, 8, Boston").
        created_at: when the session ended.
    """

    user_id: str
    plan_item_ids: list[str] = Field(default_factory=list)
    gift_ids: list[str] = Field(default_factory=list)
    feedback: str = ""
    rating: int | None = Field(default=None, ge=1, le=5)
    summary: str = ""
    created_at: dt.datetime = Field(default_factory=utcnow)

    @property
    def importance(self) -> float:
        """Strong opinions matter more: 0.5 for no rating, up to 0.9 for a 1 or a 5."""
        if self.rating is None:
            return 0.5
        return round(0.5 + 0.2 * abs(self.rating - 3), 2)

    def text(self) -> str:
        """The episode as one readable line (this is what gets embedded and retrieved)."""
        parts = [self.summary or "Past session"]
        if self.plan_item_ids:
            parts.append("planned " + ", ".join(self.plan_item_ids))
        if self.gift_ids:
            parts.append("gift " + ", ".join(self.gift_ids))
        if self.rating is not None:
            parts.append(f"rated {self.rating}/5")
        if self.feedback:
            parts.append(f"feedback: {self.feedback}")
        return "; ".join(parts)

    def to_record(self, record_id: str | None = None) -> MemoryRecord:
        """The episode as an ``episodic`` :class:`MemoryRecord`."""
        text = self.text()
        created = as_utc(self.created_at)
        return MemoryRecord(
            id=record_id or make_id(self.user_id, "episodic", text, created.isoformat()),
            kind="episodic", user_id=self.user_id, text=text, created_at=created, importance=self.importance,
            tags=["episode"], source="episode", meta=self.model_dump(mode="json", exclude={"user_id", "created_at"}),
        )

    @classmethod
    def from_record(cls, record: MemoryRecord) -> Episode:
        """Read an episode back from its record."""
        return cls(user_id=record.user_id, created_at=record.created_at, **record.meta)
