"""What went wrong with a request, in words a press officer understands.

Each failed attempt is a `Failure`: a stable English slug (`kind`, for reports and health),
a short Vietnamese reason, and whether another attempt may succeed.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx


class Failure(Exception):
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


def blocked_failure(url: str) -> Failure:
    host = urlsplit(url).hostname or url
    return Failure(
        "blocked",
        f"Địa chỉ {host} trỏ vào mạng nội bộ (máy này hoặc mạng riêng); dumon chỉ đọc địa chỉ "
        "nội bộ của chính các nguồn trong sources.yaml, nên đã từ chối",
    )


def check_target(url: str) -> tuple[str, str] | None:
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


def status_failure(status: int, retry_after: str | None) -> Failure:
    """Map an HTTP error status to what the user is told, and whether to retry."""
    if status == 429:
        return Failure(
            "rate_limited",
            "Máy chủ báo truy cập quá dày (429)",
            http_status=status,
            retry=True,
            wait=wait_from_retry_after(retry_after),
        )
    if status >= 500:
        return Failure(
            "http_5xx",
            f"Máy chủ trả lỗi {status} (lỗi phía máy chủ)",
            http_status=status,
            retry=True,
            wait=wait_from_retry_after(retry_after) if status == 503 else None,
        )
    messages = {
        401: "Trang yêu cầu đăng nhập (401)",
        403: "Máy chủ từ chối truy cập (403)",
        404: "Không tìm thấy trang (404)",
        410: "Trang đã bị gỡ bỏ (410)",
    }
    if status < 200:
        return Failure("invalid", f"Máy chủ trả mã lạ {status}", http_status=status)
    return Failure(
        "http_4xx",
        messages.get(status, f"Máy chủ trả lỗi {status} (yêu cầu không hợp lệ)"),
        http_status=status,
    )


def wait_from_retry_after(value: str | None) -> float | None:
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


def transport_failure(exc: httpx.TransportError) -> Failure:
    """Classify a connection-level error: DNS, refused, reset."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return Failure("dns", "Không phân giải được tên miền")
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return Failure("dns", "Không phân giải được tên miền")
    if isinstance(exc, httpx.ConnectError):
        return Failure("connect", "Không kết nối được tới máy chủ", retry=True)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure("connect", "Máy chủ ngắt kết nối giữa chừng", retry=True)
    return Failure("connect", "Lỗi kết nối tới máy chủ", retry=True)
