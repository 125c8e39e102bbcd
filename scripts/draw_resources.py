"""Redraw the images under resources/ from code (`python scripts/draw_resources.py`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from tutorial_helpers.display import agent_graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    nodes = ["request text", "extraction", "pre-check", "agents", "tools / MCP", "catalog", "guardrail", "plan JSON"]
    edges = [
        ("request text", "extraction", "validate"), ("extraction", "pre-check", "feasible?"),
        ("pre-check", "agents", "framework"), ("agents", "tools / MCP", "call"), ("tools / MCP", "catalog", "search"),
        ("agents", "guardrail", "proposed plan"), ("guardrail", "plan JSON", "checked"),
    ]
    agent_graph(nodes, edges, "Every planner: same front door, same tools, same guardrail",
                path=str(ROOT / "resources" / "architecture.png"))


if __name__ == "__main__":
    main()
