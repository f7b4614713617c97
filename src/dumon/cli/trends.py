"""The `dumon trends` command: what is written about more than usual, the incidents still
growing, and the school-calendar topics due."""

from typing import Annotated

import typer

from dumon.desk import resolve_home

app = typer.Typer()


@app.command("trends")
def trends_command(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="NGÀY", help="Tuần kết thúc ngày này (YYYY-MM-DD). Mặc định: hôm qua."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON cho chương trình khác.")] = False,
) -> None:
    """Xu hướng tuần: chủ đề, đơn vị, loại sự cố được viết nhiều bất thường; sự vụ còn
    lan; các chủ đề lịch năm học sắp tới (keywords/calendar.yaml)."""
    from dumon.output.trends import make_week
    from dumon.render.trends_view import print_week, week_json

    week = make_week(resolve_home(ctx.obj.home), on=on)
    if as_json:
        typer.echo(week_json(week))
    else:
        from dumon.render import console

        print_week(console(), week)
