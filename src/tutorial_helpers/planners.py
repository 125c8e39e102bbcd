"""One front door for every planner: text in, a checked BirthdayPlan out.

``plan_text(text, framework=...)`` does what every framework shares, so that they differ in
orchestration only:

1. parse and validate the request with the shared extractor (bad input -> ``InputError``);
2. the deterministic feasibility pre-check (unsupported city, budget below the cheapest valid plan,
   no venue big enough) -> ``feasible: false`` with reasons, before any model is called;
3. the framework's own planner (reference, native, ag2, langgraph, crewai, adk);
4. the guardrail (:func:`tutorial_helpers.planning.guardrail.guard`) against the validated request.

The plan keeps what the team produced before step 4 (``plan.raw``: its items, the violations found in
them, the fallbacks where code replaced a model answer, whether the guardrail changed it), so an
evaluation can report the agents' own figure beside the guarded one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from tutorial_helpers import clock
from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, InputError, RawOutcome
from tutorial_helpers.llm.usage import UsageMeter
from tutorial_helpers.planning.audit import auditing

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

#: framework name -> "module:function" implementing :class:`Planner`
FRAMEWORKS: dict[str, str] = {
    "reference": "tutorial_helpers.planners:reference_planner",
    "native": "tutorial_helpers.planning.native:plan",
    "ag2": "tutorial_helpers.frameworks.ag2_team:plan",
    "langgraph": "tutorial_helpers.frameworks.langgraph_team:plan",
    "crewai": "tutorial_helpers.frameworks.crewai_team:plan",
    "adk": "tutorial_helpers.frameworks.adk_team:plan",
}


class Planner(Protocol):
    """What every framework implementation provides."""

    def __call__(self, text: str, request: BirthdayRequest, *, provider: str | None = None,
                 seed: int = 0) -> BirthdayPlan: ...


def reference_planner(text: str, request: BirthdayRequest, *, provider: str | None = None,
                      seed: int = 0) -> BirthdayPlan:
    """The non-LLM planner behind the same interface as the agent teams."""
    from tutorial_helpers.planning.reference import plan_request
    from tutorial_helpers.tools.state import get_catalog

    return plan_request(request, get_catalog())


def get_planner(framework: str) -> Planner:
    """Import and return the planner of ``framework`` (frameworks load only when asked for)."""
    if framework not in FRAMEWORKS:
        raise InputError(f"Unknown framework {framework!r}: choose one of {', '.join(FRAMEWORKS)}.")
    require_framework(framework)
    module_name, func = FRAMEWORKS[framework].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise InputError(_not_installed(framework, exc.name)) from None
    return getattr(module, func)


#: the optional extra of each framework and the packages it brings (``pip install "tutorial-helpers[extra]"``)
FRAMEWORK_EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ag2": ("ag2", ("autogen",)),
    "langgraph": ("langgraph", ("langgraph", "langchain_openai")),
    "crewai": ("crewai", ("crewai",)),
    "adk": ("adk", ("google.adk", "litellm")),
}


def _not_installed(framework: str, module: str | None) -> str:
    extra = FRAMEWORK_EXTRAS.get(framework, (framework, ()))[0]
    return (f"The {framework} framework is not installed here ({module or 'a package'} is missing): run "
            f"`pip install \"tutorial-helpers[{extra}]\"` (or `make venv` in a clone).")


def require_framework(framework: str) -> None:
    """Raise ``InputError`` with the install command when ``framework``'s optional extra is missing.

    Looks the packages up without importing them, so the check is fast and a missing extra is a
    configuration error before any model is called, not an internal error half-way through a run.
    """
    import importlib.util

    for module in FRAMEWORK_EXTRAS.get(framework, ("", ()))[1]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a parent package missing, or a module blocked in sys.modules
            found = False
        if not found:
            raise InputError(_not_installed(framework, module))


def parse_text(text: str, today: dt.date) -> tuple[BirthdayRequest, str | None]:
    """The front door (:func:`tutorial_helpers.extraction.read_request`): the request and any unknown city."""
    from tutorial_helpers.extraction import read_request

    ex = read_request(text, today)
    assert ex.request is not None
    return ex.request, ex.unknown_city


def raw_outcome(team_plan: BirthdayPlan, final: BirthdayPlan, request: BirthdayRequest, catalog: Catalog,
                fallbacks: list[str], calls_without_today: int = 0) -> RawOutcome:
    """What the team produced before the guardrail, and whether the guardrail or code changed it."""
    from tutorial_helpers.planning.guardrail import validate_plan

    found = validate_plan(team_plan, request, catalog) if team_plan.feasible else []

    def shape(p: BirthdayPlan) -> tuple:
        return p.feasible, sorted((i.id, i.quantity) for i in p.items), round(p.total_cost, 2)

    return RawOutcome(
        item_ids=team_plan.item_ids(), total_cost=team_plan.total_cost, feasible=team_plan.feasible,
        violations=[f"{v.check}: {v.detail}" for v in found], fallbacks=fallbacks,
        repaired=shape(team_plan) != shape(final), calls_without_today=calls_without_today,
    )


def plan_text(
    text: str,
    framework: str = "reference",
    *,
    today: dt.date | None = None,
    provider: str | None = None,
    seed: int = 0,
    catalog: Catalog | None = None,
    on_step: Callable[[str], None] | None = None,
) -> BirthdayPlan:
    """Plan a birthday from free text with ``framework``; the plan is always guard-checked.

    Args:
        text: the request as a person would write it.
        framework: ``reference``, ``native``, ``ag2``, ``langgraph``, ``crewai`` or ``adk``.
        today: the reference date for relative dates (default: the clock's today, i.e. the date fixed
            by an enclosing ``clock.use_today`` or else the system date, read once here).
        provider: ``offline`` (default without keys), ``openai``, ``gemini``, ``compatible``.
        seed: for deterministic runs.
        catalog: the catalog the whole run reads: the team, its tools, the offline stand-in and the
            guardrail (default: the tools' current catalog, i.e. the shipped one unless replaced).
        on_step: optional callback receiving progress lines.

    Raises:
        InputError: bad input or configuration (one sentence, no traceback needed).
    """
    from tutorial_helpers.patterns.explanations.plan_check import check_plan_explanation
    from tutorial_helpers.planning.guardrail import guard
    from tutorial_helpers.planning.reference import check_feasibility
    from tutorial_helpers.tools.state import get_catalog, use_catalog

    current = get_catalog()
    # a catalog given here is the one the team, its tools and the offline stand-in read during the run
    swap = use_catalog(catalog) if catalog is not None and catalog is not current else contextlib.nullcontext()
    catalog = catalog if catalog is not None else current
    with clock.use_today(today) as today, swap:  # the one clock of this run (the system date read here if not given)
        t0 = time.perf_counter()
        request, unknown_city = parse_text(text, today)
        say = on_step or (lambda _s: None)
        say(f"understood: {request.model_dump(mode='json', exclude_defaults=True)}")
        reasons = check_feasibility(request, catalog, unknown_city=unknown_city)
        if reasons:
            say("pre-check: no plan can satisfy this request")
            plan = BirthdayPlan(feasible=False, request=request, reasons=reasons, explanation=" ".join(reasons))
        else:
            planner = get_planner(framework)
            meter = UsageMeter("clock check")
            with meter.active(), auditing() as audit:
                try:
                    plan = planner(text, request, provider=provider, seed=seed)
                except ModuleNotFoundError as exc:  # an extra's own dependency missing, found only at run time
                    raise InputError(_not_installed(framework, exc.name)) from None
            undated = meter.calls_without_today()
            if undated:
                plan.warnings.append(
                    f"{undated} model call(s) did not say what day it is: the offline model assumed the "
                    "machine's date there (a real model would guess). Give every role prompt today's date "
                    "with tutorial_helpers.prompts.render."
                )
            say(f"{framework}: proposed {len(plan.items)} items")
            team_plan = plan.model_copy(deep=True)
            plan = guard(plan, request, catalog)
            plan = check_plan_explanation(plan, catalog)  # every framework's explanation is claim-checked
            if plan.feasible is False and not plan.reasons:
                plan.reasons = ["The planner could not produce a plan that meets every constraint."]
            plan.raw = raw_outcome(team_plan, plan, request, catalog, audit.lines(), undated)
            plan._raw_plan = team_plan
    plan.request = request
    plan.framework = framework
    if framework == "reference":
        plan.provider, plan.model = "none", "none"
    elif plan.provider == "none":
        plan.provider = provider or "offline"
    plan.usage.wall_s = round(time.perf_counter() - t0, 4)
    return plan
