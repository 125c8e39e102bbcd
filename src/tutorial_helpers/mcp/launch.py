"""Start the birthday-planner MCP server over streamable HTTP in a background process, and stop it.

Notebooks and tests need the HTTP server running while they use it: this starts exactly what
``python -m tutorial_helpers.mcp.server --transport http --port N`` runs, waits until it answers,
and stops it afterwards::

    from tutorial_helpers.mcp.launch import start_http_server

    with start_http_server(today="2026-11-22") as server:
        print(server.url)          # http://127.0.0.1:<free port>/mcp
        ...                        # any MCP client: streamablehttp_client(server.url), LangGraph, AG2
    # stopped here (or call server.stop())

Starting it is cheap to ask for and slow to finish (a fresh Python process imports the SDK and loads the
catalog, a few seconds): call :func:`start_http_server` with ``wait=False`` early and
:meth:`HttpServerProcess.wait_ready` just before the first client connects.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

#: the endpoint path of the streamable HTTP transport (``tutorial_helpers.mcp.server.HTTP_PATH``; this module
#: does not import the server, so that starting it in the background returns at once)
HTTP_PATH = "/mcp"


def _child_env() -> dict[str, str]:
    """This environment, with this package's source folder first on PYTHONPATH (as ``server.stdio_params`` does)."""
    src = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return env


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class HttpServerProcess:
    """A running ``tutorial_helpers.mcp.server --transport http`` process.

    Attributes:
        url: the streamable HTTP endpoint, ``http://host:port/mcp``.
        host: the interface it listens on.
        port: its port.
        process: the ``subprocess.Popen`` handle.
        command: the command line it runs.
        log: a temporary file holding the server's stderr (its logs).
    """

    url: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    command: list[str] = field(default_factory=list)
    log: IO[bytes] | None = None

    def logs(self, last_chars: int = 2000) -> str:
        """The end of the server's stderr (logs and errors)."""
        if self.log is None or self.log.closed:
            return ""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-last_chars:]

    def wait_ready(self, timeout_s: float = 60.0) -> HttpServerProcess:
        """Block until the server answers HTTP requests; returns ``self``.

        Raises:
            RuntimeError: when the process exits first or does not answer within ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"The MCP HTTP server exited with code {self.process.returncode}: {self.logs(1500)}")
            try:  # any HTTP answer will do (a bare GET on /mcp is refused with 4xx): someone listening is not enough
                httpx.get(self.url, timeout=1.0)
                if self.process.poll() is None:
                    return self
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"The MCP HTTP server did not answer on {self.host}:{self.port} "
                                       f"within {timeout_s:g} s.") from None
                time.sleep(0.1)

    @property
    def running(self) -> bool:
        """True while the process is alive."""
        return self.process.poll() is None

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the server (terminate, then kill if it does not exit within ``timeout_s``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout_s)
        if self.log is not None:
            self.log.close()

    def __enter__(self) -> HttpServerProcess:
        return self.wait_ready()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_http_server(port: int | None = None, host: str = "127.0.0.1", today: str | None = None,
                      wait: bool = True, timeout_s: float = 60.0) -> HttpServerProcess:
    """Start the MCP server over streamable HTTP in a child process (this Python, this package).

    Args:
        port: the port; None picks a free one.
        host: the interface (keep 127.0.0.1: the server has no authentication).
        today: fix the tools' clock (YYYY-MM-DD), as ``--today`` does.
        wait: wait until it accepts connections before returning.
        timeout_s: how long to wait.

    Returns:
        An :class:`HttpServerProcess`; use it in a ``with`` block or call ``stop()``.
    """
    port = free_port(host) if port is None else port
    command = [sys.executable, "-m", "tutorial_helpers.mcp.server", "--transport", "http", "--host", host,
               "--port", str(port), *(["--today", today] if today else [])]
    log = tempfile.TemporaryFile()  # a file, not a pipe: a pipe nobody reads would block a chatty server
    process = subprocess.Popen(command, env=_child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=log)
    server = HttpServerProcess(url=f"http://{host}:{port}{HTTP_PATH}", host=host, port=port, process=process,
                               command=command, log=log)
    return server.wait_ready(timeout_s) if wait else server


__all__ = ["HttpServerProcess", "free_port", "start_http_server"]
