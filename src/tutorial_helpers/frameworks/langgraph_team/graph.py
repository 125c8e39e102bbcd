"""The wiring of the LangGraph planner: nodes, edges, the ``Send`` fan-out and the checkpointer.

::

    START -(route_turn)-> understand -> retriever <-> tools       tool loop: route_retrieval,
      |                                     |                     route_after_tools
      +-> revise --+                    candidates -(fan_out: Send)-> specialist x3 (gift, cake, venue)
                   |                                                      | fan-in: merge_picks
                   +---------------------------------------------> coordinator <--+
                                                                       |          | problems (once)
                                                                     critic ------+
                                                                       |
                                              edit -> critic <-- human_review (interrupt)
                                                                       | approve
                                                                   explainer -> END
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

from tutorial_helpers.frameworks.langgraph_team import nodes
from tutorial_helpers.frameworks.langgraph_team.state import PlannerState, TeamContext

#: the topology for :func:`tutorial_helpers.display.agent_graph` (agents, and edges with their labels)
AGENT_GRAPH: dict[str, list[Any]] = {
    "nodes": ["user", "extractor", "retriever", "tools", "gift_specialist", "cake_specialist", "venue_specialist",
              "coordinator", "critic", "human", "explainer"],
    "edges": [
        ("user", "extractor", "request"),
        ("extractor", "retriever", "request"),
        ("retriever", "tools", "tool calls"),
        ("tools", "retriever", "results"),
        ("retriever", "gift_specialist", "Send"),
        ("retriever", "cake_specialist", "Send"),
        ("retriever", "venue_specialist", "Send"),
        ("gift_specialist", "coordinator", "picks"),
        ("cake_specialist", "coordinator", "picks"),
        ("venue_specialist", "coordinator", "picks"),
        ("coordinator", "critic", "plan"),
        ("critic", "coordinator", "problems (once)"),
        ("critic", "human", "interrupt"),
        ("human", "critic", "edit"),
        ("human", "explainer", "approve"),
    ],
}


#: the domain types the state holds, allowed explicitly when the checkpointer reads a step back
CHECKPOINT_TYPES = [("tutorial_helpers.domain", "BirthdayRequest"), ("tutorial_helpers.domain", "BirthdayPlan")]


def memory() -> InMemorySaver:
    """An in-memory checkpointer that may read back the domain types of the state (and nothing else unusual)."""
    return InMemorySaver(serde=JsonPlusSerializer(allowed_msgpack_modules=CHECKPOINT_TYPES))


def build_graph(checkpointer: Any = None) -> Any:
    """Build and compile the planner graph.

    Args:
        checkpointer: where each step's state is saved (default: a new ``InMemorySaver``, see
            :func:`memory`). It is what
            makes ``interrupt()`` resumable and lets a second turn on the same ``thread_id`` reuse
            the first turn's request, candidates and plan.

    Returns:
        The compiled graph (a LangGraph ``CompiledStateGraph``): ``invoke``, ``stream``,
        ``get_state``, ``get_graph`` ... Run it with ``context=TeamContext(...)``.
    """
    builder = StateGraph(PlannerState, context_schema=TeamContext)
    builder.add_node("understand", nodes.understand)
    builder.add_node("revise", nodes.revise, destinations=("retriever", "coordinator"))
    builder.add_node("retriever", nodes.retriever)
    builder.add_node("tools", ToolNode(nodes.langchain_tools()))
    builder.add_node("candidates", nodes.candidates)
    builder.add_node("specialist", nodes.specialist)
    builder.add_node("coordinator", nodes.coordinator)
    builder.add_node("critic", nodes.critic)
    builder.add_node("human_review", nodes.human_review, destinations=("explainer", "critic"))
    builder.add_node("explainer", nodes.explainer)

    builder.add_conditional_edges(START, nodes.route_turn, ["understand", "revise"])
    builder.add_edge("understand", "retriever")
    builder.add_conditional_edges("retriever", nodes.route_retrieval, ["tools", "candidates"])
    builder.add_conditional_edges("tools", nodes.route_after_tools, ["retriever", "candidates"])
    builder.add_conditional_edges("candidates", nodes.fan_out, ["specialist", "coordinator"])
    builder.add_edge("specialist", "coordinator")
    builder.add_edge("coordinator", "critic")
    builder.add_conditional_edges("critic", nodes.route_critique, ["coordinator", "human_review"])
    builder.add_edge("explainer", END)
    return builder.compile(checkpointer=checkpointer if checkpointer is not None else memory())
