"""A small asyncio HTTP server that serves synthetic Vietnamese RSS feeds with injected latency.

Used by the scan benchmark: it listens on several loopback addresses (127.0.0.x) so that the
scanner sees distinct hosts, answers conditional requests with 304, and delays every response
by a fixed latency without tying up a thread per request.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing as mp
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

TITLES = [
    "Sở GD&ĐT công bố chỉ tiêu tuyển sinh lớp 10 năm học mới",
    "Học sinh trường THPT đạt giải Nhất học sinh giỏi quốc gia",
    "Giáo viên được tăng phụ cấp ưu đãi nghề từ đầu năm",
    "Phụ huynh phản ánh khoản thu đầu năm của một trường tiểu học",
    "Khánh thành nhà đa năng cho trường THCS ở vùng ven biển",
    "Triển khai học bạ số cho học sinh tiểu học toàn tỉnh",
]


def feed_xml(feed_id: int, items: int, *, well_formed: bool = True) -> bytes:
    """A 20-item RSS 2.0 feed like the outlets' own; `well_formed=False` leaves one '&' raw, as
    careless CMS templates do, which sends a parser down its tolerant (slow) path."""
    base = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>Báo thử nghiệm {feed_id}</title><link>http://bench.invalid/{feed_id}</link>",
        "<description>Giáo dục</description>",
    ]
    for i in range(items):
        title = f"{TITLES[(feed_id + i) % len(TITLES)]} (bài {feed_id}-{i})"
        if well_formed:
            title = escape(title)
        when = format_datetime(base - timedelta(minutes=feed_id * 7 + i))
        parts.append(
            "<item>"
            f"<title>{title}</title>"
            f"<link>http://bench.invalid/bai/{feed_id}/{i}.html</link>"
            f"<guid>bench-{feed_id}-{i}</guid>"
            f"<pubDate>{when}</pubDate>"
            "<description>&lt;p&gt;Thông tin chi tiết về hoạt động của ngành giáo dục tỉnh Ninh "
            "Bình, các trường học và học sinh trong tuần qua.&lt;/p&gt;</description>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class FeedServer:
    def __init__(self, latency: float, items: int, broken: int = 0):
        self.latency = latency
        self.items = items
        self.broken = broken
        self.cache: dict[str, tuple[bytes, str]] = {}
        self.requests = 0
        self.not_modified = 0

    def body_for(self, path: str) -> tuple[bytes, str]:
        if path not in self.cache:
            feed_id = int(path.strip("/").split("/")[-1].split(".")[0] or 0)
            body = feed_xml(feed_id, self.items, well_formed=feed_id >= self.broken)
            self.cache[path] = (body, '"' + hashlib.md5(body).hexdigest() + '"')
        return self.cache[path]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                self.requests += 1
                await asyncio.sleep(self.latency)
                if path == "/robots.txt":
                    response = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                else:
                    body, etag = self.body_for(path)
                    if headers.get("if-none-match") == etag:
                        self.not_modified += 1
                        response = f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n".encode()
                    else:
                        response = (
                            "HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/rss+xml; charset=utf-8\r\n"
                            f"ETag: {etag}\r\nContent-Length: {len(body)}\r\n\r\n"
                        ).encode() + body
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def serve(
    hosts: list[str], port: int, latency: float, items: int, broken: int, ready, stop
) -> None:
    """Run the server until `stop` (a multiprocessing Event) is set."""

    async def main() -> None:
        server = FeedServer(latency, items, broken)
        servers = [await asyncio.start_server(server.handle, host, port) for host in hosts]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        for s in servers:
            s.close()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_feeds(
    feeds: int, hosts: int, latency: float, items: int, broken: int = 0
) -> Iterator[list[str]]:
    """Serve `feeds` feeds spread over `hosts` loopback addresses; yield their URLs.

    The first `broken` feeds are not well-formed XML.
    """
    port = free_port()
    addresses = [f"127.0.0.{2 + i}" for i in range(hosts)]
    ctx = mp.get_context("spawn")
    ready, stop = ctx.Event(), ctx.Event()
    server = ctx.Process(target=serve, args=(addresses, port, latency, items, broken, ready, stop))
    server.start()
    ready.wait(10)
    try:
        yield [f"http://{addresses[i % hosts]}:{port}/feed/{i}.rss" for i in range(feeds)]
    finally:
        stop.set()
        server.join(5)
