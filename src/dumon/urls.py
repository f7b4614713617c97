"""Canonical URLs: one spelling per article, so the same story fetched twice is stored once.

Canonicalisation is conservative: it only drops what never changes the page served (fragment,
default port, tracking parameters, empty query) and lowercases what is case-insensitive by
definition (scheme, host). Paths keep their case, since many Vietnamese CMSs route by slug.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "zarsrc",
        "zaloid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "icid",
        "ito",
        "vn_source",
        "vn_medium",
        "vn_campaign",
        "vn_term",
        "vn_content",
        "vn_platform",
        "vnsource",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTI_SLASH = re.compile(r"/{2,}")
# Characters left as-is when re-quoting a path or query: RFC 3986 reserved + unreserved + '%'.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/:@!$&'()*+,=?-._~%"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host, the only kind dumon will fetch."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_EXACT or low.startswith(_TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    """Lowercase the host and encode an internationalised name as IDNA (punycode)."""
    host = hostname.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe="")


def _fix_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _requote(text: str) -> str:
    """Percent-encode non-ASCII and unsafe characters; decode escaped unreserved characters.

    Existing escapes of reserved characters (%2F, %3F…) are kept, since decoding them would
    change which resource the URL names.
    """
    return _ESCAPE.sub(_fix_escape, quote(text, safe=_PATH_SAFE))


def _clean_query(query: str) -> str:
    """Drop tracking parameters and sort the rest; a bare `?key` stays without '='."""
    kept = []
    for piece in query.replace(";", "&").split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.split("=", 1)[0])
        if not _is_tracking(name):
            kept.append(_ESCAPE.sub(_fix_escape, quote(piece, safe=_QUERY_SAFE)))
    return "&".join(sorted(kept))


def canonical_url(url: str, base: str | None = None) -> str:
    """Return the canonical absolute form of `url`, resolved against `base` when relative.

    A value that is not an http(s) URL is returned resolved and stripped but otherwise untouched;
    callers check `is_http_url` to reject it.
    """
    raw = unicodedata.normalize("NFC", url.strip())  # one spelling of "hòa" in a slug, not two
    if base:
        raw = urljoin(base.strip(), raw)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return raw

    netloc = _host(parts.hostname)
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{netloc}"

    path = _MULTI_SLASH.sub("/", _requote(parts.path)) or "/"
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


# An outlet's own article number at the end of the slug: "-4923494.html" (VnExpress),
# "-185250825225844236.htm" (Thanh Niên), "-post875146.html", "-d1327289.html", possibly
# followed by a variant suffix of a word or two ("-4927525-tong-thuat.html") or a slash.
_ARTICLE_NUMBER = re.compile(r"[-/_.][a-z]{0,6}(\d{6,})(?:-[a-z]+){0,2}(?:\.[a-z]{2,5})?/?$")


def article_key(url: str) -> str | None:
    """The outlet's identity of an article, shared by every URL of it: host + the article
    number of its slug. Outlets rewrite a title (and so the slug) under the same number; two
    such URLs are one article. None when the URL carries no number."""
    parts = urlsplit(url)
    found = _ARTICLE_NUMBER.search(parts.path.lower())
    if not found or not parts.hostname:
        return None
    host = _host(parts.hostname)
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    return f"{host}#{found.group(1)}"
