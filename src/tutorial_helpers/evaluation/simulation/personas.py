"""Personas for the user simulator: load the shipped ones, generate held-out ones.

A persona (ARCHITECTURE.md, "Conversation and user simulation") is a simulated user: a style (``terse``, ``chatty``,
``vague``), an
opening line, hidden ``facts`` the recommender does not see, and ``wants`` (the categories an
accepted plan must hold). The shipped file ``tutorial_helpers/data/personas.json`` was written by
:func:`generate_personas` (``scripts/generate_personas.py``); evaluations should also use personas
that were never shipped (``generate_personas(n, seed=<another seed>, prefix="heldout")``), so that
nobody tunes a recommender to the shipped ones.

Every generated persona is satisfiable: the reference (non-LLM) planner finds a plan that passes
the guardrail for its facts, so a failed conversation is the recommender's failure, not the
persona's.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tutorial_helpers.domain import CITIES, InputError, Persona, PersonaFacts, friendly_error

STYLES = ("terse", "chatty", "vague")
#: (relation, pronoun, age range, interests that suit the age)
RELATIONS: tuple[tuple[str, str, tuple[int, int], tuple[str, ...]], ...] = (
    ("daughter", "she", (4, 12), ("dinosaurs", "painting", "drawing", "crafts", "lego", "animals", "dance", "swimming",
                                  "space", "reading")),
    ("son", "he", (4, 12), ("dinosaurs", "space", "lego", "science", "soccer", "robotics", "video games", "cars",
                            "animals", "basketball")),
    ("daughter", "she", (13, 17), ("music", "fashion", "photography", "dance", "video games", "reading", "coding",
                                   "theater")),
    ("son", "he", (13, 17), ("video games", "coding", "basketball", "soccer", "music", "robotics", "cycling",
                             "board games")),
    ("wife", "she", (28, 60), ("yoga", "cooking", "gardening", "reading", "travel", "photography", "coffee", "music")),
    ("husband", "he", (28, 60), ("hiking", "cycling", "cooking", "board games", "movies", "camping", "music",
                                 "coffee")),
    ("friend", "she", (21, 45), ("yoga", "coffee", "travel", "fashion", "movies", "baking", "photography", "wine")),
    ("friend", "he", (21, 45), ("video games", "board games", "hiking", "camping", "music", "cars", "cycling", "wine")),
    ("mom", "she", (50, 75), ("gardening", "reading", "baking", "travel", "music", "cooking", "painting")),
    ("dad", "he", (50, 78), ("gardening", "hiking", "reading", "cars", "cooking", "photography", "music")),
    ("grandma", "she", (70, 90), ("gardening", "reading", "baking", "crafts", "music")),
)
NAMES = {"she": ("Maya", "Ava", "Sofia", "Lena", "Nora", "Iris", "Chloe", "Rosa", "Amara", "Jade", "Elena", "Priya",
                 "Hana", "June"),
         "he": ("Leo", "Sam", "Omar", "Theo", "Jonas", "Dan", "Felix", "Raj", "Marco", "Eli", "Kenji", "Hugo", "Ben",
                "Luis")}
WANTS = (["gift"], ["gift"], ["gift", "cake"], ["gift", "cake", "venue"], ["gift", "cake", "venue"])
ALLERGEN_SETS: tuple[tuple[list[str], list[str]], ...] = (
    ([], []), ([], []), ([], []), (["peanuts"], []), (["peanuts", "tree nuts"], []), (["eggs"], []), (["dairy"], []),
    (["gluten"], ["gluten-free"]), ([], ["vegan"]), ([], ["vegetarian"]), (["sesame"], []), ([], ["halal"]),
)


def default_personas_path() -> Any:
    """The shipped persona file (a traversable inside the installed package)."""
    return resources.files("tutorial_helpers").joinpath("data/personas.json")


def load_personas(path: str | Path | None = None, limit: int | None = None) -> list[Persona]:
    """Read a persona file (a JSON list, ARCHITECTURE.md, "Conversation and user simulation"); the shipped one by
    default.

    Raises:
        InputError: the file is missing, is not JSON, or a persona is malformed (names which one).
    """
    try:
        text = (default_personas_path().read_text(encoding="utf-8") if path is None
                else Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"Cannot read the persona file {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InputError(f"The persona file {path} is not UTF-8 text: give a JSON list of personas.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"The persona file {path or 'personas.json'} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    if isinstance(data, dict):
        data = data.get("personas", [])
    if not isinstance(data, list):
        raise InputError("A persona file is a JSON list of personas.")
    out = []
    for i, raw in enumerate(data):
        try:
            out.append(Persona.model_validate(raw))
        except ValidationError as exc:
            pid = raw.get("persona_id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
            raise InputError(f"Persona {pid}: {friendly_error(exc)}") from None
    return out[:limit] if limit else out


def _budget_for(facts: PersonaFacts, wants: list[str], today: dt.date, rng: random.Random) -> float | None:
    """A budget the cheapest valid plan fits in, with some slack (None when no plan fits at all)."""
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.domain import BirthdayRequest
    from tutorial_helpers.planning.reference import cheapest_valid_cost

    req = BirthdayRequest.model_validate({**facts.model_dump(exclude={"budget"}), "categories": wants, "today": today})
    costs = cheapest_valid_cost(req, load_catalog(), list(wants))
    if any(v is None for v in costs.values()):
        return None
    floor = sum(v for v in costs.values() if v is not None)
    return float(max(40, int(floor * rng.uniform(1.5, 2.6) / 25 + 1) * 25))


def _opening(rng: random.Random, style: str, relation: str, facts: PersonaFacts, wants: list[str], pron: str) -> str:
    who = f"my {relation}"
    if wants == ["gift"]:
        what = rng.choice([f"a birthday gift for {who}", f"a present for {who}'s birthday",
                           f"just a gift for {who}, nothing else"])
        ask = rng.choice(["Can you help me find {w}?", "I'm looking for {w}.", "Hi! I need {w}."])
        line = ask.format(w=what)
        if "just" not in line:
            line += rng.choice([" Only the gift, no party.", " Just the gift.", " Only a gift this year."])
    elif wants == ["gift", "cake"]:
        line = rng.choice([f"Hi, I need a gift and a cake for {who}'s birthday.",
                           f"Could you help with {who}'s birthday? Just a gift and a cake.",
                           f"I'd like a birthday cake and a present for {who}."])
    else:
        line = rng.choice([f"Hi, can you help me plan a birthday party for {who}?",
                           f"I'm organising {who}'s birthday party and need a venue, a cake and a gift.",
                           f"Hello! I want to throw a birthday party for {who}."])
    extra = []
    she = pron.capitalize()
    if facts.recipient_name and rng.random() < 0.7:
        extra.append(f"{'Her' if she == 'She' else 'His'} name is {facts.recipient_name}.")
    if facts.recipient_age is not None and rng.random() < 0.7:
        extra.append(f"{she} is turning {facts.recipient_age}.")
    if facts.interests and rng.random() < (0.6 if style == "chatty" else 0.35):
        extra.append(f"{she} loves {facts.interests[0]}.")
    if facts.city and rng.random() < 0.85:
        extra.append(rng.choice((f"We live in {facts.city}.", f"It's in {facts.city}.")))
    if facts.date and rng.random() < 0.5:
        extra.append(f"The party is on {facts.date.strftime('%B')} {facts.date.day}.")
    return " ".join([line, *extra])


def generate_personas(n: int, seed: int = 0, prefix: str = "p", today: dt.date | None = None) -> list[Persona]:
    """``n`` satisfiable personas, deterministic for ``seed`` (a mix of styles, cities, ages, wants).

    Args:
        n: how many.
        seed: the random seed (the shipped file uses 0; held-out evaluations use others).
        prefix: the id prefix (``p01``...; use e.g. ``"heldout"`` for personas that are not shipped).
        today: the personas' "today" (default 2026-11-20; party dates fall 6-24 days later).
    """
    rng = random.Random(seed)
    base_today = today or dt.date(2026, 11, 20)
    out: list[Persona] = []
    attempt = 0
    while len(out) < n and attempt < n * 20:
        attempt += 1
        relation, pron, (lo, hi), pool = rng.choice(RELATIONS)
        age = rng.randint(lo, hi)
        interests = rng.sample([i for i in pool if i != "wine" or age >= 21], k=rng.choice((1, 2, 2)))
        allergens, diet = rng.choice(ALLERGEN_SETS)
        wants = list(rng.choice(WANTS))
        style = STYLES[len(out) % 3] if rng.random() < 0.8 else rng.choice(STYLES)
        p_today = base_today + dt.timedelta(days=rng.randint(0, 6))
        facts: dict[str, Any] = {"recipient_name": rng.choice(NAMES[pron]), "recipient_age": age,
                                 "interests": interests}
        if wants != ["gift"]:
            facts.update(city=rng.choice(CITIES), date=p_today + dt.timedelta(days=rng.randint(6, 24)),
                         avoid_allergens=allergens, dietary=diet)
            if "venue" in wants:
                facts["guests"] = rng.choice((6, 8, 10, 12, 15, 18, 20, 25, 30, 40))
        pf = PersonaFacts.model_validate(facts)
        budget = _budget_for(pf, wants, p_today, rng)
        if budget is None:
            continue
        pf.budget = budget
        opening = _opening(rng, style, relation, pf, wants, pron)
        desc = (f"{style} user planning {'a gift' if wants == ['gift'] else ', '.join(wants)} for their {relation} "
                f"{pf.recipient_name} ({age})" + (f" in {pf.city}" if pf.city else ""))
        out.append(Persona(persona_id=f"{prefix}{len(out) + 1:02d}", today=p_today, style=style,  # type: ignore[arg-type]
                           opening=opening, facts=pf, wants=wants, description=desc, relation=relation, pronoun=pron))  # type: ignore[arg-type]
    return out


def personas_json(personas: list[Persona]) -> str:
    """The persona file text for ``personas`` (what ``scripts/generate_personas.py`` writes)."""
    rows = [p.model_dump(mode="json", exclude_defaults=False) for p in personas]
    return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
