"""How faithful is the simulator? Counts over every simulated turn, read by an independent reader.

The simulator is a model of a user too, so we measure it: the project's rule-based extractor
(:mod:`tutorial_helpers.extraction`, which the simulator does not use) reads each simulated utterance,
and we count

* **contradictions**: a fact the utterance states that differs from the persona's hidden fact
  (must be 0);
* **answered**: among turns that answer a question, the share whose words carry a fact that was
  asked (a vague user's loose first answer counts as not answered: that is its style).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from tutorial_helpers.domain import Persona

SCALAR = ("recipient_age", "city", "date", "guests", "budget")


def turn_facts(text: str, persona: Persona) -> dict[str, Any]:
    """What an independent reader finds in one simulated utterance."""
    from tutorial_helpers.extraction import extract_conversation

    req = extract_conversation([text], persona.today).request
    return {k: v for k, v in req.model_dump().items() if v not in (None, [], "") and k != "currency"}


def contradictions(text: str, persona: Persona) -> list[str]:
    """Facts in ``text`` that contradict the persona (empty: consistent)."""
    got = turn_facts(text, persona)
    facts = persona.facts
    out = []
    for k in SCALAR:
        want = getattr(facts, k)
        if k in got and want is not None and got[k] != want:
            out.append(f"{k}: said {got[k]!r}, fact {want!r}")
    for k in ("avoid_allergens", "dietary", "interests"):
        extra = set(got.get(k, [])) - set(getattr(facts, k))
        if extra and k != "interests":
            out.append(f"{k}: said {sorted(extra)}, facts {getattr(facts, k)}")
        elif extra and not set(getattr(facts, k)) & set(got.get(k, [])):
            out.append(f"interests: said {sorted(extra)}, facts {facts.interests}")
    return out


def fidelity(conversations: Iterable[Any], personas: dict[str, Persona]) -> dict[str, Any]:
    """Fidelity counts over conversations (``Conversation`` objects with ``sim_turns``).

    Returns ``{"turns", "contradictions", "contradiction_rate", "questions", "answered", "answered_rate",
    "answered_rate_by_style"}``.
    """
    n = bad = asked = answered = 0
    by_style: Counter[str] = Counter()
    by_style_ok: Counter[str] = Counter()
    examples: list[str] = []
    for c in conversations:
        persona = personas[c.persona_id]
        for t in c.sim_turns:
            n += 1
            problems = contradictions(t.text, persona)
            if problems:
                bad += 1
                examples.append(f"{c.persona_id}: {t.text!r} -> {problems[0]}")
            if t.kind == "answer" and t.asked:
                askable = [f for f in t.asked if f in SCALAR + ("interests", "avoid_allergens")
                           and (getattr(persona.facts, f, None) not in (None, []) or f == "avoid_allergens")]
                if not askable:
                    continue
                asked += 1
                by_style[persona.style] += 1
                got = turn_facts(t.text, persona)
                ok = any(f in got for f in askable) or ("avoid_allergens" in askable
                                                        and not persona.facts.avoid_allergens
                                                         and not persona.facts.dietary and "allerg" in t.text.lower())
                answered += ok
                by_style_ok[persona.style] += ok
    return {"turns": n, "contradictions": bad, "contradiction_rate": round(bad / n, 4) if n else 0.0,
            "questions": asked, "answered": answered, "answered_rate": round(answered / asked, 4) if asked else 1.0,
            "answered_rate_by_style": {s: round(by_style_ok[s] / by_style[s], 4) for s in sorted(by_style)},
            "examples": examples[:5]}
