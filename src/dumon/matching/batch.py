"""Matching JSON lines as a batch: one JSON line out per line in, in order.

The engine behind ``dumon-match`` (``python -m dumon.batch``, the entry point for other
programs) and ``dumon match --jsonl``. Other programs start it once per batch, so its start-up
is part of every batch: it imports no command-line framework and nothing it does not use.
Lines are shared between forked processes a block at a time.
"""

from __future__ import annotations

import codecs
import functools
import gc
import io
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from json.encoder import encode_basestring
from pathlib import Path

from dumon.desk import resolve_home
from dumon.errors import DeskError, DumonError, QueryError
from dumon.matching.matcher import Matcher
from dumon.vntime import parse_moment

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see docs)
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

    from dumon.verdicts import MatchResult


def load_matcher(home: Path | None, keywords: Path | None) -> Matcher:
    """The compiled profile, through the desk's cache when there is a desk to keep it in."""
    try:
        desk = resolve_home(home)
    except DeskError:
        if keywords is None:
            raise
        return Matcher.from_folder(keywords)  # --keywords without a desk: compiled every time
    folder = keywords if keywords is not None else desk.keywords_dir
    return Matcher.from_folder(folder, cache_dir=desk.cache_dir)


def run_jsonl(*, home: Path | None, keywords: Path | None, jsonl: Path, jobs: int | None) -> int:
    """Match every line of the file ('-' is stdin) onto stdout.

    Returns the exit code (1 when some lines could not be read); raises DumonError.
    """
    collecting = gc.isenabled()
    gc.disable()  # loading makes thousands of objects and no garbage: nothing to look for
    try:
        matcher = load_matcher(home, keywords)
    finally:
        if collecting:
            gc.enable()
    # What exists now (modules, the profile) lives as long as the run: left out of every
    # collection from here on, and shared with forked copies rather than copied by them.
    gc.freeze()
    try:
        return _run_jsonl(matcher, jsonl, jobs)
    finally:
        gc.unfreeze()


def _run_jsonl(matcher: Matcher, jsonl: Path, jobs: int | None) -> int:
    workers = min(jobs or 8, _cpus(), 8)
    out = sys.stdout
    if (out.encoding or "").lower().replace("-", "") != "utf8" and isinstance(
        out, io.TextIOWrapper
    ):
        out.reconfigure(encoding="utf-8")  # cron runs with the C locale
    if not hasattr(os, "fork"):
        workers = 1
    try:
        if str(jsonl) == "-":
            bad = _run(matcher, sys.stdin.buffer, out, workers)
        else:
            with jsonl.open("rb") as binary:
                bad = _run(matcher, binary, out, workers)
    except OSError as exc:
        raise QueryError(
            f"không đọc được {jsonl} ({exc.strerror}). Cách sửa: kiểm tra đường dẫn"
        ) from None
    except (UnicodeDecodeError, _NotUtf8):
        raise QueryError(
            f"{'dữ liệu vào (stdin)' if str(jsonl) == '-' else jsonl} không phải văn "
            "bản UTF-8. Cách sửa: lưu lại tệp với bảng mã UTF-8"
        ) from None
    if bad:
        print(f'Lỗi: {bad} dòng không đọc được (xem các dòng có "error").', file=sys.stderr)
        return 1
    return 0


def parse_date(value: str | None, where: str | int) -> date | datetime | None:
    """An ISO date or datetime; None stays None (the matcher then uses today's names).
    ``where`` is the option, or the number of the input line (named only on error)."""
    if value is None or value == "":
        return None
    try:
        moment = parse_moment(value)
        return moment.day if moment.bare_date else moment.at
    except (ValueError, TypeError, AttributeError):
        if isinstance(where, int):
            where = f"dòng {where}"
        raise QueryError(
            f"{where}: ngày '{value}' không hợp lệ. Cách sửa: viết YYYY-MM-DD hoặc "
            "YYYY-MM-DDTHH:MM:SS+07:00"
        ) from None


