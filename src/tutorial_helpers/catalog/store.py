"""The :class:`Catalog`: load the JSON Lines file, look items up, filter them, search them, count them.

Filters are hard constraints and run *before* ranking: a search returns the best ``k`` items among
those that pass every filter, never an item that breaks one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutorial_helpers.domain import (
    AGE_BANDS,
    AGED_CATEGORIES,
    CATEGORIES,
    CITIES,
    DIET_TAGS,
    FOOD_CATEGORIES,
    INTERESTS,
    CatalogItem,
)

if TYPE_CHECKING:
    import numpy as np

    from tutorial_helpers.catalog.lexical import LexicalIndex
    from tutorial_helpers.catalog.search import SearchHit

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "catalog.jsonl"


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    """``"x"`` -> ``{"x"}``, an iterable -> a set (lowercased), ``None`` -> ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    return {str(v).strip().lower() for v in value if str(v).strip()}


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class Catalog:
    """A read-only collection of :class:`~tutorial_helpers.domain.CatalogItem` with filters and search.

    Build one with :func:`load_catalog` (the shipped catalog, cached), :meth:`from_jsonl` or
    :meth:`from_items`. Search indexes (BM25, embeddings) are built on first use.
    """

    def __init__(self, items: Iterable[CatalogItem], fingerprint: str | None = None,
                 source: Path | None = None) -> None:
        self.items: list[CatalogItem] = list(items)
        self._by_id = {item.id: item for item in self.items}
        if len(self._by_id) != len(self.items):
            raise ValueError("Catalog item ids must be unique.")
        self._index = {item.id: i for i, item in enumerate(self.items)}
        self.source = source
        self._fingerprint = fingerprint or _fingerprint_of(serialize(self.items))
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_jsonl(cls, path: str | Path) -> Catalog:
        """Load a catalog from a JSON Lines file (one item per line); the fingerprint hashes the file."""
        path = Path(path)
        raw = path.read_bytes()
        items = [CatalogItem.model_validate_json(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
        return cls(items, fingerprint=_fingerprint_of(raw), source=path)

    @classmethod
    def from_items(cls, items: Iterable[CatalogItem]) -> Catalog:
        """Build a catalog from items in memory (e.g. a tiny test catalog)."""
        return cls(items)

    def to_jsonl(self, path: str | Path) -> Path:
        """Write the items as JSON Lines (the format :meth:`from_jsonl` reads)."""
        path = Path(path)
        path.write_text(serialize(self.items), encoding="utf-8")
        return path

    # -- lookup ---------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """First 16 hex characters of the sha256 of the catalog file: changes whenever the data does."""
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[CatalogItem]:
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._by_id

    def __repr__(self) -> str:
        return f"Catalog({len(self)} items, fingerprint={self.fingerprint})"

    def get(self, item_id: str) -> CatalogItem | None:
        """The item with id ``item_id`` (e.g. ``"gift-0042"``), or ``None``."""
        return self._by_id.get(item_id)

    # -- filtering ------------------------------------------------------------------------------

    def filter(
        self,
        category: str | Iterable[str] | None = None,
        city: str | None = None,
        age: int | None = None,
        interests_any: str | Iterable[str] | None = None,
        avoid_allergens: str | Iterable[str] | None = None,
        dietary: str | Iterable[str] | None = None,
        max_price: float | None = None,
        min_capacity: int | None = None,
        open_on: dt.date | str | None = None,
        today: dt.date | str | None = None,
        ready_by: dt.date | str | None = None,
    ) -> list[CatalogItem]:
        """Items meeting every given constraint (``None`` means "no constraint"), in catalog (id) order.

        Args:
            category: one category or several (``"cake"`` or ``["cake", "food"]``).
            city: keeps items in that city (case-insensitive) and items that ship everywhere (``city=None``).
            age: keeps items whose age range contains ``age`` (items without a range always pass).
            interests_any: keeps items tagged with at least one of these interests.
            avoid_allergens: drops items containing any of these allergens.
            dietary: cakes and food must carry every one of these diet tags (other categories pass).
            max_price: highest ``price`` (per guest / per unit for those pricings).
            min_capacity: keeps items seating at least this many (items without a capacity are dropped).
            open_on: keeps items open on that date's weekday (items without opening days pass).
            today, ready_by: with both, keeps items whose lead time fits: ``today + lead_time_days <= ready_by``.
        """
        return [self.items[i] for i in self._filter_indices(**_filters(locals()))]

    def _filter_indices(self, **filters: Any) -> list[int]:
        cats = _as_set(filters.get("category"))
        city = filters.get("city")
        city_l = str(city).strip().lower() if city is not None else None
        age = filters.get("age")
        interests = _as_set(filters.get("interests_any"))
        avoid = _as_set(filters.get("avoid_allergens"))
        diets = _as_set(filters.get("dietary"))
        max_price = filters.get("max_price")
        min_capacity = filters.get("min_capacity")
        open_on = _as_date(filters.get("open_on"))
        today, ready_by = _as_date(filters.get("today")), _as_date(filters.get("ready_by"))
        out = []
        for i, item in enumerate(self.items):
            if cats and item.category not in cats:
                continue
            if city_l is not None and item.city is not None and item.city.lower() != city_l:
                continue
            if age is not None and not item.fits_age(age):
                continue
            if interests and not interests & set(item.interests):
                continue
            if avoid and avoid & set(item.allergens):
                continue
            if diets and item.category in FOOD_CATEGORIES and not diets <= set(item.diet_tags):
                continue
            if max_price is not None and item.price > max_price:
                continue
            if min_capacity is not None and (item.capacity is None or item.capacity < min_capacity):
                continue
            if open_on is not None and not item.open_on(open_on):
                continue
            if (today is not None and ready_by is not None and item.lead_time_days is not None
                    and today + dt.timedelta(days=item.lead_time_days) > ready_by):
                continue
            out.append(i)
        return out

    # -- search ---------------------------------------------------------------------------------

    def search(self, query: str, k: int = 10, mode: str = "hybrid", **filters: Any) -> list[SearchHit]:
        """The ``k`` best items for ``query`` among those passing ``filters`` (same names as :meth:`filter`).

        Args:
            query: plain words, e.g. ``"dinosaur toy for a 6 year old"``.
            k: how many results.
            mode: ``"hybrid"`` (default: BM25 and embeddings fused by reciprocal rank),
                ``"lexical"`` (BM25 keywords only) or ``"semantic"`` (embeddings only).
            **filters: any argument of :meth:`filter`; applied before ranking.
        """
        from tutorial_helpers.catalog.search import SEARCH_MODES

        if mode not in SEARCH_MODES:
            raise ValueError(f"Unknown search mode {mode!r}; use one of {', '.join(SEARCH_MODES)}.")
        return {"hybrid": self.search_hybrid, "lexical": self.search_lexical, "semantic": self.search_semantic}[mode](
            query, k=k, **filters)

    def search_lexical(self, query: str, k: int = 10, **filters: Any) -> list[SearchHit]:
        """BM25 keyword search: only items sharing at least one (stemmed) word with ``query`` are returned."""
        allowed = self._filter_indices(**_filters(filters))
        if not query.strip():
            return self._popular(allowed, k)
        ranking = self._lexical_ranking(query, allowed)
        return self._hits(ranking[:k])

    def search_semantic(self, query: str, k: int = 10, **filters: Any) -> list[SearchHit]:
        """Embedding search: cosine similarity between the query and each item's text (finds paraphrases)."""
        allowed = self._filter_indices(**_filters(filters))
        if not query.strip():
            return self._popular(allowed, k)
        return self._hits(self._semantic_ranking(query, allowed)[:k])

    def search_hybrid(self, query: str, k: int = 10, **filters: Any) -> list[SearchHit]:
        """Reciprocal rank fusion (k=60) of the lexical and the semantic rankings."""
        from tutorial_helpers.catalog.search import reciprocal_rank_fusion

        allowed = self._filter_indices(**_filters(filters))
        if not query.strip():
            return self._popular(allowed, k)
        lexical = [i for i, _ in self._lexical_ranking(query, allowed)]
        semantic = [i for i, _ in self._semantic_ranking(query, allowed)]
        return self._hits(reciprocal_rank_fusion([lexical, semantic])[:k])

    def _lexical_ranking(self, query: str, allowed: list[int]) -> list[tuple[int, float]]:
        if not allowed:
            return []
        if self._lexical is None:
            from tutorial_helpers.catalog.lexical import LexicalIndex

            with self._lock:  # agents may search from several threads at once: build the index once
                if self._lexical is None:
                    self._lexical = LexicalIndex(self.items)
        scores = self._lexical.scores(query)
        ranked = sorted(((i, float(scores[i])) for i in allowed if scores[i] > 0), key=lambda p: (-p[1], p[0]))
        return ranked

    def _semantic_ranking(self, query: str, allowed: list[int]) -> list[tuple[int, float]]:
        if not allowed:
            return []
        import numpy as np

        from tutorial_helpers.catalog.semantic import embed_query

        vectors = self.vectors()
        idx = np.asarray(allowed, dtype=np.int64)
        sims = vectors[idx] @ embed_query(query)
        order = np.lexsort((idx, -sims))
        return [(int(idx[j]), float(sims[j])) for j in order]

    def _popular(self, allowed: list[int], k: int) -> list[SearchHit]:
        """With an empty query: best rated first (ties: more reviews)."""
        ranked = sorted(allowed, key=lambda i: (-self.items[i].rating, -self.items[i].review_count, i))
        return self._hits([(i, 0.0) for i in ranked[:k]])

    def _hits(self, ranking: list[tuple[int, float]]) -> list[SearchHit]:
        from tutorial_helpers.catalog.search import SearchHit

        return [SearchHit(item=self.items[i], score=round(score, 6)) for i, score in ranking]

    def vectors(self) -> np.ndarray:
        """The (n, 384) item embeddings, loaded from the shipped/cached file or built (see ``catalog.semantic``)."""
        from tutorial_helpers.catalog.semantic import catalog_vectors

        return catalog_vectors(self)

    # -- stats ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``catalog stats --json``.

        Returns:
            ``{"total", "by_category", "by_city", "by_interest", "by_age_band", "by_diet"}`` where
            ``by_city`` counts local items (gifts and decorations ship everywhere and are not
            counted there), ``by_age_band`` counts gifts, activities and experiences suitable for
            some age in the band, and ``by_diet`` counts cakes and food carrying each diet tag.
        """
        by_category = {c: 0 for c in CATEGORIES}
        by_city = {c: 0 for c in CITIES}
        by_interest = {i: 0 for i in INTERESTS}
        by_band = {label: 0 for label, _, _ in AGE_BANDS}
        by_diet = {d: 0 for d in DIET_TAGS}
        for item in self.items:
            by_category[item.category] = by_category.get(item.category, 0) + 1
            if item.city is not None:
                by_city[item.city] = by_city.get(item.city, 0) + 1
            for interest in item.interests:
                by_interest[interest] = by_interest.get(interest, 0) + 1
            if item.category in AGED_CATEGORIES:
                lo = item.age_min if item.age_min is not None else 0
                hi = item.age_max if item.age_max is not None else 200
                for label, blo, bhi in AGE_BANDS:
                    if lo <= bhi and hi >= blo:
                        by_band[label] += 1
            if item.category in FOOD_CATEGORIES:
                for tag in item.diet_tags:
                    by_diet[tag] = by_diet.get(tag, 0) + 1
        return {"total": len(self.items), "by_category": by_category, "by_city": by_city, "by_interest": by_interest,
                "by_age_band": by_band, "by_diet": by_diet}


_FILTER_NAMES = ("category", "city", "age", "interests_any", "avoid_allergens", "dietary", "max_price", "min_capacity",
                 "open_on", "today", "ready_by")


def _filters(values: dict[str, Any]) -> dict[str, Any]:
    """Keep the filter arguments; an unknown name is a ``TypeError`` naming the valid ones."""
    unknown = [k for k in values if k not in _FILTER_NAMES and k != "self"]
    if unknown:
        raise TypeError(f"Unknown filter {unknown[0]!r}; filters are: {', '.join(_FILTER_NAMES)}.")
    return {k: values[k] for k in _FILTER_NAMES if values.get(k) is not None}


def serialize(items: Iterable[CatalogItem]) -> str:
    """The JSON Lines text of ``items`` (the exact format of the shipped file)."""
    return "".join(item.model_dump_json(exclude_none=True) + "\n" for item in items)


def _fingerprint_of(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path) -> Catalog:
    return Catalog.from_jsonl(path)


_active: Catalog | None = None


def load_catalog(path: str | Path | None = None) -> Catalog:
    """The shipped mock catalog (or the JSON Lines file at ``path``), loaded once per process.

    Inside :func:`use_catalog_file`'s block (``--catalog PATH``) it returns that catalog instead of the
    shipped one.

    >>> cat = load_catalog()
    >>> len(cat) >= 1500
    True
    """
    if path is None and _active is not None:
        return _active
    return _load_cached(Path(path) if path is not None else DEFAULT_CATALOG_PATH)


def read_catalog_file(path: str | Path) -> Catalog:
    """Read and validate a catalog file in the shipped format (JSON Lines, one item a line).

    Args:
        path: the file (``--catalog PATH``).

    Raises:
        InputError: one sentence naming the file, the line and the field when the file is missing,
            unreadable, empty, malformed, or holds an item with a missing or invalid field or a
            duplicate id.
    """
    from pydantic import ValidationError

    from tutorial_helpers.domain import InputError

    p = Path(path)
    if p.is_dir():
        raise InputError(f"The catalog {p} is a folder: give a JSON Lines file (one item a line).")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"The catalog file {p} does not exist.") from None
    except OSError as exc:
        raise InputError(f"The catalog file {p} cannot be read: {exc.strerror or exc}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: the catalog is not UTF-8 text.") from None
    items: list[CatalogItem] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{p}:{n}: not a JSON object ({exc.msg}); the catalog is JSON Lines, one item a line.") from None
        if not isinstance(data, dict):
            raise InputError(f"{p}:{n}: each line must be a JSON object (one catalog item).")
        try:
            item = CatalogItem.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(x) for x in err.get("loc", ())) or "item"
            msg = str(err.get("msg", "invalid value"))
            if err.get("type") == "missing":
                raise InputError(f"{p}:{n}: field {field!r} is missing.") from None
            raise InputError(f"{p}:{n}: field {field!r}: {msg}.") from None
        if item.id in first_line:
            raise InputError(f"{p}:{n}: field 'id': duplicate id {item.id!r} (first on line {first_line[item.id]}).")
        first_line[item.id] = n
        items.append(item)
    if not items:
        raise InputError(f"The catalog file {p} holds no items.")
    return Catalog(items, fingerprint=_fingerprint_of(raw), source=p)


@contextlib.contextmanager
def use_catalog_file(path: str | Path | None) -> Iterator[Catalog | None]:
    """Inside the block, every reader of the catalog (planners, tools, guardrail) uses the file at ``path``.

    ``None`` changes nothing (the shipped catalog). The file is validated first (:func:`read_catalog_file`).
    """
    global _active
    if path is None:
        yield None
        return
    from tutorial_helpers.tools import state

    catalog = read_catalog_file(path)
    previous = _active
    _active = catalog
    try:
        with state.use_catalog(catalog):
            yield catalog
    finally:
        _active = previous


def stats_json(catalog: Catalog | None = None) -> str:
    """``catalog stats --json`` output as a string."""
    return json.dumps((catalog or load_catalog()).stats(), indent=2)
