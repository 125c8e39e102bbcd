"""Model calls for the conversational recommender: one async client, usage metered per agent.

The responders run in parallel with ``asyncio.gather``; a private event loop in a daemon thread
runs the coroutines, so the same code works in a script, the CLI and a Jupyter notebook (which
already runs a loop of its own).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, daemon=True, name="conversational-loop").start()
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on the module's background loop and return its result."""
    return asyncio.run_coroutine_threadsafe(coro, _background_loop()).result()


class AgentLLM:
    """Chat and structured calls for named agents, all metered by one :class:`~tutorial_helpers.llm.UsageMeter`.

    Args:
        provider: provider name or object (default: from settings; offline without a key).
        seed: passed to every call.
        meter: the usage meter (a new one by default).
    """

    def __init__(self, provider: Any = None, seed: int = 0, meter: Any = None) -> None:
        from tutorial_helpers.llm import UsageMeter, get_provider

        self.provider = get_provider(provider)
        self.model = self.provider.model_large
        self.seed = seed
        self.meter = meter or UsageMeter("conversation")
        self._clients: dict[str, Any] = {}

    def client(self, agent: str) -> Any:
        """The async client of ``agent`` (created in the background loop on first use)."""
        if agent not in self._clients:
            from tutorial_helpers.llm import async_openai_client

            self._clients[agent] = async_openai_client(self.provider, meter=self.meter, agent=agent, max_retries=1)
        return self._clients[agent]

    async def chat(self, agent: str, messages: list[dict[str, Any]], **kw: Any) -> Any:
        """One chat completion for ``agent``."""
        return await self.client(agent).chat.completions.create(model=self.model, messages=messages, seed=self.seed,
                                                                **kw)

    async def text(self, agent: str, messages: list[dict[str, Any]]) -> str:
        """The text answer of ``agent``."""
        resp = await self.chat(agent, messages)
        return (resp.choices[0].message.content or "").strip()

    async def parse(self, agent: str, messages: list[dict[str, Any]], schema: type[BaseModel]) -> Any:
        """A structured answer of ``agent`` as an instance of ``schema`` (raises ``ValueError`` if none)."""
        resp = await self.client(agent).chat.completions.parse(model=self.model, messages=messages,
                                                                 response_format=schema, seed=self.seed)
        parsed = resp.choices[0].message.parsed
        if parsed is None:
            raise ValueError("the model returned no parsable object")
        return parsed

    def usage(self) -> dict[str, Any]:
        """Calls, tokens and cost so far."""
        u = self.meter.summary()
        return {"llm_calls": u.llm_calls, "prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
                "tokens": u.prompt_tokens + u.completion_tokens, "cost_usd": round(u.cost_usd, 6)}

    def reset(self) -> None:
        """Forget the usage so far (a new conversation)."""
        self.meter.reset()
