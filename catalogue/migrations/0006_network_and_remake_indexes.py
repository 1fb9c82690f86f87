import django.db.models.deletion
from django.db import migrations, models

from ._statistics import refresh_statistics


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0005_work_status_kind_year_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='song',
            name='remake_of',
            field=models.ForeignKey(blank=True, db_index=False, help_text='The earlier recording this song remakes.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='remakes', to='catalogue.song'),
        ),
        migrations.AlterField(
            model_name='work',
            name='network',
            field=models.ForeignKey(blank=True, db_index=False, help_text="Original broadcaster, or the film's distributor.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='works', to='catalogue.network'),
        ),
        migrations.AddIndex(
            model_name='song',
            index=models.Index(condition=models.Q(('remake_of__isnull', False)), fields=['remake_of'], name='song_remake_of_idx'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(fields=['network', 'status', 'year'], name='work_network_idx'),
        ),
        migrations.AddIndex(
            model_name='work',
            index=models.Index(fields=['status', 'published_at', 'id'], name='work_published_at_idx'),
        ),
        refresh_statistics("Work", "Song"),
    ]
