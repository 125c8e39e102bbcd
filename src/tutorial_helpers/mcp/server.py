"""The project's MCP server, "birthday-planner", built on the official ``mcp`` SDK (FastMCP).

It serves the same typed tools every framework uses (:mod:`tutorial_helpers.tools`), plus:

* resources ``catalog://stats``, ``catalog://categories``, ``catalog://vocabulary``,
  ``catalog://items/{item_id}`` and ``personas://all``;
* a prompt ``plan_birthday(request)`` telling an assistant how to plan with these tools.

Run it::

    python -m tutorial_helpers.mcp.server                       # stdio (what MCP clients spawn)
    python -m tutorial_helpers.mcp.server --transport http --port 8765   # http://127.0.0.1:8765/mcp

From Python, :func:`stdio_params` gives the ``StdioServerParameters`` a client needs to spawn it.
On stdio, stdout carries only the protocol: logs and stray prints go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import wraps
from importlib import resources
from io import TextIOWrapper
from pathlib import Path
from typing import Annotated, Any

# Absolute imports: inside the package ``tutorial_helpers.mcp``, ``mcp`` is still the PyPI SDK.
import anyio
from mcp import StdioServerParameters
from mcp.server.fastmcp import FastMCP
from mcp.server.stdio import stdio_server
from pydantic import Field

from tutorial_helpers import prompts, tools
from tutorial_helpers.domain import ALLERGENS, CATEGORIES, CITIES, DIET_TAGS, INTERESTS, WEEKDAYS

SERVER_NAME = "birthday-planner"
DEFAULT_PORT = 8765
HTTP_PATH = "/mcp"
#: the tools served (all of ``tools.REGISTRY``)
SERVED_TOOLS: tuple[str, ...] = tuple(tools.REGISTRY)

INSTRUCTIONS = (
    "Birthday planning tools over a mock party catalog (gifts, cakes, venues, activities, decorations, "
    "food, experiences) in Austin, Boston, Chicago, Denver, Seattle and San Francisco. Search with "
    "search_catalog using every known constraint as a filter, confirm venues/cakes with "
    "check_availability, and check the total with check_budget before proposing a plan. Only use item ids "
    "returned by the tools."
)

log = logging.getLogger("tutorial_helpers.mcp")


class _DropClosedStream(logging.Filter):
    """Drop the SDK's "Error in standalone SSE writer" traceback logged when an HTTP client simply disconnects."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (str(record.msg).startswith("Error in standalone SSE writer")
                    and isinstance(exc, anyio.ClosedResourceError))


#: fault injection for reliability tests: the server process exits (as if killed) when it receives
#: tool call number N+1, N being this variable's value (0: at the first call)
DIE_AFTER_ENV = "TUTORIAL_MCP_DIE_AFTER_CALLS"
_tool_calls = 0


def _maybe_die() -> None:
    global _tool_calls
    limit = os.environ.get(DIE_AFTER_ENV, "").strip()
    if limit.isdigit() and _tool_calls >= int(limit):
        log.warning("%s=%s: the MCP server exits now (simulated crash).", DIE_AFTER_ENV, limit)
        os._exit(70)
    _tool_calls += 1


def _mcp_tool(fn: Callable[..., Any]) -> Callable[..., str]:
    """Wrap a tool for MCP: same arguments (with their docstring descriptions), JSON text out.

    FastMCP would split a list result into one content block per element (and an empty list into
    none); returning the JSON text instead gives clients exactly what ``tools.call_tool`` gives a
    model: one text block, the same for every framework.
    """
    _, docs = tools.parse_docstring(fn)
    sig = inspect.signature(fn, eval_str=True)
    params = []
    for p in sig.parameters.values():
        annotation = p.annotation
        if p.name in docs:
            annotation = Annotated[annotation, Field(description=docs[p.name])]
        params.append(p.replace(annotation=annotation))

    @wraps(fn)
    def wrapper(**kwargs: Any) -> str:
        _maybe_die()
        return tools.to_text(fn(**kwargs))

    wrapper.__signature__ = sig.replace(parameters=params, return_annotation=str)  # type: ignore[attr-defined]
    return wrapper


