"""Agent frameworks as clients of the birthday-planner MCP server (stdio), as dependency-notes.md describes.

* LangGraph / LangChain: ``langchain_mcp_adapters.client.MultiServerMCPClient`` with a stdio connection;
* AG2 classic (``import autogen``): ``autogen.mcp.create_toolkit(session=...)`` on an ``mcp`` ClientSession.

Each lists the tools through the framework's own wrapper and calls ``search_catalog``.
"""

from __future__ import annotations

import json
import os

import anyio
import pytest

for _key, _value in {"CREWAI_DISABLE_TELEMETRY": "true", "OTEL_SDK_DISABLED": "true",
                     "LITELLM_LOCAL_MODEL_COST_MAP": "True"}.items():
    os.environ.setdefault(_key, _value)

from tutorial_helpers import tools  # noqa: E402
from tutorial_helpers.mcp.server import stdio_params  # noqa: E402

pytestmark = pytest.mark.frameworks

SEARCH = {"query": "vegan birthday cake", "category": "cake", "city": "Chicago", "dietary": ["vegan"], "k": 4}


def _check_hits(text: str) -> None:
    hits = json.loads(text)
    assert hits and len(hits) <= 4
    for h in hits:
        assert h["category"] == "cake" and h["city"] == "Chicago" and "vegan" in h["diet_tags"]


def _text_of(content) -> str:
    """LangChain MCP tools answer a string or a list of content blocks, depending on the version."""
    if isinstance(content, str):
        return content
    if isinstance(content, tuple):  # (content, artifact) with response_format="content_and_artifact"
        return _text_of(content[0])
    parts = [c.get("text", "") if isinstance(c, dict) else getattr(c, "text", str(c)) for c in content]
    return "".join(parts)


def test_langgraph_multiserver_client_stdio():
    from langchain_core.tools import BaseTool
    from langchain_mcp_adapters.client import MultiServerMCPClient

    params = stdio_params(today="2026-11-22")

    async def scenario() -> None:
        client = MultiServerMCPClient({"birthday": {"transport": "stdio", "command": params.command,
                                                    "args": list(params.args), "env": params.env}})
        with anyio.fail_after(60):
            lc_tools = await client.get_tools()
            by_name = {t.name: t for t in lc_tools}
            assert set(tools.REGISTRY) <= set(by_name)
            assert all(isinstance(t, BaseTool) for t in lc_tools)
            search = by_name["search_catalog"]
            assert "catalog" in search.description
            schema = search.args_schema if isinstance(search.args_schema, dict) else search.args_schema.model_json_schema()
            assert "dietary" in schema["properties"]
            _check_hits(_text_of(await search.ainvoke(SEARCH)))

    anyio.run(scenario)


def test_ag2_classic_toolkit_over_stdio():
    from autogen import ConversableAgent, LLMConfig
    from autogen.mcp import create_toolkit
    from mcp import ClientSession
    from mcp.client.stdio import stdio_client

    async def scenario() -> None:
        with anyio.fail_after(60):
            async with stdio_client(stdio_params(today="2026-11-22")) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    toolkit = await create_toolkit(session=session, use_mcp_resources=False)
                    names = {t.name for t in toolkit.tools}
                    assert set(tools.REGISTRY) <= names

                    llm_config = LLMConfig({"api_type": "openai", "model": "offline-large",
                                            "base_url": "http://127.0.0.1:9/v1", "api_key": "unused",
                                            "price": [0, 0]}, cache_seed=None)
                    agent = ConversableAgent(name="planner", llm_config=llm_config)
                    toolkit.register_for_llm(agent)
                    offered = {t["function"]["name"] for t in agent.llm_config["tools"]}
                    assert "search_catalog" in offered

                    result = await toolkit.get_tool("search_catalog").func(**SEARCH)
                    text = result[0] if isinstance(result, tuple) else result
                    _check_hits(text if isinstance(text, str) else "".join(text))

    anyio.run(scenario)
