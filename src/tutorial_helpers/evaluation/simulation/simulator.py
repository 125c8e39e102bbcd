"""The user simulator: plays a persona's user in a conversation with a recommender.

It is part of the evaluation, not of the model under test, so it shares none of the recommender's
understanding code: it reads the assistant's words with its own small keyword table
(:data:`ASK_WORDS`), answers from the persona's hidden facts with its own phrasings, and judges a
recommended plan with the public domain models and the guardrail's checker only.

Behaviour (ARCHITECTURE.md, "Conversation and user simulation"):

* it opens with the persona's ``opening``;
* to a question it answers the facts asked, in varied words drawn from a seeded generator; a
  ``terse`` user answers one fact a turn, a ``chatty`` one volunteers one more fact, a ``vague`` one
  answers loosely the first time a number or a date is asked ("not too many people") and precisely
  when asked again;
* to chit-chat it reacts and, with some probability, reveals an interest;
* to a recommendation it accepts when every item it can look up satisfies its facts and every
  wanted category is there, otherwise it rejects, saying the first reason in words. Items it cannot
  find in the catalog (an ungrounded recommender's inventions) it cannot check: it takes the
  assistant's word for their price and category, as a real person would, so an ungrounded plan can
  be accepted and still be invalid (``accepted_invalid``).

:class:`LLMUserSimulator` lets a model play the same persona (for real models); the rule-based
:class:`UserSimulator` is the offline default.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from tutorial_helpers.domain import BirthdayPlan, Persona, PlanItem

#: the fields a question can ask about, with the words that give the question away
ASK_WORDS: dict[str, tuple[str, ...]] = {
    "recipient_age": (r"\bhow old\b", r"\bage\b", r"\bturning\b", r"\bbirthday (?:is|will be) (?:it|this)\b"),
    "city": (r"\bcity\b", r"\bwhere\b", r"\blocation\b", r"\bwhich town\b"),
    "date": (r"\bwhen\b", r"\bdate\b", r"\bwhat day\b", r"\bwhich day\b"),
    "guests": (r"\bhow many\b", r"\bguests?\b", r"\bpeople\b", r"\bheadcount\b"),
    "budget": (r"\bbudget\b", r"\bspend\b", r"\bhow much\b", r"\bprice range\b", r"\bafford\b"),
    "interests": (r"\binterest", r"\bhobb", r"\blove\b", r"\blike doing\b", r"\benjoy", r"\binto\b", r"\bfavou?rite\b"),
    "avoid_allergens": (r"\ballerg", r"\bdiet", r"\bfood restriction", r"\bcan(?:'t| ?not) eat\b"),
    "recipient_name": (r"\bwho is\b", r"\bwho(?:'s| is)? the (?:party|birthday)\b", r"\bname\b", r"\bwho\b"),
}
NUMERIC_FIELDS = ("guests", "budget", "date")
ACCEPTS = ("Perfect, let's go with that!", "That works for us, thank you!", "Great, that's exactly it. Let's book it.",
           "Yes, I love it. We'll take that plan.")
DONT_KNOW = ("Sorry, I'm not sure what you mean.", "Hmm, what do you need to know?", "Could you say that differently?")
FEMALE = ("daughter", "wife", "mom", "grandma", "sister", "aunt", "girlfriend")


@dataclass
class SimTurn:
    """One simulated user utterance and what the simulator knows about it (for fidelity metrics)."""

    text: str
    kind: str  # opening | answer | reaction | accept | reject | unclear
    fields: list[str] = field(default_factory=list)  # facts stated in this turn
    asked: list[str] = field(default_factory=list)  # facts the assistant asked for
    accepted: bool = False
    reason: str | None = None  # the check behind a rejection


def asked_fields(text: str) -> list[str]:
    """The facts an assistant message asks for (own keyword table; questions only)."""
    low = text.lower()
    questions = [s for s in re.split(r"(?<=[?])\s+|\n", low) if "?" in s]
    out: list[str] = []
    for q in questions:
        for f, pats in ASK_WORDS.items():
            if f not in out and any(re.search(p, q) for p in pats):
                out.append(f)
    if "recipient_name" in out and len(out) > 1:  # "who" inside a longer question is rarely the name
        out.remove("recipient_name")
    return out


class UserSimulator:
    """A rule-based simulated user for one persona (deterministic for a seed).

    Example:
        >>> from tutorial_helpers.evaluation.simulation import load_personas, UserSimulator
        >>> sim = UserSimulator(load_personas()[0], seed=0)
        >>> sim.opening().text                                   # doctest: +SKIP
    """

    def __init__(self, persona: Persona, seed: int = 0, catalog: Any = None) -> None:
        self.persona = persona
        self.facts = persona.facts
        self.rng = random.Random(f"{persona.persona_id}:{seed}")
        self.catalog = catalog
        self.revealed: set[str] = set()
        self.times_asked: dict[str, int] = {}
        self.turns: list[SimTurn] = []
        if persona.pronoun == "they":
            female = persona.relation in FEMALE
            self.she, self.her = ("she", "her") if female else ("he", "his") if persona.relation else ("they", "their")
        else:
            self.she, self.her = (persona.pronoun, "her" if persona.pronoun == "she" else "his")

    # -- wording -------------------------------------------------------------------------------
    def _pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def _who(self) -> str:
        return self.facts.recipient_name or f"My {self.persona.relation or 'friend'}"

    def phrase(self, name: str, loose: bool = False) -> str | None:
        """The persona's fact ``name`` in words (``loose``: the vague first answer), or None if unknown."""
        f, she = self.facts, self.she.capitalize()
        if loose and name == "guests" and f.guests:
            return self._pick(("Not too many people.", "A small crowd, I think.", "Some friends, not a huge party."))
        if loose and name == "budget" and f.budget:
            return self._pick(("The usual budget, nothing crazy.", "Something reasonable.",
                               "Not too expensive, please."))
        if loose and name == "date" and f.date:
            return self._pick(("Sometime soon, in a couple of weeks.", "Not long from now.",
                               "Later this month or early next."))
        if name == "recipient_age" and f.recipient_age is not None:
            return self._pick((f"{she} is turning {f.recipient_age}.", f"{self._who()} will be {f.recipient_age}.",
                               f"{she}'ll be {f.recipient_age} years old."))
        if name == "city" and f.city:
            return self._pick((f"We're in {f.city}.", f"We live in {f.city}.", f"In {f.city}."))
        if name == "date" and f.date:
            d = f.date
            words = f"{d.strftime('%B')} {d.day}"
            return self._pick((f"The party is on {words}.", f"On {d.strftime('%A')}, {words}.",
                               f"It's on {d.isoformat()}."))
        if name == "guests" and f.guests:
            return self._pick((f"We expect {f.guests} guests.", f"{f.guests} people are coming.",
                               f"About {f.guests} guests."))
        if name == "budget" and f.budget:
            b = f"${f.budget:,.0f}"
            return self._pick((f"Our budget is {b}.", f"We can spend up to {b} in total.",
                               f"No more than {b} overall."))
        if name == "interests" and f.interests:
            xs = " and ".join(f.interests)
            return self._pick((f"{she} loves {xs}.", f"{she}'s really into {xs}.", f"{she} is crazy about {xs}."))
        if name == "avoid_allergens":
            parts = []
            if f.avoid_allergens:
                a = " and ".join(f.avoid_allergens)
                parts.append(self._pick((f"Someone is allergic to {a}, so no {a} please.", f"We have to avoid {a}.",
                                         f"No {a}: there's an allergy.")))
            if f.dietary:
                parts.append(
                    self._pick((f"It all has to be {' and '.join(f.dietary)}.",
                                f"Everything must be {' and '.join(f.dietary)}.")))
            if not parts:
                return self._pick(("No allergies.", "No allergies or special diets.", "Nobody has allergies."))
            return " ".join(parts)
        if name == "recipient_name" and f.recipient_name:
            return self._pick((f"It's for {f.recipient_name}.",
                               f"{f.recipient_name}, my {self.persona.relation or 'friend'}."))
        return None

    def _volunteer(self, exclude: list[str]) -> tuple[str, str] | None:
        order = ["interests", "recipient_age", "city", "date", "guests", "budget", "avoid_allergens"]
        for name in order:
            if name in self.revealed or name in exclude:
                continue
            if name in ("city", "date", "guests", "avoid_allergens") and self.persona.wants == ["gift"]:
                continue
            text = self.phrase(name)
            if text:
                return name, text
        return None

    def _record(self, turn: SimTurn) -> SimTurn:
        self.revealed.update(turn.fields)
        self.turns.append(turn)
        return turn

    # -- the three reactions ----------------------------------------------------------------------
    def opening(self) -> SimTurn:
        """The first user message."""
        return self._record(SimTurn(self.persona.opening, "opening"))

    def reply(self, assistant_text: str, plan: BirthdayPlan | None = None) -> SimTurn:
        """The user's answer to an assistant turn (a recommendation when ``plan`` is given)."""
        if plan is not None and plan.items:
            return self._record(self.judge(plan))
        asked = asked_fields(assistant_text)
        if not asked:
            return self._record(self.react(assistant_text))
        parts: list[str] = []
        stated: list[str] = []
        take = asked[:1] if self.persona.style == "terse" else asked[:2]
        for name in take:
            n = self.times_asked.get(name, 0)
            self.times_asked[name] = n + 1
            loose = self.persona.style == "vague" and name in NUMERIC_FIELDS and n == 0
            text = self.phrase(name, loose=loose)
            if text is None:
                text = self._pick(("That doesn't matter to us.", "No preference there.", "Anything is fine for that."))
            elif not loose:
                stated.append(name)
            parts.append(text)
        if self.persona.style == "chatty":
            extra = self._volunteer(exclude=take)
            if extra:
                parts.append(extra[1])
                stated.append(extra[0])
        return self._record(SimTurn(" ".join(parts), "answer", fields=stated, asked=asked))

    def react(self, assistant_text: str) -> SimTurn:
        """A reaction to chit-chat; may reveal an interest (more likely for chatty users)."""
        p = {"chatty": 0.9, "terse": 0.5, "vague": 0.7}[self.persona.style]
        if self.facts.interests and self.rng.random() < p:
            text = self._pick(("Ha, yes! ", "Oh, totally. ", "True! ")) + (self.phrase("interests") or "")
            return SimTurn(text, "reaction", fields=["interests"])
        return SimTurn(self._pick(("Thanks, that's nice.", "Sure.", "Yes, should be fun!")), "reaction")

    # -- judging a plan ---------------------------------------------------------------------------
    def problems(self, plan: BirthdayPlan) -> list[tuple[str, str]]:
        """(check, reason in words) for every fact the plan breaks, most personal first."""
        from tutorial_helpers.planning.guardrail import Constraints, run_checks

        catalog = self._catalog()
        f, she = self.facts, self.she.capitalize()
        known = [p for p in plan.items if catalog.get(p.id) is not None]
        checked = BirthdayPlan(feasible=True, request=plan.request, items=known)
        checked.recompute_total()
        constraints = Constraints.from_request(self.persona.request(), categories_required=self.persona.wants)
        constraints.interests_any = set(f.interests) if any(p.category in ("gift", "activity")
                                                            for p in known) else set()
        found = run_checks(checked, constraints, catalog)
        out: list[tuple[str, str]] = []
        cats = {p.id: p.category for p in plan.items}

        def item_name(v: Any) -> str:  # "the cake": the user names the kind of item, not the shop's product name
            return f"the {cats[v.item_id]}" if getattr(v, "item_id", None) in cats else "that"

        for check in ("allergens", "dietary", "age", "city", "date", "capacity", "interests"):
            for v in found.get(check, [])[:1]:
                nm = item_name(v)
                reason = {
                    "allergens": (self._pick((f"{nm} won't work: we have to avoid {' and '.join(f.avoid_allergens)}.",
                                              f"Someone is allergic to {' and '.join(f.avoid_allergens)}, "
                                              f"so not {nm}."))
                                  if f.avoid_allergens else f"{nm} isn't {' and '.join(f.dietary)}, and we need that."),
                    "dietary": f"{nm} isn't {' and '.join(f.dietary)}, and we need that.",
                    "age": self._pick((f"{nm} isn't right for a {f.recipient_age}-year-old.",
                                       f"{she}'s {f.recipient_age}, so {nm} doesn't fit.")),
                    "city": self._pick((f"{nm} isn't in {f.city}; we're in {f.city}.",
                                        f"We need something in {f.city}, not elsewhere.")),
                    "date": f"{nm} doesn't work for the party date ({f.date.isoformat() if f.date else 'our date'}).",
                    "capacity": f"{nm} is too small for {f.guests} people.",
                    "interests": self._pick((
                        f"{she}'s not really into that; {self.she} loves {' and '.join(f.interests)}.",
                                             f"{she} would prefer something with {' or '.join(f.interests)}.")),
                }[check]
                out.append((check, reason))
        have = {p.category for p in plan.items}
        for c in self.persona.wants:
            if c not in have:
                out.append(("categories", self._pick((f"We also need a {c}.", f"What about the {c}? We need one."))))
                break
        short = [v for v in found.get("budget", []) if "covers" in v.detail]
        if short and f.guests:
            out.append(("budget",
                        self._pick((f"There will be {f.guests} of us; {item_name(short[0])} isn't enough for everyone.",
                                              f"We're {f.guests} people, so {item_name(short[0])} is too little."))))
        total = sum(p.subtotal for p in plan.items)
        if f.budget is not None and total > f.budget + 0.011:
            out.append(("budget", self._pick(("That's over what we can spend.", "That's too expensive for us.")) +
                        (f" We have ${f.budget:,.0f}." if self.persona.style == "chatty" else "")))
        return out

    def judge(self, plan: BirthdayPlan) -> SimTurn:
        """Accept the plan, or reject it with the first reason in words."""
        problems = self.problems(plan)
        if not problems:
            return SimTurn(self._pick(ACCEPTS), "accept", accepted=True)
        check, reason = problems[0]
        reason = reason[0].upper() + reason[1:]
        stated = {"allergens": ["avoid_allergens"], "dietary": ["avoid_allergens"], "age": ["recipient_age"],
                  "city": ["city"], "date": ["date"], "capacity": ["guests"], "interests": ["interests"]}.get(check, [])
        lead = self._pick(("Hmm, no. ", "Not quite. ", "Sorry, no: ", ""))
        return SimTurn(lead + reason, "reject", fields=stated, reason=check)

    def _catalog(self) -> Any:
        if self.catalog is None:
            from tutorial_helpers.catalog import load_catalog

            self.catalog = load_catalog()
        return self.catalog


