"""The server through the official MCP Inspector CLI (``npx @modelcontextprotocol/inspector --cli``).

This is the check an outside tool makes: spawn ``python -m tutorial_helpers.mcp.server`` and speak
MCP to it. Measured here: ~16 s the first time (npx fetches the package), ~4 s per call afterwards.
Skipped, with the reason, when ``npx`` is missing or the package cannot be fetched from the npm registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tutorial_helpers.mcp.server import stdio_params

pytestmark = pytest.mark.slow

PACKAGE = "@modelcontextprotocol/inspector"
NPM_ENV = {"npm_config_update_notifier": "false", "npm_config_fund": "false", "npm_config_audit": "false"}


@pytest.fixture(scope="module")
def inspector() -> list[str]:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("npx (Node.js) is not installed; the MCP Inspector CLI needs it")
    env = {**os.environ, **NPM_ENV}
    try:
        probe = subprocess.run([npx, "-y", PACKAGE, "--help"], capture_output=True, text=True, timeout=240, env=env)
    except subprocess.TimeoutExpired:
        pytest.skip(f"fetching {PACKAGE} from the npm registry took more than 240 s")
    if probe.returncode != 0:
        tail = (probe.stderr or probe.stdout).strip().splitlines()[-1:] or ["no output"]
        pytest.skip(f"{PACKAGE} could not be fetched or started with npx: {tail[0]}")
    return [npx, "-y", PACKAGE, "--cli"]


def _inspect(inspector: list[str], *method_args: str) -> dict:
    params = stdio_params(today="2026-11-22")
    cmd = [*inspector]
    cmd += ["-e", f"PYTHONPATH={params.env['PYTHONPATH']}"]
    cmd += [sys.executable, *params.args, *method_args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, **NPM_ENV})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_inspector_lists_tools(inspector):
    listed = _inspect(inspector, "--method", "tools/list")
    by_name = {t["name"]: t for t in listed["tools"]}
    assert {"search_catalog", "get_item", "check_availability", "check_budget", "add_to_cart",
            "day_of_week"} <= set(by_name)
    schema = by_name["search_catalog"]["inputSchema"]
    assert schema["required"] == ["query"] and "description" in schema["properties"]["city"]


def test_inspector_calls_tools(inspector):
    day = _inspect(inspector, "--method", "tools/call", "--tool-name", "day_of_week", "--tool-arg", "date=2026-11-28")
    assert day["isError"] is False and json.loads(day["content"][0]["text"])["weekday"] == "Saturday"

    found = _inspect(inspector, "--method", "tools/call", "--tool-name", "search_catalog",
                     "--tool-arg", "query=birthday cake", "--tool-arg", "category=cake", "--tool-arg", "city=Boston",
                     "--tool-arg", 'avoid_allergens=["peanuts"]', "--tool-arg", "k=3")
    hits = json.loads(found["content"][0]["text"])
    assert 1 <= len(hits) <= 3
    assert all(h["category"] == "cake" and h["city"] == "Boston" and "peanuts" not in h["allergens"] for h in hits)


def test_inspector_reads_resource(inspector):
    read = _inspect(inspector, "--method", "resources/read", "--uri", "catalog://vocabulary")
    vocab = json.loads(read["contents"][0]["text"])
    assert "Austin" in vocab["cities"] and "peanuts" in vocab["allergens"]
