"""The offline stand-in model: an OpenAI Chat Completions-compatible server that runs without a key.

It is a deterministic program, not an LLM. It reads the conversation with rules (the shared
extractor), calls the tools it is offered when something is missing, grounds every recommendation in
tool results or the catalog, fills any JSON schema, and answers in the voice of the role the system
prompt gives (asker, recommender, critic, router, user simulator, ...). Two tiers,
``offline-small`` and ``offline-large``, read alike and simulate latency, price and a declared, seeded
error profile (:mod:`.profile`: how often each one misreads a constraint, invents an id, slips in a
total, breaks tool arguments or structured output, refuses or over-asks).

>>> from tutorial_helpers.llm.offline import ensure_offline_server
>>> base_url = ensure_offline_server()   # http://127.0.0.1:<port>/v1
"""

from tutorial_helpers.llm.offline.faults import FaultConfig
from tutorial_helpers.llm.offline.profile import (
    DEFAULT_PROFILES,
    ErrorProfile,
    error_profile,
    get_error_profile,
    set_error_profile,
)
from tutorial_helpers.llm.offline.server import (
    OfflineServer,
    create_app,
    ensure_offline_server,
    run,
    set_offline_latency,
    start_server,
)
from tutorial_helpers.llm.offline.tiers import TIERS, Tier, resolve_tier

__all__ = ["DEFAULT_PROFILES", "TIERS", "ErrorProfile", "FaultConfig", "error_profile", "get_error_profile",
           "set_error_profile", "OfflineServer", "Tier", "create_app", "ensure_offline_server", "set_offline_latency",
           "resolve_tier", "run", "start_server"]
