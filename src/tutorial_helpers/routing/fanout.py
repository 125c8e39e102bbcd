"""Parallel fan-out: independent agents run concurrently with ``asyncio.gather``.

Finding a gift, a cake and a venue are independent: none needs the others' answer. Run one after
another, their latencies add up; started together on an async client, they overlap and the wall time
is close to the slowest one. Each *specialist* here is a small tool loop on the async openai client:
the retrieval prompt restricted to one category, the ``search_catalog`` tool, at most
:data:`MAX_ROUNDS` model calls, then the best grounded candidate.

>>> import datetime as dt
>>> cmp = compare_fanout("Maya turns 8 in Austin on Dec 5, 12 kids, $400", dt.date(2026, 11, 22),
...                      latency_scale=0.2)                     # doctest: +SKIP
>>> cmp.speedup > 2                                             # doctest: +SKIP
True

With the offline provider, :func:`compare_fanout` starts a dedicated stand-in server with the given
``latency_scale`` (the tiers' simulated latency is an ``asyncio.sleep`` on the server, so concurrent
calls really overlap); with a real provider the latency is the network's and the model's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tutorial_helpers import clock
from tutorial_helpers.domain import BirthdayRequest

T = TypeVar("T")

#: the independent specialists of the fan-out demo
SPECIALISTS: tuple[str, ...] = ("gift", "cake", "venue")
#: model calls per specialist at most (call the tool, then answer)
MAX_ROUNDS = 2


@dataclass
class SpecialistResult:
    """What one specialist found, and what it cost.

    Attributes:
        category: gift, cake, venue, ...
        item_id: the best grounded candidate (``None`` if there was none).
        item_name: its name.
        candidates: grounded candidate ids, best first.
        llm_calls: model calls made.
        prompt_tokens: prompt tokens used.
        completion_tokens: completion tokens used.
        wall_s: seconds this specialist took.
    """

    category: str
    item_id: str | None
    item_name: str | None
    candidates: list[str] = field(default_factory=list)
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0


@dataclass
class FanOutRun:
    """One fan-out: the specialists' results and the wall time of the whole run."""

    mode: str
    results: list[SpecialistResult]
    wall_s: float

    def choices(self) -> dict[str, str | None]:
        """``{category: item id}``."""
        return {r.category: r.item_id for r in self.results}


@dataclass
class FanOutComparison:
    """Sequential vs parallel on the same specialists.

    Attributes:
        sequential: the run that awaited each specialist in turn.
        parallel: the run that started them together (``asyncio.gather``).
        speedup: sequential wall / parallel wall.
        same_choices: both runs chose the same items (concurrency changed the time, not the answer).
        latency_scale: the simulated-latency scale used (``None`` for a real provider).
    """

    sequential: FanOutRun
    parallel: FanOutRun
    latency_scale: float | None = None

    @property
    def speedup(self) -> float:
        return self.sequential.wall_s / self.parallel.wall_s if self.parallel.wall_s > 0 else float("inf")

    @property
    def same_choices(self) -> bool:
        return self.sequential.choices() == self.parallel.choices()

    def table(self) -> list[dict[str, Any]]:
        """Rows for a DataFrame: mode, wall seconds, calls, per-specialist seconds, choices."""
        rows = []
        for run in (self.sequential, self.parallel):
            rows.append({
                "mode": run.mode, "wall_s": round(run.wall_s, 3),
                "llm_calls": sum(r.llm_calls for r in run.results),
                "sum_of_agent_s": round(sum(r.wall_s for r in run.results), 3),
                **{f"{r.category}": r.item_id for r in run.results},
            })
        return rows


async def run_specialist(client: Any, model: str, category: str, text: str, request: BirthdayRequest,
                         catalog: Any = None, seed: int = 0) -> SpecialistResult:
    """One specialist: a short tool loop for one category on an async openai client.

    Args:
        client: an ``openai.AsyncOpenAI`` client.
        model: the model name (e.g. ``provider.model_large``).
        category: the category to find (gift, cake, venue, ...).
        text: the request text.
        request: the structured request (its constraints are shown to the model and filter the candidates).
        catalog: the catalog (default: the shipped one).
        seed: passed to the model.

    Returns:
        A :class:`SpecialistResult` with the best grounded candidate.
    """
    from tutorial_helpers import prompts, tools
    from tutorial_helpers.planning.pipeline import ground_candidates, ids_in

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    t0 = time.perf_counter()
    known = request.model_dump(mode="json", exclude_defaults=True)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": prompts.render(prompts.RETRIEVER, categories=category, today=request.today)},
        {"role": "user", "content": f"{text}\n\nFind only: {category}.\nKnown constraints: {json.dumps(known)}"},
    ]
    out = SpecialistResult(category=category, item_id=None, item_name=None)
    found: list[str] = []
    for _round in range(MAX_ROUNDS):
        resp = await client.chat.completions.create(model=model, messages=messages, seed=seed,
                                                    tools=tools.openai_tools(["search_catalog"]), tool_choice="auto")
        out.llm_calls += 1
        if resp.usage is not None:
            out.prompt_tokens += resp.usage.prompt_tokens or 0
            out.completion_tokens += resp.usage.completion_tokens or 0
        msg = resp.choices[0].message
        found += ids_in(msg.content or "")
        if not msg.tool_calls:
            break
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result, error = tools.call_tool(call.function.name, call.function.arguments)
            found += ids_in(result)
            messages.append({"role": "tool", "tool_call_id": call.id,
                             "content": json.dumps({"error": error} if error else result, default=str)})
    best = ground_candidates(request, found, catalog, [category]).get(category, [])
    out.candidates = [i.id for i in best]
    if best:
        out.item_id, out.item_name = best[0].id, best[0].name
    out.wall_s = time.perf_counter() - t0
    return out


