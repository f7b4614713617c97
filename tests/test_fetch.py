"""The HTTP policy against a real server on loopback: what a press officer would see per source."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import zlib
from email.utils import formatdate

import httpx
import pytest

from dumon.collecting.fetch import Fetcher
from dumon.collecting.http_failures import transport_failure, wait_from_retry_after
from dumon.models import FetchPolicy, FetchStatus
from support.loopback import Reply

FAST = FetchPolicy(
    timeout=2.0, connect_timeout=1.0, retries=2, backoff=0.01, max_retry_after=1.0, per_host=4
)
# The loopback servers play configured sources, which may be on a local address.
SOURCE_HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
TITLE = "Sở Giáo dục và Đào tạo tổ chức hội nghị về an toàn trường học — hoà thuỷ"


def fetch(url: str, policy: FetchPolicy = FAST, **kwargs: str):
    async def _run():
        async with Fetcher(policy, private_hosts=SOURCE_HOSTS) as f:
            return await f.fetch(url, **kwargs)

    return asyncio.run(_run())


def test_ok_body_headers_and_user_agent(loopback):
    url = loopback.route("/rss", body=f"<rss><title>{TITLE}</title></rss>", headers=RSS).url("/rss")
    result = fetch(url)
    assert result.ok and result.http_status == 200
    assert TITLE in result.content.decode("utf-8")
    assert result.headers["content-type"].startswith("application/rss+xml")
    assert result.final_url == url
    assert loopback.requests_to("/rss")[0].headers["user-agent"] == FAST.user_agent


def test_gzip_body_is_decompressed(loopback):
    raw = f"<rss>{TITLE}</rss>".encode()
    url = loopback.route(
        "/gz", body=gzip.compress(raw), headers={**RSS, "Content-Encoding": "gzip"}
    ).url("/gz")
    result = fetch(url)
    assert result.content == raw
    assert "content-encoding" not in result.headers  # they describe what is handed on
    assert result.headers.get("content-length") in (None, str(len(raw)))


def test_gzip_of_several_members_is_read_whole(loopback):
    first, second = f"<rss>{TITLE}".encode(), f"{TITLE}</rss>".encode()
    body = gzip.compress(first) + gzip.compress(second)  # as `cat a.gz b.gz` writes it
    url = loopback.route("/gz2", body=body, headers={**RSS, "Content-Encoding": "gzip"}).url("/gz2")
    assert fetch(url).content == first + second


def test_a_bomb_in_a_later_gzip_member_is_stopped_too(loopback):
    body = gzip.compress(b"<rss>") + gzip.compress(b"\0" * 5_000_000)
    url = loopback.route("/bomb2", body=body, headers={"Content-Encoding": "gzip"}).url("/bomb2")
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_bytes": 100_000}))
    assert result.error_kind == "too_large"


def test_raw_deflate_body_is_decompressed(loopback):
    raw = TITLE.encode() * 20
    packer = zlib.compressobj(wbits=-15)
    body = packer.compress(raw) + packer.flush()
    url = loopback.route("/df", body=body, headers={"Content-Encoding": "deflate"}).url("/df")
    assert fetch(url).content == raw


def test_gzip_bomb_is_stopped_at_the_cap(loopback):
    bomb = gzip.compress(b"\0" * 5_000_000)  # ~5 KB on the wire
    url = loopback.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"}).url("/bomb")
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_bytes": 100_000}))
    assert result.status is FetchStatus.FAILED
    assert result.error_kind == "too_large"
    assert result.error == "Nội dung vượt giới hạn 100 KB"


def test_corrupt_gzip_is_a_decode_error(loopback):
    url = loopback.route("/bad", body=b"not gzip at all", headers={"Content-Encoding": "gzip"}).url(
        "/bad"
    )
    result = fetch(url)
    assert result.error_kind == "decode" and "giải nén" in result.error


def test_truncated_gzip_is_a_decode_error_not_a_short_body(loopback):
    whole = gzip.compress(f"<rss>{TITLE * 50}</rss>".encode())
    url = loopback.route(
        "/cut", body=whole[: len(whole) // 2], gzip=False, headers={"Content-Encoding": "gzip"}
    ).url("/cut")
    result = fetch(url)
    assert result.status is FetchStatus.FAILED and result.error_kind == "decode"
    assert result.content == b"" and "cắt cụt" in result.error


def test_empty_gzip_response_is_empty(loopback):
    url = loopback.route("/empty", status=200, headers={"Content-Encoding": "gzip"}).url("/empty")
    result = fetch(url)
    assert result.ok and result.content == b""


def test_conditional_request_returns_not_modified(loopback):
    def handler(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(body="mới", headers={"ETag": '"v1"'})

    url = loopback.route("/c", handler=handler).url("/c")
    first = fetch(url)
    assert first.ok and first.headers["etag"] == '"v1"'
    stamp = formatdate(usegmt=True)
    again = fetch(url, etag='"v1"', last_modified=stamp)
    assert again.status is FetchStatus.NOT_MODIFIED and again.http_status == 304
    sent = loopback.requests_to("/c")[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp


def test_redirect_chain_is_followed_and_final_url_reported(loopback):
    loopback.route("/a", status=301, headers={"Location": "/b"})
    loopback.route("/b", status=302, headers={"Location": loopback.url("/c")})
    final = loopback.route("/c", body="đích").url("/c")
    result = fetch(loopback.url("/a"))
    assert result.ok and result.final_url == final
    assert result.content.decode() == "đích"


def test_redirect_loop(loopback):
    loopback.route("/x", status=302, headers={"Location": "/y"})
    loopback.route("/y", status=302, headers={"Location": "/x"})
    result = fetch(loopback.url("/x"))
    assert result.error_kind == "redirect_loop" and result.error == "Vòng lặp chuyển hướng"


def test_too_many_redirects(loopback):
    for i in range(5):
        loopback.route(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    loopback.route("/r5", body="xa quá")
    policy = FetchPolicy(**{**FAST.__dict__, "max_redirects": 3})
    result = fetch(loopback.url("/r0"), policy)
    assert result.error_kind == "too_many_redirects" and "3" in result.error


def test_redirect_to_file_is_refused(loopback):
    url = loopback.route("/evil", status=302, headers={"Location": "file:///etc/passwd"}).url(
        "/evil"
    )
    result = fetch(url)
    assert result.status is FetchStatus.FAILED and result.error_kind == "bad_scheme"
    assert "file://" in result.error and result.content == b""


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:99999/", "http://[::1/", "http://127.0.0.1/a\x00b", "/tin/1.htm"]
)
def test_malformed_urls_are_reported_not_raised(target):
    result = fetch(target)
    assert result.status is FetchStatus.FAILED and result.error_kind == "invalid"
    assert result.error.startswith("Địa chỉ không hợp lệ")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://a/"])
def test_non_http_targets_are_refused(target):
    result = fetch(target)
    assert result.error_kind == "bad_scheme" and "http" in result.error


def test_not_found(loopback):
    result = fetch(loopback.url("/khong-co"))
    assert result.http_status == 404 and result.error_kind == "http_4xx"
    assert result.error == "Không tìm thấy trang (404)"


def test_server_error_then_ok_is_retried(loopback):
    url = loopback.sequence("/flaky", [Reply(status=500), Reply(status=503), Reply(body="ổn")]).url(
        "/flaky"
    )
    result = fetch(url)
    assert result.ok and result.content.decode() == "ổn"
    assert loopback.hits("/flaky") == 3


def test_server_error_persisting_says_how_many_attempts(loopback):
    url = loopback.route("/down", status=500).url("/down")
    result = fetch(url)
    assert result.error == "Máy chủ trả lỗi 500 (lỗi phía máy chủ) sau 3 lần thử"
    assert result.error_kind == "http_5xx" and result.http_status == 500


def test_rate_limited_honours_retry_after(loopback):
    url = loopback.sequence(
        "/busy",
        [Reply(status=429, headers={"Retry-After": "1"}), Reply(body="xong")],
    ).url("/busy")
    started = time.monotonic()
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_retry_after": 5.0}))
    assert result.ok and result.content == b"xong"
    assert time.monotonic() - started >= 0.9


def test_retry_after_is_capped_by_policy(loopback):
    url = loopback.sequence(
        "/slowdown",
        [Reply(status=429, headers={"Retry-After": "3600"}), Reply(body="ok")],
    ).url("/slowdown")
    started = time.monotonic()
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_retry_after": 0.2}))
    assert result.ok and time.monotonic() - started < 3


def test_retry_after_http_date_is_understood():
    # HTTP dates have one-second resolution, so this is checked on the parsed delay.
    assert 28 <= wait_from_retry_after(formatdate(time.time() + 30, usegmt=True)) <= 30
    assert wait_from_retry_after("Sat, 01 Jan 2000 00:00:00 GMT") == 0.0  # in the past: no wait
    assert wait_from_retry_after("120") == 120.0
    assert wait_from_retry_after("ngày mai") is None


def test_slow_response_times_out(loopback):
    url = loopback.route("/slow", body="muộn", delay=1.5).url("/slow")
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "timeout": 0.5}))
    assert result.error_kind == "timeout" and result.error == "Quá thời gian chờ (0.5 giây)"
    assert loopback.hits("/slow") == 1  # a timeout is not retried


def test_slow_drip_cannot_hang_past_the_deadline(loopback):
    # Every chunk arrives well within the read timeout; only the overall deadline stops it.
    url = loopback.route("/drip", body=b"x" * 4000, drip=0.1, chunk=100).url("/drip")
    started = time.monotonic()
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "timeout": 0.8}))
    assert result.error_kind == "timeout"
    assert time.monotonic() - started < 2.5


def test_body_over_the_cap(loopback):
    url = loopback.route("/big", body=b"a" * 300_000).url("/big")
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_bytes": 100_000}))
    assert result.error_kind == "too_large" and result.error == "Nội dung vượt giới hạn 100 KB"


def test_body_over_the_cap_without_content_length(loopback):
    url = loopback.route("/stream", body=b"a" * 300_000, chunked=True).url("/stream")
    result = fetch(url, FetchPolicy(**{**FAST.__dict__, "max_bytes": 100_000}))
    assert result.error_kind == "too_large"


def test_default_cap_message_in_megabytes(loopback):
    url = loopback.route("/huge", headers={"Content-Length": "20000000"}, body=b"").url("/huge")
    result = fetch(url)
    assert result.error == "Nội dung vượt giới hạn 10 MB"


def test_connection_reset_is_retried_then_reported(loopback):
    url = loopback.route("/reset", reset=True).url("/reset")
    result = fetch(url)
    assert result.error_kind == "connect" and "sau 3 lần thử" in result.error
    assert loopback.hits("/reset") == 3


def test_connection_reset_then_ok(loopback):
    url = loopback.sequence("/once", [Reply(reset=True), Reply(body="ok")]).url("/once")
    assert fetch(url).ok


def test_connection_refused():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/")
    assert result.error_kind == "connect"
    assert result.error.startswith("Không kết nối được tới máy chủ")


def test_dns_failure_is_named():
    # Resolving a name here could leave the machine, so the resolver error is built by hand.
    exc = httpx.ConnectError("[Errno -2] Name or service not known")
    exc.__cause__ = socket.gaierror(-2, "Name or service not known")
    failure = transport_failure(exc)
    assert failure.kind == "dns" and failure.message == "Không phân giải được tên miền"


def test_robots_disallow_is_respected_and_fetched_once(loopback):
    loopback.route("/robots.txt", body="User-agent: *\nDisallow: /private/\n")
    loopback.route("/private/x", body="bí mật")
    loopback.route("/public", body="công khai")

    async def run():
        async with Fetcher(FAST, private_hosts=SOURCE_HOSTS) as f:
            return await asyncio.gather(
                f.fetch(loopback.url("/private/x")),
                f.fetch(loopback.url("/public")),
                f.fetch(loopback.url("/public")),
            )

    private, public, _ = asyncio.run(run())
    assert private.error_kind == "robots" and private.error == "robots.txt không cho phép"
    assert public.ok
    assert loopback.hits("/private/x") == 0
    assert loopback.hits("/robots.txt") == 1


def test_robots_crawl_delay_spaces_requests_to_that_host(loopback):
    loopback.route("/robots.txt", body="User-agent: *\nCrawl-delay: 1\n")
    started: list[float] = []

    def handler(request):
        started.append(time.monotonic())
        return Reply(body="ok")

    for path in ("/a", "/b", "/c"):
        loopback.route(path, handler=handler)

    async def run():
        async with Fetcher(FAST, private_hosts=SOURCE_HOSTS) as f:
            return await asyncio.gather(*(f.fetch(loopback.url(p)) for p in ("/a", "/b", "/c")))

    assert all(r.ok for r in asyncio.run(run()))
    gaps = [b - a for a, b in zip(sorted(started), sorted(started)[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.9


def test_robots_ignored_when_policy_says_so(loopback):
    loopback.route("/robots.txt", body="User-agent: *\nDisallow: /\n")
    url = loopback.route("/page", body="ok").url("/page")
    assert fetch(url, FetchPolicy(**{**FAST.__dict__, "respect_robots": False})).ok


def test_robots_server_error_allows_fetching(loopback):
    loopback.route("/robots.txt", status=500)
    url = loopback.route("/page", body="ok").url("/page")
    assert fetch(url).ok


def test_per_host_limit_holds_and_hosts_are_independent(make_loopback):
    lock = threading.Lock()
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    overall = {"now": 0, "peak": 0}

    def handler(request):
        with lock:
            in_flight[request.host] = in_flight.get(request.host, 0) + 1
            peak[request.host] = max(peak.get(request.host, 0), in_flight[request.host])
            overall["now"] += 1
            overall["peak"] = max(overall["peak"], overall["now"])
        time.sleep(0.3)  # long enough for the limit, not luck, to decide the overlap
        with lock:
            in_flight[request.host] -= 1
            overall["now"] -= 1
        return Reply(body="ok")

    servers = [make_loopback("127.0.0.2"), make_loopback("127.0.0.3")]
    for server in servers:
        server.route("/p", handler=handler)
    policy = FetchPolicy(**{**FAST.__dict__, "per_host": 2, "respect_robots": False})

    async def run():
        async with Fetcher(policy, private_hosts=SOURCE_HOSTS) as f:
            return await asyncio.gather(*(f.fetch(s.url("/p")) for s in servers * 4))

    assert all(r.ok for r in asyncio.run(run()))
    assert peak == {"127.0.0.2": 2, "127.0.0.3": 2}
    assert overall["peak"] == 4  # the two hosts were fetched side by side
