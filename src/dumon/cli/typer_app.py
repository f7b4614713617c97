"""The Typer app: the global options, and every command added from the module of its area.

Built as Typer's documentation builds a larger app: each area's module (``core``, ``match``,
``digest``, ``reading``, ``upkeep``) defines its commands on its own ``typer.Typer()``, merged
here in help order, and each group (``sources``, ``keywords``, ``db``) is a sub-app added under
its name. A command module imports what a command needs inside that command, so a command does
not pay for the others (Rich, the scan, the matcher). The group class, ``DumonGroup``, speaks
Vietnamese and is the error boundary (``cli/vietnamese.py``).

Typer reads every command's signature at every start. The command modules therefore do not
use ``from __future__ import annotations``: as strings, their annotations would be evaluated
twice a start (by ``inspect`` and by ``get_type_hints``), about 30 ms of each command's start.
"""

from pathlib import Path
from typing import Annotated

import typer

from dumon.cli import core, digest, incidents, marks, match, reading, sources, trends, upkeep
from dumon.cli.vietnamese import DumonGroup

app = typer.Typer(
    name="dumon",
    cls=DumonGroup,
    help="dumon — theo dõi báo chí cho Sở Giáo dục và Đào tạo (press monitor).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(core.app)
app.add_typer(match.app)
app.add_typer(digest.app)
app.add_typer(reading.app)
app.add_typer(marks.app)
app.add_typer(trends.app)
app.add_typer(upkeep.app)
app.add_typer(sources.sources_app, name="sources")
app.add_typer(match.keywords_app, name="keywords")
app.add_typer(incidents.app, name="incident")
app.add_typer(upkeep.db_app, name="db")


class State:
    """Options of the callback, shared with the commands through the Typer context."""

    home: Path | None = None


def log_to_stderr(verbose: int) -> None:
    """Logging for operators on stderr; -v shows INFO, -vv DEBUG."""
    import logging

    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _print_version(value: bool) -> None:
    if value:
        from dumon import __version__

        typer.echo(f"dumon {__version__}")
        raise typer.Exit()


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
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="In phiên bản của dumon rồi thoát.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    state = State()
    state.home = home
    ctx.obj = state
    log_to_stderr(verbose)
