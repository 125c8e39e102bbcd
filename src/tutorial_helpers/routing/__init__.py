"""Reasoning load balancing: decomposition, a tier router, parallel fan-out and a call cache.

- :mod:`~tutorial_helpers.routing.signals`: ``text_signals``, ``difficulty_score``, ``check_extraction`` -
  what a router can see without the answer (never the offline stand-in's reader)
- :mod:`~tutorial_helpers.routing.decompose`: ``decompose(text, today)`` -> subtasks with a difficulty each
- :mod:`~tutorial_helpers.routing.router`: ``AlwaysSmall``, ``AlwaysLarge``, ``RuleRouter``, ``LLMRouter``,
  ``CascadeRouter`` (``route(subtask) -> "small" | "large"``), ``agent_tiers``
- :mod:`~tutorial_helpers.routing.scenarios`: ``generate_scenarios``, ``split`` (tune on some, report on others)
- :mod:`~tutorial_helpers.routing.planner`: ``RoutedPlanner`` - the native team, one tier per agent
- :mod:`~tutorial_helpers.routing.fanout`: independent specialists in sequence vs ``asyncio.gather``
- :mod:`~tutorial_helpers.routing.cache`: ``CallCache``, ``CachedClient``, ``cached``
- :mod:`~tutorial_helpers.routing.experiment`: ``frontier`` (cost / quality / latency table), ``plot_frontier``,
  ``tune_threshold``, ``error_curve`` (pass rate as the stand-in's error profile is scaled)
"""

from tutorial_helpers.routing.cache import CachedClient, CallCache, cache_key, cached
from tutorial_helpers.routing.decompose import Decomposition, Subtask, decompose
from tutorial_helpers.routing.experiment import (
    Strategy,
    StrategyResult,
    dedicated_provider,
    default_strategies,
    error_curve,
    frontier,
    plot_error_curve,
    plot_frontier,
    run_strategy,
    tokens_by_agent,
    tune_threshold,
)
from tutorial_helpers.routing.fanout import (
    FanOutComparison,
    compare_fanout,
    compare_fanout_async,
    fan_out,
    run_specialist,
)
from tutorial_helpers.routing.planner import RoutedPlan, RoutedPlanner, request_from_reading
from tutorial_helpers.routing.router import (
    AlwaysLarge,
    AlwaysSmall,
    CascadeRouter,
    LLMRouter,
    Router,
    RuleRouter,
    agent_tiers,
    parse_tier,
    route_all,
)
from tutorial_helpers.routing.scenarios import generate_scenarios, split
from tutorial_helpers.routing.signals import TextSignals, check_extraction, difficulty_score, text_signals

__all__ = [
    "CachedClient", "CallCache", "cache_key", "cached",
    "Decomposition", "Subtask", "decompose",
    "Strategy", "StrategyResult", "dedicated_provider", "default_strategies", "error_curve", "frontier",
    "plot_error_curve", "plot_frontier", "run_strategy", "tokens_by_agent", "tune_threshold",
    "FanOutComparison", "compare_fanout", "compare_fanout_async", "fan_out", "run_specialist",
    "RoutedPlan", "RoutedPlanner", "request_from_reading",
    "AlwaysLarge", "AlwaysSmall", "CascadeRouter", "LLMRouter", "Router", "RuleRouter", "agent_tiers", "parse_tier",
    "route_all",
    "generate_scenarios", "split", "TextSignals", "check_extraction", "difficulty_score", "text_signals",
]
