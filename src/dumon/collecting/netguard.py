"""Where a request may connect: the guard against reaching the office's own network.

Only the hosts of configured sources may resolve to loopback, private, link-local or
multicast addresses (see `fetch`). The check is made on the addresses DNS gives, when the
connection is opened, and the connection goes to the address checked, so a name cannot
resolve one way for the check and another for the request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class Blocked(Exception):
    """The address a request would reach is not one it may reach."""


def is_public(address: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local,
    multicast, reserved or unspecified; an IPv4 address mapped into IPv6 is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def public_addresses(host: str, port: int) -> list[str]:
    """The addresses of `host`, if every one of them is public; else raise Blocked."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or not all(is_public(a) for a in addresses):
        raise Blocked(host)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
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
            addresses = await public_addresses(host, port)
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


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose connections `GuardedBackend` opens."""

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
            network_backend=GuardedBackend(public_only=public_only),
        )
