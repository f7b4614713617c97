"""Commands of the scan side: init, scan, import, rematch."""

from pathlib import Path
from typing import Annotated

import typer

from dumon.desk import init_desk, resolve_home

app = typer.Typer()


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Thư mục làm việc mới.")],
    force: Annotated[
        bool, typer.Option(help="Ghi đè sources.yaml và keywords/ nếu đã có.")
    ] = False,
) -> None:
    """Tạo thư mục làm việc mới với danh sách nguồn và từ khóa mặc định."""
    desk = init_desk(directory, force=force)
    typer.echo(f"Đã tạo thư mục làm việc {desk.root}. Chạy: DUMON_HOME={desk.root} dumon scan")


@app.command("scan")
def scan_command(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Chỉ quét nguồn này (lặp lại được).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
    deadline: Annotated[
        float | None, typer.Option(help="Thời hạn tối đa của cả lượt quét, giây.")
    ] = None,
) -> None:
    """Đọc mọi nguồn tin, lọc theo từ khóa và lưu bài mới.

    Mã thoát: 0 mọi nguồn tốt hoặc không đổi; 1 có nguồn lỗi; 3 mọi nguồn lỗi;
    2 lỗi cấu hình; 4 đang có lượt quét khác.
    """
    from dumon.collecting.scan import run_scan
    from dumon.render import console
    from dumon.render.scan_view import print_scan_report, scan_json, scan_progress

    terminal = console()
    desk = resolve_home(ctx.obj.home)
    if as_json:
        report = run_scan(desk, only=source, deadline=deadline)
    else:
        with scan_progress(terminal) as (start, advance):
            report = run_scan(
                desk, only=source, on_start=start, progress=advance, deadline=deadline
            )
    if as_json:
        typer.echo(scan_json(report))
    else:
        print_scan_report(terminal, report)
    raise typer.Exit(report.exit_code)


@app.command("import")
def import_command(
    ctx: typer.Context,
    jsonl: Annotated[Path, typer.Option("--jsonl", help="Tệp JSON lines (có thể .gz).")],
) -> None:
    """Nhập bài báo từ tệp JSON lines như thể vừa quét được."""
    from dumon.collecting.ingest import import_jsonl
    from dumon.render import console
    from dumon.render.scan_view import print_import_report

    report = import_jsonl(resolve_home(ctx.obj.home), jsonl)
    print_import_report(console(), report)


@app.command("rematch")
def rematch_command(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Chỉ các bài từ ngày này (YYYY-MM-DD).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ cho xem, không ghi.")] = False,
) -> None:
    """Áp lại từ khóa cho các bài đã lưu và cho biết thay đổi."""
    from dumon.matching.rematch import rematch
    from dumon.render import console
    from dumon.render.scan_view import print_rematch_report

    report = rematch(resolve_home(ctx.obj.home), since=since, dry_run=dry_run)
    print_rematch_report(console(), report)
