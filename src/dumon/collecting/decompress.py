"""Response bodies decompressed under a cap: the guard against gzip bombs."""

from __future__ import annotations

import zlib
from typing import Any

from dumon.collecting.http_failures import Failure


class Decoder:
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
            raise Failure(
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
            raise Failure("decode", "Nội dung nén bị hỏng, không giải nén được") from exc
        if self._z.unconsumed_tail:  # output reached the limit with input left over
            out += b"\0"
        return out

    def finish(self) -> bytes:
        if self._z is None:
            return b""
        try:
            tail = self._z.flush()
        except zlib.error as exc:
            raise Failure("decode", "Nội dung nén bị hỏng, không giải nén được") from exc
        if not self._z.eof and self._fed:
            # The stream stopped before its end: half a feed must not pass for a whole one.
            raise Failure("decode", "Nội dung nén bị cắt cụt giữa chừng, không giải nén được")
        return tail
