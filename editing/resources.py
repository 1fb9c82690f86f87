"""Bulk import and export of works, songs and credits (django-import-export).

Every file names related rows by slug, the catalogue's natural key, so an export
imports back unchanged. Rows are validated by the models' own rules (full_clean),
and a file with any invalid row saves nothing: the admin shows a preview with each
row's errors and offers to confirm only a clean file.

Columns
- works: slug, title, title_ko, title_romanized, alternative_titles, kind, year,
  first_aired, last_aired, network (slug), episodes, credits_note, summary,
  soundtrack_note, fact_notes, sources (slugs separated by ";"), status (export only:
  imported works start as drafts and are published in the admin).
- songs: slug, work (slug), title, title_ko, release_date, release_date_precision,
  ost_part, role, role_note, is_signature, writers, about, performers (slugs
  separated by ";", in credit order).
- credits: song (slug), performer (slug), role, order, note.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from catalogue.models import Credit, Network, Performer, Song, Source, Work

from . import services


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by slug; an unknown slug is a plain error on the cell."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s has the slug “%(slug)s”.") % {"model": self.model._meta.verbose_name, "slug": value}
            ) from None


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related rows named by slug, separated by ';', in order; unknown slugs are errors."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=";", field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()]
        found = {obj.slug: obj for obj in self.model.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValueError(
                _("No %(model)s has the slug %(slugs)s.")
                % {"model": self.model._meta.verbose_name, "slugs": ", ".join(f"“{s}”" for s in missing)}
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        objects = value if isinstance(value, list) else value.all()
        return self.separator.join(getattr(o, self.field) for o in objects)


class PerformersField(fields.Field):
    """A song's credited performers, written through the credits service (with history)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.column_name in row:
            services.song_set_performers(song=instance, performers=self.clean(row, **kwargs))

    def get_value(self, instance):
        if instance.pk is None:
            return None
        return [credit.performer for credit in instance.credits.in_billing_order()]


class CatalogueResource(resources.ModelResource):
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
        if errors:
            raise ValidationError(errors)


class WorkResource(CatalogueResource):
    network = fields.Field(attribute="network", column_name="network", widget=SlugWidget(Network))
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
            "performers",
        ]
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self):
        return super().get_queryset().select_related("work")


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
        fields = ["slug", "name", "name_ko", "real_name", "real_name_ko", "kind", "is_fictional", "bio", "sources"]
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True
