"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def perfect_stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The offline stand-in with its error profiles switched off (rates 0), for tests of its reader and protocol.

    The declared error profiles (``tutorial_helpers.llm.offline.profile``) are tested on their own; tests
    of what the stand-in understands, how it speaks the protocol and how adapters drive it must not depend
    on seeded errors.
    """
    from tutorial_helpers.llm.offline.profile import DEFAULT_PROFILES, ERROR_SCALE_ENV, ErrorProfile, set_error_profile

    monkeypatch.setenv(ERROR_SCALE_ENV, "0")  # a stand-in started in another process errs no more
    for model in DEFAULT_PROFILES:
        set_error_profile(model, ErrorProfile())
    try:
        yield
    finally:
        for model in DEFAULT_PROFILES:
            set_error_profile(model, None)
