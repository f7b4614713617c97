"""Scheduled runs: the rotating log under the desk's ``logs/`` and the wrapper cron calls.

``python -m dumon.runlog scan`` runs ``dumon scan`` exactly as the CLI does, but appends
everything the command logs and prints to ``logs/dumon.log`` (1 MB per file, 5 old files kept:
a school year of scans fits, and the disk never fills). Interactive commands do not write
the log; scheduled runs (``dumon cron``) always do.

The wrapper stays quiet when all went as expected, so cron mails nothing: status 0, status 4
(the previous run still holds the lock — normal when runs overlap) and, for a scan, status 1
(some sources failed; health tracks them and the digest's annex reports them). Any other
status prints the captured output on stderr, which cron mails where mail is configured, and
the log's path: a crash (status 70) or a database or disk that cannot be used (status 5) is
never silent. When the log itself cannot be written (a full or read-only disk), everything
is printed.
"""

from __future__ import annotations

import io
import logging
import sys
from contextlib import redirect_stderr, redirect_stdout
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "dumon.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
QUIET_STATUSES = {"scan": {0, 1, 4}}
QUIET_DEFAULT = {0, 4}

log = logging.getLogger("dumon.runlog")  # also when run as __main__


def attach(root: Path, *, level: int = logging.INFO) -> logging.Handler:
    """Send the `dumon` loggers to the desk's rotating log file."""
    folder = root / "logs"
    folder.mkdir(exist_ok=True)
    handler = RotatingFileHandler(
        folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    logger = logging.getLogger("dumon")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def run_logged(argv: list[str]) -> int:
    """Run one dumon command with its output and logs appended to the desk's log."""
    from dumon.boundary import to_user_error
    from dumon.cli import app
    from dumon.desk import resolve_home
    from dumon.errors import DumonError

    try:
        desk = resolve_home(None)
    except DumonError as error:
        sys.stderr.write(f"Lỗi: {error.message}\n")
        return error.exit_code
    log_path: Path | None = desk.logs_dir / LOG_NAME
    try:
        handler: logging.Handler = attach(desk.root)
    except OSError as exc:  # nowhere to keep the log: cron mails all there is instead
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        logging.getLogger("dumon").addHandler(handler)
        sys.stderr.write(f"Lưu ý: không ghi được nhật ký {log_path} ({exc.strerror}).\n")
        log_path = None
    logging.getLogger("dumon").propagate = False  # the file has them; keep them out of stdout
    command = " ".join(argv)
    log.info("start: dumon %s", command)
    captured = io.StringIO()
    status = 0
    try:
        with redirect_stdout(captured), redirect_stderr(captured):
            try:
                app(args=argv, prog_name="dumon")
            except SystemExit as done:
                status = done.code if isinstance(done.code, int) else (0 if not done.code else 1)
            except Exception as exc:  # a crash must reach the log, not vanish with cron's output
                crash = to_user_error(exc, desk.root, command)
                captured.write(f"Lỗi: {crash.message}\n")
                status = crash.exit_code
        for line in captured.getvalue().splitlines():
            if line.strip():
                log.info("| %s", line)
        log.info("end: dumon %s → status %d", command, status)
    finally:
        logging.getLogger("dumon").removeHandler(handler)
        logging.getLogger("dumon").propagate = True
        handler.close()
    quiet = QUIET_STATUSES.get(argv[0] if argv else "", QUIET_DEFAULT)
    if status not in quiet or log_path is None:
        sys.stderr.write(captured.getvalue())
    if status not in quiet and log_path is not None:
        sys.stderr.write(f"Nhật ký: {log_path}\n")
    return status


if __name__ == "__main__":
    sys.exit(run_logged(sys.argv[1:]))