async def fan_out(client: Any, model: str, text: str, request: BirthdayRequest, *,
                  categories: tuple[str, ...] | list[str] = SPECIALISTS, parallel: bool = True,
                  catalog: Any = None, seed: int = 0) -> FanOutRun:
    """Run one specialist per category, in sequence or concurrently.

    Sequential is ``for c in categories: await run_specialist(...)``; parallel is
    ``await asyncio.gather(*(run_specialist(...) for c in categories))``: the same code, started together.

    Args:
        client: an ``openai.AsyncOpenAI`` client.
        model: the model every specialist uses.
        text: the request text.
        request: the structured request.
        categories: one specialist per category.
        parallel: ``True`` for ``asyncio.gather``, ``False`` for one after another.
        catalog: the catalog (default: the shipped one).
        seed: passed to the model.
    """
    t0 = time.perf_counter()
    if parallel:
        results = list(await asyncio.gather(*(run_specialist(client, model, c, text, request, catalog, seed)
                                              for c in categories)))
    else:
        results = [await run_specialist(client, model, c, text, request, catalog, seed) for c in categories]
    return FanOutRun(mode="parallel" if parallel else "sequential", results=results, wall_s=time.perf_counter() - t0)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also inside Jupyter (whose event loop is already running).

    In a notebook you can simply ``await`` the coroutine; this helper is for scripts and tests.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=worker, name="run-sync")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def warm_up(catalog: Any = None) -> None:
    """Build the catalog search indexes once, so the first timed run does not pay for them."""
    from tutorial_helpers import tools

    for c in SPECIALISTS:
        tools.search_catalog("birthday", category=c, k=1)
    _ = catalog


async def compare_fanout_async(text: str, today: dt.date | str, *, provider: Any = None, model: str | None = None,
                               latency_scale: float = 1.0, categories: tuple[str, ...] | list[str] = SPECIALISTS,
                               request: BirthdayRequest | None = None, seed: int = 0,
                               repeats: int = 2) -> FanOutComparison:
    """Time the same specialists in sequence, then concurrently (``await`` this in a notebook).

    Fair timing: with the offline provider, one untimed warm-up run at latency 0 first (so neither mode pays
    for first-time index or embedding work), then ``repeats`` timed runs of each mode, keeping the fastest
    of each (what ``timeit`` does: the minimum is the least disturbed by other processes).

    Args:
        text: the request text.
        today: reference date.
        provider: provider name or object (default: from settings). With the offline provider a dedicated
            stand-in server runs at ``latency_scale`` for the duration of the comparison.
        model: the specialists' model (default: the provider's large model).
        latency_scale: simulated latency of the offline tiers (1.0: about 0.4 s per large call).
        categories: the specialists.
        request: the structured request (default: the shared extractor's reading of ``text``).
        seed: passed to the model.
        repeats: timed runs per mode; the fastest counts.
    """
    from tutorial_helpers import tools
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.extraction import parse_request
    from tutorial_helpers.llm import async_openai_client, get_provider

    day = clock.as_date(today)
    request = request or parse_request(text, day)
    tools.set_today(day)
    catalog = load_catalog()
    warm_up(catalog)
    prov = get_provider(provider)
    server = None
    scale: float | None = None
    if prov.is_offline:
        from tutorial_helpers.llm.offline import start_server

        server = start_server(latency_scale=latency_scale)
        prov = prov.model_copy(update={"base_url": server.base_url})
        scale = latency_scale
    try:
        client = async_openai_client(prov)
        model = model or prov.model_large
        if server is not None:
            server.latency_scale = 0.0
            await fan_out(client, model, text, request, categories=categories, parallel=True, catalog=catalog,
                          seed=seed)
            server.latency_scale = latency_scale
        runs: dict[bool, list[FanOutRun]] = {False: [], True: []}
        for _ in range(max(1, repeats)):
            for parallel in (False, True):
                runs[parallel].append(await fan_out(client, model, text, request, categories=categories,
                                                    parallel=parallel, catalog=catalog, seed=seed))
        seq, par = (min(runs[p], key=lambda r: r.wall_s) for p in (False, True))
        await client.close()
    finally:
        if server is not None:
            server.stop()
    return FanOutComparison(sequential=seq, parallel=par, latency_scale=scale)


def compare_fanout(text: str, today: dt.date | str, **kwargs: Any) -> FanOutComparison:
    """Sync wrapper of :func:`compare_fanout_async` (same arguments); works in scripts, tests and notebooks."""
    return run_sync(compare_fanout_async(text, today, **kwargs))
