"""The tool registry, OpenAI tool schemas built from signatures, and a safe ``call_tool``.

One pydantic model per tool is built from its signature (``inspect.signature`` + ``create_model``),
with the ``Args:`` section of the docstring as per-parameter descriptions. The same model gives the
JSON schema a model reads (:func:`openai_schema`) and validates the arguments it sends
(:func:`call_tool`), so the schema and the validation cannot drift apart.
"""

from __future__ import annotations

import contextvars
import inspect
import json
import re
import threading
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from tutorial_helpers.domain import friendly_error
from tutorial_helpers.tools.budget import check_budget, estimate_cost
from tutorial_helpers.tools.calendar import day_of_week, days_until
from tutorial_helpers.tools.cart import add_to_cart, clear_cart, remove_from_cart, view_cart
from tutorial_helpers.tools.catalog_tools import check_availability, get_item, search_catalog

#: every tool, by name, in the order a model should meet them
REGISTRY: dict[str, Callable[..., Any]] = {
    fn.__name__: fn
    for fn in (
        search_catalog, get_item, check_availability, estimate_cost, check_budget,
        add_to_cart, view_cart, remove_from_cart, clear_cart, day_of_week, days_until,
    )
}

#: tool names by job, for giving each agent only the tools it needs
TOOL_GROUPS: dict[str, tuple[str, ...]] = {
    "catalog": ("search_catalog", "get_item", "check_availability"),
    "budget": ("estimate_cost", "check_budget"),
    "cart": ("add_to_cart", "view_cart", "remove_from_cart", "clear_cart"),
    "calendar": ("day_of_week", "days_until"),
}

_SECTION = re.compile(r"^(Args|Arguments|Returns|Yields|Raises|Examples?|Notes?):\s*$")


