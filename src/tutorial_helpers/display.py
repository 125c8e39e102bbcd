"""Showing plans and results: plain-text summaries (CLI), HTML cards and tables (notebooks)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from tutorial_helpers.domain import BirthdayPlan

_ICONS = {"gift": "🎁", "cake": "🎂", "venue": "🏠", "activity": "🎯", "decoration": "🎈", "food": "🍕", "experience": "✨"}


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
        lines.append(f"  {it.category:<11} {it.name:<42} {qty:>16} = ${it.subtotal:>9,.2f}   [{it.id}]")
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
        f"{u.tool_calls} tool calls, {u.prompt_tokens + u.completion_tokens} tokens, ${u.cost_usd:.4f}, {u.wall_s:.2f}s]"
    )
    return "\n".join(lines)


def plan_html(plan: BirthdayPlan) -> str:
    """The plan as HTML cards (one per item) with the schedule and the checks."""
    e = html.escape
    r = plan.request
    title = f"{e(r.recipient_name or 'Birthday')}{f' ({r.recipient_age})' if r.recipient_age is not None else ''}"
    sub = " · ".join(x for x in [r.city or "", r.date.isoformat() if r.date else "", f"{r.guests} guests" if r.guests else "",
                                   f"budget ${r.budget:,.0f}" if r.budget else ""] if x)
    if not plan.feasible:
        reasons = "".join(f"<li>{e(x)}</li>" for x in plan.reasons)
        return (f"<div style='border:2px solid #c0392b;border-radius:10px;padding:12px;font-family:sans-serif'>"
                f"<h3 style='margin:0'>No valid plan for {title}</h3><div style='color:#666'>{e(sub)}</div><ul>{reasons}</ul></div>")
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
    sched = "".join(f"<tr><td style='padding-right:10px'>{e(s.time)}</td><td>{e(s.what)}</td></tr>" for s in plan.schedule)
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
    """A pandas DataFrame with one row per framework / strategy and the headline metrics."""
    import pandas as pd

    rows = []
    for m in metrics:
        row = {k: m.get(k) for k in ("framework", "model", "n", "pass_rate", "grounded_rate", "mean_llm_calls",
                                     "mean_tool_calls", "mean_tokens", "mean_cost_usd", "mean_wall_s")}
        row.update({f"check:{k}": v for k, v in m.get("checks", {}).items()})
        rows.append(row)
    return pd.DataFrame(rows).set_index("framework")
