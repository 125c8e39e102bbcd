"""Compositional evolution: a model reads the failure log and proposes a change to the team, as JSON.

:func:`propose` sends the log (:meth:`~.evaluate.ConfigResult.failure_log`) to the configured provider
with the ARCHITECT prompt (:data:`tutorial_helpers.prompts.ARCHITECT`) and returns its raw answer;
:func:`~.config.validate_proposal` turns it into a :class:`~.config.TeamConfig` or a one-sentence
rejection; :func:`evolve_structure` evaluates an accepted proposal on the training scenarios and keeps
it only when the outer reward improves. Every proposal, accepted or not, goes into the experience store.

With the offline stand-in the proposal comes from fixed rules (the ``architect`` role in
:mod:`tutorial_helpers.llm.offline.roles`, :func:`~tutorial_helpers.llm.offline.roles.architect_proposal`),
not from reading in any deeper sense; a real model may propose anything, which is why code validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutorial_helpers.evolution.config import TeamConfig, validate_proposal
from tutorial_helpers.evolution.evaluate import ConfigResult, evaluate_config
from tutorial_helpers.evolution.store import ExperienceStore

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.evaluation import Scenario


def propose(failure_log: str, *, provider: Any = None, today: str | None = None, seed: int = 0) -> str:
    """Ask the model for one structural change; its raw answer (an error becomes a short note, not a raise)."""
    import openai

    from tutorial_helpers import prompts
    from tutorial_helpers.llm import get_provider, openai_client

    prov = get_provider(provider)
    try:
        resp = openai_client(prov).chat.completions.create(
            model=prov.model_large, seed=seed,
            messages=[{"role": "system", "content": prompts.render(prompts.ARCHITECT, today=today)},
                      {"role": "user", "content": failure_log}])
    except openai.OpenAIError as exc:
        return f"(the model call failed: {type(exc).__name__})"
    return resp.choices[0].message.content or ""


@dataclass
class StructureStep:
    """One round of compositional evolution: the proposal, its verdict and (if accepted) its evaluation."""

    raw: str
    accepted: bool
    reason: str
    config: TeamConfig | None = None
    result: ConfigResult | None = None
    kept: bool = False


def evolve_structure(current: TeamConfig, current_result: ConfigResult, train: list[Scenario], store: ExperienceStore,
                     *,
                     provider: Any = None, catalog: Any = None, today: str | None = None,
                     raw: str | None = None, source: str = "model") -> StructureStep:
    """Propose (or take ``raw``), validate, evaluate on ``train``, keep if the outer reward improves.

    Args:
        current: the team now.
        current_result: its evaluation on ``train`` (the failure log comes from it).
        train: the training scenarios.
        store: the experience store (the proposal and the evaluations are recorded).
        provider: provider name or object.
        catalog: the catalog.
        today: the date the prompt states (default: the first training scenario's ``today``).
        raw: a proposal to judge instead of asking the model (a learner's, or a bad one to test the checks).
        source: who proposed it, for the store.
    """
    if today is None and train:
        today = str(train[0].today)  # the scenarios' day, never the machine's
    text = raw if raw is not None else propose(current_result.failure_log(), provider=provider, today=today)
    cfg, reason = validate_proposal(text, current)
    if cfg is None:
        store.add_proposal(source, text, False, reason)
        return StructureStep(text, False, reason)
    res = evaluate_config(cfg, train, store, provider=provider, catalog=catalog)
    kept = res.metrics()["outer_reward"] > current_result.metrics()["outer_reward"]
    verdict = ("kept: the outer reward rose on the training scenarios" if kept
               else "evaluated, not kept: no gain on the training scenarios")
    store.add_proposal(source, text, True, verdict, cfg.key())
    return StructureStep(text, True, verdict, cfg, res, kept)
