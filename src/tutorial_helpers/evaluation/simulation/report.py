"""Charts and a report folder for simulation results (matplotlib, headless)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def plot_simulation(metrics: list[dict[str, Any]], path: str | Path | None = None) -> Any:
    """Success rate, mean turns, LLM calls and acts per recommender, side by side. Returns the figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    names = [m["recommender"] for m in metrics]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    axes[0].bar(names, [m["success_rate"] for m in metrics], color="#4C72B0")
    axes[0].set_ylim(0, 1.05)
    axes[0].set_title("success rate")
    axes[1].bar(names, [m["mean_turns"] for m in metrics], color="#55A868")
    axes[1].set_title("assistant turns / conversation")
    axes[2].bar(names, [m["mean_llm_calls"] for m in metrics], color="#C44E52")
    axes[2].set_title("LLM calls / conversation")
    bottom = [0.0] * len(names)
    for act, color in (("ask", "#8172B2"), ("chitchat", "#CCB974"), ("recommend", "#64B5CD")):
        vals = [m["acts"].get(act, 0) / max(1, m["n"]) for m in metrics]
        axes[3].bar(names, vals, bottom=bottom, label=act, color=color)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    axes[3].set_title("acts / conversation")
    axes[3].legend(fontsize=8)
    for ax in axes:
        ax.tick_params(axis="x", rotation=35)
        for lab in ax.get_xticklabels():
            lab.set_ha("right")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig


def write_simulation_report(results: list[dict[str, Any]], out_dir: str | Path) -> list[Path]:
    """Write ``simulation.json`` (with transcripts) and ``simulation.png`` under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "simulation.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str),
                                         encoding="utf-8")
    metrics = [{k: v for k, v in r.items() if k != "conversations"} for r in results]
    plot_simulation(metrics, out / "simulation.png")
    return [out / "simulation.json", out / "simulation.png"]
