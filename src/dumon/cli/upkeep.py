"""Commands for running unattended: cron, doctor, and the ``dumon db …`` upkeep group."""

from typing import Annotated

import typer

from dumon.desk import resolve_home
from dumon.errors import DumonError

app = typer.Typer()
db_app = typer.Typer(help="Bảo trì cơ sở dữ liệu: sao lưu, dọn, xóa bài cũ.", no_args_is_help=True)


@app.command("cron")
def cron_command(
    ctx: typer.Context,
    install: Annotated[
        bool, typer.Option("--install", help="Thêm lịch vào crontab (chạy lại để cập nhật).")
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Gỡ lịch của thư mục này khỏi crontab.")
    ] = False,
    scans_per_day: Annotated[
        int, typer.Option("--scans-per-day", help="Số lượt quét mỗi ngày.")
    ] = 4,
    digest_time: Annotated[
        str | None,
        typer.Option(
            "--digest-time",
            help="Giờ làm điểm tin (HH:MM, giờ Việt Nam). Mặc định: digest_hour trong "
            "settings.yaml.",
        ),
    ] = None,
    systemd: Annotated[
        bool, typer.Option("--systemd", help="In các tệp systemd timer tương đương.")
    ] = False,
) -> None:
    """In (hoặc cài, gỡ) lịch chạy tự động: quét nhiều lần mỗi ngày, điểm tin buổi sáng,
    sao lưu và dọn dữ liệu hằng tuần."""
    from dumon.render import console
    from dumon.render.upkeep_view import print_lines
    from dumon.settings import load_settings
    from dumon.upkeep import cron

    terminal = console()
    desk = resolve_home(ctx.obj.home)
    if remove:
        found = cron.remove(desk.root)
        typer.echo(
            f"Đã gỡ lịch của {desk.root} khỏi crontab."
            if found
            else f"Crontab không có lịch nào của {desk.root}; không cần gỡ."
        )
        return
    settings = load_settings(desk.settings_path)
    minutes = cron.parse_time(digest_time) if digest_time else settings.digest_hour * 60
    jobs = cron.plan(
        scans_per_day=scans_per_day, digest_minutes=minutes, send=settings.mail is not None
    )
    if systemd:
        for name, text in cron.systemd_units(desk.root, jobs).items():
            print_lines(terminal, [f"# ~/.config/systemd/user/{name}", *text.splitlines()])
            terminal.print()
        print_lines(
            terminal,
            [
                "# Bật: systemctl --user daemon-reload && systemctl --user enable --now "
                + " ".join(f"dumon-{job.name}.timer" for job in jobs),
                "# Cho chạy cả khi không đăng nhập: loginctl enable-linger $USER",
            ],
        )
        return
    lines = cron.cron_lines(desk.root, jobs)
    if install:
        replaced = cron.install(desk.root, lines)
        typer.echo(
            ("Đã cập nhật" if replaced else "Đã cài")
            + f" lịch chạy tự động cho {desk.root} vào crontab. Xem lại: `crontab -l`."
        )
        return
    print_lines(terminal, lines)


@app.command("doctor")
def doctor_command(ctx: typer.Context) -> None:
    """Kiểm tra thư mục làm việc và nói cách sửa từng vấn đề.

    Mã thoát: 0 mọi thứ ổn; 1 có điều cần xem; 2 có lỗi khiến dumon không chạy được.
    """
    from dumon.render import console
    from dumon.render.upkeep_view import print_doctor
    from dumon.upkeep.doctor import diagnose

    report = diagnose(resolve_home(ctx.obj.home))
    print_doctor(console(), report)
    raise typer.Exit(report.exit_code)


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help="Tệp sao lưu, hoặc thư mục (kết thúc bằng /) để tạo tệp có ghi ngày giờ."
        ),
    ],
    keep: Annotated[
        int | None,
        typer.Option(help="Khi sao lưu vào thư mục: chỉ giữ ngần này bản mới nhất."),
    ] = None,
) -> None:
    """Sao lưu cơ sở dữ liệu (chạy được cả khi đang quét)."""
    from dumon.render import console
    from dumon.render.upkeep_view import print_backup
    from dumon.upkeep import database

    try:
        result = database.backup(resolve_home(ctx.obj.home), target, keep=keep)
    except OSError as error:
        raise DumonError(
            f"Không ghi được {target}: {error.strerror}. Cách sửa: chọn chỗ khác."
        ) from None
    print_backup(console(), result)


@db_app.command("vacuum")
def db_vacuum(ctx: typer.Context) -> None:
    """Dọn cơ sở dữ liệu để trả lại chỗ trống (sau khi xóa bài cũ)."""
    from dumon.render import console
    from dumon.render.upkeep_view import print_vacuum
    from dumon.upkeep import database

    result = database.vacuum(resolve_home(ctx.obj.home))
    print_vacuum(console(), result)


@db_app.command("prune")
def db_prune(
    ctx: typer.Context,
    older_than: Annotated[int, typer.Option("--older-than", help="Xóa bài cũ hơn ngần này ngày.")],
    include_hits: Annotated[
        bool,
        typer.Option("--include-hits", help="Xóa cả bài có liên quan (khớp từ khóa)."),
    ] = False,
) -> None:
    """Xóa bài cũ không liên quan (giữ bài khớp từ khóa, trừ khi có --include-hits)."""
    from dumon.render import console
    from dumon.render.upkeep_view import print_prune
    from dumon.upkeep import database

    result = database.prune(
        resolve_home(ctx.obj.home), older_than_days=older_than, include_hits=include_hits
    )
    print_prune(console(), result, include_hits=include_hits)


@db_app.command("path")
def db_path(ctx: typer.Context) -> None:
    """In đường dẫn tệp cơ sở dữ liệu."""
    typer.echo(str(resolve_home(ctx.obj.home).db_path))


@db_app.command("migrate")
def db_migrate(ctx: typer.Context) -> None:
    """Nâng cấp cấu trúc cơ sở dữ liệu lên phiên bản mới nhất."""
    from dumon.upkeep import database

    ran = database.migrate(resolve_home(ctx.obj.home))
    if ran:
        typer.echo(f"Đã áp dụng {len(ran)} bước nâng cấp: {', '.join(ran)}.")
    else:
        typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất; không có gì để làm.")
