"""Fault injection for reliability lessons: rate limits, server errors, timeouts, broken output.

Faults are deterministic: the n-th request to a server draws from a generator seeded with
``(seed, n)``, so a lesson that retries sees the same sequence on every run. Configure them with
:class:`FaultConfig` (``start_server(faults=...)``, ``srv.set_faults(...)``), with ``POST
/admin/faults`` and the same JSON, or for a subprocess with the environment variable
``TUTORIAL_OFFLINE_FAULTS`` (JSON).
"""

from __future__ import annotations

import json
import os
import random
import threading
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FAULTS_ENV = "TUTORIAL_OFFLINE_FAULTS"
FaultKind = Literal["429", "500", "timeout", "malformed_json", "bad_tool_args"]


class FaultConfig(BaseModel):
    """How often each fault happens (rates between 0 and 1, checked in this order).

    Attributes:
        rate_429: share of requests answered ``429 Too Many Requests`` with a ``Retry-After`` header.
        rate_500: share answered ``500 Internal Server Error``.
        rate_timeout: share that sleep ``timeout_s`` seconds before answering (longer than a client's timeout).
        rate_malformed_json: share answered with a body that is not valid JSON (with a
            ``response_format``: valid HTTP, but message content that is not valid JSON).
        rate_bad_tool_args: share of tool-calling replies whose arguments break the tool's schema.
        retry_after_s: the ``Retry-After`` value of a 429, in seconds.
        timeout_s: how long a timeout fault sleeps.
        seed: seeds the deterministic draw.
    """

    model_config = ConfigDict(extra="forbid")

    rate_429: float = Field(default=0.0, ge=0, le=1)
    rate_500: float = Field(default=0.0, ge=0, le=1)
    rate_timeout: float = Field(default=0.0, ge=0, le=1)
    rate_malformed_json: float = Field(default=0.0, ge=0, le=1)
    rate_bad_tool_args: float = Field(default=0.0, ge=0, le=1)
    retry_after_s: float = Field(default=1.0, ge=0)
    timeout_s: float = Field(default=30.0, ge=0)
    seed: int = 0

    def any_active(self) -> bool:
        """True when at least one rate is above zero."""
        return any(r > 0 for r in (self.rate_429, self.rate_500, self.rate_timeout,
                                   self.rate_malformed_json, self.rate_bad_tool_args))


def faults_from_env() -> FaultConfig | None:
    """The :class:`FaultConfig` given as JSON in ``TUTORIAL_OFFLINE_FAULTS``, or ``None``.

    Raises:
        ValueError: when the variable is set but is not a valid fault configuration.
    """
    raw = os.environ.get(FAULTS_ENV, "").strip()
    if not raw:
        return None
    try:
        return FaultConfig.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"{FAULTS_ENV} must be a JSON object of FaultConfig fields: {exc}") from exc


class FaultInjector:
    """Draws the fault (or none) of each request from a per-request counter; thread-safe."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self.counter = 0
        self.history: list[FaultKind | None] = []

    def set(self, config: FaultConfig | None) -> None:
        """Replace the configuration and restart the counter."""
        with self._lock:
            self.config = config or FaultConfig()
            self.counter = 0
            self.history = []

    def draw(self) -> tuple[FaultKind | None, bool]:
        """The fault of the next request, and whether its tool arguments should be broken.

        Returns:
            ``(kind, bad_tool_args)``: ``kind`` is one of "429", "500", "timeout", "malformed_json"
            or ``None``; ``bad_tool_args`` is drawn separately (it only matters for tool calls).
        """
        with self._lock:
            cfg, n = self.config, self.counter
            self.counter += 1
        if not cfg.any_active():
            return None, False
        rng = random.Random(f"{cfg.seed}:{n}")
        u, v = rng.random(), rng.random()
        kind: FaultKind | None = None
        edge = 0.0
        for rate, name in ((cfg.rate_429, "429"), (cfg.rate_500, "500"), (cfg.rate_timeout, "timeout"),
                           (cfg.rate_malformed_json, "malformed_json")):
            edge += rate
            if u < edge:
                kind = name  # type: ignore[assignment]
                break
        with self._lock:
            self.history.append(kind)
        return kind, v < cfg.rate_bad_tool_args
