"""The command-line framework's own words in Vietnamese: help headings, usage lines, option
descriptions it writes itself, and the messages of usage errors ("No such option"…); and the
top-level group that speaks them, whose ``invoke`` is the CLI's error boundary.

This is the one module that reaches into Typer's vendored Click (``typer._click``), because
nothing public does what it needs: Click writes these words in English without a translation
hook, so help goes through a formatter class (a Click class, set on every command's context)
that translates what it writes; usage errors are caught in the group's ``main`` and shown
here; and overriding ``main`` and ``invoke`` means naming Click's context and exceptions, which
Typer exports only as its narrower subclasses. A message the table does not know is shown as
Click wrote it, after "Lỗi:".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer
from typer import _click as click
from typer._click.exceptions import NoArgsIsHelpError
from typer.core import TyperGroup

HEADINGS = {
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Arguments": "Đối số",
}
USAGE_WORDS = (
    ("[OPTIONS]", "[TÙY CHỌN]"),
    ("COMMAND [ARGS]...", "LỆNH [ĐỐI SỐ]..."),
)
# Typer names a value by its Python type ("--limit <int>"); the reader sees what to type.
TYPE_WORDS = (
    ("<list[str]>", "<chữ…>"),
    ("<str>", "<chữ>"),
    ("<int>", "<số>"),
    ("<float>", "<số>"),
    ("<path>", "<đường dẫn>"),
)
HELP_PHRASES = (
    ("Show this message and exit.", "In hướng dẫn này rồi thoát."),
    ("[default: ", "[mặc định: "),
    ("[required]", "[bắt buộc]"),
    ("default: ", "mặc định: "),
    ("required", "bắt buộc"),
)
_PATH_KIND = {"File": "Tệp", "Directory": "Thư mục", "Path": "Đường dẫn"}

# (pattern, Vietnamese) for the messages Click and Typer raise; groups fill the template.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), template)
    for pattern, template in (
        (
            r"No such option: (\S+) \(Possible options: (.+)\)",
            "Không có tùy chọn {0}. Có thể bạn muốn: {1}.",
        ),
        (r"No such option: (\S+)", "Không có tùy chọn {0}."),
        (
            r"No such command '(.+)'\. Did you mean (.+)\?",
            "Không có lệnh '{0}'. Có phải bạn muốn {1}?",
        ),
        (r"No such command '(.+)'\.", "Không có lệnh '{0}'."),
        (r"Missing command\.", "Thiếu lệnh."),
        (r"Missing argument '?([^'.]+)'?\.", "Thiếu đối số {0}."),
        (r"Missing option '?([^'.]+)'?\..*", "Thiếu tùy chọn {0}."),
        (r"Missing parameter: (.+)", "Thiếu tham số {0}."),
        (r"Option '(.+)' requires an argument\.", "Tùy chọn {0} cần một giá trị."),
        (r"Option '(.+)' requires (\d+) arguments\.", "Tùy chọn {0} cần {1} giá trị."),
        (r"Option '(.+)' does not take a value\.", "Tùy chọn {0} không nhận giá trị."),
        (r"Argument '(.+)' takes (\d+) values\.", "Đối số {0} cần {1} giá trị."),
        (
            r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)",
            "Thừa đối số: {0}. Cách sửa: đặt cụm có dấu cách giữa hai dấu ngoặc kép.",
        ),
        (r"Invalid value for (.+?): (.+)", "Giá trị không hợp lệ cho {0}: {1}"),
        (r"Invalid value: (.+)", "Giá trị không hợp lệ: {0}"),
    )
)
_VALUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), template)
    for pattern, template in (
        (r"(?:Value error, )?(.+) is not one of (.+?)\.?", "{0} không phải một trong {1}."),
        (r"Input should be a valid integer.*", "cần một số nguyên."),
        (r"Input should be a valid number.*", "cần một số."),
        (r"Input should be a valid boolean.*", "cần có hoặc không (true/false)."),
        (r"'?(.+?)'? is not a valid integer( range)?\.?", "'{0}' không phải số nguyên."),
        (r"'?(.+?)'? is not a valid float( range)?\.?", "'{0}' không phải số."),
        (r"(File|Directory|Path) '(.+)' does not exist\.", "{kind} '{1}' không tồn tại."),
        (r"(File|Directory|Path) '(.+)' is a file\.", "{kind} '{1}' là một tệp."),
        (r"(File|Directory|Path) '(.+)' is a directory\.", "{kind} '{1}' là một thư mục."),
        (r"(File|Directory|Path) '(.+)' is not readable\.", "{kind} '{1}' không đọc được."),
        (r"(File|Directory|Path) '(.+)' is not writable\.", "{kind} '{1}' không ghi được."),
    )
)


def _fill(template: str, groups: Sequence[str]) -> str:
    kind = _PATH_KIND.get(groups[0], groups[0]) if groups else ""
    return template.format(*groups, kind=kind)


def translate_message(message: str) -> str:
    """A usage error's message in Vietnamese; unknown messages come back unchanged."""
    text = message.strip()
    for pattern, template in _MESSAGES:
        found = pattern.fullmatch(text)
        if found:
            groups = list(found.groups())
            if template.startswith("Giá trị không hợp lệ"):
                groups[-1] = translate_value(groups[-1])
            return _fill(template, groups)
    return text


