"""Individual evolution: a seeded TPE search (Optuna) over :data:`~.config.SEARCH_SPACE`.

The team's graph stays fixed; the optimiser picks the retriever's fusion weight and pool size, the
router's threshold and the critic rounds, and is rewarded with the outer reward on the *training*
scenarios only (:func:`~.rewards.outer_reward`). Every trial goes through the experience store, so a
configuration tried before (in this study or an earlier iteration) costs no model call.

Optuna runs with in-memory storage by default (or a SQLite file you name), a seeded ``TPESampler``
(same seed, same trials: the stand-in is deterministic too), its logging at WARNING, and it writes
nothing under the home directory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tutorial_helpers.evolution.config import SEARCH_SPACE, TeamConfig
from tutorial_helpers.evolution.evaluate import evaluate_config
from tutorial_helpers.evolution.store import ExperienceStore

if TYPE_CHECKING:  # pragma: no cover
    import optuna

    from tutorial_helpers.evaluation import Scenario


def tune(train: list[Scenario], store: ExperienceStore, *, n_trials: int = 12, seed: int = 0,
         base: TeamConfig | None = None,
         provider: Any = None, catalog: Any = None, storage: str | None = None,
         study_name: str = "team") -> optuna.Study:
    """Search the configuration space for the best outer reward on ``train``.

    Args:
        train: the training scenarios (never the held-out ones).
        store: the experience store (evaluations are read back when already there).
        n_trials: how many configurations to try; the first is ``base`` (the current team), so the best
            found is never worse than it on ``train``.
        seed: the TPE sampler's seed.
        base: the current configuration (default: :class:`TeamConfig` defaults).
        provider: provider name or object.
        catalog: the catalog.
        storage: an Optuna storage URL (``"sqlite:///path/to/study.db"``, a file you choose); default in memory.
        study_name: the study's name (reused when ``storage`` already holds it: the search resumes).

    Returns:
        The Optuna study; each trial's user attributes hold its metrics, ``best_config(study)`` the winner.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = base or TeamConfig()
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(2, n_trials // 3))
    study = optuna.create_study(direction="maximize", sampler=sampler, storage=storage, study_name=study_name,
                                load_if_exists=storage is not None)
    study.enqueue_trial({k: getattr(base, k) for k in SEARCH_SPACE}, skip_if_exists=True)

    def objective(trial: optuna.Trial) -> float:
        params = {k: trial.suggest_categorical(k, list(v)) for k, v in SEARCH_SPACE.items()}
        cfg = base.model_copy(update=params)
        res = evaluate_config(cfg, train, store, provider=provider, catalog=catalog)
        m = res.metrics()
        for k in ("pass_rate", "raw_pass_rate", "mean_cost_usd", "mean_llm_calls", "retrieval_recall",
                  "cache_hits", "cache_misses"):
            trial.set_user_attr(k, m[k])
        return m["outer_reward"]

    study.optimize(objective, n_trials=n_trials, show_progress_bar=False)
    return study


def best_config(study: optuna.Study, base: TeamConfig | None = None) -> TeamConfig:
    """The best trial's configuration (the ``base`` with the searched knobs replaced)."""
    base = base or TeamConfig()
    return base.model_copy(update={k: study.best_params[k] for k in SEARCH_SPACE})


def history(study: optuna.Study) -> list[dict[str, Any]]:
    """One dict per finished trial: number, value (outer reward), best so far, params, metrics."""
    out, best = [], float("-inf")
    for t in study.trials:
        if t.value is None:
            continue
        best = max(best, t.value)
        out.append({"trial": t.number, "outer_reward": t.value, "best_so_far": best, **t.params, **t.user_attrs})
    return out


def plot_history(study: optuna.Study, ax: Any = None) -> Any:
    """Outer reward per trial and the best so far (matplotlib); returns the axes."""
    import matplotlib.pyplot as plt

    rows = history(study)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.scatter([r["trial"] for r in rows], [r["outer_reward"] for r in rows], s=18, label="trial")
    ax.step([r["trial"] for r in rows], [r["best_so_far"] for r in rows], where="post", color="C3", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel("outer reward (train)")
    ax.set_title("Individual evolution: seeded TPE search")
    ax.legend(loc="lower right")
    return ax
