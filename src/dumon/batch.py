"""``dumon-match`` (also ``python -m dumon.batch``): the batch matcher's entry point, for
other programs.

The options, output, messages and exit statuses of ``dumon match --jsonl``, without the
command-line framework: a program starts it once per batch, and Typer (with the pydantic it
checks options with) costs more to import than Python takes to start. Like ``runlog``, an
entry point: it may import from every stage.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from dumon.errors import DumonError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see docs)
if TYPE_CHECKING:
    from typing import NoReturn

PROG = "dumon-match"
# What argparse says of a bad command line, in Vietnamese (unknown messages are shown as
# argparse wrote them, after "Lỗi:").
_MESSAGES = (
    (r"the following arguments are required: (.+)", "Thiếu tùy chọn {0}."),
    (r"unrecognized arguments: (.+)", "Không nhận ra: {0}."),
    (r"argument (\S+): expected one argument", "Tùy chọn {0} cần một giá trị."),
    (r"argument (\S+): (.+)", "Giá trị không hợp lệ cho '{0}': {1}"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words and its usage errors in Vietnamese, status 2."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "Cách dùng: ", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", "Cách dùng: ", 1)

    def error(self, message: str) -> NoReturn:
        for pattern, template in _MESSAGES:
            found = re.fullmatch(pattern, message)
            if found:
                message = template.format(*found.groups())
                break
        sys.stderr.write(f"{self.format_usage()}Xem hướng dẫn: {PROG} --help\n\nLỗi: {message}\n")
        sys.exit(2)


def _jobs(value: str) -> int:
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise argparse.ArgumentTypeError(f"'{value}' không phải số nguyên từ 1 trở lên.")
    return int(value)


def _parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        description="Xét từng bài của một tệp JSON lines: có phải tin giáo dục, thuộc địa bàn, "
        "cần chú ý? In một dòng JSON cho mỗi dòng vào, cùng thứ tự.",
        add_help=False,
        allow_abbrev=False,
    )
    options = parser.add_argument_group("Tùy chọn")
    options.add_argument(
        "--jsonl",
        type=Path,
        required=True,
        metavar="TỆP",
        help="Tệp JSON lines (id, title, summary, body, url, outlet, date; '-' là stdin): in "
        "một dòng JSON cho mỗi dòng vào, cùng thứ tự.",
    )
    options.add_argument(
        "--keywords",
        type=Path,
        metavar="THƯ_MỤC",
        help="Thư mục từ khóa. Mặc định: keywords/ của thư mục làm việc.",
    )
    options.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="Số tiến trình xét song song. Mặc định: số nhân CPU (tối đa 8); 1 để in từng dòng "
        "ngay khi đọc.",
    )
    options.add_argument(
        "--home",
        type=Path,
        metavar="THƯ_MỤC",
        help="Thư mục làm việc (desk). Mặc định: $DUMON_HOME hoặc thư mục hiện tại.",
    )
    options.add_argument(
        "-v", "--verbose", action="count", default=0, help="Ghi log chi tiết (-vv: hơn nữa)."
    )
    options.add_argument("-h", "--help", action="help", help="In hướng dẫn này rồi thoát.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Match the JSON lines of ``--jsonl`` onto stdout; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.verbose:  # the batch logs nothing above INFO: spare it importing logging
        import logging

        level = logging.WARNING - 10 * min(args.verbose, 2)
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from dumon.matching.batch import run_jsonl

    try:
        return run_jsonl(home=args.home, keywords=args.keywords, jsonl=args.jsonl, jobs=args.jobs)
    except KeyboardInterrupt:  # no traceback
        return 130
    except Exception as exc:  # the error boundary, as for the `dumon` commands
        from dumon.boundary import to_user_error
        from dumon.render import clean_text

        error = to_user_error(exc, _desk_root(args.home), "match --jsonl")
        print(f"Lỗi: {clean_text(error.message, one_line=False)}", file=sys.stderr)
        return error.exit_code


def _desk_root(home: Path | None) -> Path | None:
    """The desk, if there is one: a crash's traceback goes to its log."""
    from dumon.desk import resolve_home

    try:
        return resolve_home(home).root
    except (DumonError, OSError):
        return None


if __name__ == "__main__":
    sys.exit(main())
