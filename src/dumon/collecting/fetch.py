"""HTTP fetching policy: the only module that talks to the network.

`Fetcher` owns one `httpx.AsyncClient` and applies the policy of `models.FetchPolicy`: global and
per-host concurrency, connect/read timeouts plus an overall deadline per request, redirects
followed by hand (bounded, http(s) only), a streamed size cap measured on the decompressed body,
conditional requests, bounded retries with backoff (honouring Retry-After), and robots.txt.

Where a request may go: only the hosts of configured sources (`private_hosts`) may resolve to
loopback, private, link-local or multicast addresses. A link found in a feed or page, or a
redirect, may reach such an address only on the host of the source it came from (`within`).
The check is made on the addresses DNS gives, when the connection is opened, and the
connection goes to the address checked, so a name cannot resolve one way for the check and
another for the request.

Every outcome is a `FetchResult`; network problems never raise. `error` is a short Vietnamese
reason a press officer understands, `error_kind` a stable English slug for reports and health.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from dumon.models import FetchPolicy, FetchResult, FetchStatus

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512_000
_ROBOTS_AGENT = "dumon"
# A Crawl-delay above this is read as this: a scan reads a host's few feeds, not its site,
# and an hour's delay would hold the whole scan.
_MAX_CRAWL_DELAY = 10.0
_READ_CHUNK = 65_536
_VALIDATOR_MAX = 1024


class _Failure(Exception):
    """One attempt failed; `retry` says whether another attempt may succeed."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        http_status: int | None = None,
        retry: bool = False,
        wait: float | None = None,
    ):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status
        self.retry = retry
        self.wait = wait


class _Blocked(Exception):
    """The address a request would reach is not one it may reach (see the module docstring)."""


