"""Settings and the provider switch: auto-selection, .env and Colab sources, clear errors, no key leaks."""

from __future__ import annotations

import secrets
import string
import sys
import types
from pathlib import Path

import pytest

from tutorial_helpers import config
from tutorial_helpers.config import ENV_VARS, get_settings, load_settings, reset_settings
from tutorial_helpers.domain import InputError
from tutorial_helpers.llm import describe_provider, get_provider, model_for
from tutorial_helpers.llm.providers import GEMINI_BASE_URL, Provider


def fake_key(prefix: str = "sk-" + "test-") -> str:
    """A key-shaped string built at run time (never a literal that looks like a real key)."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(24))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No provider variables, no .env files, no Colab: the tests set what they need."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "dotenv_candidates", lambda: [])
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    reset_settings()
    yield
    reset_settings()


def assert_no_secret(text: str, key: str) -> None:
    assert key not in text
    assert key[-24:-12] not in text  # no chunk of the secret part either
    assert key[-12:] not in text


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "offline"),
        ({"OPENAI_API_KEY": "K"}, "openai"),
        ({"GEMINI_API_KEY": "K"}, "gemini"),
        ({"GOOGLE_API_KEY": "K"}, "gemini"),
        ({"TUTORIAL_BASE_URL": "http://127.0.0.1:9/v1"}, "compatible"),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, "compatible"),
        ({"OPENAI_API_KEY": "K", "GEMINI_API_KEY": "K"}, "openai"),
        ({"GEMINI_API_KEY": "K", "TUTORIAL_BASE_URL": "http://127.0.0.1:9/v1"}, "gemini"),
        ({"OPENAI_API_KEY": "K", "TUTORIAL_PROVIDER": "offline"}, "offline"),
        ({"TUTORIAL_PROVIDER": "  Gemini "}, "gemini"),
    ],
)
def test_provider_auto_selection(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, fake_key() if v == "K" else v)
    s = get_settings()
    assert s.provider == expected
    assert s.provider_source == ("TUTORIAL_PROVIDER" if "TUTORIAL_PROVIDER" in env else "auto")


def test_settings_follow_environment_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_settings().provider == "offline"
    monkeypatch.setenv("OPENAI_API_KEY", fake_key())
    assert get_settings().provider == "openai"  # no stale cache after a notebook sets a key


def test_overrides_win_and_unknown_provider_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake_key())
    assert get_settings(provider="offline").provider == "offline"
    assert get_settings(model_large="my-model").model_large == "my-model"
    with pytest.raises(InputError) as err:
        get_settings(provider="claude-direct")
    msg = str(err.value)
    assert "offline" in msg and "\n" not in msg and "Traceback" not in msg
    monkeypatch.setenv("TUTORIAL_PROVIDER", "nope")
    with pytest.raises(InputError):
        get_settings()


def test_seed_and_runtime_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUTORIAL_SEED", "7")
    monkeypatch.setenv("TUTORIAL_RUNTIME_DIR", str(tmp_path / "rt"))
    s = get_settings()
    assert s.seed == 7 and s.runtime_dir == tmp_path / "rt"
    monkeypatch.setenv("TUTORIAL_SEED", "seven")
    with pytest.raises(InputError, match="TUTORIAL_SEED"):
        get_settings()


@pytest.mark.parametrize(
    ("provider", "needs"),
    [("openai", "OPENAI_API_KEY"), ("gemini", "GEMINI_API_KEY"), ("compatible", "TUTORIAL_BASE_URL")],
)
def test_missing_key_is_one_clear_sentence(provider: str, needs: str) -> None:
    with pytest.raises(InputError) as err:
        get_provider(provider)
    msg = str(err.value)
    assert msg.startswith(f"TUTORIAL_PROVIDER={provider} needs {needs}")
    assert "TUTORIAL_PROVIDER=offline" in msg
    assert "\n" not in msg and "Traceback" not in msg and "File " not in msg
    assert msg.rstrip().endswith(".")
    assert err.value.__cause__ is None


def test_exact_missing_openai_message() -> None:
    with pytest.raises(InputError) as err:
        get_provider("openai")
    assert str(err.value) == ("TUTORIAL_PROVIDER=openai needs OPENAI_API_KEY: set it in .env or your environment, "
                              "or use TUTORIAL_PROVIDER=offline.")


def test_keys_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    okey, gkey, ckey = fake_key(), fake_key("AIza"), fake_key("tok-")
    monkeypatch.setenv("OPENAI_API_KEY", okey)
    monkeypatch.setenv("GEMINI_API_KEY", gkey)
    monkeypatch.setenv("TUTORIAL_API_KEY", ckey)
    monkeypatch.setenv("TUTORIAL_BASE_URL", "http://user:pw-" + ckey[-10:] + "@127.0.0.1:9/v1?key=" + ckey)
    monkeypatch.setenv("TUTORIAL_MODEL_LARGE", "m-large")
    s = get_settings()
    texts = [repr(s), str(s), f"{s}", s.model_dump_json(), repr(s.model_dump())]
    for name in ("openai", "gemini", "compatible"):
        p = get_provider(name)
        texts += [repr(p), str(p), p.model_dump_json(), describe_provider(name)]
    for text in texts:
        for key in (okey, gkey, ckey):
            assert_no_secret(text, key)
    # the secret is still there for the clients that need it
    assert get_provider("openai").api_key.get_secret_value() == okey
    assert "set" in describe_provider("openai")


def test_error_for_bad_value_does_not_echo_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key()
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with pytest.raises(InputError) as err:
        get_settings(seed="not-a-number-" + key)
    assert_no_secret(str(err.value), key)


def test_dotenv_file_loads_but_never_overrides_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key()
    env_file = tmp_path / ".env"
    env_file.write_text(f'# comment\nTUTORIAL_PROVIDER=openai\nOPENAI_API_KEY="{key}"\nTUTORIAL_SEED=3\n')
    s = load_settings(env={}, dotenv_paths=[env_file], colab=False)
    assert s.provider == "openai" and s.seed == 3
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == key
    s = load_settings(env={"TUTORIAL_PROVIDER": "offline", "TUTORIAL_SEED": "5"}, dotenv_paths=[env_file], colab=False)
    assert s.provider == "offline" and s.seed == 5
    # through get_settings, and the file does not leak into os.environ
    monkeypatch.setattr(config, "dotenv_candidates", lambda: [env_file])
    assert get_settings().provider == "openai"
    import os

    assert "OPENAI_API_KEY" not in os.environ


def test_dotenv_earlier_file_wins(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / ".env").write_text("TUTORIAL_SEED=1\n")
    (tmp_path / "b" / ".env").write_text("TUTORIAL_SEED=2\nTUTORIAL_MODEL_SMALL=from-b\n")
    s = load_settings(env={}, dotenv_paths=[tmp_path / "a" / ".env", tmp_path / "b" / ".env", tmp_path / "x"],
                      colab=False)
    assert s.seed == 1 and s.model_small == "from-b"


def test_dotenv_candidates_cover_cwd_and_repo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.undo()  # the real function
    monkeypatch.chdir(tmp_path)
    paths = config.dotenv_candidates()
    assert paths[0] == (tmp_path / ".env").resolve()
    if config.REPO_ROOT is not None:
        assert (config.REPO_ROOT / ".env").resolve() in paths


def _fake_colab(monkeypatch: pytest.MonkeyPatch, secrets_: dict[str, str]) -> list[str]:
    asked: list[str] = []

    class SecretNotFoundError(Exception):
        pass

    def get(name: str) -> str:
        asked.append(name)
        if name not in secrets_:
            raise SecretNotFoundError(name)
        return secrets_[name]

    colab = types.ModuleType("google.colab")
    colab.userdata = types.SimpleNamespace(get=get)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return asked


def test_colab_secrets_are_used_when_env_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    key = fake_key()
    asked = _fake_colab(monkeypatch, {"OPENAI_API_KEY": key})
    s = get_settings()
    assert s.provider == "openai"
    assert s.openai_api_key is not None and s.openai_api_key.get_secret_value() == key
    assert "OPENAI_API_KEY" in asked
    # the real environment still wins
    monkeypatch.setenv("TUTORIAL_PROVIDER", "offline")
    assert get_settings().provider == "offline"


def test_colab_failures_never_break_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    colab = types.ModuleType("google.colab")

    def broken(name: str) -> str:
        raise RuntimeError("notebook access denied")

    colab.userdata = types.SimpleNamespace(get=broken)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert get_settings().provider == "offline"


def test_default_models_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake_key())
    assert (model_for("small"), model_for("large")) == ("gpt-4o-mini", "gpt-4o")
    monkeypatch.setenv("GEMINI_API_KEY", fake_key("AIza"))
    p = get_provider("gemini")
    assert (p.model_small, p.model_large, p.base_url) == ("gemini-2.5-flash-lite", "gemini-2.5-flash", GEMINI_BASE_URL)
    monkeypatch.setenv("TUTORIAL_MODEL_LARGE", "gpt-4.1-mini")
    assert model_for("large", "openai") == "gpt-4.1-mini"
    assert get_provider("openai").base_url is None  # the SDK default endpoint
    with pytest.raises(InputError):
        model_for("medium")  # type: ignore[arg-type]


def test_offline_provider_starts_local_server() -> None:
    p = get_provider()
    assert p.name == "offline" and p.is_offline and p.is_local
    assert p.base_url is not None and p.base_url.startswith("http://127.0.0.1:")
    assert (p.model_for("small"), p.model_for("large")) == ("offline-small", "offline-large")
    assert get_provider(p) is p
    text = describe_provider()
    assert "offline" in text and "not an LLM" in text and "deterministic" in text


def test_compatible_reads_models_from_server(monkeypatch: pytest.MonkeyPatch) -> None:
    base = get_provider("offline").base_url
    assert base is not None
    monkeypatch.setenv("TUTORIAL_BASE_URL", base)
    p = get_provider()
    assert p.name == "compatible" and not p.is_offline
    assert p.model_large.startswith("offline-")  # the first model the server lists
    monkeypatch.setenv("TUTORIAL_MODEL_LARGE", "offline-large")
    monkeypatch.setenv("TUTORIAL_MODEL_SMALL", "offline-small")
    p = get_provider()
    assert (p.model_small, p.model_large) == ("offline-small", "offline-large")
    assert "real model" in describe_provider().lower()


def test_compatible_without_models_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTORIAL_BASE_URL", "http://127.0.0.1:1/v1")  # nothing listens on port 1
    with pytest.raises(InputError, match="TUTORIAL_MODEL_LARGE"):
        get_provider()


def test_local_tiny_explains_the_install() -> None:
    from tutorial_helpers.llm.local_tiny import is_available

    if is_available():
        pytest.skip("local-tiny packages installed here")
    with pytest.raises(InputError, match="pip install"):
        get_provider("local-tiny")


def test_provider_is_frozen_and_typed() -> None:
    p = get_provider("offline")
    assert isinstance(p, Provider)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError for frozen models
        p.name = "openai"  # type: ignore[misc]
