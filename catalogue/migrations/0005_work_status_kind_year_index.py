from django.db import migrations, models

from ._statistics import refresh_statistics


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0004_sqlite_search_index"),
    ]

    operations = [
        # status first: every public list filters on it, and the COUNT(*) of a
        # filtered page (kind, years) then reads this index alone.
        migrations.RemoveIndex(
            model_name="work",
            name="work_kind_year_idx",
        ),
        migrations.AddIndex(
            model_name="work",
            index=models.Index(fields=["status", "kind", "year"], name="work_status_kind_year_idx"),
        ),
        refresh_statistics("Work"),
    ]
