"""Context-aware autonomous recommendation (notebook 07): an assistant that acts before it is asked.

* :mod:`.household` — households, their birthdays across a year, and the context rules (holidays,
  seasonal weather, shipping days, venue notice) an assistant perceives each simulated day;
* :mod:`.household_sim` — the household as a judge of proposals, from facts the assistant cannot see;
* :mod:`.assistants` — reactive, naive proactive and context-aware assistants, the simulated year,
  the metrics and a timeline chart.
"""

from tutorial_helpers.patterns.autonomous.assistants import (
    ASSISTANTS,
    YearResult,
    compare_assistants,
    simulate_year,
    timeline_figure,
)
from tutorial_helpers.patterns.autonomous.household import Household, Person, make_households
from tutorial_helpers.patterns.autonomous.household_sim import Verdict, judge

__all__ = ["ASSISTANTS", "Household", "Person", "Verdict", "YearResult", "compare_assistants", "judge",
           "make_households", "simulate_year", "timeline_figure"]
