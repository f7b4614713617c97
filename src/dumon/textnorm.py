"""Vietnamese text normalisation for matching, with a map back to the original offsets.

Owns: NFC, one tone-placement style for open oa/oe/uy (hoà → hòa, thuỷ → thủy, khoẻ → khỏe),
the i/y variants of a bare syllable (kỹ → kĩ, lý → lí), lower case, punctuation and whitespace
runs collapsed to one space, and the accent-folded twin (marks removed, đ → d).

Both sides of every comparison go through :func:`prepare`, so keyword files and articles may
use either tone style, capitals, NFD or NFC. :class:`Prepared` keeps the way back: a span
found in the normalised text maps to the span of the text as given, which is what hits report.
The folded twin has the same length as the normalised text, so spans are shared by both.

:func:`screen_form` is a cheaper look at a text for the matcher's first question, whether
any keyword can be in it at all; :func:`spellings` lists what it must search for.

Why one module of ~450 lines: normalising, folding, the screen form and the spellings all
read one table of Vietnamese letters and keep one offsets map; apart, each would reach into
the others' internals.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from itertools import product

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook above, tilde, dot below


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _tone_table() -> dict[str, str]:
    """Open oa/oe/uy written with the mark on the second vowel → mark on the first."""
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in _TONES:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    table[f + _with_tone(s, tone)] = _with_tone(f, tone) + s
    return table


_TONE_MOVES = _tone_table()
# Not after q: in "quý" the u belongs to the onset and the mark is right on the y. Only at the
# end of a syllable: in "hoàn", "thuyền" both styles agree. A character class (checked in
# the callback) is several times faster than an alternation of the 60 pairs.
_Y_TO_I = {
    _with_tone(y, tone): _with_tone(i, tone)
    for y, i in (("y", "i"), ("Y", "I"))
    for tone in ("", *_TONES)
}
# One pass for both rewrites. Tones: not after q (in "quý" the u belongs to the onset and the
# mark is right on the y), and only at the end of a syllable (in "hoàn", "thuyền" both styles
# agree); a character class checked in the callback is much faster than 60 alternatives.
# i/y: a syllable of one onset consonant + y (kỹ, lý, mỹ, tỷ, sỹ, hy) is spelled with i as often.
_SPELLING_RE = re.compile(
    r"(?<![qQ])[oOuU]["
    + "".join(sorted({pair[1] for pair in _TONE_MOVES}))
    + r"](?!\w)|\b[bdđhklmnstvBDĐHKLMNSTV]["
    + "".join(_Y_TO_I)
    + r"]\b"
)


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    # Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional: no other
    # character decomposes to an ASCII letter and marks.
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1EFA)]:
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        if len(decomposed) > 1 and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()
# Precomposed marked letters, đ, and combining marks (NFD input).
_MARKED_RE = re.compile("[" + "".join(chr(c) for c in _FOLD) + "\u0300-\u036f]")
_NONWORD_RE = re.compile(r"\W+")
_RUN_RE = re.compile(r"\W\W+")


def canonical_tones(text: str) -> str:
    """Rewrite to one tone style and one i/y spelling, keeping case and length."""
    return _SPELLING_RE.sub(_respell, text)


def _respell(m: re.Match[str]) -> str:
    pair = m.group()
    moved = _TONE_MOVES.get(pair)
    if moved is not None:
        return moved
    if pair[0] in "oOuU":  # "uá": not a nucleus of its own here
        return pair
    return pair[0] + _Y_TO_I[pair[1]]


def fold(text: str) -> str:
    """The accent-folded copy (NFC, marks removed, đ → d); case and punctuation kept."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def has_diacritics(text: str) -> bool:
    """Whether the text carries any Vietnamese mark or đ (accented text, not a slug)."""
    return not text.isascii() and _MARKED_RE.search(text) is not None


def normalize(text: str) -> str:
    """The form compared by the matcher: NFC, lower case, canonical tones, single spaces."""
    return prepare(text).norm.strip()


def tokens(text: str) -> list[str]:
    """The words of the normalised text."""
    return normalize(text).split()


