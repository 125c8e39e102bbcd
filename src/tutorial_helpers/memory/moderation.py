"""Memory moderation: what is written, what is merged, what fades, what is forgotten.

A :class:`Moderator` sits between the agent and the store:

1. **Redaction** — emails, phone numbers, street addresses, card-like numbers and ID numbers are
   replaced by ``[email]``, ``[phone]`` ... *before* anything is written (:func:`redact_pii`).
2. **What is written** — facts about preferences, allergies, diets, past gifts and dates become slot
   facts; a clause with a preference cue ("prefers", "hates", "always") that no allergy, diet or
   interest fact captures becomes a ``note``; chit-chat is dropped.
3. **De-duplication** — the same slot fact, the same normalised text, or a note whose embedding has
   cosine similarity >= 0.95 with a stored note is not written twice. (Slot facts are compared by
   slot and value, never by embedding: "allergy: peanuts" and "allergy: sesame" are 0.95-similar for
   e5 and must both be kept.)
4. **Conflicts** — a newer fact about the same slot supersedes the older one ("allergy: none" after
   "allergy: peanuts"); the older record is marked ``superseded``, not deleted, so the history can be
   audited.
5. **Decay** — ``importance * 0.5 ** (age_days / half_life_days)``; allergy and diet facts do not decay
   (forgetting an allergy is a safety bug, not a feature).
6. **Forgetting on request** — :meth:`Moderator.forget` deletes for real and vacuums the database.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from tutorial_helpers.memory.embeddings import Embedder, default_embedder
from tutorial_helpers.memory.facts import SINGLE_SLOTS, Fact, clause_is_covered, extract_facts, split_clauses
from tutorial_helpers.memory.records import MemoryRecord, as_utc, make_id, text_hash, utcnow
from tutorial_helpers.memory.store import MemoryStore

# ---------------------------------------------------------------------------------------------
# PII redaction
# ---------------------------------------------------------------------------------------------

_STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|"
    r"Square|Sq|Highway|Hwy|Circle|Cir"
)
#: (label, pattern) pairs, applied in this order
PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("card", re.compile(r"(?<!\d)(?:(?:\d{4}[ -]?){3}\d{1,7}|\d{4}[ -]?\d{6}[ -]?\d{5})(?!\d)")),
    ("id", re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")),
    ("phone", re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")),
    ("phone", re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)")),
    ("phone", re.compile(r"(?<![\d-])\d{10}(?!\d)")),
    (
        "address",
        re.compile(
            rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][A-Za-z]*\.?\s+){{1,4}}(?:{_STREET})\b\.?"
            r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|#)\.?\s*\w+)?"
        ),
    ),
)


def find_pii(text: str) -> list[str]:
    """The kinds of personal data found in ``text`` (``["email", "phone"]``), in pattern order."""
    return [label for label, pattern in PII_PATTERNS if pattern.search(text)]


def redact_pii(text: str) -> str:
    """``text`` with emails, card numbers, ID numbers, phone numbers and street addresses replaced.

    Example:
        >>> redact_pii("Call me at 555-123-4567 or mail ana@example.com")
        'Call me at [phone] or mail [email]'
    """
    for label, pattern in PII_PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------

_PREFERENCE_CUE = re.compile(
    r"\b(?:lov|like|hate|dislike|prefer|enjoy|favou?rite|never|always|can'?t stand|avoid|wants?|wish|"
    r"afraid|scared)",
    re.I,
)
_PUNCT = str.maketrans({c: " " for c in string.punctuation})


def normalize_text(text: str) -> str:
    """Lower case, punctuation removed, whitespace collapsed: the key of exact de-duplication."""
    return " ".join(text.lower().translate(_PUNCT).split())


class Decision(BaseModel):
    """What the moderator did with one candidate memory.

    Attributes:
        action: ``written``, ``duplicate`` (an equivalent active memory exists) or ``dropped``.
        reason: one sentence a learner can read.
        record: the candidate record (``None`` for dropped chit-chat).
        duplicate_of: the id of the equivalent stored record.
        supersedes: ids of older records this one replaced.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    action: Literal["written", "duplicate", "dropped"]
    reason: str
    record: MemoryRecord | None = None
    duplicate_of: str | None = None
    supersedes: list[str] = Field(default_factory=list)


