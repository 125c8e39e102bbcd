"""The memory facade a planner uses: :class:`AgentMemory`.

One object per (store, user) pair ties the memory types together::

    memory = AgentMemory(SQLiteMemoryStore("memory.db"), user_id="ana")
    memory.remember_turn("user", "Plan Sam's 8th birthday, he is allergic to peanuts")   # working
    memory.observe("Sam is allergic to peanuts")                                          # semantic
    memory.record_episode(["g-101", "c-7"], feedback="Loved it", rating=5, gift_ids=["g-101"])
    memory.context_for("Plan Sam's birthday again")   # the snippet to prepend to a prompt
    memory.forget_all()                                # "forget me"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from tutorial_helpers.domain import BirthdayRequest, UserProfile
from tutorial_helpers.memory.embeddings import Embedder
from tutorial_helpers.memory.episodic import Episode
from tutorial_helpers.memory.facts import Fact
from tutorial_helpers.memory.moderation import Decision, Moderator, redact_pii
from tutorial_helpers.memory.procedural import ProceduralMemory
from tutorial_helpers.memory.profile import LongTermProfile, merge_profile
from tutorial_helpers.memory.records import MemoryRecord, as_utc, estimate_tokens, text_hash, utcnow
from tutorial_helpers.memory.retrieval import ScoredRecord, Strategy, retrieve
from tutorial_helpers.memory.store import MemoryStore
from tutorial_helpers.memory.working import Message, WorkingMemory

ItemCategory = Callable[[str], "str | None"]


def catalog_category(item_id: str) -> str | None:
    """The category of catalog item ``item_id`` (``None`` when the catalog or the item is unavailable)."""
    try:
        from tutorial_helpers.catalog import load_catalog

        catalog: Any = load_catalog()
        getter = getattr(catalog, "get", None)
        item = getter(item_id) if callable(getter) else None
        if item is None:
            items = getattr(catalog, "items", catalog)
            items = items() if callable(items) else items
            item = next((i for i in items if getattr(i, "id", None) == item_id), None)
    except (ImportError, AttributeError, FileNotFoundError, KeyError, LookupError, TypeError, ValueError):
        return None
    return getattr(item, "category", None)


class AgentMemory:
    """Working, semantic, episodic, procedural memory and the profile of one user, behind one object.

    Args:
        store: any :class:`~tutorial_helpers.memory.store.MemoryStore`.
        user_id: whose memory.
        moderator: decides what is written (default: :class:`~tutorial_helpers.memory.moderation.Moderator`).
        embedder: embeddings for de-duplication and relevance (default: offline e5).
        working: the short-term buffer (default: 12 turns, extractive summary).
        clock: returns "now" (pass a fixed clock for reproducible runs).
        item_category: maps a catalog id to its category, to tell gifts apart in :meth:`record_episode`.
    """

    def __init__(
        self,
        store: MemoryStore,
        user_id: str,
        *,
        moderator: Moderator | None = None,
        embedder: Embedder | None = None,
        working: WorkingMemory | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        item_category: ItemCategory | None = None,
    ) -> None:
        if not user_id:
            raise ValueError("AgentMemory needs a non-empty user_id.")
        self.store = store
        self.user_id = user_id
        self.moderator = moderator or Moderator(embedder=embedder)
        self.working = working or WorkingMemory()
        self.procedural = ProceduralMemory(store)
        self.clock = clock or utcnow
        self.item_category = item_category or catalog_category

    @property
    def embedder(self) -> Embedder:
        """The embedder shared with the moderator."""
        return self.moderator.embedder

    def now(self) -> dt.datetime:
        """The current time according to :attr:`clock`."""
        return as_utc(self.clock())

    # -- writing --------------------------------------------------------------------------------

    def remember_turn(self, role: str, text: str) -> Message:
        """Add a conversation turn to working memory (redacted; nothing is written to the store)."""
        return self.working.add(role, text)  # type: ignore[arg-type]

    def observe(self, text: str, source: str = "user") -> list[Decision]:
        """Read what the user said and write the facts worth keeping (moderated: redacted, de-duplicated,
        conflicts resolved). Returns one :class:`~tutorial_helpers.memory.moderation.Decision` per candidate.
        """
        return self.moderator.observe(self.store, self.user_id, text, now=self.now(), source=source)

    def remember_fact(self, slot: str, value: str, negated: bool = False, source: str = "user") -> Decision:
        """Write one slot fact directly (e.g. from a structured form), through the moderator."""
        fact = Fact(slot=slot, value=value, negated=negated)
        return self.moderator.write(self.moderator.fact_record(fact, self.user_id, self.now(), source=source),
                                    self.store)

    def record_episode(
        self,
        plan_item_ids: Sequence[str],
        feedback: str = "",
        rating: int | None = None,
        *,
        gift_ids: Iterable[str] | None = None,
        summary: str = "",
    ) -> MemoryRecord:
        """Store a finished session as an episode, and each gift as a ``past_gift`` fact.

        Args:
            plan_item_ids: what was planned.
            feedback: what the user said about it (redacted; preferences in it are also observed).
            rating: 1..5.
            gift_ids: which ids were gifts (default: looked up with ``item_category``).
            summary: one line about the request.

        Returns:
            The episodic record.
        """
        ids = list(dict.fromkeys(plan_item_ids))
        gifts = list(gift_ids) if gift_ids is not None else [i for i in ids if self.item_category(i) == "gift"]
        now = self.now()
        episode = Episode(
            user_id=self.user_id, plan_item_ids=ids, gift_ids=gifts, feedback=redact_pii(feedback), rating=rating,
            summary=redact_pii(summary), created_at=now,
        )
        record = episode.to_record()
        while self.store.get(record.id) is not None:
            record.id = record.id + "x"
        record.embedding_hash = text_hash(self.embedder.name, record.text)
        self.store.add(record, embedding=self.embedder.embed_passages([record.text])[0])
        for gift in gifts:
            self.remember_fact("past_gift", gift, source="episode")
        if feedback:
            self.observe(feedback, source="feedback")
        return record

    # -- reading --------------------------------------------------------------------------------

    def recall(
        self,
        query: str | None = None,
        k: int = 5,
        strategy: Strategy = "hybrid",
        *,
        kinds: Iterable[str] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> list[ScoredRecord]:
        """The user's ``k`` best memories for ``query`` (see :func:`~tutorial_helpers.memory.retrieval.retrieve`)."""
        return retrieve(
            self.store, self.user_id, query, k, strategy, kinds=kinds, weights=weights, now=self.now(),
            embedder=self.embedder,
        )

    def profile(self) -> UserProfile:
        """The long-term profile folded from the active facts and episodes."""
        return LongTermProfile(self.store, self.user_id).build()

    def episodes(self) -> list[Episode]:
        """Past sessions, newest first."""
        return [Episode.from_record(r) for r in self.store.list(self.user_id, kinds=["episodic"])]

    def apply_to_request(self, request: BirthdayRequest) -> tuple[BirthdayRequest, set[str]]:
        """Merge the profile into ``request``: ``(merged_request, exclude_ids)`` (see
        :func:`~tutorial_helpers.memory.profile.merge_profile`)."""
        return merge_profile(request, self.profile())

    def context_for(self, request_text: str, k: int = 4, include_rules: bool = True) -> str:
        """The memory snippet to prepend to a planning prompt (empty when there is nothing to say).

        It lists the safety facts first (allergies, diets), then city, name, past gifts not to repeat,
        the ``k`` memories most relevant to ``request_text``, the working-memory summary and the rules.
        """
        p = self.profile()
        lines: list[str] = []
        if p.allergies:
            lines.append(f"- Allergies (always avoid): {', '.join(p.allergies)}")
        if p.dietary:
            lines.append(f"- Diet: {', '.join(p.dietary)}")
        known = [f"{label}: {v}" for label, v in (("recipient", p.name), ("city", p.city)) if v]
        if known:
            lines.append("- " + "; ".join(known))
        if p.past_gift_ids:
            lines.append(f"- Past gifts (do not repeat): {', '.join(p.past_gift_ids)}")
        shown = {f"allergy: {a}" for a in p.allergies} | {f"diet: {d}" for d in p.dietary}
        shown |= {f"past_gift: {g}" for g in p.past_gift_ids} | {f"city: {p.city}", f"name: {p.name}"}
        if request_text and self.store.count(self.user_id, include_superseded=False):
            for hit in self.recall(request_text, k=k + len(shown)):
                if hit.record.text not in shown and len(lines) < 6 + k:
                    lines.append(f"- {hit.record.text}")
                    shown.add(hit.record.text)
        parts: list[str] = []
        if lines:
            parts.append("What you remember about this user from earlier sessions:\n" + "\n".join(lines))
        if self.working.summary:
            parts.append(f"Earlier in this conversation: {self.working.summary}")
        if include_rules:
            rules = self.procedural.snippet()
            if rules:
                parts.append(rules)
        return "\n\n".join(parts)

    def stats(self, request_text: str = "") -> dict[str, int]:
        """Counts for reports: active and total records, and the tokens :meth:`context_for` adds."""
        return {
            "active_records": self.store.count(self.user_id, include_superseded=False),
            "total_records": self.store.count(self.user_id),
            "context_tokens": estimate_tokens(self.context_for(request_text, include_rules=False)),
        }

    # -- forgetting -----------------------------------------------------------------------------

    def forget(self, record_id: str) -> int:
        """Delete one memory for real; returns 0 or 1."""
        return Moderator.forget(self.store, record_id=record_id)

    def forget_all(self) -> int:
        """Delete everything remembered about this user (and clear working memory); returns the count."""
        self.working.clear()
        return Moderator.forget(self.store, user_id=self.user_id)