class Prepared:
    """A text in normalised and folded form, able to map spans back to the text as given.

    ``norm`` and ``folded`` have the same length; ``folded`` and the offset map are built only
    when asked for, because most texts need neither.
    """

    __slots__ = ("original", "norm", "_folded", "_low", "_char_map", "_back")

    def __init__(self, original: str) -> None:
        self.original = original
        text = original
        char_map: list[int] | None = None
        if not unicodedata.is_normalized("NFC", text):
            text, char_map = _nfc_with_map(text)
        low = text.lower()
        if len(low) != len(text):  # İ lowers to i + a combining dot: keep one char per char
            low = "".join(c.lower()[0] for c in text)
        self._low = low
        self._char_map = char_map
        self._back: _Runs | None = None  # the way back from norm, made when first asked
        self.norm = _collapse(low)
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        """The accent-folded twin of ``norm`` (same length, so spans are shared)."""
        if self._folded is None:
            self._folded = self.norm if self.norm.isascii() else self.norm.translate(_FOLD)
        return self._folded

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the normalised span [start, end) came from."""
        low_start, low_end = self._to_low(start), self._to_low(end - 1) + 1
        if self._char_map is None:
            return low_start, low_end
        return self._char_map[low_start], self._char_map[low_end]

    def _to_low(self, pos: int) -> int:
        if self._back is None:
            self._back = _Runs(_RUN_RE.finditer(self._low))  # one-char runs keep their length
        return self._back.before_collapse(pos)

    def surface(self, start: int, end: int) -> str:
        return self.norm[start:end]

    def word_before(self, start: int) -> str:
        """The word of ``norm`` before position ``start``."""
        return self.norm[:start].rstrip().rpartition(" ")[2]

    def word_before_folded(self, start: int) -> str:
        """The word of ``folded`` before position ``start``."""
        return self.folded[:start].rstrip().rpartition(" ")[2]


class _Runs:
    """Positions in a text whose runs of separators were each made one character, mapped
    back to the text before. The runs are read only as far as a position asked for: most
    hits are in the title, so most of a text is never read for them."""

    __slots__ = ("_runs", "_starts", "_shrink")

    def __init__(self, runs: Iterator[re.Match[str]] | Iterator[re.Match[bytes]]) -> None:
        self._runs = runs
        self._starts: list[int] = []  # where each run made one character is, after
        self._shrink: list[int] = []  # characters removed by that run and all before it

    def before_collapse(self, pos: int) -> int:
        starts = self._starts
        if not starts or starts[-1] < pos:
            total = self._shrink[-1] if self._shrink else 0
            for run in self._runs:
                run_start, run_end = run.span()
                starts.append(run_start - total)
                total += run_end - run_start - 1
                self._shrink.append(total)
                if starts[-1] >= pos:
                    break
        k = bisect_left(starts, pos)
        return pos + (self._shrink[k - 1] if k else 0)


# Normalised words of each whitespace-separated token seen. Text is made of a few thousand
# distinct syllables, so a lookup per token replaces two regex passes over every character
# (the costliest step of matching); cleared when full, so memory stays bounded.
_TOKENS: dict[str, str] = {}
_TOKENS_MAX = 200_000


def _collapse(low: str) -> str:
    """``_NONWORD_RE.sub(" ", canonical_tones(low))``, built from cached tokens."""
    tokens = low.split()
    known = list(map(_TOKENS.get, tokens))
    if None in known:
        known = [_learn(t) if w is None else w for t, w in zip(tokens, known, strict=True)]
    words = " ".join(filter(None, known))
    if not words:
        return " " if low else ""
    head, tail = low[0], low[-1]
    if not (head.isalnum() or head == "_"):
        words = " " + words
    if not (tail.isalnum() or tail == "_"):
        words += " "
    return words


def _learn(token: str) -> str:
    """The normalised words of a token not seen before, remembered."""
    if len(_TOKENS) >= _TOKENS_MAX:
        _TOKENS.clear()
    # Whitespace is non-word, so rewriting a token alone is rewriting it in place: both
    # rewrites look only inside words and at their edges.
    text = token if token.isalnum() else _NONWORD_RE.sub(" ", token).strip()
    if not text.isascii() or "y" in text or "Y" in text:  # else no rewrite can apply
        text = canonical_tones(text)
    _TOKENS[token] = text
    return text


def prepare(text: str) -> Prepared:
    """Normalise a field once for matching."""
    return Prepared(text)


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC one grapheme cluster at a time, remembering where each output char came from.

    Only clusters with combining marks are composed one by one; the stretches between them
    are copied whole when already in NFC, so a long body with a few decomposed letters does
    not cost a Python step per character."""
    out: list[str] = []
    char_map: list[int] = []
    n = len(text)
    combining = unicodedata.combining
    marks = [i for i, c in enumerate(map(combining, text)) if c]
    done = 0  # text[:done] is in out
    k = 0
    while k < len(marks):
        start = marks[k] - 1 if marks[k] > 0 else 0  # the base before the marks
        end = marks[k] + 1
        k += 1
        while k < len(marks) and marks[k] == end:
            end += 1
            k += 1
        _copy_stretch(text, done, start, out, char_map)
        composed = unicodedata.normalize("NFC", text[start:end])
        out.append(composed)
        char_map.extend([start] * len(composed))
        done = end
    _copy_stretch(text, done, n, out, char_map)
    char_map.append(n)
    return "".join(out), char_map


