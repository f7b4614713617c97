"""A real HTTP server on loopback for tests: routes with canned replies, sequences, handlers.

Usage::

    from support.loopback import Reply, loopback, make_loopback  # noqa: F401  (fixtures)

    def test_x(loopback):
        loopback.route("/rss", body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
        loopback.sequence("/flaky", [Reply(status=500), Reply(body=b"ok")])
        loopback.route("/echo", handler=lambda req: Reply(body=req.headers.get("user-agent", "")))
        url = loopback.url("/rss")
        ...
        assert loopback.hits("/rss") == 1

`make_loopback("127.0.0.2")` starts another server on a distinct loopback address, so it counts
as a distinct host (Linux routes all of 127.0.0.0/8 to loopback). Each server listens on port 0
(a free port chosen by the kernel) and is stopped when the test ends.

A Reply can also: wait before answering (`delay`), send its body slowly (`drip` seconds between
`chunk`-byte pieces), send it chunked without a Content-Length (`chunked`), gzip it (`gzip`), or
reset the connection instead of answering (`reset`; with `reset_after` bytes, mid-body).
A 200 reply carrying an ETag or Last-Modified is answered with 304 when the request's
If-None-Match / If-Modified-Since matches it, like a real server.

The fixtures reach every test through `pytest_plugins` in `conftest.py`: a test names
`loopback` or `make_loopback` as a parameter and imports nothing.
"""

from __future__ import annotations

import gzip as gzip_module
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class Request:
    """A request the server received; header names lowercased."""

    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]
    host: str  # the server address that received it


@dataclass
class Reply:
    """What the server sends back for a request."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0
    drip: float = 0.0
    chunk: int = 1024
    chunked: bool = False
    gzip: bool = False
    reset: bool = False
    reset_after: int | None = None

    def payload(self) -> bytes:
        data = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return gzip_module.compress(data) if self.gzip else data


Handler = Callable[[Request], Reply]


class _Route:
    def __init__(self, replies: list[Reply] | None = None, handler: Handler | None = None):
        self.replies = replies or []
        self.handler = handler
        self.served = 0
        self.lock = threading.Lock()

    def next_reply(self, request: Request) -> Reply:
        if self.handler is not None:
            return self.handler(request)
        with self.lock:
            reply = self.replies[min(self.served, len(self.replies) - 1)]
            self.served += 1
        return reply


class LoopbackServer:
    """An HTTP/1.1 server on one loopback address; thread-per-connection."""

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.requests: list[Request] = []
        self._routes: dict[str, _Route] = {}
        self._stop = threading.Event()
        self._httpd = _QuietServer((host, 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        # A short poll interval keeps teardown fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(
        self, path: str, *, handler: Handler | None = None, **reply_fields: object
    ) -> LoopbackServer:
        """Serve one reply (built from the keyword fields) or call `handler` for every request."""
        if handler is not None:
            self._routes[path] = _Route(handler=handler)
        else:
            self._routes[path] = _Route([Reply(**reply_fields)])  # type: ignore[arg-type]
        return self

    def sequence(self, path: str, replies: list[Reply]) -> LoopbackServer:
        """Serve the replies in order, repeating the last one."""
        self._routes[path] = _Route(list(replies))
        return self

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def hits(self, path: str) -> int:
        return len(self.requests_to(path))

    def close(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # --- used by the request handler ----------------------------------------------------------

    def _reply_for(self, request: Request) -> Reply:
        route = self._routes.get(request.path)
        if route is None:
            return Reply(status=404, body="Không có trang này", content_type="text/plain")
        return route.next_reply(request)

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake up when the server stops; True if it is stopping."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-response (size caps, timeouts) are expected: no traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


def _make_handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def _serve(self, *, send_body: bool) -> None:
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                host=server.host,
            )
            server.requests.append(request)
            reply = _conditional(server._reply_for(request), request)
            if server._wait(reply.delay):
                return
            if reply.reset and reply.reset_after is None:
                self._reset()
                return
            data = reply.payload()
            self.send_response(reply.status)
            headers = dict(reply.headers)
            if reply.content_type:
                headers.setdefault("Content-Type", reply.content_type)
            if reply.gzip:
                headers.setdefault("Content-Encoding", "gzip")
            if reply.chunked:
                headers["Transfer-Encoding"] = "chunked"
            elif reply.status != 304 and not any(k.lower() == "content-length" for k in headers):
                headers["Content-Length"] = str(len(data))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body and reply.status not in (204, 304):
                self._send_body(reply, data)
            self.wfile.flush()

        def _send_body(self, reply: Reply, data: bytes) -> None:
            sent = 0
            for piece in _pieces(data, reply.chunk if reply.drip or reply.chunked else len(data)):
                if reply.reset_after is not None and sent >= reply.reset_after:
                    self._reset()
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if reply.chunked else piece)
                self.wfile.flush()
                sent += len(piece)
                if server._wait(reply.drip):
                    return
            if reply.reset_after is not None:
                self._reset()
                return
            if reply.chunked:
                self.wfile.write(b"0\r\n\r\n")

        def _reset(self) -> None:
            """Close with RST instead of FIN, as a crashed or hostile server would."""
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

    return _Handler


def _conditional(reply: Reply, request: Request) -> Reply:
    """Answer 304 when the client already holds this version, as a real server does."""
    if reply.status != 200:
        return reply
    sent = {k.lower(): v for k, v in reply.headers.items()}
    etag, modified = sent.get("etag"), sent.get("last-modified")
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        fresh = etag is not None and etag in (t.strip() for t in if_none_match.split(","))
    else:
        fresh = modified is not None and request.headers.get("if-modified-since") == modified
    if not fresh:
        return reply
    kept = {k: v for k, v in reply.headers.items() if k.lower() in ("etag", "last-modified")}
    return Reply(status=304, headers=kept, delay=reply.delay)


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    size = max(1, size)
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture
def make_loopback() -> Iterator[Callable[..., LoopbackServer]]:
    """Start servers on demand (`make_loopback("127.0.0.2")`); all stopped at teardown."""
    servers: list[LoopbackServer] = []

    def start(host: str = "127.0.0.1") -> LoopbackServer:
        server = LoopbackServer(host)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def loopback(make_loopback: Callable[..., LoopbackServer]) -> LoopbackServer:
    """One server on 127.0.0.1, empty until routes are added."""
    return make_loopback()
