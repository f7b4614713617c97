"""The digest as a Word document a secretary can print, sign and file.

Laid out as an administrative document of Decree 30/2020/NĐ-CP (Appendix I): A4, Times New
Roman 13 pt, margins 20-25 / 30-35 / 15-20 mm; on the left the parent agency (UBND TỈNH …)
over the issuing agency in bold, and "Số: …/…" left for the clerk to fill in; on the right the
national name and the motto, each on one line, and the place and date; then the title, the
sections, "Nơi nhận" and the signature block "NGƯỜI TỔNG HỢP". Page numbers are centred at
the top from the second page on. XML cannot hold most control characters, so article text is
cleaned before it goes in.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from dumon.output.digest_records import Digest
from dumon.render import digest_parts as parts

FONT = "Times New Roman"
NUMBER_LINE = "Số: …/…"  # filled in by the clerk who registers the document
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LEFT_WIDTH, RIGHT_WIDTH = Cm(6), Cm(10)  # the national name at 12 pt bold needs ~9 cm
# What clean_text leaves that XML 1.0 still refuses: tab/newline are fine, the rest is not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("", text)


def render_docx(
    digest: Digest, *, parent_agency: str | None = None, place: str | None = None
) -> bytes:
    """The .docx bytes. `parent_agency` (UBND tỉnh …) and `place` (before the date) come from
    settings.yaml; by default both are read from the department's name ("… tỉnh Ninh Bình")."""
    document = Document()
    _page_setup(document)
    _header(document, digest, parent_agency=parent_agency, place=place)
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
    section.header_distance = Cm(1)
    _page_numbers(document)
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


def _header(document, digest: Digest, *, parent_agency: str | None, place: str | None) -> None:
    """Cells 1-4 of the Decree's layout: agencies and number left, national name, motto,
    place and date right."""
    province = _province(parts.department(digest))
    agency = parent_agency or (f"UBND tỉnh {province}" if province else "")
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # a fixed layout: Word must not squeeze the national name to wrap
    for column, width in zip(table.columns, (LEFT_WIDTH, RIGHT_WIDTH), strict=True):
        column.width = width
    left, right = table.rows[0].cells
    left.width, right.width = LEFT_WIDTH, RIGHT_WIDTH
    center = WD_ALIGN_PARAGRAPH.CENTER
    if agency:
        _para(left, agency.upper(), size=12, align=center, after=0)
    _para(
        left,
        _issuer(parts.department(digest), province).upper(),
        bold=True,
        size=12,
        align=center,
        after=6,
    )
    _para(left, NUMBER_LINE, align=center, after=0)
    _para(right, NATIONAL_NAME, bold=True, size=12, align=center, after=0)
    _para(right, MOTTO, bold=True, underline=True, align=center, after=6)
    _para(right, _place_and_date(digest, place or province), italic=True, align=center, after=0)
    for cell in (left, right):  # the empty first paragraph python-docx puts in each cell
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)
    _para(document, parts.TITLE, bold=True, size=14, align=center, before=12, after=2)
    _para(document, f"({parts.window_text(digest)})", italic=True, align=center, after=10)


def _province(department: str) -> str:
    """'Sở Giáo dục và Đào tạo tỉnh Ninh Bình' → 'Ninh Bình' ('' when no province is named)."""
    return department.rsplit("tỉnh", 1)[1].strip() if "tỉnh" in department else ""


def _issuer(department: str, province: str) -> str:
    """The issuing agency without its province, which the parent agency line already names."""
    if province and department.endswith(province):
        return department[: department.rfind("tỉnh")].strip() or department
    return department


def _place_and_date(digest: Digest, place: str) -> str:
    """'Ninh Bình, ngày 05 tháng 02 năm 2026': the Decree writes a day below 10, and the
    months 1 and 2, with a leading zero."""
    day = digest.window.last_day
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    when = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {when}" if place else when.capitalize()


def _page_numbers(document) -> None:
    """A PAGE field centred at the top of every page but the first (Decree 30, Appendix I)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


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
