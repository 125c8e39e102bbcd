"""Scenarios in the evaluation format of ARCHITECTURE.md [scenarios and checks] (JSON Lines)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tutorial_helpers.domain import InputError


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
    if not p.exists():
        raise InputError(f"Scenario file {p} does not exist: pass --scenarios with a JSON Lines file.")
    out: list[Scenario] = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(Scenario.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InputError(
                f"{p}:{n} is not a valid scenario ({type(exc).__name__}): fix or remove that line.") from None
    if not out:
        raise InputError(f"Scenario file {p} holds no scenarios.")
    return out[:limit] if limit else out
