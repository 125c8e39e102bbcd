"""Starting and stopping the MCP server over streamable HTTP (tutorial_helpers.mcp.launch)."""

from __future__ import annotations

import json
import socket

import anyio
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

from tutorial_helpers.mcp.launch import free_port, start_http_server


def test_same_path_and_env_as_the_server():
    from tutorial_helpers.mcp import launch, server

    assert launch.HTTP_PATH == server.HTTP_PATH
    assert launch._child_env()["PYTHONPATH"] == server.stdio_params().env["PYTHONPATH"]


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_http_server_serves_tools_and_stops():
    server = start_http_server(today="2026-11-22", wait=False)
    with server:  # waits until ready
        assert server.running and server.url.endswith(f":{server.port}/mcp")

        async def scenario() -> None:
            with anyio.fail_after(60):
                async with streamablehttp_client(server.url) as (read, write, _):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        names = {t.name for t in (await session.list_tools()).tools}
                        assert {"search_catalog", "check_budget"} <= names
                        day = await session.call_tool("day_of_week", {"date": "2026-11-28"})
                        assert json.loads(day.content[0].text)["weekday"] == "Saturday"

        anyio.run(scenario)
    assert not server.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
        pass


def test_failed_start_reports_the_error():
    with socket.socket() as busy:  # the port is taken: the server exits and says why
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = start_http_server(port=busy.getsockname()[1], wait=False)
        with pytest.raises(RuntimeError, match="exited|did not answer"):
            server.wait_ready(timeout_s=30)
    assert not server.running
