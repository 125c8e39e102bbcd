"""Procedural memory: named planning rules and lessons learned, shared by every user.

A rule such as "ask for the date before searching venues" is stored as a record of kind
``procedural`` (under :data:`~tutorial_helpers.memory.records.AGENT_SCOPE` unless you give a scope)
and rendered into a system-prompt snippet with :meth:`ProceduralMemory.snippet`.
Adding a rule with an existing name replaces it (the old version is kept as superseded).
"""

from __future__ import annotations

import datetime as dt

from tutorial_helpers.memory.records import AGENT_SCOPE, MemoryRecord, as_utc, make_id, utcnow
from tutorial_helpers.memory.store import MemoryStore

#: rules a birthday planner starts with
DEFAULT_RULES: dict[str, str] = {
    "date_first": "Ask for the date before searching venues: opening days depend on it.",
    "allergies_everywhere": "Apply the allergies to every cake and food item, even when the user did not repeat them.",
    "no_repeat_gifts": "Never suggest a gift the recipient already received in a past session.",
    "budget_check": "Add up the subtotals before presenting a plan; stay under the budget.",
}


class ProceduralMemory:
    """Named rules an agent follows, stored in a :class:`~tutorial_helpers.memory.store.MemoryStore`.

    Args:
        store: the memory store.
        scope: whose rules (default: agent-wide).
    """

    def __init__(self, store: MemoryStore, scope: str = AGENT_SCOPE) -> None:
        self.store = store
        self.scope = scope

    def add_rule(
        self, name: str, rule: str, importance: float = 0.8, source: str = "lesson", now: dt.datetime | None = None
    ) -> MemoryRecord:
        """Store ``rule`` under ``name`` (replacing a rule of the same name); returns the record."""
        now = as_utc(now) if now is not None else utcnow()
        old = self.get(name)
        if old is not None and old.text == rule:
            return old
        record = MemoryRecord(
            id=make_id(self.scope, "procedural", name, rule, now.isoformat()), kind="procedural", user_id=self.scope,
            text=rule, created_at=now, importance=importance, tags=["rule", name], source=source,
            meta={"name": name},
        )
        self.store.add(record)
        if old is not None:
            self.store.update(old.model_copy(update={"status": "superseded", "superseded_by": record.id}))
        return record

    def seed_defaults(self, now: dt.datetime | None = None) -> int:
        """Add :data:`DEFAULT_RULES` that are not there yet; returns how many were added."""
        n = 0
        for name, rule in DEFAULT_RULES.items():
            if self.get(name) is None:
                self.add_rule(name, rule, source="default", now=now)
                n += 1
        return n

    def get(self, name: str) -> MemoryRecord | None:
        """The active rule called ``name``, or ``None``."""
        for r in self.rules():
            if r.meta.get("name") == name:
                return r
        return None

    def rules(self) -> list[MemoryRecord]:
        """Active rules, most important first (then oldest first)."""
        records = self.store.list(self.scope, kinds=["procedural"])
        return sorted(records, key=lambda r: (-r.importance, r.created_at, r.id))

    def remove(self, name: str) -> int:
        """Delete every version of the rule called ``name``; returns the count."""
        n = 0
        for r in self.store.list(self.scope, kinds=["procedural"], include_superseded=True):
            if r.meta.get("name") == name:
                n += self.store.delete(r.id)
        return n

    def snippet(self, max_rules: int = 8) -> str:
        """The rules as a system-prompt snippet (empty string when there are none)."""
        rules = self.rules()[:max_rules]
        if not rules:
            return ""
        return "Planning rules learned from past sessions:\n" + "\n".join(f"- {r.text}" for r in rules)