def parse_docstring(fn: Callable[..., Any]) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {parameter: description}).

    The description is everything before the first section header (``Args:``, ``Returns:`` ...).
    """
    doc = inspect.cleandoc(fn.__doc__ or "")
    description: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in doc.splitlines():
        header = _SECTION.match(line.strip()) if not line.startswith(" ") else None
        if header:
            section, current = header.group(1), None
            continue
        if section is None:
            description.append(line)
        elif section in ("Args", "Arguments"):
            m = re.match(r"^\s{2,}(\*{0,2}\w+)(?:\s*\([^)]*\))?:\s*(.*)$", line)
            if m and (len(line) - len(line.lstrip())) <= 4:
                current = m.group(1)
                params[current] = m.group(2).strip()
            elif current and line.strip():
                params[current] = f"{params[current]} {line.strip()}".strip()
    paragraphs = re.split(r"\n\s*\n", "\n".join(description).strip())
    text = "\n\n".join(" ".join(line.strip() for line in para.splitlines()) for para in paragraphs)
    return text.strip(), params


@cache
def arguments_model(fn: Callable[..., Any]) -> type[BaseModel]:
    """The pydantic model of ``fn``'s arguments (extra arguments forbidden), cached per function."""
    _, docs = parse_docstring(fn)
    fields: dict[str, Any] = {}
    for name, param in inspect.signature(fn, eval_str=True).parameters.items():
        annotation = Any if param.annotation is inspect.Parameter.empty else param.annotation
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[name] = (annotation, Field(default, description=docs.get(name)))
    return create_model(f"{fn.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields)


def _simplify(schema: Any) -> Any:
    """Drop pydantic's titles and collapse ``anyOf[X, null]`` of optional arguments to X."""
    if isinstance(schema, list):
        return [_simplify(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _simplify(v) for k, v in schema.items() if k != "title"}
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and out.get("default", 0) is None:
        non_null = [s for s in any_of if s != {"type": "null"}]
        if len(non_null) == 1:
            del out["anyOf"]
            out = {**non_null[0], **out}
    if out.get("default", 0) is None:
        del out["default"]
    return out


def _strict(params: dict[str, Any]) -> dict[str, Any]:
    """OpenAI strict mode: every property required, optional ones nullable, no defaults."""
    required = set(params.get("required", []))
    props: dict[str, Any] = {}
    for name, prop in params.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "default"}
        if name not in required:
            if isinstance(prop.get("type"), str):
                prop["type"] = [prop["type"], "null"]
            else:
                prop = {"anyOf": [prop, {"type": "null"}]}
        props[name] = prop
    return {**params, "properties": props, "required": list(props), "additionalProperties": False}


def openai_schema(fn: Callable[..., Any], strict: bool = False) -> dict[str, Any]:
    """The OpenAI tool definition of ``fn``: ``{"type": "function", "function": {name, description, parameters}}``.

    Args:
        fn: a typed function with a Google-style docstring.
        strict: build an OpenAI strict-mode schema (every argument listed as required, optional ones
            nullable; ``call_tool`` treats a null optional argument as left out).
    """
    description, _ = parse_docstring(fn)
    params = _simplify(arguments_model(fn).model_json_schema())
    params.setdefault("properties", {})
    params.setdefault("required", [])
    function: dict[str, Any] = {"name": fn.__name__, "description": description, "parameters": params}
    if strict:
        function["parameters"] = _strict(params)
        function["strict"] = True
    return {"type": "function", "function": function}


def openai_tools(names: Iterable[str] | None = None, strict: bool = False) -> list[dict[str, Any]]:
    """OpenAI tool definitions for ``names`` (tool names or group names from ``TOOL_GROUPS``); all by default.

    Args:
        names: tool names and/or group names ("catalog", "budget", "cart", "calendar"); None for all.
        strict: OpenAI strict-mode schemas (see :func:`openai_schema`).

    Raises:
        KeyError: for a name that is neither a tool nor a group.
    """
    return [openai_schema(REGISTRY[n], strict=strict) for n in resolve_names(names)]


def resolve_names(names: Iterable[str] | None = None) -> list[str]:
    """Expand group names ("catalog", "cart", ...) into tool names, keeping order and dropping repeats."""
    if names is None:
        return list(REGISTRY)
    if isinstance(names, str):
        names = [names]
    out: list[str] = []
    for n in names:
        expanded = TOOL_GROUPS.get(n, (n,))
        for tool in expanded:
            if tool not in REGISTRY:
                raise KeyError(
                    f"Unknown tool {tool!r}; tools: {', '.join(REGISTRY)}; groups: {', '.join(TOOL_GROUPS)}.")
            if tool not in out:
                out.append(tool)
    return out


def _run_with_timeout(fn: Callable[..., Any], kwargs: dict[str, Any], timeout_s: float) -> tuple[bool, Any]:
    """Run ``fn(**kwargs)`` in a daemon thread; (finished, result or exception)."""
    box: dict[str, Any] = {}
    ctx = contextvars.copy_context()

    def target() -> None:
        try:
            box["result"] = ctx.run(fn, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handed back to call_tool
            box["exc"] = exc

    thread = threading.Thread(target=target, name=f"tool-{fn.__name__}", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        return False, None
    return True, box.get("exc", box.get("result"))


def call_tool(
    name: str,
    arguments: str | dict[str, Any] | None,
    timeout_s: float | None = None,
    registry: dict[str, Callable[..., Any]] | None = None,
) -> tuple[Any, str | None]:
    """Call a tool the way a model asks for it, never raising: returns ``(result, None)`` or ``(None, error)``.

    The error is one sentence meant to be sent back to the model as the tool result, so it can fix
    its call: unknown tool, malformed JSON, arguments that do not match the signature, an exception
    inside the tool, or a timeout.

    Args:
        name: the tool name the model chose.
        arguments: the arguments as the model sent them: a JSON string (OpenAI ``tool_calls``) or a dict.
        timeout_s: give up after this many seconds (the tool keeps running in a daemon thread).
        registry: the tools to choose from (default: ``REGISTRY``).
    """
    tools = REGISTRY if registry is None else registry
    fn = tools.get(name)
    if fn is None:
        return None, f"Unknown tool {name!r}; available tools: {', '.join(tools)}."
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        arguments = {}
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError as exc:
            return None, (f"The arguments for {name} are not valid JSON ({exc.msg} at character {exc.pos}); "
                          'send one JSON object, e.g. {"item_id": "..."}.')
    if not isinstance(arguments, dict):
        return None, (f"The arguments for {name} must be a JSON object of named arguments, "
                      f"not {type(arguments).__name__}.")
    model = arguments_model(fn)
    # models (and strict-mode schemas) send null for an optional argument they leave out
    arguments = {k: v for k, v in arguments.items()
                 if not (v is None and k in model.model_fields and not model.model_fields[k].is_required())}
    try:
        validated = model.model_validate(arguments)
    except ValidationError as exc:
        expected = ", ".join(f"{k}{'' if f.is_required() else '?'}" for k, f in model.model_fields.items())
        return None, f"Invalid arguments for {name}: {friendly_error(exc)} (expected: {expected})."
    kwargs = {k: getattr(validated, k) for k in validated.model_fields_set}
    if timeout_s is None:
        try:
            return fn(**kwargs), None
        except Exception as exc:  # noqa: BLE001 - the model reads the sentence
            return None, f"{name} failed: {exc} ({type(exc).__name__})"
    finished, outcome = _run_with_timeout(fn, kwargs, timeout_s)
    if not finished:
        return None, f"{name} timed out after {timeout_s:g} s; try again later or with narrower arguments."
    if isinstance(outcome, Exception):
        return None, f"{name} failed: {outcome} ({type(outcome).__name__})"
    return outcome, None
