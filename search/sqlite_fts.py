"""SQLite's counterpart of the pg_trgm indexes (migration 0003): an FTS5 table with
the trigram tokenizer over each search key column, kept in step by triggers.

Search matches ``search_key LIKE '%term%'``. PostgreSQL answers that from trigram
GIN indexes, where SQLite would read every key. An FTS5 trigram table answers the
same LIKE from its index, for terms of three characters or more; shorter terms, and terms
holding LIKE's wildcards, keep the plain scan.

Migration 0004 makes the tables and triggers, and they are checked again after
every ``migrate`` (post_migrate): when a later migration alters one of these
tables, Django's SQLite schema editor rebuilds the table and its triggers are
lost. Whatever is missing is made again, and the index then rebuilt from the table.
"""

# ruff: noqa: S608 - the SQL names only our own tables (TABLES); no value from outside reaches it.
from django.db import connections

TABLES = ("catalogue_work", "catalogue_song", "catalogue_performer")
MIN_TERM_LENGTH = 3  # the trigram index can't answer shorter patterns


def fts_table(table):
    return f"{table}_search_fts"


def statements(table):
    """(name, SQL) for the FTS table and its three triggers."""
    fts = fts_table(table)
    return [
        (
            fts,
            f"CREATE VIRTUAL TABLE {fts} USING fts5("
            f"search_key, content='{table}', content_rowid='id', tokenize='trigram')",
        ),
        (
            f"{fts}_insert",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, search_key) VALUES (new.id, new.search_key); END",
        ),
        (
            f"{fts}_delete",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
        ),
        (
            f"{fts}_update",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, search_key ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
            f"INSERT INTO {fts}(rowid, search_key) VALUES (new.id, new.search_key); END",
        ),
    ]


def ensure_search_index(using="default", **kwargs):
    """post_migrate receiver: make what is missing, and rebuild an index that was."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for table in TABLES:
            if table not in present:
                continue  # migrated backwards past the catalogue
            made = False
            for name, sql in statements(table):
                if name not in present:
                    cursor.execute(sql)
                    made = True
            if made:
                fts = fts_table(table)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def drop_search_index(using="default"):
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            fts, *triggers = (name for name, _sql in statements(table))
            for trigger in triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")


def usable(term):
    return len(term) >= MIN_TERM_LENGTH and not any(c in term for c in "%_\\")
