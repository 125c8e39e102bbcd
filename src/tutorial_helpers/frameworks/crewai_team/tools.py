"""The shared catalog tools as CrewAI tools (``crewai.tools.BaseTool`` subclasses).

One generic class wraps any function of :data:`tutorial_helpers.tools.REGISTRY`: its name, the
description from its docstring and its arguments model are those of the shared tool, so every
framework's agents read the same schema. ``_run`` goes through :func:`tutorial_helpers.tools.call_tool`
(validation, friendly errors) and records the item ids the tool returned in the run's
:class:`~tutorial_helpers.frameworks.crewai_team.session.Session`, for grounding.
"""

from __future__ import annotations

import json
from typing import Any

from crewai.tools import BaseTool
from pydantic import ConfigDict, Field

from tutorial_helpers import tools as shared
from tutorial_helpers.planning.pipeline import ids_in


class SharedTool(BaseTool):
    """A :mod:`tutorial_helpers.tools` function as a CrewAI tool, logging to a session."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    session: Any = Field(default=None, exclude=True, description="the run's Session")
    agent_label: str = Field(default="agent", exclude=True, description="who uses this tool, for the trace")

    def _run(self, **kwargs: Any) -> str:
        result, error = shared.call_tool(self.name, kwargs)
        args = json.dumps({k: v for k, v in kwargs.items() if v is not None}, default=str)
        if self.session is not None:
            self.session.log(self.agent_label, f"tool {self.name}", args)
            if error is None:
                self.session.found(ids_in(result))
        return json.dumps({"error": error} if error else result, default=str)


def crewai_tool(name: str, session: Any = None, agent: str = "agent") -> SharedTool:
    """The shared tool ``name`` (e.g. "search_catalog") as a CrewAI tool.

    Args:
        name: a key of :data:`tutorial_helpers.tools.REGISTRY`.
        session: the run's session (records calls and returned ids); None for a plain tool.
        agent: the agent label used in the trace.
    """
    fn = shared.REGISTRY[name]
    description, _ = shared.parse_docstring(fn)
    return SharedTool(name=name, description=description, args_schema=shared.arguments_model(fn),
                      session=session, agent_label=agent)


def crewai_tools(names: list[str], session: Any = None, agent: str = "agent") -> list[SharedTool]:
    """Several shared tools (names or groups such as "catalog") as CrewAI tools."""
    return [crewai_tool(n, session, agent) for n in shared.resolve_names(names)]
