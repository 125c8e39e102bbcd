"""Settings: which model provider to use, its keys and model names, the seed and the runtime folder.

One place reads the configuration, in this order (the first that has a value wins):

1. the real environment (``os.environ``);
2. a ``.env`` file in the current directory, then one at the repository root (never overriding 1);
3. Colab secrets (``google.colab.userdata``), only when running in Colab.

With no key anywhere, everything runs on the offline stand-in model. Keys are held as
:class:`pydantic.SecretStr`: ``repr``, ``str`` and error messages never show them.

Example::

    from tutorial_helpers.config import get_settings
    s = get_settings()
    s.provider          # "offline", "openai", "gemini", "compatible" or "local-tiny"
    get_settings(provider="offline").provider
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_serializer

from tutorial_helpers.domain import InputError, friendly_error

PROVIDERS: tuple[str, ...] = ("offline", "openai", "gemini", "compatible", "local-tiny")

#: model names per provider when TUTORIAL_MODEL_SMALL / TUTORIAL_MODEL_LARGE are not set
DEFAULT_MODELS: dict[str, tuple[str | None, str | None]] = {
    "offline": ("offline-small", "offline-large"),
    "openai": ("gpt-4o-mini", "gpt-4o"),
    "gemini": ("gemini-2.5-flash-lite", "gemini-2.5-flash"),
    "compatible": (None, None),  # required, or read from the server's /v1/models
    "local-tiny": ("smollm2-135m-instruct", "smollm2-135m-instruct"),
}

#: every variable the settings read (documented in .env.example)
ENV_VARS: tuple[str, ...] = (
    "TUTORIAL_PROVIDER", "OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "TUTORIAL_BASE_URL",
    "OPENAI_BASE_URL", "TUTORIAL_API_KEY", "TUTORIAL_MODEL_SMALL", "TUTORIAL_MODEL_LARGE", "TUTORIAL_SEED",
    "TUTORIAL_RUNTIME_DIR",
)
_SECRET_VARS = frozenset({"OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "TUTORIAL_API_KEY"})

#: the repository checkout this package lives in (None when installed into site-packages)
_PKG_DIR = Path(__file__).resolve().parent
REPO_ROOT: Path | None = (
    _PKG_DIR.parents[1] if (_PKG_DIR.parents[1] / "pyproject.toml").is_file() else None
)


class Settings(BaseModel):
    """The resolved configuration. Build it with :func:`get_settings`, not directly.

    Attributes:
        provider: "offline", "openai", "gemini", "compatible" or "local-tiny".
        provider_source: where ``provider`` came from: "TUTORIAL_PROVIDER", "auto" or "override".
        openai_api_key: OPENAI_API_KEY (secret).
        gemini_api_key: GEMINI_API_KEY, or GOOGLE_API_KEY (secret).
        base_url: TUTORIAL_BASE_URL, or OPENAI_BASE_URL: an OpenAI-compatible endpoint ("compatible").
        compatible_api_key: TUTORIAL_API_KEY, the key of that endpoint, if it needs one (secret).
        model_small: TUTORIAL_MODEL_SMALL, or None for the provider's default.
        model_large: TUTORIAL_MODEL_LARGE, or None for the provider's default.
        seed: TUTORIAL_SEED (default 0).
        runtime_dir: TUTORIAL_RUNTIME_DIR: where frameworks may write files (default ``<repo>/.runtime``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str = "offline"
    provider_source: str = "auto"
    openai_api_key: SecretStr | None = None
    gemini_api_key: SecretStr | None = None
    base_url: str | None = None
    compatible_api_key: SecretStr | None = None
    model_small: str | None = None
    model_large: str | None = None
    seed: int = 0
    runtime_dir: Path = Field(default_factory=lambda: default_runtime_dir())

    @field_serializer("base_url")
    def _serialize_base_url(self, value: str | None) -> str | None:
        return redact_url(value)  # a URL can carry credentials: dumps show it without them

    def key_for(self, provider: str | None = None) -> SecretStr | None:
        """The secret key the given provider (default: the chosen one) would use, or None."""
        name = provider or self.provider
        return {
            "openai": self.openai_api_key,
            "gemini": self.gemini_api_key,
            "compatible": self.compatible_api_key,
        }.get(name)

    def _public(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "openai_api_key": "set" if self.openai_api_key else "unset",
            "gemini_api_key": "set" if self.gemini_api_key else "unset",
            "base_url": redact_url(self.base_url),
            "compatible_api_key": "set" if self.compatible_api_key else "unset",
            "model_small": self.model_small,
            "model_large": self.model_large,
            "seed": self.seed,
            "runtime_dir": str(self.runtime_dir),
        }

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._public().items())
        return f"Settings({inner})"

    def __str__(self) -> str:
        return self.__repr__()

    def __repr_args__(self) -> Any:  # used by pydantic's rich/pretty printing
        return list(self._public().items())


