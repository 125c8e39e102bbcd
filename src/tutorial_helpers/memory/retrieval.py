"""Which memories to put in front of the model: four retrieval strategies.

============  ================================================================================
strategy      score of a record
============  ================================================================================
recency       ``0.5 ** (age_days / half_life_days)`` — newest first
relevance     cosine similarity between the query and the record (e5 embeddings)
importance    the record's ``importance`` — what matters most, whatever was asked
hybrid        weighted sum of the three, each min-max normalised over the candidates
============  ================================================================================

:func:`rank` orders a list of records you already have; :func:`retrieve` reads them from a store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from tutorial_helpers.memory.embeddings import Embedder, default_embedder
from tutorial_helpers.memory.records import MemoryRecord, text_hash, utcnow
from tutorial_helpers.memory.store import MemoryStore

Strategy = Literal["recency", "relevance", "importance", "hybrid"]
STRATEGIES: tuple[str, ...] = ("recency", "relevance", "importance", "hybrid")
DEFAULT_WEIGHTS: dict[str, float] = {"recency": 0.3, "relevance": 0.5, "importance": 0.2}


class ScoredRecord(BaseModel):
    """A retrieved record with its score and the parts the score was made of."""

    record: MemoryRecord
    score: float
    components: dict[str, float] = Field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.score:.3f}  {self.record.text}"


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-12:
        return np.ones_like(values)
    return (values - lo) / (hi - lo)


def relevance_scores(
    query: str,
    records: Sequence[MemoryRecord],
    embedder: Embedder | None = None,
    stored: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Cosine similarity of ``query`` with each record.

    Stored embeddings are reused when their ``embedding_hash`` matches this embedder and text;
    the others are embedded now (in one batch).
    """
    emb = embedder or default_embedder()
    stored = stored or {}
    q = emb.embed_query(query)
    vecs: list[np.ndarray | None] = []
    missing: list[int] = []
    for i, r in enumerate(records):
        v = stored.get(r.id)
        if v is not None and r.embedding_hash == text_hash(emb.name, r.text) and v.shape == q.shape:
            vecs.append(v)
        else:
            vecs.append(None)
            missing.append(i)
    if missing:
        fresh = emb.embed_passages([records[i].text for i in missing])
        for j, i in enumerate(missing):
            vecs[i] = fresh[j]
    if not records:
        return np.zeros(0, dtype=np.float32)
    mat = np.stack([np.asarray(v, dtype=np.float32) for v in vecs])
    norms = np.linalg.norm(mat, axis=1) * (float(np.linalg.norm(q)) or 1.0)
    norms[norms == 0] = 1.0
    return (mat @ q) / norms


def rank(
    records: Sequence[MemoryRecord],
    query: str | None = None,
    k: int | None = 5,
    strategy: Strategy = "hybrid",
    *,
    weights: Mapping[str, float] | None = None,
    now: dt.datetime | None = None,
    half_life_days: float = 30.0,
    embedder: Embedder | None = None,
    embeddings: Mapping[str, np.ndarray] | None = None,
) -> list[ScoredRecord]:
    """Order ``records`` by ``strategy`` and keep the top ``k``.

    Args:
        records: the candidates.
        query: what we are looking for (needed by ``relevance``; optional for ``hybrid``).
        k: how many to return (``None``: all).
        strategy: ``recency``, ``relevance``, ``importance`` or ``hybrid``.
        weights: hybrid weights for ``recency``, ``relevance``, ``importance`` (default
            :data:`DEFAULT_WEIGHTS`); they need not sum to one.
        now: the reference time for recency (default: now).
        half_life_days: recency halves every this many days.
        embedder: for relevance (default: the offline e5 model, loaded on first use).
        embeddings: stored embeddings by record id, reused when still valid.

    Returns:
        :class:`ScoredRecord` objects, best first (ties broken by newest, then id).

    Raises:
        ValueError: unknown strategy, or ``relevance`` without a query.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown retrieval strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}.")
    if strategy == "relevance" and not query:
        raise ValueError("The relevance strategy needs a query.")
    records = list(records)
    if not records:
        return []
    now = now or utcnow()
    recency = np.array([0.5 ** (r.age_days(now) / half_life_days) for r in records], dtype=np.float64)
    importance = np.array([r.importance for r in records], dtype=np.float64)
    parts: dict[str, np.ndarray] = {"recency": recency, "importance": importance}
    if query and strategy in ("relevance", "hybrid"):
        parts["relevance"] = relevance_scores(query, records, embedder, embeddings).astype(np.float64)
    if strategy == "hybrid":
        w = dict(DEFAULT_WEIGHTS if weights is None else weights)
        unknown = set(w) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"Unknown hybrid weight {sorted(unknown)[0]!r}; use recency, relevance, importance.")
        used = {name: float(w.get(name, 0.0)) for name in parts}
        total = sum(used.values()) or 1.0
        scores = sum(used[name] * _minmax(parts[name]) for name in parts) / total
    else:
        scores = parts[strategy]
    order = sorted(
        range(len(records)),
        key=lambda i: (-float(scores[i]), -records[i].created_at.timestamp(), records[i].id),
    )
    if k is not None:
        order = order[:k]
    return [
        ScoredRecord(
            record=records[i], score=round(float(scores[i]), 6),
            components={name: round(float(v[i]), 6) for name, v in parts.items()},
        )
        for i in order
    ]


def retrieve(
    store: MemoryStore,
    user_id: str,
    query: str | None = None,
    k: int | None = 5,
    strategy: Strategy = "hybrid",
    *,
    kinds: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    now: dt.datetime | None = None,
    half_life_days: float = 30.0,
    embedder: Embedder | None = None,
) -> list[ScoredRecord]:
    """Retrieve a user's active memories from ``store``, ranked by ``strategy`` (see :func:`rank`).

    Example:
        >>> hits = retrieve(store, "u1", "what can the kid not eat?", k=3, strategy="relevance")  # doctest: +SKIP
        >>> [h.record.text for h in hits]  # doctest: +SKIP
        ['allergy: peanuts', ...]
    """
    records = store.list(user_id, kinds=kinds)
    stored = store.embeddings([r.id for r in records]) if query and strategy in ("relevance", "hybrid") else None
    return rank(
        records, query, k, strategy, weights=weights, now=now, half_life_days=half_life_days,
        embedder=embedder, embeddings=stored,
    )
