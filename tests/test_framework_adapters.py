"""Each framework adapter drives a real agent against the offline server: a full tool-calling loop,
one structured-output call (pydantic schema), usage recorded, and no file written under $HOME.

Every framework runs in its own subprocess (their imports are slow and set process-wide state), with
HOME and the runtime folder pointed at fresh temporary folders.
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

# the adapters' mechanics are under test, not the stand-in's seeded error profile: switched off here
pytestmark = [pytest.mark.frameworks, pytest.mark.usefixtures("perfect_stand_in")]

PRELUDE = '''
import json, sys
from pydantic import BaseModel
from tutorial_helpers.llm import UsageMeter, model_for

meter = UsageMeter()
calls = []
ITEMS = [{"id": "gift-0001", "name": "Dino Dig Kit", "price": 25.0},
         {"id": "gift-0002", "name": "T-Rex Plush", "price": 18.0}]


def find_gifts(interest: str, max_price: float = 100.0) -> str:
    """Search the gift catalog for items that match an interest and cost at most max_price."""
    calls.append(interest)
    return json.dumps(ITEMS)


class GiftPick(BaseModel):
    item_id: str
    reason: str


ASK = "Gift ideas for my son Leo, he turns 8 and loves dinosaurs; under $30 please."
PICK = "Pick one gift for Maya, 8, who loves dinosaurs, under $30. Candidates: gift-0001 Dino Dig Kit $25."


def report(final_text, pick):
    assert isinstance(pick, GiftPick), type(pick)
    u = meter.summary()
    print("RESULT " + json.dumps({"final": final_text or "", "calls": calls, "pick": pick.model_dump(),
                                  "usage": u.model_dump(), "agents": sorted(meter.by_agent())}))
'''

SCRIPTS: dict[str, str] = {
    "ag2": '''
from autogen import ConversableAgent, register_function
from tutorial_helpers.llm import ag2_llm_config

finder = ConversableAgent("gift_finder", system_message="You recommend birthday gifts. Use the tools.",
                          llm_config=ag2_llm_config("small", meter=meter, agent="finder"))
user = ConversableAgent("user", human_input_mode="NEVER", llm_config=False,
                        is_termination_msg=lambda m: not m.get("tool_calls"))
register_function(find_gifts, caller=finder, executor=user, description=find_gifts.__doc__)
res = user.initiate_chat(finder, message=ASK, max_turns=4, silent=True)
final = res.chat_history[-1]["content"]
picker = ConversableAgent("picker", system_message="Pick one gift.",
                          llm_config=ag2_llm_config("large", meter=meter, agent="picker", response_format=GiftPick))
raw = picker.generate_reply(messages=[{"role": "user", "content": PICK}])
raw = raw.get("content") if isinstance(raw, dict) else raw
report(final, GiftPick.model_validate_json(raw))
''',
    "langgraph": '''
from langchain.agents import create_agent
from langchain_core.tools import tool
from tutorial_helpers.llm import langchain_chat_model

llm = langchain_chat_model("small", meter=meter, agent="finder")
agent = create_agent(llm, tools=[tool(find_gifts)], system_prompt="You recommend birthday gifts. Use the tools.")
out = agent.invoke({"messages": [{"role": "user", "content": ASK}]})
final = out["messages"][-1].content
picker = create_agent(langchain_chat_model("large", meter=meter, agent="picker"), tools=[tool(find_gifts)],
                      system_prompt="Pick one gift.", response_format=GiftPick)
pick = picker.invoke({"messages": [{"role": "user", "content": PICK}]})["structured_response"]
direct = langchain_chat_model("large", meter=meter, agent="picker").with_structured_output(GiftPick).invoke(PICK)
assert isinstance(direct, GiftPick)
report(final, pick)
''',
    "crewai": '''
from crewai import Agent, Crew, Task
from crewai.tools import tool
from tutorial_helpers.llm import crewai_llm

finder = Agent(role="Gift finder", goal="Recommend birthday gifts from the catalog", backstory="You know the catalog.",
               tools=[tool("find_gifts")(find_gifts)], llm=crewai_llm("small", meter=meter, agent="finder"))
task = Task(description=ASK, expected_output="A short list of gifts with their ids.", agent=finder)
final = Crew(agents=[finder], tasks=[task]).kickoff().raw
picker = Agent(role="Gift picker", goal="Pick one gift", backstory="You decide.",
               llm=crewai_llm("large", meter=meter, agent="picker"))
task2 = Task(description=PICK, expected_output="One gift.", agent=picker, output_pydantic=GiftPick)
report(final, Crew(agents=[picker], tasks=[task2]).kickoff().pydantic)
''',
    "adk": '''
import asyncio
from google.adk.agents import LlmAgent
from google.adk.runners import InMemoryRunner
from google.genai import types
from tutorial_helpers.llm import adk_model


async def run(agent, text):
    runner = InMemoryRunner(agent=agent, app_name="test")
    session = await runner.session_service.create_session(app_name="test", user_id="u")
    final = None
    message = types.Content(role="user", parts=[types.Part(text=text)])
    async for event in runner.run_async(user_id="u", session_id=session.id, new_message=message):
        if event.is_final_response() and event.content and event.content.parts:
            final = "".join(p.text or "" for p in event.content.parts)
    await runner.close()
    return final

finder = LlmAgent(name="gift_finder", model=adk_model("small", meter=meter, agent="finder"),
                  instruction="You recommend birthday gifts. Use the tools.", tools=[find_gifts])
final = asyncio.run(run(finder, ASK))
picker = LlmAgent(name="picker", model=adk_model("large", meter=meter, agent="picker"), instruction="Pick one gift.",
                  output_schema=GiftPick, output_key="pick")
report(final, GiftPick.model_validate_json(asyncio.run(run(picker, PICK))))
''',
}

ALLOWED_IN_HOME = (".cache/matplotlib", ".config/matplotlib")
MODULES = {"ag2": "autogen", "langgraph": "langgraph", "crewai": "crewai", "adk": "google.adk"}


def run_script(name: str, tmp_path: Path) -> tuple[dict, Path, Path]:
    """Run one framework script offline with a fresh HOME and runtime folder; return its RESULT."""
    if importlib.util.find_spec(MODULES[name].split(".")[0]) is None:
        pytest.skip(f"{MODULES[name]} is not installed")
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env.update({"HOME": str(home), "TUTORIAL_RUNTIME_DIR": str(runtime), "TUTORIAL_PROVIDER": "offline",
                "TUTORIAL_OFFLINE_LATENCY_SCALE": "0"})
    script = tmp_path / f"{name}_agent.py"
    script.write_text(textwrap.dedent(PRELUDE) + textwrap.dedent(SCRIPTS[name]))
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=240)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return json.loads(lines[-1][len("RESULT "):]), home, runtime


@pytest.mark.parametrize("framework", ["ag2", "langgraph", "crewai", "adk"])
def test_framework_tool_loop_structured_output_and_usage(framework: str, tmp_path: Path) -> None:
    result, home, runtime = run_script(framework, tmp_path)
    # full tool loop: the tool ran, and the final answer came after it, grounded in its results
    assert len(result["calls"]) >= 1
    final = result["final"]
    assert final.strip()
    assert "gift-0001" in final or "gift-0002" in final
    # structured output: a valid GiftPick (validated in the subprocess) with text in it
    assert result["pick"]["item_id"].strip() and result["pick"]["reason"].strip()
    # usage captured from the HTTP traffic, attributed to the labelled agents
    usage = result["usage"]
    assert usage["llm_calls"] >= 3 and usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["tool_calls"] >= 1 and usage["cost_usd"] > 0
    assert {"finder", "picker"} <= set(result["agents"])
    # nothing written under $HOME but matplotlib's own font cache / config folder (AG2 imports matplotlib;
    # that is the user's matplotlib, not a framework file)
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert [w for w in written if w not in (".cache", ".config") and not w.startswith(ALLOWED_IN_HOME)] == []
    if framework == "crewai":  # what CrewAI writes went to the runtime folder instead
        assert (runtime / "crewai" / "credentials" / "secret.key").is_file()
