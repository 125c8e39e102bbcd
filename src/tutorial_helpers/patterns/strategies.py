"""From one-shot prompting to an agent team: six strategies behind one interface (notebook 01).

Every strategy takes the same request text and returns a :class:`StrategyResult`: the plan *as the
strategy produced it* (no repairing guardrail), the model's raw text, and what it cost::

    from tutorial_helpers.patterns.strategies import run_strategy
    res = run_strategy("one_shot", text, request)
    res.plan, res.calls, res.usage.cost_usd

The six strategies, from least to most structure:

* ``one_shot`` — one prompt, one answer in plain text; the text is parsed into plan lines.
* ``chain_of_thought`` — the same, asking the model to reason first (constraints, then arithmetic).
* ``self_refine`` — one-shot, then the model critiques its own draft and rewrites it once.
* ``prompt_chaining`` — a fixed chain of three prompts: extract the request (structured output),
  list candidates, select one per category (structured output). Code runs between the steps.
* ``single_agent`` — one tool-using agent (catalog and budget tools), then a structured final answer.
* ``multi_agent`` — the native team of :mod:`tutorial_helpers.planning.native` (extractor,
  retriever, selector, critic, explainer).

The three *prompting* strategies send the text straight to the model. The three *pipeline*
strategies have code around the model calls, and that code runs the deterministic feasibility
pre-check of :func:`tutorial_helpers.planning.reference.check_feasibility` first (as
:func:`tutorial_helpers.planners.plan_text` does): a plan for an impossible request (a city we do not
serve, a budget below the cheapest valid plan) is never attempted.

Anything a text answer names that the catalog lacks becomes an *ungrounded* plan line (see
:func:`parse_plan_text`), so the ``grounded`` check fails honestly instead of the item vanishing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tutorial_helpers import clock, prompts
from tutorial_helpers.catalog.ids import ITEM_ID
from tutorial_helpers.domain import CATEGORIES, BirthdayPlan, BirthdayRequest, CatalogItem, PlanItem, Usage

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from tutorial_helpers.evaluation.scenarios import Scenario
    from tutorial_helpers.llm.providers import Provider

Tier = Literal["small", "large"]

#: the strategies, from least to most structure
STRATEGIES: tuple[str, ...] = (
    "one_shot", "chain_of_thought", "self_refine", "prompt_chaining", "single_agent", "multi_agent",
)
#: the model tier each strategy uses by default: the prompting strategies run on the cheap tier,
#: the agents on the large one (what a team would deploy); pass ``tier=`` to change it
DEFAULT_TIERS: dict[str, Tier] = {
    "one_shot": "small", "chain_of_thought": "small", "self_refine": "small", "prompt_chaining": "small",
    "single_agent": "large", "multi_agent": "large",
}
#: strategies that have code around the model calls (and run the feasibility pre-check)
PIPELINES: frozenset[str] = frozenset({"prompt_chaining", "single_agent", "multi_agent"})

# the prompts of the strategies live with every other prompt (tutorial_helpers.prompts)
ONE_SHOT, CHAIN_OF_THOUGHT, REWRITE = prompts.ONE_SHOT, prompts.CHAIN_OF_THOUGHT, prompts.REWRITE
CANDIDATES, SINGLE_AGENT, FINAL_ANSWER = prompts.CANDIDATES, prompts.TOOL_AGENT, prompts.FINAL_ANSWER

#: a catalog item id: category, optional city code, four digits ("cake-aus-0042", "gift-0193")
_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*\**(" + "|".join(CATEGORIES) + r")s?\**\s*[:\-–—]\s*(.+)$", re.I)
_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")
_TOTAL = re.compile(r"\btotal\b[^$\n]{0,20}\$\s?(\d[\d,]*(?:\.\d+)?)", re.I)


@dataclass
class StrategyResult:
    """What one strategy produced for one request.

    Attributes:
        name: the strategy ("one_shot", ...).
        plan: the plan as the strategy produced it, *not* repaired (``None`` only if nothing came back).
        raw_text: the model's final text (for text strategies) or a short description of the run.
        usage: LLM calls, tool calls, tokens, cost and seconds of the whole strategy.
        calls: LLM calls (the same as ``usage.llm_calls``).
        notes: what happened along the way (pre-check refusals, ignored ids, critic verdicts).
        model: the model the strategy called (its tier's model).
        steps: one line per step, for display (``"critic: Problems found ..."``).
    """

    name: str
    plan: BirthdayPlan | None
    raw_text: str
    usage: Usage
    calls: int
    notes: list[str] = field(default_factory=list)
    model: str = ""
    steps: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing text answers into plans
# ---------------------------------------------------------------------------------------------


def _money(s: str) -> float:
    return float(s.replace(",", ""))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "item"


def _find_by_name(line: str, catalog: Any, category: str | None) -> CatalogItem | None:
    """The catalog item whose exact name appears in ``line`` (longest name wins)."""
    low = line.lower()
    best: CatalogItem | None = None
    pool = catalog.filter(category=category) if category else catalog.items
    for item in pool:
        name = item.name.lower()
        if name in low and (best is None or len(name) > len(best.name)):
            best = item
    return best


def parse_plan_text(text: str, request: BirthdayRequest, catalog: Any = None) -> tuple[BirthdayPlan, list[str]]:
    """Turn a plan written as text into a :class:`BirthdayPlan`, keeping what the model said.

    Each line that starts with a category ("- cake: ...") becomes a plan line. An item found in the
    catalog by id (or, failing that, by its exact name) becomes that catalog item; the quantity is
    what the stated price implies, else what the guest count implies. A line naming nothing the
    catalog holds becomes an **ungrounded** line (id ``invented-...``, the stated price): it stays in
    the plan so that the guardrail's ``grounded`` check reports it. A stated "Total: $X" is kept as
    the plan's total, so wrong arithmetic shows up in the ``budget`` check.

    Args:
        text: the model's answer.
        request: the request (for the guest count and the plan's ``request`` field).
        catalog: the catalog (default: the shipped one).

    Returns:
        ``(plan, notes)``: the plan, and one note per ungrounded line.

    >>> from tutorial_helpers.domain import BirthdayRequest
    >>> plan, notes = parse_plan_text("- cake: Custom T-Rex cake from Rosie's Bakery, $85", BirthdayRequest(guests=10))
    >>> plan.items[0].id, plan.items[0].subtotal, len(notes)
    ('invented-custom-t-rex-cake-from-rosie-s-bakery', 85.0, 1)
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    from tutorial_helpers.planning.reference import effective_guests

    guests = effective_guests(request)
    plan = BirthdayPlan(feasible=True, request=request, framework="parsed text")
    notes: list[str] = []
    for raw in (text or "").splitlines():
        m = _LINE.match(raw)
        if not m:
            continue
        category, rest = m.group(1).lower(), m.group(2).strip()
        if category in {p.category for p in plan.items}:
            continue
        prices = [_money(x) for x in _MONEY.findall(rest)]
        stated = prices[-1] if prices else None
        ids = ITEM_ID.findall(rest)
        item = next((catalog.get(i) for i in ids if catalog.get(i) is not None), None)
        if item is None and not ids:
            item = _find_by_name(rest, catalog, category)
        if item is not None:
            quantity = None
            if stated is not None and item.price > 0:
                q = stated / item.price
                if abs(q - round(q)) < 0.01 and round(q) >= 1:
                    quantity = int(round(q))
            plan.items.append(PlanItem.from_item(item, guests, quantity=quantity))
            continue
        name = re.sub(r"\s*[,(]?\s*\$\s?\d[\d,.]*\)?.*$", "", rest).strip(" ,.;-") or rest
        name = ITEM_ID.sub("", name).strip(" ,.;-") or name
        price = stated or 0.0
        fake_id = ids[0] if ids else f"invented-{_slug(name)}"
        plan.items.append(PlanItem(id=fake_id, category=category, name=name[:80], unit_price=price, pricing="flat",
                                   quantity=1, subtotal=round(price, 2), why="named by the model"))
        notes.append(f"{category}: {name[:60]!r} is not in the catalog (kept as an ungrounded line).")
    plan.recompute_total()
    total = _TOTAL.search(text or "")
    if total:
        plan.total_cost = round(_money(total.group(1)), 2)
    if not plan.items:
        plan.feasible = False
        plan.reasons = ["The answer named no plan items."]
    return plan, notes


# ---------------------------------------------------------------------------------------------
# The strategies
# ---------------------------------------------------------------------------------------------


class _Run:
    """Shared plumbing of one strategy run: client, model, meter, steps, notes."""

    def __init__(self, name: str, provider: Provider, tier: Tier, seed: int, catalog: Any) -> None:
        from tutorial_helpers.llm import UsageMeter, openai_client

        self.name = name
        self.provider = provider
        self.model = provider.model_for(tier)
        self.seed = seed
        self.catalog = catalog
        self.meter = UsageMeter(name)
        self.client = openai_client(provider, meter=self.meter)
        self.steps: list[str] = []
        self.notes: list[str] = []

    def chat(self, step: str, messages: list[dict[str, Any]], **kw: Any) -> str:
        with self.meter.agent(step):
            resp = self.client.chat.completions.create(model=self.model, messages=messages, seed=self.seed, **kw)
        text = resp.choices[0].message.content or ""
        self.steps.append(f"{step}: {text[:200]}")
        return text

    def parse(self, step: str, messages: list[dict[str, Any]], schema: type) -> Any:
        """A structured call; ``None`` (with a note) when the answer does not parse or is a refusal."""
        import openai
        from pydantic import ValidationError

        try:
            with self.meter.agent(step):
                resp = self.client.chat.completions.parse(model=self.model, messages=messages, response_format=schema,
                                                          seed=self.seed)
        except (openai.OpenAIError, ValidationError, ValueError) as exc:  # malformed JSON, a schema break
            self.notes.append(f"The {step} step's answer did not parse ({type(exc).__name__}).")
            self.steps.append(f"{step}: (nothing parsed)")
            return None
        parsed = resp.choices[0].message.parsed
        if parsed is None and resp.choices[0].message.refusal:
            self.notes.append(f"The model refused the {step} step.")
        self.steps.append(f"{step}: {parsed.model_dump_json()[:200] if parsed is not None else '(nothing parsed)'}")
        return parsed

    def result(self, plan: BirthdayPlan | None, raw_text: str, t0: float) -> StrategyResult:
        usage = self.meter.summary()
        usage.wall_s = round(time.perf_counter() - t0, 4)
        if plan is not None:
            plan.framework, plan.provider, plan.model = f"strategy:{self.name}", self.provider.name, self.model
            plan.usage = usage
            plan.warnings = list(dict.fromkeys([*plan.warnings, *self.notes]))
        return StrategyResult(name=self.name, plan=plan, raw_text=raw_text, usage=usage, calls=usage.llm_calls,
                              notes=list(self.notes), model=self.model, steps=list(self.steps))


def precheck(text: str, request: BirthdayRequest, catalog: Any) -> list[str]:
    """The deterministic feasibility pre-check the pipeline strategies run first (empty: go ahead)."""
    from tutorial_helpers.extraction import extract_request
    from tutorial_helpers.planning.reference import check_feasibility

    unknown_city = None
    if request.today is not None:
        unknown_city = extract_request(text, request.today).unknown_city
    return check_feasibility(request, catalog, unknown_city=unknown_city)


def _infeasible(request: BirthdayRequest, reasons: list[str]) -> BirthdayPlan:
    return BirthdayPlan(feasible=False, request=request, reasons=reasons, explanation=" ".join(reasons))


def _text_plan(run: _Run, text: str, request: BirthdayRequest, system: str) -> tuple[list[dict[str, Any]], str]:
    messages = [{"role": "system", "content": prompts.render(system)}, {"role": "user", "content": text}]
    return messages, run.chat("planner", messages)


def _one_shot(run: _Run, text: str, request: BirthdayRequest, system: str = ONE_SHOT) -> StrategyResult:
    t0 = time.perf_counter()
    _, answer = _text_plan(run, text, request, system)
    plan, notes = parse_plan_text(answer, request, run.catalog)
    run.notes += notes
    return run.result(plan, answer, t0)


def _self_refine(run: _Run, text: str, request: BirthdayRequest) -> StrategyResult:
    t0 = time.perf_counter()
    messages, draft = _text_plan(run, text, request, ONE_SHOT)
    verdict = run.chat("critic", [
        {"role": "system", "content": prompts.render(prompts.CRITIC, request=text, plan=draft)},
        {"role": "user", "content": "Review the plan."},
    ])
    if verdict.strip().upper().startswith("APPROVED"):
        run.notes.append("The self-critique approved the draft; no rewrite.")
        answer = draft
    else:
        problems = "\n".join(line for line in verdict.splitlines() if line.strip().startswith("-")) or verdict
        answer = run.chat("rewrite", [*messages, {"role": "assistant", "content": draft},
                                      {"role": "user", "content": REWRITE.format(problems=problems)}])
    plan, notes = parse_plan_text(answer, request, run.catalog)
    run.notes += notes
    return run.result(plan, answer, t0)


def _prompt_chaining(run: _Run, text: str, request: BirthdayRequest) -> StrategyResult:
    from tutorial_helpers.planning.pipeline import (
        ExtractedRequest,
        Selection,
        merge_requests,
        options_text,
        plan_categories,
        plan_from_choices,
    )

    t0 = time.perf_counter()
    reasons = precheck(text, request, run.catalog)
    if reasons:
        run.notes.append("Pre-check: no plan can satisfy this request.")
        return run.result(_infeasible(request, reasons), "", t0)
    # 1. extract (structured output), merged with the validated request like the agent team does
    extracted = run.parse("extract", [
        {"role": "system", "content": prompts.render(prompts.EXTRACTOR)},
        {"role": "user", "content": text},
    ], ExtractedRequest)
    understood, merge_notes = merge_requests(request, extracted) if extracted is not None else (request, [])
    run.notes += merge_notes
    categories = plan_categories(understood)
    # 2. candidates from a prompt (no tools): the code keeps only ids the catalog holds
    known = json.dumps(understood.model_dump(mode="json", exclude_defaults=True, exclude={"today"}))
    listing = run.chat("candidates", [
        {"role": "system", "content": prompts.render(CANDIDATES, k=5, categories=", ".join(categories),
                                                        known=known)},
        {"role": "user", "content": text},
    ])
    candidates: dict[str, list[CatalogItem]] = {c: [] for c in categories}
    for item_id in dict.fromkeys(ITEM_ID.findall(listing)):
        item = run.catalog.get(item_id)
        if item is None:
            run.notes.append(f"The candidate step named {item_id!r}, which is not in the catalog; dropped.")
        elif item.category in candidates:
            candidates[item.category].append(item)
    # 3. select (structured output) among the listed options
    system = prompts.render(prompts.SELECTOR, budget=understood.budget, guests=understood.guests or 10,
                                     options=options_text(understood, candidates))
    selection = run.parse("select", [{"role": "system", "content": system},
                                     {"role": "user", "content": f"Request: {known}\nChoose the plan."}], Selection)
    plan = plan_from_choices(understood, selection.choices if selection else [], candidates, run.catalog, run.notes)
    plan.request = request
    return run.result(plan, listing, t0)


def _single_agent(run: _Run, text: str, request: BirthdayRequest) -> StrategyResult:
    from tutorial_helpers.planning.pipeline import Selection, plan_categories
    from tutorial_helpers.tools.loop import run_tool_loop

    t0 = time.perf_counter()
    reasons = precheck(text, request, run.catalog)
    if reasons:
        run.notes.append("Pre-check: no plan can satisfy this request.")
        return run.result(_infeasible(request, reasons), "", t0)
    categories = plan_categories(request)
    known = json.dumps(request.model_dump(mode="json", exclude_defaults=True, exclude={"today"}))
    messages = [
        {"role": "system", "content": prompts.render(SINGLE_AGENT, categories=", ".join(categories))},
        {"role": "user", "content": f"{text}\n\nKnown constraints: {known}"},
    ]
    with run.meter.agent("agent"):
        loop = run_tool_loop(run.client, run.model, messages, tools=["catalog", "budget"], max_turns=6, seed=run.seed)
    for s in loop.steps:
        run.steps.append(f"agent: tool {s.tool}({s.arguments[:80]}) -> {len(s.ids)} ids" + ("" if s.ok else " (error)"))
    final = run.parse("final answer", [*loop.messages, {"role": "user", "content": FINAL_ANSWER}], Selection)
    seen = loop.tool_ids
    from tutorial_helpers.planning.reference import effective_guests, why_item

    plan = BirthdayPlan(feasible=True, request=request)
    for ch in final.choices if final else []:
        item = run.catalog.get(ch.item_id)
        if item is None:
            run.notes.append(
                f"The agent chose {ch.item_id!r}, which is not in the catalog (kept as an ungrounded line).")
            plan.items.append(PlanItem(id=ch.item_id, category=ch.category if ch.category in CATEGORIES else "gift",
                                       name=ch.item_id, unit_price=0.0, pricing="flat", quantity=1, subtotal=0.0))
            continue
        if ch.item_id not in seen:
            run.notes.append(f"The agent chose {ch.item_id}, which no tool returned.")
        if item.category not in {p.category for p in plan.items}:
            plan.items.append(PlanItem.from_item(item, effective_guests(request), why=why_item(item, request)))
    plan.recompute_total()
    if not plan.items:
        plan.feasible, plan.reasons = False, ["The agent chose no items."]
    return run.result(plan, loop.answer, t0)


def _multi_agent(run: _Run, text: str, request: BirthdayRequest) -> StrategyResult:
    from tutorial_helpers.planning.native import NativeTeam

    t0 = time.perf_counter()
    reasons = precheck(text, request, run.catalog)
    if reasons:
        run.notes.append("Pre-check: no plan can satisfy this request.")
        return run.result(_infeasible(request, reasons), "", t0)
    team = NativeTeam(provider=run.provider, seed=run.seed, catalog=run.catalog,
                         model_for_agent=lambda _agent: run.model)
    with run.meter.active():
        out = team.run(text, request)
    run.steps += [f"{s.agent}: {s.action} {s.detail[:160]}" for s in out.trace]
    run.notes += out.plan.warnings
    plan = out.plan.model_copy(deep=True)
    return run.result(plan, plan.explanation, t0)


@clock.on_request_day
def run_strategy(
    name: str,
    text: str,
    request: BirthdayRequest,
    provider: str | Provider | None = None,
    seed: int = 0,
    *,
    tier: Tier | None = None,
    catalog: Any = None,
) -> StrategyResult:
    """Run one of the six strategies on a request and return what it produced, unrepaired.

    Args:
        name: one of :data:`STRATEGIES`.
        text: the request as the person wrote it.
        request: the same request as the shared extractor reads it (``planners.parse_text``); the
            prompting strategies only use it for the guest count and to label the plan, the pipeline
            strategies use it as the validated constraints.
        provider: provider name or :class:`~tutorial_helpers.llm.Provider` (default: from settings).
        seed: passed to every model call.
        tier: "small" or "large" (default: :data:`DEFAULT_TIERS`).
        catalog: the catalog (default: the shipped one).

    Returns:
        A :class:`StrategyResult`; score its ``plan`` with
        :func:`tutorial_helpers.evaluation.score_plan`, or repair it with
        :func:`tutorial_helpers.planning.guardrail.guard`.

    Raises:
        ValueError: for an unknown strategy name.
    """
    if name not in STRATEGIES:
        raise ValueError(f"Unknown strategy {name!r}: choose one of {', '.join(STRATEGIES)}.")
    from tutorial_helpers.llm import get_provider

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    run = _Run(name, get_provider(provider), tier or DEFAULT_TIERS[name], seed, catalog)
    if name == "one_shot":
        return _one_shot(run, text, request)
    if name == "chain_of_thought":
        return _one_shot(run, text, request, CHAIN_OF_THOUGHT)
    if name == "self_refine":
        return _self_refine(run, text, request)
    if name == "prompt_chaining":
        return _prompt_chaining(run, text, request)
    if name == "single_agent":
        return _single_agent(run, text, request)
    return _multi_agent(run, text, request)


# ---------------------------------------------------------------------------------------------
# Scoring over scenarios
# ---------------------------------------------------------------------------------------------


def compare_strategies(
    scenarios: list[Scenario],
    names: tuple[str, ...] | list[str] = STRATEGIES,
    provider: str | Provider | None = None,
    seed: int = 0,
    *,
    tiers: dict[str, Tier] | None = None,
    repair: bool = False,
    catalog: Any = None,
    label: str | None = None,
) -> list[dict[str, Any]]:
    """Run strategies over scenarios and score every plan with the evaluation harness.

    Args:
        scenarios: from :func:`tutorial_helpers.evaluation.load_scenarios`.
        names: the strategies to run.
        provider: the provider (default: from settings).
        seed: passed to every model call.
        tiers: tier per strategy (default :data:`DEFAULT_TIERS`).
        repair: apply the guardrail (:func:`~tutorial_helpers.planning.guardrail.guard`) before scoring.
        catalog: the catalog (default: the shipped one).
        label: a suffix for the strategy column ("one_shot (large)").

    Returns:
        One row per (strategy, scenario): ``strategy, scenario, tier, passed, checks (dict),
        failures (list), llm_calls, tool_calls, tokens, cost_usd, wall_s, notes, result, plan`` (``plan``: the
        plan that was scored).
    """
    from tutorial_helpers.evaluation import score_plan
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.guardrail import guard

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    tiers = {**DEFAULT_TIERS, **(tiers or {})}
    rows: list[dict[str, Any]] = []
    for name in names:
        for sc in scenarios:
            request, _unknown = parse_text(sc.request, sc.today)
            res = run_strategy(name, sc.request, request, provider, seed, tier=tiers[name], catalog=catalog)
            plan = res.plan or BirthdayPlan(feasible=False, request=request, reasons=["no plan came back"])
            if repair:
                plan = guard(plan, request, catalog)
            checks, failures = score_plan(plan, sc, catalog)
            rows.append({
                "strategy": name + (f" ({label})" if label else ""), "scenario": sc.id, "tier": tiers[name],
                "passed": all(checks.values()), "checks": checks, "failures": failures,
                "llm_calls": res.usage.llm_calls, "tool_calls": res.usage.tool_calls,
                "tokens": res.usage.prompt_tokens + res.usage.completion_tokens, "cost_usd": res.usage.cost_usd,
                "wall_s": res.usage.wall_s, "notes": res.notes, "result": res, "plan": plan,
            })
    return rows


def rescore(rows: list[dict[str, Any]], scenarios: list[Scenario], *, repair: bool = True,
            catalog: Any = None) -> list[dict[str, Any]]:
    """Score the plans of :func:`compare_strategies` again, repaired by the guardrail (no new model calls).

    Args:
        rows: rows from :func:`compare_strategies`.
        scenarios: the same scenarios.
        repair: apply :func:`~tutorial_helpers.planning.guardrail.guard` before scoring.
        catalog: the catalog (default: the shipped one).

    Returns:
        New rows with the same keys; ``checks``, ``failures`` and ``passed`` are those of the repaired plans.
    """
    from tutorial_helpers.evaluation import score_plan
    from tutorial_helpers.planners import parse_text
    from tutorial_helpers.planning.guardrail import guard

    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    by_id = {sc.id: sc for sc in scenarios}
    out = []
    for row in rows:
        sc = by_id[row["scenario"]]
        request, _unknown = parse_text(sc.request, sc.today)
        res: StrategyResult = row["result"]
        plan = res.plan or BirthdayPlan(feasible=False, request=request, reasons=["no plan came back"])
        if repair:
            plan = guard(plan, request, catalog)
        checks, failures = score_plan(plan, sc, catalog)
        out.append({**row, "checks": checks, "failures": failures, "passed": all(checks.values()), "plan": plan})
    return out


def summary_table(rows: list[dict[str, Any]]) -> pandas.DataFrame:
    """One row per strategy: pass rate, grounded rate, violations, mean LLM calls, tokens, cost and seconds."""
    import pandas as pd

    df = pd.DataFrame(rows)
    out = df.groupby("strategy", sort=False).agg(
        tier=("tier", "first"),
        pass_rate=("passed", "mean"),
        grounded=("checks", lambda s: sum(c.get("grounded", False) for c in s) / len(s)),
        violations=("failures", lambda s: sum(len(f) for f in s)),
        llm_calls=("llm_calls", "mean"),
        tool_calls=("tool_calls", "mean"),
        tokens=("tokens", "mean"),
        cost_usd=("cost_usd", "mean"),
        wall_s=("wall_s", "mean"),
    )
    return out.round({"pass_rate": 3, "grounded": 3, "llm_calls": 2, "tool_calls": 2, "tokens": 0, "cost_usd": 6,
                      "wall_s": 3})


def check_table(rows: list[dict[str, Any]]) -> pandas.DataFrame:
    """Pass rate per check (columns) and strategy (rows)."""
    import pandas as pd

    df = pd.DataFrame([{"strategy": r["strategy"], **{k: float(v) for k, v in r["checks"].items()}} for r in rows])
    return df.groupby("strategy", sort=False).mean().astype(float).round(3)


__all__ = [
    "DEFAULT_TIERS", "PIPELINES", "STRATEGIES", "StrategyResult", "check_table", "compare_strategies",
    "parse_plan_text", "precheck", "rescore", "run_strategy", "summary_table",
]
