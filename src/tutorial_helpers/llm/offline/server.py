"""The offline stand-in model as an OpenAI-compatible HTTP server (FastAPI + uvicorn).

It is a deterministic program, not an LLM: it reads the conversation with rules, calls tools and
fills JSON schemas so that every framework of the tutorial runs offline and reproducibly. With a
real key the same code talks to a real model instead.

>>> from tutorial_helpers.llm.offline import start_server
>>> srv = start_server(latency_scale=0)          # free port, daemon thread
>>> from openai import OpenAI
>>> client = OpenAI(base_url=srv.base_url, api_key="offline")
>>> srv.stop()

Standalone: ``python -m tutorial_helpers.llm.offline.server --host 127.0.0.1 --port 8000``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutorial_helpers.llm.offline import brain
from tutorial_helpers.llm.offline.faults import FaultConfig, FaultInjector, faults_from_env
from tutorial_helpers.llm.offline.protocol import (
    ChatRequest,
    ProtocolError,
    Reply,
    completion_body,
    completion_id,
    error_body,
    sse,
    stream_chunks,
)
from tutorial_helpers.llm.offline.tiers import TIERS, latency_scale_from_env, resolve_tier
from tutorial_helpers.llm.offline.tokens import count_messages, count_tokens

log = logging.getLogger("tutorial_helpers.offline")
#: the largest request body the offline model reads (a bigger one is answered 413, like real APIs)
MAX_BODY_BYTES = 4 * 2**20
CREATED = 1_764_000_000  # a fixed "created" timestamp for /v1/models
DESCRIPTION = ("Offline stand-in model: a deterministic rule-based program, not an LLM. It understands "
               "birthday-planning requests with rules, calls tools and fills JSON schemas so lessons run offline.")


def _error(status: int, message: str, type_: str = "invalid_request_error", param: str | None = None,
           code: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, type_, param, code), status_code=status, headers=headers)


def _model_card(name: str) -> dict[str, Any]:
    t = TIERS[name]
    return {"id": name, "object": "model", "created": CREATED, "owned_by": "tutorial-offline",
            "description": f"{DESCRIPTION} Tier '{t.name}' (error profile: tutorial_helpers.llm.offline.profile): "
                           f"about {t.latency_base_s:g} s a call, "
                           f"${t.price_in_per_mtok:g}/${t.price_out_per_mtok:g} per 1M input/output tokens."}


def _break_json(text: str) -> str:
    """Cut a JSON text so that it no longer parses (deterministically)."""
    return text[: max(1, len(text) // 2)].rstrip("}] \n") + ', "'


def _break_tool_args(reply: Reply) -> Reply:
    """Replace each tool call's arguments by an object that breaks the schema (unknown key, wrong types)."""
    bad = json.dumps({"unexpected_argument": True, "k": "many"})
    return Reply(content=reply.content, tool_calls=[(n, bad) for n, _ in reply.tool_calls],
                 finish_reason=reply.finish_reason, meta=reply.meta)


def _validation_error(exc: ValidationError, what: str, end: str = "") -> JSONResponse:
    """A 400 naming the first invalid field of a pydantic error."""
    first = exc.errors()[0]
    param = ".".join(str(p) for p in first.get("loc", ())) or None
    return _error(400, f"{what}: {param}: {first.get('msg')}{end}", param=param)


def read_chat_request(raw: bytes) -> tuple[dict[str, Any], ChatRequest, Any] | JSONResponse:
    """Check a chat completion request the way the real API does: the body, the model, the conversation.

    Returns the payload, the validated request and its model tier, or the error response to send.
    """
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, f"The request body is {len(raw) / 2**20:.1f} MiB; the offline model accepts at most "
                           f"{MAX_BODY_BYTES // 2**20} MiB: shorten the conversation.", code="request_too_large")
    try:
        payload = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, "We could not parse the JSON body of your request.", code="invalid_json")
    if not isinstance(payload, dict):
        return _error(400, "The request body must be a JSON object.")
    try:
        req = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        return _validation_error(exc, "Invalid request")
    tier = resolve_tier(req.model)
    if tier is None:
        return _error(404, f"The model '{req.model}' does not exist or you do not have access to it. "
                           f"Offline models: {', '.join(TIERS)}.", param="model", code="model_not_found")
    try:
        req.validate_conversation()
    except ProtocolError as exc:
        return _error(exc.status, exc.message, exc.type, exc.param, exc.code)
    return payload, req, tier