def _copy_stretch(text: str, start: int, end: int, out: list[str], char_map: list[int]) -> None:
    """Clusters of one character each: NFC of each alone, which is the stretch itself when
    the stretch is already in NFC."""
    stretch = text[start:end]
    if unicodedata.is_normalized("NFC", stretch):
        out.append(stretch)
        char_map.extend(range(start, end))
        return
    for i in range(start, end):
        composed = unicodedata.normalize("NFC", text[i])
        out.append(composed)
        char_map.extend([i] * len(composed))


# ------------------------------------------------------------------ the screen form
# Vietnamese is written with fewer than 256 characters, so a text can be put in a one-byte
# code by the C codec machinery, lower-cased and its non-word characters made spaces by one
# bytes.translate, and searched by a bytes automaton: several times cheaper than normalising
# it, which costs a Python step per word. Any other character takes the error handler (rare).

_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
_LETTERS = ["đ"] + [
    _with_tone(vowel, tone) for vowel in _VOWELS for tone in ("", *_TONES) if tone or vowel > "z"
]
_OTHER_LETTER = "\u2c30"  # any letter outside the code is written as this one (itself a letter)
_PUNCTUATION = "“”‘’–—‑…•·«»°®™²³\u00a0\u200b\u200e\ufeff\ufffd"  # the commonest in the news
# Printable ASCII, the line-ending controls and NUL (the C codec needs NUL at byte 0 to use
# its fast table) keep their bytes; the other controls make room for the rest.
_ASCII = ["\0", "\t", "\n", "\r"] + [chr(c) for c in range(0x20, 0x7F)]
_CODE_CHARS = _ASCII + _LETTERS + [c.upper() for c in _LETTERS] + [_OTHER_LETTER, *_PUNCTUATION]
_FREE = [b for b in range(256) if chr(b) not in _ASCII]  # printable ASCII keeps its byte
_CODE = [chr(b) if chr(b) in _ASCII else "" for b in range(256)]
for _byte, _char in zip(_FREE, (c for c in _CODE_CHARS if c not in _ASCII), strict=True):
    _CODE[_byte] = _char
_IN_CODE = frozenset(_CODE)
_CODE_TEXT = "".join(_CODE)
_SCREEN_MAP = codecs.charmap_build("".join(_CODE))
_LOWER_OR_SPACE = bytes(
    _CODE.index(c.lower()) if (c.isalnum() or c == "_") else 0x20 for c in _CODE
)  # \W in the sense of the regular expressions that normalise


class _Unscreenable(Exception):
    """The text may differ from its screen form in more than the code says (see below)."""


def _outside_code(error: UnicodeEncodeError) -> tuple[str, int]:
    """Characters outside the code: a letter becomes the code's other letter, anything else
    a space. A combining mark (the text may not be NFC), a letter whose lower case is not
    one character (İ) and anything NFC would change make the text unscreenable."""
    run = error.object[error.start : error.end]
    if not unicodedata.is_normalized("NFC", run) or any(map(unicodedata.combining, run)):
        raise _Unscreenable
    out = []
    for char in run:
        low = char.lower()
        if len(low) != 1:
            raise _Unscreenable
        out.append(low if low in _IN_CODE else _OTHER_LETTER if low.isalnum() else " ")
    return "".join(out), error.end


def _pattern_letters(error: UnicodeEncodeError) -> tuple[str, int]:
    """Letters outside the code in a normalised pattern (which has no other non-word
    character than the space): the code's other letter, as in the text."""
    return _OTHER_LETTER * (error.end - error.start), error.end


