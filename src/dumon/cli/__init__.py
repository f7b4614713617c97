"""The command-line interface: a thin Typer layer over the service functions.

``typer_app.py`` builds the app from one module per area (``core``, ``match``, ``digest``,
``reading``, ``upkeep``, ``sources``): each command reads its options, calls one function and
renders. What a command raises becomes "Lỗi: …" and the exit status documented in the README
in one place, the group's error boundary (``cli/vietnamese.py``). The batch matcher for other
programs, ``dumon-match``, starts without Typer and lives outside this package
(``dumon/batch.py``).
"""

from dumon.cli.typer_app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
