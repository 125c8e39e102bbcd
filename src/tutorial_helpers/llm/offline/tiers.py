"""Tier profiles of the offline model: simulated latency and price.

Two tiers make routing and fan-out lessons measure something real:

* ``offline-small``: fast (about 0.05 s a call) and cheap (like a mini model: 0.15 / 0.60 USD per
  million input / output tokens);
* ``offline-large``: slower (about 0.4 s a call plus a little per output token) and pricier (2.50 /
  10.00 USD per million tokens).

Both read the conversation with the same reader. How often each one errs (misreads a constraint,
invents an item id, slips in a total, breaks tool arguments, ...) is its declared, seeded error profile
in :mod:`tutorial_helpers.llm.offline.profile`, not a weaker reader written into the code.

Latency is multiplied by a scale: ``latency_scale`` of :func:`~tutorial_helpers.llm.offline.start_server`
or the environment variable ``TUTORIAL_OFFLINE_LATENCY_SCALE`` (tests use 0).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

LATENCY_ENV = "TUTORIAL_OFFLINE_LATENCY_SCALE"
#: prefixes that clients put before a model name ("openai/offline-large" from LiteLLM or CrewAI)
PROVIDER_PREFIXES = ("openai/", "litellm/", "openai_compatible/", "hosted_vllm/", "offline/")


@dataclass(frozen=True)
class Tier:
    """One model tier: how long it takes, what it costs and how well it understands.

    Attributes:
        name: the model name clients send ("offline-small").
        latency_base_s: seconds per call, before scaling.
        latency_per_token_s: extra seconds per output token, before scaling.
        price_in_per_mtok: USD per million prompt tokens.
        price_out_per_mtok: USD per million completion tokens.
        level: the reader's level: "full" for both shipped tiers (paraphrases, optimisation); "small"
            (lexical reading, first fit) is kept for experiments with a tier made weak by construction.
    """

    name: str
    latency_base_s: float
    latency_per_token_s: float
    price_in_per_mtok: float
    price_out_per_mtok: float
    level: Literal["small", "full"]

    def latency_s(self, completion_tokens: int, scale: float = 1.0) -> float:
        """Simulated seconds for a reply of ``completion_tokens`` tokens."""
        return max(0.0, scale) * (self.latency_base_s + self.latency_per_token_s * max(0, completion_tokens))

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        """What a call would cost at this tier's prices."""
        return (prompt_tokens * self.price_in_per_mtok + completion_tokens * self.price_out_per_mtok) / 1_000_000


TIERS: dict[str, Tier] = {
    "offline-small": Tier("offline-small", 0.05, 0.0001, 0.15, 0.60, "full"),
    "offline-large": Tier("offline-large", 0.40, 0.001, 2.50, 10.00, "full"),
}


def resolve_tier(model: str | None) -> Tier | None:
    """The tier for a model name, accepting a provider prefix ("openai/offline-large"); ``None`` if unknown."""
    if not model:
        return None
    name = model.strip()
    for prefix in PROVIDER_PREFIXES:
        if name.lower().startswith(prefix):
            name = name[len(prefix):]
            break
    return TIERS.get(name.lower())


def latency_scale_from_env(default: float = 1.0) -> float:
    """The latency scale from ``TUTORIAL_OFFLINE_LATENCY_SCALE`` (``default`` when unset or not a number)."""
    raw = os.environ.get(LATENCY_ENV, "").strip()
    if not raw:
        return default
    try:
        return max(0.0, float(raw))
    except ValueError:
        return default
