"""The `dumon digest` command: build the digest of a window, render it, keep a copy, mail it."""

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dumon.desk import resolve_home
from dumon.errors import DumonError

app = typer.Typer()


class Format(StrEnum):
    terminal = "terminal"
    text = "text"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    json = "json"


SUFFIX = {
    Format.terminal: "txt",
    Format.text: "txt",
    Format.markdown: "md",
    Format.html: "html",
    Format.docx: "docx",
    Format.json: "json",
}
FROM_SUFFIX = {
    ".txt": Format.text,
    ".md": Format.markdown,
    ".html": Format.html,
    ".htm": Format.html,
    ".docx": Format.docx,
    ".json": Format.json,
}


def render(digest, fmt: Format, *, settings=None) -> str | bytes:
    """The digest in a file format (terminal output is the text format when written);
    `settings` gives the printed document its parent agency and place."""
    if fmt is Format.markdown:
        from dumon.render.digest_markdown import render_markdown

        return render_markdown(digest)
    if fmt is Format.html:
        from dumon.render.digest_html import render_html

        return render_html(digest)
    if fmt is Format.docx:
        from dumon.render.digest_docx import render_docx

        if settings is None:
            return render_docx(digest)
        return render_docx(digest, parent_agency=settings.parent_agency, place=settings.place)
    if fmt is Format.json:
        from dumon.render.digest_json import render_json

        return render_json(digest)
    from dumon.render.digest_text import render_text

    return render_text(digest)


def copy_name(digest, fmt: Format) -> str:
    """digests/2026-11-28.html for a morning; start_end for any other window."""
    window = digest.window
    if window.morning is not None:
        stem = f"{window.morning:%Y-%m-%d}"
    else:
        stem = f"{window.start:%Y-%m-%dT%H%M}_{window.end:%Y-%m-%dT%H%M}"
    return f"{stem}.{SUFFIX[fmt]}"


def _write(path: Path, content: str | bytes) -> None:
    """Write the file whole or not at all: beside it first, then renamed over it, so a full
    disk never leaves a 0-byte or half digest under the real name."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@app.command("digest")
def digest_command(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option("--date", help="Điểm tin sáng ngày này (YYYY-MM-DD). Mặc định: hôm nay."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Từ thời điểm (2026-11-27 hoặc 2026-11-27T07:00; giờ Việt Nam)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Đến thời điểm (ngày không ghi giờ thì tính hết ngày đó)."),
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="terminal (mặc định trên màn hình), text (mặc định khi chuyển hướng), "
            "markdown, html, docx, json.",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp này.")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Gửi thư (HTML kèm bản chữ) tới danh sách nhận.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Ghi kèm mỗi tin lý do xếp hạng (điểm quan trọng)."),
    ] = False,
    week: Annotated[
        bool,
        typer.Option(
            "--week",
            help="Điểm tin tuần: 7 ngày đến sáng nay (hoặc --date), kèm xu hướng và lịch "
            "năm học tuần tới.",
        ),
    ] = False,
) -> None:
    """Điểm tin báo chí: mặc định từ 07:00 hôm qua đến 07:00 hôm nay (giờ Việt Nam).

    Mỗi lần chạy giữ một bản trong thư mục digests/ của thư mục làm việc.
    """
    from dumon.output.digest import make_digest
    from dumon.settings import load_settings

    if fmt is None:
        if output is not None:
            fmt = FROM_SUFFIX.get(output.suffix.lower(), Format.text)
        else:
            fmt = Format.terminal if sys.stdout.isatty() else Format.text
    try:
        desk = resolve_home(ctx.obj.home)
        digest = make_digest(
            desk, on=on, since=since, until=until, explain=explain, week=week, refresh=True
        )
        content = render(digest, fmt, settings=load_settings(desk.settings_path))
        copy = desk.digests_dir / copy_name(digest, fmt)
        # The digest reaches its readers first (mail, file, screen); the desk's copy
        # last, so a full or read-only disk cannot stop the morning's digest.
        if send:
            from dumon.output.mail import mail_digest
            from dumon.render.digest_html import render_html
            from dumon.render.digest_text import render_text

            count = mail_digest(
                load_settings(desk.settings_path).mail,
                day=digest.window.last_day,
                text=render_text(digest),
                html=render_html(digest),
            )
            typer.echo(f"Đã gửi điểm tin tới {count} địa chỉ.")
        if output is not None:
            _write(output, content)
    except OSError as error:
        raise DumonError(
            f"Không ghi được tệp {error.filename}: {error.strerror}. Cách sửa: chọn chỗ khác có "
            "quyền ghi và còn chỗ trống."
        ) from None
    on_screen = output is None and not send and fmt is not Format.docx
    if on_screen and fmt is Format.terminal:
        from dumon.render.digest_terminal import print_digest

        print_digest(None, digest)
    elif on_screen:
        typer.echo(content, nl=False)
    try:
        _write(copy, content)
    except OSError as error:
        typer.echo(
            f"Lưu ý: không lưu được bản điểm tin trong {desk.digests_dir} "
            f"({error.strerror}); điểm tin vẫn đã được gửi/in. Cách sửa: giải phóng chỗ "
            "trống hoặc cấp quyền ghi thư mục làm việc.",
            err=True,
        )
        return
    if not on_screen:
        typer.echo(f"Đã lưu điểm tin: {output or copy}")
