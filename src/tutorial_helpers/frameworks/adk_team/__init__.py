"""The birthday team in Google ADK (``--framework adk``): :class:`ADKTeam`, ``run``, ``plan`` (see :mod:`.team`)."""

from tutorial_helpers.frameworks.adk_team.team import AGENT_GRAPH, ADKTeam, arun, plan, run

__all__ = ["AGENT_GRAPH", "ADKTeam", "arun", "plan", "run"]
