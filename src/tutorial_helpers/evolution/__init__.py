"""Self-evolving agentic recommenders (notebook 17), after the AgenticRS paper.

* :mod:`.criteria`: which modules deserve to be agents (closed loop, independently evaluable,
  evolvable decision space) and the decision / evolution / infrastructure layers;
* :mod:`.config`: the configuration space (individual) and structural proposals (compositional);
  the guardrail is outside both;
* :mod:`.team`: the routed native team built from a configuration;
* :mod:`.rewards`, :mod:`.evaluate`: inner rewards per agent, the outer reward, evaluation through
* :mod:`.store`: the SQLite experience store;
* :mod:`.search`: a seeded Optuna TPE search (individual evolution);
* :mod:`.proposals`: a model reads failure logs and proposes a team change (compositional evolution).
"""

from tutorial_helpers.evolution.config import PROTECTED, SEARCH_SPACE, StructureProposal, TeamConfig, validate_proposal
from tutorial_helpers.evolution.criteria import agents, criteria_table
from tutorial_helpers.evolution.evaluate import ConfigResult, evaluate_config
from tutorial_helpers.evolution.store import ExperienceStore

__all__ = ["PROTECTED", "SEARCH_SPACE", "ConfigResult", "ExperienceStore", "StructureProposal", "TeamConfig", "agents",
           "criteria_table", "evaluate_config", "validate_proposal"]
