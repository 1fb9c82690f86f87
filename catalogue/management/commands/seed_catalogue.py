"""Load the catalogue fixtures without ever overwriting an editor's work.

``loaddata`` updates rows that already exist, so running it again after editors
changed an entry would put the fixture version back. This command inserts only the
objects whose natural key is not in the database yet, inside one transaction, and
then records a first history version for every tracked object that has none (so
an editor's very first change can be undone).
"""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef
from simple_history.models import registered_models


class Command(BaseCommand):
    help = "Insert fixture objects that are not in the database yet and record their first history version."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="Fixture files to load (default: every *.json in FIXTURE_DIRS, by name)."
        )

    def handle(self, *files, **options):
        paths = [Path(f) for f in files] or sorted(
            path for directory in settings.FIXTURE_DIRS for path in Path(directory).glob("*.json")
        )
        if not paths:
            raise CommandError("No fixture files found.")
        added, kept = Counter(), Counter()
        try:
            with transaction.atomic():
                deferred = []
                for path in paths:
                    self.load_file(path, added, kept, deferred)
                # Forward references across files (a work naming a source from a later file).
                for item in deferred:
                    item.save_deferred_fields()
                recorded = self.record_first_versions()
        except (DatabaseError, serializers.base.DeserializationError, ValueError) as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for label in sorted(set(added) | set(kept)):
            self.stdout.write(f"  {label}: {added[label]} added, {kept[label]} already present (left untouched)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {sum(added.values())} new objects from {len(paths)} files; "
                f"{sum(kept.values())} existing objects untouched; {recorded} first history versions recorded."
            )
        )

    def load_file(self, path, added, kept, deferred):
        try:
            stream = path.open(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{path}: {error}") from error
        with stream:
            # Natural keys are resolved against the database as each object is read,
            # so objects are saved one at a time, in file order, as loaddata does.
            try:
                for item in serializers.deserialize(
                    "json", stream, handle_forward_references=True, ignorenonexistent=True
                ):
                    self._save_if_new(path, item, added, kept, deferred)
            except serializers.base.DeserializationError as error:
                raise CommandError(f"{path.name}: {error}") from error

    def _save_if_new(self, path, item, added, kept, deferred):
        instance = item.object
        model = type(instance)
        label = model._meta.label
        if instance.pk is not None and model._default_manager.filter(pk=instance.pk).exists():
            kept[label] += 1
            return
        try:
            item.save()
        except DatabaseError as error:
            raise CommandError(f"{path.name}: {label} {instance}: {error}") from error
        if item.deferred_fields:
            deferred.append(item)
        added[label] += 1

    def record_first_versions(self):
        recorded = 0
        for model in registered_models.values():
            if model._meta.app_label != "catalogue":
                continue
            manager = getattr(model, model._meta.simple_history_manager_attribute)
            history = manager.model
            missing = model._default_manager.filter(~Exists(history.objects.filter(id=OuterRef("pk"))))
            objs = list(missing)
            if objs:
                manager.bulk_history_create(objs, default_change_reason="Loaded from fixtures")
                recorded += len(objs)
        return recorded
