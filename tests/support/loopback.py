"""A real HTTP server on loopback for tests: routes with canned responses, delays, drips, resets.

Usage in a test module::

    from support.loopback import Response, loopback_server, make_loopback  # noqa: F401

    def test_x(loopback_server):
        loopback_server.route("/feed.xml", body=b"<rss>…</rss>",
                              headers={"Content-Type": "application/rss+xml"})
        url = loopback_server.url("/feed.xml")

- `route(path, ...)` serves one response for every request to `path` (query string ignored
  unless the route was registered with one). `route(path, responses=[...])` serves them in
  order and then keeps repeating the last one (500-then-200, 429-then-200).
- `handler=` takes a callable `(Request) -> Response` for anything dynamic.
- `server.requests` records every request (method, path, headers with lowercased keys), so a
  test can assert e.g. that If-None-Match was sent or that robots.txt was fetched once.
- `make_loopback(host="127.0.0.2")` starts more servers at distinct loopback addresses; the whole
  of 127.0.0.0/8 reaches the loopback interface on Linux, so each counts as a distinct host.
- Unknown paths answer 404.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(frozen=True)
class Request:
    """What the server received."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]
    host: str
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    """What the server answers.

    `delay` waits before the status line; `drip` sends the body in `drip_chunk`-byte pieces
    with `drip` seconds between them; `reset` closes the connection abruptly (TCP RST) instead
    of answering; `content_length=False` omits the header and closes the connection after the
    body (a streamed response of unannounced size).
    """

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    drip_chunk: int = 64
    reset: bool = False
    content_length: bool = True

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Response]


class _Route:
    def __init__(self, responses: list[Response] | None, handler: Handler | None):
        self._responses = responses or []
        self._handler = handler
        self._served = 0
        self._lock = threading.Lock()

    def respond(self, request: Request) -> Response:
        if self._handler is not None:
            return self._handler(request)
        with self._lock:
            index = min(self._served, len(self._responses) - 1)
            self._served += 1
        return self._responses[index]


class LoopbackServer:
    """A threaded HTTP/1.1 server on `host`, on a free port chosen by the OS."""

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.requests: list[Request] = []
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _make_handler(self))
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        handler: Handler | None = None,
        responses: list[Response] | None = None,
        **response_options: object,
    ) -> str:
        """Register what `path` answers; returns the absolute URL of the route."""
        if handler is None and responses is None:
            responses = [
                Response(
                    status=status,
                    body=body,
                    headers=dict(headers or {}),
                    delay=delay,
                    **response_options,  # type: ignore[arg-type]
                )
            ]
        with self._lock:
            self._routes[path] = _Route(responses, handler)
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        """The requests received for `path` (query string included in the comparison if given)."""
        return [r for r in self.requests if r.path == path or r.path.split("?", 1)[0] == path]

    def _respond(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            route = self._routes.get(request.path) or self._routes.get(request.path.split("?")[0])
        if route is None:
            return Response(status=404, body="Không có trang này", headers=_TEXT)
        return route.respond(request)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections must not hold up teardown
    allow_reuse_address = True


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Keep pytest output clean."""

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                host=server.host,
                body=payload,
            )
            response = server._respond(request)
            if response.delay:
                time.sleep(response.delay)
            if response.reset:
                # SO_LINGER with a zero timeout makes close() send RST: a "connection reset".
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                self._was_reset = True
                return
            body = response.body_bytes()
            self.send_response(response.status)
            sent = {k.lower() for k in response.headers}
            for name, value in response.headers.items():
                self.send_header(name, value)
            if response.content_length and "content-length" not in sent:
                self.send_header("Content-Length", str(len(body)))
            if not response.content_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command == "HEAD":
                return
            try:
                if response.drip:
                    for start in range(0, len(body), response.drip_chunk):
                        self.wfile.write(body[start : start + response.drip_chunk])
                        self.wfile.flush()
                        time.sleep(response.drip)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_HEAD = do_POST = _serve

        _was_reset = False

        def finish(self) -> None:
            """Skip flushing a socket that `reset` already closed."""
            if not self._was_reset:
                super().finish()

    return _Handler


@pytest.fixture
def make_loopback() -> Iterator[Callable[..., LoopbackServer]]:
    """A factory of started servers: `make_loopback("127.0.0.2")`; all stopped at teardown."""
    started: list[LoopbackServer] = []

    def _make(host: str = "127.0.0.1") -> LoopbackServer:
        server = LoopbackServer(host).start()
        started.append(server)
        return server

    yield _make
    for server in started:
        server.stop()


@pytest.fixture
def loopback_server(make_loopback: Callable[..., LoopbackServer]) -> LoopbackServer:
    """One started server on 127.0.0.1."""
    return make_loopback()
