"""Catalog search: quality on labelled queries, filters before ranking, hybrid fusion, vector cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest

from tutorial_helpers.catalog import Catalog, SearchHit, load_catalog
from tutorial_helpers.catalog import semantic as sem
from tutorial_helpers.catalog.search import reciprocal_rank_fusion
from tutorial_helpers.domain import CatalogItem


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog()


def has_interest(name: str) -> Callable[[CatalogItem], bool]:
    return lambda i: name in i.interests


# (query, filters, what makes a result relevant)
LABELLED: list[tuple[str, dict, Callable[[CatalogItem], bool]]] = [
    ("dinosaur toy for a 6 year old", {"category": "gift", "age": 6}, has_interest("dinosaurs")),
    ("chocolate vegan cake", {"category": "cake", "dietary": ["vegan"]},
     lambda i: "chocolate" in i.name.lower()),
    ("place for 40 people in Denver", {"city": "Denver", "min_capacity": 40}, lambda i: i.category == "venue"),
    ("telescope to look at the stars", {"category": "gift"}, has_interest("space")),
    ("present for a coffee lover", {"category": "gift"}, has_interest("coffee")),
    ("pizza for the party", {"category": "food", "city": "Boston"}, lambda i: "pizza" in i.tags),
    ("wine tasting for adults", {"city": "Seattle"}, has_interest("wine")),
    ("dinosaur balloons and banner", {"category": "decoration"}, has_interest("dinosaurs")),
    ("gluten free birthday cake", {"category": "cake", "city": "Chicago"}, lambda i: "gluten-free" in i.diet_tags),
    ("learn to program computers", {"category": "gift", "age": 12}, has_interest("coding")),
    ("soccer ball", {"category": "gift"}, has_interest("soccer")),
    ("kids robot building party", {"category": "activity"}, has_interest("robotics")),
]
PARAPHRASE = ("something for a little astronaut who dreams about the cosmos", {"category": "gift"}, has_interest("space"))


def precision_at_5(hits: list[SearchHit], relevant: Callable[[CatalogItem], bool]) -> float:
    return sum(1 for h in hits[:5] if relevant(h.item)) / 5


@pytest.fixture(scope="module")
def scores(cat) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"lexical": [], "semantic": [], "hybrid": []}
    for query, filters, relevant in LABELLED:
        for mode in out:
            out[mode].append(precision_at_5(cat.search(query, k=5, mode=mode, **filters), relevant))
    return out


# --- quality ---------------------------------------------------------------------------------------


def test_hybrid_precision_on_labelled_queries(scores):
    worst = [(LABELLED[i][0], p) for i, p in enumerate(scores["hybrid"]) if p < 0.6]
    assert not worst, f"hybrid precision@5 below 0.6 for: {worst}"
    assert np.mean(scores["hybrid"]) >= 0.85, f"mean hybrid precision@5 {np.mean(scores['hybrid']):.2f}"


def test_hybrid_not_worse_than_lexical(scores):
    assert np.mean(scores["hybrid"]) >= np.mean(scores["lexical"]), scores


def test_semantic_finds_paraphrases_that_lexical_misses(cat):
    query, filters, relevant = PARAPHRASE
    lex = precision_at_5(cat.search_lexical(query, k=5, **filters), relevant)
    sem_p = precision_at_5(cat.search_semantic(query, k=5, **filters), relevant)
    hyb = precision_at_5(cat.search_hybrid(query, k=5, **filters), relevant)
    assert sem_p >= 0.8 and sem_p > lex, f"semantic {sem_p} vs lexical {lex}"
    assert hyb > lex, f"hybrid {hyb} should beat lexical {lex} on a paraphrase"


def test_dinosaur_gifts_for_a_six_year_old_fit_the_age(cat):
    hits = cat.search("dinosaur toy for a 6 year old", k=5, category="gift", age=6)
    assert len(hits) == 5 and all(h.item.fits_age(6) for h in hits)
    assert sum("dinosaurs" in h.item.interests for h in hits) >= 4


# --- filters before ranking ------------------------------------------------------------------------

FILTER_SETS = [
    {"category": "cake", "city": "Seattle", "dietary": ["vegan", "nut-free"], "max_price": 8},
    {"category": ["venue", "activity"], "city": "boston", "open_on": dt.date(2026, 12, 6), "min_capacity": 20},
    {"category": "gift", "age": 3, "interests_any": ["animals", "music"], "max_price": 30},
    {"category": "food", "city": "Denver", "avoid_allergens": ["gluten", "dairy"]},
    {"category": "cake", "city": "Austin", "today": dt.date(2026, 11, 22), "ready_by": dt.date(2026, 11, 24)},
]


@pytest.mark.parametrize("mode", ["lexical", "semantic", "hybrid"])
@pytest.mark.parametrize("filters", FILTER_SETS, ids=[str(i) for i in range(len(FILTER_SETS))])
def test_search_results_obey_filters(cat, mode, filters):
    allowed = {i.id for i in cat.filter(**filters)}
    assert allowed, f"filter set matches nothing: {filters}"
    hits = cat.search("birthday party fun", k=10, mode=mode, **filters)
    assert {h.item.id for h in hits} <= allowed
    assert len(hits) <= 10
    if mode != "lexical":
        assert len(hits) == min(10, len(allowed)), "semantic/hybrid must fill k from the filtered set"


def test_filters_apply_before_ranking(cat):
    """Filtered top-k == the full ranking with non-matching items removed (no post-filter truncation)."""
    filters = {"category": "cake", "city": "Denver", "dietary": ["halal"]}
    allowed = {i.id for i in cat.filter(**filters)}
    full = [h.item.id for h in cat.search_semantic("chocolate celebration", k=len(cat))]
    expected = [i for i in full if i in allowed][:8]
    got = [h.item.id for h in cat.search_semantic("chocolate celebration", k=8, **filters)]
    assert got == expected


def test_lexical_returns_only_matching_items_and_modes_are_checked(cat):
    assert cat.search_lexical("zzqx qqwv", k=5) == []
    assert len(cat.search_semantic("zzqx qqwv", k=5)) == 5
    assert len(cat.search("", k=3, category="venue", city="Austin")) == 3
    with pytest.raises(ValueError):
        cat.search("cake", mode="fuzzy")
    with pytest.raises(TypeError):
        cat.search("cake", colour="red")


def test_search_is_deterministic_and_sorted(cat):
    a = cat.search("space themed party", k=10)
    b = cat.search("space themed party", k=10)
    assert [h.item.id for h in a] == [h.item.id for h in b]
    assert [h.score for h in a] == sorted((h.score for h in a), reverse=True)


def test_reciprocal_rank_fusion():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)
    assert [d for d, _ in fused] == [1, 3, 2]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


# --- the vector cache ------------------------------------------------------------------------------


@pytest.fixture
def count_embeds(monkeypatch) -> list[int]:
    """Wrap ``semantic.embed_texts`` to count how many texts get embedded."""
    calls: list[int] = []
    real = sem.embed_texts

    def counting(texts, batch_size=64):
        calls.append(len(texts))
        return real(texts, batch_size)

    monkeypatch.setattr(sem, "embed_texts", counting)
    return calls


def test_shipped_vectors_are_reused_not_rebuilt(cat, count_embeds):
    sem.clear_memory_cache()
    vectors = cat.vectors()
    assert count_embeds == [], "the shipped vectors should have been loaded, not rebuilt"
    assert vectors.shape == (len(cat), 384)
    # rows are aligned with items: a fresh embedding of two items matches their stored rows
    fresh = sem.embed_texts([cat.items[0].search_text(), cat.items[-1].search_text()])
    assert float(fresh[0] @ vectors[0]) > 0.99 and float(fresh[1] @ vectors[-1]) > 0.99


def tiny_items(cat: Catalog) -> list[CatalogItem]:
    picks = [i for i in cat.items if i.category == "gift"][:8] + [i for i in cat.items if i.category == "cake"][:6]
    picks += [i for i in cat.items if i.category == "venue"][:6]
    return picks


def test_vectors_cached_by_fingerprint_and_rebuilt_on_change(cat, tmp_path, monkeypatch, count_embeds):
    monkeypatch.setenv("TUTORIAL_RUNTIME_DIR", str(tmp_path))
    items = tiny_items(cat)
    tiny = Catalog.from_items(items)
    first = tiny.vectors()
    assert count_embeds == [20]
    cached = tmp_path / "catalog-vectors" / f"catalog-{tiny.fingerprint}.npy"
    assert cached.exists() and sem.cached_vector_path(tiny.fingerprint) == cached

    sem.clear_memory_cache()
    again = Catalog.from_items(items).vectors()
    assert count_embeds == [20], "same fingerprint: the disk cache must be reused"
    assert np.allclose(first, again)

    edited = items[:-1] + [items[-1].model_copy(update={"name": "Moonlight Kite Pavilion",
                                                         "description": "A kite-flying meadow with paper lanterns."})]
    changed = Catalog.from_items(edited)
    assert changed.fingerprint != tiny.fingerprint
    hits = changed.search_semantic("kite flying with lanterns", k=1)
    assert count_embeds == [20, 20], "a changed catalog must get new vectors"
    assert hits[0].item.id == items[-1].id


def test_read_only_cache_dirs_never_fail(cat, tmp_path, monkeypatch, count_embeds):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    monkeypatch.setenv("TUTORIAL_RUNTIME_DIR", str(blocker / "runtime"))
    monkeypatch.setenv("HOME", str(blocker / "home"))
    tiny = Catalog.from_items(tiny_items(cat)[:5] + [cat.items[-1]])
    hits = tiny.search("birthday", k=3)
    assert len(hits) == 3 and count_embeds == [6]
    assert sem.cached_vector_path(tiny.fingerprint) is None
