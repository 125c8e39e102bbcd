"""Showing plans and results: plain-text summaries (CLI), HTML cards and tables (notebooks)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from tutorial_helpers.domain import BirthdayPlan

_ICONS = {"gift": "🎁", "cake": "🎂", "venue": "🏠", "activity": "🎯", "decoration": "🎈", "food": "🍕",
          "experience": "✨"}


def plan_summary(plan: BirthdayPlan) -> str:
    """A readable text summary of a plan (what `plan` prints without --json)."""
    r = plan.request
    lines = []
    who = r.recipient_name or "the birthday person"
    head = f"Birthday plan for {who}"
    if r.recipient_age is not None:
        head += f" ({r.recipient_age})"
    if r.city:
        head += f", {r.city}"
    if r.date:
        head += f", {r.date:%a %d %b %Y}"
    lines.append(head)
    lines.append("=" * len(head))
    if not plan.feasible:
        lines.append("No valid plan is possible:")
        lines += [f"  - {reason}" for reason in plan.reasons or ["(no reason given)"]]
        if plan.violations:
            lines += [f"  ! {v.check}: {v.detail}" for v in plan.violations]
        return "\n".join(lines)
    for it in plan.items:
        qty = f"{it.quantity} x ${it.unit_price:,.2f}" if it.quantity > 1 else f"${it.unit_price:,.2f}"
        name = it.name if len(it.name) <= 42 else it.name[:41] + "…"
        lines.append(f"  {it.category:<11} {name:<42} {qty:>16} = ${it.subtotal:>9,.2f}   [{it.id}]")
    budget = f" of ${r.budget:,.2f}" if r.budget else ""
    lines.append(f"  {'total':<11} {'':<42} {'':>16}   ${plan.total_cost:>9,.2f}{budget}")
    if plan.schedule:
        lines.append("\nSchedule:")
        lines += [f"  {s.time}  {s.what}" for s in plan.schedule]
    if plan.explanation:
        lines.append("\nWhy: " + plan.explanation)
    if plan.warnings:
        lines.append("\nNotes:")
        lines += [f"  - {w}" for w in plan.warnings]
    u = plan.usage
    lines.append(
        f"\n[{plan.framework} | provider {plan.provider} | model {plan.model} | {u.llm_calls} LLM calls, "
        f"{u.tool_calls} tool calls, {u.prompt_tokens + u.completion_tokens} tokens, ${u.cost_usd:.4f}, "
        f"{u.wall_s:.2f}s]"
    )
    return "\n".join(lines)


def plan_html(plan: BirthdayPlan) -> str:
    """The plan as HTML cards (one per item) with the schedule and the checks."""
    e = html.escape
    r = plan.request
    title = f"{e(r.recipient_name or 'Birthday')}{f' ({r.recipient_age})' if r.recipient_age is not None else ''}"
    sub = " · ".join(x for x in [r.city or "", r.date.isoformat() if r.date else "",
                                 f"{r.guests} guests" if r.guests else "",
                                   f"budget ${r.budget:,.0f}" if r.budget else ""] if x)
    if not plan.feasible:
        reasons = "".join(f"<li>{e(x)}</li>" for x in plan.reasons)
        return (f"<div style='border:2px solid #c0392b;border-radius:10px;padding:12px;font-family:sans-serif'>"
                f"<h3 style='margin:0'>No valid plan for {title}</h3>"
                f"<div style='color:#666'>{e(sub)}</div><ul>{reasons}</ul></div>")
    cards = []
    for it in plan.items:
        cards.append(
            "<div style='border:1px solid #ddd;border-radius:10px;padding:10px;width:210px;background:#fafafa'>"
            f"<div style='font-size:26px'>{_ICONS.get(it.category, '•')}</div>"
            f"<div style='font-weight:bold'>{e(it.name)}</div>"
            f"<div style='color:#666;font-size:12px'>{e(it.category)} · <code>{e(it.id)}</code></div>"
            f"<div style='margin-top:4px'>{it.quantity} × ${it.unit_price:,.2f} = <b>${it.subtotal:,.2f}</b></div>"
            f"<div style='font-size:12px;margin-top:4px'>{e(it.why)}</div></div>"
        )
    sched = "".join(f"<tr><td style='padding-right:10px'>{e(s.time)}</td><td>{e(s.what)}</td></tr>"
                    for s in plan.schedule)
    status = "✅ all checks passed" if not plan.violations else f"⚠️ {len(plan.violations)} violations"
    return (
        "<div style='font-family:sans-serif'>"
        f"<h3 style='margin-bottom:0'>🎉 {title}</h3><div style='color:#666'>{e(sub)}</div>"
        f"<div style='display:flex;flex-wrap:wrap;gap:10px;margin:10px 0'>{''.join(cards)}</div>"
        f"<div><b>Total ${plan.total_cost:,.2f}</b> · {status} · {e(plan.framework)} / {e(plan.model)}</div>"
        f"<table style='margin-top:8px'>{sched}</table>"
        f"<p style='font-size:13px'>{e(plan.explanation)}</p></div>"
    )


def show_plan(plan: BirthdayPlan) -> None:
    """Display a plan as HTML cards in a notebook (falls back to text elsewhere)."""
    try:
        from IPython.display import HTML, display

        display(HTML(plan_html(plan)))
    except ImportError:  # pragma: no cover
        print(plan_summary(plan))


def metrics_table(metrics: Iterable[dict[str, Any]]):
    """A pandas DataFrame with one row per framework / strategy and the headline metrics.

    ``raw_pass_rate`` (the agents' own plans) stands beside ``pass_rate`` (after fallbacks and the
    guardrail); ``fallback_rate`` and ``repair_rate`` say how often each safety net acted.
    """
    import pandas as pd

    rows = []
    for m in metrics:
        row = {k: m.get(k) for k in ("framework", "model", "n", "raw_pass_rate", "pass_rate", "fallback_rate",
                                     "repair_rate", "grounded_rate", "mean_llm_calls", "mean_tool_calls",
                                     "mean_tokens", "mean_cost_usd", "mean_wall_s")}
        row.update({f"check:{k}": v for k, v in m.get("checks", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows).set_index("framework")


def raw_guarded_table(result: Any):
    """One row per scenario: the team's own verdict (raw) beside the guarded one, and what code did.

    Args:
        result: an :class:`~tutorial_helpers.evaluation.harness.EvaluationResult`.

    Returns:
        A pandas DataFrame indexed by scenario id with ``raw passed``, ``guarded passed``,
        ``repaired`` (the guardrail changed the plan), ``pre-check`` (refused before any model call)
        and ``fallbacks`` (where code replaced a model answer).
    """
    import pandas as pd

    rows = []
    for r in result.results:
        raw = (r.plan or {}).get("raw") or {}
        rows.append({"id": r.id, "raw passed": r.raw_passed, "guarded passed": r.passed, "repaired": r.repaired,
                     "pre-check": r.prechecked, "fallbacks": "; ".join(raw.get("fallbacks", [])),
                     "violations in the team's plan": "; ".join(raw.get("violations", []))})
    return pd.DataFrame(rows).set_index("id")


def raw_guarded_summary(metrics: dict[str, Any]) -> str:
    """One sentence with the recorded raw and guarded figures of one evaluation."""
    return (f"{metrics['framework']}: raw pass rate {metrics['raw_pass_rate']:.0%} (the agents' own plans) vs "
            f"guarded {metrics['pass_rate']:.0%} (after fallbacks and the guardrail); code replaced a model answer "
            f"in {metrics['fallback_rate']:.0%} of the runs, the guardrail changed {metrics['repair_rate']:.0%} of "
            f"the plans, and the pre-check answered {metrics['precheck_rate']:.0%} without any model call.")


def agent_graph(nodes: list[str], edges: list[tuple[str, str] | tuple[str, str, str]], title: str = "",
                path: str | None = None):
    """Draw an agent topology with matplotlib (no network, no graphviz): nodes left to right by depth.

    Args:
        nodes: agent names.
        edges: ``(source, target)`` or ``(source, target, label)``.
        title: figure title.
        path: save the PNG there as well (optional).

    Returns:
        The matplotlib figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    names = list(dict.fromkeys([*nodes, *(e[0] for e in edges), *(e[1] for e in edges)]))
    succ: dict[str, list[str]] = {n: [] for n in names}
    indeg = dict.fromkeys(names, 0)
    for e in edges:
        succ[e[0]].append(e[1])
        indeg[e[1]] += 1
    depth = {n: 0 for n in names}
    roots = [n for n in names if indeg[n] == 0] or names[:1]
    frontier, seen = list(roots), set(roots)
    while frontier:  # BFS layering; back edges (loops) do not push nodes further
        nxt = []
        for n in frontier:
            for m in succ[n]:
                if m not in seen:
                    depth[m] = depth[n] + 1
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
    layers: dict[int, list[str]] = {}
    for n in names:
        layers.setdefault(depth[n], []).append(n)
    pos = {}
    for d, layer in layers.items():
        for i, n in enumerate(layer):
            pos[n] = (d * 2.2, (len(layer) - 1) / 2 - i)
    width = max(6.0, 2.3 * len(layers))
    height = max(2.5, 1.1 * max(len(v) for v in layers.values()))
    fig, ax = plt.subplots(figsize=(width, height))
    for e in edges:
        (x0, y0), (x1, y1) = pos[e[0]], pos[e[1]]
        back = depth[e[1]] <= depth[e[0]]
        arrow = FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14, color="#555",
                                connectionstyle="arc3,rad=0.35" if back else "arc3,rad=0.0", shrinkA=28, shrinkB=28,
                                linestyle="--" if back else "-")
        ax.add_patch(arrow)
        if len(e) > 2 and e[2]:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + (0.25 if back else 0.08), e[2], fontsize=7, ha="center",
                    color="#333")
    for n, (x, y) in pos.items():
        ax.text(x, y, n, ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round,pad=0.45", "fc": "#E8F0FE", "ec": "#4C72B0"})
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=110)
    return fig