def redact_url(url: str | None) -> str | None:
    """Drop ``user:password@`` and query strings from a URL so that it can be shown."""
    if not url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
        return True
    except OSError:
        return False


def default_runtime_dir() -> Path:
    """``<repo>/.runtime`` when this is a writable checkout, else a folder in the system temp dir."""
    if REPO_ROOT is not None and _writable(REPO_ROOT / ".runtime"):
        return REPO_ROOT / ".runtime"
    return Path(tempfile.gettempdir()) / "tutorial_helpers-runtime"


def dotenv_candidates() -> list[Path]:
    """The ``.env`` files read, highest priority first: the current directory, then the repository root."""
    out: list[Path] = []
    for base in (Path.cwd(), REPO_ROOT):
        if base is None:
            continue
        path = (base / ".env").resolve()
        if path not in out:
            out.append(path)
    return out


@lru_cache(maxsize=16)
def _read_dotenv(path: str, mtime: float) -> dict[str, str]:
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def read_dotenv(paths: Iterable[Path]) -> dict[str, str]:
    """Merge the variables of the given ``.env`` files (earlier files win); missing files are skipped."""
    merged: dict[str, str] = {}
    for path in paths:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        for k, v in _read_dotenv(str(path), mtime).items():
            merged.setdefault(k, v)
    return merged


_COLAB_CACHE: dict[str, str | None] = {}


def read_colab_secret(name: str) -> str | None:
    """A Colab secret by name, or None (not in Colab, not granted, missing). Never raises."""
    if name in _COLAB_CACHE:
        return _COLAB_CACHE[name]
    value: str | None = None
    try:
        from google.colab import userdata  # type: ignore[import-not-found]
    except ImportError:
        return None  # not in Colab: do not cache, nothing to ask
    try:
        value = userdata.get(name) or None
    except Exception:  # noqa: BLE001 - Colab raises its own SecretNotFoundError / NotebookAccessError
        value = None
    _COLAB_CACHE[name] = value
    return value


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip('"').strip("'").strip()
    return value or None


