"""Shared by migrations that add indexes (the loader skips modules starting with _)."""

from django.db import migrations


def refresh_statistics(*model_names):
    """A RunPython operation that runs ANALYZE on these catalogue models' tables.

    New indexes need fresh planner statistics, or SQLite misjudges them
    (docs/performance.md)."""

    def analyze(apps, schema_editor):
        for name in model_names:
            table = schema_editor.quote_name(apps.get_model("catalogue", name)._meta.db_table)
            schema_editor.execute(f"ANALYZE {table}")

    return migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)