def _conflicts(new: Fact, old: MemoryRecord) -> bool:
    """True when fact ``new`` makes the stored fact ``old`` out of date."""
    if old.slot != new.slot:
        return False
    old_value, old_neg = str(old.meta.get("value")), bool(old.meta.get("negated", False))
    if new.slot in SINGLE_SLOTS:
        return old_value != new.value or old_neg != new.negated
    if new.value == "*":  # "no allergies any more" replaces every allergy fact
        return not (old_value == "*" and old_neg == new.negated)
    if old_value == "*":  # a new allergy after "no allergies"
        return not new.negated
    return old_value == new.value and old_neg != new.negated


class Moderator:
    """Decides what reaches long-term memory, and keeps it tidy.

    Args:
        embedder: used for near-duplicate notes (default: the offline e5 model).
        dedup_threshold: cosine similarity at or above which two notes are the same memory.
        half_life_days: days after which a memory's importance halves.
        no_decay_slots: fact slots that never decay (safety facts).
        note_importance: importance of free-text notes.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        dedup_threshold: float = 0.95,
        half_life_days: float = 90.0,
        no_decay_slots: Iterable[str] = ("allergy", "diet"),
        note_importance: float = 0.4,
    ) -> None:
        self._embedder = embedder
        self.dedup_threshold = dedup_threshold
        self.half_life_days = half_life_days
        self.no_decay_slots = frozenset(no_decay_slots)
        self.note_importance = note_importance

    @property
    def embedder(self) -> Embedder:
        """The embedder (created on first use)."""
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    # -- what is written ------------------------------------------------------------------------

    @staticmethod
    def redact(text: str) -> str:
        """See :func:`redact_pii`."""
        return redact_pii(text)

    def candidates(
        self, text: str, user_id: str, now: dt.datetime | None = None, source: str = "user"
    ) -> list[MemoryRecord]:
        """The records worth writing for what the user said (redacted; not yet de-duplicated).

        Facts become ``semantic`` records; a sentence with a preference cue but no fact becomes a
        ``note``; chit-chat gives an empty list.
        """
        now = as_utc(now) if now is not None else utcnow()
        clean = redact_pii(text).strip()
        # the sentence itself is not kept beside the fact (data minimisation: forgetting a note must
        # not leave a copy of it in another record's metadata)
        out = [self.fact_record(f, user_id, now, source=source) for f in extract_facts(clean, now.date())]
        for clause in split_clauses(clean):
            if len(clause.split()) >= 3 and _PREFERENCE_CUE.search(clause) and not clause_is_covered(clause):
                out.append(MemoryRecord(
                    id=make_id(user_id, "note", clause, now.isoformat()), kind="note", user_id=user_id, text=clause,
                    created_at=now, importance=self.note_importance, tags=["note"], source=source,
                ))
        return out

    @staticmethod
    def fact_record(
        fact: Fact, user_id: str, now: dt.datetime, source: str = "user", importance: float | None = None,
    ) -> MemoryRecord:
        """A ``semantic`` record holding ``fact`` (``meta`` keeps slot, value and negation)."""
        meta: dict[str, object] = {"slot": fact.slot, "value": fact.value, "negated": fact.negated, "key": fact.key}
        return MemoryRecord(
            id=make_id(user_id, "semantic", fact.text, as_utc(now).isoformat()), kind="semantic", user_id=user_id,
            text=fact.text, created_at=now, importance=fact.importance if importance is None else importance,
            tags=[fact.slot], source=source, meta=meta,
        )

    # -- de-duplication and conflicts -----------------------------------------------------------

    def review(self, record: MemoryRecord, store: MemoryStore, embedding: np.ndarray | None = None) -> Decision:
        """Compare ``record`` with the user's active memories: duplicate, or write (superseding some)."""
        existing = [r for r in store.list(record.user_id, kinds=[record.kind]) if r.id != record.id]
        norm = normalize_text(record.text)
        for old in existing:
            if normalize_text(old.text) == norm:
                return Decision(action="duplicate", reason=f"Same text as {old.id}.", record=record,
                                duplicate_of=old.id)
        supersedes: list[str] = []
        if record.kind == "semantic" and record.slot is not None:
            fact = Fact(slot=record.slot, value=str(record.meta.get("value")), negated=bool(record.meta.get("negated")))
            for old in existing:
                if old.slot == fact.slot and str(old.meta.get("value")) == fact.value and bool(
                    old.meta.get("negated")
                ) == fact.negated:
                    return Decision(action="duplicate", reason=f"Same fact as {old.id}.", record=record,
                                    duplicate_of=old.id)
                if _conflicts(fact, old) and old.created_at <= record.created_at:
                    supersedes.append(old.id)
        elif embedding is not None and existing:
            stored = store.embeddings([r.id for r in existing])
            for old in existing:
                vec = stored.get(old.id)
                if vec is not None and vec.shape == embedding.shape:
                    sim = float(np.dot(vec, embedding))
                    if sim >= self.dedup_threshold:
                        return Decision(action="duplicate", reason=f"Cosine {sim:.3f} with {old.id}.", record=record,
                                        duplicate_of=old.id)
        reason = f"New {record.kind} memory" + (f", supersedes {len(supersedes)}." if supersedes else ".")
        return Decision(action="written", reason=reason, record=record, supersedes=supersedes)

    def write(self, record: MemoryRecord, store: MemoryStore, embedding: np.ndarray | None = None) -> Decision:
        """Redact, de-duplicate, resolve conflicts and write ``record``; returns the decision.

        The record is embedded (semantic search needs it; pass ``embedding`` when you already have it)
        and its ``embedding_hash`` set.
        """
        original = record.text
        record = record.model_copy(update={"text": redact_pii(original)})
        vec = embedding if embedding is not None and record.text == original else None
        if vec is None:
            vec = self.embedder.embed_passages([record.text])[0]
        record.embedding_hash = text_hash(self.embedder.name, record.text)
        while store.get(record.id) is not None:  # same text at the same instant: keep ids unique
            record.id = make_id(record.id, "again")
        decision = self.review(record, store, embedding=vec)
        if decision.action != "written":
            return decision
        store.add(record, embedding=vec)
        for old_id in decision.supersedes:
            old = store.get(old_id)
            if old is not None:
                store.update(old.model_copy(update={"status": "superseded", "superseded_by": record.id}))
        return decision

    def observe(
        self, store: MemoryStore, user_id: str, text: str, now: dt.datetime | None = None, source: str = "user"
    ) -> list[Decision]:
        """Read what the user said and write what is worth keeping; one decision per candidate.

        Chit-chat gives a single ``dropped`` decision.
        """
        cands = self.candidates(text, user_id, now=now, source=source)
        if not cands:
            return [Decision(action="dropped", reason="No fact or preference worth remembering.")]
        vecs = self.embedder.embed_passages([c.text for c in cands])  # one batch
        return [self.write(c, store, embedding=v) for c, v in zip(cands, vecs, strict=True)]

    # -- decay ----------------------------------------------------------------------------------

    def decayed_importance(self, record: MemoryRecord, now: dt.datetime | None = None) -> float:
        """``importance * 0.5 ** (age_days / half_life_days)``; safety facts keep their importance."""
        if record.slot in self.no_decay_slots or self.half_life_days <= 0:
            return record.importance
        return record.importance * 0.5 ** (record.age_days(now) / self.half_life_days)

    def prune(
        self, store: MemoryStore, user_id: str, now: dt.datetime | None = None, threshold: float = 0.05
    ) -> int:
        """Delete the user's memories whose decayed importance fell below ``threshold``; returns the count."""
        n = 0
        for r in store.list(user_id, include_superseded=True):
            if self.decayed_importance(r, now) < threshold:
                n += store.delete(r.id)
        return n

    # -- deletion on request --------------------------------------------------------------------

    @staticmethod
    def forget(store: MemoryStore, *, user_id: str | None = None, record_id: str | None = None) -> int:
        """Delete for real (the store vacuums): one record, or everything about one user.

        Args:
            store: the memory store.
            user_id: delete every record of this user ("forget me").
            record_id: delete this one record.

        Returns:
            How many records were deleted.

        Raises:
            ValueError: neither or both of ``user_id`` and ``record_id`` were given.
        """
        if (user_id is None) == (record_id is None):
            raise ValueError("Give exactly one of user_id= or record_id= to forget.")
        if record_id is not None:
            return store.delete(record_id)
        return store.delete_user(str(user_id))
