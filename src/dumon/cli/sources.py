"""The ``dumon sources …`` group: list, check, health, enable, disable."""

from typing import Annotated

import typer

from dumon.desk import resolve_home

sources_app = typer.Typer(help="Danh sách và tình trạng các nguồn tin.", no_args_is_help=True)


@sources_app.command("list")
def sources_list(ctx: typer.Context) -> None:
    """Liệt kê các nguồn: loại, báo, cấp, lần đọc được cuối, lỗi liên tiếp."""
    from dumon.collecting.sources import list_sources
    from dumon.render import console
    from dumon.render.scan_view import print_sources

    rows = list_sources(resolve_home(ctx.obj.home))
    print_sources(console(), rows)


@sources_app.command("check")
def sources_check(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Chỉ kiểm tra nguồn này.")
    ] = None,
) -> None:
    """Tải thử mỗi nguồn một lần và báo kết quả (không lưu gì)."""
    from dumon.collecting.sources import check_sources
    from dumon.render import console
    from dumon.render.scan_view import print_checks

    rows = check_sources(resolve_home(ctx.obj.home), only=source)
    print_checks(console(), rows)
    raise typer.Exit(0 if all(r.ok for r in rows) else 1)


def _switch(ctx: typer.Context, name: str, enabled: bool) -> None:
    from dumon.collecting import health
    from dumon.collecting.config import load_sources
    from dumon.storage import store

    desk = resolve_home(ctx.obj.home)
    config = load_sources(desk.sources_path)
    db = store.open_db(desk.db_path)
    try:
        health.set_enabled(db, config, name, enabled)
    finally:
        db.close()
    if enabled:
        yaml_off = any(s.name == name and not s.enabled for s in config.sources)
        typer.echo(f"Đã bật lại nguồn {name}; lượt quét sau sẽ đọc nó.")
        if yaml_off:
            typer.echo(
                f"Lưu ý: {name} vẫn ghi `enabled: false` trong sources.yaml; "
                "xóa dòng đó để nguồn được quét."
            )
    else:
        typer.echo(
            f"Đã tắt nguồn {name}; các lượt quét sẽ bỏ qua nó. "
            f"Bật lại: `dumon sources enable {name}`."
        )


@sources_app.command("enable")
def sources_enable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Tên nguồn.")]
) -> None:
    """Bật lại một nguồn đã bị tắt (bằng tay hoặc tự động vì lỗi kéo dài)."""
    _switch(ctx, name, True)


@sources_app.command("disable")
def sources_disable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Tên nguồn.")]
) -> None:
    """Tắt một nguồn: các lượt quét bỏ qua nó cho tới khi bật lại."""
    _switch(ctx, name, False)


@sources_app.command("health")
def sources_health(ctx: typer.Context) -> None:
    """Tình trạng từng nguồn: tốt, không đổi, đang lỗi, có lẽ đã ngừng, im lặng, đã tắt."""
    from dumon.collecting import health
    from dumon.collecting.config import load_sources
    from dumon.render import console
    from dumon.render.upkeep_view import print_health
    from dumon.settings import load_settings
    from dumon.storage import store

    desk = resolve_home(ctx.obj.home)
    config = load_sources(desk.sources_path)
    settings = load_settings(desk.settings_path)
    db = store.open_db(desk.db_path)
    try:
        rows = health.source_health(db, settings=settings.health, sources=config.sources)
    finally:
        db.close()
    print_health(console(), rows)
