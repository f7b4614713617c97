"""The schema history. Append-only: never edit a migration that has shipped.

Each migration runs in one transaction together with its bookkeeping row, so a crash
during an upgrade leaves the previous schema intact. Applied on every open. The transaction
takes the write lock before it reads what is applied, so two processes opening a new
database at once apply each migration once (the second waits, then finds it done).

Why ~500 lines: the file is the schema's history, read top to bottom in the order it is
applied; a migration is never changed once shipped, so nothing here is edited but the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS_TABLE = "_dumon_migrations"
_MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    _MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("sources").create(
        {
            "name": str,
            "url": str,
            "kind": str,
            "outlet": str,
            "tier": str,
            "etag": str,
            "last_modified": str,
            "last_attempt": str,
            "last_success": str,
            "last_new_article": str,
            "consecutive_failures": int,
            "failure_score": float,
            "status": str,
            "last_error": str,
            "last_error_kind": str,
            "failing_since": str,
            "disabled_at": str,
            "items_last": int,
        },
        pk="name",
        defaults={"consecutive_failures": 0, "failure_score": 0.0, "status": "new"},
    )
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "title": str,
            "summary": str,
            "body": str,
            "outlet": str,
            "source": str,
            "published": str,
            "first_seen": str,
            "content_hash": str,
            "story_key": str,
            "edu": int,
            "local": int,
            "alert": int,
            "severity": int,
            "units": str,
            "themes": str,
            "folded": str,
            "external_id": str,
        },
        pk="id",
        not_null={"url", "title", "first_seen"},
        defaults={"edu": 0, "local": 0, "alert": 0, "severity": 0, "units": "[]", "themes": "[]"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["published"])
    db.table("articles").create_index(["first_seen"])
    db.table("articles").create_index(["outlet", "published"])
    db.table("hits").create(
        {
            "id": int,
            "article_id": int,
            "kind": str,
            "key": str,
            "term": str,
            "field": str,
            "start": int,
            "end": int,
            "score": float,
            "folded": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("hits").create_index(["article_id"])
    db.table("hits").create_index(["kind", "key"])
    db.table("runs").create(
        {"id": int, "started": str, "finished": str, "status": str, "pid": int, "sources": int},
        pk="id",
    )
    db.table("run_sources").create(
        {
            "run_id": int,
            "source": str,
            "status": str,
            "error": str,
            "error_kind": str,
            "http_status": int,
            "items": int,
            "articles_new": int,
            "hits_new": int,
            "elapsed": float,
        },
        pk=("run_id", "source"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    # Accent-sensitive tokens over the text as written, plus the application-folded copy for
    # accent-less queries: FTS5 never folds đ (docs/measured.md).
    db.table("articles").enable_fts(
        ["title", "summary", "body", "folded"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 0",
    )


def applied(db: sqlite_utils.Database) -> list[str]:
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row["name"] for row in db[MIGRATIONS_TABLE].rows_where(order_by="rowid")]


def pending(db: sqlite_utils.Database) -> list[str]:
    done = set(applied(db))
    return [name for name, _ in _MIGRATIONS if name not in done]


def latest() -> str:
    return _MIGRATIONS[-1][0]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply what is pending; return the names applied."""
    if not pending(db):  # the usual case: a read, no lock
        return []
    ran = []
    for name, fn in _MIGRATIONS:
        db.conn.execute("BEGIN IMMEDIATE")  # the write lock first (waits out busy_timeout)
        try:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS [{MIGRATIONS_TABLE}] "
                "([name] TEXT PRIMARY KEY, [applied] TEXT)"
            )
            if name not in applied(db):
                fn(db)
                db.table(MIGRATIONS_TABLE).insert(
                    {"name": name, "applied": datetime.now(UTC).isoformat()}
                )
                ran.append(name)
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    return ran


