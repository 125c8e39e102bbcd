"""The birthday team in AG2 (``--framework ag2``): :class:`AG2Team`, ``run``, ``plan`` (see :mod:`.team`)."""

from tutorial_helpers.frameworks.ag2_team.team import AGENT_GRAPH, AG2Team, plan, run

__all__ = ["AGENT_GRAPH", "AG2Team", "plan", "run"]
