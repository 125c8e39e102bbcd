"""The routed planner: the native agent team, with each agent's model chosen by a router.

:class:`RoutedPlanner` is :class:`~tutorial_helpers.planning.native.NativeTeam` with three changes:

1. **per-agent tiers**: the request is decomposed (:func:`~.decompose.decompose`, from text signals), the
   router decides a tier per subtask, and each agent calls the small or the large model accordingly (the
   native planner's ``model_for_agent`` hook);
2. **the model does the understanding**: the request the team plans for is the extractor agent's
   structured reading of the text (:func:`request_from_reading`), with no rule-based reading behind it.
   So the extractor's tier matters: a model that misreads the budget plans for the wrong party, and the
   evaluation (against the scenario's facts) sees it. A reading that fails to parse is retried once with
   another seed. (The production front door :func:`tutorial_helpers.planners.plan_text` also runs the
   rule-based extractor first, which would hide the difference; this lesson measures the models.)
3. **escalation** with a :class:`~.router.CascadeRouter`: a reading that fails
   :func:`~.signals.check_extraction` is re-done on large; a plan that breaks a constraint before the
   guardrail, or an agent whose answer code had to replace, sends the team again on large.

The guardrail still has the last word, against the request as understood.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import ValidationError

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import ALLERGENS, DIET_TAGS, INTERESTS, BirthdayPlan, BirthdayRequest
from tutorial_helpers.planning.native import NativeTeam
from tutorial_helpers.planning.pipeline import ExtractedRequest
from tutorial_helpers.routing.decompose import Decomposition, decompose
from tutorial_helpers.routing.router import Router, TierName, agent_tiers, route_all
from tutorial_helpers.routing.signals import check_extraction

#: scalar fields taken from the extractor's reading when they validate
SCALAR_FIELDS: tuple[str, ...] = ("recipient_name", "recipient_age", "city", "guests", "budget")


@dataclass
class CallRecord:
    """One model call: which agent, which model, how many tokens, how long."""

    agent: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    wall_s: float

    @property
    def cached(self) -> bool:
        """A cache hit reports no prompt tokens (nothing was sent to the model)."""
        return self.prompt_tokens == 0


@dataclass
class RoutedPlan:
    """What one routed planning run produced.

    Attributes:
        plan: the guard-checked plan.
        request: the request as the team understood it.
        decomposition: the subtasks and their difficulty.
        decisions: the router's tier per subtask.
        tiers: the tier per agent.
        calls: every model call (router calls included).
        wall_s: seconds for the whole run.
        error: set when planning failed.
        raw_plan: the team's plan before the guardrail (``None`` when no team ran).
        fallback: code replaced a model answer (a failed parse, an invented id dropped, ...).
        escalations: what a cascade escalated, and why.
    """

    plan: BirthdayPlan | None
    request: BirthdayRequest | None
    decomposition: Decomposition
    decisions: dict[str, TierName]
    tiers: dict[str, TierName]
    calls: list[CallRecord] = field(default_factory=list)
    wall_s: float = 0.0
    error: str | None = None
    raw_plan: BirthdayPlan | None = None
    fallback: bool = False
    escalations: list[str] = field(default_factory=list)


def request_from_reading(got: ExtractedRequest, today: dt.date) -> BirthdayRequest:
    """The request a model's structured reading describes, keeping only the values that validate.

    Allergens, diets and interests outside the catalog's vocabulary are dropped; a date that is not ISO
    (or is in the past), an age or guest count out of range, is left unknown rather than guessed.

    Args:
        got: the extractor agent's reading.
        today: the reference date.

    Returns:
        A validated :class:`~tutorial_helpers.domain.BirthdayRequest`.
    """
    fields: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(got, name)
        if value not in (None, ""):
            fields[name] = value
    if got.date:
        try:
            fields["date"] = dt.date.fromisoformat(got.date)
        except ValueError:
            pass
    fields["avoid_allergens"] = sorted({a for a in map(str.lower, got.avoid_allergens) if a in ALLERGENS})
    fields["dietary"] = sorted({d for d in map(str.lower, got.dietary) if d in DIET_TAGS})
    fields["interests"] = [i for i in map(str.lower, got.interests) if i in INTERESTS]
    fields["dislikes"] = [d.lower() for d in got.dislikes][:10]
    good: dict[str, Any] = {}
    for name, value in fields.items():  # one invalid value must not lose the others
        try:
            BirthdayRequest.model_validate({name: value, "today": today})
        except ValidationError:
            continue
        good[name] = value
    return BirthdayRequest.model_validate({**good, "today": today})


def _fallback(warnings: list[str]) -> bool:
    """Did code replace a model answer? (the native team's warnings say "used ..." or "ignored")."""
    return any(("used " in w or "ignored" in w or "took the top" in w) for w in warnings)


class RoutedPlanner(NativeTeam):
    """The native team with a router choosing each agent's tier.

    Args:
        router: any :class:`~tutorial_helpers.routing.router.Router`.
        provider: provider name or object (default: from settings).
        seed: passed to every call.
        catalog: the catalog (default: the shipped one).
        client: an ``openai.OpenAI``-like client to use (e.g. a
            :class:`~tutorial_helpers.routing.cache.CachedClient`); default: one for the provider.
        refine_rounds: critic -> selector rounds.

    Example::

        planner = RoutedPlanner(RuleRouter())
        out = planner.plan("Maya turns 8 in Austin this Saturday, a dozen kids, no nuts, $400", "2026-11-22")
        out.tiers      # {'extractor': 'large', 'retriever': 'small', ...}
    """

    def __init__(self, router: Router, provider: Any = None, seed: int = 0, catalog: Any = None, client: Any = None,
                 refine_rounds: int = 1) -> None:
        super().__init__(provider=provider, seed=seed, catalog=catalog, refine_rounds=refine_rounds,
                         model_for_agent=self._model_for)
        if client is not None:
            self.client = client
        self.router = router
        self.tiers: dict[str, TierName] = {}
        self.calls: list[CallRecord] = []
        self.escalations: list[str] = []
        self._understood: BirthdayRequest | None = None

    def _model_for(self, agent: str) -> str:
        tier = self.tiers.get(agent, "large")
        return self.provider.model_small if tier == "small" else self.provider.model_large

    def _account(self, agent: str, response: Any, wall: float, tool_calls: int = 0) -> None:
        super()._account(agent, response, wall, tool_calls)
        usage = getattr(response, "usage", None)
        self.calls.append(CallRecord(agent, self.model_of(agent), getattr(usage, "prompt_tokens", 0) or 0,
                                     getattr(usage, "completion_tokens", 0) or 0, round(wall, 4)))

    def extract(self, text: str, request: BirthdayRequest) -> BirthdayRequest:
        """The extractor agent's reading, already obtained by :meth:`understand` (the team does not re-read)."""
        return self._understood if self._understood is not None else request

    def read(self, text: str, day: dt.date) -> ExtractedRequest | None:
        """One extractor call on its routed tier; a reading that does not parse is retried once with another seed."""
        for attempt in range(2):
            seed = self.seed
            self.seed = seed + attempt * 7919
            try:
                got = self._parse("extractor", [
                    {"role": "system", "content": prompts.EXTRACTOR.format(today=day.isoformat())},
                    {"role": "user", "content": text},
                ], ExtractedRequest)
            except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
                self.warnings.append(f"The extractor's reading did not parse ({type(exc).__name__}).")
                continue
            finally:
                self.seed = seed
            self._log("extractor", "extracted", json.dumps(got.model_dump(exclude_defaults=True)))
            return got
        return None

    def understand(self, text: str, day: dt.date) -> ExtractedRequest | None:
        """The extractor's reading; with a cascade router, checked and re-done on large when the check fails."""
        got = self.read(text, day)
        if getattr(self.router, "escalate", False) and self.tiers.get("extractor") == "small":
            problems = (getattr(self.router, "check", None) or check_extraction)(text, got)
            if problems:
                self.escalations.append(f"extractor -> large: {problems[0]}")
                self.tiers["extractor"] = "large"
                got = self.read(text, day)
        return got

    def plan(self, text: str, today: dt.date | str) -> RoutedPlan:
        """Decompose, route, understand, pre-check, run the team, (escalate,) guard.

        Args:
            text: the request as a person wrote it.
            today: the reference date (``date`` or ``"YYYY-MM-DD"``).

        Returns:
            A :class:`RoutedPlan` (``plan`` is ``None`` and ``error`` set when the text cannot be used).
        """
        from tutorial_helpers.planning.guardrail import guard, validate_plan
        from tutorial_helpers.planning.reference import check_feasibility, supported_city

        t0 = time.perf_counter()
        day = clock.as_date(today)
        d = decompose(text, day)
        n_router = len(getattr(self.router, "records", []))
        decisions = route_all(self.router, d)
        self.tiers = agent_tiers(self.router, d, decisions)
        for r in getattr(self.router, "records", [])[n_router:]:
            self.calls.append(CallRecord("router", r["model"], r["prompt_tokens"], r["completion_tokens"],
                                         round(r["wall_s"], 4)))
        out = RoutedPlan(plan=None, request=None, decomposition=d, decisions=decisions, tiers=dict(self.tiers))
        got = self.understand(text, day)
        if got is None:
            out.error = "The extractor's reading of the request did not parse."
        else:
            request = request_from_reading(got, day)
            self._understood = request
            out.request = request
            unknown = got.city if got.city and not supported_city(got.city) else None
            reasons = check_feasibility(request, self.catalog, unknown_city=unknown)
            if reasons:
                out.plan = BirthdayPlan(feasible=False, request=request, reasons=reasons, explanation=" ".join(reasons))
            else:
                run = self.run(text, request)
                cascade = getattr(self.router, "escalate", False) and getattr(self.router, "check_plan", False)
                if cascade and "small" in self.tiers.values():
                    broken = validate_plan(run.plan, request, self.catalog)
                    if broken or _fallback(self.warnings):
                        why = broken[0].detail if broken else next(w for w in self.warnings if _fallback([w]))
                        self.escalations.append(f"team -> large: {why}")
                        self.tiers = dict.fromkeys(self.tiers, "large")
                        self.warnings, self.trace = [], []
                        run = self.run(text, request)
                out.raw_plan = run.plan
                out.fallback = _fallback(self.warnings)
                out.plan = guard(run.plan, request, self.catalog)
                if out.plan.feasible is False and not out.plan.reasons:
                    out.plan.reasons = ["The planner could not produce a plan that meets every constraint."]
        out.tiers = dict(self.tiers)
        out.escalations = list(self.escalations)
        out.calls = list(self.calls)
        out.wall_s = round(time.perf_counter() - t0, 4)
        return out
