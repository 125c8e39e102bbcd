"""Scenarios in the evaluation format of ARCHITECTURE.md [scenarios and checks] (JSON Lines)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tutorial_helpers.domain import InputError


class Expect(BaseModel):
    """The keys a scenario's ``expect`` may hold, with their types (ARCHITECTURE.md [scenarios and checks])."""

    model_config = ConfigDict(extra="forbid")

    feasible: bool | None = None
    city: str | None = None
    date: dt.date | None = None
    budget_max: float | None = None
    guests_min: int | None = None
    recipient_age: int | None = None
    avoid_allergens: list[str] | None = None
    dietary: list[str] | None = None
    interests_any: list[str] | None = None
    categories_required: list[str] | None = None


class Scenario(BaseModel):
    """One evaluation case: a request as a person would write it, and what a good answer must satisfy."""

    id: str
    today: dt.date
    request: str
    expect: dict[str, Any] = Field(default_factory=dict)

    @property
    def expect_feasible(self) -> bool:
        return bool(self.expect.get("feasible", True))


def example_scenarios_path() -> Path:
    """Path of the public example scenarios shipped with the package."""
    return Path(str(resources.files("tutorial_helpers") / "data" / "examples.jsonl"))


def load_scenarios(path: str | Path | None = None, limit: int | None = None) -> list[Scenario]:
    """Load scenarios from a JSON Lines file (default: the shipped examples).

    Raises:
        InputError: with one sentence naming the file and line when the file is missing or malformed.
    """
    p = Path(path) if path is not None else example_scenarios_path()
    if p.is_dir():
        raise InputError(f"Scenario path {p} is a folder: pass --scenarios with a JSON Lines file.")
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"Scenario file {p} does not exist: pass --scenarios with a JSON Lines file.") from None
    except OSError as exc:
        raise InputError(f"Scenario file {p} cannot be read: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InputError(f"Scenario file {p} is not UTF-8 text: pass a JSON Lines file.") from None
    out: list[Scenario] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{p}:{n} is not a valid scenario (not JSON: {exc.msg}): fix or remove that line.") from None
        if not isinstance(data, dict):
            raise InputError(
                f"{p}:{n} is not a valid scenario (a line must be one JSON object): fix or remove that line.")
        try:
            scenario = Scenario.model_validate(data)
            Expect.model_validate(scenario.expect)
            out.append(scenario)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(x) for x in err.get("loc", ())) or "scenario"
            if exc.title == "Expect":
                field = f"expect.{field}"
            if err.get("type") == "extra_forbidden":
                raise InputError(
                    f"{p}:{n} is not a valid scenario (unknown key {field!r}): fix or remove that line.") from None
            what = "is missing" if err.get("type") == "missing" else f"is invalid ({err.get('msg', 'invalid value')})"
            raise InputError(
                f"{p}:{n} is not a valid scenario (field {field!r} {what}): fix or remove that line.") from None
    seen: set[str] = set()
    for sc in out:
        if sc.id in seen:
            raise InputError(f"Scenario file {p} holds the id {sc.id!r} twice: give each scenario its own id.")
        seen.add(sc.id)
    if not out:
        raise InputError(f"Scenario file {p} holds no scenarios.")
    return out[:limit] if limit else out