@migration
def m002_reading_aggregates(db: sqlite_utils.Database) -> None:
    """What search filters and coverage reports read instead of scanning a year of articles.

    - ``article_tags``: one row per unit and per theme of each article (from the JSON columns),
      so filtering by unit or theme is an index range, not JSON parsing of every row.
    - ``coverage``: article counts per day, outlet, source, alert, local, units and themes,
      so a school year's report sums thousands of rows instead of reading 500,000.
    - a partial index of the local or alert articles by date (the report's top stories).
    Triggers keep both tables in step with ``articles`` (insert, rematch update, delete).
    """
    key = (
        "substr(coalesce({r}.published, ''), 1, 10), coalesce({r}.outlet, ''), "
        "coalesce({r}.source, ''), {r}.alert, {r}.local, coalesce({r}.units, '[]'), "
        "coalesce({r}.themes, '[]')"
    )
    tags = (
        "insert into article_tags (article_id, kind, name, published) "
        "select {r}.id, 'unit', value, {r}.published from json_each(coalesce({r}.units, '[]')) "
        "union all select {r}.id, 'theme', value, {r}.published "
        "from json_each(coalesce({r}.themes, '[]'));"
    )
    add = (
        "insert into coverage (day, outlet, source, alert, local, units, themes, n) "
        f"values ({key}, 1) on conflict (day, outlet, source, alert, local, units, themes) "
        "do update set n = n + 1;"
    )
    remove = (
        "update coverage set n = n - 1 where (day, outlet, source, alert, local, units, themes)"
        f" = ({key}); delete from coverage where n <= 0;"
    )
    statements = [
        """create table article_tags (
            article_id integer not null references articles(id),
            kind text not null,
            name text not null,
            published text
        )""",
        "create index idx_article_tags_name on article_tags (kind, name, published)",
        "create index idx_article_tags_article on article_tags (article_id)",
        """create table coverage (
            day text not null, outlet text not null, source text not null,
            alert integer not null, local integer not null, units text not null,
            themes text not null, n integer not null,
            primary key (day, outlet, source, alert, local, units, themes)
        )""",
        "create index idx_articles_notable on articles (published) where local = 1 or alert = 1",
        """insert into article_tags (article_id, kind, name, published)
            select a.id, 'unit', j.value, a.published from articles a, json_each(a.units) j
            where a.units != '[]'
            union all
            select a.id, 'theme', j.value, a.published from articles a, json_each(a.themes) j
            where a.themes != '[]'""",
        "insert into coverage (day, outlet, source, alert, local, units, themes, n) "
        f"select {key.format(r='a')}, count(*) from articles a group by 1, 2, 3, 4, 5, 6, 7",
        "create trigger articles_reading_ai after insert on articles begin "
        f"{tags.format(r='new')} {add.format(r='new')} end",
        "create trigger articles_reading_ad after delete on articles begin "
        f"delete from article_tags where article_id = old.id; {remove.format(r='old')} end",
        "create trigger articles_reading_au after update of units, themes, alert, local, "
        "published, outlet, source on articles begin "
        "delete from article_tags where article_id = old.id; "
        f"{tags.format(r='new')} {remove.format(r='old')} {add.format(r='new')} end",
    ]
    # One statement at a time: executescript would commit the migration's transaction.
    for statement in statements:
        db.execute(statement)


@migration
def m003_undated_articles_index(db: sqlite_utils.Database) -> None:
    """The articles without a publication time, by the time first seen: the digest's window
    reads them from here, so neither a bulk import (a million rows first seen today) nor years
    of undated articles make it scan."""
    db.execute("create index idx_articles_undated on articles (first_seen) where published is null")


@migration
def m004_inserts_keep_aggregates_in_batches(db: sqlite_utils.Database) -> None:
    """New articles' ``article_tags`` and ``coverage`` rows are written by ``store_records``,
    one statement per batch, instead of by a trigger per row (a third of the scan's store
    time went to the trigger's JSON parsing and upserts). Update and delete keep their
    triggers. Every insert into ``articles`` goes through ``store.store_records``."""
    db.execute("drop trigger articles_reading_ai")


