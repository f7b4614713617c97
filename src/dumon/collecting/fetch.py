"""HTTP fetching policy: the only module that talks to the network (with `netguard`, which
opens its connections, `decompress` and `http_failures`).

`Fetcher` owns one `httpx.AsyncClient` and applies the policy of `models.FetchPolicy`: global and
per-host concurrency, connect/read timeouts plus an overall deadline per request, redirects
followed by hand (bounded, http(s) only), a streamed size cap measured on the decompressed body,
conditional requests, bounded retries with backoff (honouring Retry-After), and robots.txt.

Where a request may go: only the hosts of configured sources (`private_hosts`) may resolve to
loopback, private, link-local or multicast addresses. A link found in a feed or page, or a
redirect, may reach such an address only on the host of the source it came from (`within`);
`netguard` checks it when the connection is opened.

Every outcome is a `FetchResult`; network problems never raise. `error` is a short Vietnamese
reason a press officer understands, `error_kind` a stable English slug for reports and health.

Why ~420 lines: `Fetcher` is one policy over shared state (limits, retries, robots.txt,
redirects, size caps); what stands apart has left it (`netguard`, `decompress`,
`http_failures`).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Iterable
from dataclasses import replace
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from dumon.collecting.decompress import Decoder
from dumon.collecting.http_failures import (
    Failure,
    blocked_failure,
    check_target,
    status_failure,
    transport_failure,
)
from dumon.collecting.netguard import Blocked, GuardedTransport, public_addresses
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
                transport=GuardedTransport(
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
        problem = check_target(url)
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
            except Failure as failure:
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
                raise Failure("robots", "robots.txt không cho phép")
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
            problem = check_target(target)
            if problem is not None:
                scheme = urlsplit(target).scheme or "?"
                raise Failure(
                    "bad_scheme",
                    f"Máy chủ chuyển hướng tới địa chỉ không phải web ({scheme}://), đã từ chối",
                )
            if target in seen:
                raise Failure("redirect_loop", "Vòng lặp chuyển hướng")
            seen.add(target)
            current = target
        raise Failure("too_many_redirects", f"Chuyển hướng quá {self.policy.max_redirects} lần")

    async def _check_reach(self, url: str, home: str) -> None:
        """Refuse a hop to a configured host other than `home` that resolves to a non-public
        address (hosts that are not configured are held to public addresses when connecting)."""
        host = (urlsplit(url).hostname or "").lower()
        if host == home or host not in self.private_hosts:
            return
        try:
            await public_addresses(host, urlsplit(url).port or 80)
        except Blocked as exc:
            raise blocked_failure(url) from exc
        except OSError as exc:
            raise Failure("dns", "Không phân giải được tên miền") from exc

    async def _exchange(
        self, url: str, conditional: dict[str, str], keep: int | None = None
    ) -> FetchResult | str:
        """One request/response under the limits; a redirect returns its Location."""
        host = (urlsplit(url).hostname or "").lower()
        async with self._global, self._host_limit(host):
            try:
                async with asyncio.timeout(self.policy.timeout):
                    return await self._send(self._client_for(host), url, conditional, keep)
            except Blocked as exc:
                raise blocked_failure(url) from exc
            except TimeoutError as exc:
                raise Failure(
                    "timeout", f"Quá thời gian chờ ({_seconds(self.policy.timeout)})"
                ) from exc
            except httpx.TimeoutException as exc:
                if isinstance(exc, httpx.ConnectTimeout):
                    raise Failure(
                        "connect", "Không kết nối được tới máy chủ (hết thời gian chờ)", retry=True
                    ) from exc
                raise Failure(
                    "timeout", f"Quá thời gian chờ ({_seconds(self.policy.timeout)})"
                ) from exc
            except httpx.TransportError as exc:
                raise transport_failure(exc) from exc
            except httpx.InvalidURL as exc:
                raise Failure("invalid", f"Địa chỉ không hợp lệ: {url}") from exc

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
                    raise Failure(
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
                raise status_failure(status, headers.get("retry-after"))
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
        too_large = Failure("too_large", f"Nội dung vượt giới hạn {_size(cap)}")
        declared = headers.get("content-length", "")
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if not keep and declared.isdigit() and encoding in ("", "identity") and int(declared) > cap:
            raise too_large
        decoder = Decoder(encoding)
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
        except Failure as failure:
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
            except Failure as failure:
                if failure.kind == "http_4xx":
                    return FetchResult(url=robots_url, status=FetchStatus.FAILED)
                raise
            if isinstance(response, FetchResult):
                if len(response.content) > _ROBOTS_MAX_BYTES:
                    return FetchResult(url=robots_url, status=FetchStatus.FAILED)
                return response
            current = urljoin(current, response)
            if check_target(current) is not None:
                return FetchResult(url=robots_url, status=FetchStatus.FAILED)
        return FetchResult(url=robots_url, status=FetchStatus.FAILED)


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


def _lower_headers(response: httpx.Response) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _seconds(value: float) -> str:
    return f"{value:g} giây"


def _size(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1_000_000:g} MB"
    if limit >= 1_000:
        return f"{limit / 1_000:g} KB"
    return f"{limit} byte"
