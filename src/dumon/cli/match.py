"""Commands ``dumon match`` and ``dumon keywords list|check``: try the matcher by hand.

``match --jsonl`` runs the batch engine (``matching/batch.py``), as ``dumon-match`` does.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dumon.errors import QueryError

if TYPE_CHECKING:
    from dumon.verdicts import MatchResult

app = typer.Typer()
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


def _read_page(url: str) -> tuple[str, str]:
    """Fetch an article page: its title and its body text."""
    import asyncio
    import html
    import re
    from urllib.parse import urlsplit

    from dumon.collecting.bodies import extract_body
    from dumon.collecting.fetch import Fetcher
    from dumon.collecting.pages import decode_html
    from dumon.models import FetchPolicy

    async def get():
        # The page a person names may be on the office network, as a configured source may.
        async with Fetcher(FetchPolicy(), private_hosts=[urlsplit(url).hostname or ""]) as fetcher:
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
        raise QueryError(
            "cần đúng một nguồn văn bản. Cách sửa: dùng một trong --text, --file, --url, --jsonl"
        )
    from dumon.matching.batch import load_matcher, parse_date, run_jsonl

    if jsonl is not None:
        code = run_jsonl(
            home=ctx.obj.home if ctx.obj else None,
            keywords=keywords,
            jsonl=jsonl,
            jobs=jobs,
        )
        if code:
            raise typer.Exit(code)
        return
    matcher = load_matcher(ctx.obj.home if ctx.obj else None, keywords)
    published = parse_date(on, "--date")
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
    from dumon.matching.batch import load_matcher

    terms = load_matcher(ctx.obj.home if ctx.obj else None, keywords).terms()
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
    from dumon.matching.expand import build_terms
    from dumon.matching.keywords import load_keywords
    from dumon.matching.lint import lint_keywords

    folder = _keywords_dir(ctx, keywords)
    profile = load_keywords(folder)
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
    result: "MatchResult", fields: dict[str, str], *, as_json: bool, full: bool
) -> None:
    if as_json:
        import json

        from dumon.matching.batch import result_json

        typer.echo(json.dumps(result_json(result, full=True), ensure_ascii=False, indent=1))
        return
    from dumon.matching import explain

    lines = explain(result, fields)
    if not full:
        lines = lines[: lines.index(next(x for x in lines if x.startswith("Từ khóa tìm thấy")))]
    for line in lines:
        typer.echo(line)
