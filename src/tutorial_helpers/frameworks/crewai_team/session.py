"""What one CrewAI planning run shares between its agents, tools and flow steps.

A :class:`Session` holds the validated request, the catalog, the usage meter, the trace and the
warnings of one run, plus every item id the catalog tools returned (so the plan can be grounded in
tool results, whatever the agents wrote). Tools run in CrewAI's worker threads, so the shared lists
are guarded by a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from tutorial_helpers.domain import BirthdayRequest
from tutorial_helpers.llm import UsageMeter
from tutorial_helpers.planning.pipeline import Step

Tier = Literal["small", "large"]

#: the model tier of each agent: understanding the request and choosing the plan under the budget
#: get the large tier; the tool-calling specialists, the critic (backed by the deterministic
#: guardrail) and the explainer do simpler work on the small one
AGENT_TIERS: dict[str, Tier] = {
    "extractor": "large",
    "gift specialist": "small",
    "cake specialist": "small",
    "venue specialist": "small",
    "coordinator": "large",
    "critic": "small",
    "explainer": "small",
}


@dataclass
class Session:
    """The shared state of one run (not CrewAI's flow state: this one holds live objects).

    Attributes:
        request: the validated request (hard constraints never change after validation).
        text: the person's own words.
        catalog: the catalog the tools read.
        provider: the resolved provider (:class:`tutorial_helpers.llm.Provider`).
        meter: receives every model call, labelled with the agent that made it.
        seed: passed to every model call.
        verbose: CrewAI's console panels for every step (off: the trace says who did what).
        trace: who did what, in order.
        warnings: what degraded and why.
        found_ids: every item id a catalog tool returned, in order.
    """

    request: BirthdayRequest
    catalog: Any
    provider: Any
    text: str = ""
    meter: UsageMeter = field(default_factory=lambda: UsageMeter("crewai"))
    seed: int = 0
    verbose: bool = False
    tiers: dict[str, Tier] = field(default_factory=lambda: dict(AGENT_TIERS))
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    found_ids: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def log(self, agent: str, action: str, detail: str) -> None:
        """Add one line to the trace (thread-safe)."""
        with self._lock:
            self.trace.append(Step(agent, action, " ".join(str(detail).split())[:300]))

    def warn(self, message: str) -> None:
        """Record something that degraded (thread-safe, no duplicates)."""
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)

    def found(self, ids: list[str]) -> None:
        """Remember item ids a tool returned (thread-safe)."""
        with self._lock:
            self.found_ids += [i for i in ids if i not in self.found_ids]

    def model_name(self, agent: str) -> str:
        """The model name an agent uses (from its tier; never a literal)."""
        return self.provider.model_for(self.tiers.get(agent, "large"))

    def llm(self, agent: str) -> Any:
        """A ``crewai.LLM`` for ``agent``: its tier's model, reporting usage under the agent's name.

        The usage reaches this session's meter because :func:`tutorial_helpers.frameworks.crewai_team.run`
        makes it the active meter around the flow (CrewAI copies the context into its threads).
        """
        return cached_llm(self.provider, self.tiers.get(agent, "large"), agent, self.seed)


_LLMS: dict[tuple[Any, ...], Any] = {}
_LLMS_LOCK = threading.Lock()


def cached_llm(provider: Any, tier: Tier, agent: str, seed: int = 0) -> Any:
    """One ``crewai.LLM`` per (provider, tier, agent, seed), built once per process.

    Building a ``crewai.LLM`` creates two HTTP clients and loads the system's TLS certificates
    (about 0.1 s each); a plan uses seven agents, so the objects are reused between runs. Each
    carries a fixed agent label and reports to whichever meters are active.
    """
    from tutorial_helpers.llm import crewai_llm

    key = (provider.name, provider.base_url, provider.model_for(tier), agent, seed)
    with _LLMS_LOCK:
        if key not in _LLMS:
            _LLMS[key] = crewai_llm(tier, provider, agent=agent, seed=seed)
        return _LLMS[key]
