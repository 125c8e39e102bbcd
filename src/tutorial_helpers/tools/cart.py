"""The shopping cart: the items an agent has chosen so far, with quantities and a running total.

A :class:`Cart` holds state; the tool functions (:func:`add_to_cart`, :func:`view_cart`,
:func:`remove_from_cart`, :func:`clear_cart`) act on the *current* cart: one default cart per
process, or the one set with :func:`use_cart` (per thread/async task, via a context variable)::

    cart = Cart(guests=12)
    with use_cart(cart):
        add_to_cart("cake-aus-0042")      # 12 servings: per-guest pricing, 12 guests
    cart.total()
"""

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tutorial_helpers.domain import MAX_GUESTS, PlanItem
from tutorial_helpers.tools.failures import maybe_fail
from tutorial_helpers.tools.format import error, unknown_id_message
from tutorial_helpers.tools.state import get_catalog


class Cart:
    """Items chosen so far: item id -> quantity (``None`` = derive it from the item's pricing).

    Args:
        guests: guest count used for items added without a quantity (per-guest items get one per
            guest, per-unit packs one per ten guests); ``None`` counts as one guest.
    """

    def __init__(self, guests: int | None = None) -> None:
        self.guests = guests
        self._lines: dict[str, int | None] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._lines)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._lines

    @property
    def item_ids(self) -> list[str]:
        """Ids in the order they were added."""
        return list(self._lines)

    def add(self, item_id: str, quantity: int | None = None) -> dict[str, Any]:
        """Add an item, or set its quantity if it is already in the cart. Returns the cart view."""
        item_id = str(item_id).strip()
        catalog = get_catalog()
        if catalog.get(item_id) is None:
            return error(unknown_id_message(item_id, (i.id for i in catalog.items)))
        if quantity is not None and not 1 <= quantity <= MAX_GUESTS:
            return error(f"quantity must be between 1 and {MAX_GUESTS} (got {quantity}); leave it empty to "
                         "derive it from the item's pricing.")
        with self._lock:
            self._lines[item_id] = quantity
        return self.view()

    def remove(self, item_id: str) -> dict[str, Any]:
        """Remove an item. Returns the cart view, or an error when the item is not in the cart."""
        item_id = str(item_id).strip()
        with self._lock:
            if item_id not in self._lines:
                inside = ", ".join(self._lines) or "nothing"
                return error(f"{item_id!r} is not in the cart; the cart holds: {inside}.")
            del self._lines[item_id]
        return self.view()

    def clear(self) -> dict[str, Any]:
        """Empty the cart. Returns the (empty) cart view."""
        with self._lock:
            self._lines.clear()
        return self.view()

    def plan_items(self) -> list[PlanItem]:
        """The cart as plan lines (quantities and subtotals computed like a plan's)."""
        catalog = get_catalog()
        with self._lock:
            lines = list(self._lines.items())
        out = []
        for item_id, quantity in lines:
            item = catalog.get(item_id)
            if item is not None:
                out.append(PlanItem.from_item(item, self.guests, quantity=quantity))
        return out

    def total(self) -> float:
        """Sum of the subtotals, rounded to cents."""
        return round(sum(p.subtotal for p in self.plan_items()), 2)

    def view(self) -> dict[str, Any]:
        """The cart as a JSON-ready dict: lines, count, guests, total."""
        lines = [p.model_dump(mode="json", exclude={"why"}) for p in self.plan_items()]
        out: dict[str, Any] = {"items": lines, "count": len(lines), "guests": self.guests,
                               "total": round(sum(line["subtotal"] for line in lines), 2), "currency": "USD"}
        if self.guests is None and any(line["pricing"] != "flat" for line in lines):
            out["note"] = ("No guest count is set, so items added without a quantity count one guest; "
                           "add per-guest items with quantity = number of guests.")
        return out


DEFAULT_CART = Cart()
_current: contextvars.ContextVar[Cart | None] = contextvars.ContextVar("tutorial_helpers_cart", default=None)


def current_cart() -> Cart:
    """The cart the cart tools act on: the one set by :func:`use_cart`, else ``DEFAULT_CART``."""
    cart = _current.get()
    return DEFAULT_CART if cart is None else cart  # not `or`: an empty Cart is falsy (len 0)


@contextmanager
def use_cart(cart: Cart) -> Iterator[Cart]:
    """Context manager: the cart tools act on ``cart`` inside the ``with`` block."""
    token = _current.set(cart)
    try:
        yield cart
    finally:
        _current.reset(token)


def add_to_cart(item_id: str, quantity: int | None = None) -> dict[str, Any]:
    """Put a catalog item in the party cart (or change its quantity) and return the whole cart.

    Use it once you have chosen an item. Adding an item already in the cart replaces its quantity.

    Args:
        item_id: the exact id from a search_catalog result.
        quantity: how many; leave empty to derive it from the pricing (per-guest items: one per
            guest, packs: one per ten guests, flat: one).
    """
    maybe_fail("add_to_cart")
    return current_cart().add(item_id, quantity)


def view_cart() -> dict[str, Any]:
    """Show the party cart: each item with quantity and subtotal, and the total in USD."""
    maybe_fail("view_cart")
    return current_cart().view()


def remove_from_cart(item_id: str) -> dict[str, Any]:
    """Take an item out of the party cart and return the whole cart.

    Args:
        item_id: the id of an item in the cart.
    """
    maybe_fail("remove_from_cart")
    return current_cart().remove(item_id)


def clear_cart() -> dict[str, Any]:
    """Empty the party cart (start a plan over)."""
    maybe_fail("clear_cart")
    return current_cart().clear()
