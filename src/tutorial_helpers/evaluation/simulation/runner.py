"""Conversations between a recommender and the user simulator, and the simulation JSON of ARCHITECTURE.md,
"Conversation and user simulation".

``simulate(personas, ["macrs", "form-filler"])`` plays one conversation per persona and recommender
and returns one :class:`SimulationResult` per recommender; ``result.to_json()`` is the simulation
JSON (success rate, turns, acts, ``accepted_invalid``, ``grounded_rate``, cost, transcripts).

A conversation succeeds when the simulated user accepts within ``max_turns`` assistant turns and the
accepted plan passes the guardrail against the persona's facts. ``accepted_invalid`` counts
accepted plans that break a fact (an ungrounded item counts: it is not in the catalog).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tutorial_helpers.domain import BirthdayPlan, Persona
from tutorial_helpers.evaluation.simulation.simulator import LLMUserSimulator, UserSimulator

DEFAULT_MAX_TURNS = 6


@dataclass
class Conversation:
    """One simulated conversation."""

    persona_id: str
    recommender: str
    style: str
    success: bool
    accepted: bool
    turns: int
    acts: dict[str, int]
    transcript: list[dict[str, Any]]
    plan: BirthdayPlan | None = None
    violations: list[str] = field(default_factory=list)
    recommended_items: int = 0
    grounded_items: int = 0
    usage: dict[str, Any] = field(default_factory=dict)
    sim_turns: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"persona_id": self.persona_id, "success": self.success, "turns": self.turns, "acts": self.acts,
                "accepted": self.accepted, "style": self.style, "violations": self.violations,
                "llm_calls": self.usage.get("llm_calls", 0), "transcript": self.transcript}


@dataclass
class SimulationResult:
    """All conversations of one recommender."""

    recommender: str
    domain: str
    conversations: list[Conversation]

    @property
    def n(self) -> int:
        return len(self.conversations)

    def metrics(self) -> dict[str, Any]:
        """The aggregate fields of the simulation JSON (no transcripts)."""
        cs = self.conversations
        n = max(1, len(cs))
        ok = [c for c in cs if c.success]
        acts = Counter()
        for c in cs:
            acts.update(c.acts)
        rec = sum(c.recommended_items for c in cs)
        return {
            "recommender": self.recommender, "domain": self.domain, "n": len(cs),
            "success_rate": round(len(ok) / n, 4),
            "mean_turns": round(sum(c.turns for c in cs) / n, 3),
            "mean_turns_success": round(sum(c.turns for c in ok) / len(ok), 3) if ok else None,
            "accepted_invalid": sum(1 for c in cs if c.accepted and not c.success),
            "grounded_rate": round(sum(c.grounded_items for c in cs) / rec, 4) if rec else 1.0,
            "acts": {a: acts.get(a, 0) for a in ("ask", "chitchat", "recommend")},
            "mean_llm_calls": round(sum(c.usage.get("llm_calls", 0) for c in cs) / n, 3),
            "mean_tokens": round(sum(c.usage.get("tokens", 0) for c in cs) / n, 1),
            "mean_cost_usd": round(sum(c.usage.get("cost_usd", 0.0) for c in cs) / n, 6),
        }

    def to_json(self) -> dict[str, Any]:
        """The simulation JSON of ARCHITECTURE.md, "Conversation and user simulation"."""
        return {**self.metrics(), "conversations": [c.to_json() for c in self.conversations]}


def run_conversation(recommender: Any, persona: Persona, seed: int = 0, max_turns: int = DEFAULT_MAX_TURNS,
                     catalog: Any = None, simulator: str = "rule", provider: Any = None) -> Conversation:
    """Play one conversation between ``recommender`` and a simulated user for ``persona``."""
    from tutorial_helpers.planning.guardrail import Constraints, run_checks

    if catalog is None:  # the run's catalog (--catalog), else the shipped one
        from tutorial_helpers.tools.state import get_catalog

        catalog = get_catalog()
    sim: UserSimulator = (LLMUserSimulator(persona, seed, catalog, provider=provider) if simulator == "llm"
                          else UserSimulator(persona, seed, catalog))
    recommender.start(persona.today, max_turns)
    first = sim.opening()
    transcript: list[dict[str, Any]] = [{"role": "user", "content": first.text}]
    acts: Counter[str] = Counter()
    user_text, accepted, plan = first.text, False, None
    rec_items = grounded = turns = 0
    for _ in range(max_turns):
        turn = recommender.respond(user_text)
        turns += 1
        acts[turn.act] += 1
        entry: dict[str, Any] = {"role": "assistant", "content": turn.text, "act": turn.act}
        if turn.plan is not None:
            entry["plan"] = [{"id": p.id, "name": p.name, "category": p.category, "subtotal": p.subtotal}
                             for p in turn.plan.items]
            rec_items += len(turn.plan.items)
            grounded += sum(1 for p in turn.plan.items if catalog.get(p.id) is not None)
        transcript.append(entry)
        reply = sim.reply(turn.text, turn.plan if turn.act == "recommend" else None)
        transcript.append({"role": "user", "content": reply.text, "kind": reply.kind})
        user_text = reply.text
        if reply.accepted:
            accepted, plan = True, turn.plan
            break
    violations: list[str] = []
    if accepted and plan is not None:
        constraints = Constraints.from_request(persona.request(), categories_required=persona.wants)
        violations = [f"{k}: {v.detail}" for k, vs in run_checks(plan, constraints, catalog).items() for v in vs]
    return Conversation(persona.persona_id, getattr(recommender, "name", "?"), persona.style,
                        success=accepted and plan is not None and not violations, accepted=accepted, turns=turns,
                        acts=dict(acts), transcript=transcript, plan=plan, violations=violations,
                        recommended_items=rec_items, grounded_items=grounded, usage=recommender.usage(),
                        sim_turns=sim.turns)


def simulate(personas: Iterable[Persona], recommenders: Iterable[str], *, provider: Any = None, seed: int = 0,
             max_turns: int = DEFAULT_MAX_TURNS, simulator: str = "rule",
             progress: Callable[[str, int, int, Conversation], None] | None = None) -> list[SimulationResult]:
    """One conversation per persona and recommender; offline, on a private stand-in with no simulated latency.

    Args:
        personas: the simulated users.
        recommenders: names (see :data:`~tutorial_helpers.patterns.conversational.RECOMMENDERS`).
        provider: provider name or object (default: from settings; offline without a key).
        seed: the simulator's and the model's seed.
        max_turns: assistant turns before the conversation counts as failed.
        simulator: "rule" (default) or "llm" (the model plays the user; for real models).
        progress: called after each conversation with ``(recommender, done, total, conversation)``.
    """
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.patterns.conversational import make_recommender
    from tutorial_helpers.routing.experiment import dedicated_provider

    personas = list(personas)
    names = list(recommenders)
    catalog = load_catalog()
    out = []
    with dedicated_provider(provider, latency_scale=0.0) as prov:
        for name in names:
            rec = make_recommender(name, prov, seed)
            convs = []
            for i, p in enumerate(personas):
                c = run_conversation(rec, p, seed, max_turns, catalog, simulator=simulator, provider=prov)
                convs.append(c)
                if progress:
                    progress(name, i + 1, len(personas), c)
            out.append(SimulationResult(name, "birthday", convs))
    return out


def metrics_table(results: Iterable[SimulationResult]) -> Any:
    """A pandas table: one row per recommender (success, turns, acts, calls, cost, accepted_invalid, grounded)."""
    import pandas as pd

    rows = []
    for r in results:
        m = r.metrics()
        rows.append({"recommender": m["recommender"], "n": m["n"], "success_rate": m["success_rate"],
                     "mean_turns": m["mean_turns"], "mean_turns_success": m["mean_turns_success"],
                     "ask": m["acts"]["ask"], "chitchat": m["acts"]["chitchat"], "recommend": m["acts"]["recommend"],
                     "mean_llm_calls": m["mean_llm_calls"], "mean_tokens": m["mean_tokens"],
                     "mean_cost_usd": m["mean_cost_usd"],
                     "accepted_invalid": m["accepted_invalid"], "grounded_rate": m["grounded_rate"]})
    return pd.DataFrame(rows).set_index("recommender")

