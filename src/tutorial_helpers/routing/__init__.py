"""Reasoning load balancing: decomposition, a tier router, parallel fan-out and a call cache.

- :mod:`~tutorial_helpers.routing.decompose`: ``decompose(text, today)`` -> subtasks with a difficulty each
- :mod:`~tutorial_helpers.routing.router`: ``AlwaysSmall``, ``AlwaysLarge``, ``RuleRouter``, ``LLMRouter``
  (``route(subtask) -> "small" | "large"``), ``agent_tiers``
- :mod:`~tutorial_helpers.routing.planner`: ``RoutedPlanner`` - the native team, one tier per agent
- :mod:`~tutorial_helpers.routing.fanout`: independent specialists in sequence vs ``asyncio.gather``
- :mod:`~tutorial_helpers.routing.cache`: ``CallCache``, ``CachedClient``, ``cached``
- :mod:`~tutorial_helpers.routing.experiment`: ``frontier`` (cost / quality / latency table), ``plot_frontier``
"""

from tutorial_helpers.routing.cache import CachedClient, CallCache, cache_key, cached
from tutorial_helpers.routing.decompose import Decomposition, Subtask, decompose, paraphrase_gaps
from tutorial_helpers.routing.experiment import (
    Strategy,
    StrategyResult,
    dedicated_provider,
    default_strategies,
    frontier,
    plot_frontier,
    run_strategy,
    tokens_by_agent,
)
from tutorial_helpers.routing.fanout import (
    FanOutComparison,
    compare_fanout,
    compare_fanout_async,
    fan_out,
    run_specialist,
)
from tutorial_helpers.routing.planner import RoutedPlan, RoutedPlanner, understood_request
from tutorial_helpers.routing.router import (
    AlwaysLarge,
    AlwaysSmall,
    LLMRouter,
    Router,
    RuleRouter,
    agent_tiers,
    parse_tier,
    route_all,
)

__all__ = [
    "CachedClient", "CallCache", "cache_key", "cached",
    "Decomposition", "Subtask", "decompose", "paraphrase_gaps",
    "Strategy", "StrategyResult", "dedicated_provider", "default_strategies", "frontier", "plot_frontier",
    "run_strategy", "tokens_by_agent",
    "FanOutComparison", "compare_fanout", "compare_fanout_async", "fan_out", "run_specialist",
    "RoutedPlan", "RoutedPlanner", "understood_request",
    "AlwaysLarge", "AlwaysSmall", "LLMRouter", "Router", "RuleRouter", "agent_tiers", "parse_tier", "route_all",
]