def load_personas() -> list[dict[str, Any]]:
    """The personas of ``tutorial_helpers/data/personas.json`` (an empty list when the file is absent)."""
    try:
        text = resources.files("tutorial_helpers").joinpath("data/personas.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return []
    data = json.loads(text)
    if isinstance(data, dict):  # tolerate {"personas": [...]}
        data = data.get("personas", [])
    return list(data)


def _categories() -> dict[str, Any]:
    stats = tools.get_catalog().stats()
    counts = stats.get("by_category", {}) if isinstance(stats, dict) else {}
    local = {"venue", "activity", "cake", "food", "experience"}
    return {"categories": [
        {"name": c, "count": counts.get(c), "scope": "local to one city" if c in local else "ships everywhere"}
        for c in CATEGORIES
    ]}


PLAN_PROMPT = prompts.MCP_PLANNER
def build_server(host: str = "127.0.0.1", port: int = DEFAULT_PORT, log_level: str = "WARNING") -> FastMCP:
    """Create the "birthday-planner" FastMCP server with its tools, resources and prompt.

    Args:
        host: interface for the HTTP transport (unused on stdio).
        port: port for the HTTP transport.
        log_level: FastMCP log level (logs go to stderr).
    """
    with warnings.catch_warnings():  # pydantic-settings warns about FastMCP's own settings model
        warnings.simplefilter("ignore")
        server = FastMCP(SERVER_NAME, instructions=INSTRUCTIONS, host=host, port=port,
                         streamable_http_path=HTTP_PATH, log_level=log_level)  # type: ignore[arg-type]
    for name in SERVED_TOOLS:
        fn = tools.REGISTRY[name]
        description, _ = tools.parse_docstring(fn)
        server.add_tool(_mcp_tool(fn), name=name, description=description, structured_output=False)

    @server.resource("catalog://stats", name="catalog-stats", mime_type="application/json",
                     description="Counts of catalog items per category, city, interest, age band and diet.")
    def catalog_stats() -> str:
        return tools.to_text(tools.get_catalog().stats())

    @server.resource("catalog://categories", name="catalog-categories", mime_type="application/json",
                     description="The item categories, how many items each has, and whether they are local or ship.")
    def catalog_categories() -> str:
        return tools.to_text(_categories())

    @server.resource("catalog://vocabulary", name="catalog-vocabulary", mime_type="application/json",
                     description="Valid values for filters: cities, interests, allergens, diet tags, weekdays.")
    def catalog_vocabulary() -> str:
        return tools.to_text({"cities": CITIES, "interests": INTERESTS, "allergens": ALLERGENS,
                              "diet_tags": DIET_TAGS, "weekdays": WEEKDAYS, "categories": CATEGORIES})

    @server.resource("catalog://items/{item_id}", name="catalog-item", mime_type="application/json",
                     description="One catalog item with all its details, by id.")
    def catalog_item(item_id: str) -> str:
        item = tools.get_catalog().get(item_id)
        if item is None:
            raise ValueError(f"No catalog item has id {item_id!r}.")
        return tools.to_text(tools.item_detail(item))

    @server.resource("personas://all", name="personas", mime_type="application/json",
                     description="Simulated users (personas) of the evaluation, as a JSON list.")
    def personas() -> str:
        return tools.to_text(load_personas())

    @server.prompt(name="plan_birthday", description="Plan a birthday party with the catalog tools, step by step.")
    def plan_birthday(request: str) -> str:
        return prompts.render(PLAN_PROMPT, request=request.strip())

    return server


def _protect_stdout() -> TextIOWrapper:
    """Keep the real stdout for the protocol and point everything else that writes to stdout at stderr.

    A stray ``print`` (ours, a library's, a C extension's) on stdout would corrupt the JSON-RPC stream,
    so file descriptor 1 is pointed at stderr and the protocol writes to a private copy of the original.
    """
    sys.stdout.flush()
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return TextIOWrapper(protocol_out, encoding="utf-8")


async def _serve_stdio(server: FastMCP, protocol_out: TextIOWrapper) -> None:
    """Serve on stdio, writing the protocol to ``protocol_out`` (see :func:`_protect_stdout`)."""
    low_level = server._mcp_server  # FastMCP keeps no public handle on it; its run_stdio_async does the same
    async with stdio_server(stdout=anyio.wrap_file(protocol_out)) as (read_stream, write_stream):
        await low_level.run(read_stream, write_stream, low_level.create_initialization_options())


def _warm_catalog() -> None:
    try:
        tools.get_catalog()
    except Exception as exc:  # noqa: BLE001 - the first tool call reports it properly
        log.warning("Could not load the catalog in advance: %s", exc)


def run(transport: str = "stdio", host: str = "127.0.0.1", port: int = DEFAULT_PORT, today: str | None = None,
        log_level: str = "WARNING") -> None:
    """Run the MCP server until it is stopped (stdin closed on stdio, Ctrl-C on HTTP).

    Args:
        transport: "stdio" (spawned by a client) or "http" (streamable HTTP at ``http://host:port/mcp``).
        host: interface to bind for HTTP.
        port: port for HTTP.
        today: fix the tools' clock (YYYY-MM-DD) so lead times match a scenario; default the real date.
        log_level: DEBUG, INFO, WARNING or ERROR (logs go to stderr).
    """
    if transport not in ("stdio", "http", "streamable-http"):
        raise ValueError(f"Unknown transport {transport!r}; use 'stdio' or 'http'.")
    protocol_out = _protect_stdout() if transport == "stdio" else None
    if today:
        tools.set_today(today)
    server = build_server(host=host, port=port, log_level=log_level)
    # load the catalog (and its search index) while the client connects, not at the first tool call
    threading.Thread(target=_warm_catalog, name="warm-catalog", daemon=True).start()
    if protocol_out is not None:
        anyio.run(_serve_stdio, server, protocol_out)
    else:
        logging.getLogger("mcp.server.streamable_http").addFilter(_DropClosedStream())
        print(f"birthday-planner MCP server on http://{host}:{port}{HTTP_PATH}", file=sys.stderr, flush=True)
        server.run("streamable-http")


def stdio_params(today: str | None = None, env: dict[str, str] | None = None) -> StdioServerParameters:
    """Parameters for an MCP client to spawn this server over stdio with the current Python.

    Args:
        today: pass ``--today`` to the server (fix its clock, YYYY-MM-DD).
        env: extra environment variables for the server process.
    """
    src = str(Path(__file__).resolve().parents[2])
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (src, full_env.get("PYTHONPATH", "")) if p)
    full_env.update(env or {})
    args = ["-m", "tutorial_helpers.mcp.server"] + (["--today", today] if today else [])
    return StdioServerParameters(command=sys.executable, args=args, env=full_env)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m tutorial_helpers.mcp.server [--transport stdio|http] [--port N]``."""
    parser = argparse.ArgumentParser(prog="python -m tutorial_helpers.mcp.server", description=__doc__.splitlines()[0])
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--today", default=None, help="fix the tools' clock, YYYY-MM-DD")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    if args.today:
        try:
            dt.date.fromisoformat(args.today)
        except ValueError:
            print(f"--today must be YYYY-MM-DD (got {args.today!r}).", file=sys.stderr)
            return 2
    try:
        run(args.transport, host=args.host, port=args.port, today=args.today, log_level=args.log_level)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
