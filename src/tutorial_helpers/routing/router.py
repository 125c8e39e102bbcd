"""Routers: send each subtask to the ``"small"`` or the ``"large"`` model tier.

Every router has one method, ``route(subtask) -> "small" | "large"``:

* :class:`AlwaysSmall` / :class:`AlwaysLarge`: the two baselines (cheapest, safest);
* :class:`RuleRouter`: a difficulty threshold plus two rules - lookups, selection among validated
  options and explanations go to small; paraphrased understanding and safety-critical checking go to large;
* :class:`LLMRouter`: asks the small model with the ROUTER prompt (:data:`tutorial_helpers.prompts.ROUTER`).

:func:`agent_tiers` turns a router's decisions on a :class:`~.decompose.Decomposition` into one tier per
agent of the native team (an agent that does several subtasks takes the largest tier any of them needs).

>>> import datetime as dt
>>> from tutorial_helpers.routing.decompose import decompose
>>> d = decompose("Maya turns 8 in Austin this Saturday, a dozen kids, $400", dt.date(2026, 11, 22))
>>> RuleRouter().route(d.by_name("understand_request")), RuleRouter().route(d.by_name("find_gift"))
('large', 'small')
"""

from __future__ import annotations

import re
import time
from typing import Any, Literal, Protocol

from tutorial_helpers.routing.decompose import Decomposition, Subtask

TierName = Literal["small", "large"]
TIERS_ORDER: dict[str, int] = {"small": 0, "large": 1}


class Router(Protocol):
    """Anything with ``name`` and ``route(subtask) -> "small" | "large"``."""

    name: str

    def route(self, subtask: Subtask) -> TierName: ...


class AlwaysSmall:
    """Every subtask to the small tier: the cheapest, fastest baseline."""

    name = "small-only"

    def route(self, subtask: Subtask) -> TierName:
        """Always ``"small"``."""
        return "small"


class AlwaysLarge:
    """Every subtask to the large tier: the safest, most expensive baseline."""

    name = "large-only"

    def route(self, subtask: Subtask) -> TierName:
        """Always ``"large"``."""
        return "large"


class RuleRouter:
    """Route by difficulty and kind of work.

    Rules, in order:

    1. ``always_small`` kinds (default: retrieval and explanation) go to small: lookups with the
       constraints as tool filters, and describing a finished plan, do not need a strong model;
    2. a safety-critical subtask of a ``safety_kinds`` kind (default: understanding, checking) goes to large;
    3. otherwise large when ``difficulty >= threshold``, else small.

    Args:
        threshold: difficulty at or above which a subtask goes to large (default 0.5).
        always_small: kinds that always go to small.
        safety_kinds: kinds for which a safety-critical subtask always goes to large.
    """

    def __init__(self, threshold: float = 0.5, always_small: tuple[str, ...] = ("retrieval", "explanation"),
                 safety_kinds: tuple[str, ...] = ("understanding", "checking")) -> None:
        self.threshold = threshold
        self.always_small = tuple(always_small)
        self.safety_kinds = tuple(safety_kinds)
        self.name = "rule-routed" if threshold == 0.5 else f"rule-routed (t={threshold:g})"

    def route(self, subtask: Subtask) -> TierName:
        """``"small"`` or ``"large"`` for ``subtask`` by the rules above."""
        if subtask.kind in self.always_small:
            return "small"
        if subtask.safety_critical and subtask.kind in self.safety_kinds:
            return "large"
        return "large" if subtask.difficulty >= self.threshold else "small"

    def explain(self, subtask: Subtask) -> str:
        """Which rule decided, in words."""
        if subtask.kind in self.always_small:
            return f"{subtask.kind} always goes to small"
        if subtask.safety_critical and subtask.kind in self.safety_kinds:
            return f"safety-critical {subtask.kind} goes to large"
        cmp = ">=" if subtask.difficulty >= self.threshold else "<"
        return f"difficulty {subtask.difficulty:.2f} {cmp} threshold {self.threshold:g}"


def parse_tier(answer: str, default: TierName = "large") -> TierName:
    """Read a router model's answer: the first of "small" / "large" it mentions, else ``default``.

    >>> parse_tier("Large."), parse_tier("I'd say small"), parse_tier("no idea")
    ('large', 'small', 'large')
    """
    m = re.search(r"\b(small|large)\b", (answer or "").lower())
    return m.group(1) if m else default  # type: ignore[return-value]


class LLMRouter:
    """Ask a model which tier a subtask needs, with the ROUTER prompt, on the small tier.

    The router call itself costs tokens (a small-tier call per subtask); they are kept in ``records`` so
    experiments can add them to the bill. An unclear answer or a failed call routes to large (safe default).

    Args:
        provider: provider name or :class:`~tutorial_helpers.llm.Provider` (default: from settings).
        client: an ``openai.OpenAI``-like client (default: one for the provider); a
            :class:`~tutorial_helpers.routing.cache.CachedClient` works too.
        model: the model that decides (default: the provider's small model).
        seed: passed to the model.
    """

    name = "llm-routed"

    def __init__(self, provider: Any = None, client: Any = None, model: str | None = None, seed: int = 0) -> None:
        from tutorial_helpers.llm import get_provider, openai_client

        self.provider = get_provider(provider)
        self.client = client if client is not None else openai_client(self.provider)
        self.model = model or self.provider.model_small
        self.seed = seed
        self.records: list[dict[str, Any]] = []

    def route(self, subtask: Subtask) -> TierName:
        """Ask the model; ``"large"`` when its answer is unclear or the call fails."""
        import openai

        from tutorial_helpers import prompts

        t0 = time.perf_counter()
        try:
            resp = self.client.chat.completions.create(
                model=self.model, seed=self.seed,
                messages=[{"role": "system", "content": prompts.render(prompts.ROUTER, task=subtask.prompt_text())},
                          {"role": "user", "content": "Which tier: small or large?"}],
            )
        except openai.OpenAIError:
            self.records.append({"agent": "router", "model": self.model, "prompt_tokens": 0, "completion_tokens": 0,
                                 "wall_s": time.perf_counter() - t0, "failed": True})
            return "large"
        usage = getattr(resp, "usage", None)
        self.records.append({
            "agent": "router", "model": self.model,
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
            "wall_s": time.perf_counter() - t0,
        })
        return parse_tier(resp.choices[0].message.content or "")


def route_all(router: Router, decomposition: Decomposition) -> dict[str, TierName]:
    """The router's decision for every subtask: ``{subtask name: tier}``."""
    return {s.name: router.route(s) for s in decomposition.subtasks}


def agent_tiers(router: Router, decomposition: Decomposition,
                decisions: dict[str, TierName] | None = None) -> dict[str, TierName]:
    """One tier per agent of the native team: the largest tier any of its subtasks was routed to.

    Args:
        router: the router.
        decomposition: from :func:`~tutorial_helpers.routing.decompose.decompose`.
        decisions: precomputed :func:`route_all` output (avoids asking an LLM router twice).

    Returns:
        ``{"extractor": ..., "retriever": ..., "selector": ..., "critic": ..., "explainer": ...}``.
    """
    decisions = decisions if decisions is not None else route_all(router, decomposition)
    out: dict[str, TierName] = {}
    for s in decomposition.subtasks:
        tier = decisions[s.name]
        if TIERS_ORDER[tier] >= TIERS_ORDER.get(out.get(s.agent, "small"), 0):
            out[s.agent] = tier
    return out
