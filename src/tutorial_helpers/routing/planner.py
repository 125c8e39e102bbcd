"""The routed planner: the native agent team, with each agent's model chosen by a router.

:class:`RoutedPlanner` is :class:`~tutorial_helpers.planning.native.NativePlanner` with two changes:

1. **per-agent tiers**: the request is decomposed (:func:`~.decompose.decompose`), the router decides a
   tier per subtask, and each agent calls the small or the large model accordingly (the native planner's
   ``model_for_agent`` hook);
2. **the model does the understanding**: the request the team plans for is the lexical reading of the
   text (what a program reads without a model: digits, exact words, explicit dates) completed by the
   extractor agent's reading. So the tier of the extractor matters: a small model that misses "a dozen
   kids" or "nothing with nuts" plans for the wrong party, and the evaluation sees it. (The production
   front door :func:`tutorial_helpers.planners.plan_text` also runs the full rule-based extractor first,
   which would hide that difference; this lesson measures the models, so it does not.)

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

from tutorial_helpers import prompts
from tutorial_helpers.domain import ALLERGENS, DIET_TAGS, INTERESTS, BirthdayPlan, BirthdayRequest
from tutorial_helpers.frameworks.common import ExtractedRequest
from tutorial_helpers.planning.native import NativePlanner
from tutorial_helpers.routing.decompose import Decomposition, decompose
from tutorial_helpers.routing.router import Router, TierName, agent_tiers, route_all

#: hard fields the extractor's reading fills in when the lexical reading missed them
FILLED_FIELDS: tuple[str, ...] = ("recipient_age", "city", "guests", "budget")


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
    """

    plan: BirthdayPlan | None
    request: BirthdayRequest | None
    decomposition: Decomposition
    decisions: dict[str, TierName]
    tiers: dict[str, TierName]
    calls: list[CallRecord] = field(default_factory=list)
    wall_s: float = 0.0
    error: str | None = None


def understood_request(lexical: BirthdayRequest, got: ExtractedRequest) -> BirthdayRequest:
    """The lexical reading completed by a model's reading of the same text.

    The model fills what the lexical reading missed (age, city, guests, budget, date), adds allergens
    and diets (never removes one), and fills interests, dislikes and the name when they are empty.
    Values the model gets wrong (an unknown allergen, an invalid date) are ignored.

    Args:
        lexical: the request from ``extract_request(text, today, level="small")``.
        got: the extractor agent's structured reading.

    Returns:
        A validated :class:`~tutorial_helpers.domain.BirthdayRequest` (``lexical`` when the model's values
        do not validate).
    """
    update: dict[str, Any] = {}
    for name in FILLED_FIELDS:
        value = getattr(got, name)
        if getattr(lexical, name) in (None, "") and value not in (None, ""):
            update[name] = value
    if lexical.date is None and got.date:
        try:
            update["date"] = dt.date.fromisoformat(got.date)
        except ValueError:
            pass
    allergens = sorted(set(lexical.avoid_allergens) | {a for a in map(str.lower, got.avoid_allergens) if a in ALLERGENS})
    diets = sorted(set(lexical.dietary) | {d for d in map(str.lower, got.dietary) if d in DIET_TAGS})
    if allergens != sorted(lexical.avoid_allergens):
        update["avoid_allergens"] = allergens
    if diets != sorted(lexical.dietary):
        update["dietary"] = diets
    interests = [i for i in map(str.lower, got.interests) if i in INTERESTS]
    if not lexical.interests and interests:
        update["interests"] = interests
    if not lexical.dislikes and got.dislikes:
        update["dislikes"] = [d.lower() for d in got.dislikes][:10]
    if not lexical.recipient_name and got.recipient_name:
        update["recipient_name"] = got.recipient_name[:60]
    if not update:
        return lexical
    try:
        return BirthdayRequest.model_validate({**lexical.model_dump(), **update, "today": lexical.today})
    except ValidationError:
        return lexical


class RoutedPlanner(NativePlanner):
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
        """The extractor agent: the lexical reading completed by the model's reading (see :func:`understood_request`)."""
        if self._understood is not None:
            return self._understood
        today = request.today.isoformat() if request.today else "unknown"
        try:
            got = self._parse("extractor", [
                {"role": "system", "content": prompts.render(prompts.EXTRACTOR, today=today)},
                {"role": "user", "content": text},
            ], ExtractedRequest)
        except (openai.OpenAIError, ValidationError, ValueError, json.JSONDecodeError) as exc:
            self.warnings.append(f"The extractor failed ({type(exc).__name__}); used the lexical reading.")
            return request
        self._log("extractor", "extracted", json.dumps(got.model_dump(exclude_defaults=True)))
        return understood_request(request, got)

    def plan(self, text: str, today: dt.date | str) -> RoutedPlan:
        """Decompose, route, understand, pre-check, run the team, guard.

        Args:
            text: the request as a person wrote it.
            today: the reference date (``date`` or ``"YYYY-MM-DD"``).

        Returns:
            A :class:`RoutedPlan` (``plan`` is ``None`` and ``error`` set when the text cannot be used).
        """
        from tutorial_helpers.extraction import extract_request
        from tutorial_helpers.planning.guardrail import guard
        from tutorial_helpers.planning.reference import check_feasibility

        t0 = time.perf_counter()
        day = dt.date.fromisoformat(today) if isinstance(today, str) else today
        d = decompose(text, day)
        n_router = len(getattr(self.router, "records", []))
        decisions = route_all(self.router, d)
        self.tiers = agent_tiers(self.router, d, decisions)
        for r in getattr(self.router, "records", [])[n_router:]:
            self.calls.append(CallRecord("router", r["model"], r["prompt_tokens"], r["completion_tokens"],
                                         round(r["wall_s"], 4)))
        out = RoutedPlan(plan=None, request=None, decomposition=d, decisions=decisions, tiers=dict(self.tiers))
        lexical = extract_request(text, day, level="small")
        if lexical.request is None:
            out.error = lexical.problems[0] if lexical.problems else "The request could not be read."
        else:
            request = self.extract(text, lexical.request)
            self._understood = request
            out.request = request
            reasons = check_feasibility(request, self.catalog, unknown_city=lexical.unknown_city)
            if reasons:
                out.plan = BirthdayPlan(feasible=False, request=request, reasons=reasons, explanation=" ".join(reasons))
            else:
                run = self.run(text, request)
                out.plan = guard(run.plan, request, self.catalog)
                if out.plan.feasible is False and not out.plan.reasons:
                    out.plan.reasons = ["The planner could not produce a plan that meets every constraint."]
        out.calls = list(self.calls)
        out.wall_s = round(time.perf_counter() - t0, 4)
        return out
