"""Commands that read past coverage: search, report, export."""

from __future__ import annotations

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
    """The desk's database, which must already exist (reading never creates one)."""
    from dumon import store

    desk = resolve_home(ctx.obj.home)
    if not desk.db_path.is_file():
        raise DeskError(
            f"Chưa có cơ sở dữ liệu {desk.db_path}. Cách sửa: chạy `dumon scan` hoặc "
            "`dumon import` trước, hoặc chỉ đúng thư mục làm việc bằng --home."
        )
    return store.open_db(desk.db_path)


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
                raise QueryError("Chỉ chọn một trong --json và --csv.")
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
