"""Commands ``dumon match`` and ``dumon keywords list|check``: try the matcher by hand.

``match --jsonl`` is also the batch interface (one JSON line out per line in, streamed), so
its start-up must stay light: the matcher and JSON code are imported inside the commands.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from dumon.cli import fail
from dumon.errors import ConfigError, DumonError, QueryError

if TYPE_CHECKING:
    from dumon.matching import Matcher
    from dumon.models import MatchResult

keywords_app = typer.Typer(
    help="Từ khóa: liệt kê và kiểm tra thư mục keywords/.", no_args_is_help=True
)

KeywordsOption = Annotated[
    Path | None,
    typer.Option("--keywords", help="Thư mục từ khóa. Mặc định: keywords/ của thư mục làm việc."),
]


def _keywords_dir(ctx: typer.Context, keywords: Path | None) -> Path:
    if keywords is not None:
        return keywords
    from dumon.desk import resolve_home

    return resolve_home(ctx.obj.home if ctx.obj else None).keywords_dir


def _parse_date(value: str | None, where: str) -> date | datetime | None:
    """An ISO date or datetime; None stays None (the matcher then uses today's names)."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        raise QueryError(
            f"{where}: ngày '{value}' không hợp lệ. Cách sửa: viết YYYY-MM-DD hoặc "
            "YYYY-MM-DDTHH:MM:SS+07:00"
        ) from None


def _result_json(result: MatchResult, item_id: Any = None, full: bool = False) -> dict[str, Any]:
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


_CHUNK = 200  # lines per task when several processes share the work
_EMPTY = ',"edu":false,"local":false,"alert":false,"units":[],"themes":[],"hits":[]}\n'
_worker_matcher: Matcher | None = None  # set in the parent just before the workers fork


def _match_lines(chunk: list[tuple[int, str]], matcher: Matcher | None = None) -> tuple[str, int]:
    """The output lines of a chunk of (line number, input line), and how many were bad."""
    import json

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    match = (matcher or _worker_matcher).match  # type: ignore[union-attr]
    out: list[str] = []
    bad = 0
    for number, line in chunk:
        item_id = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("dòng không phải một đối tượng JSON")
            item_id = item.get("id")
            result = match(
                title=item.get("title") or "",
                summary=item.get("summary") or "",
                body=item.get("body") or "",
                url=item.get("url") or "",
                outlet=item.get("outlet") or "",
                published=_parse_date(item.get("date"), f"dòng {number}"),
            )
        except (ValueError, TypeError, DumonError) as exc:
            bad += 1
            message = exc.message if isinstance(exc, DumonError) else f"dòng {number}: {exc}"
            out.append(dumps({"id": item_id, "error": message}) + "\n")
            continue
        if not result.hits:  # most lines: no need to build and encode a dict
            out.append('{"id":' + dumps(item_id) + _EMPTY)
        else:
            out.append(dumps(_result_json(result, item_id)) + "\n")
    return "".join(out), bad