class Fetcher:
    """Fetch URLs politely under one policy: `async with Fetcher(policy) as f: await f.fetch(u)`.

    `private_hosts` are the host names that may resolve to non-public addresses: those of the
    configured sources (or of a URL a person typed).
    """

    def __init__(self, policy: FetchPolicy, *, private_hosts: Iterable[str] = ()):
        self.policy = policy
        self.private_hosts = frozenset(h.lower() for h in private_hosts)
        self._ssl: ssl.SSLContext | None = None
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._global = asyncio.Semaphore(max(1, policy.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._next_request: dict[str, float] = {}  # by origin, for robots.txt Crawl-delay

    async def __aenter__(self) -> Fetcher:
        self._ssl = httpx.create_ssl_context()  # once: loading the CA bundle costs ~60 ms
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        clients, self._clients, self._ssl = list(self._clients.values()), {}, None
        await asyncio.gather(*(client.aclose() for client in clients))

    def _client_for(self, host: str) -> httpx.AsyncClient:
        """The host's own connection pool.

        httpcore checks every pooled connection on each request it assigns (a syscall or two
        per connection), so one pool shared by 20 hosts cost more CPU than the requests;
        a pool per host holds at most its per-host limit of connections.
        """
        client = self._clients.get(host)
        if client is None:
            policy = self.policy
            per_host = max(1, policy.per_host)
            limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
            client = self._clients[host] = httpx.AsyncClient(
                transport=_GuardedTransport(
                    public_only=host not in self.private_hosts,
                    ssl_context=self._ssl or httpx.create_ssl_context(),
                    limits=limits,
                ),
                # No proxy from the environment: it would stand between the address check and
                # the connection (and hold every request to its own, private, address).
                trust_env=False,
                follow_redirects=False,
                timeout=httpx.Timeout(
                    connect=min(policy.connect_timeout, policy.timeout),
                    read=policy.timeout,
                    write=policy.timeout,
                    pool=None,  # waiting for a slot is bounded by our own semaphores
                ),
                headers={
                    "User-Agent": policy.user_agent,
                    # Only encodings we decompress ourselves, under the size cap.
                    "Accept-Encoding": "gzip, deflate",
                    "Accept": "*/*",
                },
            )
        return client

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        within: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """Fetch `url`, conditionally when a validator is given; never raises for the network.

        `within`: the URL of the source a discovered link came from (see the module
        docstring). `max_bytes`: keep at most this much of the body instead of failing
        over the policy's cap (article pages: their text comes first).
        """
        started = time.monotonic()
        if self._ssl is None:
            raise RuntimeError("Fetcher must be used as 'async with Fetcher(policy) as f'")
        problem = _check_target(url)
        if problem is not None:
            kind, message = problem
            return FetchResult(url=url, status=FetchStatus.FAILED, error=message, error_kind=kind)
        conditional: dict[str, str] = {}
        for header, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
            if value and resendable(value) is None:
                log.warning("%s: stored %s %r cannot be sent; dropped", url, header, value)
            elif value:
                conditional[header] = value
        home = (urlsplit(within or url).hostname or "").lower()

        attempts = 1 + max(0, self.policy.retries)
        for attempt in range(1, attempts + 1):
            try:
                result = await self._attempt(url, conditional, home, max_bytes)
            except _Failure as failure:
                if failure.retry and attempt < attempts:
                    wait = self._backoff(attempt, failure.wait)
                    log.info("%s: %s; retry %d in %.2fs", url, failure.kind, attempt, wait)
                    await asyncio.sleep(wait)
                    continue
                message = failure.message
                if failure.retry and attempts > 1:
                    message = f"{message} sau {attempt} lần thử"
                return FetchResult(
                    url=url,
                    status=FetchStatus.FAILED,
                    http_status=failure.http_status,
                    error=message,
                    error_kind=failure.kind,
                    elapsed=time.monotonic() - started,
                )
            return replace(result, elapsed=time.monotonic() - started)
        raise AssertionError("unreachable: the last attempt always returns")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff, or the server's Retry-After capped by policy."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.policy.max_retry_after)
        return min(self.policy.backoff * (2 ** (attempt - 1)), self.policy.max_retry_after)

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(max(1, self.policy.per_host))
        return sem

    async def _attempt(
        self, url: str, conditional: dict[str, str], home: str, keep: int | None
    ) -> FetchResult:
        """One attempt: follow redirects by hand up to the policy's bound."""
        current = url
        seen = {current}
        for _hop in range(self.policy.max_redirects + 1):
            await self._check_reach(current, home)
            if self.policy.respect_robots and not await self._obey_robots(current):
                raise _Failure("robots", "robots.txt không cho phép")
            response = await self._exchange(current, conditional, keep)
            if isinstance(response, FetchResult):
                return FetchResult(
                    url=url,
                    status=response.status,
                    http_status=response.http_status,
                    final_url=current,
                    headers=response.headers,
                    content=response.content,
                )
            target = urljoin(current, response)
            problem = _check_target(target)
            if problem is not None:
                scheme = urlsplit(target).scheme or "?"
                raise _Failure(
                    "bad_scheme",
                    f"Máy chủ chuyển hướng tới địa chỉ không phải web ({scheme}://), đã từ chối",
                )
            if target in seen:
                raise _Failure("redirect_loop", "Vòng lặp chuyển hướng")
            seen.add(target)
            current = target
        raise _Failure("too_many_redirects", f"Chuyển hướng quá {self.policy.max_redirects} lần")

    async def _check_reach(self, url: str, home: str) -> None:
        """Refuse a hop to a configured host other than `home` that resolves to a non-public
        address (hosts that are not configured are held to public addresses when connecting)."""
        host = (urlsplit(url).hostname or "").lower()
        if host == home or host not in self.private_hosts:
            return
        try:
            await _public_addresses(host, urlsplit(url).port or 80)
        except _Blocked as exc:
            raise _blocked_failure(url) from exc
        except OSError as exc:
            raise _Failure("dns", "Không phân giải được tên miền") from exc

    async def _exchange(
        self, url: str, conditional: dict[str, str], keep: int | None = None
    ) -> FetchResult | str:
        """One request/response under the limits; a redirect returns its Location."""
        host = (urlsplit(url).hostname or "").lower()
        async with self._global, self._host_limit(host):
            try:
                async with asyncio.timeout(self.policy.timeout):
                    return await self._send(self._client_for(host), url, conditional, keep)
            except _Blocked as exc:
                raise _blocked_failure(url) from exc
            except TimeoutError as exc:
                raise _Failure(
                    "timeout", f"Quá thời gian chờ ({_seconds(self.policy.timeout)})"
                ) from exc
            except httpx.TimeoutException as exc:
                if isinstance(exc, httpx.ConnectTimeout):
                    raise _Failure(
                        "connect", "Không kết nối được tới máy chủ (hết thời gian chờ)", retry=True
                    ) from exc
                raise _Failure(
                    "timeout", f"Quá thời gian chờ ({_seconds(self.policy.timeout)})"
                ) from exc
            except httpx.TransportError as exc:
                raise _transport_failure(exc) from exc
            except httpx.InvalidURL as exc:
                raise _Failure("invalid", f"Địa chỉ không hợp lệ: {url}") from exc

    async def _send(
        self,
        client: httpx.AsyncClient,
        url: str,
        conditional: dict[str, str],
        keep: int | None,
    ) -> FetchResult | str:
        request = client.build_request("GET", url, headers=conditional)
        response = await client.send(request, stream=True)
        try:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise _Failure(
                        "invalid",
                        f"Máy chủ chuyển hướng ({status}) nhưng không cho địa chỉ đích",
                        http_status=status,
                    )
                return location.strip()
            headers = _lower_headers(response)
            if status == 304:
                return FetchResult(
                    url=url, status=FetchStatus.NOT_MODIFIED, http_status=304, headers=headers
                )
            if status >= 400 or status < 200:
                raise _status_failure(status, headers.get("retry-after"))
            content = await self._read_capped(response, headers, keep)
            if headers.pop("content-encoding", "identity").strip().lower() != "identity":
                headers.pop("content-length", None)  # described the compressed body
            return FetchResult(
                url=url, status=FetchStatus.OK, http_status=status, headers=headers, content=content
            )
        finally:
            await response.aclose()

    async def _read_capped(
        self, response: httpx.Response, headers: dict[str, str], keep: int | None = None
    ) -> bytes:
        """Stream the body, decompressing ourselves so the cap applies to what we keep.

        With `keep`, a longer body is cut to its first `keep` bytes (and no more is read)
        instead of failing."""
        cap = keep or self.policy.max_bytes
        too_large = _Failure("too_large", f"Nội dung vượt giới hạn {_size(cap)}")
        declared = headers.get("content-length", "")
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if not keep and declared.isdigit() and encoding in ("", "identity") and int(declared) > cap:
            raise too_large
        decoder = _Decoder(encoding)
        parts: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw(_READ_CHUNK):
            chunk = decoder.feed(raw, cap - size + 1)
            size += len(chunk)
            if size > cap and keep:
                parts.append(chunk[: len(chunk) - (size - cap)])
                return b"".join(parts)
            if size > cap:
                raise too_large
            parts.append(chunk)
        tail = decoder.finish()
        size += len(tail)
        if size > cap:
            raise too_large
        parts.append(tail)
        return b"".join(parts)

    async def _obey_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets us fetch it (read once per host); when it
        does, wait for the host's Crawl-delay (capped, see above) since the last request."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if parts.path == "/robots.txt":
            return True
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        rules = self._robots[origin]
        if rules is None:
            return True
        if not rules.can_fetch(_ROBOTS_AGENT, url):
            return False
        delay = rules.crawl_delay(_ROBOTS_AGENT)
        if delay:
            async with lock:  # one request at a time claims the next slot
                wait = self._next_request.get(origin, 0.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_request[origin] = time.monotonic() + min(float(delay), _MAX_CRAWL_DELAY)
        return True

    async def _load_robots(self, origin: str) -> RobotFileParser | None:
        """Parsed rules, or None (everything allowed) when the host has no usable robots.txt."""
        robots_url = origin + "/robots.txt"
        try:
            result = await self._robots_attempt(robots_url)
        except _Failure as failure:
            log.warning("robots.txt of %s unavailable (%s); fetching allowed", origin, failure.kind)
            return None
        if result.status is not FetchStatus.OK:
            return None
        rules = RobotFileParser(robots_url)
        text = result.content.decode("utf-8", errors="replace")
        rules.parse(text.splitlines())
        return rules

    async def _robots_attempt(self, robots_url: str) -> FetchResult:
        """Fetch robots.txt: a few redirects, no retries; 4xx means no rules."""
        current = robots_url
        for _hop in range(self.policy.max_redirects + 1):
            try:
                response = await self._exchange(current, {})
            except _Failure as failure:
                if failure.kind == "http_4xx":
                    return FetchResult(url=robots_url, status=FetchStatus.FAILED)
                raise
            if isinstance(response, FetchResult):
                if len(response.content) > _ROBOTS_MAX_BYTES:
                    return FetchResult(url=robots_url, status=FetchStatus.FAILED)
                return response
            current = urljoin(current, response)
            if _check_target(current) is not None:
                return FetchResult(url=robots_url, status=FetchStatus.FAILED)
        return FetchResult(url=robots_url, status=FetchStatus.FAILED)


class _Decoder:
    """Incremental gzip/deflate decompression with an output bound per call (gzip-bomb guard).

    zlib stops at `limit` bytes of output and keeps the rest of the input aside; the caller
    then sees more output than the cap allows and gives up, without inflating the rest.
    """

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._fed = False  # an empty body labelled gzip is just empty
        self._z: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding not in ("", "identity", "deflate"):
            raise _Failure(
                "decode", f"Máy chủ nén nội dung theo kiểu không hỗ trợ ({encoding[:40]})"
            )

    def feed(self, data: bytes, limit: int) -> bytes:
        if self.encoding in ("", "identity"):
            return data
        if self._z is None:  # deflate: zlib-wrapped per the RFC, sometimes raw in practice
            wrapped = (
                len(data) >= 2 and (data[0] & 0x0F) == 8 and (data[0] * 256 + data[1]) % 31 == 0
            )
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        self._fed = self._fed or bool(data)
        out = self._inflate(data, limit)
        # gzip allows several members one after the other (`cat a.gz b.gz`): go on with the next.
        while self._z.eof and self._z.unused_data[:2] == b"\x1f\x8b" and len(out) <= limit:
            rest = self._z.unused_data
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
            out += self._inflate(rest, limit - len(out))
        return out

    def _inflate(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._z.decompress(data, max(1, limit))
        except zlib.error as exc:
            raise _Failure("decode", "Nội dung nén bị hỏng, không giải nén được") from exc
        if self._z.unconsumed_tail:  # output reached the limit with input left over
            out += b"\0"
        return out

    def finish(self) -> bytes:
        if self._z is None:
            return b""
        try:
            tail = self._z.flush()
        except zlib.error as exc:
            raise _Failure("decode", "Nội dung nén bị hỏng, không giải nén được") from exc
        if not self._z.eof and self._fed:
            # The stream stopped before its end: half a feed must not pass for a whole one.
            raise _Failure("decode", "Nội dung nén bị cắt cụt giữa chừng, không giải nén được")
        return tail


def _public(address: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local,
    multicast, reserved or unspecified; an IPv4 address mapped into IPv6 is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _public_addresses(host: str, port: int) -> list[str]:
    """The addresses of `host`, if every one of them is public; else raise _Blocked."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or not all(_public(a) for a in addresses):
        raise _Blocked(host)
    return addresses


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens connections for one host; when the host must be public, to an address just
    checked (never a second lookup that could answer differently)."""

    def __init__(self, *, public_only: bool):
        self.public_only = public_only
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if not self.public_only:
            return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            addresses = await _public_addresses(host, port)
        except OSError as exc:  # DNS: reported as httpx reports it
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(host)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose connections `_GuardedBackend` opens."""

    def __init__(self, *, public_only: bool, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=ssl_context, http1=True, http2=False, limits=limits)
        # The pool httpx builds, with our network backend (httpcore's documented hook).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=_GuardedBackend(public_only=public_only),
        )


def _blocked_failure(url: str) -> _Failure:
    host = urlsplit(url).hostname or url
    return _Failure(
        "blocked",
        f"Địa chỉ {host} trỏ vào mạng nội bộ (máy này hoặc mạng riêng); dumon chỉ đọc địa chỉ "
        "nội bộ của chính các nguồn trong sources.yaml, nên đã từ chối",
    )


def resendable(value: str | None) -> str | None:
    """A validator (ETag, Last-Modified) as it may be stored and sent back, else None.

    A header is sent as ASCII: a value with other characters (or control characters, or
    absurdly long) would make every later request fail before it is sent, so it is never
    kept; the feed is then simply fetched whole.
    """
    if not value or len(value) > _VALIDATOR_MAX:
        return None
    if not value.isascii() or not value.isprintable():
        return None
    return value


def _check_target(url: str) -> tuple[str, str] | None:
    """Refuse anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError:
        return "invalid", f"Địa chỉ không hợp lệ: {url}"
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return "bad_scheme", f"Chỉ tải được địa chỉ http(s), không tải {scheme}://"
    if not scheme or not parts.hostname:
        return "invalid", f"Địa chỉ không hợp lệ (thiếu http:// hoặc tên miền): {url}"
    return None


def _lower_headers(response: httpx.Response) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _status_failure(status: int, retry_after: str | None) -> _Failure:
    """Map an HTTP error status to what the user is told, and whether to retry."""
    if status == 429:
        return _Failure(
            "rate_limited",
            "Máy chủ báo truy cập quá dày (429)",
            http_status=status,
            retry=True,
            wait=_retry_after(retry_after),
        )
    if status >= 500:
        return _Failure(
            "http_5xx",
            f"Máy chủ trả lỗi {status} (lỗi phía máy chủ)",
            http_status=status,
            retry=True,
            wait=_retry_after(retry_after) if status == 503 else None,
        )
    messages = {
        401: "Trang yêu cầu đăng nhập (401)",
        403: "Máy chủ từ chối truy cập (403)",
        404: "Không tìm thấy trang (404)",
        410: "Trang đã bị gỡ bỏ (410)",
    }
    if status < 200:
        return _Failure("invalid", f"Máy chủ trả mã lạ {status}", http_status=status)
    return _Failure(
        "http_4xx",
        messages.get(status, f"Máy chủ trả lỗi {status} (yêu cầu không hợp lệ)"),
        http_status=status,
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _transport_failure(exc: httpx.TransportError) -> _Failure:
    """Classify a connection-level error: DNS, refused, reset."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return _Failure("dns", "Không phân giải được tên miền")
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return _Failure("dns", "Không phân giải được tên miền")
    if isinstance(exc, httpx.ConnectError):
        return _Failure("connect", "Không kết nối được tới máy chủ", retry=True)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return _Failure("connect", "Máy chủ ngắt kết nối giữa chừng", retry=True)
    return _Failure("connect", "Lỗi kết nối tới máy chủ", retry=True)


def _seconds(value: float) -> str:
    return f"{value:g} giây"


def _size(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1_000_000:g} MB"
    if limit >= 1_000:
        return f"{limit / 1_000:g} KB"
    return f"{limit} byte"
