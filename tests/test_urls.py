"""Canonical URLs: the same article reached by different spellings is stored once."""

from __future__ import annotations

import pytest

from dumon.urls import canonical_url, is_http_url

ARTICLE = "https://dantri.com.vn/giao-duc/so-gddt-tong-ket-nam-hoc-20261128073000123.htm"


@pytest.mark.parametrize(
    "spelling",
    [
        ARTICLE,
        "HTTPS://DanTri.com.vn/giao-duc/so-gddt-tong-ket-nam-hoc-20261128073000123.htm",
        "https://dantri.com.vn:443/giao-duc/so-gddt-tong-ket-nam-hoc-20261128073000123.htm",
        ARTICLE + "#binh-luan",
        ARTICLE + "?utm_source=facebook&utm_medium=social&utm_campaign=x",
        ARTICLE + "?fbclid=IwAR0abc&gclid=xyz&zarsrc=30&_ga=2.1",
        ARTICLE + "?ref=home",
        "https://dantri.com.vn//giao-duc//so-gddt-tong-ket-nam-hoc-20261128073000123.htm",
        "  " + ARTICLE + "\n",
    ],
)
def test_spellings_of_one_article_agree(spelling):
    assert canonical_url(spelling) == ARTICLE


def test_relative_links_resolve_against_the_base():
    base = "https://vnexpress.net/giao-duc/tuyen-sinh"
    assert (
        canonical_url("/giao-duc/bai-moi.html", base)
        == "https://vnexpress.net/giao-duc/bai-moi.html"
    )
    assert canonical_url("bai-moi.html", base) == "https://vnexpress.net/giao-duc/bai-moi.html"
    assert canonical_url("//tuoitre.vn/a.htm", base) == "https://tuoitre.vn/a.htm"
    assert canonical_url("?page=2", base) == "https://vnexpress.net/giao-duc/tuyen-sinh?page=2"


def test_meaningful_query_parameters_are_kept_and_sorted():
    assert (
        canonical_url("http://127.0.0.1/tin.aspx?id=42&cat=giao-duc&utm_source=zalo")
        == "http://127.0.0.1/tin.aspx?cat=giao-duc&id=42"
    )
    # A bare key keeps its spelling (some ASP sites route on it).
    assert canonical_url("http://127.0.0.1/p.aspx?12345") == "http://127.0.0.1/p.aspx?12345"


def test_path_case_and_trailing_slash_are_kept():
    # Vietnamese CMSs route by slug and some are case-sensitive: only the host is lowercased.
    assert canonical_url("HTTP://DanTri.com.vn/Giao-Duc/") == "http://dantri.com.vn/Giao-Duc/"
    assert canonical_url("https://thanhnien.vn") == "https://thanhnien.vn/"


def test_non_default_port_is_kept_and_default_dropped():
    assert canonical_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a"
    assert canonical_url("http://127.0.0.1:80/a") == "http://127.0.0.1/a"


def test_vietnamese_in_paths_and_hosts():
    assert canonical_url("https://127.0.0.1/tìm-kiếm?q=giáo dục") == (
        "https://127.0.0.1/t%C3%ACm-ki%E1%BA%BFm?q=gi%C3%A1o%20d%E1%BB%A5c"
    )
    # Existing escapes are normalised to upper case, not double-encoded.
    assert canonical_url("https://127.0.0.1/t%c3%acm") == "https://127.0.0.1/t%C3%ACm"
    # An internationalised domain name becomes its ASCII (punycode) form.
    assert canonical_url("https://giáodục.vn/a") == "https://xn--giodc-yqa4094c.vn/a"


def test_encoded_slash_is_not_decoded():
    assert canonical_url("http://127.0.0.1/a%2Fb") == "http://127.0.0.1/a%2Fb"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://vnexpress.net/rss/giao-duc.rss", True),
        ("http://127.0.0.1:8000/", True),
        ("file:///etc/passwd", False),
        ("ftp://127.0.0.1/a", False),
        ("javascript:alert(1)", False),
        ("mailto:toasoan@127.0.0.1", False),
        ("/giao-duc/bai.htm", False),
        ("http://", False),
        ("http://[::1", False),
    ],
)
def test_is_http_url(url, expected):
    assert is_http_url(url) is expected


def test_non_http_values_are_returned_untouched():
    assert canonical_url("javascript:void(0)") == "javascript:void(0)"
    assert not is_http_url(canonical_url("mailto:a@b"))