def plan_from_items(persona: Persona, items: list[PlanItem]) -> BirthdayPlan:
    """A plan object around ``items`` for ``persona`` (helper for tests and notebooks)."""
    plan = BirthdayPlan(feasible=True, request=persona.request(), items=items)
    plan.recompute_total()
    return plan


class LLMUserSimulator(UserSimulator):
    """The same persona played by a model (for real providers): the model writes every utterance.

    The decision to accept stays with the rule-based judge (so success is measured the same way);
    the model words the answers, reactions and rejection reasons from the persona's hidden goal with
    the ``USER_SIMULATOR`` prompt of :mod:`tutorial_helpers.prompts`.
    """

    def __init__(self, persona: Persona, seed: int = 0, catalog: Any = None, provider: Any = None,
                 meter: Any = None) -> None:
        super().__init__(persona, seed, catalog)
        from tutorial_helpers.llm import get_provider, openai_client

        self.provider = get_provider(provider)
        self.client = openai_client(self.provider, meter=meter, agent="user_simulator")
        self.history: list[dict[str, str]] = []
        self.seed = seed

    def _say(self, assistant_text: str, hint: str) -> str:
        from tutorial_helpers import prompts

        goal = (self.persona.facts.model_dump_json(exclude_none=True)
                + f"; wants: {', '.join(self.persona.wants)}; today: {self.persona.today}")
        msgs = [{"role": "system", "content": prompts.USER_SIMULATOR.format(goal=goal) + "\n" + hint}]
        for h in self.history:  # from the simulator's side the assistant is the "user"
            msgs.append({"role": "assistant" if h["role"] == "user" else "user", "content": h["content"]})
        msgs.append({"role": "user", "content": assistant_text})
        resp = self.client.chat.completions.create(model=self.provider.model_large, messages=msgs, seed=self.seed)
        return (resp.choices[0].message.content or "").strip() or self._pick(DONT_KNOW)

    def opening(self) -> SimTurn:
        turn = super().opening()
        self.history.append({"role": "user", "content": turn.text})
        return turn

    def reply(self, assistant_text: str, plan: BirthdayPlan | None = None) -> SimTurn:
        turn = super().reply(assistant_text, plan)
        hint = {"accept": "Say you accept the plan.",
                "reject": f"Reject it; your reason: {turn.reason or turn.text}"}.get(turn.kind, "")
        turn.text = self._say(assistant_text, hint)
        self.history += [{"role": "assistant", "content": assistant_text}, {"role": "user", "content": turn.text}]
        return turn
