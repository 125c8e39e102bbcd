"""Typed tools shared by every framework: catalog search, availability, budget, cart, calendar.

Each tool is a plain Python function with type hints and a Google-style docstring; the docstring
is the description a model reads. Tools answer with JSON-ready dicts (or a list of small dicts for
``search_catalog``) and never raise for a bad argument: they answer ``{"error": "<how to fix it>"}``.

>>> from tutorial_helpers import tools
>>> tools.set_today("2026-11-22")                     # lead times count from this day
>>> hits = tools.search_catalog("dinosaur", category="gift", age=8, max_price=30)
>>> tools.openai_tools(["catalog", "budget"])         # OpenAI tool schemas for an agent
>>> tools.call_tool("get_item", '{"item_id": "..."}')  # (result, None) or (None, error sentence)

The same functions are served over MCP by :mod:`tutorial_helpers.mcp.server`.
"""

from tutorial_helpers.tools.budget import check_budget, estimate_cost
from tutorial_helpers.tools.calendar import day_of_week, days_until
from tutorial_helpers.tools.cart import (
    DEFAULT_CART,
    Cart,
    add_to_cart,
    clear_cart,
    current_cart,
    remove_from_cart,
    use_cart,
    view_cart,
)
from tutorial_helpers.tools.catalog_tools import check_availability, get_item, search_catalog
from tutorial_helpers.tools.failures import FailureStats, ToolFailure, inject_failures
from tutorial_helpers.tools.format import item_detail, item_summary, to_text
from tutorial_helpers.tools.registry import (
    REGISTRY,
    TOOL_GROUPS,
    arguments_model,
    call_tool,
    openai_schema,
    openai_tools,
    parse_docstring,
    resolve_names,
)
from tutorial_helpers.tools.state import get_catalog, get_today, set_catalog, set_today, today_as, use_catalog

__all__ = [
    "DEFAULT_CART", "REGISTRY", "TOOL_GROUPS", "Cart", "FailureStats", "ToolFailure",
    "add_to_cart", "arguments_model", "call_tool", "check_availability", "check_budget", "clear_cart",
    "current_cart", "day_of_week", "days_until", "estimate_cost", "get_catalog", "get_item", "get_today",
    "inject_failures", "item_detail", "item_summary", "openai_schema", "openai_tools", "parse_docstring",
    "remove_from_cart", "resolve_names", "search_catalog", "set_catalog", "set_today", "to_text", "today_as",
    "use_cart", "use_catalog", "view_cart",
]