def translate_value(message: str) -> str:
    """What a parameter type said about a bad value, in Vietnamese when known."""
    text = message.strip()
    for pattern, template in _VALUES:
        found = pattern.fullmatch(text)
        if found:
            return _fill(template, [g or "" for g in found.groups()])
    return text


class HelpFormatter(click.HelpFormatter):
    """Click's help formatter, writing its own words in Vietnamese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, vietnamese in USAGE_WORDS:
            args = args.replace(english, vietnamese)
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args, **kwargs) -> None:
        super().write_dl([(_term(term), _help_text(text)) for term, text in rows], *args, **kwargs)


def _term(term: str) -> str:
    for english, vietnamese in TYPE_WORDS:
        term = term.replace(english, vietnamese)
    return term


def _help_text(text: str) -> str:
    for english, vietnamese in HELP_PHRASES:
        text = text.replace(english, vietnamese)
    return text


class Context(typer.Context):
    """A Typer context whose help is written by the Vietnamese formatter."""

    formatter_class = HelpFormatter


def use_vietnamese(command: click.Command) -> None:
    """Make a command (and, for a group, every command under it) speak Vietnamese."""
    command.context_class = Context
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            use_vietnamese(sub)


def show_error(error: click.ClickException) -> None:
    """Print a usage error as "Lỗi: …" after the usage line and where to find help."""
    ctx = getattr(error, "ctx", None)
    if isinstance(error, NoArgsIsHelpError) and ctx is not None:
        typer.echo(ctx.get_help(), err=True)
        return
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Xem hướng dẫn: {ctx.command_path} {ctx.help_option_names[0]}\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True)
    typer.echo(f"Lỗi: {translate_message(error.format_message())}", err=True)


class DumonGroup(TyperGroup):
    """The top-level group (the app's ``cls``): it and every command under it speak
    Vietnamese, and its ``invoke`` is the CLI's error boundary (``dumon/boundary.py``), the one
    place where what a command raises becomes one "Lỗi: …" line and the exit status the README
    documents. Commands raise `DumonError`s; they never print them."""

    context_class = Context

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        use_vietnamese(self)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click.ClickException as error:
            if not standalone_mode:
                raise
            show_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("Đã dừng.", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        # Without standalone mode Click returns an Exit's code, or what the command returned
        # (None for every command here).
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, click.ClickException):
            raise
        except Exception as exc:
            from dumon.boundary import to_user_error
            from dumon.render import clean_text

            error = to_user_error(exc, _desk_root(ctx), " ".join(sys.argv[1:]))
            # It may quote a URL, a header or a file name: escape sequences and other
            # control characters go (they could retitle the terminal or hide text).
            typer.echo(f"Lỗi: {clean_text(error.message, one_line=False)}", err=True)
            raise typer.Exit(error.exit_code) from None


def _desk_root(ctx: click.Context) -> Path | None:
    """The desk of the failed command, if there is one (its database and log are named)."""
    from dumon.desk import resolve_home
    from dumon.errors import DumonError

    try:
        return resolve_home(getattr(ctx.obj, "home", None)).root
    except (DumonError, OSError):
        return None
