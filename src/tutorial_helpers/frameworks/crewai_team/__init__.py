"""The birthday planner built with CrewAI: tools, crew and flow (see :mod:`tutorial_helpers.frameworks.crewai_planner`).

Importing this package switches telemetry off and moves CrewAI's files out of your home folder
(:func:`tutorial_helpers.llm.hygiene.apply`) **before** CrewAI itself is imported.
"""

from tutorial_helpers.llm import hygiene

hygiene.apply()
