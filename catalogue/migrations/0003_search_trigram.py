"""Trigram indexes on the search keys, on PostgreSQL only.

Search matches ``search_key LIKE '%term%'``; pg_trgm's GIN operator class lets
PostgreSQL answer that from an index instead of scanning every row. SQLite gets
its own trigram index (FTS5) in 0004.
``pg_trgm`` is a trusted extension (PostgreSQL 13+), so a database owner may
create it. Written as SQL rather than ``GinIndex`` so the app needs no
``django.contrib.postgres`` and the SQLite schema stays the same.
"""

from django.db import migrations

TABLES = ("catalogue_work", "catalogue_song", "catalogue_performer")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_key gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_editor_groups")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
