"""The command-line interface: a thin Typer layer over the service functions.

Each area registers its commands from its own module (``cli/core.py``, ``cli/match.py``…),
so the app stays small and every command reads options, calls one function and renders.
The app itself is in ``cli/typer_app.py`` and ``app`` is imported from there on first use:
this module is the entry point, and ``dumon match --jsonl`` (the batch interface,
``cli/batch.py``) runs without Typer. Errors become "Lỗi: …" with the exit code documented in
the README, here and nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path

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
    batch = _batch_options(sys.argv[1:])
    if batch is not None:
        sys.exit(_run_batch(**batch))
    from dumon.cli.typer_app import app

    try:
        app()
    except DumonError as error:  # raised before a command ran (the group's own options)
        print(f"Lỗi: {terminal_line(error.message)}", file=sys.stderr)
        sys.exit(error.exit_code)


# `dumon match --jsonl` is the batch interface, run by other programs once per batch. Typer
# checks option values with pydantic, whose import and schemas cost more than starting
# Python, and importing Typer alone costs about as much; so the plain form of that command
# line is recognised here and run directly. Any other form (help, a typo, a value Typer would
# reject) goes to Typer.
_BATCH_GLOBAL = {"--home": "home"}
_BATCH_MATCH = {"--jsonl": "jsonl", "--keywords": "keywords", "--jobs": "jobs"}


def _batch_options(args: list[str]) -> dict[str, Any] | None:
    """The options of ``[--home D] [-v…] match --jsonl F [--keywords K] [--jobs N]``, in any
    order, or None for any other command line."""
    found: dict[str, Any] = {"verbose": 0}
    allowed = _BATCH_GLOBAL
    rest = iter(args)
    for arg in rest:
        if allowed is _BATCH_GLOBAL and arg == "match":
            allowed = _BATCH_MATCH
            continue
        if allowed is _BATCH_GLOBAL and (arg == "--verbose" or arg.strip("v") == "-"):
            found["verbose"] += 1 if arg == "--verbose" else len(arg) - 1
            continue
        name, equals, value = arg.partition("=")
        if name not in allowed or allowed[name] in found:
            return None
        if not equals:
            value = next(rest, "")
        if not value or (value.startswith("-") and value != "-"):
            return None
        found[allowed[name]] = value
    if allowed is _BATCH_GLOBAL or "jsonl" not in found:
        return None
    jobs = found.get("jobs")
    if jobs is not None and not (jobs.isascii() and jobs.isdigit() and int(jobs) >= 1):
        return None
    return {
        "home": Path(found["home"]) if "home" in found else None,
        "verbose": found["verbose"],
        "jsonl": Path(found["jsonl"]),
        "keywords": Path(found["keywords"]) if "keywords" in found else None,
        "jobs": int(jobs) if jobs is not None else None,
    }


def _run_batch(
    *, home: Path | None, verbose: int, jsonl: Path, keywords: Path | None, jobs: int | None
) -> int:
    """Run ``dumon match --jsonl`` as Typer would: same output, messages and exit codes."""
    from dumon.cli.batch import run_jsonl

    if verbose:  # the batch logs nothing above INFO: spare it importing logging
        log_to_stderr(verbose)
    try:
        return run_jsonl(home=home, keywords=keywords, jsonl=jsonl, jobs=jobs)
    except KeyboardInterrupt:  # as Click: no traceback
        return 130
    except Exception as exc:  # the error boundary, as for the Typer commands
        from dumon.cli.boundary import to_user_error

        error = to_user_error(exc, _batch_desk(home), "match --jsonl")
        print(f"Lỗi: {terminal_line(error.message)}", file=sys.stderr)
        return error.exit_code


def _batch_desk(home: Path | None) -> Path | None:
    from dumon.desk import resolve_home

    try:
        return resolve_home(home).root
    except (DumonError, OSError):
        return None
