"""The Typer app: the top-level group, the global options, and commands built on demand.

Each area registers its commands from its own module (``cli/core.py``, ``cli/match.py``…);
a module is imported only when one of its commands is looked up, so a command does not pay for
the others (Rich, the scan). ``--help`` builds them all to list them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
import typer.main
from typer import _click as click

from dumon.cli import log_to_stderr
from dumon.cli.vietnamese import Context, show_error, use_vietnamese

# Modules that add commands to the app, in help order; each defines `register(app)`.
COMMAND_MODULES = (
    "dumon.cli.core",
    "dumon.cli.match",
    "dumon.cli.digest",
    "dumon.cli.reading",
    "dumon.cli.upkeep",
)
# Each top-level command, in help order, and the modules that build it (`sources` gets
# commands from two). A test checks this against what the modules register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "init": ("dumon.cli.core",),
    "scan": ("dumon.cli.core",),
    "import": ("dumon.cli.core",),
    "rematch": ("dumon.cli.core",),
    "match": ("dumon.cli.match",),
    "digest": ("dumon.cli.digest",),
    "search": ("dumon.cli.reading",),
    "report": ("dumon.cli.reading",),
    "export": ("dumon.cli.reading",),
    "cron": ("dumon.cli.upkeep",),
    "doctor": ("dumon.cli.upkeep",),
    "sources": ("dumon.cli.core", "dumon.cli.upkeep"),
    "keywords": ("dumon.cli.match",),
    "db": ("dumon.cli.upkeep",),
}


class _Registry:
    """Command modules imported on demand, registered once into one staging app."""

    def __init__(self) -> None:
        self.loaded: set[str] = set()
        # Settings that shape how commands are built (help markup) must be the app's own.
        self.staging = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
        self.built: dict[str, click.Command] = {}

    def command(self, name: str) -> click.Command:
        wanted = [m for m in COMMAND_MODULES if m in COMMANDS[name] and m not in self.loaded]
        for module in wanted:  # in COMMAND_MODULES order: `sources` needs core before upkeep
            importlib.import_module(module).register(self.staging)
            self.loaded.add(module)
        if wanted or name not in self.built:
            self.built = dict(typer.main.get_group(self.staging).commands)
        return self.built[name]


_registry = _Registry()


class _LazyCommands(MutableMapping[str, "click.Command"]):
    """The group's commands: every name is known at once, each built when first read."""

    def __init__(self, eager: Mapping[str, click.Command]) -> None:
        self._commands = dict(eager)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._commands:
            if name not in COMMANDS:
                raise KeyError(name)
            command = _registry.command(name)
            use_vietnamese(command)
            self._commands[name] = command
        return self._commands[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self._commands]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _LazyGroup(typer.core.TyperGroup):
    """The top-level group, importing a command's module only when the command is used.

    It also speaks Vietnamese: its help (and its commands', see `use_vietnamese`) uses the
    Vietnamese formatter, and usage errors are shown by `show_error` instead of Click. Its
    `invoke` is the CLI's error boundary (``cli/boundary.py``): whatever a command lets
    escape becomes one "Lỗi: …" line and a documented exit status.
    """

    context_class = Context

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _LazyCommands(self.commands)

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
            from dumon.cli import fail

            raise fail(to_user_error(exc, _desk_root(ctx), " ".join(sys.argv[1:]))) from None


def _desk_root(ctx: click.Context) -> Path | None:
    """The desk of the failed command, if there is one (its database and log are named)."""
    from dumon.desk import resolve_home
    from dumon.errors import DumonError

    try:
        return resolve_home(getattr(ctx.obj, "home", None)).root
    except (DumonError, OSError):
        return None


app = typer.Typer(
    name="dumon",
    cls=_LazyGroup,
    help="dumon — theo dõi báo chí cho Sở Giáo dục và Đào tạo (press monitor).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class State:
    """Options of the callback, shared with the commands through the Typer context."""

    home: Path | None = None
    verbose: int = 0


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
    state.verbose = verbose
    ctx.obj = state
    log_to_stderr(verbose)