def _chunks(source: TextIO, size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(source, 1):
        if line.strip():
            chunk.append((number, line))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _run_jsonl(matcher: Matcher, source: TextIO, out: TextIO, jobs: int = 1) -> int:
    """Stream one output line per input line, in order; a bad line gets an error object.
    Returns the number of bad lines. With jobs > 1, forked workers share the matching."""
    import multiprocessing

    global _worker_matcher
    bad = 0
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        _worker_matcher = matcher
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for text, errors in pool.imap(_match_lines, _chunks(source, _CHUNK)):
                    out.write(text)
                    bad += errors
        finally:
            _worker_matcher = None
    else:
        for chunk in _chunks(source, 1):  # line by line: output follows input at once
            text, errors = _match_lines(chunk, matcher)
            out.write(text)
            bad += errors
    out.flush()
    return bad


def _read_page(url: str) -> tuple[str, str]:
    """Fetch an article page: its title and its body text."""
    import asyncio
    import html
    import re

    from dumon.fetch import Fetcher
    from dumon.models import FetchPolicy
    from dumon.pages import decode_html, extract_body

    async def get():
        async with Fetcher(FetchPolicy()) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(get())
    if not result.ok:
        raise QueryError(
            f"không tải được {url}: {result.error}. Cách sửa: kiểm tra địa chỉ và mạng, hoặc lưu "
            "trang rồi dùng --file"
        )
    page = decode_html(result.content, result.headers)
    found = re.search(r"<title[^>]*>(.*?)</title>", page, re.I | re.S)
    title = html.unescape(re.sub(r"\s+", " ", found.group(1))).strip() if found else ""
    body = extract_body(result.content, result.headers, url=result.final_url or url)
    return title, body


def register(app: typer.Typer) -> None:
    app.add_typer(keywords_app, name="keywords")

    @app.command("match")
    def match_command(
        ctx: typer.Context,
        text: Annotated[
            str | None, typer.Option("--text", help="Đoạn văn cần xét (coi là tiêu đề).")
        ] = None,
        file: Annotated[
            Path | None,
            typer.Option(
                "--file", help="Tệp văn bản UTF-8: dòng đầu là tiêu đề, phần còn lại là thân bài."
            ),
        ] = None,
        url: Annotated[str | None, typer.Option("--url", help="Tải trang bài báo rồi xét.")] = None,
        jsonl: Annotated[
            Path | None,
            typer.Option(
                "--jsonl",
                help="Tệp JSON lines (id, title, summary, body, url, outlet, date; '-' là stdin): "
                "in một dòng JSON cho mỗi dòng vào, cùng thứ tự.",
            ),
        ] = None,
        on: Annotated[
            str | None,
            typer.Option("--date", help="Ngày đăng YYYY-MM-DD (tên đơn vị có thời hạn)."),
        ] = None,
        explain_: Annotated[
            bool, typer.Option("--explain", help="Giải thích: từ khóa, vị trí, quy tắc.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
        jobs: Annotated[
            int | None,
            typer.Option(
                "--jobs",
                help="Số tiến trình xét song song với --jsonl. Mặc định: số nhân CPU (tối đa "
                "8); 1 để in từng dòng ngay khi đọc.",
                min=1,
            ),
        ] = None,
        keywords: KeywordsOption = None,
    ) -> None:
        """Xét một bài (hoặc một tệp JSON lines): có phải tin giáo dục, thuộc địa bàn, cần chú ý?"""
        chosen = [
            name
            for name, v in (("--text", text), ("--file", file), ("--url", url), ("--jsonl", jsonl))
            if v
        ]
        if len(chosen) != 1:
            raise fail(
                QueryError(
                    "cần đúng một nguồn văn bản. Cách sửa: dùng một trong --text, --file, "
                    "--url, --jsonl"
                )
            )
        try:
            from dumon.matching import Matcher

            matcher = Matcher.from_folder(_keywords_dir(ctx, keywords))
            if jsonl is not None:
                import sys

                workers = min(jobs or 8, os.cpu_count() or 1, 8)
                out = sys.stdout
                if (out.encoding or "").lower().replace("-", "") != "utf8":
                    out.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]  # cron: C locale
                try:
                    if str(jsonl) == "-":
                        source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig")
                        try:
                            bad = _run_jsonl(matcher, source, out, workers)
                        finally:
                            source.detach()  # leave sys.stdin open
                    else:
                        with jsonl.open(encoding="utf-8-sig") as source:
                            bad = _run_jsonl(matcher, source, out, workers)
                except OSError as exc:
                    raise QueryError(
                        f"không đọc được {jsonl} ({exc.strerror}). Cách sửa: kiểm tra đường dẫn"
                    ) from None
                except UnicodeDecodeError:
                    raise QueryError(
                        f"{'dữ liệu vào (stdin)' if str(jsonl) == '-' else jsonl} không phải văn "
                        "bản UTF-8. Cách sửa: lưu lại tệp với bảng mã UTF-8"
                    ) from None
                if bad:
                    typer.echo(
                        f'Lỗi: {bad} dòng không đọc được (xem các dòng có "error").', err=True
                    )
                    raise typer.Exit(1)
                return
            published = _parse_date(on, "--date")
            fields = {"title": text or ""}
            if file is not None:
                try:
                    content = file.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    raise QueryError(
                        f"không đọc được {file} ({exc}). Cách sửa: dùng tệp văn bản UTF-8"
                    ) from None
                head, _, rest = content.strip().partition("\n")
                fields = {"title": head.strip(), "body": rest.strip()}
            if url is not None:
                title, body = _read_page(url)
                fields = {"title": title, "body": body, "url": url}
            result = matcher.match(published=published, **fields)
        except DumonError as error:
            raise fail(error) from None
        _print_result(result, fields, as_json=as_json, full=explain_)

    @keywords_app.command("list")
    def keywords_list(
        ctx: typer.Context,
        as_json: Annotated[
            bool, typer.Option("--json", help="In một mảng JSON {kind, key, term}.")
        ] = False,
        keywords: KeywordsOption = None,
    ) -> None:
        """Liệt kê mọi cách viết được tìm (đã mở rộng viết tắt)."""
        try:
            from dumon.matching import Matcher

            terms = Matcher.from_folder(_keywords_dir(ctx, keywords)).terms()
        except DumonError as error:
            raise fail(error) from None
        if as_json:
            import json

            rows = [{"kind": t.kind, "key": t.label, "term": t.text} for t in terms]
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for t in terms:
            typer.echo(f"{t.kind}\t{t.label}\t{t.text}")

    @keywords_app.command("check")
    def keywords_check(ctx: typer.Context, keywords: KeywordsOption = None) -> None:
        """Kiểm tra thư mục từ khóa. Mã thoát 2 khi có lỗi (tên tệp, dòng, cách sửa)."""
        from dumon.keywords import build_terms, lint_keywords, load_keywords

        folder = _keywords_dir(ctx, keywords)
        try:
            profile = load_keywords(folder)
        except ConfigError as error:
            raise fail(error) from None
        problems = lint_keywords(profile)
        for problem in problems:
            typer.echo(str(problem), err=problem.level == "error")
        errors = sum(1 for p in problems if p.level == "error")
        if errors:
            typer.echo(f"Lỗi: {errors} lỗi trong {folder}.", err=True)
            raise typer.Exit(2)
        typer.echo(
            f"Từ khóa hợp lệ ({folder}): {len(profile.units)} đơn vị, {len(profile.places)} địa "
            f"danh, {len(profile.themes)} chủ đề, {len(profile.alerts)} loại sự cố, "
            f"{len(profile.exclusions)} loại trừ; {len(build_terms(profile))} cách viết được tìm"
            + (f"; {len(problems)} cảnh báo." if problems else ".")
        )


def _print_result(
    result: MatchResult, fields: dict[str, str], *, as_json: bool, full: bool
) -> None:
    from dumon.matching import explain

    if as_json:
        import json

        typer.echo(json.dumps(_result_json(result, full=True), ensure_ascii=False, indent=1))
        return
    lines = explain(result, fields)
    if not full:
        lines = lines[: lines.index(next(x for x in lines if x.startswith("Từ khóa tìm thấy")))]
    for line in lines:
        typer.echo(line)