def load_settings(
    env: Mapping[str, str] | None = None,
    dotenv_paths: Iterable[Path] | None = None,
    colab: bool = True,
    **overrides: Any,
) -> Settings:
    """Build :class:`Settings` from explicit sources (what :func:`get_settings` calls).

    Args:
        env: the environment (default ``os.environ``).
        dotenv_paths: ``.env`` files to read (default :func:`dotenv_candidates`).
        colab: also ask Colab secrets for variables still missing.
        **overrides: field values that win over everything (``provider="offline"``).

    Raises:
        InputError: an unknown provider, a seed that is not a number, or a bad override.
    """
    env = os.environ if env is None else env
    file_vars = read_dotenv(dotenv_candidates() if dotenv_paths is None else dotenv_paths)

    def get(name: str) -> str | None:
        value = _clean(env.get(name))
        if value is None:
            value = _clean(file_vars.get(name))
        if value is None and colab and name in _SECRET_VARS | {"TUTORIAL_PROVIDER", "TUTORIAL_BASE_URL"}:
            value = _clean(read_colab_secret(name))
        return value

    openai_key = get("OPENAI_API_KEY")
    gemini_key = get("GEMINI_API_KEY") or get("GOOGLE_API_KEY")
    base_url = get("TUTORIAL_BASE_URL") or get("OPENAI_BASE_URL")
    chosen = get("TUTORIAL_PROVIDER")
    if chosen:
        provider, source = chosen.lower(), "TUTORIAL_PROVIDER"
    elif openai_key:
        provider, source = "openai", "auto"
    elif gemini_key:
        provider, source = "gemini", "auto"
    elif base_url:
        provider, source = "compatible", "auto"
    else:
        provider, source = "offline", "auto"
    seed_raw = get("TUTORIAL_SEED")
    try:
        seed = int(seed_raw) if seed_raw is not None else 0
    except ValueError:
        raise InputError(f"TUTORIAL_SEED must be a whole number (got {seed_raw!r}).") from None
    runtime_raw = get("TUTORIAL_RUNTIME_DIR")
    values: dict[str, Any] = {
        "provider": provider,
        "provider_source": source,
        "openai_api_key": openai_key,
        "gemini_api_key": gemini_key,
        "base_url": base_url,
        "compatible_api_key": get("TUTORIAL_API_KEY"),
        "model_small": get("TUTORIAL_MODEL_SMALL"),
        "model_large": get("TUTORIAL_MODEL_LARGE"),
        "seed": seed,
    }
    if runtime_raw:
        values["runtime_dir"] = Path(runtime_raw).expanduser()
    if overrides.get("provider"):
        overrides = {**overrides, "provider": str(overrides["provider"]).lower(), "provider_source": "override"}
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values["provider"] not in PROVIDERS:
        raise InputError(
            f"Unknown provider {values['provider']!r}: choose one of {', '.join(PROVIDERS)} "
            "(TUTORIAL_PROVIDER or --provider)."
        )
    try:
        return Settings(**values)
    except ValidationError as exc:
        # the message names the field, never its value (keys stay secret)
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})
        raise InputError(f"Invalid settings for {', '.join(fields) or 'the configuration'}: "
                         f"{_safe_error(exc)}") from None


def _safe_error(exc: ValidationError) -> str:
    text = friendly_error(exc)
    return text if len(text) < 200 else text[:200] + "..."


def _env_snapshot() -> tuple[tuple[str, str | None], ...]:
    return tuple((name, os.environ.get(name)) for name in ENV_VARS) + (("cwd", os.getcwd()),)


@lru_cache(maxsize=8)
def _cached(snapshot: tuple[tuple[str, str | None], ...], dotenv_stamp: tuple[tuple[str, float], ...]) -> Settings:
    return load_settings()


def _dotenv_stamp() -> tuple[tuple[str, float], ...]:
    stamp = []
    for path in dotenv_candidates():
        try:
            stamp.append((str(path), path.stat().st_mtime))
        except OSError:
            continue
    return tuple(stamp)


def get_settings(**overrides: Any) -> Settings:
    """The current settings (environment, then ``.env``, then Colab secrets), with ``overrides`` on top.

    The result is cached until a relevant environment variable or ``.env`` file changes, so calling it
    often is cheap, and setting ``os.environ["OPENAI_API_KEY"]`` in a notebook takes effect at once.

    Args:
        **overrides: field values that win, e.g. ``provider="offline"``, ``model_large="gpt-4.1-mini"``;
            ``None`` values are ignored.

    Returns:
        A frozen :class:`Settings`.

    Raises:
        InputError: an unknown provider or an invalid value (one sentence; keys are never shown).
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        return load_settings(**overrides)
    return _cached(_env_snapshot(), _dotenv_stamp())


def reset_settings() -> None:
    """Forget cached settings and Colab secrets (tests, or after editing ``.env`` by hand)."""
    _cached.cache_clear()
    _read_dotenv.cache_clear()
    _COLAB_CACHE.clear()
