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
from html.parser import HTMLParser

# A tag, comment or CDATA section: enough to say "this string is HTML", not a parser.
_TAG = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--|!\[CDATA\[.*?\]\])>", re.DOTALL
)
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


class _TextCollector(HTMLParser):
    """Collect the visible text of an HTML fragment, marking block boundaries with newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            # Newlines in HTML source are layout, not paragraph breaks.
            self.parts.append(_WHITESPACE.sub(" ", data))


def _strip_tags(text: str) -> str:
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return "".join(collector.parts)


def _unescape(text: str) -> str:
    """Decode entities, repeating for double-escaped input such as `&amp;amp;` or `&amp;#7889;`."""
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = _ENTITY.sub(lambda m: html_unescape(m.group(0)), text)
    return text


def clean_text(text: str, *, keep_paragraphs: bool = False, html: bool | None = None) -> str:
    """Return `text` as clean NFC plain text; paragraphs joined by a blank line if asked.

    `html` says what the text is: True for HTML (tags stripped, including common tags that were
    escaped once more, as in "&lt;p&gt;…"); False for text a parser already extracted, where a
    "<script>" is what the site shows and is kept as written; None (default) guesses from the
    presence of a tag.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
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
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def decode_bytes(content: bytes, declared: tuple[str | None, ...] = ()) -> tuple[str, str]:
    """Decode `content` to NFC text; return it with the codec used.

    Order: byte-order mark; each declared label that decodes without error (windows-1258 is a
    plain Python codec); UTF-8; charset-normalizer's guess; UTF-8 with replacement characters.
    A declared Latin-1/ASCII is tried only after UTF-8, since servers send it by default.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            try:
                return unicodedata.normalize("NFC", content.decode(name)), name
            except UnicodeDecodeError:
                break
    weak: list[str] = []
    tried: set[str] = set()
    for label in declared:
        name = _codec(label)
        if not name or name in tried:
            continue
        tried.add(name)
        if label.strip().lower() in _WEAK_LABELS or name in ("latin-1", "ascii"):
            weak.append(name)
            continue
        try:
            return unicodedata.normalize("NFC", content.decode(name)), name
        except UnicodeDecodeError:
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
        except (UnicodeDecodeError, LookupError):
            continue
    return unicodedata.normalize("NFC", content.decode("utf-8", "replace")), "utf-8"
