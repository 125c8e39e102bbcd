"""Draw the tutorial's diagrams from the library's own data (`python scripts/draw_resources.py [--out DIR]`).

Every diagram is drawn with :func:`tutorial_helpers.display.agent_graph` from data the code itself
holds, so a diagram cannot drift from what runs:

- ``architecture.png``: the data flow every planner shares (ARCHITECTURE.md section 1);
- ``request_path.png``: the path of one request through ``planners.plan_text`` (ARCHITECTURE.md section 2);
- ``team_<framework>.png``: each framework's team, from the ``AGENT_GRAPH`` its module exports
  (AG2, LangGraph, CrewAI, ADK), plus ``crewai_flow.png`` from ``crewai_team.flow_graph()``, which
  asks CrewAI to infer the flow from its decorators;
- ``conversational_loop.png``: the conversational recommendation loop (MACRS-style), from
  ``tutorial_helpers.conversation`` when that module exposes ``LOOP_GRAPH``, else from the small
  description in :data:`CONVERSATION_LOOP` below.

Without ``--out`` the images go to resources/ (committed, used by the notebooks and the README);
`make site` draws them again into the site so the published ones are always fresh. ``--only``
skips the framework graphs that need the frameworks installed (``--only core``).
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from tutorial_helpers.display import agent_graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

ARCHITECTURE = {
    "nodes": ["request text", "extraction", "pre-check", "agents", "tools / MCP", "catalog", "guardrail", "plan JSON"],
    "edges": [
        ("request text", "extraction", "validate"), ("extraction", "pre-check", "feasible?"),
        ("pre-check", "agents", "framework"), ("agents", "tools / MCP", "call"), ("tools / MCP", "catalog", "search"),
        ("agents", "guardrail", "proposed plan"), ("guardrail", "plan JSON", "checked"),
    ],
}

#: planners.plan_text, step by step (ARCHITECTURE.md section 2); the labels say what travels
REQUEST_PATH = {
    "nodes": ["plan_text(text, today)", "clock.use_today", "extract_request", "check_feasibility", "team (framework)",
              "guardrail.guard", "BirthdayPlan (+ raw)", "InputError", "feasible: false"],
    "edges": [
        ("plan_text(text, today)", "clock.use_today", "one today"),
        ("clock.use_today", "extract_request", "text"),
        ("extract_request", "InputError", "bad input"),
        ("extract_request", "check_feasibility", "BirthdayRequest"),
        ("check_feasibility", "feasible: false", "no plan possible"),
        ("check_feasibility", "team (framework)", "feasible"),
        ("team (framework)", "guardrail.guard", "proposed plan"),
        ("guardrail.guard", "BirthdayPlan (+ raw)", "checked / repaired"),
    ],
}

#: The conversational loop, drawn from this description while no conversation module exposes
#: ``LOOP_GRAPH`` (MACRS: a planner picks the act, responders draft, feedback updates the user state,
#: reflection corrects the strategy).
CONVERSATION_LOOP = {
    "nodes": ["user turn", "feedback + state update", "act planner", "ask", "chit-chat", "recommend", "reply",
              "reflection"],
    "edges": [
        ("user turn", "feedback + state update", "classify"),
        ("feedback + state update", "act planner", "profile, constraints"),
        ("act planner", "ask", "missing info"), ("act planner", "chit-chat", "rapport"),
        ("act planner", "recommend", "enough info"),
        ("ask", "reply", ""), ("chit-chat", "reply", ""), ("recommend", "reply", "grounded items"),
        ("reply", "user turn", "next turn"),
        ("feedback + state update", "reflection", "rejected?"), ("reflection", "act planner", "strategy hint"),
    ],
}

FRAMEWORK_MODULES = {
    "ag2": "tutorial_helpers.frameworks.ag2_team",
    "langgraph": "tutorial_helpers.frameworks.langgraph_team",
    "crewai": "tutorial_helpers.frameworks.crewai_team",
    "adk": "tutorial_helpers.frameworks.adk_team",
}
TITLES = {"ag2": "AG2: a GroupChat walked by a finite-state speaker selection",
          "langgraph": "LangGraph: a typed StateGraph", "crewai": "CrewAI: agents and tasks of the crew",
          "adk": "Google ADK: SequentialAgent with a ParallelAgent inside"}


def _draw(graph: dict[str, Any], title: str, path: Path) -> dict[str, Any]:
    fig = agent_graph(list(graph["nodes"]), [tuple(e) for e in graph["edges"]], title, path=str(path))
    plt.close(fig)
    return {"file": path.name, "title": title, "nodes": len(graph["nodes"]), "edges": len(graph["edges"])}


def conversation_graph() -> tuple[dict[str, Any], str]:
    """The conversational loop from the library when it has one, else from :data:`CONVERSATION_LOOP`."""
    try:
        mod = importlib.import_module("tutorial_helpers.conversation")
        graph = getattr(mod, "LOOP_GRAPH", None)
        if graph:
            return graph, "tutorial_helpers.conversation.LOOP_GRAPH"
    except ImportError:
        pass
    return CONVERSATION_LOOP, "scripts/draw_resources.py CONVERSATION_LOOP (no conversation module with LOOP_GRAPH)"


def main(out: Path, only: str = "all") -> list[dict[str, Any]]:
    """Draw every diagram into ``out``; returns (and writes to diagrams.json) what was drawn from where."""
    out.mkdir(parents=True, exist_ok=True)
    drawn = [
        {**_draw(ARCHITECTURE, "Every planner: same front door, same tools, same guardrail", out / "architecture.png"),
         "source": "scripts/draw_resources.py ARCHITECTURE (ARCHITECTURE.md section 1)"},
        {**_draw(REQUEST_PATH, "The path of one request: planners.plan_text", out / "request_path.png"),
         "source": "scripts/draw_resources.py REQUEST_PATH (ARCHITECTURE.md section 2)"},
    ]
    loop, source = conversation_graph()
    drawn.append({**_draw(loop, "The conversational loop (MACRS-style)", out / "conversational_loop.png"), "source": source})
    if only == "all":
        for name, module in FRAMEWORK_MODULES.items():
            mod = importlib.import_module(module)
            drawn.append({**_draw(mod.AGENT_GRAPH, TITLES[name], out / f"team_{name}.png"),
                          "source": f"{module}.AGENT_GRAPH"})
        from tutorial_helpers.frameworks.crewai_team import flow_graph

        drawn.append({**_draw(flow_graph(), "CrewAI: the Flow around the crew (inferred by CrewAI)",
                              out / "crewai_flow.png"), "source": "tutorial_helpers.frameworks.crewai_team.flow_graph()"})
    (out / "diagrams.json").write_text(json.dumps(drawn, indent=1))
    return drawn


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources")
    parser.add_argument("--only", choices=["all", "core"], default="all")
    args = parser.parse_args()
    for d in main(args.out, args.only):
        print(f"{d['file']}: {d['nodes']} nodes, {d['edges']} edges, from {d['source']}")