_handlers_registered = False


def _register_handlers() -> None:
    """Name the two error handlers for the codec machinery, once, when the screen is first
    used (importing this module changes nothing outside it)."""
    global _handlers_registered
    # Each handler is only ever called with encode errors (typeshed types it for any error).
    codecs.register_error("dumon.screen", _outside_code)  # type: ignore[arg-type]
    codecs.register_error("dumon.screen-pattern", _pattern_letters)  # type: ignore[arg-type]
    _handlers_registered = True


def screen_form(text: str) -> ScreenForm | None:
    """The text in the one-byte code, or None when its words there may not be those of
    ``Prepared(text).norm`` (then normalise and search): see :func:`_outside_code`."""
    if not _handlers_registered:
        _register_handlers()
    try:
        code = codecs.charmap_encode(text, "dumon.screen", _SCREEN_MAP)[0]
    except _Unscreenable:
        return None
    return ScreenForm(code.translate(_LOWER_OR_SPACE))


class ScreenForm:
    """A text's words in the one-byte code: lower case, as spelt, one space between them.

    ``code`` (space-padded) holds the words of ``Prepared(text).norm`` as written before
    tone placement and i/y are made canonical, at the same positions once the padding is
    skipped; so a normalised pattern is in the normalised text exactly where one of its
    :func:`spellings` is in ``code``, and spans map back to the text like ``Prepared``'s.
    """

    __slots__ = ("code", "_spaced", "_back")

    def __init__(self, spaced: bytes) -> None:
        self._spaced = spaced  # one byte per character of the text, non-word ones spaces
        code = spaced
        while b"  " in code:
            code = code.replace(b"  ", b" ")
        self.code = b" " + code + b" "
        self._back: _Runs | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text that the words at [start, end) came from (positions as in
        ``Prepared.norm``: ``code`` without its first byte)."""
        return self._to_text(start), self._to_text(end - 1) + 1

    def surface(self, start: int, end: int) -> str:
        """The normalised words at [start, end), as ``Prepared.norm[start:end]``."""
        return canonical_tones(
            codecs.charmap_decode(self.code[start + 1 : end + 1], "strict", _CODE_TEXT)[0]
        )

    def word_before(self, start: int) -> str:
        """The normalised word before position ``start`` ("" at the start)."""
        word = self.code[1 : start + 1].rstrip(b" ").rpartition(b" ")[2]
        return canonical_tones(codecs.charmap_decode(word, "strict", _CODE_TEXT)[0])

    def _to_text(self, pos: int) -> int:
        if self._back is None:
            self._back = _Runs(_SPACE_RUN_RE.finditer(self._spaced))
        return self._back.before_collapse(pos)


_SPACE_RUN_RE = re.compile(rb"  +")


def in_screen_code(text: str) -> bool:
    """Whether every character of the text has its own byte in the screen's code (a
    pattern with other letters shares a byte with them, so a screen match is a maybe)."""
    return all(char in _IN_CODE for char in text)


def screen_patterns(pattern: str) -> list[bytes]:
    """Every spelling of a normalised, space-padded pattern, in the code of
    :func:`screen_form`."""
    if not _handlers_registered:
        _register_handlers()
    words = [sorted(spellings(word)) for word in pattern.split()]
    return [
        b" " + codecs.charmap_encode(" ".join(combo), "dumon.screen-pattern", _SCREEN_MAP)[0] + b" "
        for combo in product(*words)
    ]


_TONE_BACK = {moved: pair for pair, moved in _TONE_MOVES.items() if pair.islower()}
_Y_BACK = {i: y for y, i in _Y_TO_I.items() if y.islower()}


def spellings(word: str) -> set[str]:
    """Every lower-case word that reads as ``word``: those :func:`canonical_tones` turns into
    the same word. ``word`` as written and in canonical form, the tone on the second vowel
    (hòa, hoà), y for i (lí, lý). The matcher screens for them; search looks for them."""
    out = {word}
    word = canonical_tones(word)
    out.add(word)
    back = _TONE_BACK.get(word[-2:])
    if back is not None and word[-3:-2] != "q":
        out.add(word[:-2] + back)
    if len(word) == 2 and word[0] in "bdđhklmnstv" and word[1] in _Y_BACK:
        out.add(word[0] + _Y_BACK[word[1]])
    return out
