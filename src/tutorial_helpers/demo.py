"""The instructor demo (`make demo`): a conversation with a simulated user, then the plan.

The assistant asks for what is still missing, one question at a time; a simulated parent answers
from a hidden goal; once the request is complete the chosen planner plans it and the guardrail
checks it. Everything runs offline unless a provider key is configured.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from tutorial_helpers.domain import InputError

README_EXAMPLE = (
    "Plan a birthday party for my daughter Maya, turning 8 on Saturday November 28 in Austin. "
    "She loves dinosaurs and painting. 12 kids are coming, one has a peanut allergy so nothing "
    "with nuts please. Budget is $400."
)
README_TODAY = dt.date(2026, 11, 22)

#: the simulated user's hidden goal: what they answer when asked
GOAL = {
    "opening": "Hi! I need help with my daughter Maya's birthday. She turns 8 and she's crazy about dinosaurs and painting.",
    "city": "We live in Austin.",
    "date": "The party is on Saturday November 28.",
    "guests": "12 kids are coming, and one of them has a peanut allergy, so nothing with nuts please.",
    "budget": "We can spend about $400 in total.",
    "recipient_age": "She's turning 8.",
    "interests": "Dinosaurs and painting, definitely.",
}
QUESTIONS = {
    "city": "Which city will the party be in?",
    "date": "What date is the party?",
    "guests": "How many guests are you expecting, and any allergies or diets I should know about?",
    "budget": "What budget should I stay within?",
    "recipient_age": "How old will the birthday child be?",
    "interests": "What does the birthday child love?",
}


def _say(who: str, text: str, pause: float = 0.0) -> None:
    sys.stdout.write(f"{who:>10}: {text}\n")
    sys.stdout.flush()
    if pause:
        time.sleep(pause)


def run_demo(framework: str | None = None, provider: str | None = None, today: dt.date | None = None) -> int:
    """Run the demo conversation and print the plan; returns the CLI exit code."""
    from tutorial_helpers.display import plan_summary
    from tutorial_helpers.extraction import extract_conversation
    from tutorial_helpers.planners import FRAMEWORKS, plan_text

    today = today or README_TODAY
    if framework is None:
        framework = "native"
        try:
            import importlib

            importlib.import_module(FRAMEWORKS["native"].split(":")[0])
        except ImportError:
            framework = "reference"
    if framework != "reference":
        from tutorial_helpers.llm import describe_provider

        sys.stdout.write(describe_provider(provider) + "\n\n")
    sys.stdout.write(f"Demo: planning a birthday by conversation (today is {today.isoformat()}, planner: {framework})\n\n")
    user_turns = [GOAL["opening"]]
    _say("user", GOAL["opening"])
    for _ in range(8):
        ex = extract_conversation(user_turns, today)
        missing = [m for m in ex.missing if m in QUESTIONS]
        if not missing:
            break
        field = missing[0]
        _say("assistant", QUESTIONS[field])
        answer = GOAL[field]
        user_turns.append(answer)
        _say("user", answer)
    _say("assistant", "Thanks! Let me put a plan together and check it against every constraint...")
    try:
        plan = plan_text(" ".join(user_turns), framework, today=today, provider=provider,
                         on_step=lambda s: sys.stdout.write(f"{'...':>10}  {s}\n"))
    except InputError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write("\n" + plan_summary(plan) + "\n")
    return 0 if plan.feasible else 3
