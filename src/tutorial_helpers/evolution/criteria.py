"""Which of our modules deserve to be agents, by the AgenticRS paper's three criteria, and its three layers.

The paper (section 3) promotes a module to an agent only when it (i) takes part in a **functional
closed loop** (it observes, decides, its decision is executed and feedback comes back to it), (ii) can
be **independently evaluated** (a metric of its own, computable without the rest of the system) and
(iii) has an **evolvable decision space** (choices that could be tuned or redesigned). The table below
applies them to this repository's modules; each row names the code path and the evidence. The verdict
is computed: an agent only when all three hold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas


@dataclass(frozen=True)
class ModuleAssessment:
    """One module scored by the three criteria."""

    module: str
    path: str
    closed_loop: bool
    loop: str
    evaluable: bool
    metric: str
    evolvable: bool
    decisions: str
    layer: str

    @property
    def agent(self) -> bool:
        """All three criteria hold."""
        return self.closed_loop and self.evaluable and self.evolvable


MODULES: tuple[ModuleAssessment, ...] = (
    ModuleAssessment("extraction", "src/tutorial_helpers/extraction/extract.py", True,
                     "reads the text, its reading is checked against the rule-based parse (merge notes) and escalated "
                     "by the cascade",
                     True, "extraction accuracy against a scenario's facts", True, "model tier, prompt, retry",
                     "decision"),
    ModuleAssessment("retrieval / catalog search", "src/tutorial_helpers/catalog/search.py", True,
                     "tool calls, results grounded, the selector's choice and the checks come back", True,
                     "recall of the reference planner's items in the pool", True,
                     "lexical/semantic weight, pool size, tools", "decision"),
    ModuleAssessment("candidate pool (hard filters)", "src/tutorial_helpers/planning/candidates.py", False,
                     "a pure filter: nothing it decides is fed back to it", True,
                     "every item meets every hard constraint",
                     False, "none: its rules are the constraints themselves", "infrastructure"),
    ModuleAssessment("selector", "src/tutorial_helpers/planning/native.py", True,
                     "chooses, the critic's findings come back for another round", True, "raw pass rate, budget use",
                     True, "options shown, model tier, objective", "decision"),
    ModuleAssessment("critic", "src/tutorial_helpers/planning/native.py", True,
                     "reviews the plan, the selector revises, the critic reviews again", True,
                     "plans it sent back that then passed", True, "rounds, on/off, tier", "decision"),
    ModuleAssessment("guardrail", "src/tutorial_helpers/planning/guardrail.py", True,
                     "validates, repairs, validates again", True,
                     "violations left in plans shown as feasible (must be 0)",
                     False, "none by design: hard constraints are not a tuning target", "infrastructure"),
    ModuleAssessment("router", "src/tutorial_helpers/routing/router.py", True,
                     "routes to a tier, the cascade escalates on failure, cost and pass rate come back", True,
                     "pass rate per dollar against large-only", True, "threshold, rules, LLM or rule router",
                     "decision"),
    ModuleAssessment("explainer", "src/tutorial_helpers/patterns/explanations/__init__.py", False,
                     "writes the text last; nothing in the team reads a verdict on it", True,
                     "claim precision and coverage (notebook 09)", True, "prompt, style, on/off", "decision"),
    ModuleAssessment("memory", "src/tutorial_helpers/memory/store.py", False,
                     "stores and serves state; the decisions that use it are other modules'", True,
                     "recall of stored facts, deletion verified", False, "schema and retention are policy, not learned",
                     "infrastructure"),
    ModuleAssessment("evaluation harness", "src/tutorial_helpers/evaluation/harness.py", False,
                     "produces the reward signal; must not optimise itself", True, "agreement with the checks", False,
                     "none: the yardstick stays fixed", "infrastructure"),
    ModuleAssessment("team architect + optimiser", "src/tutorial_helpers/evolution/proposals.py", True,
                     "reads logs, proposes a team, the evaluation comes back", True, "held-out outer reward gain", True,
                     "search space, proposal rules or model", "evolution"),
)

LAYERS: dict[str, tuple[str, ...]] = {
    "decision": ("src/tutorial_helpers/evolution/team.py", "src/tutorial_helpers/planning/native.py",
                 "src/tutorial_helpers/routing/router.py", "src/tutorial_helpers/catalog/search.py"),
    "evolution": ("src/tutorial_helpers/evolution/search.py", "src/tutorial_helpers/evolution/proposals.py",
                  "src/tutorial_helpers/evolution/rewards.py"),
    "infrastructure": ("src/tutorial_helpers/evolution/store.py", "src/tutorial_helpers/planning/guardrail.py",
                       "src/tutorial_helpers/evaluation/harness.py", "src/tutorial_helpers/memory/store.py",
                       "src/tutorial_helpers/clock.py", "src/tutorial_helpers/tools/registry.py"),
}


def criteria_table() -> pandas.DataFrame:
    """One row per module: the three criteria, the evidence, the layer and the verdict (``agent``)."""
    import pandas as pd

    return pd.DataFrame([asdict(m) | {"agent": m.agent} for m in MODULES])


def agents() -> list[str]:
    """The modules that meet all three criteria."""
    return [m.module for m in MODULES if m.agent]
