"""Environment hygiene: telemetry off, nothing fetched, framework files kept out of your home folder.

Agent frameworks phone home by default (CrewAI telemetry and tracing, LiteLLM's price-map download,
OpenTelemetry exporters, LangSmith tracing when configured) and write files under ``~``. This module
sets the environment variables that stop that, **before** a framework is imported. The framework
adapters call :func:`apply` for you; ``import tutorial_helpers.llm`` calls it too.

Every variable is set with ``setdefault``: a value you set yourself wins.

Example::

    from tutorial_helpers.llm import hygiene
    hygiene.apply()
    hygiene.applied()   # {"CREWAI_DISABLE_TELEMETRY": "true", ...}
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

#: variables that switch telemetry, tracing and downloads off (value set only when unset)
TELEMETRY_OFF: dict[str, str] = {
    # CrewAI: telemetry thread (retries DNS at exit), tracking and trace upload
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_DISABLE_TRACKING": "true",
    "CREWAI_TRACING_ENABLED": "false",
    # OpenTelemetry SDK (CrewAI, ADK): no exporter, no span processing
    "OTEL_SDK_DISABLED": "true",
    # LiteLLM (ADK's LiteLlm): use the bundled model price map instead of downloading it
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_LOG": "ERROR",
    # chromadb / mem0 / embedchain style telemetry
    "ANONYMIZED_TELEMETRY": "False",
    "MEM0_TELEMETRY": "False",
    # Hugging Face: never reach the hub
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # LangChain / LangSmith tracing
    "LANGCHAIN_TRACING_V2": "false",
    "LANGSMITH_TRACING": "false",
    # generic opt-outs that several tools honour
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "true",
    # AG2: run generated code locally only when asked, never pull a docker image
    "AUTOGEN_USE_DOCKER": "False",
    # tokenizers: no fork warnings in notebooks
    "TOKENIZERS_PARALLELISM": "false",
}

#: loggers that are noisy at INFO/WARNING in notebooks
NOISY_LOGGERS: tuple[str, ...] = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx", "opentelemetry")

_lock = threading.Lock()
_applied: dict[str, str] = {}


def runtime_dir() -> Path:
    """The folder where frameworks may write (``TUTORIAL_RUNTIME_DIR``, default ``<repo>/.runtime``)."""
    from tutorial_helpers.config import get_settings

    path = Path(get_settings().runtime_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def storage_vars(base: Path) -> dict[str, str]:
    """Variables that move framework storage under ``base``.

    CrewAI stores memory, flow state and its secret key under ``user_data_dir(CREWAI_STORAGE_DIR)``;
    an absolute path there puts all of it in ``base/crewai``. Only framework-specific variables are
    set: ``XDG_DATA_HOME`` / ``XDG_CONFIG_HOME`` are left alone because Jupyter reads them too.
    """
    return {"CREWAI_STORAGE_DIR": str(base / "crewai")}


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except OSError:
        pass
    return path


def _contain_crewai_token_manager(module: ModuleType, base: Path) -> None:
    # CrewAI creates ~/.local/share/crewai/credentials/secret.key at import (its tracing listener asks
    # for a login token); the path is hard-coded, so point the function at the runtime folder instead.
    manager = getattr(module, "TokenManager", None)
    if manager is not None and hasattr(manager, "_get_secure_storage_path"):
        manager._get_secure_storage_path = staticmethod(lambda: _private_dir(base / "crewai" / "credentials"))


def _contain_crewai_settings(module: ModuleType, base: Path) -> None:
    # CrewAI creates ~/.config/crewai/ (its CLI settings) at import; the path is a module constant.
    if hasattr(module, "DEFAULT_CONFIG_PATH"):
        module.DEFAULT_CONFIG_PATH = base / "crewai" / "config" / "settings.json"


#: modules whose home-folder paths are moved under the runtime folder right after they are imported
_CONTAIN: dict[str, Callable[[ModuleType, Path], None]] = {
    "crewai_core.token_manager": _contain_crewai_token_manager,
    "crewai_core.settings": _contain_crewai_settings,
}


def _call_patch(patch: Callable[[ModuleType, Path], None], base: Path, module: ModuleType) -> None:
    patch(module, base)


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader, patch: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._patch = patch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._patch(module)


class _ContainFinder(importlib.abc.MetaPathFinder):
    """Patches the modules of :data:`_CONTAIN` as they are imported (costs nothing otherwise)."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        patch = _CONTAIN.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)  # type: ignore[arg-type]
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = _PatchingLoader(spec.loader, functools.partial(_call_patch, patch, self.base))
                return spec
            if spec is not None:
                return None
        return None


def contain_framework_files(base: Path) -> None:
    """Keep CrewAI's credentials key and settings folder out of ``~`` (under ``base/crewai``).

    Modules already imported are patched now; the others when they are imported.
    """
    for name, patch in _CONTAIN.items():
        module = sys.modules.get(name)
        if module is not None:
            patch(module, base)
    if not any(isinstance(f, _ContainFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _ContainFinder(base))


def apply(base: Path | None = None) -> dict[str, str]:
    """Switch telemetry off and redirect framework files; safe to call many times.

    Args:
        base: folder for framework files (default :func:`runtime_dir`).

    Returns:
        The variables this call (or an earlier one) set, name -> value.
    """
    with _lock:
        wanted = dict(TELEMETRY_OFF)
        try:
            base = base or runtime_dir()
            wanted.update(storage_vars(base))
            contain_framework_files(base)
        except OSError:  # a read-only checkout and temp dir: keep the telemetry part
            pass
        for name, value in wanted.items():
            if name not in os.environ:
                os.environ[name] = value
                _applied[name] = value
        for name in NOISY_LOGGERS:
            logger = logging.getLogger(name)
            if logger.level == logging.NOTSET or logger.level < logging.WARNING:
                logger.setLevel(logging.WARNING)
        return dict(_applied)


def applied() -> dict[str, str]:
    """What :func:`apply` has set so far in this process."""
    return dict(_applied)


def quiet_litellm() -> None:
    """Silence LiteLLM's banner and debug output (call after importing litellm)."""
    try:
        import litellm
    except ImportError:
        return
    litellm.suppress_debug_info = True
    litellm.telemetry = False
    litellm.set_verbose = False
    for name in NOISY_LOGGERS[:4]:
        logging.getLogger(name).setLevel(logging.ERROR)
