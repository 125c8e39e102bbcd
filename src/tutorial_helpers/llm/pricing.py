"""Prices in USD per million tokens, so that the usage meter can put a cost on every call.

The offline tiers have simulated prices (from :data:`tutorial_helpers.llm.offline.TIERS`) so that the
routing and fan-out lessons measure a real trade-off. Real prices are list prices at the time of
writing; check your provider's page before quoting them. Unknown models cost 0 and are flagged.

Example::

    from tutorial_helpers.llm.pricing import cost_usd, price_for
    cost_usd("gpt-4o-mini", prompt_tokens=1_000, completion_tokens=200)   # 0.00027
"""

from __future__ import annotations

from dataclasses import dataclass

#: provider prefixes that LiteLLM / CrewAI put before a model name
PREFIXES: tuple[str, ...] = ("openai/", "gemini/", "litellm/", "openai_compatible/", "hosted_vllm/", "offline/",
                             "models/")


@dataclass(frozen=True)
class Price:
    """USD per million prompt (input) and completion (output) tokens.

    Attributes:
        input_per_mtok: USD per 1M prompt tokens.
        output_per_mtok: USD per 1M completion tokens.
        known: False when the model is not in the table (the price is then 0).
    """

    input_per_mtok: float
    output_per_mtok: float
    known: bool = True

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """USD for one call with these token counts."""
        return (prompt_tokens * self.input_per_mtok + completion_tokens * self.output_per_mtok) / 1_000_000


#: list prices of a few real models (USD per 1M tokens: input, output)
REAL_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gemini-2.5-flash-lite": Price(0.10, 0.40),
    "gemini-2.5-flash": Price(0.30, 2.50),
    "gemini-2.5-pro": Price(1.25, 10.00),
}

def offline_prices() -> dict[str, Price]:
    """Prices of the offline tiers, read from the offline server's tier table."""
    from tutorial_helpers.llm.offline.tiers import TIERS

    return {name: Price(t.price_in_per_mtok, t.price_out_per_mtok) for name, t in TIERS.items()}


def normalize_model(model: str | None) -> str:
    """``"openai/gpt-4o-mini-2024-07-18"`` -> ``"gpt-4o-mini-2024-07-18"`` (prefix dropped, lower case)."""
    name = (model or "").strip().lower()
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def price_for(model: str | None) -> Price:
    """The price of a model; dated snapshots (``gpt-4o-2024-08-06``) use their family's price.

    Unknown models get ``Price(0, 0, known=False)``.
    """
    name = normalize_model(model)
    table = {**REAL_PRICES, **offline_prices()}
    if name in table:
        return table[name]
    # longest family name that prefixes the snapshot name: "gpt-4o-mini-2024-07-18" -> "gpt-4o-mini"
    for family in sorted(table, key=len, reverse=True):
        if name.startswith(family + "-") and name[len(family) + 1:][:1].isdigit():
            return table[family]
    return Price(0.0, 0.0, known=False)


def cost_usd(model: str | None, prompt_tokens: int, completion_tokens: int) -> float:
    """USD for one call of ``model`` (0 for unknown models; see :func:`price_for`)."""
    return price_for(model).cost(prompt_tokens, completion_tokens)


def is_priced(model: str | None) -> bool:
    """True when the model is in the price table."""
    return price_for(model).known
