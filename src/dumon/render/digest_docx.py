"""The digest as a Word document a secretary can print, sign and file.

Laid out like an administrative document (Decree 30/2020/NĐ-CP style): A4, Times New Roman
13 pt, the department and the national motto side by side, place and date, the title, the
sections, "Nơi nhận" and the signature block "NGƯỜI TỔNG HỢP". XML cannot hold most control
characters, so article text is cleaned before it goes in.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from dumon.digest import Digest
from dumon.render import digest_parts as parts

FONT = "Times New Roman"
# What clean_text leaves that XML 1.0 still refuses: tab/newline are fine, the rest is not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


def render_docx(digest: Digest) -> bytes:
    document = Document()
    _page_setup(document)
    _header(document, digest)
    for block in parts.blocks(digest):
        if block.kind == "section":
            _para(document, block.text, bold=True, before=10, after=4)
        elif block.kind == "group":
            _para(document, block.text, bold=True, italic=True, before=4)
        elif block.kind == "para":
            _para(document, block.text, indent=True)
        elif block.kind == "source":
            _para(document, f"- {block.text}", indent=True)
        elif block.story is not None:
            _story(document, block.story, block.number)
    _signature(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT
    )
    style.paragraph_format.space_after = Pt(3)


def _para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align=None,
    indent: bool = False,
    before: float = 0,
    after: float = 3,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(_x(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    return paragraph


def _header(document, digest: Digest) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].text = ""
    _para(left, parts.department(digest).upper(), bold=True, size=12, align=center)
    right.paragraphs[0].text = ""
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=center)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, align=center)
    for cell in (left, right):  # the empty first paragraph python-docx puts in each cell
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)
    _para(document, _place_and_date(digest), italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, before=6)
    _para(document, parts.TITLE, bold=True, size=14, align=center, before=12, after=2)
    _para(document, f"({parts.window_text(digest)})", italic=True, align=center, after=10)


def _place_and_date(digest: Digest) -> str:
    """'Ninh Bình, ngày 28 tháng 11 năm 2026' — the place is the province in the name."""
    name = parts.department(digest)
    place = name.rsplit("tỉnh", 1)[1].strip() if "tỉnh" in name else ""
    day = digest.window.last_day
    when = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, {when}" if place else when.capitalize()


def _story(document, story: parts.StoryLines, number: int) -> None:
    paragraph = _para(document, f"{number}. ", bold=True, indent=True, before=4, after=0)
    title = paragraph.add_run(_x(story.title))
    title.bold = True
    if story.byline:
        paragraph.add_run(_x(f" ({story.byline})")).italic = True
    for text in (story.excerpt, story.tags, story.also_in, story.why):
        if text:
            _para(document, text, indent=True, after=0)
    if story.url:
        _para(document, story.url, size=10, indent=True, after=2)


def _signature(document) -> None:
    _para(document, after=6)
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    first = left.paragraphs[0]
    run = first.add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    run.font.size = Pt(12)
    for line in (
        "- Ban Giám đốc Sở (để báo cáo);",
        "- Các phòng chuyên môn (để biết);",
        "- Lưu: VT.",
    ):
        _para(left, line, size=11, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].alignment = center
    right.paragraphs[0].add_run("NGƯỜI TỔNG HỢP").bold = True
    _para(right, "(Ký, ghi rõ họ tên)", italic=True, align=center, after=60)
