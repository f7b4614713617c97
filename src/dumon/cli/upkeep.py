"""Commands for running unattended: cron, doctor, sources enable/disable/health, db upkeep."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from dumon.cli import fail
from dumon.cli.core import sources_app
from dumon.desk import resolve_home
from dumon.errors import DumonError

db_app = typer.Typer(help="Bảo trì cơ sở dữ liệu: sao lưu, dọn, xóa bài cũ.", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")

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
        from dumon.render.upkeep_view import print_lines
        from dumon.settings import load_settings
        from dumon.upkeep import cron

        console = _console()
        try:
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
                    print_lines(console, [f"# ~/.config/systemd/user/{name}", *text.splitlines()])
                    console.print()
                print_lines(
                    console,
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
        except DumonError as error:
            raise fail(error) from None
        print_lines(console, lines)

    @app.command("doctor")
    def doctor_command(ctx: typer.Context) -> None:
        """Kiểm tra thư mục làm việc và nói cách sửa từng vấn đề.

        Mã thoát: 0 mọi thứ ổn; 1 có điều cần xem; 2 có lỗi khiến dumon không chạy được.
        """
        from dumon.render.upkeep_view import print_doctor
        from dumon.upkeep.doctor import diagnose

        try:
            report = diagnose(resolve_home(ctx.obj.home))
        except DumonError as error:
            raise fail(error) from None
        print_doctor(_console(), report)
        raise typer.Exit(report.exit_code)

    def _switch(ctx: typer.Context, name: str, enabled: bool) -> None:
        from dumon.collecting import health
        from dumon.collecting.config import load_sources
        from dumon.storage import store

        try:
            desk = resolve_home(ctx.obj.home)
            config = load_sources(desk.sources_path)
            db = store.open_db(desk.db_path)
            try:
                health.set_enabled(db, config, name, enabled)
            finally:
                db.close()
        except DumonError as error:
            raise fail(error) from None
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
        from dumon.render.upkeep_view import print_health
        from dumon.settings import load_settings
        from dumon.storage import store

        try:
            desk = resolve_home(ctx.obj.home)
            config = load_sources(desk.sources_path)
            settings = load_settings(desk.settings_path)
            db = store.open_db(desk.db_path)
            try:
                rows = health.source_health(db, settings=settings.health, sources=config.sources)
            finally:
                db.close()
        except DumonError as error:
            raise fail(error) from None
        print_health(_console(), rows)

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
        from dumon.render.upkeep_view import print_backup
        from dumon.upkeep import database

        try:
            result = database.backup(resolve_home(ctx.obj.home), target, keep=keep)
        except DumonError as error:
            raise fail(error) from None
        except OSError as error:
            raise fail(
                DumonError(f"Không ghi được {target}: {error.strerror}. Cách sửa: chọn chỗ khác.")
            ) from None
        print_backup(_console(), result)

    @db_app.command("vacuum")
    def db_vacuum(ctx: typer.Context) -> None:
        """Dọn cơ sở dữ liệu để trả lại chỗ trống (sau khi xóa bài cũ)."""
        from dumon.render.upkeep_view import print_vacuum
        from dumon.upkeep import database

        try:
            result = database.vacuum(resolve_home(ctx.obj.home))
        except DumonError as error:
            raise fail(error) from None
        print_vacuum(_console(), result)

    @db_app.command("prune")
    def db_prune(
        ctx: typer.Context,
        older_than: Annotated[
            int, typer.Option("--older-than", help="Xóa bài cũ hơn ngần này ngày.")
        ],
        include_hits: Annotated[
            bool,
            typer.Option("--include-hits", help="Xóa cả bài có liên quan (khớp từ khóa)."),
        ] = False,
    ) -> None:
        """Xóa bài cũ không liên quan (giữ bài khớp từ khóa, trừ khi có --include-hits)."""
        from dumon.render.upkeep_view import print_prune
        from dumon.upkeep import database

        try:
            result = database.prune(
                resolve_home(ctx.obj.home), older_than_days=older_than, include_hits=include_hits
            )
        except DumonError as error:
            raise fail(error) from None
        print_prune(_console(), result, include_hits=include_hits)

    @db_app.command("path")
    def db_path(ctx: typer.Context) -> None:
        """In đường dẫn tệp cơ sở dữ liệu."""
        try:
            typer.echo(str(resolve_home(ctx.obj.home).db_path))
        except DumonError as error:
            raise fail(error) from None

    @db_app.command("migrate")
    def db_migrate(ctx: typer.Context) -> None:
        """Nâng cấp cấu trúc cơ sở dữ liệu lên phiên bản mới nhất."""

        from dumon.upkeep import database

        try:
            ran = database.migrate(resolve_home(ctx.obj.home))
        except DumonError as error:
            raise fail(error) from None
        if ran:
            typer.echo(f"Đã áp dụng {len(ran)} bước nâng cấp: {', '.join(ran)}.")
        else:
            typer.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất; không có gì để làm.")