async def fault_response(fault: str | None, cfg: FaultConfig) -> JSONResponse | None:
    """The injected fault's answer (429, 500), after its wait (timeout); ``None`` lets the call go on."""
    if fault == "429":
        return _error(429, "Rate limit reached for the offline model (simulated). Please retry after "
                           f"{cfg.retry_after_s:g}s.", "rate_limit_exceeded", code="rate_limit_exceeded",
                      headers={"Retry-After": f"{cfg.retry_after_s:g}",
                               "retry-after-ms": str(int(cfg.retry_after_s * 1000))})
    if fault == "500":
        return _error(500, "The offline model had an internal error (simulated).", "server_error")
    if fault == "timeout":
        await asyncio.sleep(cfg.timeout_s)
    return None


def stream_response(cid: str, model_name: str, reply: Reply, tokens: tuple[int, int], include_usage: bool,
                    created: int, delay: float, broken: bool, headers: dict[str, str]) -> StreamingResponse:
    """The reply as server-sent events spread over ``delay``; ``broken`` cuts one chunk (malformed JSON fault)."""
    chunks = list(stream_chunks(cid, model_name, reply, tokens[0], tokens[1], include_usage, created))

    async def events() -> AsyncIterator[str]:
        first_wait = delay * 0.3
        per_chunk = (delay - first_wait) / max(1, len(chunks))
        await asyncio.sleep(first_wait)
        for i, chunk in enumerate(chunks):
            if broken and i == len(chunks) // 2:
                yield "data: {\"id\": \"" + cid + "\", \"choices\": [\n\n"
            yield sse(chunk)
            if per_chunk > 0:
                await asyncio.sleep(per_chunk)
        yield sse("[DONE]")

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", **headers})


