"""The office's marks on articles: `dumon mark` and `dumon marks` (list, --suggest, --apply).
Options → one call of ``output/feedback`` or ``output/suggestions`` → ``render/marks_view``."""

from typing import Annotated

import typer

from dumon.desk import resolve_home

app = typer.Typer()


@app.command("mark")
def mark_command(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(metavar="BÀI", help="Số (id) hoặc địa chỉ của bài.")],
    not_relevant: Annotated[
        bool, typer.Option("--not-relevant", help="Không liên quan: ẩn khỏi điểm tin.")
    ] = False,
    not_local: Annotated[
        bool, typer.Option("--not-local", help="Không phải tin của tỉnh.")
    ] = False,
    not_alert: Annotated[
        bool, typer.Option("--not-alert", help="Không phải sự cố (ra khỏi sự vụ).")
    ] = False,
    important: Annotated[
        bool, typer.Option("--important", help="Quan trọng: đưa lên đầu, luôn hiện.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Ghi chú kèm dấu.")] = "",
    undo: Annotated[
        bool, typer.Option("--undo", help="Bỏ dấu (các loại đã nêu, hoặc mọi dấu của bài).")
    ] = False,
) -> None:
    """Đánh dấu một bài để dumon hiểu ý văn phòng (giữ nguyên khi áp lại từ khóa)."""
    from dumon.output.feedback import mark_article
    from dumon.render import console
    from dumon.render.marks_view import print_mark_result

    chosen = (
        ("not-relevant", not_relevant),
        ("not-local", not_local),
        ("not-alert", not_alert),
        ("important", important),
    )
    kinds = [kind for kind, on in chosen if on]
    result = mark_article(resolve_home(ctx.obj.home), article, kinds, note=note, undo=undo)
    print_mark_result(console(), result, undo=undo)


@app.command("marks")
def marks_command(
    ctx: typer.Context,
    suggest: Annotated[
        bool,
        typer.Option("--suggest", help="Đề xuất sửa từ khóa từ các dấu lặp lại (chạy thử)."),
    ] = False,
    apply_number: Annotated[
        int | None,
        typer.Option("--apply", metavar="SỐ", help="Ghi đề xuất số này vào keywords/."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác.")] = False,
) -> None:
    """Các bài văn phòng đã đánh dấu; đề xuất và áp dụng thay đổi từ khóa."""
    from dumon.render import console, marks_view

    desk = resolve_home(ctx.obj.home)
    if apply_number is not None:
        from dumon.output.suggestions import apply

        chosen = apply(desk, apply_number)
        typer.echo(
            f"Đã thêm đề xuất {chosen.number} vào {desk.keywords_dir / chosen.file}. "
            "Chạy `dumon rematch` để áp dụng cho các bài đã lưu."
        )
        return
    if suggest:
        from dumon.output.suggestions import suggest as make_suggestions

        marks_view.print_suggestions(console(), make_suggestions(desk))
        return
    from dumon.output.feedback import desk_marks

    found = desk_marks(desk)
    if as_json:
        typer.echo(marks_view.marks_json(found))
    else:
        marks_view.print_marks(console(), found)
