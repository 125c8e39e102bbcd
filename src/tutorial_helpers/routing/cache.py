"""A cache of repeated model calls: same request in, stored answer out, no tokens spent.

Agent teams repeat themselves: the same scenario planned again, the same retrieval prompt for two users
with the same constraints, a router asked the same question. :class:`CallCache` keys a call by a hash
of what determines its answer - the model, the messages, the tools, the response format (and the
sampling settings such as ``seed`` or ``temperature``) - and keeps the answer in memory and, optionally,
in a SQLite file that survives restarts. Hits and misses are counted.

Two ways to use it:

* :class:`CachedClient` wraps an ``openai.OpenAI`` client: ``chat.completions.create`` and
  ``chat.completions.parse`` look in the cache first; everything else goes to the wrapped client;
* :func:`cached` is a decorator for any function whose arguments are JSON-serialisable.

>>> cache = CallCache()
>>> @cached(cache)
... def slow_square(x: int) -> int:
...     return x * x
>>> slow_square(4), slow_square(4), cache.hits, cache.misses
(16, 16, 1, 1)

Only cache calls whose answer should not change between calls (a fixed ``seed``, temperature 0, or a
deterministic model such as the offline stand-in); a cached creative answer is the same answer forever.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

F = TypeVar("F", bound=Callable[..., Any])

#: keyword arguments that do not change the answer and stay out of the key
IGNORED_KWARGS: frozenset[str] = frozenset({"timeout", "extra_headers", "extra_query", "extra_body", "stream_options"})


def _normal(obj: Any) -> Any:
    """A JSON-ready, order-independent form of ``obj`` (pydantic models and classes included)."""
    if isinstance(obj, type) and issubclass(obj, BaseModel):
        return {"pydantic": obj.__name__, "schema": obj.model_json_schema()}
    if isinstance(obj, BaseModel):
        return _normal(obj.model_dump(exclude_none=True))
    if isinstance(obj, dict):
        return {str(k): _normal(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, (list, tuple)):
        return [_normal(v) for v in obj]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return repr(obj)


def cache_key(model: str, messages: Any, tools: Any = None, response_format: Any = None, **extra: Any) -> str:
    """The cache key of a chat call: a SHA-256 of model, messages, tools, response format and settings.

    Dict key order and ``None`` values do not matter; anything that changes the answer does.

    Args:
        model: the model name.
        messages: the chat messages (dicts or pydantic objects).
        tools: the tool definitions, if any.
        response_format: a dict or a pydantic class (structured output), if any.
        **extra: other settings (``seed``, ``temperature``, ``tool_choice``...); those in
            :data:`IGNORED_KWARGS` are left out.

    Returns:
        64 hex characters.
    """
    payload = {
        "model": model, "messages": _normal(messages), "tools": _normal(tools),
        "response_format": _normal(response_format),
        "settings": _normal({k: v for k, v in extra.items() if k not in IGNORED_KWARGS}),
    }
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class CallCache:
    """Answers by key, in memory and optionally in a SQLite file, with hit/miss counters.

    Args:
        path: a SQLite file to persist answers across processes (created if missing); ``None``: memory only.

    Attributes:
        hits: lookups that found an answer.
        misses: lookups that did not.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._memory: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS calls (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.commit()

    # -- storage ----------------------------------------------------------------------------------
    def lookup(self, key: str) -> tuple[bool, Any]:
        """``(True, value)`` on a hit (memory first, then the file), ``(False, None)`` on a miss; counts both."""
        with self._lock:
            if key in self._memory:
                self.hits += 1
                return True, self._memory[key]
            if self._db is not None:
                row = self._db.execute("SELECT value FROM calls WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    self.hits += 1
                    value = json.loads(row[0])
                    self._memory[key] = value
                    return True, value
            self.misses += 1
            return False, None

    def store(self, key: str, value: Any, as_json: Any = None) -> None:
        """Keep ``value`` under ``key``; ``as_json`` (JSON-ready) is what the SQLite file stores (default ``value``)."""
        with self._lock:
            self._memory[key] = value
            if self._db is not None:
                payload = json.dumps(value if as_json is None else as_json, default=str)
                self._db.execute("INSERT OR REPLACE INTO calls (key, value) VALUES (?, ?)", (key, payload))
                self._db.commit()

    # -- counters ---------------------------------------------------------------------------------
    @property
    def hit_rate(self) -> float:
        """Hits / lookups (0.0 before any lookup)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def reset_counters(self) -> None:
        """Zero the hit and miss counters (the stored answers stay)."""
        self.hits = self.misses = 0

    def stats(self) -> dict[str, Any]:
        """``{"entries", "hits", "misses", "hit_rate"}``."""
        return {"entries": len(self), "hits": self.hits, "misses": self.misses, "hit_rate": round(self.hit_rate, 4)}

    def clear(self) -> None:
        """Forget every answer (memory and file) and zero the counters."""
        with self._lock:
            self._memory.clear()
            if self._db is not None:
                self._db.execute("DELETE FROM calls")
                self._db.commit()
        self.reset_counters()

    def close(self) -> None:
        """Close the SQLite file, if any."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __len__(self) -> int:
        if self._db is not None:
            with self._lock:
                return int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
        return len(self._memory)

    def __repr__(self) -> str:
        where = f"file={self.path}" if self.path else "memory"
        return f"CallCache({where}, entries={len(self)}, hits={self.hits}, misses={self.misses})"


def cached(cache: CallCache) -> Callable[[F], F]:
    """Decorator: cache a function's results by its (JSON-serialisable) arguments.

    Args:
        cache: where the results go.
    """

    def wrap(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            key = hashlib.sha256(json.dumps({"fn": name, "args": _normal(list(args)), "kwargs": _normal(kwargs)},
                                            sort_keys=True, default=str).encode("utf-8")).hexdigest()
            hit, value = cache.lookup(key)
            if hit:
                return value
            value = fn(*args, **kwargs)
            cache.store(key, value)
            return value

        return inner  # type: ignore[return-value]

    return wrap


def _zero_usage(resp: Any) -> Any:
    """A copy of a chat response whose usage says 0 tokens (a cache hit costs nothing)."""
    from openai.types import CompletionUsage

    return resp.model_copy(update={"usage": CompletionUsage(prompt_tokens=0, completion_tokens=0, total_tokens=0)})


class _CachedCompletions:
    def __init__(self, owner: CachedClient) -> None:
        self._owner = owner

    def _call(self, method: str, kwargs: dict[str, Any]) -> Any:
        owner = self._owner
        target = getattr(owner.client.chat.completions, method)
        if kwargs.get("stream"):
            return target(**kwargs)  # streams are not cached
        key = cache_key(**{**kwargs, "_method": method})
        hit, value = owner.cache.lookup(key)
        if hit:
            resp = _revive(value, method, kwargs.get("response_format"))
            return _zero_usage(resp) if owner.zero_usage_on_hit else resp
        resp = target(**kwargs)
        owner.cache.store(key, resp, as_json=resp.model_dump(mode="json", warnings=False))
        return resp

    def create(self, **kwargs: Any) -> Any:
        """``chat.completions.create`` through the cache (streaming calls bypass it)."""
        return self._call("create", kwargs)

    def parse(self, **kwargs: Any) -> Any:
        """``chat.completions.parse`` through the cache (``message.parsed`` is rebuilt from the file)."""
        return self._call("parse", kwargs)


def _revive(value: Any, method: str, response_format: Any) -> Any:
    """A response object from what the cache holds (the object itself, or its JSON from the SQLite file)."""
    if not isinstance(value, dict):
        return value.model_copy(deep=True)
    if method == "parse" and isinstance(response_format, type) and issubclass(response_format, BaseModel):
        from openai.types.chat import ParsedChatCompletion

        return ParsedChatCompletion[response_format].model_validate(value)  # type: ignore[valid-type]
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate(value)


class _CachedChat:
    def __init__(self, owner: CachedClient) -> None:
        self.completions = _CachedCompletions(owner)


class CachedClient:
    """An ``openai.OpenAI`` client whose chat calls go through a :class:`CallCache`.

    ``client.chat.completions.create(...)`` and ``.parse(...)`` return the stored answer for a repeated
    call (with usage 0 tokens when ``zero_usage_on_hit``: nothing was spent); every other attribute is the
    wrapped client's.

    Args:
        client: an ``openai.OpenAI`` (or compatible) client.
        cache: the cache (default: a new in-memory one).
        zero_usage_on_hit: report 0 tokens for a hit (default) instead of the original usage.

    Example::

        client = CachedClient(openai_client())
        client.chat.completions.create(model=m, messages=msgs, seed=0)   # miss: calls the model
        client.chat.completions.create(model=m, messages=msgs, seed=0)   # hit: no call
        client.cache.stats()   # {'entries': 1, 'hits': 1, 'misses': 1, 'hit_rate': 0.5}
    """

    def __init__(self, client: Any, cache: CallCache | None = None, zero_usage_on_hit: bool = True) -> None:
        self.client = client
        self.cache = cache if cache is not None else CallCache()
        self.zero_usage_on_hit = zero_usage_on_hit
        self.chat = _CachedChat(self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)
