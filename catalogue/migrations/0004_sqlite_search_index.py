"""The search keys' trigram index on SQLite (FTS5), the counterpart of 0003's
pg_trgm indexes on PostgreSQL: see search/sqlite_fts.py."""

from django.db import migrations


def create(apps, schema_editor):
    from search.sqlite_fts import ensure_search_index

    ensure_search_index(using=schema_editor.connection.alias)


def drop(apps, schema_editor):
    from search.sqlite_fts import drop_search_index

    drop_search_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_trigram")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
