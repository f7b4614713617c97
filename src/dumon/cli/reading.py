"""Commands that read past coverage: search, report, export."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dumon.cli import fail
from dumon.desk import resolve_home
from dumon.errors import DeskError, DumonError, QueryError


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _open_db(ctx: typer.Context):
    """The desk's database, read-only; it must already exist (reading never creates one)."""
    from dumon.search import open_reader

    desk = resolve_home(ctx.obj.home)
    if not desk.db_path.is_file():
        raise DeskError(
            f"Chưa có cơ sở dữ liệu {desk.db_path}. Cách sửa: chạy `dumon scan` hoặc "
            "`dumon import` trước, hoặc chỉ đúng thư mục làm việc bằng --home."
        )
    return open_reader(desk.db_path)


def _theme_names(ctx: typer.Context) -> dict[str, str]:
    """Display names of the desk's themes; keys alone when keywords/ cannot be read."""
    from dumon.keywords import load_keywords

    desk = resolve_home(ctx.obj.home)
    if not desk.keywords_dir.is_dir():
        return {}
    try:
        return {theme.key: theme.name for theme in load_keywords(desk.keywords_dir).themes}
    except DumonError as error:  # the report still has its figures; `dumon check` says why
        logging.getLogger(__name__).warning("keywords/: %s", error.message)
        return {}


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise QueryError(
            f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục có quyền ghi."
        ) from None
    typer.echo(f"Đã ghi {output}.", err=True)


