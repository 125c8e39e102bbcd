"""Households, their year of birthdays, and the context an assistant perceives each day (notebook 07).

Everything is deterministic: :func:`make_households` draws people, birthdays, interests, allergies,
past gifts, budgets and standing instructions from a seed and the shipped catalog; the context rules
below are fixed tables, not live data:

* :func:`public_holidays` — US federal holidays of a year (computed, not looked up);
* :data:`WEATHER` — a seasonal table per city (typical high in °F and rainy days per month);
  :func:`outdoor_ok` says whether an outdoor venue is a sensible proposal;
* :func:`shipping_days` — the catalog has no shipping times, so a gift ships in 2-6 days by a
  deterministic rule on its id, and nothing is delivered on Sundays or public holidays
  (:func:`arrival_date`);
* :data:`VENUE_NOTICE_DAYS` — a venue needs this many days' notice to book;
* cakes use the catalog's own ``lead_time_days``.

The simulated date is the only "today": nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tutorial_helpers.domain import ALLERGENS, CITIES, CatalogItem

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

#: days of notice a venue needs (a rule of this simulation: the catalog has no booking notice)
VENUE_NOTICE_DAYS = 3
#: the household answers a proposal the day after it arrives
APPROVAL_LAG_DAYS = 1

#: (typical high °F, rainy days) per month, January first: a deterministic seasonal table
WEATHER: dict[str, tuple[tuple[int, int], ...]] = {
    "Austin": ((62, 7), (66, 7), (73, 8), (80, 7), (87, 9), (93, 7),
               (96, 5), (97, 5), (91, 7), (82, 7), (71, 7), (63, 7)),
    "Boston": ((36, 11), (39, 10), (46, 12), (57, 11), (67, 12), (77, 11),
               (82, 10), (80, 10), (73, 9), (62, 10), (51, 10), (41, 11)),
    "Chicago": ((32, 11), (36, 9), (47, 11), (59, 12), (70, 11), (80, 10),
                (84, 10), (82, 9), (75, 8), (63, 10), (49, 10), (36, 11)),
    "Denver": ((45, 4), (46, 6), (54, 8), (61, 9), (71, 10), (82, 8),
               (89, 9), (87, 9), (79, 6), (66, 5), (53, 4), (45, 4)),
    "Seattle": ((48, 18), (51, 15), (55, 17), (59, 14), (65, 11), (70, 9),
                (76, 4), (77, 5), (70, 8), (60, 14), (51, 18), (46, 18)),
    "San Francisco": ((58, 10), (61, 10), (63, 9), (65, 6), (67, 3), (70, 1),
                      (71, 0), (72, 1), (74, 1), (70, 3), (64, 7), (58, 10)),
}


def weather(city: str, day: dt.date) -> tuple[int, int]:
    """(typical high °F, rainy days in the month) for ``city`` in ``day``'s month."""
    return WEATHER.get(city, WEATHER["Austin"])[day.month - 1]


def outdoor_ok(city: str, day: dt.date) -> bool:
    """True when an outdoor party is sensible: typical high 60-92 °F and at most 10 rainy days."""
    high, rain = weather(city, day)
    return 60 <= high <= 92 and rain <= 10


def is_outdoor(item: CatalogItem) -> bool:
    """Venues, activities and experiences tagged outdoors (or rooftop, terrace, garden, park)."""
    words = " ".join([*item.tags, item.name]).lower()
    return any(w in words for w in ("outdoor", "rooftop", "terrace", "garden", "park ", "beach", "trail"))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    day = dt.date(year, month, 1)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    if n > 0:
        return day + dt.timedelta(weeks=n - 1)
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@functools.lru_cache(maxsize=8)
def public_holidays(year: int) -> dict[dt.date, str]:
    """US federal holidays of ``year`` (fixed dates as they fall, without observed-day shifts)."""
    return {
        dt.date(year, 1, 1): "New Year's Day",
        _nth_weekday(year, 1, 0, 3): "Martin Luther King Jr. Day",
        _nth_weekday(year, 2, 0, 3): "Presidents' Day",
        _nth_weekday(year, 5, 0, -1): "Memorial Day",
        dt.date(year, 6, 19): "Juneteenth",
        dt.date(year, 7, 4): "Independence Day",
        _nth_weekday(year, 9, 0, 1): "Labor Day",
        _nth_weekday(year, 10, 0, 2): "Columbus Day",
        dt.date(year, 11, 11): "Veterans Day",
        _nth_weekday(year, 11, 3, 4): "Thanksgiving",
        dt.date(year, 12, 25): "Christmas Day",
    }


