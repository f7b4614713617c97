"""clean_text and decode_bytes: what a reader sees of a title, a summary or a body."""

from __future__ import annotations

import unicodedata

import pytest

from dumon.collecting.cleantext import clean_text, decode_bytes
from support.cleantext import encode_windows_1258


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Sở GD&amp;ĐT Ninh Bình", "Sở GD&ĐT Ninh Bình"),
        ("Sở GD&amp;amp;ĐT Ninh Bình", "Sở GD&ĐT Ninh Bình"),  # escaped twice by the CMS
        ("Hội ngh&amp;#7883; tổng kết", "Hội nghị tổng kết"),
        ("Tr&#432;&#7901;ng THCS", "Trường THCS"),
        ("<p>Học sinh <b>giỏi</b> cấp tỉnh</p>", "Học sinh giỏi cấp tỉnh"),
        ("&lt;p&gt;Thầy giáo &lt;em&gt;vùng cao&lt;/em&gt;&lt;/p&gt;", "Thầy giáo vùng cao"),
        ("Tin<script>alert('x')</script> mới<style>p{}</style>", "Tin mới"),
        ("  Nhiều\t\tkhoảng   trắng\n\n ", "Nhiều khoảng trắng"),
        ("Ký tự\x00 điều\x07khiển\x9f", "Ký tự điềukhiển"),
        ("AT&T và điểm < 5 hay a&b", "AT&T và điểm < 5 hay a&b"),  # not HTML: left alone
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_text_already_extracted_keeps_quoted_markup():
    title = "Cảnh báo <script> giả mạo [bold]thông báo[/bold] &amp;amp; tin nhắn"
    assert clean_text(title, html=False) == (
        "Cảnh báo <script> giả mạo [bold]thông báo[/bold] & tin nhắn"
    )
    # In HTML, an escaped "<script>" is text the page shows; escaped paragraphs are markup.
    assert clean_text("<p>Cảnh báo &lt;script&gt; giả mạo</p>", html=True) == (
        "Cảnh báo <script> giả mạo"
    )
    assert clean_text("&lt;p&gt;Đoạn một&lt;/p&gt;&lt;p&gt;Đoạn hai&lt;/p&gt;", html=True) == (
        "Đoạn một Đoạn hai"
    )


def test_tone_styles_are_kept_as_written_and_nfc():
    mixed = "hoà thuỷ khoẻ – hòa thủy khỏe"
    assert clean_text(mixed) == mixed
    assert clean_text(unicodedata.normalize("NFD", mixed)) == mixed
    assert clean_text("Đ đ") == "Đ đ"


def test_marks_a_reader_may_need_are_kept():
    text = "Tên \u200fمدرسة\u200f và từ\u00adnối"
    assert clean_text(text) == text


def test_paragraphs_kept_when_asked():
    html = "<div><p>Đoạn một,\n   xuống dòng trong mã.</p><p>Đoạn <i>hai</i>.</p>Dòng<br>mới</div>"
    assert clean_text(html, keep_paragraphs=True) == (
        "Đoạn một, xuống dòng trong mã.\n\nĐoạn hai.\n\nDòng\n\nmới"
    )
    assert clean_text(html) == "Đoạn một, xuống dòng trong mã. Đoạn hai. Dòng mới"
    plain = "Dòng một\r\nDòng hai\n\n\nDòng ba"
    assert clean_text(plain, keep_paragraphs=True) == "Dòng một\n\nDòng hai\n\nDòng ba"


TEXT = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình: hoà thuỷ, khoẻ, quý thầy cô"


def test_decode_bytes_follows_bom_declaration_and_detection():
    assert decode_bytes(TEXT.encode("utf-16"), ()) == (TEXT, "utf-16")
    assert decode_bytes(TEXT.encode("utf-8-sig"), ("iso-8859-1",))[0] == TEXT
    # A server's default Latin-1 label loses to bytes that are valid UTF-8.
    assert decode_bytes(TEXT.encode(), ("iso-8859-1",)) == (TEXT, "utf-8")
    # A wrong UTF-8 label loses to bytes that are not UTF-8; windows-1258 is recognised.
    legacy = encode_windows_1258(TEXT)
    assert decode_bytes(legacy, ("utf-8",)) == (TEXT, "cp1258")
    assert decode_bytes(legacy, ()) == (TEXT, "cp1258")
    assert decode_bytes(legacy, ("windows-1258",)) == (TEXT, "cp1258")
    # Unknown labels are ignored; undecodable bytes never raise.
    assert decode_bytes(TEXT.encode(), ("x-khong-co",)) == (TEXT, "utf-8")
    assert decode_bytes(b"\xff\xfe\xfd", ("utf-8",))[0]
