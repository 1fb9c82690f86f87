"""Bulk import and export of works, songs and credits (django-import-export).

Every file names related rows by slug, the catalogue's natural key, so an export
imports back unchanged. Rows are validated by the models' own rules (full_clean),
and a file with any invalid row saves nothing: the admin shows a preview with each
row's errors and offers to confirm only a clean file.

Columns
- works: slug, title, title_ko, title_romanized, alternative_titles, aliases, kind, year,
  first_aired, last_aired, network (slug), episodes, credits_note, summary,
  soundtrack_note, fact_notes, sources (slugs separated by ";"), status (export only:
  imported works start as drafts and are published in the admin).
- songs: slug, work (slug), title, title_ko, release_date, release_date_precision,
  ost_part, role, role_note, is_signature, writers, about, aliases, performers (slugs
  separated by ";", in credit order).
- credits: song (slug), performer (slug), role, order, note.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import UniqueConstraint
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets

from catalogue.models import Credit, Network, Performer, Song, Source, Work
from catalogue.models.songs import SongTitles

from . import services
from .imports import KeyInstanceLoader
from .widgets import ChoiceLabels, NameOrSlugWidget, NoDiff, PerformersField, PlainError, SlugListWidget, SlugWidget


class CatalogueResource(ChoiceLabels, resources.ModelResource):
    """Shared rules: model validation on every row, all-or-nothing, readable errors."""

    def import_instance(self, instance, row, **kwargs):
        # Validate many-to-many columns with the row, so an unknown slug is an error
        # on its cell in the preview rather than a failure after saving.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        errors.update(self.rule_errors(instance, row, errors, **kwargs))
        if errors:
            raise ValidationError(errors)

    def rule_errors(self, instance, row, errors, **kwargs):
        """Errors of the catalogue's rules on a row whose cells are read: {attribute: [message]}.
        ``errors`` holds the cells' own errors so far."""
        return {}

    # --- reading the file: its columns, repeated keys, lookups once per import ---

    class Meta:
        # The rows to update, found with one query per import rather than one per row.
        instance_loader_class = KeyInstanceLoader

    @classmethod
    def get_error_result_class(cls):
        return PlainError

    def key_columns(self):
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """As django-import-export's, after a check of the file's columns and with every
        related row named by slug looked up once for the whole file."""
        headers = list(dataset.headers or [])
        missing = [column for column in self.key_columns() if column not in headers]
        if missing:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            message = ngettext(
                "The file has no %(columns)s column, which names the rows to import. Its columns: %(found)s.",
                "The file has no %(columns)s columns, which name the rows to import. Its columns: %(found)s.",
                len(missing),
            ) % {
                "columns": ", ".join(f"“{column}”" for column in missing),
                "found": ", ".join(f"“{header}”" for header in headers) or _("(none)"),
            }
            result.append_base_error(self.get_error_result_class()(ValueError(message)))
            return result
        self.pending_history, self.pending_m2m = [], []
        # The confirmation shows no preview: no diff of each row to build for it.
        self.skip_preview_diff = not dry_run
        # The same fields for every row (django-import-export asks for them about 7 times a row).
        self.import_fields = super().get_import_fields()
        self.first_row_of_key = {}
        self.repeated_keys = {}
        key_columns = [headers.index(column) for column in self.key_columns()]
        for number, values in enumerate(dataset, 1):
            key = tuple(str(values[i] if values[i] is not None else "").strip() for i in key_columns)
            if not any(key):
                continue  # no key: the row's own validation says so
            first = self.first_row_of_key.setdefault(key, number)
            if first != number:
                self.repeated_keys[number] = first
        for field in self.get_import_fields():
            if isinstance(field.widget, SlugWidget | SlugListWidget) and field.column_name in headers:
                field.widget.prefetch(dataset.get_col(headers.index(field.column_name)))
        try:
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions, **kwargs
            )
        finally:
            for field in self.get_import_fields():
                if isinstance(field.widget, SlugWidget | SlugListWidget):
                    field.widget.known = None
            del self.import_fields, self.skip_preview_diff

    def get_import_fields(self):
        return getattr(self, "import_fields", None) or super().get_import_fields()

    def get_diff_class(self):
        return NoDiff if getattr(self, "skip_preview_diff", False) else super().get_diff_class()

    def before_import_row(self, row, row_number=None, **kwargs):
        first = getattr(self, "repeated_keys", {}).get(row_number)
        if first is not None:
            columns = self.key_columns()
            values = ", ".join(f"“{row.get(column)}”" for column in columns)
            raise ValidationError(
                {
                    self.fields[self.get_import_id_fields()[0]].attribute: _(
                        "%(values)s is also on row %(first)s: a file names each row once."
                    )
                    % {"values": values, "first": first}
                }
            )
        super().before_import_row(row, row_number=row_number, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own validation (full_clean), without the checks this import
        already made once for the whole file: that a related row named by slug
        exists (it was just looked up), that the row's key is unique (the loader
        found every existing row with it and no two rows of the file share it), and
        the database's check constraints, which the rows' field rules cover and the
        database enforces when the row is saved (each its own query otherwise)."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            exclude = set(errors)
            looked_up = {
                field.attribute
                for field in self.get_import_fields()
                if isinstance(field.widget, SlugWidget) and field.widget.known is not None
            }
            exclude |= {name for name in looked_up if getattr(instance, f"{name}_id", None) is not None}
            try:
                instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if validate_unique and not errors:
                try:
                    self.validate_uniqueness(instance)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        try:
            super().do_instance_save(instance, is_create)
        except IntegrityError as error:
            # A check constraint validate_instance left to the database: its message, on the row.
            broken = [c for c in instance._meta.constraints if c.name in str(error)]
            if not broken:
                raise
            raise ValidationError([c.get_violation_error_message() for c in broken]) from error
        instance._import_created = is_create

    # --- writing: each row saved on its own (signals, derived fields, its savepoint),
    # its history and a new row's many-to-many links written together at the end ---

    def writes_later(self, kwargs):
        """Whether history and new links wait for the end of the import: only inside
        the import's transaction, which then holds them or rolls them back with the rows."""
        return self._is_using_transactions(kwargs) and not self._meta.use_bulk and hasattr(self, "pending_history")

    def save_instance(self, instance, is_create, row, **kwargs):
        later = self.writes_later(kwargs) and getattr(self._meta.model._meta, "simple_history_manager_attribute", None)
        if not later:
            return super().save_instance(instance, is_create, row, **kwargs)
        instance.skip_history_when_saving = True
        try:
            super().save_instance(instance, is_create, row, **kwargs)
        finally:
            del instance.skip_history_when_saving
        if not self._is_dry_run(kwargs):  # a preview's writes are rolled back: its history is not written
            self.pending_history.append((instance, is_create))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not getattr(self, "pending_history", None) and not getattr(self, "pending_m2m", None):
            return
        if result.has_errors() or result.has_validation_errors():
            return  # the import is rolled back whole
        self.write_pending_links()
        history = getattr(self._meta.model, self._meta.model._meta.simple_history_manager_attribute, None)
        for created in (True, False):
            instances = [instance for instance, is_create in self.pending_history if is_create == created]
            if instances:
                history.bulk_history_create(
                    instances, batch_size=500, update=not created, default_user=kwargs.get("user")
                )

    def write_pending_links(self):
        """The many-to-many links of the new rows, one insert per 500, with the
        signals Django's ``add()`` sends for each row."""
        for attribute in dict.fromkeys(attribute for _instance, attribute, _objects in self.pending_m2m):
            field = self._meta.model._meta.get_field(attribute)
            through, model = field.remote_field.through, field.remote_field.model
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            items = [(i, objects) for i, name, objects in self.pending_m2m if name == attribute]
            using = through.objects.db
            for action in ("pre_add", None, "post_add"):
                if action is None:
                    links = [
                        through(**{f"{source}_id": instance.pk, f"{target}_id": obj.pk})
                        for instance, objects in items
                        for obj in objects
                    ]
                    through.objects.bulk_create(links, batch_size=500)
                    continue
                for instance, objects in items:
                    m2m_changed.send(
                        sender=through,
                        action=action,
                        instance=instance,
                        reverse=False,
                        model=model,
                        pk_set={obj.pk for obj in objects},
                        using=using,
                    )

    def save_m2m(self, instance, row, **kwargs):
        """Many-to-many columns (a work's sources) as django-import-export saves them,
        but a new row's are written with the others' at the end of the import, and
        the values are kept on the row for the preview (no query to show them)."""
        if self._meta.use_bulk or (self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs)):
            return super().save_m2m(instance, row, **kwargs)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                self.save_m2m_field(field, instance, row, **kwargs)

    def save_m2m_field(self, field, instance, row, **kwargs):
        objects = field.clean(row, **kwargs)
        manager = getattr(instance, field.attribute)
        if not getattr(instance, "_import_created", False):
            manager.set(objects)
            return
        if objects and self.writes_later(kwargs):
            self.pending_m2m.append((instance, field.attribute, objects))
        elif objects:
            manager.add(*objects)
        # What prefetch_related leaves: manager.all() answers from memory.
        cached = manager.get_queryset()
        cached._result_cache, cached._prefetch_done = list(objects), True
        instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {})}
        instance._prefetched_objects_cache[manager.prefetch_cache_name] = cached

    # Unique constraints a rule of the model's clean() already covers (no query per row).
    covered_constraints = frozenset()

    def validate_uniqueness(self, instance):
        """Unique fields and unique constraints other than the import key and the
        covered ones, as Django checks them."""
        key = set(self.get_import_id_fields())
        model = type(instance)
        errors = {}
        try:
            instance.validate_unique(exclude=key)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for constraint in model._meta.constraints:
            if (
                isinstance(constraint, UniqueConstraint)
                and set(constraint.fields) != key
                and constraint.name not in self.covered_constraints
            ):
                try:
                    constraint.validate(model, instance)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class WorkResource(CatalogueResource):
    network = fields.Field(attribute="network", column_name="network", widget=NameOrSlugWidget(Network))
    sources = fields.Field(attribute="sources", column_name="sources", widget=SlugListWidget(Source))
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta:
        model = Work
        name = "Works"
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "title_ko",
            "title_romanized",
            "alternative_titles",
            "aliases",
            "kind",
            "year",
            "first_aired",
            "last_aired",
            "network",
            "episodes",
            "credits_note",
            "summary",
            "soundtrack_note",
            "fact_notes",
            "sources",
            "status",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def rule_errors(self, instance, row, errors, **kwargs):
        # A published work names a source, on import too: a row that would leave one
        # with none is an error on its "sources" cell (imports never change the status,
        # so new rows, always drafts, cost no lookup here).
        field = self.fields["sources"]
        if not instance.is_published or field.attribute in errors or field.column_name not in row:
            return {}
        if not services.work_breaks_source_rule(work=instance, sources=field.clean(row, **kwargs)):
            return {}
        message = _(
            "A published work must name at least one source: list one here, "
            "or unpublish the work in the admin before importing this row."
        )
        return {field.attribute: [message]}


