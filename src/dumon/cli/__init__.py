"""The command-line interface: a thin Typer layer over the service functions.

Each area registers its commands from its own module (``cli/scan.py``, ``cli/match.py``…),
so the app stays small and every command reads options, calls one function and renders.
Errors become "Lỗi: …" with the exit code documented in the README, here and nowhere else.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from dumon.errors import DumonError

app = typer.Typer(
    name="dumon",
    help="dumon — theo dõi báo chí cho Sở Giáo dục và Đào tạo (press monitor).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Modules that add commands to `app`; each defines `register(app)`.
COMMAND_MODULES = (
    "dumon.cli.core",
    "dumon.cli.match",
    "dumon.cli.digest",
    "dumon.cli.reading",
    "dumon.cli.upkeep",
)


class State:
    """Options of the callback, shared with the commands through the Typer context."""

    home: Path | None = None
    verbose: int = 0


@app.callback()
def _callback(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", help="Thư mục làm việc (desk). Mặc định: $DUMON_HOME hoặc thư mục hiện tại."
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="Ghi log chi tiết.")
    ] = 0,
) -> None:
    state = State()
    state.home = home
    state.verbose = verbose
    ctx.obj = state
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def fail(error: DumonError) -> typer.Exit:
    """Print the user's message on stderr and return the Exit to raise."""
    typer.echo(f"Lỗi: {error.message}", err=True)
    return typer.Exit(error.exit_code)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # the area is not built yet
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except DumonError as error:  # a service raised outside a command's own handling
        typer.echo(f"Lỗi: {error.message}", err=True)
        sys.exit(error.exit_code)
