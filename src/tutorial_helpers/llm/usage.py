"""A usage meter: LLM calls, tokens, tool calls, wall time and cost, per agent and per model.

The meter captures usage **without touching framework code**: the clients that
:mod:`tutorial_helpers.llm.adapters` builds carry an ``httpx`` hook that reads the ``usage`` of every
``/chat/completions`` response (plain JSON, or the usage chunk of a streamed answer) and reports it
to the meters that are active. Code that holds a raw response can call :meth:`UsageMeter.observe_response`.

Attribution: ``with meter.agent("critic"):`` makes ``meter`` active and names the current agent
(a :mod:`contextvars` variable, so it follows threads started with a copied context and asyncio tasks).
A client built with a label (``openai_client(agent="critic")``) always reports under that label.

Example::

    from tutorial_helpers.llm import UsageMeter, openai_client, model_for
    meter = UsageMeter()
    client = openai_client()
    with meter.agent("planner"):
        client.chat.completions.create(model=model_for("large"), messages=[{"role": "user", "content": "hi"}])
    meter.summary()     # Usage(llm_calls=1, prompt_tokens=..., cost_usd=...)
    meter.table()       # a pandas DataFrame, one row per (agent, model)
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import Usage
from tutorial_helpers.llm.pricing import normalize_model, price_for

if TYPE_CHECKING:
    import httpx
    import pandas

DEFAULT_AGENT = "default"

_AGENT: ContextVar[str | None] = ContextVar("tutorial_usage_agent", default=None)
_ACTIVE: ContextVar[tuple[UsageMeter, ...]] = ContextVar("tutorial_usage_meters", default=())


@dataclass(frozen=True)
class CallRecord:
    """One model call as the meter saw it.

    Attributes:
        agent: who made the call (the agent label or context).
        model: the model name (provider prefix dropped).
        prompt_tokens: input tokens the provider reported.
        completion_tokens: output tokens the provider reported.
        tool_calls: tool calls the model asked for in this answer.
        wall_s: seconds from sending the request to the end of the answer.
        cost_usd: cost at :mod:`~tutorial_helpers.llm.pricing` prices.
        priced: False when the model is not in the price table (cost counted as 0).
        llm_calls: 1 for a model call (0 for a record that only adds tool calls).
        today_source: for the offline model, where it took today's date from: "conversation" (a
            prompt said it) or "wall-clock" (nothing said it, so it assumed the machine's date);
            None for other providers.
    """

    agent: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    tool_calls: int
    wall_s: float
    cost_usd: float
    priced: bool
    llm_calls: int = 1
    today_source: str | None = None


def current_agent() -> str | None:
    """The agent named by the innermost ``with meter.agent(...)`` block, or None."""
    return _AGENT.get()


def active_meters() -> tuple[UsageMeter, ...]:
    """The meters made active in this context (innermost last)."""
    return _ACTIVE.get()


def _sum(records: list[CallRecord]) -> Usage:
    return Usage(
        llm_calls=sum(r.llm_calls for r in records),
        tool_calls=sum(r.tool_calls for r in records),
        prompt_tokens=sum(r.prompt_tokens for r in records),
        completion_tokens=sum(r.completion_tokens for r in records),
        cost_usd=round(sum(r.cost_usd for r in records), 8),
        wall_s=round(sum(r.wall_s for r in records), 4),
    )


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


class UsageMeter:
    """Thread-safe, async-safe accumulator of model calls.

    Args:
        name: a label for reports ("native team", "crewai").
    """

    def __init__(self, name: str = "usage") -> None:
        self.name = name
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    # -- recording ----------------------------------------------------------------------------
    def record(
        self,
        agent: str | None,
        model: str | None,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        tool_calls: int = 0,
        wall_s: float = 0.0,
        llm_calls: int = 1,
        today_source: str | None = None,
    ) -> CallRecord:
        """Add one call.

        Args:
            agent: who made it (``None``: the current ``meter.agent(...)``, else "default").
            model: the model name ("openai/gpt-4o" is stored as "gpt-4o").
            prompt_tokens: input tokens.
            completion_tokens: output tokens.
            tool_calls: tool calls the model requested.
            wall_s: seconds the call took.
            llm_calls: 1 for a model call; 0 to add only tool calls.
            today_source: where the offline model took today from (see :class:`CallRecord`).

        Returns:
            The stored :class:`CallRecord`, with its cost.
        """
        name = normalize_model(model) or "unknown"
        price = price_for(name)
        pt, ct = max(0, int(prompt_tokens or 0)), max(0, int(completion_tokens or 0))
        rec = CallRecord(
            agent=agent or current_agent() or DEFAULT_AGENT, model=name, prompt_tokens=pt, completion_tokens=ct,
            tool_calls=max(0, int(tool_calls or 0)), wall_s=max(0.0, float(wall_s or 0.0)),
            cost_usd=price.cost(pt, ct), priced=price.known, llm_calls=llm_calls, today_source=today_source,
        )
        with self._lock:
            self._records.append(rec)
        return rec

    def observe_response(
        self, response: Any, agent: str | None = None, wall_s: float = 0.0, model: str | None = None,
        today_source: str | None = None,
    ) -> CallRecord | None:
        """Record a Chat Completions response: a JSON dict or an openai SDK object.

        Args:
            response: the parsed body (``{"model": ..., "usage": {...}, "choices": [...]}``) or a
                ``ChatCompletion``.
            agent: who made the call (default: the current agent).
            wall_s: seconds the call took, if known.
            model: the model name when the response does not say.
            today_source: where the offline model took today from (default: the response's
                ``offline.today_source`` field, when the offline model answered).

        Returns:
            The record, or None when ``response`` is not a chat completion.
        """
        if response is None:
            return None
        if not isinstance(response, dict) and hasattr(response, "model_dump"):
            response = response.model_dump()
        if not isinstance(response, dict) or "choices" not in response:
            return None
        usage = response.get("usage") or {}
        tool_calls = 0
        for choice in response.get("choices") or []:
            message = _get(choice, "message") or {}
            tool_calls += len(_get(message, "tool_calls") or [])
        if today_source is None and isinstance(response.get("offline"), dict):
            today_source = response["offline"].get("today_source")
        return self.record(
            agent, response.get("model") or model, _get(usage, "prompt_tokens", 0) or 0,
            _get(usage, "completion_tokens", 0) or 0, tool_calls, wall_s, today_source=today_source,
        )

    def reset(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    # -- attribution --------------------------------------------------------------------------
    @contextlib.contextmanager
    def agent(self, name: str) -> Iterator[UsageMeter]:
        """Within the block, calls are attributed to ``name`` and this meter is active.

        Example::

            with meter.agent("critic"):
                client.chat.completions.create(...)
        """
        agent_token = _AGENT.set(name)
        active_token = _ACTIVE.set(self._with_self())
        try:
            yield self
        finally:
            _ACTIVE.reset(active_token)
            _AGENT.reset(agent_token)

    @contextlib.contextmanager
    def active(self) -> Iterator[UsageMeter]:
        """Within the block, this meter receives every call of adapter-built clients (agent unchanged)."""
        token = _ACTIVE.set(self._with_self())
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def __enter__(self) -> UsageMeter:
        self._tokens = getattr(self, "_tokens", [])
        self._tokens.append(_ACTIVE.set(self._with_self()))
        return self

    def __exit__(self, *exc: object) -> None:
        _ACTIVE.reset(self._tokens.pop())

    def _with_self(self) -> tuple[UsageMeter, ...]:
        current = _ACTIVE.get()
        return current if any(m is self for m in current) else (*current, self)

    # -- reports ------------------------------------------------------------------------------
    @property
    def records(self) -> list[CallRecord]:
        """A copy of every record, oldest first."""
        with self._lock:
            return list(self._records)

    def summary(self, agent: str | None = None) -> Usage:
        """Totals as a :class:`~tutorial_helpers.domain.Usage` (for one agent when ``agent`` is given).

        ``wall_s`` is the sum of call times (parallel calls overlap, so it can exceed the elapsed time).
        """
        recs = [r for r in self.records if agent is None or r.agent == agent]
        return _sum(recs)

    def calls_without_today(self) -> int:
        """Model calls whose conversation did not say what day it is (the offline model reports it).

        A real model would guess the date in those calls; the offline model assumes the machine's date
        and says so. A team whose every role prompt went through :func:`tutorial_helpers.prompts.render`
        has none.
        """
        return sum(1 for r in self.records if r.today_source == "wall-clock")

    def by_agent(self) -> dict[str, Usage]:
        """Totals per agent, in order of first call."""
        groups: dict[str, list[CallRecord]] = {}
        for r in self.records:
            groups.setdefault(r.agent, []).append(r)
        return {k: _sum(v) for k, v in groups.items()}

    def by_model(self) -> dict[str, Usage]:
        """Totals per model, in order of first call."""
        groups: dict[str, list[CallRecord]] = {}
        for r in self.records:
            groups.setdefault(r.model, []).append(r)
        return {k: _sum(v) for k, v in groups.items()}

    def unpriced_models(self) -> list[str]:
        """Models seen that are not in the price table (their cost was counted as 0)."""
        return sorted({r.model for r in self.records if not r.priced})

    def table(self) -> pandas.DataFrame:
        """One row per (agent, model): calls, tool calls, tokens, cost, seconds, and whether it is priced."""
        import pandas as pd

        columns = ["agent", "model", "llm_calls", "tool_calls", "prompt_tokens", "completion_tokens",
                   "cost_usd", "wall_s", "priced"]
        recs = self.records
        if not recs:
            return pd.DataFrame(columns=columns)
        df = pd.DataFrame([asdict(r) for r in recs])
        out = (df.groupby(["agent", "model"], sort=False)
               .agg(llm_calls=("llm_calls", "sum"), tool_calls=("tool_calls", "sum"),
                    prompt_tokens=("prompt_tokens", "sum"), completion_tokens=("completion_tokens", "sum"),
                    cost_usd=("cost_usd", "sum"), wall_s=("wall_s", "sum"), priced=("priced", "all"))
               .reset_index())
        out["cost_usd"] = out["cost_usd"].round(8)
        out["wall_s"] = out["wall_s"].round(4)
        return out[columns]

    def __repr__(self) -> str:
        u = self.summary()
        return (f"UsageMeter({self.name!r}: {u.llm_calls} calls, {u.prompt_tokens}+{u.completion_tokens} tokens, "
                f"{u.tool_calls} tool calls, ${u.cost_usd:.6f}, {u.wall_s:.2f}s)")

    # -- capture through httpx ----------------------------------------------------------------
    def httpx_client(self, agent: str | None = None, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` that reports every chat completion to this meter (pass it as ``http_client``)."""
        return http_client(meter=self, agent=agent, **kwargs)

    def async_httpx_client(self, agent: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` that reports every chat completion to this meter."""
        return async_http_client(meter=self, agent=agent, **kwargs)


# ---------------------------------------------------------------------------------------------
# Capture: read usage from response bodies as they stream past
# ---------------------------------------------------------------------------------------------


def parse_sse_usage(text: str) -> dict[str, Any] | None:
    """Fold a streamed Chat Completions answer (Server-Sent Events) into ``{"model", "usage", "choices"}``.

    Tool calls are counted from the deltas (one per distinct ``index`` per choice); the usage comes
    from the final usage chunk (sent when the request asked for ``stream_options.include_usage``).
    """
    model = None
    usage: dict[str, Any] | None = None
    tool_ids: set[tuple[int, int]] = set()
    seen = False
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if not data or data == "[DONE]":
            continue
        try:
            chunk = json.loads(data)
        except ValueError:
            continue
        if not isinstance(chunk, dict):
            continue
        seen = True
        model = chunk.get("model") or model
        if chunk.get("usage"):
            usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            for tc in delta.get("tool_calls") or []:
                tool_ids.add((int(choice.get("index", 0) or 0), int(tc.get("index", 0) or 0)))
    if not seen:
        return None
    return {"model": model, "usage": usage or {}, "choices": [{"message": {"tool_calls": [None] * len(tool_ids)}}]}


class _Capture:
    """Turns one HTTP exchange into a meter record when the body has been read."""

    def __init__(self, meters: tuple[UsageMeter, ...], agent: str | None) -> None:
        self.bound = meters
        self.agent_label = agent
        self._starts: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def wants(self, request: httpx.Request) -> bool:
        return request.method == "POST" and request.url.path.rstrip("/").endswith("/chat/completions")

    def start(self, request: httpx.Request) -> None:
        if self.wants(request):
            self._starts[request] = time.perf_counter()

    def targets(self) -> tuple[UsageMeter, ...]:
        out: list[UsageMeter] = list(self.bound)
        for m in _ACTIVE.get():
            if not any(m is o for o in out):
                out.append(m)
        return tuple(out)

    def finish(self, request: httpx.Request, response: httpx.Response, raw: bytes, t0: float | None,
               agent: str | None, meters: tuple[UsageMeter, ...], decoded: bool = False) -> None:
        if not meters or not (200 <= response.status_code < 300):
            return
        wall = time.perf_counter() - t0 if t0 is not None else 0.0
        body = raw.decode("utf-8", errors="replace") if decoded else _decode(response, raw)
        ctype = response.headers.get("content-type", "")
        parsed: Any = None
        if "event-stream" in ctype:
            parsed = parse_sse_usage(body)
        else:
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
        if not isinstance(parsed, dict):
            return
        model = parsed.get("model") or _request_model(request)
        today_source = response.headers.get("x-offline-today-source")
        for meter in meters:
            meter.observe_response(parsed, agent=agent, wall_s=wall, model=model, today_source=today_source)

    def wrap(self, response: httpx.Response, is_async: bool = False, request: httpx.Request | None = None) -> None:
        """Replace the response stream by one that keeps a copy and reports at close.

        ``request`` is needed at transport level, where ``response.request`` is not set yet.
        """
        import httpx

        request = request if request is not None else response.request
        if not self.wants(request):
            return
        meters = self.targets()
        if not meters:
            return
        agent = self.agent_label or current_agent()
        t0 = self._starts.pop(request, None)
        try:
            body = response.content  # already read (a mock transport, a cached response)
        except httpx.ResponseNotRead:
            pass
        else:
            self.finish(request, response, body, t0, agent, meters, decoded=True)
            return
        inner = response.stream
        capture = self
        if is_async:

            class _AsyncTee(httpx.AsyncByteStream):
                def __init__(self) -> None:
                    self.buf = bytearray()
                    self.done = False

                async def __aiter__(self) -> AsyncIterator[bytes]:
                    async for chunk in inner:
                        self.buf.extend(chunk)
                        yield chunk

                async def aclose(self) -> None:
                    try:
                        await inner.aclose()
                    finally:
                        if not self.done:
                            self.done = True
                            capture.finish(request, response, bytes(self.buf), t0, agent, meters)

            response.stream = _AsyncTee()
        else:

            class _SyncTee(httpx.SyncByteStream):
                def __init__(self) -> None:
                    self.buf = bytearray()
                    self.done = False

                def __iter__(self) -> Iterator[bytes]:
                    for chunk in inner:  # type: ignore[union-attr]
                        self.buf.extend(chunk)
                        yield chunk

                def close(self) -> None:
                    try:
                        inner.close()  # type: ignore[union-attr]
                    finally:
                        if not self.done:
                            self.done = True
                            capture.finish(request, response, bytes(self.buf), t0, agent, meters)

            response.stream = _SyncTee()


def _request_model(request: httpx.Request) -> str | None:
    try:
        body = json.loads(request.content or b"{}")
    except (ValueError, RuntimeError):
        return None
    return body.get("model") if isinstance(body, dict) else None


def _decode(response: httpx.Response, raw: bytes) -> str:
    """Raw (possibly gzip/deflate/br) bytes -> text, using httpx's own decoders."""
    import httpx

    if not raw:
        return ""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding and encoding != "identity":
        try:
            raw = httpx.Response(200, headers={"content-encoding": encoding}, content=raw).content
        except httpx.DecodingError:
            return ""
    return raw.decode("utf-8", errors="replace")


def event_hooks(meter: UsageMeter | None = None, agent: str | None = None) -> dict[str, list[Any]]:
    """``event_hooks`` for an ``httpx.Client`` that report chat completions to meters.

    Args:
        meter: a meter that always receives the calls (the active meters receive them too).
        agent: a fixed agent label for every call of this client.
    """
    cap = _Capture((meter,) if meter is not None else (), agent)
    return {"request": [cap.start], "response": [cap.wrap]}


def async_event_hooks(meter: UsageMeter | None = None, agent: str | None = None) -> dict[str, list[Any]]:
    """``event_hooks`` for an ``httpx.AsyncClient`` (async callables), same behaviour as :func:`event_hooks`."""
    cap = _Capture((meter,) if meter is not None else (), agent)

    async def on_request(request: httpx.Request) -> None:
        cap.start(request)

    async def on_response(response: httpx.Response) -> None:
        cap.wrap(response, is_async=True)

    return {"request": [on_request], "response": [on_response]}


#: environment variable: seconds before a model call times out (default 600; reliability tests set a few seconds)
TIMEOUT_ENV = "TUTORIAL_LLM_TIMEOUT_S"


def llm_timeout_s() -> float:
    """The model-call timeout in seconds: ``TUTORIAL_LLM_TIMEOUT_S`` or 600 (an invalid value is ignored)."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, "") or 600.0)
    except ValueError:
        return 600.0
    return value if value > 0 else 600.0


def _client_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    import httpx

    timeout = llm_timeout_s()
    kwargs.setdefault("timeout", httpx.Timeout(timeout, connect=min(10.0, timeout)))
    kwargs.setdefault("follow_redirects", True)
    return kwargs


def http_client(meter: UsageMeter | None = None, agent: str | None = None, **kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` carrying the usage hooks (give it to ``OpenAI(http_client=...)``)."""
    import httpx

    return httpx.Client(event_hooks=event_hooks(meter, agent), **_client_defaults(kwargs))


def async_http_client(meter: UsageMeter | None = None, agent: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` carrying the usage hooks (give it to ``AsyncOpenAI(http_client=...)``)."""
    import httpx

    return httpx.AsyncClient(event_hooks=async_event_hooks(meter, agent), **_client_defaults(kwargs))


def capture_for(meter: UsageMeter | None = None, agent: str | None = None) -> _Capture:
    """The capture object behind the hooks (for transports that take an interceptor, e.g. CrewAI)."""
    return _Capture((meter,) if meter is not None else (), agent)
