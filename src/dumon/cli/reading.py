"""Commands that read past coverage: search, report, export."""

import logging
from pathlib import Path
from typing import Annotated

import typer

from dumon.desk import resolve_home
from dumon.errors import DeskError, DumonError, QueryError

app = typer.Typer()


def _open_db(ctx: typer.Context):
    """The desk's database, read-only; it must already exist (reading never creates one)."""
    from dumon.storage.sqlitefile import open_reader

    desk = resolve_home(ctx.obj.home)
    if not desk.db_path.is_file():
        raise DeskError(
            f"Chưa có cơ sở dữ liệu {desk.db_path}. Cách sửa: chạy `dumon scan` hoặc "
            "`dumon import` trước, hoặc chỉ đúng thư mục làm việc bằng --home."
        )
    return open_reader(desk.db_path)


def _keywords_dir(ctx: typer.Context) -> Path:
    return resolve_home(ctx.obj.home).keywords_dir


def _unit_filter(ctx: typer.Context, filters, *, registry=None):
    """The filters with --unit resolved in the desk's registry (any name, accent-insensitive,
    preferring the unit in force during the period); unchanged when it names no unit there,
    so the stored names are searched. Returns the filters and the other units it fits."""
    import dataclasses

    from dumon.matching.registry import load_registry

    if not filters.unit:
        return filters, ()
    registry = registry or load_registry(_keywords_dir(ctx))
    start = _day(filters.since)
    end = _day(filters.until)
    choice = registry.choose_unit(filters.unit, start=start, end=end)
    if choice is None:
        return filters, ()
    resolved = dataclasses.replace(filters, unit_names=choice.names, unit_label=choice.unit.name)
    return resolved, tuple(u.name for u in choice.others)


def _settings(desk):
    """The desk's settings; the defaults (and a warning) when settings.yaml is broken, since a
    report can be made without them (`dumon doctor` says what is wrong)."""
    from dumon.settings import Settings, load_settings

    try:
        return load_settings(desk.settings_path)
    except DumonError as error:
        logging.getLogger(__name__).warning("settings.yaml: %s", error.message)
        return Settings()


def _day(iso: str | None):
    from datetime import datetime

    return datetime.fromisoformat(iso).date() if iso else None


def _spreadsheet(output: Path | None) -> bool:
    """A .csv file is for a spreadsheet program: give it the byte-order mark Excel needs."""
    return output is not None and output.suffix.lower() == ".csv"


def _write(text: str, output: Path | None, *, bom: bool = False) -> None:
    """Write to the file, or to stdout; `bom` starts UTF-8 text with a byte-order mark, so
    Excel on Windows reads Vietnamese instead of mojibake."""
    if output is None:
        if bom:
            import sys

            sys.stdout.flush()
            sys.stdout.buffer.write(("\ufeff" + text).encode("utf-8"))
            sys.stdout.buffer.flush()
            return
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    except OSError as exc:
        raise QueryError(
            f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục có quyền ghi."
        ) from None
    typer.echo(f"Đã ghi {output}.", err=True)


Since = Annotated[
    str | None, typer.Option("--since", help="Từ ngày/giờ (YYYY-MM-DD hoặc ISO 8601).")
]
Until = Annotated[
    str | None, typer.Option("--until", help="Đến hết ngày/giờ (YYYY-MM-DD hoặc ISO 8601).")
]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit", help="Chỉ bài nhắc đơn vị này (bất kỳ tên nào của đơn vị, không dấu cũng được)."
    ),
]
ThemeOption = Annotated[
    str | None, typer.Option("--theme", help="Chỉ bài thuộc chủ đề này (tên hoặc mã).")
]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Chỉ bài của cơ quan báo này.")]
AlertsOption = Annotated[bool, typer.Option("--alerts", help="Chỉ bài cần lưu ý.")]
LocalOption = Annotated[bool, typer.Option("--local", help="Chỉ bài về địa phương.")]
EduOption = Annotated[bool, typer.Option("--edu", help="Chỉ tin giáo dục.")]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV cho Excel: thêm dấu BOM để Excel trên Windows đọc đúng tiếng Việt (tệp .csv "
        "tự có).",
    ),
]