class SongResource(CatalogueResource):
    work = fields.Field(attribute="work", column_name="work", widget=SlugWidget(Work))
    performers = PerformersField(attribute="performers", column_name="performers", widget=SlugListWidget(Performer))

    class Meta:
        model = Song
        name = "Songs with their performers"
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "work",
            "title",
            "title_ko",
            "release_date",
            "release_date_precision",
            "ost_part",
            "role",
            "role_note",
            "is_signature",
            "writers",
            "about",
            "aliases",
            "performers",
        ]
        clean_model_instances = True
        use_transactions = True

    # Song.clean refuses a title another song of the work has once folded, so never the very same one.
    covered_constraints = frozenset({"song_title_unique_within_work"})
    song_titles = None  # the titles of the songs of the works in the file, during an import (SongTitles)
    pending_credits = ()  # [(new song, [performer, ...])], written at the end of the import

    def get_queryset(self):
        return super().get_queryset().select_related("work")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The titles of every work the file names, read at once (and of earlier rows, as they are saved).
        self.song_titles = SongTitles((self.fields["work"].widget.known or {}).values())
        self.pending_credits = []

    def validate_instance(self, instance, *args, **kwargs):
        instance.known_titles = self.song_titles
        try:
            super().validate_instance(instance, *args, **kwargs)
        finally:
            del instance.known_titles

    def do_instance_save(self, instance, is_create):
        super().do_instance_save(instance, is_create)
        if self.song_titles is not None:
            self.song_titles.saved(instance)

    def save_m2m_field(self, field, instance, row, **kwargs):
        """A new song's performers are credited with the other new songs' at the end of
        the import (``after_import``); an existing song's through the credits service."""
        if not isinstance(field, PerformersField):
            return super().save_m2m_field(field, instance, row, **kwargs)
        if not (getattr(instance, "_import_created", False) and self.writes_later(kwargs)):
            return self.import_field(field, instance, row, True)
        performers = field.clean(row, **kwargs)
        self.pending_credits.append((instance, performers))
        instance._imported_performers = performers  # in billing order: the preview needs no query

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        credits, self.song_titles, self.pending_credits = self.pending_credits, None, ()
        if credits and not (result.has_errors() or result.has_validation_errors()):
            # In a preview too (rolled back with it), without history.
            dry_run = self._is_dry_run(kwargs)
            services.songs_credit_new(credits=credits, user=kwargs.get("user"), record_history=not dry_run)


class CreditResource(CatalogueResource):
    song = fields.Field(attribute="song", column_name="song", widget=SlugWidget(Song))
    performer = fields.Field(attribute="performer", column_name="performer", widget=SlugWidget(Performer))

    class Meta:
        model = Credit
        name = "Credits"
        import_id_fields = ["song", "performer"]
        fields = ["song", "performer", "role", "order", "note"]
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("song", "performer")


class PerformerResource(CatalogueResource):
    sources = fields.Field(attribute="sources", column_name="sources", widget=SlugListWidget(Source))

    class Meta:
        model = Performer
        name = "Performers"
        import_id_fields = ["slug"]
        fields = ["slug", "name", "name_ko", "real_name", "real_name_ko", "aliases", "kind", "is_fictional", "bio"]
        fields += ["sources"]
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True
