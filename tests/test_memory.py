"""Tests of the memory library (tutorial_helpers.memory)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tutorial_helpers.domain import BirthdayRequest, CatalogItem, UserProfile
from tutorial_helpers.memory import (
    AgentMemory,
    Episode,
    HashingEmbedder,
    LongTermProfile,
    MemoryRecord,
    MemoryStore,
    Moderator,
    ProceduralMemory,
    SQLiteMemoryStore,
    WorkingMemory,
    extract_facts,
    merge_profile,
    rank,
    redact_pii,
    retrieve,
)
from tutorial_helpers.memory.evaluation import greedy_planner, returning_user_benchmark
from tutorial_helpers.memory.records import text_hash

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
HASH = HashingEmbedder()


def ticking(start: dt.datetime = T0, step: dt.timedelta = dt.timedelta(minutes=1)):
    state = {"now": start}

    def clock() -> dt.datetime:
        state["now"] += step
        return state["now"]

    return clock


def rec(rid: str, text: str, days_old: float = 0.0, importance: float = 0.5, kind: str = "note",
        user: str = "u1", **meta: object) -> MemoryRecord:
    return MemoryRecord(id=rid, kind=kind, user_id=user, text=text, created_at=T0 - dt.timedelta(days=days_old),
                        importance=importance, meta=dict(meta))


def memory(store: MemoryStore, user: str = "u1", embedder=HASH) -> AgentMemory:
    return AgentMemory(store, user, embedder=embedder, clock=ticking(),
                       item_category=lambda i: "gift" if i.startswith("g-") else "cake")


# ---------------------------------------------------------------------------------------------
# Store
# ---------------------------------------------------------------------------------------------


def test_store_crud_and_persistence_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "mem.db"
    store = SQLiteMemoryStore(path)
    assert store.schema_version == 1
    vec = np.arange(8, dtype=np.float32) / 10
    store.add(rec("a", "allergy: peanuts", days_old=2, importance=1.0, kind="semantic", slot="allergy"), embedding=vec)
    store.add(rec("b", "likes quiet parties", days_old=1))
    with pytest.raises(ValueError):
        store.add(rec("a", "again"))
    assert [r.id for r in store.list("u1")] == ["b", "a"]  # newest first
    assert [r.id for r in store.list("u1", kinds=["semantic"])] == ["a"]
    b = store.get("b")
    assert b is not None
    store.update(b.model_copy(update={"text": "likes small quiet parties", "importance": 0.7}))
    store.close()

    again = SQLiteMemoryStore(path)
    got = again.get("b")
    assert got is not None and got.text == "likes small quiet parties" and got.importance == 0.7
    a = again.get("a")
    assert a is not None and a.slot == "allergy" and a.created_at == T0 - dt.timedelta(days=2)
    emb = again.embeddings(["a", "b"])
    assert set(emb) == {"a"} and emb["a"].dtype == np.float32 and np.allclose(emb["a"], vec)
    assert again.count() == 2 and again.count("nobody") == 0
    assert again.delete("a") == 1 and again.delete("a") == 0
    assert again.get("a") is None
    again.close()


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "mem.db"
    SQLiteMemoryStore(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(RuntimeError, match="newer"):
        SQLiteMemoryStore(path)


def test_sqlite_store_satisfies_the_protocol() -> None:
    store = SQLiteMemoryStore(":memory:")
    assert isinstance(store, MemoryStore)
    assert not isinstance(object(), MemoryStore)
    assert not isinstance({"add": 1}, MemoryStore)


# ---------------------------------------------------------------------------------------------
# Facts, moderation
# ---------------------------------------------------------------------------------------------


def test_fact_extraction_keeps_facts_and_drops_chit_chat() -> None:
    texts = {f.text for f in extract_facts("My son Leo is allergic to peanuts, he is vegan and loves dinosaurs. "
                                            "We live in Boston.")}
    assert {"allergy: peanuts", "diet: vegan", "interest: dinosaurs", "city: Boston", "name: Leo"} <= texts
    assert extract_facts("Thanks, that looks great!") == []
    assert [f.text for f in extract_facts("No allergies anymore!")] == ["allergy: none"]
    assert [f.text for f in extract_facts("Mia is no longer allergic to eggs")] == ["allergy: no eggs", "name: Mia"]
    texts = [f.text for f in extract_facts("He loves dinosaurs and hates soccer, but doesn't like lego")]
    assert texts == ["interest: dinosaurs", "dislike: soccer", "dislike: lego"]


class TableEmbedder:
    """Returns chosen unit vectors for chosen texts (to test the similarity threshold exactly)."""

    name = "table"

    def __init__(self, table: dict[str, np.ndarray]) -> None:
        self.table = table

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for t in texts:
            fallback = np.random.default_rng(abs(hash(t)) % 2**32).normal(size=3) + np.array([0.0, 0.0, 3.0])
            v = self.table.get(t, fallback)
            out.append(v / np.linalg.norm(v))
        return np.stack(out).astype(np.float32)


def test_dedup_by_slot_normalised_text_and_embedding() -> None:
    base = np.array([1.0, 0.0, 0.0])
    near = np.array([0.96, np.sqrt(1 - 0.96**2), 0.0])   # cosine 0.96 with base
    far = np.array([0.90, np.sqrt(1 - 0.90**2), 0.0])    # cosine 0.90 with base
    emb = TableEmbedder({
        "She prefers small quiet parties": base,
        "She prefers small, calm parties": near,
        "She prefers outdoor parties": far,
    })
    store = SQLiteMemoryStore(":memory:")
    mem = AgentMemory(store, "u1", embedder=emb, clock=ticking())
    assert [d.action for d in mem.observe("She prefers small quiet parties")] == ["written"]
    assert [d.action for d in mem.observe("she prefers small quiet parties!!")] == ["duplicate"]  # normalised text
    assert [d.action for d in mem.observe("She prefers small, calm parties")] == ["duplicate"]    # cosine 0.96
    assert [d.action for d in mem.observe("She prefers outdoor parties")] == ["written"]          # cosine 0.90
    assert [d.action for d in mem.observe("Sam is allergic to peanuts")] == ["written", "written"]  # + name
    assert mem.observe("Sam is allergic to PEANUTS.")[0].action == "duplicate"
    # slot facts are never merged by embedding, however similar the vectors
    emb.table["allergy: sesame"] = emb.table["allergy: peanuts"] = base
    assert mem.observe("he is also allergic to sesame")[0].action == "written"
    assert mem.profile().allergies == ["peanuts", "sesame"]
    assert store.count("u1") == 5


def test_newer_fact_supersedes_older_which_is_kept() -> None:
    store = SQLiteMemoryStore(":memory:")
    mem = memory(store)
    mem.observe("Sam is allergic to peanuts and eggs. We live in Boston.")
    assert mem.profile().allergies == ["peanuts", "eggs"] and mem.profile().city == "Boston"
    d = mem.observe("Good news: Sam is no longer allergic to eggs")
    assert d[0].record is not None and d[0].record.text == "allergy: no eggs" and len(d[0].supersedes) == 1
    assert mem.profile().allergies == ["peanuts"]
    mem.observe("We moved to Denver last spring")
    assert mem.profile().city == "Denver"
    d = mem.observe("No allergies anymore!")
    assert len(d[0].supersedes) == 2  # "allergy: peanuts" and "allergy: no eggs"
    assert mem.profile().allergies == []
    history = store.list("u1", include_superseded=True)
    superseded = [r for r in history if r.status == "superseded"]
    assert {r.text for r in superseded} == {"allergy: peanuts", "allergy: eggs", "allergy: no eggs", "city: Boston"}
    assert all(r.superseded_by for r in superseded)
    assert all(r.status == "active" for r in store.list("u1"))
    mem.observe("Turns out she is allergic to sesame")  # a new allergy after "none" supersedes "none"
    assert mem.profile().allergies == ["sesame"]


def test_decay_orders_old_below_new_but_keeps_safety_facts() -> None:
    mod = Moderator(embedder=HASH, half_life_days=30)
    new = rec("n", "likes quiet parties", days_old=0, importance=0.6)
    month = rec("m", "likes quiet parties", days_old=30, importance=0.6)
    old = rec("o", "likes quiet parties", days_old=300, importance=0.6)
    allergy = rec("a", "allergy: peanuts", days_old=300, importance=1.0, kind="semantic", slot="allergy")
    values = [mod.decayed_importance(r, T0) for r in (new, month, old)]
    assert values[0] > values[1] > values[2]
    assert values[1] == pytest.approx(0.3)
    assert mod.decayed_importance(allergy, T0) == 1.0
    store = SQLiteMemoryStore(":memory:")
    for r in (new, month, old, allergy):
        store.add(r)
    assert mod.prune(store, "u1", now=T0, threshold=0.05) == 1
    assert {r.id for r in store.list("u1")} == {"n", "m", "a"}


def test_pii_is_redacted_before_anything_reaches_the_db_file(tmp_path: Path) -> None:
    assert redact_pii("mail ana@example.com, call (617) 555-0199") == "mail [email], call [phone]"
    assert "2026-05-03" in redact_pii("party on 2026-05-03 for 12 guests")  # dates and counts survive
    path = tmp_path / "mem.db"
    store = SQLiteMemoryStore(path)
    mem = memory(store)
    secrets = ["ana.lopez@example.com", "617-555-0199", "4111 1111 1111 1111", "4111111111111111",
               "42 Maple Street"]
    mem.observe("Sam is allergic to peanuts. Mail ana.lopez@example.com or call 617-555-0199, "
                "card 4111 1111 1111 1111, we live at 42 Maple Street.")
    mem.observe("I prefer paying with card 4111111111111111 at 42 Maple Street")
    mem.record_episode(["g-1"], feedback="Loved it! Send the receipt to ana.lopez@example.com", rating=5)
    mem.remember_turn("user", "my number is 617-555-0199")
    assert all("617" not in m.content for m in mem.working.messages)
    store.close()
    raw = path.read_bytes()
    assert b"allergy: peanuts" in raw  # the file is readable: what was kept is there
    for secret in secrets:
        assert secret.encode() not in raw, secret


def test_forget_deletes_for_real(tmp_path: Path) -> None:
    path = tmp_path / "mem.db"
    store = SQLiteMemoryStore(path)
    mem = memory(store, "u1")
    other = memory(store, "u2")
    mem.observe("Sam loves the zorblax museum tours")
    mem.observe("Sam is allergic to quinoaberries and peanuts")
    other.observe("Mia loves the grumbleton aquarium")
    note = next(r for r in store.list("u1") if "zorblax" in r.text)
    assert b"zorblax" in path.read_bytes()
    assert mem.forget(note.id) == 1
    assert b"zorblax" not in path.read_bytes()
    n = store.count("u1")
    assert n > 0 and mem.forget_all() == n
    assert store.count("u1") == 0 and b"quinoaberries" not in path.read_bytes()
    assert store.count("u2") > 0 and b"grumbleton" in path.read_bytes()
    with pytest.raises(ValueError):
        Moderator.forget(store)


# ---------------------------------------------------------------------------------------------
# Retrieval
# ---------------------------------------------------------------------------------------------


RECORDS = [
    rec("peanut", "allergy peanuts never serve peanut cake", days_old=40, importance=1.0),
    rec("venue", "liked the rooftop venue last year", days_old=1, importance=0.3),
    rec("music", "the dj played too loud music", days_old=10, importance=0.6),
]


def test_recency_importance_relevance_orderings() -> None:
    ids = lambda hits: [h.record.id for h in hits]  # noqa: E731
    assert ids(rank(RECORDS, strategy="recency", now=T0)) == ["venue", "music", "peanut"]
    assert ids(rank(RECORDS, strategy="importance", now=T0)) == ["peanut", "music", "venue"]
    assert ids(rank(RECORDS, "which rooftop venue", strategy="relevance", embedder=HASH, now=T0))[0] == "venue"
    assert ids(rank(RECORDS, "peanut cake allergy", strategy="relevance", embedder=HASH, now=T0))[0] == "peanut"
    assert len(rank(RECORDS, strategy="recency", k=2, now=T0)) == 2
    with pytest.raises(ValueError):
        rank(RECORDS, strategy="relevance")
    with pytest.raises(ValueError):
        rank(RECORDS, strategy="random")  # type: ignore[arg-type]


def test_hybrid_weights_move_the_ranking() -> None:
    ids = lambda hits: [h.record.id for h in hits]  # noqa: E731
    q = "loud music dj"
    only_recency = rank(RECORDS, q, k=None, weights={"recency": 1}, embedder=HASH, now=T0)
    only_importance = rank(RECORDS, q, k=None, weights={"importance": 1}, embedder=HASH, now=T0)
    only_relevance = rank(RECORDS, q, k=None, weights={"relevance": 1}, embedder=HASH, now=T0)
    assert ids(only_recency) == ["venue", "music", "peanut"]
    assert ids(only_importance) == ["peanut", "music", "venue"]
    assert ids(only_relevance)[0] == "music"
    mixed = rank(RECORDS, q, k=None, embedder=HASH, now=T0)
    assert ids(mixed)[0] == "music"  # relevant, fairly recent, fairly important
    assert all(0.0 <= h.score <= 1.0 for h in mixed)
    assert set(mixed[0].components) == {"recency", "relevance", "importance"}


def test_retrieve_from_store_uses_real_embeddings() -> None:
    store = SQLiteMemoryStore(":memory:")
    mem = AgentMemory(store, "u1", clock=ticking())  # default: offline e5
    mem.observe("Sam is allergic to peanuts")
    mem.observe("She prefers venues with free parking downtown")
    records = store.list("u1")
    assert all(r.embedding_hash == text_hash(mem.embedder.name, r.text) for r in records)
    hits = retrieve(store, "u1", "what food can the child not eat?", k=1, strategy="relevance", embedder=mem.embedder)
    assert hits[0].record.text == "allergy: peanuts"
    hits = mem.recall("where can guests park their cars?", k=1, strategy="relevance")
    assert "parking" in hits[0].record.text
    assert retrieve(store, "someone-else", "anything") == []


# ---------------------------------------------------------------------------------------------
# Profile, episodes, procedural, working memory
# ---------------------------------------------------------------------------------------------


def test_profile_folding_and_merge_into_request() -> None:
    store = SQLiteMemoryStore(":memory:")
    mem = memory(store)
    mem.observe("Plan my son Sam's 8th birthday in Austin, he is allergic to sesame and vegetarian. "
                "He loves dinosaurs and hates soccer.")
    mem.record_episode(["g-1", "c-9"], feedback="great", rating=5)
    mem.record_episode(["g-2"], rating=2, gift_ids=["g-2"])
    profile = LongTermProfile(store, "u1").build()
    assert isinstance(profile, UserProfile) and profile == mem.profile()
    assert profile.name == "Sam" and profile.city == "Austin"
    assert profile.allergies == ["sesame"] and profile.dietary == ["vegetarian"]
    assert profile.past_gift_ids == ["g-1", "g-2"]
    assert "interest: dinosaurs" in profile.notes and "dislike: soccer" in profile.notes
    episodes = mem.episodes()
    assert [e.rating for e in episodes] == [2, 5] and isinstance(episodes[0], Episode)
    assert episodes[1].gift_ids == ["g-1"] and episodes[1].plan_item_ids == ["g-1", "c-9"]
    request = BirthdayRequest(recipient_age=9, avoid_allergens=["eggs"], city="Boston", categories=["gift", "cake"])
    merged, exclude = merge_profile(request, profile)
    assert merged.avoid_allergens == ["eggs", "sesame"] and merged.dietary == ["vegetarian"]
    assert merged.city == "Boston"  # what the user says now wins
    assert merged.recipient_name == "Sam" and merged.interests == ["dinosaurs"] and merged.dislikes == ["soccer"]
    assert exclude == {"g-1", "g-2"}
    context = mem.context_for("plan Sam's party")
    assert "sesame" in context and "g-1" in context and "vegetarian" in context
    assert memory(store, "stranger").context_for("plan a party") == ""


def test_procedural_rules_render_a_snippet() -> None:
    store = SQLiteMemoryStore(":memory:")
    proc = ProceduralMemory(store)
    assert proc.snippet() == ""
    assert proc.seed_defaults() == 4 and proc.seed_defaults() == 0
    proc.add_rule("date_first", "Always ask for the date before searching venues.", importance=0.95)
    snippet = proc.snippet()
    assert snippet.splitlines()[1] == "- Always ask for the date before searching venues."
    assert snippet.count("\n- ") == 4 and "Ask for the date before" not in snippet  # replaced, not duplicated
    assert len(store.list(proc.scope, include_superseded=True)) == 5
    assert proc.remove("date_first") == 2 and proc.get("date_first") is None
    assert "Planning rules" in memory(store).context_for("plan")


def test_working_memory_is_bounded_and_summarises() -> None:
    wm = WorkingMemory(max_messages=6)
    wm.add("user", "Sam is allergic to peanuts.")
    for i in range(40):
        wm.add("assistant" if i % 2 else "user", f"ok, message number {i}")
        assert len(wm) <= 6
    assert "peanuts" in wm.summary and wm.summarized_count == 41 - len(wm)
    assert wm.messages[-1].content == "ok, message number 39"
    assert wm.as_chat()[0]["role"] == "system"
    calls: list[int] = []

    def summarizer(previous: str, dropped: Sequence) -> str:
        calls.append(len(dropped))
        return f"{previous}+{len(dropped)}"

    wm2 = WorkingMemory(max_messages=3, keep_after_summary=1, summarizer=summarizer)
    for i in range(7):
        wm2.add("user", str(i))
    assert calls == [3, 3] and wm2.summary == "+3+3" and [m.content for m in wm2.messages] == ["6"]
    with pytest.raises(ValueError):
        WorkingMemory(max_messages=0)


# ---------------------------------------------------------------------------------------------
# What memory buys
# ---------------------------------------------------------------------------------------------


def _item(iid: str, category: str, rating: float, **kw: object) -> CatalogItem:
    return CatalogItem(id=iid, name=iid, category=category, description=iid, price=20, review_count=5,
                       pricing="per_guest" if category == "cake" else "flat", rating=rating, **kw)


ALL_ALLERGENS = ["peanuts", "tree nuts", "gluten", "dairy", "eggs", "soy", "sesame"]
MINI_CATALOG = [
    _item("g-dino-kit", "gift", 4.9, interests=["dinosaurs", "space"], age_min=3, age_max=12),
    _item("g-dino-book", "gift", 4.5, interests=["dinosaurs", "space"], age_min=3, age_max=12),
    _item("g-lego-set", "gift", 4.7, interests=["lego"], age_min=6, age_max=17),
    _item("g-lego-mini", "gift", 4.2, interests=["lego"], age_min=6, age_max=17),
    *[_item(f"c-rich-{c}", "cake", 4.9, allergens=ALL_ALLERGENS, city=c) for c in ("Boston", "Austin")],
    *[_item(f"c-free-{c}", "cake", 4.1, allergens=[], city=c) for c in ("Boston", "Austin")],
]


def test_returning_user_benchmark_shows_what_memory_buys() -> None:
    result = returning_user_benchmark(greedy_planner(MINI_CATALOG), n_users=6, seed=0, catalog=MINI_CATALOG,
                                      embedder=HASH)
    without, with_memory = result["without_memory"], result["with_memory"]
    assert with_memory["allergy_respected_rate"] > without["allergy_respected_rate"]
    assert with_memory["repeated_gift_rate"] < without["repeated_gift_rate"]
    assert with_memory["allergy_respected_rate"] == 1.0 and with_memory["repeated_gift_rate"] == 0.0
    assert with_memory["gift_planned_rate"] == 1.0  # memory excludes the old gift, not every gift
    assert result["pii_records"] == 0
    assert result["memory_records_per_user"] > 0 and result["memory_tokens_per_user"] > 0
    assert len(result["users"]) == 6 and len({u["allergen"] for u in result["users"]}) > 1
    again = returning_user_benchmark(greedy_planner(MINI_CATALOG), n_users=6, seed=0, catalog=MINI_CATALOG,
                                     embedder=HASH)
    assert again["users"] == result["users"]


def test_extraction_module_is_used_when_present_but_negations_win(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    seen: list[str] = []

    def extract_request(text: str, today: dt.date) -> types.SimpleNamespace:
        seen.append(text)
        request = BirthdayRequest(avoid_allergens=["peanuts", "soy"], interests=["lego"], city="Seattle",
                                  recipient_name="Ada", recipient_age=9)
        return types.SimpleNamespace(request=request)

    fake = types.ModuleType("tutorial_helpers.extraction")
    fake.extract_request = extract_request  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "tutorial_helpers.extraction", fake)
    texts = [f.text for f in extract_facts("Ada is no longer allergic to peanuts")]
    assert seen and "allergy: no peanuts" in texts and "allergy: peanuts" not in texts
    assert {"allergy: soy", "interest: lego", "city: Seattle", "age: 9"} <= set(texts)
    assert texts.count("name: Ada") == 1
