"""Turning catalog items and tool arguments into small, JSON-ready values.

Tools answer with small dicts a model can read in a few tokens, and check their arguments
themselves so that a bad argument comes back as ``{"error": "<how to fix it>"}``, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable
from typing import Any

from tutorial_helpers.domain import ALLERGENS, CATEGORIES, CITIES, DIET_TAGS, FOOD_CATEGORIES, CatalogItem


class ArgumentProblem(ValueError):
    """A tool argument a model can fix; the message is the sentence it reads."""


def error(message: str) -> dict[str, str]:
    """The error answer of every tool: ``{"error": message}``."""
    return {"error": message}


def item_summary(item: CatalogItem, score: float | None = None) -> dict[str, Any]:
    """A compact view of ``item`` for search results: identity, price and the attributes constraints use.

    Per-category fields are left out where they do not apply; cakes and food always list ``allergens``
    and ``diet_tags`` (an empty list means none).
    """
    out: dict[str, Any] = {
        "id": item.id, "name": item.name, "category": item.category,
        "price": item.price, "pricing": item.pricing, "rating": item.rating,
    }
    if item.city is not None:
        out["city"] = item.city
    else:
        out["ships"] = "everywhere"
    if item.age_min is not None or item.age_max is not None:
        out["age_min"], out["age_max"] = item.age_min, item.age_max
    if item.interests:
        out["interests"] = list(item.interests)
    if item.category in FOOD_CATEGORIES or item.allergens:
        out["allergens"] = list(item.allergens)
    if item.category in FOOD_CATEGORIES or item.diet_tags:
        out["diet_tags"] = list(item.diet_tags)
    for key in ("capacity", "open_days", "lead_time_days", "servings"):
        value = getattr(item, key)
        if value is not None:
            out[key] = list(value) if isinstance(value, list) else value
    if score is not None:
        out["score"] = round(float(score), 4)
    return out


def item_detail(item: CatalogItem) -> dict[str, Any]:
    """Every field of ``item`` that applies (``None`` fields left out), as JSON-ready values."""
    return item.model_dump(mode="json", exclude_none=True)


def to_text(result: Any) -> str:
    """Serialise a tool result to the compact JSON text a model reads (the same for every framework)."""
    return json.dumps(result, ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------------------------
# Argument normalisation: each returns the clean value or raises ArgumentProblem
# ----------------------------------------------------------------------------------------------


def _closest(value: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {match[0]!r}?" if match else ""


def parse_date(value: str, name: str = "date") -> dt.date:
    """Parse an ISO date (``YYYY-MM-DD``; a datetime's date part is accepted)."""
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ArgumentProblem(f"Give {name} as YYYY-MM-DD, for example 2026-11-28 (got {value!r}).") from None


def norm_category(value: str | None) -> str | None:
    """Lower-case a category, accept plurals ("cakes"), reject unknown ones."""
    if value is None or not str(value).strip():
        return None
    v = str(value).strip().lower()
    for candidate in (v, v.removesuffix("s"), v.removesuffix("es")):
        if candidate in CATEGORIES:
            return candidate
    raise ArgumentProblem(f"Unknown category {value!r}; use one of: {', '.join(CATEGORIES)}.{_closest(v, CATEGORIES)}")


def norm_city(value: str | None) -> str | None:
    """Match a city case-insensitively against the catalog's cities."""
    if value is None or not str(value).strip():
        return None
    v = str(value).strip().lower()
    for city in CITIES:
        if city.lower() == v or city.lower() == v.split(",")[0].strip():
            return city
    raise ArgumentProblem(f"The catalog has no items in {value!r}; cities are: {', '.join(CITIES)}.")


def norm_vocab(values: list[str] | None, vocabulary: tuple[str, ...], what: str) -> list[str]:
    """Lower-case and check each value against ``vocabulary`` (allergens or diet tags)."""
    out: list[str] = []
    for raw in values or []:
        v = str(raw).strip().lower().replace("_", " " if what == "allergen" else "-")
        if what == "allergen" and v in ("nuts", "tree nut", "peanut", "egg"):
            v = {"nuts": "tree nuts", "tree nut": "tree nuts", "peanut": "peanuts", "egg": "eggs"}[v]
        if what == "diet tag" and v in ("gluten free", "dairy free", "nut free"):
            v = v.replace(" ", "-")
        if v not in vocabulary:
            raise ArgumentProblem(
                f"Unknown {what} {raw!r}; use any of: {', '.join(vocabulary)}.{_closest(v, vocabulary)}")
        if v not in out:
            out.append(v)
    return out


def norm_allergens(values: list[str] | None) -> list[str]:
    """Check allergens against ``domain.ALLERGENS`` ("peanut" and "nuts" are understood)."""
    return norm_vocab(values, ALLERGENS, "allergen")


def norm_dietary(values: list[str] | None) -> list[str]:
    """Check diet tags against ``domain.DIET_TAGS`` ("gluten free" is understood)."""
    return norm_vocab(values, DIET_TAGS, "diet tag")


def unknown_id_message(item_id: str, known_ids: Iterable[str]) -> str:
    """The sentence for an id that is not in the catalog, with the closest real id when there is one."""
    return (f"No catalog item has id {item_id!r}; copy ids exactly from search_catalog results."
            f"{_closest(str(item_id), known_ids)}")
