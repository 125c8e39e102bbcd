"""Decomposition: split a birthday request into subtasks, each with a difficulty estimate.

The planner's work is not uniformly hard. *Understanding* a request written with paraphrases
("a dozen kids", "this coming Saturday", "no nuts please") needs a strong model; *looking up* gifts in
the catalog, or *explaining* a plan that is already chosen, does not. A router (:mod:`.router`) uses the
difficulty computed here to send each subtask to the small or the large tier.

Difficulty is computed from the request text alone, generically:

* **paraphrase gaps**: the fields the full-understanding reading of the text finds and a lexical
  reading (exact catalog words, digits, explicit dates) misses - compared with the shared extractor at
  ``level="full"`` vs ``level="small"``. Each gap is a constraint a small model would lose;
* **hard constraints**: how many of age, city, date, guests, budget, allergens and diet are set;
* **safety-critical constraints**: allergens or dietary needs (a mistake there harms someone).

>>> import datetime as dt
>>> d = decompose("Maya turns 8 in Austin this Saturday, a dozen kids, no nuts, $400", dt.date(2026, 11, 22))
>>> [s.name for s in d.subtasks][:3]
['understand_request', 'find_gift', 'find_cake']
>>> d.by_name("understand_request").difficulty > d.by_name("explain_plan").difficulty
True
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from tutorial_helpers.domain import BirthdayRequest

#: the request fields that are hard constraints (a plan that ignores one fails a check)
HARD_FIELDS: tuple[str, ...] = ("recipient_age", "city", "date", "guests", "budget", "avoid_allergens", "dietary")
#: the fields whose loss can hurt someone
SAFETY_FIELDS: tuple[str, ...] = ("avoid_allergens", "dietary")
#: fields compared between the full and the lexical reading (hard constraints plus what shapes the plan)
COMPARED_FIELDS: tuple[str, ...] = (*HARD_FIELDS, "interests", "categories", "recipient_name")

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
    """A request split into subtasks, with the signals the difficulties came from.

    Attributes:
        text: the request text.
        today: the reference date.
        subtasks: in the order the team does them.
        paraphrase_gaps: fields the full reading finds that the lexical reading misses.
        hard_constraints: hard-constraint fields the full reading found.
        safety_fields: safety-critical fields the full reading found.
        lexical_request: the request as a lexical (small-tier) reading sees it.
        full_request: the request as a full reading sees it.
    """

    text: str
    today: dt.date
    subtasks: list[Subtask]
    paraphrase_gaps: list[str] = Field(default_factory=list)
    hard_constraints: list[str] = Field(default_factory=list)
    safety_fields: list[str] = Field(default_factory=list)
    lexical_request: BirthdayRequest | None = None
    full_request: BirthdayRequest | None = None

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


def _is_set(value: object) -> bool:
    return value not in (None, [], "", ())


def _field(req: BirthdayRequest | None, name: str) -> object:
    return getattr(req, name, None) if req is not None else None


def paraphrase_gaps(text: str, today: dt.date) -> tuple[list[str], BirthdayRequest | None, BirthdayRequest | None]:
    """Fields that a full reading of ``text`` gets and a lexical reading misses or reads differently.

    Args:
        text: the request as a person wrote it.
        today: reference date for relative dates.

    Returns:
        ``(gaps, lexical_request, full_request)``; ``gaps`` lists field names such as ``"guests"``
        (e.g. "a dozen kids") or ``"avoid_allergens"`` ("nothing with nuts").
    """
    from tutorial_helpers.extraction import extract_request

    full = extract_request(text, today, level="full").request
    small = extract_request(text, today, level="small").request
    gaps = []
    for name in COMPARED_FIELDS:
        f, s = _field(full, name), _field(small, name)
        if not _is_set(f):
            continue
        same = sorted(f) == sorted(s or []) if isinstance(f, list) else f == s
        if not same:
            gaps.append(name)
    return gaps, small, full


def _clip(x: float) -> float:
    return round(min(1.0, max(0.0, x)), 3)


def decompose(text: str, today: dt.date | str, categories: list[str] | None = None) -> Decomposition:
    """Split a birthday request into subtasks with a difficulty per subtask.

    Subtasks: ``understand_request``; one ``find_<category>`` per category the plan needs (gift, and
    with a known city cake and venue, or the categories the user restricted the plan to);
    ``choose_plan``; ``check_constraints``; ``explain_plan``.

    Difficulty (0..1), per kind:

    * understanding: ``0.1 + 0.4 * (a hard constraint is paraphrased) + 0.15 * min(other gaps, 2)
      + 0.1 * safety + 0.02 * hard`` - one paraphrased hard constraint is enough to need a strong reader;
    * retrieval: ``0.15 + 0.02 * hard`` - a lookup with the constraints as filters;
    * selection: ``0.2 + 0.04 * hard`` - options are already valid; the budget makes it combinatorial;
    * checking: ``0.2 + 0.05 * hard + 0.25 * safety`` - the critic guards allergens and diets;
    * explanation: ``0.1`` - describing a finished plan.

    Args:
        text: the request as a person wrote it.
        today: the reference date (``date`` or ``"YYYY-MM-DD"``).
        categories: override the categories to find (default: from the request).

    Returns:
        A :class:`Decomposition`.
    """
    from tutorial_helpers.planning.reference import required_categories

    day = dt.date.fromisoformat(today) if isinstance(today, str) else today
    gaps, small, full = paraphrase_gaps(text, day)
    best = full or small
    hard = [f for f in HARD_FIELDS if _is_set(_field(best, f))]
    safety = [f for f in SAFETY_FIELDS if _is_set(_field(best, f))]
    hard_gaps = [g for g in gaps if g in HARD_FIELDS]
    n_gaps, n_hard, is_safety = len(gaps), len(hard), bool(safety)
    cats = categories or (required_categories(best) if best is not None else ["gift"])

    gap_signal = [f"paraphrased: {', '.join(gaps)}"] if gaps else ["no paraphrase gap"]
    hard_signal = [f"{n_hard} hard constraints"]
    safety_signal = [f"safety-critical: {', '.join(safety)}"] if safety else []

    subtasks = [Subtask(
        name="understand_request", kind="understanding", agent="extractor",
        description="Understand the birthday request: extract age, city, date, guests, budget, allergens, diet.",
        difficulty=_clip(0.1 + 0.4 * bool(hard_gaps) + 0.15 * min(n_gaps - bool(hard_gaps), 2) + 0.1 * is_safety
                         + 0.02 * n_hard),
        safety_critical=is_safety, signals=gap_signal + hard_signal + safety_signal, text=text,
    )]
    for c in cats:
        subtasks.append(Subtask(
            name=f"find_{c}", kind="retrieval", agent="retriever",
            description=f"Look up {c} candidates in the catalog with the search tool, filtered by the known constraints.",
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
            description="Check the proposed plan against every constraint of the request (budget, allergens, diet, age, "
                        "date, capacity).",
            difficulty=_clip(0.2 + 0.05 * n_hard + 0.25 * is_safety), safety_critical=is_safety,
            signals=hard_signal + safety_signal, text=text,
        ),
        Subtask(
            name="explain_plan", kind="explanation", agent="explainer",
            description="Explain the chosen plan in a few warm sentences.",
            difficulty=0.1, signals=["describes a finished plan"], text=text,
        ),
    ]
    return Decomposition(text=text, today=day, subtasks=subtasks, paraphrase_gaps=gaps, hard_constraints=hard,
                         safety_fields=safety, lexical_request=small, full_request=full)
