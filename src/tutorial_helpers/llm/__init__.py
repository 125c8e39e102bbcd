"""The model side of the tutorial: provider switch, framework adapters, usage meter, offline model.

Offline first: with no key set, everything talks to a local deterministic stand-in model (not an
LLM); with ``OPENAI_API_KEY``, ``GEMINI_API_KEY`` or ``TUTORIAL_BASE_URL`` the same code uses a real
model. Importing this package switches framework telemetry off (:mod:`~tutorial_helpers.llm.hygiene`)
and imports no framework; the adapters import theirs when called.

Example::

    from tutorial_helpers.llm import describe_provider, langchain_chat_model, UsageMeter
    print(describe_provider())
    llm = langchain_chat_model("small")
"""

from __future__ import annotations

from typing import Any

from tutorial_helpers.config import get_settings
from tutorial_helpers.llm import hygiene
from tutorial_helpers.llm.providers import Provider, describe_provider, get_provider, model_for
from tutorial_helpers.llm.usage import UsageMeter

hygiene.apply()

_ADAPTERS = ("openai_client", "async_openai_client", "ag2_llm_config", "langchain_chat_model", "crewai_llm",
             "adk_model")

__all__ = ["Provider", "UsageMeter", "describe_provider", "get_provider", "get_settings", "hygiene", "model_for",
           *_ADAPTERS]


def __getattr__(name: str) -> Any:
    if name in _ADAPTERS:
        from tutorial_helpers.llm import adapters

        return getattr(adapters, name)
    raise AttributeError(f"module 'tutorial_helpers.llm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ADAPTERS))
