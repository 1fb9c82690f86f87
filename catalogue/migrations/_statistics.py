"""Shared by migrations that add indexes (the loader skips modules starting with _)."""

from django.db import migrations


def refresh_statistics(*model_names):
    """A RunPython operation that runs ANALYZE on these catalogue models' tables.

    Planner statistics for new indexes: without them SQLite took a new index for
    every ``status = 'published'`` query and sorted the whole catalogue for the
    timeline (a 20,000-work page went from 2 ms to 30 ms) until something ran
    ANALYZE."""

    def analyze(apps, schema_editor):
        for name in model_names:
            table = schema_editor.quote_name(apps.get_model("catalogue", name)._meta.db_table)
            schema_editor.execute(f"ANALYZE {table}")

    return migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)
