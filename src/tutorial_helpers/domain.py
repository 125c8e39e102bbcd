"""Domain models shared by every part of the tutorial (pydantic v2).

The data flows one way::

    request text -> BirthdayRequest -> tools / retrieval over CatalogItem -> PlanItem -> BirthdayPlan

Every validation error is turned into one clear sentence by :func:`friendly_error`, so that a
learner (or the CLI) sees "The budget must be positive (got -50)." and never a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

# ---------------------------------------------------------------------------------------------
# Vocabulary (the catalog guarantees of ARCHITECTURE.md [catalog])
# ---------------------------------------------------------------------------------------------

CATEGORIES: tuple[str, ...] = ("gift", "cake", "venue", "activity", "decoration", "food", "experience")
CITIES: tuple[str, ...] = ("Austin", "Boston", "Chicago", "Denver", "Seattle", "San Francisco")
INTERESTS: tuple[str, ...] = (
    "dinosaurs", "space", "painting", "drawing", "crafts", "lego", "science", "robotics", "coding",
    "video games", "board games", "reading", "music", "dance", "theater", "movies", "soccer",
    "basketball", "swimming", "hiking", "camping", "cycling", "yoga", "cooking", "baking",
    "gardening", "photography", "animals", "cars", "fashion", "travel", "coffee", "wine",
)
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-2", 0, 2), ("3-5", 3, 5), ("6-9", 6, 9), ("10-12", 10, 12), ("13-17", 13, 17),
    ("18-64", 18, 64), ("65+", 65, 120),
)
ALLERGENS: tuple[str, ...] = ("peanuts", "tree nuts", "gluten", "dairy", "eggs", "soy", "sesame")
DIET_TAGS: tuple[str, ...] = ("vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free", "halal")
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: categories whose items are local to one city (gifts and decorations ship everywhere)
LOCAL_CATEGORIES: frozenset[str] = frozenset({"venue", "activity", "cake", "food", "experience"})
#: categories that are eaten: allergen and diet rules apply to them
FOOD_CATEGORIES: frozenset[str] = frozenset({"cake", "food"})
#: categories with an age range that must contain the recipient's age
AGED_CATEGORIES: frozenset[str] = frozenset({"gift", "activity", "experience"})
#: a diet tag implies the absence of these allergens
DIET_EXCLUDES: dict[str, frozenset[str]] = {
    "vegan": frozenset({"dairy", "eggs"}),
    "gluten-free": frozenset({"gluten"}),
    "dairy-free": frozenset({"dairy"}),
    "nut-free": frozenset({"peanuts", "tree nuts"}),
    "vegetarian": frozenset(),
    "halal": frozenset(),
}

MAX_BUDGET = 1_000_000.0
MAX_GUESTS = 10_000
MAX_TEXT_CHARS = 4_000

Category = Literal["gift", "cake", "venue", "activity", "decoration", "food", "experience"]
Pricing = Literal["flat", "per_guest", "per_unit"]


def age_band(age: int) -> str:
    """Return the age band label ("6-9", "65+", ...) that contains ``age``."""
    for label, lo, hi in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return "65+"


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------


class CatalogItem(BaseModel):
    """One product or service of the mock catalog.

    Per-category fields are ``None`` where they do not apply (a gift has no capacity).
    ``city`` is ``None`` for items that ship everywhere (gifts, decorations).
    ``price`` is per ``pricing`` unit: the whole thing (``flat``), each guest (``per_guest``) or
    each unit, e.g. a pack of balloons (``per_unit``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    category: Category
    description: str
    price: float = Field(ge=0)
    pricing: Pricing
    rating: float = Field(ge=1, le=5)
    review_count: int = Field(ge=0)
    tags: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list, description="subset of INTERESTS")
    age_min: int | None = None
    age_max: int | None = None
    allergens: list[str] = Field(default_factory=list)
    diet_tags: list[str] = Field(default_factory=list)
    city: str | None = None
    capacity: int | None = None
    open_days: list[str] | None = None
    lead_time_days: int | None = None
    servings: int | None = None

    def fits_age(self, age: int | None) -> bool:
        """True when the item has no age range or the range contains ``age``."""
        if age is None or (self.age_min is None and self.age_max is None):
            return True
        lo = self.age_min if self.age_min is not None else 0
        hi = self.age_max if self.age_max is not None else 200
        return lo <= age <= hi

    def open_on(self, day: dt.date | None) -> bool:
        """True when the item has no opening days or is open on ``day``'s weekday."""
        if day is None or self.open_days is None:
            return True
        return WEEKDAYS[day.weekday()] in self.open_days

    def search_text(self) -> str:
        """The text indexed by lexical and semantic search."""
        parts = [self.name, self.category, self.description, " ".join(self.tags), " ".join(self.interests)]
        if self.city:
            parts.append(self.city)
        return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Users and requests
# ---------------------------------------------------------------------------------------------


