"""The birthday-planner MCP server, driven by the official ``mcp`` client.

* in memory (fast, on a fake catalog): tool schemas carry the docstring descriptions, results are one
  JSON text block, errors come back as results, resources and the prompt work;
* over stdio: spawned with ``stdio_params()`` exactly as a framework would spawn it;
* over streamable HTTP: started in a subprocess on a free port, reached with ``streamablehttp_client``.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from contextlib import closing

import anyio
import httpx
import pytest
from mcp import ClientSession
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client
from mcp.shared.memory import create_connected_server_and_client_session
from test_tools import ITEMS, FakeCatalog

from tutorial_helpers import tools
from tutorial_helpers.mcp import server as mcp_server

EXPECTED_TOOLS = set(tools.REGISTRY)
EXPECTED_RESOURCES = {"catalog://stats", "catalog://categories", "catalog://vocabulary", "personas://all"}


def _text(result) -> str:
    assert len(result.content) == 1, result.content
    return result.content[0].text


def _json_resource(read) -> object:
    return json.loads(read.contents[0].text)


# ------------------------------------------------------------------------------------------------
# In memory, fake catalog
# ------------------------------------------------------------------------------------------------


def test_in_memory_server_on_fake_catalog():
    async def scenario() -> None:
        server = mcp_server.build_server()
        async with create_connected_server_and_client_session(server) as session:
            listed = {t.name: t for t in (await session.list_tools()).tools}
            assert set(listed) == EXPECTED_TOOLS
            search = listed["search_catalog"]
            assert search.description == tools.parse_docstring(tools.search_catalog)[0]
            props = search.inputSchema["properties"]
            assert props["city"]["description"].startswith("party city") and search.inputSchema["required"] == ["query"]

            result = await session.call_tool("search_catalog", {"query": "cake", "category": "cake", "city": "Austin",
                                                                 "avoid_allergens": ["peanuts"]})
            assert not result.isError
            assert [h["id"] for h in json.loads(_text(result))] == ["cake-vegan"]
            empty = await session.call_tool("search_catalog", {"query": "cake", "category": "cake", "city": "Boston"})
            assert json.loads(_text(empty)) == []  # one block even for an empty list

            bad = await session.call_tool("check_availability", {"item_id": "venue-hall", "date": "tomorrow"})
            assert "YYYY-MM-DD" in json.loads(_text(bad))["error"]
            invalid = await session.call_tool("estimate_cost", {"item_ids": ["gift-dino"], "guests": "lots"})
            assert invalid.isError

            with tools.inject_failures(1.0, seed=0):
                failed = await session.call_tool("get_item", {"item_id": "gift-dino"})
            assert failed.isError and "temporarily unavailable" in _text(failed)

            uris = {str(r.uri) for r in (await session.list_resources()).resources}
            assert EXPECTED_RESOURCES <= uris
            templates = {t.uriTemplate for t in (await session.list_resource_templates()).resourceTemplates}
            assert "catalog://items/{item_id}" in templates
            assert _json_resource(await session.read_resource("catalog://stats")) == {"total": len(ITEMS)}
            item = _json_resource(await session.read_resource("catalog://items/gift-dino"))
            assert item["id"] == "gift-dino" and item["price"] == 25.0
            cats = _json_resource(await session.read_resource("catalog://categories"))["categories"]
            assert [c["name"] for c in cats][:3] == ["gift", "cake", "venue"]
            assert isinstance(_json_resource(await session.read_resource("personas://all")), list)

            prompts = {p.name: p for p in (await session.list_prompts()).prompts}
            assert [a.name for a in prompts["plan_birthday"].arguments] == ["request"]
            got = await session.get_prompt("plan_birthday", {"request": "Maya turns 8 in Austin"})
            text = got.messages[0].content.text
            assert "Maya turns 8 in Austin" in text and "search_catalog" in text and "check_budget" in text

    with tools.use_catalog(FakeCatalog(ITEMS)), tools.today_as("2026-11-22"):
        anyio.run(scenario)


def test_stdio_params_spawn_this_python():
    params = mcp_server.stdio_params(today="2026-11-22")
    assert params.command == sys.executable
    assert params.args == ["-m", "tutorial_helpers.mcp.server", "--today", "2026-11-22"]
    assert str(mcp_server.Path(mcp_server.__file__).resolve().parents[2]) in params.env["PYTHONPATH"]


def test_cli_rejects_bad_today():
    assert mcp_server.main(["--today", "soon"]) == 2


# ------------------------------------------------------------------------------------------------
# Real processes, shipped catalog
# ------------------------------------------------------------------------------------------------


async def _exercise(session: ClientSession) -> None:
    await session.initialize()
    names = {t.name for t in (await session.list_tools()).tools}
    assert names == EXPECTED_TOOLS
    assert EXPECTED_RESOURCES <= {str(r.uri) for r in (await session.list_resources()).resources}
    assert "plan_birthday" in {p.name for p in (await session.list_prompts()).prompts}

    result = await session.call_tool("search_catalog", {"query": "dinosaur gift", "category": "gift", "age": 8,
                                                         "max_price": 30, "k": 5})
    hits = json.loads(_text(result))
    assert hits and all(h["category"] == "gift" and h["price"] <= 30 for h in hits)
    assert all(h["age_min"] <= 8 <= h["age_max"] for h in hits if "age_min" in h)

    first = hits[0]["id"]
    item = json.loads(_text(await session.call_tool("get_item", {"item_id": first})))
    assert item["id"] == first and item["name"] == hits[0]["name"] and item["description"]

    via_resource = _json_resource(await session.read_resource(f"catalog://items/{first}"))
    assert via_resource == item
    stats = _json_resource(await session.read_resource("catalog://stats"))
    assert stats["total"] >= 1500


def test_stdio_server_with_official_client():
    async def scenario() -> None:
        with anyio.fail_after(60):
            async with stdio_client(mcp_server.stdio_params(today="2026-11-22")) as (read, write):
                async with ClientSession(read, write) as session:
                    await _exercise(session)
                    cake = await session.call_tool("check_availability", {"item_id": "nope", "date": "2026-11-28"})
                    assert "error" in json.loads(_text(cake))

    anyio.run(scenario)


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def http_server():
    port = _free_port()
    params = mcp_server.stdio_params()
    proc = subprocess.Popen([sys.executable, "-m", "tutorial_helpers.mcp.server", "--transport", "http",
                             "--port", str(port)], env=params.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"HTTP server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("HTTP server did not start within 30 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_streamable_http_server_with_official_client(http_server):
    async def scenario() -> None:
        with anyio.fail_after(60):
            async with streamablehttp_client(http_server) as (read, write, _get_session_id):
                async with ClientSession(read, write) as session:
                    await _exercise(session)

    anyio.run(scenario)


NOISY_SERVER = """
import os, sys
sys.path.insert(0, {tests_dir!r})
from test_tools import ITEMS, FakeCatalog
from tutorial_helpers import tools
from tutorial_helpers.mcp import server