def is_quiet_day(day: dt.date) -> bool:
    """Sundays and public holidays: no deliveries, and a considerate assistant does not message."""
    return day.weekday() == 6 or day in public_holidays(day.year)


def shipping_days(item: CatalogItem) -> int:
    """Days a gift takes to ship: 2-6 by a deterministic rule on its id (the catalog has no shipping times)."""
    return 2 + int(hashlib.sha1(item.id.encode()).hexdigest(), 16) % 5


def arrival_date(item: CatalogItem, ordered: dt.date) -> dt.date:
    """When a gift ordered on ``ordered`` arrives: ``shipping_days`` delivery days, skipping quiet days."""
    day, left = ordered, shipping_days(item)
    while left > 0:
        day += dt.timedelta(days=1)
        if not is_quiet_day(day):
            left -= 1
    return day


def ready_by(item: CatalogItem, ordered: dt.date) -> dt.date:
    """The first day ``item`` can be had if ordered on ``ordered`` (gift shipping, cake lead time, venue notice)."""
    if item.category in ("gift", "decoration"):
        return arrival_date(item, ordered)
    if item.category == "venue":
        return ordered + dt.timedelta(days=VENUE_NOTICE_DAYS)
    return ordered + dt.timedelta(days=item.lead_time_days or 0)


# ---------------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------------

Reception = Literal["loved", "liked", "not a hit"]


@dataclass
class PastGift:
    """A gift given before, and how it was received."""

    item_id: str
    name: str
    year: int
    received: Reception


@dataclass
class Person:
    """One member of a household whose birthday the assistant looks after."""

    name: str
    pronoun: str
    birthday: dt.date  # in the simulated year
    age: int  # the age they turn
    interests: list[str]
    dislikes: list[str]  # the household's full truth; the assistant's memory may know only some
    allergies: list[str]
    past_gifts: list[PastGift]
    wants: list[str]  # categories of the celebration: ["gift"], ["gift", "cake"] or ["gift", "cake", "venue"]
    guests: int

    def party_date(self) -> dt.date:
        """The celebration: the birthday for a gift, the Saturday on or before it for a party."""
        if "venue" not in self.wants:
            return self.birthday
        return self.birthday - dt.timedelta(days=(self.birthday.weekday() - 5) % 7)


@dataclass
class Household:
    """A household: its people, city, budgets, and the standing instructions it gave the assistant."""

    household_id: str
    city: str
    people: list[Person]
    yearly_budget: float
    per_event_budget: dict[str, float]  # person name -> budget for their celebration
    instructions: list[str]
    ask_lead_days: int  # when this household would ask a reactive assistant (days before the party)
    known_dislikes: dict[str, list[str]] = field(default_factory=dict)  # what the assistant's memory holds

    def events(self) -> list[tuple[dt.date, Person]]:
        """(celebration date, person), in date order."""
        return sorted(((p.party_date(), p) for p in self.people), key=lambda t: (t[0], t[1].name))


FIRST_NAMES = ("Maya", "Leo", "Ava", "Noah", "Zoe", "Eli", "Nora", "Sam", "Ivy", "Max", "Ruby", "Theo", "June", "Omar",
               "Lina", "Ezra", "Mila", "Hugo", "Iris", "Kai", "Rosa", "Finn", "Cleo", "Jude", "Ada", "Ravi", "Elsa",
               "Otis", "Lucia", "Milo")
KID_INTERESTS = ("dinosaurs", "space", "painting", "drawing", "crafts", "lego", "science", "robotics", "reading",
                 "music",
                 "dance", "soccer", "basketball", "swimming", "animals", "cars", "board games", "video games")
ADULT_INTERESTS = ("reading", "music", "cooking", "baking", "gardening", "photography", "hiking", "cycling", "yoga",
                   "travel", "coffee", "board games", "movies", "theater", "fashion", "camping")


#: kinds of gift a person may dislike whatever its theme ("she doesn't like puzzles")
GIFT_KINDS = ("kit", "book", "puzzle", "sticker", "game", "plush", "box")


