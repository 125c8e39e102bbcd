"""Offline means offline: no connection (and no DNS lookup) to anything but this machine.

Each check runs in a subprocess whose ``socket`` is patched before anything else is imported: every
``connect`` to a non-loopback address and every name lookup of a non-local host is written to a
log and refused. The test asserts the log is empty.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutorial_helpers.config import ENV_VARS

GUARD = '''
import ipaddress, json, os, runpy, socket, sys

LOG = os.environ["NET_GUARD_LOG"]
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _log(kind, target):
    with open(LOG, "a") as fh:
        fh.write(json.dumps({"kind": kind, "target": str(target)}) + "\\n")


def _is_local(host):
    host = str(host).strip("[]").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address):
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        _log("connect", address)
        raise OSError(101, "network blocked by test guard")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _connect_ex(self, address)


_getaddrinfo = socket.getaddrinfo


def _is_ip(host):
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%")[0])
        return True
    except ValueError:
        return False


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and not _is_local(name) and not _is_ip(name):  # addresses are checked at connect
        _log("dns", host)
        raise socket.gaierror(socket.EAI_NONAME, "name lookup blocked by test guard")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''

OPENAI_PATH = '''
import datetime as dt
from pydantic import BaseModel
from tutorial_helpers.llm import UsageMeter, get_provider, model_for, openai_client

assert get_provider().is_offline
meter = UsageMeter()
client = openai_client(meter=meter)
tools = [{"type": "function", "function": {"name": "search_catalog", "description": "Search the catalog.",
          "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}]
msgs = [{"role": "user", "content": "Birthday gifts for a 9 year old who loves space, budget $50"}]
client.chat.completions.create(model=model_for("small"), messages=msgs, tools=tools)
for _ in client.chat.completions.create(model=model_for("small"), messages=msgs, stream=True,
                                        stream_options={"include_usage": True}):
    pass


class Pick(BaseModel):
    item_id: str
    reason: str


client.chat.completions.parse(model=model_for("large"), messages=msgs, response_format=Pick)
assert meter.summary().llm_calls == 3

from tutorial_helpers.catalog import Catalog, load_catalog
from tutorial_helpers.planners import plan_text

# a small slice of the catalog (Austin and ship-everywhere items): embedding it is quick even with a cold cache
full = load_catalog()
by_category = {}
for item in full.items:
    if item.city in (None, "Austin") and len(by_category.setdefault(item.category, [])) < 30:
        by_category[item.category].append(item)
small = Catalog.from_items([item for items in by_category.values() for item in items])
plan = plan_text(catalog=small, text="Plan a birthday party for Maya who turns 8 on 2026-11-28 in Austin, 12 guests, "
                 "she loves dinosaurs, budget $400", framework="native", provider="offline",
                 today=dt.date(2026, 11, 1))
print("PLAN", plan.feasible, len(plan.items), plan.usage.llm_calls)
'''

FRAMEWORK_IMPORTS = '''
import tutorial_helpers.llm
from tutorial_helpers.llm import adk_model, crewai_llm
import litellm
import crewai
from google.adk.models.lite_llm import LiteLlm
llm = crewai_llm("small")
print("CREW", str(llm.call("Say hello to the birthday planner"))[:60])
assert isinstance(adk_model("small"), LiteLlm)
'''

CONTROL = '''
import socket
try:
    socket.create_connection(("192.0.2.1", 80), timeout=0.5)
except OSError:
    pass
try:
    socket.getaddrinfo("example.invalid", 443)
except OSError:
    pass
'''


def run_guarded(code: str, tmp_path: Path, name: str, own_runtime: bool = True
                ) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """Run ``code`` under the guard with a fresh HOME (and runtime folder, unless ``own_runtime`` is False:
    the default one holds the cached catalog vectors the planner needs)."""
    guard, script, log = tmp_path / "net_guard.py", tmp_path / f"{name}.py", tmp_path / f"{name}.log"
    guard.write_text(textwrap.dedent(GUARD))
    script.write_text(textwrap.dedent(code))
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env.update({"NET_GUARD_LOG": str(log), "TUTORIAL_PROVIDER": "offline", "TUTORIAL_OFFLINE_LATENCY_SCALE": "0",
                "HOME": str(tmp_path / "home")})
    if own_runtime:
        env["TUTORIAL_RUNTIME_DIR"] = str(tmp_path / "runtime")
    (tmp_path / "home").mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, str(guard), str(script)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240)
    attempts = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return proc, attempts


def test_guard_detects_outbound_attempts(tmp_path: Path) -> None:
    proc, attempts = run_guarded(CONTROL, tmp_path, "control")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {a["kind"] for a in attempts} == {"connect", "dns"}


def test_offline_openai_path_and_plan_stay_local(tmp_path: Path) -> None:
    proc, attempts = run_guarded(OPENAI_PATH, tmp_path, "openai_path", own_runtime=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "PLAN" in proc.stdout
    assert attempts == []


@pytest.mark.frameworks
def test_crewai_and_litellm_import_and_call_stay_local(tmp_path: Path) -> None:
    for module in ("crewai", "litellm", "google.adk"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            pytest.skip(f"{module} is not installed")
    proc, attempts = run_guarded(FRAMEWORK_IMPORTS, tmp_path, "frameworks")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "CREW" in proc.stdout
    assert attempts == []  # no telemetry, no price-map download, not even a DNS lookup (also at exit)