class NoisyCatalog(FakeCatalog):
    def get(self, item_id):
        print("NOISE from print")
        os.write(1, b"NOISE from fd 1\\n")
        return super().get(item_id)

tools.set_catalog(NoisyCatalog(ITEMS))
raise SystemExit(server.main([]))
"""


def test_stdio_stdout_carries_only_protocol(tmp_path):
    """Prints inside tools (even raw writes to fd 1) land on stderr; stdout stays pure JSON-RPC."""
    script = NOISY_SERVER.format(tests_dir=str(mcp_server.Path(__file__).resolve().parent))
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_item",
                                                                      "arguments": {"item_id": "gift-dino"}}},
    ]
    proc = subprocess.Popen([sys.executable, "-c", script], env=mcp_server.stdio_params().env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_lines: list[dict] = []
    proc.stdin.write(("\n".join(json.dumps(m) for m in messages) + "\n").encode())
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while len(out_lines) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        out_lines.append(json.loads(line))  # fails on any non-JSON line
    proc.stdin.close()
    proc.wait(10)
    err = proc.stderr.read().decode()
    assert [m.get("id") for m in out_lines] == [1, 2]
    assert json.loads(out_lines[1]["result"]["content"][0]["text"])["id"] == "gift-dino"
    assert proc.stdout.read() == b""
    assert "NOISE from print" in err and "NOISE from fd 1" in err
