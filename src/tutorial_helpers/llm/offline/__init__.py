"""The offline stand-in model: an OpenAI Chat Completions-compatible server that runs without a key.

It is a deterministic program, not an LLM. It reads the conversation with rules (the shared
extractor), calls the tools it is offered when something is missing, grounds every recommendation in
tool results or the catalog, fills any JSON schema, and answers in the voice of the role the system
prompt gives (asker, recommender, critic, router, user simulator, ...). Two tiers,
``offline-small`` and ``offline-large``, simulate latency and price.

>>> from tutorial_helpers.llm.offline import ensure_offline_server
>>> base_url = ensure_offline_server()   # http://127.0.0.1:<port>/v1
"""

from tutorial_helpers.llm.offline.faults import FaultConfig
from tutorial_helpers.llm.offline.server import (
    OfflineServer,
    create_app,
    ensure_offline_server,
    run,
    set_offline_latency,
    start_server,
)
from tutorial_helpers.llm.offline.tiers import TIERS, Tier, resolve_tier

__all__ = ["TIERS", "FaultConfig", "OfflineServer", "Tier", "create_app", "ensure_offline_server", "set_offline_latency",
           "resolve_tier", "run", "start_server"]
