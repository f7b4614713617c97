"""The printed digest follows the administrative format of Decree 30/2020/NĐ-CP, read back
with python-docx the way Word opens it: parent agency over the Sở, "Số: …/…" left blank,
the national name and motto each on a line of its own, page numbers from the second page,
and no "00:00" where an article gave only its date."""

from __future__ import annotations

import io

import docx
import pytest
from docx.shared import Cm, Pt

from dumon.output.digest import build_digest
from dumon.output.window import resolve_window
from dumon.render.digest_docx import render_docx
from support.store import Doc

SO = "Sở Giáo dục và Đào tạo tỉnh Ninh Bình"


@pytest.fixture
def document(make_store):
    docs = [
        Doc(f"Tin giáo dục số {i} của tỉnh", "Báo Ninh Bình", "2026-11-27 10:15", units=(SO,))
        for i in range(40)  # enough for a second page
    ]
    docs.append(Doc("Tin chỉ có ngày đăng", "Tuổi Trẻ", "2026-11-28 00:00", units=(SO,)))
    digest = build_digest(make_store(docs).conn, resolve_window(on="2026-11-28"))
    return docx.Document(io.BytesIO(render_docx(digest)))


def _cell_texts(document, column: int) -> list[str]:
    return [p.text for p in document.tables[0].rows[0].cells[column].paragraphs]


def test_agencies_number_national_name_and_date_in_their_places(document):
    assert _cell_texts(document, 0) == ["UBND TỈNH NINH BÌNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: …/…"]
    assert _cell_texts(document, 1) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ninh Bình, ngày 28 tháng 11 năm 2026",
    ]
    left, right = document.tables[0].rows[0].cells
    parent, issuer = left.paragraphs[0].runs[0], left.paragraphs[1].runs[0]
    assert not parent.bold and issuer.bold
    motto = right.paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    assert right.paragraphs[2].runs[0].italic


def test_the_national_name_has_room_for_one_line(document):
    table = document.tables[0]
    layout = table._tbl.tblPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblLayout"
    )
    assert (
        layout is not None
        and layout.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type")
        == "fixed"
    )
    right = table.rows[0].cells[1]
    assert right.width >= Cm(9.5)  # the name at 12 pt bold Times New Roman needs about 9 cm
    name = right.paragraphs[0]
    assert name.runs[0].font.size == Pt(12) and "\n" not in name.text


def test_page_numbers_from_the_second_page(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert all(not p.text for p in section.first_page_header.paragraphs)
    fields = [
        node.text
        for node in section.header._element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"
        )
    ]
    assert fields == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred


def test_an_article_dated_without_a_time_shows_no_midnight(document):
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tuổi Trẻ · 28/11" in text
    assert "00:00" not in text.replace("07:00", "")
    assert "Báo Ninh Bình · 10:15 27/11" in text


def test_parent_agency_and_place_from_the_settings(make_store):
    digest = build_digest(make_store([]).conn, resolve_window(on="2026-02-05"))
    document = docx.Document(
        io.BytesIO(render_docx(digest, parent_agency="UBND tỉnh Thử", place="Hoa Lư"))
    )
    assert _cell_texts(document, 0)[0] == "UBND TỈNH THỬ"
    assert _cell_texts(document, 1)[2] == "Hoa Lư, ngày 05 tháng 02 năm 2026"


def test_digest_command_takes_agency_and_place_from_settings_yaml(
    make_store,
    isolated_home,
    tmp_path,
):
    from typer.testing import CliRunner

    from dumon.cli import app

    make_store([Doc("Tin của tỉnh", "Báo Ninh Bình", "2026-11-27 10:15", units=(SO,))]).close()
    (isolated_home / "settings.yaml").write_text(
        'parent_agency: "UBND tỉnh Thử Nghiệm"\nplace: "Hoa Lư"\n', encoding="utf-8"
    )
    target = tmp_path / "diem-tin.docx"
    result = CliRunner().invoke(app, ["digest", "--date", "2026-11-28", "-o", str(target)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    assert _cell_texts(document, 0)[0] == "UBND TỈNH THỬ NGHIỆM"
    assert _cell_texts(document, 1)[2] == "Hoa Lư, ngày 28 tháng 11 năm 2026"
