"""Finding catalog item ids in text and in tool results: the one copy every reader uses.

An id is a category, an optional three-letter city code and four digits (``cake-aus-0042``,
``gift-0193``). :data:`ITEM_ID` matches exactly that; :data:`LOOSE_ID` also matches what a model
may write around an id (``gift-0042-extra``, upper case), for readers that then look the id up.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tutorial_helpers.domain import CATEGORIES

#: a catalog item id: category, optional city code, four digits ("cake-aus-0042", "gift-0193")
ITEM_ID = re.compile(r"\b(?:" + "|".join(CATEGORIES) + r")-(?:[a-z]{3}-)?\d{4}\b")
#: anything shaped like the start of an id; check the catalog before trusting it
LOOSE_ID = re.compile(r"\b(?:" + "|".join(CATEGORIES) + r")-[a-z0-9]+(?:-[a-z0-9]+)*\b", re.I)


def ids_in_text(text: str | None) -> list[str]:
    """Catalog item ids mentioned in a text, in order of first mention, without repeats.

    >>> ids_in_text("Take gift-0193 and cake-aus-0012 (not gift-0193 twice).")
    ['gift-0193', 'cake-aus-0012']
    """
    return list(dict.fromkeys(ITEM_ID.findall(text or "")))


def ids_in_data(payload: Any) -> list[str]:
    """Every id in a tool result: a list of dicts, a dict (its ``id`` fields, nested), or JSON text.

    Text that is not JSON is read with :data:`ITEM_ID`.

    >>> ids_in_data('[{"id": "gift-0193", "name": "Kite"}, {"id": "cake-aus-0012"}]')
    ['gift-0193', 'cake-aus-0012']
    """
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError:
            return ITEM_ID.findall(payload)
    out: list[str] = []
    if isinstance(payload, dict):
        if isinstance(payload.get("id"), str):
            out.append(payload["id"])
        for v in payload.values():
            if isinstance(v, (list, dict)):
                out += ids_in_data(v)
    elif isinstance(payload, list):
        for v in payload:
            out += ids_in_data(v)
    return out


def known_ids_in_text(text: str | None, catalog: Any) -> list[str]:
    """Ids in free text that ``catalog`` has, read leniently ("gift-0042-extra" -> "gift-0042")."""
    out: list[str] = []
    for m in LOOSE_ID.finditer(text or ""):
        parts = m.group(0).lower().split("-")
        for end in range(len(parts), 1, -1):
            cand = "-".join(parts[:end])
            if catalog is not None and has_id(catalog, cand):
                if cand not in out:
                    out.append(cand)
                break
    return out


def has_id(catalog: Any, item_id: str) -> bool:
    """Whether ``catalog`` has ``item_id`` (False for a missing catalog or an odd id)."""
    try:
        return catalog.get(item_id) is not None
    except (KeyError, TypeError, AttributeError):
        return False


__all__ = ["ITEM_ID", "LOOSE_ID", "has_id", "ids_in_data", "ids_in_text", "known_ids_in_text"]