def create_app(faults: FaultConfig | None = None, latency_scale: float | None = None) -> FastAPI:
    """Build the FastAPI app of the offline model: the routes; the work is in the functions above.

    Args:
        faults: fault injection settings (default: ``TUTORIAL_OFFLINE_FAULTS`` or none).
        latency_scale: multiplies the simulated latency (default: ``TUTORIAL_OFFLINE_LATENCY_SCALE`` or 1).
    """
    app = FastAPI(title="Offline stand-in model (OpenAI-compatible)", description=DESCRIPTION)
    app.state.faults = FaultInjector(faults if faults is not None else faults_from_env())
    app.state.latency_scale = latency_scale if latency_scale is not None else latency_scale_from_env()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p != "body"]
        if first.get("type") == "json_invalid":
            return _error(400, "We could not parse the JSON body of your request.", code="invalid_json")
        param = ".".join(loc) or None
        return _error(400, f"Invalid request: {param or 'body'}: {first.get('msg', 'invalid value')}", param=param)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        return _error(exc.status_code, str(exc.detail), type_=kind)

    @app.get("/v1/models")
    async def list_models() -> dict[str, Any]:
        return {"object": "list", "data": [_model_card(n) for n in TIERS]}

    @app.get("/v1/models/{model_id:path}")
    async def get_model(model_id: str) -> Any:
        tier = resolve_tier(model_id)
        if tier is None:
            return _error(404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found")
        return _model_card(tier.name)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/admin/faults")
    async def set_faults(request: Request) -> Any:
        try:
            cfg = FaultConfig.model_validate(json.loads(await request.body() or b"{}"))
        except json.JSONDecodeError:
            return _error(400, "Invalid fault configuration: the body is not JSON.", code="invalid_json")
        except ValidationError as exc:
            return _validation_error(exc, "Invalid fault configuration", ".")
        app.state.faults.set(cfg)
        return cfg.model_dump()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        checked = read_chat_request(await request.body())
        if isinstance(checked, JSONResponse):
            return checked
        payload, req, tier = checked
        fault, bad_args = app.state.faults.draw()
        failed = await fault_response(fault, app.state.faults.config)
        if failed is not None:
            return failed
        try:
            reply = await run_in_threadpool(brain.respond, req, tier)
        except ProtocolError as exc:
            return _error(exc.status, exc.message, exc.type, exc.param, exc.code)
        if bad_args and reply.tool_calls:
            reply = _break_tool_args(reply)
        structured = (req.response_format or {}).get("type") in ("json_schema", "json_object")
        if fault == "malformed_json" and structured and reply.content:
            reply = Reply(content=_break_json(reply.content), tool_calls=reply.tool_calls,
                          finish_reason=reply.finish_reason, meta=reply.meta)
        headers = {"x-offline-model": "true", "x-offline-errors": ",".join(reply.errors)}
        if reply.meta.get("today_source"):
            headers["x-offline-today-source"] = str(reply.meta["today_source"])
        messages = [m.model_dump(exclude_none=True) for m in req.messages]
        tokens = (count_messages(messages, req.tools, req.response_format),
                  max(1, count_tokens(reply.content) + sum(count_tokens(n) + count_tokens(a) + 3
                                                           for n, a in reply.tool_calls)))
        cid = completion_id(json.dumps(payload, sort_keys=True, default=str))
        delay = tier.latency_s(tokens[1], app.state.latency_scale)
        created = int(time.time())
        if req.stream:
            include_usage = bool((req.stream_options or {}).get("include_usage"))
            return stream_response(cid, req.model, reply, tokens, include_usage, created, delay,
                                   fault == "malformed_json" and not structured, headers)
        if delay > 0:
            await asyncio.sleep(delay)
        body = completion_body(cid, req.model, reply, tokens[0], tokens[1], created)
        body["offline_profile"] = {"model": tier.name, "errors": list(reply.errors)}  # clients keep extra fields
        text = json.dumps(body, ensure_ascii=False)
        if fault == "malformed_json" and not structured:
            return Response(_break_json(text), status_code=200, media_type="application/json")
        return Response(text, status_code=200, media_type="application/json", headers=headers)

    return app


class OfflineServer:
    """A running offline model: ``base_url`` for clients, ``stop()``, ``set_faults()``.

    Attributes:
        host: the interface it listens on.
        port: the port it listens on (chosen by the system when started with ``port=0``).
        base_url: ``http://host:port/v1``, what OpenAI-compatible clients take as ``base_url``.
        app: the FastAPI application.
    """

    def __init__(self, app: FastAPI, server: uvicorn.Server, thread: threading.Thread, host: str, port: int) -> None:
        self.app, self._server, self._thread, self.host, self.port = app, server, thread, host, port
        self.base_url = f"http://{host}:{port}/v1"

    def set_faults(self, faults: FaultConfig | None) -> None:
        """Change fault injection at run time (``None`` switches it off); restarts the request counter."""
        self.app.state.faults.set(faults)

    @property
    def latency_scale(self) -> float:
        return float(self.app.state.latency_scale)

    @latency_scale.setter
    def latency_scale(self, value: float) -> None:
        self.app.state.latency_scale = max(0.0, float(value))

    def stop(self, timeout: float = 5.0) -> None:
        """Shut the server down and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> OfflineServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"OfflineServer(base_url={self.base_url!r})"


def start_server(host: str = "127.0.0.1", port: int = 0, faults: FaultConfig | None = None,
                 latency_scale: float | None = None, timeout_s: float = 15.0) -> OfflineServer:
    """Start the offline model in a daemon thread and return once it accepts connections.

    Args:
        host: interface to listen on (keep 127.0.0.1: the model is for this machine only).
        port: port to listen on; 0 picks a free one.
        faults: fault injection settings (default: ``TUTORIAL_OFFLINE_FAULTS`` or none).
        latency_scale: multiplies the simulated latency (0: instant; default from
            ``TUTORIAL_OFFLINE_LATENCY_SCALE`` or 1).
        timeout_s: how long to wait for the server to start.

    Returns:
        The running :class:`OfflineServer`; use ``srv.base_url`` as an OpenAI ``base_url``.
    """
    app = create_app(faults, latency_scale)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    actual_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1,
                            lifespan="off")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"offline-llm-{actual_port}")
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"The offline model did not start on {host}:{actual_port}.")
        time.sleep(0.01)
    return OfflineServer(app, server, thread, host, actual_port)


_singleton: OfflineServer | None = None
_singleton_lock = threading.Lock()


def ensure_offline_server() -> str:
    """Start the process-wide offline model once (daemon thread) and return its ``base_url``.

    Later calls return the same URL. Latency follows ``TUTORIAL_OFFLINE_LATENCY_SCALE`` and faults
    ``TUTORIAL_OFFLINE_FAULTS``.
    """
    global _singleton
    with _singleton_lock:
        if _singleton is None or not _singleton._thread.is_alive():
            _singleton = start_server()
        return _singleton.base_url


def get_server() -> OfflineServer:
    """The process-wide offline model (started if needed): to set its faults or latency in a lesson."""
    ensure_offline_server()
    assert _singleton is not None
    return _singleton


def set_offline_latency(scale: float) -> None:
    """Set the simulated latency of the process-wide offline model (0: instant, 1: the tiers' latency).

    Notebooks call this to run evaluations quickly; it starts the server if needed and affects
    only the offline stand-in (real providers are untouched).
    """
    ensure_offline_server()
    assert _singleton is not None
    _singleton.latency_scale = scale


def run(host: str = "127.0.0.1", port: int = 8000, faults: FaultConfig | None = None,
        latency_scale: float | None = None) -> None:
    """Serve the offline model in the foreground until interrupted (what ``serve-llm`` calls)."""
    app = create_app(faults, latency_scale)
    log.warning("Offline stand-in model (deterministic, not an LLM) on http://%s:%d/v1 - models: %s",
                host, port, ", ".join(TIERS))
    uvicorn.run(app, host=host, port=port, log_level="info")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the offline stand-in model (OpenAI-compatible).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency-scale", type=float, default=None)
    args = parser.parse_args(argv)
    run(args.host, args.port, latency_scale=args.latency_scale)


if __name__ == "__main__":
    main()