Since = Annotated[
    str | None, typer.Option("--since", help="Từ ngày/giờ (YYYY-MM-DD hoặc ISO 8601).")
]
Until = Annotated[
    str | None, typer.Option("--until", help="Đến hết ngày/giờ (YYYY-MM-DD hoặc ISO 8601).")
]


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search_command(
        ctx: typer.Context,
        query: Annotated[
            str,
            typer.Argument(
                help='Câu tìm kiếm: từ (không dấu cũng được), "cụm từ", tiền tố*, AND/OR/NOT, '
                "(ngoặc)."
            ),
        ],
        since: Since = None,
        until: Until = None,
        unit: Annotated[
            str | None, typer.Option(help="Chỉ bài nhắc đơn vị này (một phần tên, không dấu).")
        ] = None,
        theme: Annotated[str | None, typer.Option(help="Chỉ bài thuộc chủ đề này.")] = None,
        outlet: Annotated[str | None, typer.Option(help="Chỉ bài của cơ quan báo này.")] = None,
        alerts: Annotated[bool, typer.Option("--alerts", help="Chỉ bài cần lưu ý.")] = False,
        local: Annotated[bool, typer.Option("--local", help="Chỉ bài về địa phương.")] = False,
        limit: Annotated[int, typer.Option(help="Số bài tối đa.")] = 20,
        order: Annotated[
            str, typer.Option(help="newest (mới nhất trước) hoặc relevance (liên quan nhất).")
        ] = "newest",
        as_json: Annotated[bool, typer.Option("--json", help="In JSON.")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="In CSV.")] = False,
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
    ) -> None:
        """Tìm trong các bài đã lưu (không phân biệt có dấu hay không dấu).

        Ví dụ: dumon search "tuyen sinh lop 10" --since 2025-09-01 --unit "le hong phong"
        """
        from dumon import search
        from dumon.render import search_view

        try:
            filters = search.Filters(
                since=search.parse_bound(since),
                until=search.parse_bound(until, end=True),
                unit=unit,
                theme=theme,
                outlet=outlet,
                alerts=alerts,
                local=local,
            )
            if as_json and as_csv:
                raise QueryError("Chỉ chọn một trong --json và --csv. Cách sửa: bỏ một tùy chọn.")
            search.compile_query(query)  # bad syntax is reported before the database is opened
            db = _open_db(ctx)
            try:
                result = search.search(db, query, filters=filters, limit=limit, order=order)
            finally:
                db.close()
            if as_json:
                _write(search_view.search_json(result), output)
            elif as_csv:
                _write(search_view.search_csv(result), output)
            elif output is not None or not _console().is_terminal:
                _write(search_view.search_text(result), output)
            else:
                search_view.print_search(_console(), result)
        except DumonError as error:
            raise fail(error) from None

    @app.command("report")
    def report_command(
        ctx: typer.Context,
        start: Annotated[
            str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD), dùng cùng --to.")
        ] = None,
        end: Annotated[str | None, typer.Option("--to", help="Đến hết ngày (YYYY-MM-DD).")] = None,
        period: Annotated[
            str | None,
            typer.Option(help="week (tuần này), month (tháng này) hoặc school-year (năm học này)."),
        ] = None,
        school_year: Annotated[
            str | None, typer.Option("--school-year", help="Năm học, ví dụ 2025-2026.")
        ] = None,
        unit: Annotated[
            str | None,
            typer.Option(help="Chỉ một đơn vị (một phần tên, không dấu cũng được)."),
        ] = None,
        fmt: Annotated[
            str, typer.Option("--format", help="terminal, text, json, html hoặc png.")
        ] = "terminal",
        top: Annotated[int, typer.Option(help="Số tin nổi bật.")] = 10,
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
    ) -> None:
        """Báo cáo thông tin báo chí trong một khoảng thời gian (mặc định: tháng này).

        Ví dụ: dumon report --school-year 2025-2026 --unit "le hong phong" --format html -o bc.html
        """
        import io

        from dumon import report
        from dumon.render import report_view

        formats = ("terminal", "text", "json", "html", "png")
        try:
            if fmt not in formats:
                raise QueryError(
                    f"Không có định dạng '{fmt}'. Cách sửa: dùng một trong {', '.join(formats)}."
                )
            if fmt == "png" and output is None:
                raise QueryError("Ảnh PNG cần tệp đích. Cách sửa: thêm -o bao-cao.png.")
            chosen = report.resolve_period(
                start=start, end=end, preset=period, school_year_spec=school_year
            )
            db = _open_db(ctx)
            try:
                result = report.build_report(
                    db, chosen, unit=unit, top=top, theme_names=_theme_names(ctx)
                )
            finally:
                db.close()
            if fmt == "json":
                _write(report_view.report_json(result) + "\n", output)
            elif fmt == "html":
                from dumon.render.report_html import report_html

                _write(report_html(result), output)
            elif fmt == "png":
                from dumon.render.report_png import report_png

                try:
                    output.write_bytes(report_png(result))
                except OSError as exc:
                    raise QueryError(
                        f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục có "
                        "quyền ghi."
                    ) from None
                typer.echo(f"Đã ghi {output}.", err=True)
            elif fmt == "text" or output is not None or not _console().is_terminal:
                buffer = io.StringIO()
                report_view.print_report(
                    Console(file=buffer, width=110, color_system=None, highlight=False), result
                )
                _write(buffer.getvalue(), output)
            else:
                report_view.print_report(_console(), result)
        except DumonError as error:
            raise fail(error) from None

    @app.command("export")
    def export_command(
        ctx: typer.Context,
        fmt: Annotated[str, typer.Option("--format", help="csv hoặc jsonl.")] = "jsonl",
        start: Annotated[str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD).")] = None,
        end: Annotated[str | None, typer.Option("--to", help="Đến hết ngày (YYYY-MM-DD).")] = None,
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
    ) -> None:
        """Xuất các bài đã lưu và kết quả khớp từ khóa của chúng (CSV hoặc JSON lines).

        Không nêu --from/--to thì xuất tất cả. Tệp JSON lines nhập lại được bằng `dumon import`.
        """
        import sys

        from dumon import export, search

        try:
            since = search.parse_bound(start)
            until = search.parse_bound(end, end=True)
            if fmt not in export.FORMATS:
                raise QueryError(f"Không có định dạng xuất '{fmt}'. Cách sửa: dùng csv hoặc jsonl.")
            db = _open_db(ctx)
            try:
                if output is None:
                    summary = export.export(db, sys.stdout, fmt=fmt, since=since, until=until)
                else:
                    try:
                        with output.open("w", encoding="utf-8", newline="") as handle:
                            summary = export.export(db, handle, fmt=fmt, since=since, until=until)
                    except OSError as exc:
                        raise QueryError(
                            f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục "
                            "có quyền ghi."
                        ) from None
            finally:
                db.close()
        except DumonError as error:
            raise fail(error) from None
        typer.echo(f"Đã xuất {summary.articles} bài, {summary.hits} kết quả khớp.", err=True)
