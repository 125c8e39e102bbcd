"""Search results and reciprocal rank fusion (the "hybrid" in hybrid search)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from tutorial_helpers.domain import CatalogItem

#: the usual RRF constant (Cormack et al., 2009): dampens the weight of the very first ranks
RRF_K = 60
SEARCH_MODES = ("hybrid", "lexical", "semantic")


class SearchHit(BaseModel):
    """One search result: the catalog item and its score (higher is better; scales differ per mode)."""

    model_config = ConfigDict(frozen=True)

    item: CatalogItem
    score: float

    @property
    def id(self) -> str:
        """The item id (shortcut for ``hit.item.id``)."""
        return self.item.id


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse ranked lists of document indices: ``score(d) = sum(1 / (k + rank_i(d)))``, ranks from 1.

    Args:
        rankings: each a list of document indices, best first (a list may omit documents).
        k: the RRF constant; larger values flatten the difference between top and lower ranks.

    Returns:
        ``(index, score)`` pairs, best first; ties keep the order of first appearance.
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    order = {doc: i for i, doc in enumerate(dict.fromkeys(d for r in rankings for d in r))}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
