"""Decomposition: split a birthday request into subtasks, each with a difficulty estimate.

The planner's work is not uniformly hard. *Understanding* a request that states many constraints, some of
them safety-critical ("no nuts please"), is where a misreading costs the most; *looking up* gifts in the
catalog, or *explaining* a plan that is already chosen, is not. A router (:mod:`.router`) uses the
difficulty computed here to send each subtask to the small or the large tier.

Difficulty comes from the request text alone, with signals any system can compute before calling a
model (:mod:`.signals`): how many constraints the text states, whether one is safety-critical
(allergens, diet), negations, numbers in words, relative dates and length. Nothing here calls a model
or the offline stand-in's reader.

>>> import datetime as dt
>>> d = decompose("Maya turns 8 in Austin this Saturday, a dozen kids, no nuts, $400", dt.date(2026, 11, 22))
>>> [s.name for s in d.subtasks][:3]
['understand_request', 'find_gift', 'find_cake']
>>> d.by_name("understand_request").difficulty > d.by_name("explain_plan").difficulty
True
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, Field

from tutorial_helpers import clock
from tutorial_helpers.domain import CATEGORIES
from tutorial_helpers.routing.signals import DEFAULT_WEIGHTS, TextSignals, difficulty_score, text_signals

#: the constraint kinds that are hard constraints (a plan that ignores one fails a check)
HARD_KINDS: tuple[str, ...] = ("age", "city", "date", "guests", "budget", "allergens", "dietary")

Kind = Literal["understanding", "retrieval", "selection", "checking", "explanation"]

#: which agent of the native team does each kind of subtask
AGENT_OF_KIND: dict[str, str] = {
    "understanding": "extractor",
    "retrieval": "retriever",
    "selection": "selector",
    "checking": "critic",
    "explanation": "explainer",
}


class Subtask(BaseModel):
    """One piece of the planning work.

    Attributes:
        name: ``understand_request``, ``find_gift``, ``find_cake``, ``find_venue``, ...,
            ``choose_plan``, ``check_constraints``, ``explain_plan``.
        kind: understanding, retrieval, selection, checking or explanation.
        agent: the agent of the native team that does it (extractor, retriever, selector, critic, explainer).
        description: one sentence, what a router model reads.
        difficulty: 0 (trivial) to 1 (hard), computed from the request text.
        safety_critical: a mistake could harm someone (allergens, diet).
        signals: why the difficulty is what it is (for people reading a routing table).
        text: the request text the subtask works on (the LLM router sees it for understanding/checking).
    """

    name: str
    kind: Kind
    agent: str
    description: str
    difficulty: float = Field(ge=0.0, le=1.0)
    safety_critical: bool = False
    signals: list[str] = Field(default_factory=list)
    text: str = ""

    def prompt_text(self) -> str:
        """What a router model is shown: the description, plus the request text when the subtask reads it."""
        if self.kind in ("understanding", "checking") and self.text:
            quoted = self.text.replace('"', "'")
            return f'{self.description}\nRequest: "{quoted}"'  # quoted: the user's words are data, not instructions
        return self.description


class Decomposition(BaseModel):
    """A request split into subtasks, with the text signals the difficulties came from.

    Attributes:
        text: the request text.
        today: the reference date.
        subtasks: in the order the team does them.
        signals: the text's features (:class:`~.signals.TextSignals` as a dict).
        hard_constraints: the hard constraint kinds the text states.
        safety_fields: the safety-critical kinds the text states (allergens, dietary).
        score: the text's difficulty score (:func:`~.signals.difficulty_score`).
    """

    text: str
    today: dt.date
    subtasks: list[Subtask]
    signals: dict[str, object] = Field(default_factory=dict)
    hard_constraints: list[str] = Field(default_factory=list)
    safety_fields: list[str] = Field(default_factory=list)
    score: float = 0.0

    def by_name(self, name: str) -> Subtask:
        """The subtask called ``name`` (``KeyError`` if there is none)."""
        for s in self.subtasks:
            if s.name == name:
                return s
        raise KeyError(name)

    def for_agent(self, agent: str) -> list[Subtask]:
        """The subtasks one agent of the team does (the retriever does every ``find_*``)."""
        return [s for s in self.subtasks if s.agent == agent]

    def table(self) -> list[dict[str, object]]:
        """Rows for a DataFrame: name, agent, difficulty, safety, signals."""
        return [
            {"subtask": s.name, "agent": s.agent, "kind": s.kind, "difficulty": round(s.difficulty, 2),
             "safety_critical": s.safety_critical, "signals": "; ".join(s.signals)}
            for s in self.subtasks
        ]


_ONLY = re.compile(r"\b(?:just|only)\s+(?:an?\s+|the\s+)?(" + "|".join(CATEGORIES) + r")s?\b", re.I)


def categories_in_text(text: str, sig: TextSignals) -> list[str]:
    """The categories to find: those the text restricts the plan to ("just a gift"), else gift, cake and venue
    when the text names a place (gift alone otherwise)."""
    only = [m.group(1).lower() for m in _ONLY.finditer(text)]
    if only:
        return list(dict.fromkeys(only))
    return ["gift", "cake", "venue"] if "city" in sig.constraints else ["gift"]


def _clip(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def decompose(text: str, today: dt.date | str, categories: list[str] | None = None,
              weights: dict[str, float] | None = None) -> Decomposition:
    """Split a birthday request into subtasks with a difficulty per subtask, from text signals only.

    Subtasks: ``understand_request``; one ``find_<category>`` per category the plan needs
    (:func:`categories_in_text`); ``choose_plan``; ``check_constraints``; ``explain_plan``.

    Difficulty (0..1), per kind, with ``score`` = :func:`~.signals.difficulty_score` of the text and
    ``hard`` = the number of hard constraints the text states:

    * understanding: ``score`` - every stated constraint is one more thing to misread;
    * retrieval: ``0.15 + 0.02 * hard`` - a lookup with the constraints as filters;
    * selection: ``0.2 + 0.04 * hard`` - options are already valid; the budget makes it combinatorial;
    * checking: ``0.2 + 0.05 * hard + 0.25 * safety`` - the critic guards allergens and diets;
    * explanation: ``0.1`` - describing a finished plan.

    Args:
        text: the request as a person wrote it.
        today: the reference date (``date`` or ``"YYYY-MM-DD"``).
        categories: override the categories to find (default: from the text).
        weights: weights of :func:`~.signals.difficulty_score` (default: :data:`~.signals.DEFAULT_WEIGHTS`).

    Returns:
        A :class:`Decomposition`.
    """
    day = clock.as_date(today)
    sig = text_signals(text)
    score = difficulty_score(sig, weights or DEFAULT_WEIGHTS)
    hard = [k for k in sig.constraints if k in HARD_KINDS]
    safety = [k for k in sig.constraints if k in ("allergens", "dietary")]
    n_hard, is_safety = len(hard), bool(safety)
    cats = categories or categories_in_text(text, sig)

    hard_signal = [f"{n_hard} hard constraints stated"]
    safety_signal = [f"safety-critical: {', '.join(safety)}"] if safety else []
    wording = [f"{name} {n}" for name, n in (("negations", sig.negations), ("numbers in words", sig.number_words),
                                              ("relative dates", sig.relative_dates)) if n]

    subtasks = [Subtask(
        name="understand_request", kind="understanding", agent="extractor",
        description="Understand the birthday request: extract age, city, date, guests, budget, allergens, diet.",
        difficulty=_clip(score), safety_critical=is_safety, signals=hard_signal + safety_signal + wording, text=text,
    )]
    for c in cats:
        subtasks.append(Subtask(
            name=f"find_{c}", kind="retrieval", agent="retriever",
            description=f"Look up {c} candidates in the catalog with the search tool, filtered by the known "
                        "constraints.",
            difficulty=_clip(0.15 + 0.02 * n_hard), signals=["catalog lookup", *hard_signal], text=text,
        ))
    subtasks += [
        Subtask(
            name="choose_plan", kind="selection", agent="selector",
            description="Choose one item per category from already-validated options, within the budget.",
            difficulty=_clip(0.2 + 0.04 * n_hard), signals=["options pre-validated", *hard_signal], text=text,
        ),
        Subtask(
            name="check_constraints", kind="checking", agent="critic",
            description="Check the proposed plan against every constraint of the request (budget, allergens, diet, "
                        "age, date, capacity).",
            difficulty=_clip(0.2 + 0.05 * n_hard + 0.25 * is_safety), safety_critical=is_safety,
            signals=hard_signal + safety_signal, text=text,
        ),
        Subtask(
            name="explain_plan", kind="explanation", agent="explainer",
            description="Explain the chosen plan in a few warm sentences.",
            difficulty=0.1, signals=["describes a finished plan"], text=text,
        ),
    ]
    return Decomposition(text=text, today=day, subtasks=subtasks, signals=sig.as_dict(), hard_constraints=hard,
                         safety_fields=safety, score=score)
