"""Keyword (BM25) search over ``CatalogItem.search_text()`` with bm25s.

The tokenizer is deliberately simple so a learner can read it: lowercase, split on anything that is
not a letter or digit, drop a few stop words, and strip plural endings ("dinosaurs" -> "dinosaur",
"parties" -> "party"). BM25 then rewards rare words that appear in an item's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from tutorial_helpers.domain import CatalogItem

STOPWORDS = frozenset(
    "a an and are as at be by for from has have i in is it its my of on or our so that the their them this to "
    "was we who will with you your me she he her his they some any want need looking something".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")


def stem(token: str) -> str:
    """Light plural stemming: ``parties -> party``, ``boxes -> box``, ``games -> game``."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith(("ches", "shes", "xes", "sses")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without stop words, lightly stemmed."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


class LexicalIndex:
    """A BM25 index of item texts (built once; scoring a query takes about a millisecond)."""

    def __init__(self, items: Sequence[CatalogItem]) -> None:
        import warnings

        with warnings.catch_warnings():  # bm25s imports tqdm.auto, which warns in notebooks without ipywidgets
            warnings.simplefilter("ignore")
            import bm25s

        self._bm25 = bm25s.BM25()
        corpus = [tokenize(item.search_text()) or ["_empty_"] for item in items]
        self._bm25.index(corpus, show_progress=False)
        self.size = len(corpus)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every item for ``query`` (0 where no query word occurs)."""
        import numpy as np

        tokens = tokenize(query)
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
