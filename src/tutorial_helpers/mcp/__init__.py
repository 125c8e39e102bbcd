"""The project's MCP server (:mod:`tutorial_helpers.mcp.server`).

Kept light: importing this package does not import the ``mcp`` SDK; the names below load on first use.
"""

from typing import Any

__all__ = ["build_server", "run", "stdio_params"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tutorial_helpers.mcp import server

        return getattr(server, name)
    raise AttributeError(f"module 'tutorial_helpers.mcp' has no attribute {name!r}")
