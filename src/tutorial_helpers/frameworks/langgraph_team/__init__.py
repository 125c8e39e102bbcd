"""The birthday planner as a LangGraph ``StateGraph`` (``--framework langgraph``).

Three small modules, one job each:

* :mod:`.state`: the typed graph state (a ``TypedDict`` whose list fields carry reducers) and the
  runtime context (models, usage meter, catalog) that nodes receive but the checkpointer never stores;
* :mod:`.nodes`: one function per agent (extractor, retriever + tool node, gift / cake / venue
  specialists, coordinator, critic, human review, explainer, reviser for follow-up turns);
* :mod:`.graph`: the wiring: conditional edges, the ``Send`` fan-out, the checkpointer.

* :mod:`.team`: the entry point, :class:`LangGraphTeam` (``run`` / ``plan`` for the front door).
"""

from tutorial_helpers.frameworks.langgraph_team.team import AGENT_GRAPH, LangGraphTeam, plan, run

__all__ = ["AGENT_GRAPH", "LangGraphTeam", "plan", "run"]