def _reading_filters(since, until, unit, theme, outlet, alerts, local, edu):
    """The filters shared by search and export."""
    from dumon.output import search

    return search.Filters(
        since=search.parse_bound(since),
        until=search.parse_bound(until, end=True),
        unit=unit,
        theme=theme,
        outlet=outlet,
        alerts=alerts,
        local=local,
        edu=edu,
    )


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            help="Câu tìm kiếm: các từ gõ liền nhau được tìm liền nhau, đúng thứ tự (không "
            'dấu cũng được); "cụm từ", tiền tố*, AND/OR/NOT, (ngoặc).'
        ),
    ],
    since: Since = None,
    until: Until = None,
    unit: UnitOption = None,
    theme: ThemeOption = None,
    outlet: OutletOption = None,
    alerts: AlertsOption = False,
    local: LocalOption = False,
    edu: EduOption = False,
    limit: Annotated[int, typer.Option(help="Số bài tối đa.")] = 20,
    order: Annotated[
        str, typer.Option(help="newest (mới nhất trước) hoặc relevance (liên quan nhất).")
    ] = "newest",
    as_json: Annotated[bool, typer.Option("--json", help="In JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="In CSV.")] = False,
    excel: ExcelOption = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
) -> None:
    """Tìm trong các bài đã lưu (không phân biệt có dấu hay không dấu).

    Ví dụ: dumon search tuyen sinh lop 10 --since 2025-09-01 --unit "le hong phong"
    """
    import dataclasses

    from dumon.matching.registry import theme_names
    from dumon.output import search
    from dumon.render import console, search_view
    from dumon.storage import query as query_language

    text = " ".join(query)
    filters = _reading_filters(since, until, unit, theme, outlet, alerts, local, edu)
    if as_json and (as_csv or excel):
        raise QueryError("Chỉ chọn một trong --json và --csv. Cách sửa: bỏ một tùy chọn.")
    query_language.compile_query(text)  # bad syntax is reported before opening the db
    db = _open_db(ctx)
    try:
        filters, also_units = _unit_filter(ctx, filters)
        result = search.search(
            db,
            text,
            filters=filters,
            limit=limit,
            order=order,
            theme_names=theme_names(_keywords_dir(ctx)),
        )
    finally:
        db.close()
    result = dataclasses.replace(result, also_units=also_units)
    if as_json:
        _write(search_view.search_json(result), output)
    elif as_csv or excel:
        _write(search_view.search_csv(result), output, bom=excel or _spreadsheet(output))
    elif output is not None or not console().is_terminal:
        _write(search_view.search_text(result), output)
    else:
        search_view.print_search(console(), result)


@app.command("report")
def report_command(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD), dùng cùng --to.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Đến hết ngày (YYYY-MM-DD).")] = None,
    period: Annotated[
        str | None,
        typer.Option(help="week (tuần này), month (tháng này) hoặc school-year (năm học này)."),
    ] = None,
    school_year: Annotated[
        str | None, typer.Option("--school-year", help="Năm học, ví dụ 2025-2026.")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(help="Chỉ một đơn vị (một phần tên, không dấu cũng được)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="terminal, text, json, html hoặc png.")
    ] = "terminal",
    top: Annotated[int, typer.Option(help="Số tin nổi bật.")] = 10,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
) -> None:
    """Báo cáo thông tin báo chí trong một khoảng thời gian (mặc định: tháng này).

    Ví dụ: dumon report --school-year 2025-2026 --unit "le hong phong" --format html -o bc.html
    """
    from dumon.matching.registry import load_registry
    from dumon.output import periods, report
    from dumon.render import console, report_view

    formats = ("terminal", "text", "json", "html", "png")
    if fmt not in formats:
        raise QueryError(
            f"Không có định dạng '{fmt}'. Cách sửa: dùng một trong {', '.join(formats)}."
        )
    if fmt == "png" and output is None:
        raise QueryError("Ảnh PNG cần tệp đích. Cách sửa: thêm -o bao-cao.png.")
    chosen = periods.resolve_period(
        start=start, end=end, preset=period, school_year_spec=school_year
    )
    desk = resolve_home(ctx.obj.home)
    settings = _settings(desk)
    registry = load_registry(desk.keywords_dir)
    from dumon.output.incident_build import ensure_current

    ensure_current(desk)  # the period's incidents, up to date
    db = _open_db(ctx)
    try:
        tiers = report.tier_map(
            db, report.configured_sources(desk), overrides=settings.outlet_tiers
        )
        result = report.build_report(
            db,
            chosen,
            unit=unit,
            top=top,
            registry=registry,
            tiers=tiers,
            incident_rules=settings.incidents,
        )
    finally:
        db.close()
    if fmt == "json":
        _write(report_view.report_json(result) + "\n", output)
    elif fmt == "html":
        from dumon.render.report_html import report_html

        _write(report_html(result, department=settings.department), output)
    elif fmt == "png" and output is not None:  # (checked above: PNG needs a file)
        from dumon.render.report_png import report_png

        try:
            output.write_bytes(report_png(result))
        except OSError as exc:
            raise QueryError(
                f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục có quyền ghi."
            ) from None
        typer.echo(f"Đã ghi {output}.", err=True)
    elif fmt == "text" or output is not None or not console().is_terminal:
        _write(report_view.report_text(result), output)
    else:
        report_view.print_report(console(), result)


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv hoặc jsonl.")] = "jsonl",
    start: Annotated[str | None, typer.Option("--from", help="Từ ngày (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Đến hết ngày (YYYY-MM-DD).")] = None,
    unit: UnitOption = None,
    theme: ThemeOption = None,
    outlet: OutletOption = None,
    alerts: AlertsOption = False,
    local: LocalOption = False,
    edu: EduOption = False,
    excel: ExcelOption = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi ra tệp.")] = None,
) -> None:
    """Xuất các bài đã lưu và kết quả khớp từ khóa của chúng (CSV hoặc JSON lines).

    Không nêu --from/--to thì xuất tất cả; các bộ lọc như `dumon search`. Tệp .csv có dấu
    BOM để Excel đọc đúng tiếng Việt. Tệp JSON lines nhập lại được bằng `dumon import`.
    """
    import sys

    from dumon.output import export

    filters = _reading_filters(start, end, unit, theme, outlet, alerts, local, edu)
    if fmt not in export.FORMATS:
        raise QueryError(f"Không có định dạng xuất '{fmt}'. Cách sửa: dùng csv hoặc jsonl.")
    if excel and fmt != "csv":
        raise QueryError("--excel chỉ dùng với --format csv. Cách sửa: thêm --format csv.")
    bom = fmt == "csv" and (excel or _spreadsheet(output))
    db = _open_db(ctx)
    try:
        filters, _ = _unit_filter(ctx, filters)
        since, until = filters.since, filters.until
        if output is None:
            if bom:
                sys.stdout.write("\ufeff")
            summary = export.export(
                db, sys.stdout, fmt=fmt, since=since, until=until, filters=filters
            )
        else:
            try:
                encoding = "utf-8-sig" if bom else "utf-8"
                with output.open("w", encoding=encoding, newline="") as handle:
                    summary = export.export(
                        db, handle, fmt=fmt, since=since, until=until, filters=filters
                    )
            except OSError as exc:
                raise QueryError(
                    f"Không ghi được tệp {output}: {exc.strerror}. Cách sửa: chọn thư mục "
                    "có quyền ghi."
                ) from None
    finally:
        db.close()
    typer.echo(f"Đã xuất {summary.articles} bài, {summary.hits} kết quả khớp.", err=True)
