"""Helpers for the unattended-running tests: feeds, desks, and a fault-injection server.

Usage::

    from support.faultserver import FaultServer, faults, rss, write_sources  # noqa: F401

    def test_x(faults, isolated_home):
        write_sources(isolated_home, [("tot", faults.url("/ok"))])

`FaultServer` listens on a loopback address with raw sockets (one thread per connection), so it
can misbehave below HTTP: accept and never answer, stop mid-body, reset, drip, lie about sizes.
Each path of `FAULTS` is one fault of the matrix; `/feed/<n>` serves a healthy feed of
`feed_items` items (with an ETag, 304 when it matches) after `feed_delay` seconds.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import weakref
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

TIMEOUT = 3.0  # the fetch timeout the fault tests configure
"""Faults that hang wait longer than this, so the Fetcher's own timeouts must fire."""


def rss(items: list[tuple[str, str, str]], *, title: str = "Báo thử") -> str:
    """An RSS 2.0 document; items are (title, absolute link, summary), already XML-escaped."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{s}</description>"
        "<pubDate>Fri, 27 Nov 2026 08:30:00 +0700</pubDate></item>"
        for t, link, s in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    )


def healthy_feed(base: str, n: int, items: int = 3) -> bytes:
    """Feed n: school news, some naming units of the bundled keywords (so hits are stored)."""
    topics = ("trường THPT chuyên Lương Văn Tụy", "Sở GD&amp;ĐT Ninh Bình", "giá xăng dầu")
    return rss(
        [
            (
                f"Tin số {i} của nguồn {n}: {topics[(n + i) % len(topics)]}",
                f"{base}/bai/{n}/{i}.html",
                "Tóm tắt tin giáo dục",
            )
            for i in range(items)
        ]
    ).encode("utf-8")


def write_sources(
    desk: Path, sources: list[tuple[str, str]], *, defaults: dict[str, object] | None = None
) -> None:
    """sources.yaml with rss sources (name, url) and a fast, robots-free fetch policy."""
    policy = {
        "timeout": TIMEOUT,
        "connect_timeout": TIMEOUT,
        "retries": 1,
        "backoff": 0.05,
        "max_retry_after": 0.2,
        "respect_robots": False,
        "scan_deadline": 20,
    }
    policy.update(defaults or {})
    lines = ["defaults:"]
    for key, value in policy.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        lines.append(f"  {key}: {text}")
    lines.append("sources:")
    for name, url in sources:
        lines += [
            f"  - name: {name}",
            f"    url: {url}",
            "    kind: rss",
            f"    outlet: Báo {name}",
            "    tier: central",
        ]
    (desk / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the fault-injection server -----------------------------------------------------------------

BIG_BODY = 50_000_000
BOMB_SIZE = 50_000_000  # 5× the default size cap, from ~50 kB on the wire


def _response(status: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    head = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


@functools.cache
def gzip_bomb() -> bytes:
    """50 MB of zeros gzipped into ~50 kB, built incrementally (never 50 MB in memory)."""
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    parts = [z.compress(block) for _ in range(BOMB_SIZE // len(block))]
    parts.append(z.flush())
    return b"".join(parts)


_LIVE: weakref.WeakSet[FaultServer] = weakref.WeakSet()


def _drop_inherited_sockets() -> None:
    """In a forked child (the scan's worker processes), close the copies of our sockets.

    Otherwise a child keeps every open connection alive: the server's reset or close would
    reach the client only when the child exits, and a reset would look like a timeout.
    """
    for server in list(_LIVE):
        for sock in [server._sock, *server._conns]:
            with contextlib.suppress(OSError):
                sock.close()


os.register_at_fork(after_in_child=_drop_inherited_sockets)


class FaultServer:
    """A misbehaving HTTP/1.1 server on one loopback address (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1", *, feed_items: int = 3, feed_delay: float = 0.0):
        self.host = host
        self.feed_items = feed_items
        self.feed_delay = feed_delay
        self._stop = threading.Event()
        self._sock = socket.create_server((host, 0), backlog=128)
        self.port = self._sock.getsockname()[1]
        self._sock.settimeout(0.1)
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        _LIVE.add(self)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.close()

    # --- plumbing ---------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _read_request(self, conn: socket.socket) -> tuple[str, dict[str, str]] | None:
        """The path and lowercased headers of the next request, or None when the client left."""
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = conn.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            return None
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return parts[1].split("?", 1)[0], headers

    def _handle(self, conn: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                request = self._read_request(conn)
                if request is None:
                    return
                path, headers = request
                with self._lock:
                    self.hits[path] = self.hits.get(path, 0) + 1
                if not self._answer(conn, path, headers):
                    return
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops; True when stopping."""
        return self._stop.wait(seconds)

    def _reset(self, conn: socket.socket) -> None:
        """Drop the connection with RST; the shutdown first makes sure the client learns of it
        even if a process forked at that very moment still holds a copy of the socket."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)
        conn.close()

    # --- the faults -------------------------------------------------------------------------

    def _answer(self, conn: socket.socket, path: str, request: dict[str, str]) -> bool:
        """Serve one request; False when the connection is finished."""
        ok_xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if path.startswith("/feed/"):  # healthy: ETag, 304 on a match, `feed_delay` first
            n = int(path.rsplit("/", 1)[1] or 0)
            if self._wait(self.feed_delay):
                return False
            etag = f'"{n}-{self.feed_items}"'
            if request.get("if-none-match") == etag:
                conn.sendall(_response("304 Not Modified", {"ETag": etag}))
                return True
            body = healthy_feed(self.base_url, n, self.feed_items)
            headers = {**ok_xml, "ETag": etag, "Content-Length": str(len(body))}
            conn.sendall(_response("200 OK", headers, body))
            return True
        if path == "/hang-headers":  # accepted, request read, nothing ever sent
            self._wait(TIMEOUT * 6)
            return False
        if path == "/hang-body":  # headers and half the body, then silence
            body = healthy_feed(self.base_url, 900)
            conn.sendall(
                _response("200 OK", {**ok_xml, "Content-Length": str(len(body))}, body[:200])
            )
            self._wait(TIMEOUT * 6)
            return False
        if path == "/drip":  # a byte every 0.2 s: each read is fast, the whole never ends
            body = healthy_feed(self.base_url, 901) * 20
            conn.sendall(_response("200 OK", {**ok_xml, "Content-Length": str(len(body))}))
            for byte in body:
                conn.sendall(bytes([byte]))
                if self._wait(0.2):
                    return False
            return False
        if path == "/reset":
            self._reset(conn)
            return False
        if path == "/reset-mid-body":
            body = healthy_feed(self.base_url, 902)
            conn.sendall(
                _response("200 OK", {**ok_xml, "Content-Length": str(len(body))}, body[:100])
            )
            self._reset(conn)
            return False
        if path == "/truncated-gzip":
            body = gzip.compress(healthy_feed(self.base_url, 903) * 50)
            cut = body[: len(body) // 2]
            headers = {**ok_xml, "Content-Encoding": "gzip", "Content-Length": str(len(cut))}
            conn.sendall(_response("200 OK", headers, cut))
            return True
        if path == "/gzip-bomb":
            bomb = gzip_bomb()
            headers = {**ok_xml, "Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
            conn.sendall(_response("200 OK", headers, bomb))
            return True
        if path.startswith("/redirect/"):  # endless: /redirect/1 → /redirect/2 → …
            n = int(path.rsplit("/", 1)[1]) + 1
            conn.sendall(
                _response("302 Found", {"Location": f"/redirect/{n}", "Content-Length": "0"})
            )
            return True
        if path == "/rate-limited":
            conn.sendall(
                _response("429 Too Many Requests", {"Retry-After": "3600", "Content-Length": "0"})
            )
            return True
        if path == "/server-error":
            conn.sendall(_response("503 Service Unavailable", {"Content-Length": "0"}))
            return True
        if path == "/wrong-type":  # a feed declared as an image
            body = healthy_feed(self.base_url, 904)
            conn.sendall(
                _response(
                    "200 OK", {"Content-Type": "image/png", "Content-Length": str(len(body))}, body
                )
            )
            return True
        if path == "/html-not-xml":
            body = (
                "<!doctype html><html><head><title>Trang chủ</title></head><body>"
                "<h1>Báo điện tử</h1><p>Chuyên mục đã chuyển.</p></body></html>"
            ).encode()
            conn.sendall(
                _response(
                    "200 OK",
                    {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))},
                    body,
                )
            )
            return True
        if path == "/huge":  # 50 MB, declared honestly
            conn.sendall(_response("200 OK", {**ok_xml, "Content-Length": str(BIG_BODY)}))
            block = b"<!-- " + b"x" * 65_000 + b" -->"
            sent = 0
            while sent < BIG_BODY:
                piece = block[: BIG_BODY - sent]
                conn.sendall(piece)
                sent += len(piece)
            return False
        if path == "/huge-undeclared":  # 50 MB, chunked: no size to refuse up front
            conn.sendall(_response("200 OK", {**ok_xml, "Transfer-Encoding": "chunked"}))
            block = b"<!-- " + b"x" * 65_000 + b" -->"
            for _ in range(BIG_BODY // len(block) + 1):
                conn.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            conn.sendall(b"0\r\n\r\n")
            return False
        if path == "/invalid-utf8":
            good = healthy_feed(self.base_url, 905)
            body = good.replace("Tóm tắt".encode(), b"T\xff\xfem t\xc3")  # not UTF-8
            assert body != good
            conn.sendall(_response("200 OK", {**ok_xml, "Content-Length": str(len(body))}, body))
            return True
        if path == "/ten-thousand":
            body = rss(
                [
                    (f"Bài số {i} về trường học", f"{self.base_url}/bai/10k/{i}.html", "Tóm tắt")
                    for i in range(10_000)
                ]
            ).encode()
            conn.sendall(_response("200 OK", {**ok_xml, "Content-Length": str(len(body))}, body))
            return True
        conn.sendall(_response("404 Not Found", {"Content-Length": "0"}))
        return True


class Blackhole:
    """A listening socket that never accepts, with its backlog filled: connects hang."""

    def __init__(self, host: str = "127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(0)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.fillers: list[socket.socket] = []
        # Fill the accept queue so the kernel stops completing handshakes for newcomers.
        for _ in range(8):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((host, self.port))
            self.fillers.append(filler)
        time.sleep(0.05)

    def url(self, path: str = "/rss") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.sock.close()


# Path of each fault of the matrix and what kind of failure the scan must record.
FAULTS: dict[str, str] = {
    "connect-timeout": "blackhole",
    "headers-timeout": "/hang-headers",
    "body-timeout": "/hang-body",
    "slow-drip": "/drip",
    "reset": "/reset",
    "reset-mid-body": "/reset-mid-body",
    "truncated-gzip": "/truncated-gzip",
    "gzip-bomb": "/gzip-bomb",
    "endless-redirects": "/redirect/0",
    "rate-limited": "/rate-limited",
    "server-error": "/server-error",
    "wrong-content-type": "/wrong-type",
    "html-instead-of-xml": "/html-not-xml",
    "huge-body": "/huge",
    "huge-undeclared": "/huge-undeclared",
    "invalid-utf8": "/invalid-utf8",
    "ten-thousand-items": "/ten-thousand",
    "dns-failure": "dns",
}


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    gzip_bomb()  # built before any timing starts
    server = FaultServer("127.0.0.3")
    yield server
    server.close()


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole("127.0.0.4")
    yield hole
    hole.close()


# --- crash checks (tests/test_crash.py and bench/crash_bench.py) ------------------------------


def start_scan(desk: Path) -> subprocess.Popen:
    """`python -m dumon scan` on the desk, in its own process group (workers included)."""
    env = {**os.environ, "DUMON_HOME": str(desk)}
    return subprocess.Popen(
        [sys.executable, "-m", "dumon", "scan", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the scan and its worker processes, as the OOM killer or a power cut would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (a scan started by `start_scan` and its workers)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def database_problems(path: Path) -> list[str]:
    """Everything that would make the database wrong after a crash; empty when it is sound."""
    if not path.exists():
        return []
    problems = []
    with sqlite3.connect(path) as conn:
        verdict = [r[0] for r in conn.execute("pragma integrity_check")]
        if verdict != ["ok"]:
            problems.append(f"integrity_check: {verdict[:3]}")
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        if "articles" not in tables:
            return problems
        try:
            conn.execute("insert into articles_fts(articles_fts) values('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
        duplicates = conn.execute(
            "select url, count(*) from articles group by url having count(*) > 1"
        ).fetchall()
        if duplicates:
            problems.append(f"duplicate articles: {duplicates[:3]}")
        twice = conn.execute(
            "select article_id, kind, key, field, start, count(*) from hits "
            "group by article_id, kind, key, field, start having count(*) > 1"
        ).fetchall()
        if twice:
            problems.append(f"duplicate hits: {twice[:3]}")
        orphans = conn.execute("pragma foreign_key_check").fetchall()
        if orphans:
            problems.append(f"dangling rows: {orphans[:3]}")
    return problems


def stored_urls(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("select url from articles")}


# --- a crontab program (tests/test_cron.py, tests/test_doctor.py) -----------------------------

FAKE_CRONTAB = """#!/bin/sh
table="$FAKE_CRONTAB_FILE"
case "$1" in
  -l) if [ -f "$table" ]; then cat "$table"; else echo "no crontab for $USER" >&2; exit 1; fi ;;
  -) cat > "$table" ;;
  *) echo "usage: crontab [-l | -]" >&2; exit 2 ;;
esac
"""


@pytest.fixture
def crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `crontab` program first on PATH keeping the table in a file; returns that file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "crontab"
    program.write_text(FAKE_CRONTAB)
    program.chmod(0o755)
    table = tmp_path / "crontab.txt"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRONTAB_FILE", str(table))
    return table