def result_json(result: MatchResult, item_id: Any = None, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {} if item_id is None and full else {"id": item_id}
    out.update(
        edu=result.edu,
        local=result.local,
        alert=result.alert,
        units=list(result.units),
        themes=list(result.themes),
    )
    if full:
        out.update(severity=result.severity, alerts=list(result.alerts))
    out["hits"] = [
        {
            "kind": h.kind,
            "key": h.key,
            "term": h.term,
            "field": h.field,
            "start": h.start,
            "end": h.end,
            "score": h.score,
        }
        for h in result.hits
    ]
    if full:
        out["rules"] = list(result.rules)
    return out


_EMPTY = ',"edu":false,"local":false,"alert":false,"units":[],"themes":[],"hits":[]}\n'
_BLOCK_BYTES = 32_000_000  # input read before it is shared out between processes
_READ_BYTES = 1_000_000  # at most this much input matched at once by a single process
_MIN_SHARE_BYTES = 200_000  # less input per process than this is not worth a fork
_SHARES_PER_PROCESS = 4  # so that a process on a busy CPU can leave some of its part


@functools.cache
def _json() -> tuple[Callable[[str], Any], Callable[[Any], str]]:
    """JSON in and out, made once. A line is read by the C scanner itself when it is one
    value and nothing more: ``json.loads`` costs three Python calls around it, a fair part
    of a line without hits. Anything else goes to ``json.loads``, for its errors."""
    import json

    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner
    loads = json.loads

    def parse(line: str) -> Any:
        try:
            value, end = scan(line, 0)
        except StopIteration:  # leading space, a BOM, not JSON
            return loads(line)
        return value if end == len(line) or not line[end:].strip() else loads(line)

    return parse, json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _match_lines(chunk: list[tuple[int, str]], matcher: Matcher) -> tuple[str, int]:
    """The output lines of a chunk of (line number, input line), and how many were bad."""
    loads, dumps = _json()
    match = matcher.match
    out: list[str] = []
    bad = 0
    for number, line in chunk:
        item_id = None
        try:
            item = loads(line)
            if not isinstance(item, dict):
                raise ValueError("dòng không phải một đối tượng JSON")
            item_id = item.get("id")
            title = item.get("title") or ""
            summary = item.get("summary") or ""
            body = item.get("body") or ""
            url = item.get("url") or ""
            outlet = item.get("outlet") or ""
            if not type(title) is type(summary) is type(body) is type(url) is type(outlet) is str:
                raise _not_text(item, number)
            result = match(
                title=title,
                summary=summary,
                body=body,
                url=url,
                outlet=outlet,
                published=parse_date(item.get("date"), number),
            )
        except (ValueError, TypeError, OverflowError, RecursionError, DumonError) as exc:
            # One line's problem is that line's error; the other lines go on.
            bad += 1
            message = exc.message if isinstance(exc, DumonError) else f"dòng {number}: {exc}"
            out.append(dumps({"id": item_id, "error": message}) + "\n")
            continue
        if not result.hits:  # most lines: no need to build and encode a dict
            out.append('{"id":' + dumps(item_id) + _EMPTY)
        else:
            out.append(_result_line(result, dumps(item_id)))
    return "".join(out), bad


def _not_text(item: dict[str, Any], number: int) -> QueryError:
    """The error of a line with a text field that is not a string (nor null)."""
    fields = ("title", "summary", "body", "url", "outlet")
    field = next(f for f in fields if not isinstance(item.get(f) or "", str))
    return QueryError(
        f"dòng {number}: '{field}' phải là chuỗi văn bản hoặc null. Cách sửa: viết giá trị "
        "trong dấu ngoặc kép"
    )


_BOOL = {True: "true", False: "false"}


def _result_line(result: MatchResult, id_json: str) -> str:
    """``dumps(result_json(result, item_id)) + "\\n"``, written out: building and encoding
    the dicts costs more than matching a line with hits. Strings go through the JSON
    module's own escaping; a score's repr is what JSON writes for a float."""
    text = encode_basestring
    hits = ",".join(
        [
            f'{{"kind":{text(h.kind)},"key":{text(h.key)},"term":{text(h.term)},'
            f'"field":{text(h.field)},"start":{h.start},"end":{h.end},"score":{h.score!r}}}'
            for h in result.hits
        ]
    )
    return (
        f'{{"id":{id_json},"edu":{_BOOL[result.edu]},"local":{_BOOL[result.local]},'
        f'"alert":{_BOOL[result.alert]},"units":[{",".join(map(text, result.units))}],'
        f'"themes":[{",".join(map(text, result.themes))}],"hits":[{hits}]}}\n'
    )


def _cpus() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _run(matcher: Matcher, binary: BinaryIO, out: TextIO, jobs: int) -> int:
    """Match the input a block at a time; returns the number of bad lines.

    One process takes whatever input is there when it is ready (a program that writes a
    line and waits for its answer gets it at once; a full pipe gives many lines, matched
    together). Forked copies share blocks of up to _BLOCK_BYTES, read whole: the block stays
    bytes until each process decodes its own share, since decoding is most of the cost of
    reading and done here it would keep the other processes waiting.
    """
    bad = 0
    lines_before = 0
    for data in _blocks(binary, _BLOCK_BYTES if jobs > 1 else _READ_BYTES, whole=jobs > 1):
        bad += _match_block(matcher, data, lines_before, out, jobs)
        out.flush()  # a program waiting for these lines gets them now
        lines_before += data.count(b"\n")
    return bad


def _blocks(binary: BinaryIO, size: int, *, whole: bool) -> Iterator[bytes]:
    """The input in blocks of whole lines, as a text reader would see it: a UTF-8 BOM
    dropped, CR LF and a lone CR made LF. ``whole``: blocks of ``size`` bytes (waiting
    for them); else whatever input is there, up to ``size``. A line longer than ``size``
    is gathered in a bytearray, so it costs its length once, not once per read."""
    read = binary.read if whole or not isinstance(binary, io.BufferedReader) else binary.read1
    bom = codecs.BOM_UTF8
    pending = bytearray()
    first = True
    while data := read(size):
        if first:
            pending += data
            if bom.startswith(pending):  # too short to tell yet
                continue
            first = False
            data = bytes(pending[len(bom) :] if pending.startswith(bom) else pending)
            pending.clear()
        # After the last line end; a CR at the very end may be half of a CR LF.
        end = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
        if end == 0:  # no line ends here yet
            pending += data
            continue
        block = bytes(pending) + data[:end] if pending else data[:end]
        pending = bytearray(data[end:])
        yield _newlines(block)
    if pending and not (first and bom.startswith(pending)):
        yield _newlines(bytes(pending))


def _newlines(data: bytes) -> bytes:
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


class _NotUtf8(Exception):
    """A share of the input could not be decoded (told by the process that matched it)."""


def _numbered(data: bytes, lines_before: int) -> list[tuple[int, str]]:
    """The non-blank lines of a share, numbered as lines of the whole input."""
    lines = data.decode("utf-8").split("\n")
    return [(n, line) for n, line in enumerate(lines, lines_before + 1) if line.strip()]


def _match_block(matcher: Matcher, data: bytes, lines_before: int, out: TextIO, jobs: int) -> int:
    """Match a block in up to ``jobs`` processes and write the lines in input order.

    The block is cut into several shares per process, and each process takes the next share
    left (a byte read from a pipe) whenever it is free: a process on a busy CPU takes fewer,
    so one slow CPU does not hold the block up. Forked, not spawned: a fork starts at once
    with the compiled profile and the block in memory, and this command holds no lock or
    socket a child could inherit. Each share's lines go to an unlinked temporary file;
    children leave with ``os._exit``, so nothing of the parent (buffers, exit handlers) runs
    twice.
    """
    import signal
    import tempfile
    from contextlib import ExitStack

    workers = max(1, min(jobs, len(data) // _MIN_SHARE_BYTES))
    if workers == 1:
        text, bad = _match_lines(_numbered(data, lines_before), matcher)
        out.write(text)
        return bad
    shares = min(workers * _SHARES_PER_PROCESS, len(data) // _MIN_SHARE_BYTES, 255)
    bounds = [0]
    for i in range(1, shares):
        cut = data.find(b"\n", max(bounds[-1], len(data) * i // shares)) + 1
        bounds.append(cut or len(data))
    bounds.append(len(data))
    out.flush()  # a child must not inherit unwritten output
    claims, offer = os.pipe()
    os.write(offer, bytes(range(shares)))  # fewer than 256 bytes: never blocks
    os.close(offer)
    running: set[int] = set()
    with ExitStack() as stack:
        stack.callback(os.close, claims)
        spools = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(shares)]
        try:
            for _ in range(1, workers):
                pid = os.fork()
                if pid == 0:  # the child
                    status = 1
                    try:
                        _take_shares(matcher, data, bounds, lines_before, spools, claims)
                        status = 0
                    except Exception:
                        import traceback

                        traceback.print_exc()
                    finally:
                        os._exit(status)
                running.add(pid)
            _take_shares(matcher, data, bounds, lines_before, spools, claims)
            for pid in sorted(running):
                _, status = os.waitpid(pid, 0)
                running.discard(pid)
                if status != 0:
                    raise RuntimeError(f"a matching process failed (wait status {status})")
            bad = 0
            for spool in spools:
                spool.seek(0)
                errors, _, text = spool.read().decode().partition("\n")
                if errors == "utf-8":
                    raise _NotUtf8
                out.write(text)
                bad += int(errors)
        finally:
            for pid in running:  # only when this process is failing: leave no child behind
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    return bad


def _take_shares(
    matcher: Matcher,
    data: bytes,
    bounds: list[int],
    lines_before: int,
    spools: list[Any],
    claims: int,
) -> None:
    """Match the shares of a block this process claims, until none is left; each share's
    spool gets its number of bad lines, then its output lines."""
    while claimed := os.read(claims, 1):
        i = claimed[0]
        before = lines_before + data.count(b"\n", 0, bounds[i])
        try:
            text, errors = _match_lines(_numbered(data[bounds[i] : bounds[i + 1]], before), matcher)
            spools[i].write(f"{errors}\n{text}".encode())
        except UnicodeDecodeError:
            spools[i].write(b"utf-8\n")
        spools[i].flush()
