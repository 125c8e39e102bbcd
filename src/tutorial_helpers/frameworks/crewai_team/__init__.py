"""The birthday team in CrewAI (``--framework crewai``): :class:`CrewAITeam`, ``run``, ``plan``.

Modules: :mod:`.tools` (the shared tools as CrewAI tools), :mod:`.crew` (specialists and coordinator),
:mod:`.flow` (the Flow around the crew), :mod:`.session` (what one run shares), :mod:`.team` (the entry).

Importing this package switches telemetry off and moves CrewAI's files out of your home folder
(:func:`tutorial_helpers.llm.hygiene.apply`) **before** CrewAI itself is imported.
"""

from tutorial_helpers.llm import hygiene

hygiene.apply()

from tutorial_helpers.frameworks.crewai_team.team import (  # noqa: E402
    AGENT_GRAPH,
    AGENT_TIERS,
    SPECIALISTS,
    BirthdayFlow,
    CrewAITeam,
    PlanState,
    Session,
    assign_categories,
    build_crew,
    crewai_tool,
    crewai_tools,
    flow_graph,
    plan,
    run,
)

__all__ = ["AGENT_GRAPH", "AGENT_TIERS", "SPECIALISTS", "BirthdayFlow", "CrewAITeam", "PlanState", "Session",
           "assign_categories", "build_crew", "crewai_tool", "crewai_tools", "flow_graph", "plan", "run"]
