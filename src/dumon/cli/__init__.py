"""The command-line interface: a thin Typer layer over the service functions.

Each area registers its commands from its own module (``cli/core.py``, ``cli/match.py``…),
so the app stays small and every command reads options, calls one function and renders.
The app itself is in ``cli/typer_app.py`` and ``app`` is imported from there on first use.
Errors become "Lỗi: …" with the exit code documented in the README, here and nowhere else.
The batch matcher for other programs, ``dumon-match``, starts without Typer and lives outside
this package (``dumon/batch.py``).
"""

from __future__ import annotations

import sys

from dumon.errors import DumonError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see docs)
if TYPE_CHECKING:
    from typing import Any

    import typer


def __getattr__(name: str) -> Any:
    """``dumon.cli.app``, the Typer app, built when first asked for."""
    if name == "app":
        from dumon.cli.typer_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def log_to_stderr(verbose: int) -> None:
    """Logging for operators on stderr; -v shows INFO, -vv DEBUG."""
    import logging

    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def fail(error: DumonError) -> typer.Exit:
    """Print the user's message on stderr and return the Exit to raise."""
    import typer

    typer.echo(f"Lỗi: {terminal_line(error.message)}", err=True)
    return typer.Exit(error.exit_code)


def terminal_line(text: str) -> str:
    """A message fit for a terminal: it may quote a URL, a header or a file name, so escape
    sequences and other control characters go (they could retitle the terminal or hide
    text)."""
    from dumon.render import clean_text

    return clean_text(text, one_line=False)


def main() -> None:
    """Console-script entry point."""
    from dumon.cli.typer_app import app

    try:
        app()
    except DumonError as error:  # raised before a command ran (the group's own options)
        print(f"Lỗi: {terminal_line(error.message)}", file=sys.stderr)
        sys.exit(error.exit_code)
