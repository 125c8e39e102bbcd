"""The team evolution works on: the routed native team, built from a :class:`~.config.TeamConfig`.

:class:`EvolvableTeam` is :class:`~tutorial_helpers.routing.planner.RoutedPlanner` (extractor, retriever,
selector, critic, explainer; a rule router sends agents to the small or large tier) with each knob of
the configuration wired in: the retriever's lexical / semantic fusion and pool size, the router's
threshold, the critic rounds, the explainer on or off, retrieval per category in parallel. The
front-door guardrail runs after it exactly as after every other team (``RoutedPlanner.plan``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tutorial_helpers.domain import BirthdayPlan, BirthdayRequest, CatalogItem
from tutorial_helpers.evolution.config import TeamConfig
from tutorial_helpers.planning.candidates import candidate_pool, preference_score
from tutorial_helpers.planning.pipeline import plan_from_choices
from tutorial_helpers.routing.planner import RoutedPlanner
from tutorial_helpers.routing.router import RuleRouter

RRF_K = 60


def fuse(request: BirthdayRequest, items: list[CatalogItem], found: set[str], catalog: Any, category: str,
         lexical_weight: float) -> list[CatalogItem]:
    """Rank ``items`` by a weighted reciprocal-rank fusion of lexical and semantic search for the request.

    ``score = w / (60 + lexical rank) + (1 - w) / (60 + semantic rank) + 1 / (60 + retriever rank)``: the
    items the retriever agent found count as a third ranking. The query is the person's interests and
    the category.
    """
    query = " ".join([*request.interests, category]) or category
    ids = {i.id for i in items}
    score = dict.fromkeys(ids, 0.0)
    for weight, hits in ((lexical_weight, catalog.search_lexical(query, k=400, category=category)),
                         (1.0 - lexical_weight, catalog.search_semantic(query, k=400, category=category))):
        if weight <= 0:
            continue
        ranked = [h.id for h in hits if h.id in ids]
        for r, i in enumerate(ranked, start=1):
            score[i] += weight / (RRF_K + r)
    for r, i in enumerate([i.id for i in items if i.id in found], start=1):
        score[i] += 1.0 / (RRF_K + r)
    return sorted(items, key=lambda i: (-score[i.id], -preference_score(i, request), i.id))


class EvolvableTeam(RoutedPlanner):
    """The routed native team, configured by a :class:`~.config.TeamConfig`.

    Args:
        config: the configuration to instantiate.
        provider: provider name or object (default: from settings).
        seed: passed to every model call.
        catalog: the catalog (default: the shipped one).
        client: an ``openai.OpenAI``-like client (default: one for the provider).

    After :meth:`plan`, ``pool`` holds the candidates the selector was shown and
    ``critic_interventions`` how many critic rounds sent the plan back.
    """

    def __init__(self, config: TeamConfig, provider: Any = None, seed: int = 0, catalog: Any = None,
                 client: Any = None) -> None:
        super().__init__(RuleRouter(config.router_threshold), provider=provider, seed=seed, catalog=catalog,
                         client=client, refine_rounds=config.critic_rounds)
        self.config = config
        self.options_per_category = config.pool_size
        self.pool: dict[str, list[CatalogItem]] = {}
        self.critic_interventions = 0

    def retrieve(self, text: str, request: BirthdayRequest, categories: list[str]) -> dict[str, list[CatalogItem]]:
        """The retriever agent (one loop, or one per category in parallel), then the fused, cut pool."""
        if self.config.parallel_retrieval and len(categories) > 1:
            with ThreadPoolExecutor(max_workers=len(categories)) as ex:
                parts = list(ex.map(lambda c: super(EvolvableTeam, self).retrieve(text, request, [c]), categories))
            found_lists = {c: p.get(c, []) for c, p in zip(categories, parts, strict=True)}
        else:
            found_lists = super().retrieve(text, request, categories)
        out: dict[str, list[CatalogItem]] = {}
        for c in categories:
            found = {i.id for i in found_lists.get(c, [])}
            valid = candidate_pool(request, self.catalog, c, k=400)
            ranked = fuse(request, valid, found, self.catalog, c, self.config.lexical_weight)
            out[c] = ranked[: self.config.pool_size]
        self.pool = out
        return out

    def select(self, request: BirthdayRequest, candidates: dict[str, list[CatalogItem]],
               feedback: str = "") -> BirthdayPlan:
        """The selector agent; with ``greedy_budget`` a policy that maximises budget use instead."""
        if not self.config.greedy_budget:
            return super().select(request, candidates, feedback)
        ids = [max(items, key=lambda i: (i.price, i.id)).id for items in candidates.values() if items]
        self._log("selector", "chose (greedy budget use)", ", ".join(ids))
        return plan_from_choices(request, ids, candidates, self.catalog, self.warnings)

    def critique(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        """The critic (and the guardrail's findings it forwards); counts the rounds that sent the plan back."""
        feedback = super().critique(request, plan)
        if feedback:
            self.critic_interventions += 1
        return feedback

    def explain(self, request: BirthdayRequest, plan: BirthdayPlan) -> str:
        """The explainer agent, or the template explanation when the configuration dropped it (no call)."""
        if not self.config.explainer:
            return " ".join(p.why for p in plan.items)
        return super().explain(request, plan)
