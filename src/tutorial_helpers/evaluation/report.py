"""Evaluation reports: a JSON file and PNG charts (matplotlib, headless)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tutorial_helpers.evaluation.harness import CHECK_NAMES


def plot_check_rates(metrics: list[dict[str, Any]], path: str | Path | None = None):
    """Bar chart of pass rate per check, one group per framework. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    checks = [c for c in CHECK_NAMES]
    fig, ax = plt.subplots(figsize=(max(8, 1.1 * len(checks)), 4))
    width = 0.8 / max(1, len(metrics))
    x = np.arange(len(checks))
    for i, m in enumerate(metrics):
        ax.bar(x + i * width, [m["checks"].get(c, 0.0) for c in checks], width,
               label=f"{m['framework']} ({m['pass_rate']:.0%})")
    ax.set_xticks(x + width * (len(metrics) - 1) / 2, checks, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("pass rate")
    ax.set_title("Guarded pass rate per check (overall pass rate in the legend)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


def plot_raw_vs_guarded(metrics: list[dict[str, Any]], path: str | Path | None = None):
    """Raw beside guarded, per framework: what the agents did, and what the safety nets made of it.

    Four bars per framework: ``raw_pass_rate`` (the team's own plan, no fallback), ``pass_rate``
    (after fallbacks and the guardrail), ``fallback_rate`` (code replaced a model answer) and
    ``repair_rate`` (the guardrail changed the plan). Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    keys = (("raw_pass_rate", "raw pass rate (agents alone)", "#DD8452"),
            ("pass_rate", "guarded pass rate (what the user sees)", "#4C72B0"),
            ("fallback_rate", "fallback rate (code replaced a model answer)", "#937860"),
            ("repair_rate", "repair rate (guardrail changed the plan)", "#8C8C8C"))
    names = [m["framework"] for m in metrics]
    x = np.arange(len(names))
    width = 0.2
    fig, ax = plt.subplots(figsize=(max(7, 1.4 * len(names)), 4))
    for i, (key, label, color) in enumerate(keys):
        values = [m.get(key, 0.0) for m in metrics]
        bars = ax.bar(x + (i - 1.5) * width, values, width, label=label, color=color)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=6, padding=1)
    ax.set_xticks(x, names)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("share of scenarios")
    ax.set_title("Raw vs guarded: the agents' own plans and what the checks fixed")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


def plot_costs(metrics: list[dict[str, Any]], path: str | Path | None = None):
    """LLM calls, tokens and wall time per framework, side by side. Returns the figure."""
    import matplotlib.pyplot as plt

    names = [m["framework"] for m in metrics]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, key, label in zip(
        axes, ("mean_llm_calls", "mean_tokens", "mean_wall_s"), ("LLM calls / plan", "tokens / plan", "seconds / plan"),
        strict=True
    ):
        ax.bar(names, [m[key] for m in metrics], color="#4C72B0")
        ax.set_title(label)
        ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


def write_report(metrics: list[dict[str, Any]], out_dir: str | Path, rows: list[dict[str, Any]]
                 | None = None) -> list[Path]:
    """Write ``metrics.json`` (+ per-scenario rows) and the charts under ``out_dir``; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "metrics.json", out / "checks.png", out / "costs.png", out / "raw_vs_guarded.png"]
    payload: dict[str, Any] = {"metrics": metrics}
    if rows is not None:
        payload["scenarios"] = rows
    paths[0].write_text(json.dumps(payload, indent=2), encoding="utf-8")
    plot_check_rates(metrics, paths[1])
    plot_costs(metrics, paths[2])
    plot_raw_vs_guarded(metrics, paths[3])
    return paths
