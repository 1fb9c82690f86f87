"""Whole-catalogue backups: every catalogue row, its edit history and the editor
accounts the history points to, as one loaddata-compatible JSON file.

Those accounts go in whole (username, e-mail, password hash, groups), a superuser's
too when the history names them, so an editor can log in after a restore; accounts
that never edited anything are left out. The file is written readable by its owner
only (0600) into a folder only its owner can open (0700).

Live rows name what they point to by natural key (slugs, usernames, permission
codenames) and keep their primary keys: history rows refer to the rows they
record by id, so the ids must survive a round trip for the history to stay
attached. History rows themselves are written with plain ids, because they may
point at rows deleted since (a natural key can't be looked up for those).
"""

import datetime
import json
import os
import stat
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
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


def named_accounts():
    """The accounts any catalogue row or history row points to (who made each change)."""
    user_model = get_user_model()
    named = Q(pk__in=[])
    for model in apps.get_app_config("catalogue").get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                rows = model._default_manager.filter(**{f"{field.attname}__isnull": False})
                named |= Q(pk__in=rows.values(field.attname))
    return user_model._default_manager.filter(named)


def backup_objects():
    """The backup's content, as the list of dicts the JSON file holds."""
    objects = []
    group = apps.get_model("auth", "Group")
    user_model = get_user_model()
    for model in backup_models():
        history = is_history_model(model)
        queryset = named_accounts() if model is user_model else model._default_manager.all()
        queryset = queryset.order_by("pk")
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


class BackupError(Exception):
    pass


def private_directory(directory):
    """Create ``directory`` (0700), or make an existing one private. Returns the mode it
    had when others could open it (None otherwise); raises BackupError when it can't be
    made private."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    was = stat.S_IMODE(directory.stat().st_mode)
    if not was & 0o077:
        return None
    try:
        directory.chmod(0o700)
    except OSError as error:
        raise BackupError(
            f"The backup folder {directory} is readable by other users (mode {was:04o}) and can't be made "
            f"private ({error.strerror}). A backup holds password hashes: run `chmod 700 {directory}` as its "
            "owner, or choose another folder with --output-dir. Nothing was written."
        ) from error
    return was


def write_backup(directory, *, notify=None):
    """Write a dated backup file (0600) into ``directory`` (made 0700) and return its path.

    ``notify`` is called with a sentence when an existing folder had to be tightened."""
    directory = Path(directory)
    was = private_directory(directory)
    if was is not None and notify:
        notify(f"The backup folder {directory} was open to other users (mode {was:04o}); it is now 0700.")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"catalogue-{stamp}.json"
    counter = 1
    while path.exists():  # two backups in one second
        counter += 1
        path = directory / f"catalogue-{stamp}-{counter}.json"
    objects = backup_objects()
    temporary = path.with_suffix(".json.partial")
    temporary.unlink(missing_ok=True)  # left by a crash: never reuse its mode
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)  # whatever the umask
    with open(descriptor, "w", encoding="utf-8") as stream:
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
