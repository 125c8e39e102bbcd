"""Communication complexity and scalability: what adding agents and changing the topology costs.

Real calls to the offline stand-in (an OpenAI-compatible HTTP server on this machine), counted by the
provider's own usage fields. A team of ``n`` specialist agents (one per category, cycling) answers one
birthday request in one of three topologies:

* ``chain``: agent *i* reads the request and agent *i-1*'s answer (n calls; n-1 messages passed on);
* ``star``: a coordinator hands the request to n-1 workers and reads all their answers (n calls; 2(n-1)
  messages);
* ``group``: a group chat: every agent speaks once and reads the whole transcript so far (n calls;
  every answer delivered to every later agent: n(n-1)/2 messages, prompts growing with the transcript).

:func:`throughput` sends the same request from ``c`` threads at once and reports requests per second:
the stand-in's simulated latency (``set_offline_latency``) is a sleep, so concurrency hides it until the
server's worker pool is full. Latency figures depend on the machine: they are shown, never asserted.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

TOPOLOGIES: tuple[str, ...] = ("chain", "star", "group")
_CATEGORIES = ("gift", "cake", "venue", "decoration", "food", "activity")


def _options(request_text: str, category: str, today: Any) -> tuple[str, dict[str, Any]]:
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.candidates import candidate_pool

    req, _ = parse_text(request_text, today)
    items = candidate_pool(req, None, category, k=4)
    lines = "\n".join(f"- {i.id} {i.name} ${i.price:,.2f}" for i in items)
    return lines, req.model_dump(mode="json", exclude_defaults=True)


def run_topology(topology: str, n_agents: int, request_text: str, today: Any, *, provider: str | None = None,
                 seed: int = 0) -> dict[str, Any]:
    """Run one request through ``n_agents`` agents wired as ``topology``; count calls, messages, tokens, time.

    Returns:
        ``{"topology", "agents", "calls", "messages", "prompt_tokens", "completion_tokens", "wall_s"}``:
        ``messages`` counts agent-to-agent messages delivered (the request itself not counted).
    """
    from tutorial_helpers import prompts
    from tutorial_helpers.llm import get_provider, openai_client

    if topology not in TOPOLOGIES:
        raise ValueError(f"unknown topology {topology!r}: use one of {', '.join(TOPOLOGIES)}")
    if n_agents < 2:
        raise ValueError("a team needs at least 2 agents")
    prov = get_provider(provider)
    client = openai_client(prov)
    model = prov.model_small
    cats = [_CATEGORIES[i % len(_CATEGORIES)] for i in range(n_agents)]
    row = {"topology": topology, "agents": n_agents, "calls": 0, "messages": 0, "prompt_tokens": 0,
           "completion_tokens": 0, "wall_s": 0.0}

    def call(system: str, messages: list[dict[str, str]]) -> str:
        r = client.chat.completions.create(model=model, seed=seed,
                                           messages=[{"role": "system", "content": system}, *messages])
        row["calls"] += 1
        if r.usage is not None:
            row["prompt_tokens"] += r.usage.prompt_tokens or 0
            row["completion_tokens"] += r.usage.completion_tokens or 0
        return r.choices[0].message.content or ""

    def system_for(cat: str) -> str:
        options, req = _options(request_text, cat, today)
        return prompts.render(prompts.SPECIALIST, today=today, category=cat, budget=req.get("budget"), options=options)

    t0 = time.perf_counter()
    user = {"role": "user", "content": request_text}
    if topology == "chain":
        previous = ""
        for i, cat in enumerate(cats):
            msgs = [user] + ([{"role": "user", "content": f"The previous agent said: {previous}"}] if i else [])
            previous = call(system_for(cat), msgs)
            row["messages"] += 1 if i else 0
    elif topology == "star":
        answers = []
        for cat in cats[1:]:
            answers.append(f"{cat}: {call(system_for(cat), [user])}")
            row["messages"] += 2  # the task out, the answer back
        call(system_for(cats[0]), [user, {"role": "user", "content": "The workers said:\n" + "\n".join(answers)}])
    else:  # group chat: everyone reads the whole transcript
        transcript: list[dict[str, str]] = [user]
        for i, cat in enumerate(cats):
            answer = call(system_for(cat), list(transcript))
            row["messages"] += i  # this agent read every earlier agent's message
            transcript.append({"role": "user", "content": f"[{cat} specialist] {answer}"})
    row["wall_s"] = round(time.perf_counter() - t0, 3)
    return row


def topology_sweep(request_text: str, today: Any, sizes: list[int], topologies: tuple[str, ...] = TOPOLOGIES,
                   **kwargs: Any) -> list[dict[str, Any]]:
    """:func:`run_topology` for every topology and team size."""
    return [run_topology(t, n, request_text, today, **kwargs) for t in topologies for n in sizes]


def throughput(request_text: str, today: Any, concurrency: list[int], requests: int = 8, *,
               provider: str | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """Send ``requests`` one-call requests with ``c`` threads at once, for each ``c``; requests per second.

    Returns:
        Rows ``{"concurrency", "requests", "ok", "wall_s", "rps", "mean_latency_s"}``.
    """
    from tutorial_helpers import prompts
    from tutorial_helpers.llm import get_provider, openai_client

    prov = get_provider(provider)
    client = openai_client(prov)
    options, req = _options(request_text, "gift", today)
    system = prompts.render(prompts.SPECIALIST, today=today, category="gift", budget=req.get("budget"), options=options)
    client.chat.completions.create(model=prov.model_small, seed=seed, messages=[  # warm-up, not measured
        {"role": "system", "content": system}, {"role": "user", "content": request_text}])
    rows = []
    for c in concurrency:
        def one(i: int) -> tuple[bool, float]:
            t = time.perf_counter()
            r = client.chat.completions.create(model=prov.model_small, seed=seed + i, messages=[
                {"role": "system", "content": system}, {"role": "user", "content": request_text}])
            return bool(r.choices and r.choices[0].message.content), time.perf_counter() - t

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=c) as pool:
            results = list(pool.map(one, range(requests)))
        wall = time.perf_counter() - t0
        rows.append({"concurrency": c, "requests": requests, "ok": sum(ok for ok, _ in results),
                     "wall_s": round(wall, 3), "rps": round(requests / wall, 2) if wall > 0 else None,
                     "mean_latency_s": round(sum(t for _, t in results) / len(results), 3)})
    return rows