def _reading_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create the triggers that keep ``article_tags`` and ``coverage`` right on update
    and delete, for the coverage key of m005 (with ``edu``)."""
    key = (
        "substr(coalesce({r}.published, ''), 1, 10), coalesce({r}.outlet, ''), "
        "coalesce({r}.source, ''), {r}.edu, {r}.alert, {r}.local, coalesce({r}.units, '[]'), "
        "coalesce({r}.themes, '[]')"
    )
    columns = "(day, outlet, source, edu, alert, local, units, themes)"
    tags = (
        "insert into article_tags (article_id, kind, name, published) "
        "select {r}.id, 'unit', value, {r}.published from json_each(coalesce({r}.units, '[]')) "
        "union all select {r}.id, 'theme', value, {r}.published "
        "from json_each(coalesce({r}.themes, '[]'));"
    )
    add = (
        f"insert into coverage {columns[:-1]}, n) values ({key}, 1) "
        f"on conflict {columns} do update set n = n + 1;"
    )
    remove = (
        f"update coverage set n = n - 1 where {columns} = ({key}); "
        "delete from coverage where n <= 0;"
    )
    for statement in (
        "drop trigger if exists articles_reading_ad",
        "drop trigger if exists articles_reading_au",
        "create trigger articles_reading_ad after delete on articles begin "
        f"delete from article_tags where article_id = old.id; {remove.format(r='old')} end",
        "create trigger articles_reading_au after update of units, themes, edu, alert, local, "
        "published, outlet, source on articles begin "
        "delete from article_tags where article_id = old.id; "
        f"{tags.format(r='new')} {remove.format(r='old')} {add.format(r='new')} end",
    ):
        db.execute(statement)


@migration
def m005_coverage_counts_education(db: sqlite_utils.Database) -> None:
    """``coverage`` gains ``edu`` in its key: the year-end report counts education stories
    (and each outlet's share of them), not everything an outlet published."""
    # The old triggers name the old table: they go first, or renaming the new one fails.
    db.execute("drop trigger if exists articles_reading_ad")
    db.execute("drop trigger if exists articles_reading_au")
    statements = [
        """create table coverage_edu (
            day text not null, outlet text not null, source text not null, edu integer not null,
            alert integer not null, local integer not null, units text not null,
            themes text not null, n integer not null,
            primary key (day, outlet, source, edu, alert, local, units, themes)
        )""",
        "insert into coverage_edu (day, outlet, source, edu, alert, local, units, themes, n) "
        "select substr(coalesce(published, ''), 1, 10), coalesce(outlet, ''), "
        "coalesce(source, ''), edu, alert, local, coalesce(units, '[]'), "
        "coalesce(themes, '[]'), count(*) from articles group by 1, 2, 3, 4, 5, 6, 7, 8",
        "drop table coverage",
        "alter table coverage_edu rename to coverage",
    ]
    for statement in statements:
        db.execute(statement)
    _reading_triggers(db)


@migration
def m006_one_article_one_row(db: sqlite_utils.Database) -> None:
    """One article is one row, whatever URL it was met under.

    - ``article_key``: the outlet's article number (``urls.article_key``), filled for every
      stored article; a later URL of a known key is not stored (``store.store_records``).
    - an index on the content hash, for reprints: the same text from the same outlet under
      another number is the same article.
    - existing duplicates are removed, keeping the first stored (its hits, tags, coverage
      and index entries go with the others, through the delete triggers).
    - the full-text update trigger now fires only when the text changes, so filling a column
      (or a rematch) does not re-index every article.
    """
    from dumon.urls import article_key

    fts_update = db.execute(
        "select sql from sqlite_master where type = 'trigger' and name = 'articles_au'"
    ).fetchone()
    if fts_update:
        db.execute("drop trigger articles_au")
        db.execute(
            fts_update[0].replace(
                "AFTER UPDATE ON", 'AFTER UPDATE OF "title", "summary", "body", "folded" ON', 1
            )
        )
    db.execute("alter table articles add column article_key text")
    rows = db.execute("select id, url from articles").fetchall()
    keyed = [(key, id_) for id_, url in rows if (key := article_key(url or ""))]
    db.conn.executemany("update articles set article_key = ? where id = ?", keyed)
    db.execute("create index idx_articles_key on articles (article_key)")
    db.execute("create index idx_articles_content on articles (substr(content_hash, 1, 12))")
    duplicates = [
        row[0]
        for row in db.execute(
            "select id from articles a where article_key is not null and exists (select 1 "
            "from articles b where b.article_key = a.article_key and b.id < a.id) "
            "union select id from articles a where " + REPRINT_OF.format(a="a") + " "
        ).fetchall()
    ]
    for start in range(0, len(duplicates), 500):
        chunk = duplicates[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(f"delete from hits where article_id in ({marks})", chunk)
        db.execute(f"delete from articles where id in ({marks})", chunk)


REPRINT_OF = (
    "exists (select 1 from articles b where substr(b.content_hash, 1, 12) = "
    "substr({a}.content_hash, 1, 12) and +b.content_hash = {a}.content_hash and +b.outlet = "
    "{a}.outlet and b.id < {a}.id and (coalesce(b.summary, '') != '' or coalesce(b.body, '') "
    "!= ''))"
)
"""An earlier row holds the same text from the same outlet (a reprint; title-only items,
which a recurring heading could repeat, are never taken for one)."""


@migration
def m007_indexes_for_browsing(db: sqlite_utils.Database) -> None:
    """Indexes for the README's Datasette pages: a facet on a column reads a small index
    instead of every article (text and all), inside Datasette's 200 ms facet time limit on
    the 132,000-article desk (0.18 s → 0.02-0.06 s for the units array, the flags alike)."""
    db.execute("create index idx_articles_units on articles (units)")
    db.execute("create index idx_articles_themes on articles (themes)")
    db.execute("create index idx_articles_flags on articles (edu, local, alert)")


@migration
def m008_article_scope(db: sqlite_utils.Database) -> None:
    """Where each education story happens, as the matcher judged it (local, national,
    neighbour, province, abroad): the digest ranks and leaves out by it. Null for articles
    matched before; ``dumon rematch`` fills them in."""
    db.execute("alter table articles add column scope text")


@migration
def m009_incidents(db: sqlite_utils.Database) -> None:
    """Incidents (sự vụ): an event followed from its first article to its close.

    - ``incidents``: one row per incident, with what is computed from its articles (first and
      latest article, outlets, severity, local, stage) and how it ended (``closed_by``: office,
      quiet, merged). ``opened`` is the publication of the story that opened it: an incident
      is known from then on (earlier articles may join it as its first signs).
    - ``incident_articles``: which articles tell it (an article tells at most one), with the
      outlet, its tier, the title and the verdict (severity, local, scope, the office's marks
      applied) kept, so the timeline and the stage history survive ``dumon db prune``; no
      foreign key to ``articles`` for the same reason. ``how``: opened, story (a copy of a
      story already in it), joined, followup, earlier (a first sign), office (moved by hand).
    - ``incident_events``: the timeline beside the articles: stage changes (derived from the
      articles, rewritten when they change), and the office's notes, responses, closes,
      reopenings, merges and splits (never rewritten).
    - ``incident_build``: how far the stored articles have been read into incidents, so a
      build interrupted at any point resumes where its last transaction ended.
    - ``incident_timeline``: a view of both, in time order, for Datasette.
    """
    statements = [
        """create table incidents (
            id integer primary key,
            title text not null,
            opened text not null,
            first_seen text,
            last_seen text,
            articles integer not null default 0,
            outlets integer not null default 0,
            severity integer not null default 0,
            local integer not null default 0,
            scope text,
            units text not null default '[]',
            alerts text not null default '[]',
            stage text not null,
            stage_since text,
            closed text,
            closed_by text,
            close_reason text,
            merged_into integer references incidents(id),
            first_response text,
            updated text
        )""",
        "create index idx_incidents_last on incidents (last_seen)",
        "create index idx_incidents_stage on incidents (stage, local)",
        """create table incident_articles (
            incident_id integer not null references incidents(id),
            article_id integer not null,
            url text not null,
            title text,
            outlet text,
            tier text,
            published text,
            severity integer not null default 0,
            local integer not null default 0,
            scope text,
            how text not null,
            added text not null,
            primary key (incident_id, article_id)
        )""",
        "create unique index idx_incident_articles_article on incident_articles (article_id)",
        """create table incident_events (
            id integer primary key,
            incident_id integer not null references incidents(id),
            at text not null,
            kind text not null,
            stage text,
            response text,
            text text,
            by text,
            url text,
            recorded text not null
        )""",
        "create index idx_incident_events_incident on incident_events (incident_id, at)",
        "create table incident_build (key text primary key, value text)",
        """create view incident_timeline as
            select incident_id, published as at, 'article' as kind, outlet || ': ' || title
                as text, url, tier as detail from incident_articles
            union all
            select incident_id, at, kind, coalesce(text, stage, ''), url,
                coalesce(response, by, '') from incident_events""",
    ]
    for statement in statements:
        db.execute(statement)


@migration
def m010_marks(db: sqlite_utils.Database) -> None:
    """The office's marks on articles (not relevant, not local, not an alert, important).

    Kept apart from the matcher's verdict, so ``dumon rematch`` never undoes them, and tied to
    the article's URL and the outlet's article number (``article_key``) as well as its id, so
    an article stored again (pruned and re-imported) keeps its marks. One mark of each kind
    per article.
    """
    db.execute(
        """create table marks (
            id integer primary key,
            article_id integer,
            url text not null,
            article_key text,
            title text,
            kind text not null,
            note text,
            at text not null,
            unique (url, kind)
        )"""
    )
    db.execute("create index idx_marks_key on marks (article_key)")
