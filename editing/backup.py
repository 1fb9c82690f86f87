"""Whole-catalogue backups: every catalogue row, its edit history and the editor
accounts the history points to, as one loaddata-compatible JSON file.

Live rows name what they point to by natural key (slugs, usernames, permission
codenames) and keep their primary keys: history rows refer to the rows they
record by id, so the ids must survive a round trip for the history to stay
attached. History rows themselves are written with plain ids, because they may
point at rows deleted since (a natural key can't be looked up for those).
"""

import datetime
import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


class LosslessJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds (as JavaScript dates have them);
    a backup keeps the microseconds, so a restored history is the one that was saved."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def is_history_model(model):
    return hasattr(model, "instance_type")  # simple-history's historical models


def backup_models():
    """Models in the backup, in an order loaddata can insert them."""
    user_model = get_user_model()
    catalogue = [m for m in apps.get_app_config("catalogue").get_models() if not m._meta.proxy]
    auth = [apps.get_model("auth", "Group"), user_model]
    return serializers.sort_dependencies(
        [(apps.get_app_config("auth"), auth), (apps.get_app_config("catalogue"), catalogue)], allow_cycles=True
    )


def backup_objects():
    """The backup's content, as the list of dicts the JSON file holds."""
    objects = []
    group = apps.get_model("auth", "Group")
    for model in backup_models():
        history = is_history_model(model)
        queryset = model._default_manager.order_by("pk")
        objects.extend(
            serializers.serialize(
                "python",
                queryset.iterator(chunk_size=2000),
                use_natural_foreign_keys=not history,
                # Groups may already exist (a data migration creates the editors'
                # group): they are matched by name, not id.
                use_natural_primary_keys=model is group,
            )
        )
    return objects


def write_backup(directory):
    """Write a dated backup file into ``directory`` and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"catalogue-{stamp}.json"
    counter = 1
    while path.exists():  # two backups in one second
        counter += 1
        path = directory / f"catalogue-{stamp}-{counter}.json"
    objects = backup_objects()
    temporary = path.with_suffix(".json.partial")
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump(objects, stream, cls=LosslessJSONEncoder, ensure_ascii=False, indent=1)
        stream.write("\n")
    temporary.replace(path)  # never leave a half-written backup under the final name
    return path, len(objects)


def unapplied_migrations():
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def rows_in_the_way():
    """What the database already holds that a restore would collide with."""
    found = {}
    for model in backup_models():
        if model is apps.get_model("auth", "Group"):
            continue  # groups may come from data migrations; restored by natural key
        count = model._default_manager.count()
        if count:
            found[model._meta.label] = count
    return found
