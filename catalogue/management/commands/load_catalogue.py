"""Load fixture files (Django's JSON format) all or nothing, with errors a person
can act on.

``loaddata`` stops at the first problem, but its messages often name neither the
field nor the object ("value must be an integer", "matching query does not
exist"), and invalid UTF-8 surfaces as a traceback. This command checks each
object before saving it (field values, references by natural key or id, the
model's own validation, database constraints) and reports

    fixtures/20_more_works.json: object #3 (catalogue.work "goblin"), field "year": “199x” value must be an integer.

Everything happens in one transaction: on any error the database is left exactly
as it was.
"""

import json
import re
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

# SQLite: "UNIQUE constraint failed: catalogue_work.slug"; PostgreSQL: "Key (slug)=(goblin) already exists".
_COLUMN_IN_ERROR = re.compile(r"failed: \w+\.(\w+)|Key \((\w+)\)")


class FixtureError(Exception):
    pass


def describe(index, item):
    label = item.get("model", "?") if isinstance(item, dict) else "?"
    fields = item.get("fields", {}) if isinstance(item, dict) else {}
    key = fields.get("slug") if isinstance(fields, dict) else None
    if key is None and isinstance(item, dict) and item.get("pk") is not None:
        key = f"pk={item['pk']}"
    return f"object #{index + 1} ({label}{f' “{key}”' if key else ''})"


def line_and_column(text, offset):
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class Command(BaseCommand):
    help = "Load catalogue fixture files in one transaction, naming the file, object and field of any error."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="JSON fixture files.")

    def handle(self, *args, files, **options):
        loaded = 0
        try:
            with transaction.atomic():
                for name in files:
                    try:
                        loaded += self.load_file(Path(name))
                    except RecursionError:
                        # A value nested just shallow enough to parse, too deep to check or save.
                        raise FixtureError(f"{name}: not a fixture: a value in it is nested too deeply.") from None
        except FixtureError as error:
            raise CommandError(f"{error} Nothing was loaded; the database is unchanged.") from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {loaded} objects from {len(files)} file(s)."))

    def read(self, path):
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise FixtureError(f"{path}: cannot be read ({error.strerror}).") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FixtureError(self.describe_bad_utf8(path, raw, error)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise FixtureError(
                f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
            ) from None
        except RecursionError:
            # "[[[[..." deeper than Python's recursion limit: no fixture nests like that.
            raise FixtureError(f"{path}: not a fixture: its JSON is nested too deeply to read.") from None
        if not isinstance(data, list):
            raise FixtureError(f"{path}: a fixture is a JSON list of objects, this file holds a {type(data).__name__}.")
        return data

    def describe_bad_utf8(self, path, raw, error):
        text = raw.decode("utf-8", errors="replace")
        before = raw[: error.start].decode("utf-8", errors="replace")
        line, column = line_and_column(before, len(before))
        where = f"{path}: not valid UTF-8 at line {line}, column {column} (byte {error.start})"
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return f"{where}."
        for index, item in enumerate(data if isinstance(data, list) else []):
            fields = item.get("fields", {}) if isinstance(item, dict) else {}
            for field, value in fields.items() if isinstance(fields, dict) else ():
                if "\ufffd" in json.dumps(value, ensure_ascii=False):
                    return f"{where}: {describe(index, item)}, field “{field}”."
        return f"{where}."

    def load_file(self, path):
        data = self.read(path)
        deferred = []
        for index, item in enumerate(data):
            where = f"{path}: {describe(index, item)}"
            self.check_shape(where, item)
            try:
                with transaction.atomic():
                    saved = self.load_object(where, item)
            except DatabaseError as error:
                raise FixtureError(f"{where}{self.column_of(error)}: the database refused it: {error}.") from None
            if saved.deferred_fields:
                deferred.append((where, saved))
        for where, saved in deferred:
            try:
                saved.save_deferred_fields()
            except (ObjectDoesNotExist, DatabaseError, serializers.base.DeserializationError) as error:
                names = ", ".join(f"“{f.name}”: {v!r}" for f, v in saved.deferred_fields.items())
                raise FixtureError(
                    f"{where}, field {names}: refers to an object that does not exist ({error})."
                ) from None
        return len(data)

    def check_shape(self, where, item):
        if not isinstance(item, dict) or "model" not in item or not isinstance(item.get("fields"), dict):
            raise FixtureError(f"{where}: each object needs a “model” and a “fields” mapping.")
        try:
            model = apps.get_model(item["model"])
        except (LookupError, ValueError):
            raise FixtureError(f"{where}: there is no model called “{item['model']}”.") from None
        for name in item["fields"]:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                raise FixtureError(f"{where}, field “{name}”: {model._meta.label} has no such field.") from None

    def load_object(self, where, item):
        try:
            (deserialized,) = serializers.deserialize("python", [item], handle_forward_references=True)
        except serializers.base.DeserializationError as error:
            raise FixtureError(f"{where}{self.find_bad_field(item)}: {error.__cause__ or error}") from None
        except ObjectDoesNotExist as error:
            # Building the natural key of an object whose own references are missing.
            raise FixtureError(
                f"{where}{self.find_bad_field(item)}: refers to an object that does not exist ({error})."
            ) from None
        instance = deserialized.object
        deferred = deserialized.deferred_fields or {}
        for field, value in deferred.items():
            # A reference the deserializer could not resolve yet: fine if the object
            # comes later in the files and the column may wait empty till then.
            if not field.many_to_many and not field.null:
                label = field.remote_field.model._meta.label
                raise FixtureError(f"{where}, field “{field.name}”: refers to {label} {value!r}, which does not exist.")
        exclude = {f.name for f in deferred}
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            problems = "; ".join(
                f"field “{field}”: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                for field, messages in error.message_dict.items()
            )
            raise FixtureError(f"{where}, {problems}") from None
        deserialized.save()
        return deserialized

    def find_bad_field(self, item):
        """Which field made deserialization fail: try each one on its own."""
        model = apps.get_model(item["model"])
        for name, value in item["fields"].items():
            field = model._meta.get_field(name)
            try:
                if field.many_to_many:
                    for key in value:
                        self.resolve(field.remote_field.model, key)
                elif field.is_relation:
                    if value is not None:
                        self.resolve(field.remote_field.model, value)
                else:
                    field.to_python(value)
            except (ValidationError, ObjectDoesNotExist, TypeError, ValueError) as error:
                if isinstance(error, ObjectDoesNotExist):
                    label = field.remote_field.model._meta.label
                    return f", field “{name}”: refers to {label} {value!r}, which does not exist"
                return f", field “{name}”"
        return ""

    def resolve(self, model, value):
        manager = model._default_manager
        if isinstance(value, list) and hasattr(manager, "get_by_natural_key"):
            return manager.get_by_natural_key(*value)
        return manager.get(pk=value)

    def column_of(self, error):
        match = _COLUMN_IN_ERROR.search(str(error))
        return f", field “{match.group(1) or match.group(2)}”" if match else ""