def _clean_list(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        s = str(v).strip().lower()
        if s and s not in out:
            out.append(s)
    return out


class UserProfile(BaseModel):
    """What a returning user told us before: the long-term profile memory builds on."""

    user_id: str
    name: str | None = None
    city: str | None = None
    allergies: list[str] = Field(default_factory=list)
    dietary: list[str] = Field(default_factory=list)
    past_gift_ids: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class PersonaFacts(BaseModel):
    """The hidden facts of a simulated user (ARCHITECTURE.md, conversation and user simulation); omitted fields do not
    matter to them."""

    model_config = ConfigDict(extra="forbid")

    recipient_name: str | None = None
    recipient_age: int | None = None
    interests: list[str] = Field(default_factory=list)
    dislikes: list[str] = Field(default_factory=list)
    avoid_allergens: list[str] = Field(default_factory=list)
    dietary: list[str] = Field(default_factory=list)
    city: str | None = None
    date: dt.date | None = None
    guests: int | None = None
    budget: float | None = None


class Persona(BaseModel):
    """A simulated user for evaluation (ARCHITECTURE.md, conversation and user simulation): how they talk and what
    they hide.

    ``today`` is the persona's own clock (never the machine's); ``wants`` are the categories an
    accepted plan must hold (``["gift"]`` for a gift only).
    """

    model_config = ConfigDict(extra="ignore")

    persona_id: str
    today: dt.date
    style: Literal["terse", "chatty", "vague"] = "chatty"
    opening: str
    facts: PersonaFacts
    wants: list[Category] = Field(default_factory=lambda: ["gift"], min_length=1)
    description: str = ""
    relation: str = Field(default="", description="who the recipient is to the user: daughter, dad, friend...")
    pronoun: Literal["she", "he", "they"] = "they"

    @model_validator(mode="after")
    def _facts_valid(self) -> Persona:
        self.request()  # the facts obey the request's rules (positive budget, known allergens, date not past)
        return self

    def request(self) -> BirthdayRequest:
        """The persona's facts as the request an ideal recommender would have understood."""
        return BirthdayRequest.model_validate({**self.facts.model_dump(), "categories": list(self.wants),
                                               "today": self.today})


class BirthdayRequest(BaseModel):
    """A structured birthday request. Unknown fields stay ``None`` (or empty lists).

    Validation turns impossible values into one clear sentence (see :func:`friendly_error`).
    ``today`` is the reference date used for relative dates and the "not in the past" rule.
    ``categories`` is what the user asked to plan; empty means "the usual party".
    """

    model_config = ConfigDict(extra="ignore")

    recipient_name: str | None = None
    recipient_age: int | None = None
    interests: list[str] = Field(default_factory=list)
    dislikes: list[str] = Field(default_factory=list)
    avoid_allergens: list[str] = Field(default_factory=list)
    dietary: list[str] = Field(default_factory=list)
    city: str | None = None
    date: dt.date | None = None
    guests: int | None = None
    budget: float | None = None
    currency: str = "USD"
    categories: list[str] = Field(default_factory=list)
    today: dt.date | None = Field(default=None, exclude=True)

    @field_validator("interests", "dislikes", "avoid_allergens", "dietary", "categories", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> list[str]:
        return _clean_list(v)

    @field_validator("recipient_age")
    @classmethod
    def _age(cls, v: int | None) -> int | None:
        if v is not None and not 0 <= v <= 120:
            raise ValueError(f"The age must be between 0 and 120 (got {v}).")
        return v

    @field_validator("guests")
    @classmethod
    def _guests(cls, v: int | None) -> int | None:
        if v is not None and v <= 0:
            raise ValueError(f"The number of guests must be at least 1 (got {v}).")
        if v is not None and v > MAX_GUESTS:
            raise ValueError(f"{v} guests is more than this planner handles (at most {MAX_GUESTS}).")
        return v

    @field_validator("budget")
    @classmethod
    def _budget(cls, v: float | None) -> float | None:
        if v is None:
            return v
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("The budget must be a number.")
        if v <= 0:
            raise ValueError(f"The budget must be positive (got {v:g}).")
        if v > MAX_BUDGET:
            raise ValueError(f"A budget of {v:,.0f} is not plausible for a birthday (at most {MAX_BUDGET:,.0f}).")
        return round(float(v), 2)

    @field_validator("avoid_allergens")
    @classmethod
    def _allergens(cls, v: list[str]) -> list[str]:
        unknown = [a for a in v if a not in ALLERGENS]
        if unknown:
            raise ValueError(f"Unknown allergen {unknown[0]!r}; known allergens: {', '.join(ALLERGENS)}.")
        return v

    @field_validator("dietary")
    @classmethod
    def _diet(cls, v: list[str]) -> list[str]:
        unknown = [d for d in v if d not in DIET_TAGS]
        if unknown:
            raise ValueError(f"Unknown diet {unknown[0]!r}; known diets: {', '.join(DIET_TAGS)}.")
        return v

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"Unknown category {unknown[0]!r}; known: {', '.join(CATEGORIES)}.")
        return v

    @model_validator(mode="after")
    def _date_not_past(self) -> BirthdayRequest:
        if self.date is not None and self.today is not None and self.date < self.today:
            raise ValueError(
                f"The date {self.date.isoformat()} is in the past (today is {self.today.isoformat()})."
            )
        return self

    def effective_allergens(self) -> set[str]:
        """Allergens to avoid, including those implied by diet tags (vegan -> dairy, eggs)."""
        out = set(self.avoid_allergens)
        for d in self.dietary:
            out |= DIET_EXCLUDES.get(d, frozenset())
        return out

    def public_dict(self) -> dict[str, Any]:
        """The ``request`` object of the plan JSON (dates as ISO strings)."""
        return self.model_dump(mode="json")


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------


class PlanItem(BaseModel):
    """One line of a plan: a catalog item, how many, and why it was chosen."""

    id: str
    category: Category
    name: str
    unit_price: float = Field(ge=0)
    pricing: Pricing
    quantity: int = Field(ge=1)
    subtotal: float = Field(ge=0)
    why: str = ""

    @classmethod
    def from_item(cls, item: CatalogItem, guests: int | None, why: str = "", quantity: int | None = None) -> PlanItem:
        """Build a plan line from a catalog item, computing quantity and subtotal from ``pricing``."""
        if quantity is None:
            if item.pricing == "per_guest":
                quantity = max(1, guests or 1)
            elif item.pricing == "per_unit":
                quantity = max(1, -(-(guests or 1) // 10))  # one pack per ten guests
            else:
                quantity = 1
        return cls(
            id=item.id, category=item.category, name=item.name, unit_price=item.price,
            pricing=item.pricing, quantity=quantity, subtotal=round(item.price * quantity, 2), why=why,
        )


class ScheduleEntry(BaseModel):
    time: str
    what: str


class Usage(BaseModel):
    """LLM usage of one plan (zero for the reference planner)."""

    llm_calls: int = 0
    tool_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    wall_s: float = 0.0


class Violation(BaseModel):
    """One broken rule found by the guardrail."""

    check: str
    detail: str
    item_id: str | None = None


class RawOutcome(BaseModel):
    """The plan as the agents produced it, before the guardrail, and what code did for them.

    ``plan_text`` fills it (see :mod:`tutorial_helpers.planning.audit`); the evaluation scores it as
    the *raw* figure beside the guarded one.
    """

    item_ids: list[str] = Field(default_factory=list, description="the items of the team's plan")
    total_cost: float = 0.0
    feasible: bool = True
    violations: list[str] = Field(default_factory=list, description="what the guardrail found in the team's plan")
    fallbacks: list[str] = Field(default_factory=list, description="where code replaced a model answer")
    repaired: bool = Field(default=False, description="the guardrail changed the plan")
    calls_without_today: int = Field(default=0, description="model calls that were not told the date")


class ExplanationCheck(BaseModel):
    """What the claim checker found in a plan's explanation before it was shown (additive plan JSON field).

    ``removed`` lists each unfaithful claim that was cut, with the catalog's evidence; ``rewritten``
    says whether the explanation shown differs from what the planner wrote.
    """

    claims: int = 0
    supported: int = 0
    removed: list[str] = Field(default_factory=list)
    rewritten: bool = False


class BirthdayPlan(BaseModel):
    """The plan JSON of ARCHITECTURE.md [contracts]."""

    feasible: bool
    request: BirthdayRequest
    items: list[PlanItem] = Field(default_factory=list)
    total_cost: float = 0.0
    schedule: list[ScheduleEntry] = Field(default_factory=list)
    explanation: str = ""
    warnings: list[str] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="why no plan is possible (feasible: false)")
    framework: str = "reference"
    provider: str = "none"
    model: str = "none"
    usage: Usage = Field(default_factory=Usage)
    raw: RawOutcome | None = Field(default=None, description="the team's own plan and the fallbacks (agent planners)")
    #: the team's plan before the guardrail (not serialised; scored by the evaluation as "raw")
    _raw_plan: BirthdayPlan | None = PrivateAttr(default=None)


    explanation_check: ExplanationCheck | None = None

    def recompute_total(self) -> None:
        """Set ``total_cost`` to the sum of subtotals (rounded to cents)."""
        self.total_cost = round(sum(i.subtotal for i in self.items), 2)

    def to_json_dict(self) -> dict[str, Any]:
        """The plan as the JSON-ready dict of the CLI contract."""
        return self.model_dump(mode="json")

    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class InputError(ValueError):
    """Bad input or configuration: the message is one sentence saying what and how to fix it."""


def friendly_error(exc: ValidationError | Exception) -> str:
    """Turn a pydantic ``ValidationError`` (or any exception) into one readable sentence."""
    if isinstance(exc, ValidationError):
        msgs = []
        for err in exc.errors():
            msg = str(err.get("msg", "invalid value"))
            msg = msg.removeprefix("Value error, ")
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
            if err.get("type") in ("value_error", "assertion_error") or not loc:
                msgs.append(msg)
            else:
                msgs.append(f"{loc}: {msg}")
        return " ".join(dict.fromkeys(msgs))
    return str(exc)
