"""One function per framework: its idiomatic model object for the current provider and tier.

Every function resolves the provider (:func:`~tutorial_helpers.llm.providers.get_provider`), applies
the environment hygiene (:func:`~tutorial_helpers.llm.hygiene.apply`) and only then imports the
framework, so ``import tutorial_helpers.llm`` stays fast and telemetry is off before a framework
loads. Each client carries the usage hook: pass ``meter=`` to bind a
:class:`~tutorial_helpers.llm.usage.UsageMeter`, or activate one with ``with meter.agent("name"):``.

==========  ===============================  ===========================================
framework   function                         returns
==========  ===============================  ===========================================
openai SDK  :func:`openai_client`            ``openai.OpenAI`` (and :func:`async_openai_client`)
AG2         :func:`ag2_llm_config`           ``autogen.LLMConfig``
LangGraph   :func:`langchain_chat_model`     ``langchain_openai.ChatOpenAI``
CrewAI      :func:`crewai_llm`               ``crewai.LLM``
ADK         :func:`adk_model`                ``google.adk.models.lite_llm.LiteLlm``
==========  ===============================  ===========================================

Example::

    from tutorial_helpers.llm import adapters
    llm = adapters.langchain_chat_model("small")     # model name from config, never a literal
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from tutorial_helpers.llm import hygiene
from tutorial_helpers.llm.pricing import price_for
from tutorial_helpers.llm.providers import Provider, Tier, get_provider
from tutorial_helpers.llm.usage import (
    UsageMeter,
    async_http_client,
    capture_for,
    current_agent,
    http_client,
    llm_timeout_s,
)

if TYPE_CHECKING:
    import openai

OPENAI_DEFAULT_BASE = "https://api.openai.com/v1"


def _resolve(provider: str | Provider | None) -> Provider:
    hygiene.apply()
    return get_provider(provider)


def _base(p: Provider) -> str:
    return p.base_url or OPENAI_DEFAULT_BASE


def openai_client(
    provider: str | Provider | None = None, *, meter: UsageMeter | None = None, agent: str | None = None,
    **kwargs: Any,
) -> openai.OpenAI:
    """An ``openai.OpenAI`` client for the provider, with the usage hook.

    Args:
        provider: a provider name or :class:`Provider` (default: from settings).
        meter: a meter that receives every call of this client.
        agent: a fixed agent label for every call of this client.
        **kwargs: more ``openai.OpenAI`` arguments (``max_retries``, ``timeout``).
    """
    p = _resolve(provider)
    import openai

    kwargs.setdefault("http_client", http_client(meter=meter, agent=agent))
    return openai.OpenAI(base_url=p.base_url, api_key=p.api_key.get_secret_value(), **kwargs)


def async_openai_client(
    provider: str | Provider | None = None, *, meter: UsageMeter | None = None, agent: str | None = None,
    **kwargs: Any,
) -> openai.AsyncOpenAI:
    """An ``openai.AsyncOpenAI`` client for the provider, with the usage hook (see :func:`openai_client`)."""
    p = _resolve(provider)
    import openai

    kwargs.setdefault("http_client", async_http_client(meter=meter, agent=agent))
    return openai.AsyncOpenAI(base_url=p.base_url, api_key=p.api_key.get_secret_value(), **kwargs)


def ag2_llm_config(
    tier: Tier = "large", provider: str | Provider | None = None, *, meter: UsageMeter | None = None,
    agent: str | None = None, **kwargs: Any,
) -> Any:
    """An AG2 (classic ``autogen``) ``LLMConfig`` for the provider and tier.

    ``api_type`` is "openai" for every provider (they all speak the OpenAI API), ``cache_seed`` is
    None (no disk cache) and ``price`` comes from :mod:`~tutorial_helpers.llm.pricing` (``[0, 0]``
    for unknown models), which also silences AG2's "unknown cost" warning.

    Args:
        tier: "small" or "large".
        provider: a provider name or :class:`Provider` (default: from settings).
        meter: a meter that receives every call.
        agent: a fixed agent label (usually the AG2 agent's name).
        **kwargs: top-level ``LLMConfig`` arguments (``temperature``, ``response_format``, ``seed`` ...).

    Returns:
        ``autogen.LLMConfig``.
    """
    p = _resolve(provider)
    from autogen import LLMConfig

    model = p.model_for(tier)
    price = price_for(model)
    entry: dict[str, Any] = {
        "api_type": "openai",
        "model": model,
        "api_key": p.api_key.get_secret_value(),
        # per 1k tokens, as AG2 expects
        "price": [price.input_per_mtok / 1000, price.output_per_mtok / 1000],
        "http_client": http_client(meter=meter, agent=agent),
    }
    if p.base_url:
        entry["base_url"] = p.base_url
    kwargs.setdefault("cache_seed", None)
    return LLMConfig(entry, **kwargs)


def langchain_chat_model(
    tier: Tier = "large", provider: str | Provider | None = None, *, meter: UsageMeter | None = None,
    agent: str | None = None, **kwargs: Any,
) -> Any:
    """A LangChain ``ChatOpenAI`` for the provider and tier (works with LangGraph and ``create_agent``).

    Args:
        tier: "small" or "large".
        provider: a provider name or :class:`Provider` (default: from settings).
        meter: a meter that receives every call (sync and async).
        agent: a fixed agent label.
        **kwargs: more ``ChatOpenAI`` arguments (``temperature``, ``seed``, ``max_retries`` ...).

    Returns:
        ``langchain_openai.ChatOpenAI``.
    """
    p = _resolve(provider)
    from langchain_openai import ChatOpenAI

    kwargs.setdefault("http_client", http_client(meter=meter, agent=agent))
    kwargs.setdefault("http_async_client", async_http_client(meter=meter, agent=agent))
    # ChatOpenAI's own timeout (None: wait forever) wins over the client's
    kwargs.setdefault("timeout", llm_timeout_s())
    if p.base_url:
        kwargs.setdefault("base_url", p.base_url)
    return ChatOpenAI(model=p.model_for(tier), api_key=p.api_key, **kwargs)


def _crewai_interceptor(meter: UsageMeter | None, agent: str | None) -> Any:
    import httpx
    from crewai.llms.hooks.base import BaseInterceptor

    cap = capture_for(meter, agent)
    # the transport calls on_outbound then on_inbound in the same thread / task; at that level the
    # response does not know its request yet, so the request is passed along in a context variable
    pending: ContextVar[httpx.Request | None] = ContextVar("tutorial_crewai_request", default=None)

    class UsageInterceptor(BaseInterceptor[httpx.Request, httpx.Response]):
        """Reports every chat completion of a CrewAI LLM to the usage meters."""

        def on_outbound(self, message: httpx.Request) -> httpx.Request:
            cap.start(message)
            pending.set(message)
            return message

        def on_inbound(self, message: httpx.Response) -> httpx.Response:
            request = pending.get()
            if request is not None:
                cap.wrap(message, request=request)
            return message

        async def aon_outbound(self, message: httpx.Request) -> httpx.Request:
            return self.on_outbound(message)

        async def aon_inbound(self, message: httpx.Response) -> httpx.Response:
            request = pending.get()
            if request is not None:
                cap.wrap(message, is_async=True, request=request)
            return message

    return UsageInterceptor()


def crewai_llm(
    tier: Tier = "large", provider: str | Provider | None = None, *, meter: UsageMeter | None = None,
    agent: str | None = None, **kwargs: Any,
) -> Any:
    """A CrewAI ``LLM`` for the provider and tier: ``model="openai/<name>"`` with ``base_url`` and key.

    CrewAI uses its native OpenAI client for ``openai/`` models (not LiteLLM); usage is captured
    through CrewAI's transport ``interceptor``.

    Args:
        tier: "small" or "large".
        provider: a provider name or :class:`Provider` (default: from settings).
        meter: a meter that receives every call.
        agent: a fixed agent label (usually the CrewAI agent's role).
        **kwargs: more ``crewai.LLM`` arguments (``temperature``, ``seed`` ...).

    Returns:
        ``crewai.LLM``.
    """
    p = _resolve(provider)
    from crewai import LLM

    kwargs.setdefault("interceptor", _crewai_interceptor(meter, agent))
    kwargs.setdefault("timeout", llm_timeout_s())
    return LLM(model=f"openai/{p.model_for(tier)}", base_url=_base(p), api_key=p.api_key.get_secret_value(),
               **kwargs)


def _metered_litellm_client(meter: UsageMeter | None, agent: str | None) -> Any:
    from google.adk.models.lite_llm import LiteLLMClient

    class MeteredLiteLLMClient(LiteLLMClient):
        """ADK's LiteLLM client, reporting each response's usage to the meters."""

        async def acompletion(self, model: Any, messages: Any, tools: Any, **kw: Any) -> Any:
            hygiene.quiet_litellm()
            label = agent or current_agent()
            targets = capture_for(meter, agent).targets()
            t0 = time.perf_counter()
            result = await super().acompletion(model=model, messages=messages, tools=tools, **kw)
            if not targets:
                return result
            if kw.get("stream"):
                return _metered_stream(result, targets, label, str(model), t0)
            for m in targets:
                m.observe_response(_as_dict(result), agent=label, wall_s=time.perf_counter() - t0, model=str(model))
            return result

    return MeteredLiteLLMClient()


def _as_dict(obj: Any) -> Any:
    for name in ("model_dump", "dict", "to_dict"):
        fn = getattr(obj, name, None)
        if callable(fn):
            try:
                return fn()
            except (TypeError, ValueError):
                continue
    return obj


async def _metered_stream(stream: Any, targets: tuple[UsageMeter, ...], agent: str | None, model: str,
                          t0: float) -> Any:
    usage: Any = None
    tool_ids: set[int] = set()
    async for chunk in stream:
        data = _as_dict(chunk)
        if isinstance(data, dict):
            usage = data.get("usage") or usage
            for choice in data.get("choices") or []:
                for tc in (choice.get("delta") or {}).get("tool_calls") or []:
                    tool_ids.add(int((tc or {}).get("index", 0) or 0))
        yield chunk
    body = {"model": model, "usage": usage or {}, "choices": [{"message": {"tool_calls": [None] * len(tool_ids)}}]}
    for m in targets:
        m.observe_response(body, agent=agent, wall_s=time.perf_counter() - t0, model=model)


def adk_model(
    tier: Tier = "large", provider: str | Provider | None = None, *, meter: UsageMeter | None = None,
    agent: str | None = None, **kwargs: Any,
) -> Any:
    """A Google ADK ``LiteLlm`` model for the provider and tier: ``model="openai/<name>"``, ``api_base``, key.

    Gemini is reached through its OpenAI-compatible endpoint too, so no Google credentials are needed.
    Usage is captured by a :class:`~google.adk.models.lite_llm.LiteLLMClient` subclass.

    Args:
        tier: "small" or "large".
        provider: a provider name or :class:`Provider` (default: from settings).
        meter: a meter that receives every call.
        agent: a fixed agent label (usually the ADK agent's name).
        **kwargs: more arguments passed to ``litellm.acompletion`` (``temperature``, ``seed`` ...).

    Returns:
        ``google.adk.models.lite_llm.LiteLlm``.
    """
    p = _resolve(provider)
    from google.adk.models.lite_llm import LiteLlm

    kwargs.setdefault("llm_client", _metered_litellm_client(meter, agent))
    kwargs.setdefault("timeout", llm_timeout_s())
    return LiteLlm(model=f"openai/{p.model_for(tier)}", api_base=_base(p), api_key=p.api_key.get_secret_value(),
                   **kwargs)
