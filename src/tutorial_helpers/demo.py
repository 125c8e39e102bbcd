"""The instructor demo (`make demo`): MACRS and the user simulator in a full conversation, then the plan.

Each turn shows the act the planner picked (ask, chit-chat, recommend); the simulated parent answers
from hidden facts, rejects a plan that breaks one and accepts one that fits; the accepted plan has
passed the guardrail. Everything runs offline unless a provider key is configured.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from tutorial_helpers.domain import Persona, PersonaFacts

README_EXAMPLE = (
    "Plan a birthday party for my daughter Maya, turning 8 on Saturday November 28 in Austin. "
    "She loves dinosaurs and painting. 12 kids are coming, one has a peanut allergy so nothing "
    "with nuts please. Budget is $400."
)
README_TODAY = dt.date(2026, 11, 22)

#: the simulated user's hidden goal: what they answer when asked
GOAL = {
    "opening": "Hi! I need help with my daughter Maya's birthday. She turns 8 and she's crazy about dinosaurs and "
               "painting.",
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


def demo_persona(today: dt.date | None = None) -> Persona:
    """The demo's simulated parent: Maya's birthday of the README, facts hidden from the recommender."""
    day = today or README_TODAY
    party = dt.date(2026, 11, 28)
    if party <= day:  # keep the party a few days after "today"
        party = day + dt.timedelta(days=6)
    return Persona(persona_id="demo-maya", today=day, style="chatty", opening=GOAL["opening"], relation="daughter",
                   pronoun="she", wants=["gift", "cake", "venue"],
                   facts=PersonaFacts(recipient_name="Maya", recipient_age=8, interests=["dinosaurs", "painting"],
                                      avoid_allergens=["peanuts", "tree nuts"], city="Austin", date=party, guests=12,
                                      budget=400))


def run_demo(framework: str | None = None, provider: str | None = None, today: dt.date | None = None,
             pause: float = 0.0) -> int:
    """Run the demo conversation (MACRS and the user simulator) and print the plan; returns the CLI exit code.

    Each assistant turn shows the act the planner chose and why; the simulated parent answers from
    hidden facts and judges the recommendation with the guardrail's checker. ``framework`` is accepted
    for compatibility and unused: the conversational recommender plans through the shared tools.
    """
    from tutorial_helpers.display import plan_summary
    from tutorial_helpers.evaluation.simulation import UserSimulator
    from tutorial_helpers.llm import describe_provider
    from tutorial_helpers.patterns.conversational import MACRS
    from tutorial_helpers.routing.experiment import dedicated_provider

    persona = demo_persona(today)
    sys.stdout.write(describe_provider(provider) + "\n\n")
    sys.stdout.write(f"Demo: MACRS talks with a simulated parent (today is {persona.today.isoformat()}; the parent's "
                     "facts are hidden from the recommender)\n\n")
    with dedicated_provider(provider, latency_scale=0.0) as prov:
        rec = MACRS(prov, seed=0)
        rec.start(persona.today, 8)
        sim = UserSimulator(persona, seed=0)
        text = sim.opening().text
        _say("user", text, pause)
        plan = None
        for n in range(1, 9):
            turn = rec.respond(text)
            why = turn.details.get("justification") or turn.details.get("reasoning") or ""
            sys.stdout.write(f"{'':>10}  [turn {n} · planner chose {turn.act.upper()}]"
                             + (f" feedback={turn.details['feedback_label']}" if turn.details.get("feedback_label")
                                else "")
                             + (f" why: {why[:90]}" if why else "") + "\n")
            _say("assistant", turn.text.replace("\n", "\n" + " " * 12), pause)
            reply = sim.reply(turn.text, turn.plan if turn.act == "recommend" else None)
            _say("user", reply.text, pause)
            if reply.accepted:
                plan = turn.plan
                break
            text = reply.text
        usage = rec.usage()
    if plan is None:
        sys.stdout.write("\nNo plan was accepted within 8 turns.\n")
        return 3
    from tutorial_helpers.domain import Usage

    plan.framework, plan.provider, plan.model = "macrs", prov.name, prov.model_large
    plan.usage = Usage(llm_calls=usage["llm_calls"], prompt_tokens=usage["prompt_tokens"],
                       completion_tokens=usage["completion_tokens"], cost_usd=usage["cost_usd"])
    sys.stdout.write("\n" + plan_summary(plan) + "\n")
    sys.stdout.write(f"\n{n} assistant turns, {usage['llm_calls']} model calls, {usage['tokens']} tokens "
                     f"(${usage['cost_usd']:.4f} at the stand-in's list prices)\n")
    return 0 if plan.feasible else 3
