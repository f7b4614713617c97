"""Plain, readable text out of whatever a feed, page or import file hands us.

Owns two things every parser needs: `clean_text` (HTML stripped, entities decoded even when
escaped twice, control characters dropped, NFC, whitespace collapsed) and `decode_bytes`
(bytes → str when the declared charset is missing or wrong, windows-1258 included).

The text is otherwise kept as written: no tone-style rewriting, no removal of directional marks
or other format characters a reader may need. Escaping for display happens at output time.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html import unescape as html_unescape

# A tag, or a comment or CDATA opener: enough to say "this string is HTML", not a parser.
# No part can scan past the next "<", so one search is linear in the text whatever it holds.
_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|!--|!\[CDATA\[)")
# Tags that mean "this was HTML escaped twice" rather than a title quoting markup ("<script>").
_ESCAPED_MARKUP = re.compile(
    r"</(?:p|a|div|span|b|i|em|strong|li|ul|h[1-6])>|<(?:p|a|img|br|div|span)\b[^<>]*>", re.I
)
# Only entities ending in ';' are decoded, so "AT&T" or "?a=1&not=2" stay as they are.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# C0/C1 control characters except tab, newline, carriage return (handled as whitespace), and
# lone surrogates (a JSON "\\ud800" escape), which no UTF-8 file or database can store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")
MAX_INPUT_CHARS = 2_000_000
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe"})


# One token of HTML for `_strip_tags`. Each alternative ends at the next "<" at the latest,
# or (an unterminated comment, CDATA section or raw-text element) takes the rest of the text
# once: the whole text is read in one linear pass, however it is crafted. (The standard
# library's HTMLParser rescans an unterminated "<a " or "<!--" to the end at every one of
# them: 200,000 of them took minutes.)
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    r"|<(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?:[\s/][^<>]*)?>"
    r"|<[!?][^<>]*>",
    re.DOTALL,
)
# Elements whose content is raw text up to their end tag (not markup, never shown).
_RAW_TEXT = ("script", "style")
_RAW_END = {name: re.compile(rf"</{name}\s*>|\Z", re.IGNORECASE) for name in _RAW_TEXT}


def _strip_tags(text: str) -> str:
    """The visible text of an HTML fragment, block boundaries marked with newlines and
    character references decoded; skipped elements (scripts, styles, svg…) left out."""
    parts: list[str] = []
    skip = 0
    position = 0
    length = len(text)
    while position < length:
        match = _MARKUP.search(text, position)
        if match is None:
            if not skip:
                parts.append(_WHITESPACE.sub(" ", html_unescape(text[position:])))
            break
        if match.start() > position and not skip:
            # Newlines in HTML source are layout, not paragraph breaks.
            parts.append(_WHITESPACE.sub(" ", html_unescape(text[position : match.start()])))
        position = match.end()
        name = (match.group("name") or "").lower()
        if match.group("cdata") is not None and not skip:
            parts.append(_WHITESPACE.sub(" ", match.group("cdata")))
        if not name:
            continue
        closing = bool(match.group("end"))
        if name in _RAW_TEXT and not closing:
            raw_end = _RAW_END[name].search(text, position)
            position = raw_end.end() if raw_end else len(text)
        elif name in _SKIP_TAGS:
            if closing:
                skip = max(0, skip - 1)
            elif not match.group(0).endswith("/>"):
                skip += 1
        elif name in BLOCK_TAGS and not skip:
            parts.append("\n")
    return "".join(parts)


def _unescape(text: str) -> str:
    """Decode entities, repeating for double-escaped input such as `&amp;amp;` or `&amp;#7889;`."""
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = _ENTITY.sub(lambda m: html_unescape(m.group(0)), text)
    return text


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, "…" marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def clean_text(text: str, *, keep_paragraphs: bool = False, html: bool | None = None) -> str:
    """Return `text` as clean NFC plain text; paragraphs joined by a blank line if asked.

    `html` says what the text is: True for HTML (tags stripped, including common tags that were
    escaped once more, as in "&lt;p&gt;…"); False for text a parser already extracted, where a
    "<script>" is what the site shows and is kept as written; None (default) guesses from the
    presence of a tag.
    """
    if not text:
        return ""
    # No title, summary or body needs more: bounds the work a crafted field can cause.
    text = text[:MAX_INPUT_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    if html is None:
        html = bool(_TAG.search(text) or _ESCAPED_MARKUP.search(_unescape(text)))
    if html:
        text = _unescape(_strip_tags(text))
        if _ESCAPED_MARKUP.search(text):  # the HTML itself was escaped: strip what it revealed
            text = _unescape(_strip_tags(text))
    else:
        text = _unescape(text)
    text = _CONTROL.sub("", text.replace("\t", " "))
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    lines = [line for line in _NEWLINES.split(text.strip()) if line]
    return ("\n\n" if keep_paragraphs else " ").join(lines)


# --- bytes → str -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels that mean "probably wrong": a server default rather than a statement about the bytes.
_WEAK_LABELS = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"})


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not value:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", value, re.IGNORECASE)
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    """The codec a charset label names, if it is a text encoding.

    Python also has bytes-to-bytes codecs under names a server can declare (``hex``,
    ``base64``, ``zlib``, ``rot13``): such a label is ignored, as an unknown one is.
    """
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().lower())
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bytes(content: bytes, declared: tuple[str | None, ...] = ()) -> tuple[str, str]:
    """Decode `content` to NFC text; return it with the codec used.

    Order: byte-order mark; each declared label that decodes without error (windows-1258 is a
    plain Python codec); UTF-8; charset-normalizer's guess; UTF-8 with replacement characters.
    A declared Latin-1/ASCII is tried only after UTF-8, since servers send it by default.
    """
    for bom, bom_codec in _BOMS:
        if content.startswith(bom):
            try:
                return unicodedata.normalize("NFC", content.decode(bom_codec)), bom_codec
            except UnicodeDecodeError:
                break
    weak: list[str] = []
    tried: set[str] = set()
    for label in declared:
        name = _codec(label)
        if label is None or not name or name in tried:
            continue
        tried.add(name)
        if label.strip().lower() in _WEAK_LABELS or name in ("latin-1", "ascii"):
            weak.append(name)
            continue
        try:
            return unicodedata.normalize("NFC", content.decode(name)), name
        except (UnicodeError, LookupError):  # `undefined` and odd codecs raise UnicodeError
            continue
    try:
        return unicodedata.normalize("NFC", content.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # 45 ms to import; most documents never get this far

    guess = charset_normalizer.from_bytes(content[:200_000]).best()
    candidates = ([guess.encoding] if guess else []) + weak
    for name in candidates:
        try:
            return unicodedata.normalize("NFC", content.decode(name)), name
        except (UnicodeError, LookupError):
            continue
    return unicodedata.normalize("NFC", content.decode("utf-8", "replace")), "utf-8"
