"""What evolution may change: the team's configuration space, and the one thing it may never touch.

Two kinds of change, after the AgenticRS paper (section 4.3):

* **individual** (:class:`TeamConfig`'s knobs): a fixed team graph, one agent's settings tuned - the
  retriever's lexical/semantic weighting, the candidate pool the selector sees, the router's
  threshold for sending an agent to the small tier, the critic's rounds;
* **compositional** (:class:`StructureProposal`): which agents exist and how they are wired - add or
  drop a critic round, drop the explainer, reorder or parallelise the retrieval.

The guardrail is *not* in either space: :class:`TeamConfig` has no field for it and forbids extra
fields, and :func:`validate_proposal` rejects any proposal that names it, with a reason. The front
door runs it after every team, whatever evolution did.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: parts of the system evolution may never change (infrastructure, not a decision agent)
PROTECTED: tuple[str, ...] = ("guardrail", "checker", "guard", "validate_plan", "checks")
#: the agents of the team, in the order they run
AGENTS: tuple[str, ...] = ("extractor", "retriever", "selector", "critic", "explainer")
AgentName = Literal["extractor", "retriever", "selector", "critic", "explainer"]

#: the individual-evolution search space: knob -> the values the optimiser may pick
SEARCH_SPACE: dict[str, tuple[Any, ...]] = {
    "lexical_weight": (0.0, 0.25, 0.5, 0.75, 1.0),
    "pool_size": (2, 4, 6, 10, 16),
    "router_threshold": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "critic_rounds": (0, 1, 2),
}


class TeamConfig(BaseModel):
    """One configuration of the planning team (every field is a decision evolution may change).

    Attributes:
        lexical_weight: how the retriever ranks its candidates: 1.0 lexical (BM25) only, 0.0 semantic
            (embeddings) only, in between a weighted reciprocal-rank fusion.
        pool_size: how many candidates per category the selector is shown (more: higher recall, more
            prompt tokens).
        router_threshold: difficulty at or above which an agent runs on the large tier (the rule
            router of :mod:`tutorial_helpers.routing`); higher: more small-tier calls, cheaper.
        critic_rounds: critic -> selector refinement rounds (0: no critic).
        explainer: run the explainer agent (else the template explanation).
        parallel_retrieval: one retriever per category, run concurrently, instead of one tool loop.
        greedy_budget: the selector maximises its own *inner* reward, budget use (the most expensive
            option per category) - only for the inner-vs-outer demonstration, not in the search space.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lexical_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    pool_size: int = Field(default=6, ge=1, le=60)
    router_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    critic_rounds: int = Field(default=1, ge=0, le=3)
    explainer: bool = True
    parallel_retrieval: bool = False
    greedy_budget: bool = False

    def key(self) -> str:
        """A short stable hash of the configuration (the experience store's key)."""
        blob = json.dumps(self.model_dump(), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def agents(self) -> list[str]:
        """The agents this configuration runs, in order."""
        return [a for a in AGENTS if (a != "critic" or self.critic_rounds) and (a != "explainer" or self.explainer)]


class StructureProposal(BaseModel):
    """A compositional change, as an evolution agent (a model) proposes it: JSON, validated here.

    Attributes:
        action: what to change.
        critic_rounds: the critic rounds after the change.
        explainer: whether the explainer stays.
        order: the agents, in the order they should run (the guardrail is not an agent of the team).
        parallel_retrieval: one retriever per category, concurrently.
        rationale: why, in one or two sentences (from the failure log).
    """

    model_config = ConfigDict(extra="forbid")

    action: Literal["add_critic", "drop_critic", "drop_explainer", "reorder", "parallelise", "keep"]
    critic_rounds: int = Field(ge=0, le=3)
    explainer: bool = True
    order: list[AgentName] = Field(default_factory=lambda: list(AGENTS))
    parallel_retrieval: bool = False
    rationale: str = ""


def _mentions_protected(raw: Any) -> str | None:
    text = json.dumps(raw).lower() if not isinstance(raw, str) else raw.lower()
    keys = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                keys.add(str(k).lower())
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            keys.add(x.lower())

    try:
        walk(json.loads(text) if isinstance(raw, str) else raw)
    except json.JSONDecodeError:
        pass
    for word in PROTECTED:
        if any(word == k or k.startswith(word + "_") or k.endswith("_" + word) for k in keys):
            return word
    return None


def validate_proposal(raw: str | dict[str, Any], base: TeamConfig) -> tuple[TeamConfig | None, str]:
    """Turn a proposal (JSON text or dict) into a configuration, or say in one sentence why not.

    Rejected: text that is not JSON, a field or value that names the guardrail (evolution may never
    change it), a schema violation, an order in which an agent runs before what it needs (the
    extractor first, the retriever before the selector, the critic and explainer after it), an order
    that disagrees with the proposal's own critic / explainer settings.

    Args:
        raw: the model's answer.
        base: the configuration the proposal changes (its individual knobs are kept).

    Returns:
        ``(config, "")`` when accepted, ``(None, reason)`` when rejected.
    """
    data: Any = raw
    if isinstance(raw, str):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            return None, f"not JSON ({exc.msg} at position {exc.pos})"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    touched = _mentions_protected(data)
    if touched:
        return None, f"touches the protected {touched!r}: evolution may never change the guardrail"
    try:
        prop = StructureProposal.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        return None, f"invalid field {'.'.join(map(str, err['loc'])) or '(root)'}: {err['msg']}"
    order = list(prop.order)
    if len(set(order)) != len(order):
        return None, "an agent appears twice in the order"
    pos = {a: i for i, a in enumerate(order)}
    for need in ("extractor", "retriever", "selector"):
        if need not in pos:
            return None, f"the {need} is required: a plan cannot be made without it"
    if pos["extractor"] != 0:
        return None, "the extractor must run first: every agent reads its request"
    if pos["retriever"] > pos["selector"]:
        return None, "the retriever must run before the selector: the selector chooses among its candidates"
    for late in ("critic", "explainer"):
        if late in pos and pos[late] < pos["selector"]:
            return None, f"the {late} must run after the selector: it reads the selected plan"
    if ("critic" in pos) != (prop.critic_rounds > 0):
        return None, "the order and critic_rounds disagree about the critic"
    if ("explainer" in pos) != prop.explainer:
        return None, "the order and the explainer flag disagree"
    cfg = base.model_copy(update={"critic_rounds": prop.critic_rounds, "explainer": prop.explainer,
                                  "parallel_retrieval": prop.parallel_retrieval})
    return TeamConfig.model_validate(cfg.model_dump()), ""
