"""Vietnamese normalisation: NFC/NFD, tone styles, i/y, đ, folding, and offsets back."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from dumon.textnorm import (
    _CODE,
    _OTHER_LETTER,
    canonical_tones,
    fold,
    has_diacritics,
    normalize,
    prepare,
    screen_form,
    screen_patterns,
    spellings,
    tokens,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("sức khoẻ", "sức khỏe"),
        ("cô Thuý", "cô Thúy"),
        ("GIAO THUỶ", "Giao Thủy"),
        ("kỹ năng", "kĩ năng"),
        ("lý do", "lí do"),
        ("Mỹ Lộc", "Mĩ Lộc"),
        ("kỳ thi", "kì thi"),
    ],
)
def test_spelling_variants_normalise_alike(one, other):
    assert normalize(one) == normalize(other)


@pytest.mark.parametrize(
    "word", ["quý", "quỳ", "hoàn", "thuyền", "khuya", "y tế", "ý kiến", "tuyển", "quỹ"]
)
def test_words_that_are_already_right_are_left_alone(word):
    assert canonical_tones(word) == word


def test_canonical_tones_keeps_case_and_length():
    text = "HOÀ Bình, Thuỷ"
    out = canonical_tones(text)
    assert out == "HÒA Bình, Thủy"
    assert len(out) == len(text)


def test_nfd_input_normalises_like_nfc():
    text = "Sở Giáo dục và Đào tạo Nam Định"
    assert normalize(unicodedata.normalize("NFD", text)) == normalize(text)


def test_punctuation_and_spaces_collapse_to_single_spaces():
    assert normalize("Sở GD&ĐT  TP. Nam Định!") == "sở gd đt tp nam định"
    assert normalize("GD-ĐT") == normalize("GD - ĐT") == "gd đt"
    assert tokens("“Trường THPT” – Hải Hậu") == ["trường", "thpt", "hải", "hậu"]


def test_fold_removes_marks_and_d_with_stroke():
    assert fold("Đường Hoà, đuối nước") == "Duong Hoa, duoi nuoc"
    assert fold(unicodedata.normalize("NFD", "Vụ Bản")) == "Vu Ban"


def test_folded_twin_has_the_length_of_the_normalised_text():
    prepared = prepare("Học sinh Trường THPT Giao Thuỷ B đuối nước")
    assert prepared.folded == "hoc sinh truong thpt giao thuy b duoi nuoc"
    assert len(prepared.folded) == len(prepared.norm)


@pytest.mark.parametrize(
    ("text", "accented"),
    [
        ("Nam Định", True),
        ("nam dinh", False),
        ("hoc-sinh-nam-dinh-4923494.html", False),
        (unicodedata.normalize("NFD", "Vụ Bản"), True),
        ("Đ", True),
        ("", False),
    ],
)
def test_has_diacritics(text, accented):
    assert has_diacritics(text) is accented


ORIGINALS = [
    "Sở GD&ĐT  Nam Định: «Hoà  Bình» — thuỷ lợi!",
    unicodedata.normalize("NFD", "Học sinh Vụ Bản, Giao Thuỷ — Trường THPT A Hải Hậu"),
    "   İstanbul và Trường THCS Hải Phương (Hải Hậu)...",
    "hoc-sinh-truong-thpt-a-hai-hau-bi-danh",
]


@pytest.mark.parametrize("original", ORIGINALS)
def test_every_word_maps_back_to_the_original_text(original):
    prepared = prepare(original)
    norm = prepared.norm
    position = 0
    for word in norm.split():
        start = norm.index(word, position)
        position = start + len(word)
        o_start, o_end = prepared.span(start, position)
        assert normalize(original[o_start:o_end]) == word


def test_spans_asked_for_last_word_first_map_back_alike():
    original = "Trường THPT -- “Trần Hưng Đạo”,   Nam Định:  khai giảng!!  năm học mới"
    words = []
    position = 0
    norm = prepare(original).norm
    for word in norm.split():
        start = norm.index(word, position)
        position = start + len(word)
        words.append((start, position))
    in_order = prepare(original)
    backwards = prepare(original)
    expected = [in_order.span(s, e) for s, e in words]
    assert [backwards.span(s, e) for s, e in reversed(words)] == expected[::-1]
    assert [original[s:e] for s, e in expected][-4:] == ["giảng", "năm", "học", "mới"]


def test_a_span_over_punctuation_covers_the_original_punctuation():
    original = "Sở GD-ĐT  Nam Định"
    prepared = prepare(original)
    start = prepared.norm.index("sở gd đt nam định")
    o_start, o_end = prepared.span(start, start + len("sở gd đt nam định"))
    assert original[o_start:o_end] == original


# Normalisation is built from a cache of whitespace-separated tokens (the costliest step of
# matching otherwise); it must give what the two rewrites give over the whole text.
TRICKY = [
    "",
    "   ",
    "…",
    " Hoà-bình, THUỶ! ",
    "quý QUÝ qúy thuý",
    "kỹ_năng _ x_",
    "a\u00a0b\u200bc\ufeffd",
    "“Trường THPT” – Hải Hậu…",
    "\tTP.HCM\n\u2028Lý do\r\n",
    "(hoà)(hoà) hoà. HOÀ",
    "uý ỷ y Y kỳ-thi",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_normalised_text_is_the_two_rewrites_over_the_whole_text(text, monkeypatch):
    from dumon import textnorm

    expected = textnorm._NONWORD_RE.sub(" ", canonical_tones(text.lower()))
    assert prepare(text).norm == expected
    assert prepare(text).norm == expected  # again, now from the token cache
    monkeypatch.setattr(textnorm, "_TOKENS", {})
    monkeypatch.setattr(textnorm, "_TOKENS_MAX", 2)  # a full cache is emptied, not grown
    assert prepare(text + " " + text).norm == textnorm._NONWORD_RE.sub(
        " ", canonical_tones((text + " " + text).lower())
    )
    assert len(textnorm._TOKENS) <= 2


def test_one_decomposed_word_in_a_long_text_maps_back():
    word = unicodedata.normalize("NFD", "Giao Thuỷ")
    original = "Học sinh " * 200 + word + " đoạt giải, " * 50
    prepared = prepare(original)
    start = prepared.norm.index("giao thủy")
    o_start, o_end = prepared.span(start, start + len("giao thủy"))
    assert original[o_start:o_end] == word
    assert len(prepared.norm) < len(original)


# ----------------------------------------------------------------------------- the screen form


def _syllables():
    """Lower-case words with every onset/nucleus shape the two rewrites look at."""
    onsets = ["", "b", "d", "đ", "h", "k", "l", "m", "n", "s", "t", "v", "q", "qu", "th", "kh"]
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    nuclei = []
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"), ("u", "a"), ("i", "a")):
        for tone in tones:
            nuclei.append(unicodedata.normalize("NFC", first + tone + second))
            nuclei.append(unicodedata.normalize("NFC", first + second + tone))
    nuclei += [unicodedata.normalize("NFC", v + t) for v in ("i", "y") for t in tones]
    codas = ["", "n", "ng", "t"]
    return [o + n + c for o in onsets for n in nuclei for c in codas]


def test_spellings_are_exactly_the_words_that_normalise_to_a_word():
    words = _syllables()
    by_form: dict[str, set[str]] = {}
    for word in words:
        by_form.setdefault(canonical_tones(word), set()).add(word)
    for form, written in by_form.items():
        assert spellings(form) >= written, form  # nothing that normalises to it is missed
        assert {canonical_tones(s) for s in spellings(form)} == {form}, form


@pytest.mark.parametrize(
    "text",
    [
        "Trường THPT “Trần Hưng Đạo” — Hoà Bình, kỹ năng… (GD&ĐT)",
        "İstanbul và Nam Định",  # lower case longer than the text: no screen form
        unicodedata.normalize("NFD", "Giáo dục Nam Định"),  # not NFC: no screen form
        "Ñandú 北京 ⰰ học_sinh 2025²",  # letters outside the code, a digit sign
        "giáo\u200bdục\u00a0mầm non\ufeff 👩‍🏫",
        "TRƯỜNG THPT TRẦN HƯNG ĐẠO, HOÀ BÌNH — ΣΟΦΊΑΣ",  # capitals in and outside the code
        "Nhiệt độ 300 \u212a",  # Kelvin sign: NFC makes it K, so no screen form
        "m\u0300 và \u09c7\u09be",  # a mark on nothing to compose with; Bengali that composes
    ],
)
def test_the_screen_form_has_the_words_of_the_normalised_text(text):
    form = screen_form(text)
    if form is None:  # then the matcher normalises: only where the form could be wrong
        assert (
            len(text.lower()) != len(text)
            or not unicodedata.is_normalized("NFC", text)
            or any(map(unicodedata.combining, text))
        )
        return
    words = codecs.charmap_decode(form.code, "strict", "".join(_CODE))[0].split()
    expected = [w for w in normalize(text).split()]
    assert len(words) == len(expected)
    for seen, word in zip(words, expected, strict=True):
        if seen == _OTHER_LETTER * len(seen) or _OTHER_LETTER in seen:
            assert len(seen) == len(word)  # letters outside the code, one for one
        else:
            assert canonical_tones(seen) == word


def test_screen_patterns_cover_every_spelling_of_a_pattern():
    code = "".join(_CODE)
    found = {codecs.charmap_decode(p, "strict", code)[0] for p in screen_patterns(" hòa kĩ sư ")}
    assert found == {" hòa kĩ sư ", " hoà kĩ sư ", " hòa kỹ sư ", " hoà kỹ sư "}
