"""More scenarios for routing experiments: seeded birthday requests written from known facts.

Tuning a router on the twelve example scenarios and reporting it on the same twelve would measure how
well it memorised them. :func:`generate_scenarios` writes new requests from facts drawn with a seed
(city, age, interests, guests, budget, allergens, diet, date) in varied wordings - digits or words,
explicit or relative dates, "no nuts" or "allergic to peanuts" - and keeps only those the reference
(non-LLM) planner can satisfy, so every failure is the models'. :func:`split` holds some out.

The expectations are the facts themselves, not what any reader made of the text.

>>> scs = generate_scenarios(4, seed=1)
>>> len(scs), scs[0].id
(4, 'gen001')
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from tutorial_helpers import clock
from tutorial_helpers.domain import CITIES, BirthdayRequest

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.evaluation import Scenario

NAMES = ("Ava", "Leo", "Mia", "Noah", "Zoe", "Omar", "Ines", "Kai", "Lena", "Theo", "Ruth", "Sam")
INTERESTS = ("dinosaurs", "space", "painting", "lego", "science", "soccer", "music", "reading", "animals",
             "board games", "cooking", "photography", "hiking")
ALLERGEN_WORDS = {"peanuts": ("no peanuts", "one guest is allergic to peanuts"),
                  "tree nuts": ("nothing with tree nuts", "a tree nut allergy in the group"),
                  "eggs": ("no eggs please", "egg allergy in the group"),
                  "sesame": ("no sesame", "sesame is a no-go"),
                  "dairy": ("no dairy", "dairy allergy in the family")}
DIET_WORDS = {"vegan": ("everything vegan", "vegan food only"),
              "vegetarian": ("vegetarian please", "no meat, vegetarian"),
              "gluten-free": ("gluten-free cake", "it has to be gluten-free"),
              "halal": ("halal food only", "halal please")}
WORDS = {6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 12: "a dozen", 15: "fifteen", 20: "twenty"}


def _money(x: int, rng: random.Random) -> str:
    return rng.choice((f"${x}", f"budget ${x}", f"{x} dollars", f"max ${x}", f"under ${x:,}"))


def _date_text(day: dt.date, today: dt.date, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4:
        return f"on {day.strftime('%B')} {day.day}"
    if style < 0.7:
        return f"on {day.isoformat()}"
    if (day - today).days <= 7 and day.weekday() == 5:
        return "this coming Saturday"
    return f"on {day.strftime('%A, %b')} {day.day}"


def _one(i: int, rng: random.Random, today: dt.date) -> tuple[str, dict]:
    name = rng.choice(NAMES)
    age = rng.choice((5, 6, 7, 8, 9, 10, 12, 30, 40))
    city = rng.choice(CITIES)
    interests = rng.sample(INTERESTS, 2)
    guests = rng.choice((6, 8, 10, 12, 15, 20))
    budget = rng.choice((300, 400, 500, 600, 800))
    allergens = [rng.choice(list(ALLERGEN_WORDS))] if rng.random() < 0.5 else []
    dietary = [rng.choice(list(DIET_WORDS))] if rng.random() < 0.3 else []
    days_ahead = rng.choice((6, 12, 13, 19, 20))
    day = today + dt.timedelta(days=days_ahead)
    parts = [
        rng.choice((f"{name} turns {age}", f"{name}'s {age}th birthday", f"Birthday for {name}, age {age}")),
        f"in {city}", _date_text(day, today, rng),
        rng.choice((f"{guests} guests", f"{WORDS.get(guests, str(guests))} kids" if age < 13 else f"{guests} people")),
        _money(budget, rng),
        rng.choice((f"likes {interests[0]} and {interests[1]}", f"into {interests[0]} and {interests[1]}")),
    ]
    parts += [rng.choice(ALLERGEN_WORDS[a]) for a in allergens] + [rng.choice(DIET_WORDS[d]) for d in dietary]
    text = parts[0] + " " + parts[1] + " " + parts[2] + ", " + ", ".join(parts[3:]) + "."
    expect = {"feasible": True, "city": city, "date": day.isoformat(), "budget_max": budget, "guests_min": guests,
              "recipient_age": age, "avoid_allergens": allergens, "dietary": dietary, "interests_any": interests,
              "categories_required": ["gift", "cake", "venue"]}
    return text, expect


def generate_scenarios(n: int = 24, seed: int = 0, today: dt.date | str = "2026-11-22",
                       catalog: object = None) -> list[Scenario]:
    """``n`` seeded scenarios that the reference planner satisfies (a plan passing every check exists).

    Args:
        n: how many scenarios.
        seed: draws the facts and the wordings.
        today: the scenarios' today.
        catalog: the catalog (default: the shipped one).

    Returns:
        Scenarios with ids ``gen001``, ``gen002``, ...
    """
    from tutorial_helpers.evaluation import Scenario, score_plan
    from tutorial_helpers.planning.reference import plan_request

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    day0 = clock.as_date(today)
    rng = random.Random(f"routing-scenarios:{seed}")
    out: list[Scenario] = []
    tries = 0
    while len(out) < n and tries < n * 10:
        tries += 1
        text, expect = _one(len(out) + 1, rng, day0)
        sc = Scenario(id=f"gen{len(out) + 1:03d}", today=day0, request=text, expect=expect)
        req = BirthdayRequest(recipient_age=expect["recipient_age"], interests=expect["interests_any"],
                              avoid_allergens=expect["avoid_allergens"], dietary=expect["dietary"], city=expect["city"],
                              date=dt.date.fromisoformat(expect["date"]), guests=expect["guests_min"],
                              budget=expect["budget_max"], today=day0)
        plan = plan_request(req, catalog)
        checks, _ = score_plan(plan, sc, catalog)
        if all(checks.values()):
            out.append(sc)
    return out


def split(scenarios: list[Scenario], tune_share: float = 0.5, seed: int = 0) -> tuple[list[Scenario], list[Scenario]]:
    """A seeded split into scenarios to tune on and scenarios held out for reporting."""
    order = list(scenarios)
    random.Random(f"split:{seed}").shuffle(order)
    k = max(1, int(round(len(order) * tune_share)))
    return order[:k], order[k:]
