"""The office's work on incidents (sự vụ): `dumon incident list|show|note|respond|close|merge|
split|rebuild`. Options → one call of ``output/incident_actions.py`` → rendering."""

from enum import StrEnum
from typing import Annotated

import typer

from dumon.desk import resolve_home
from dumon.errors import QueryError

app = typer.Typer(
    help="Sự vụ: theo dõi một sự cố trên báo từ bài đầu tiên đến khi khép lại.",
    no_args_is_help=True,
)


class ResponseKind(StrEnum):
    phat_ngon = "phat-ngon"
    thong_cao = "thong-cao"
    dinh_chinh = "dinh-chinh"
    tra_loi = "tra-loi"


By = Annotated[str, typer.Option("--by", help="Người thực hiện (ghi vào dòng thời gian).")]
Json = Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác.")]


def console():
    from dumon.render import console as make

    return make()


def _done(view, message: str) -> None:
    from dumon.render.incident_view import print_show

    typer.echo(message)
    print_show(console(), view)


@app.command("list")
def incident_list(
    ctx: typer.Context,
    only_open: Annotated[
        bool, typer.Option("--open", help="Chỉ các sự vụ đang mở (mặc định).")
    ] = False,
    every: Annotated[bool, typer.Option("--all", help="Mọi sự vụ, kể cả đã khép lại.")] = False,
    local: Annotated[bool, typer.Option("--local", help="Chỉ sự vụ của tỉnh.")] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="NGÀY",
            help="Như vào thời điểm này (YYYY-MM-DD: hết ngày đó). Mặc định: bây giờ.",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Liệt kê sự vụ: giai đoạn (mới, lan rộng, hạ nhiệt, khép lại), mức, số bài, phản hồi."""
    from dumon.output.incident_actions import list_incidents, moment_typed
    from dumon.render.incident_view import list_json, print_list

    if only_open and every:
        raise QueryError("Chỉ chọn một trong --open và --all. Cách sửa: bỏ một tùy chọn.")
    moment = moment_typed(at, day_end=True) if at else None
    items = list_incidents(resolve_home(ctx.obj.home), every=every, local=local, at=moment)
    if as_json:
        typer.echo(list_json(items))
    else:
        print_list(console(), items, every=every)


@app.command("show")
def incident_show(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="SỐ", help="Số sự vụ.")],
    as_json: Json = False,
) -> None:
    """Dòng thời gian của một sự vụ: các bài, giai đoạn, ghi chú và phản hồi."""
    from dumon.output.incident_actions import show_incident
    from dumon.render.incident_view import print_show, show_json

    item = show_incident(resolve_home(ctx.obj.home), incident_id)
    if as_json:
        typer.echo(show_json(item))
    else:
        print_show(console(), item)


@app.command("note")
def incident_note(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="SỐ", help="Số sự vụ.")],
    text: Annotated[str, typer.Argument(metavar="GHI_CHÚ", help="Nội dung ghi chú.")],
    by: By = "",
) -> None:
    """Ghi chú vào dòng thời gian của sự vụ."""
    from dumon.output.incident_actions import note_incident

    item = note_incident(resolve_home(ctx.obj.home), incident_id, text, by=by)
    _done(item, f"Đã ghi chú vào sự vụ #{incident_id}.")


@app.command("respond")
def incident_respond(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="SỐ", help="Số sự vụ.")],
    kind: Annotated[
        ResponseKind,
        typer.Option(
            "--kind",
            help="phat-ngon (phát ngôn), thong-cao (thông cáo báo chí), dinh-chinh (đính "
            "chính), tra-loi (trả lời báo chí).",
        ),
    ],
    at: Annotated[
        str,
        typer.Option("--at", metavar="THỜI_ĐIỂM", help="Lúc phản hồi, ví dụ 2026-11-28T09:30."),
    ],
    by: By = "",
    url: Annotated[str, typer.Option("--url", help="Địa chỉ văn bản hoặc bài đăng phản hồi.")] = "",
) -> None:
    """Ghi phản hồi của Sở (phát ngôn, thông cáo, đính chính, trả lời báo chí)."""
    from dumon.output.incident_actions import respond_incident

    item = respond_incident(
        resolve_home(ctx.obj.home), incident_id, kind=kind.value, at=at, by=by, url=url
    )
    _done(item, f"Đã ghi phản hồi cho sự vụ #{incident_id}.")


@app.command("close")
def incident_close(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="SỐ", help="Số sự vụ.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do đóng.")] = "",
    by: By = "",
) -> None:
    """Khép lại sự vụ (một bài mới sau đó sẽ mở lại nó)."""
    from dumon.output.incident_actions import close_incident

    item = close_incident(resolve_home(ctx.obj.home), incident_id, reason=reason, by=by)
    _done(item, f"Đã khép lại sự vụ #{incident_id}.")


@app.command("merge")
def incident_merge(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(metavar="SỐ", help="Sự vụ giữ lại.")],
    other: Annotated[int, typer.Argument(metavar="SỐ_GỘP", help="Sự vụ gộp vào.")],
) -> None:
    """Gộp sự vụ thứ hai vào sự vụ thứ nhất (cùng một sự việc)."""
    from dumon.output.incident_actions import merge_incidents

    item = merge_incidents(resolve_home(ctx.obj.home), keep, other)
    _done(item, f"Đã gộp sự vụ #{other} vào sự vụ #{keep}.")


@app.command("split")
def incident_split(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="SỐ", help="Số sự vụ.")],
    articles: Annotated[
        list[str] | None,
        typer.Argument(metavar="BÀI…", help="Số (id) hoặc địa chỉ các bài cần tách ra."),
    ] = None,
) -> None:
    """Tách các bài nêu ra thành một sự vụ mới (chúng kể một sự việc khác)."""
    from dumon.output.incident_actions import split_incident

    item = split_incident(resolve_home(ctx.obj.home), incident_id, articles or [])
    _done(item, f"Đã tách {len(articles or [])} bài khỏi sự vụ #{incident_id}.")


@app.command("rebuild")
def incident_rebuild(
    ctx: typer.Context,
    force: Annotated[
        bool,
        typer.Option("--force", help="Dựng lại cả khi đã có ghi chú, phản hồi (sẽ mất)."),
    ] = False,
) -> None:
    """Dựng lại mọi sự vụ từ các bài đã lưu (sau khi sửa từ khóa hoặc ngưỡng)."""
    from dumon.output.incident_actions import rebuild

    report = rebuild(resolve_home(ctx.obj.home), force=force)
    typer.echo(
        f"Đã dựng lại sự vụ: đọc {report.articles} bài, {report.opened} sự vụ, "
        f"{report.joined} bài thuộc sự vụ."
    )