def disliked_by(item: CatalogItem, dislikes: list[str] | set[str]) -> str | None:
    """The dislike ``item`` touches: an interest it is tagged with, or a kind of gift its name says it is."""
    name = item.name.lower()
    for d in sorted(dislikes):
        if d in item.interests:
            return d
        if d in GIFT_KINDS and re.search(rf"\b{d}(?:es|s)?\b", name):
            return d
    return None


def _past_gifts(catalog: Catalog, age: int, interests: list[str], year: int, rng: random.Random) -> list[PastGift]:
    """Two gifts from earlier years, drawn from the best matches, so that repeating one is a real risk."""
    from tutorial_helpers.domain import BirthdayRequest
    from tutorial_helpers.planning.candidates import candidate_pool

    pool = candidate_pool(BirthdayRequest(recipient_age=max(0, age - 1), interests=interests), catalog, "gift", k=6)
    picks = rng.sample(pool, k=min(2, len(pool)))
    received: tuple[Reception, ...] = ("loved", "liked", "not a hit")
    return [PastGift(i.id, i.name, year - 1 - n, rng.choice(received)) for n, i in enumerate(picks)]


def make_households(n: int = 20, year: int = 2027, seed: int = 0, catalog: Catalog | None = None) -> list[Household]:
    """``n`` deterministic households with birthdays spread over ``year``.

    Each has 2-4 people (children with a party: gift, cake and venue; adults with a gift, sometimes a
    cake), interests, allergies, a hidden dislike (the assistant's memory knows only some dislikes),
    two past gifts each with how they were received, a per-event budget per person and a yearly
    budget smaller than their sum (the assistant has to pace the year), and standing instructions.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    rng = random.Random(f"households:{seed}")
    names = list(FIRST_NAMES)
    out: list[Household] = []
    for h in range(n):
        city = CITIES[h % len(CITIES)]
        people: list[Person] = []
        rng.shuffle(names)
        n_people = rng.choice((2, 3, 3, 4))
        for k in range(n_people):
            kid = k < max(1, n_people - 2) or rng.random() < 0.3
            age = rng.randint(4, 12) if kid else rng.randint(30, 72)
            pool = KID_INTERESTS if kid else ADULT_INTERESTS
            interests = rng.sample(pool, 2)
            dislikes = [rng.choice([i for i in pool if i not in interests])]
            if rng.random() < 0.6:
                dislikes.append(rng.choice(GIFT_KINDS))
            allergies = rng.sample(ALLERGENS, rng.choice((0, 0, 1, 1, 2)))
            birthday = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            wants = ["gift", "cake", "venue"] if kid else (["gift", "cake"] if rng.random() < 0.4 else ["gift"])
            guests = rng.randint(8, 16) if kid else rng.randint(4, 8)
            people.append(Person(
                name=names[k], pronoun=rng.choice(("she", "he")), birthday=birthday, age=age, interests=interests,
                dislikes=dislikes, allergies=allergies, past_gifts=_past_gifts(catalog, age, interests, year, rng),
                wants=wants, guests=guests,
            ))
        per_event = {p.name: float(rng.choice((300, 350, 400)) if "venue" in p.wants else rng.choice((80, 100, 120)) +
                                   (60 if "cake" in p.wants else 0)) for p in people}
        yearly = round(0.7 * sum(per_event.values()) / 10) * 10
        instructions = ["always ask before booking a venue"]
        if rng.random() < 0.6:
            instructions.append("no gift cards")
        if rng.random() < 0.4:
            instructions.append("no plush toys")
        known = {p.name: [d for d in p.dislikes if rng.random() < 0.5] for p in people}
        out.append(Household(f"h{h + 1:02d}", city, people, float(yearly), per_event, instructions,
                             ask_lead_days=rng.randint(1, 9), known_dislikes=known))
    return out


def breaks_instruction(item: CatalogItem, instructions: list[str]) -> str | None:
    """The standing instruction ``item`` breaks, if any ("no gift cards", "no plush toys")."""
    name = item.name.lower()
    if "no gift cards" in instructions and "gift card" in name:
        return "no gift cards"
    if "no plush toys" in instructions and "plush" in name:
        return "no plush toys"
    return None
