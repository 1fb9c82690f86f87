"""The cells of an import file and the small pieces around its rows: related rows
named by slug (looked up once per import), a song's performers, the diff of a row
nobody sees and a row's error as its message only.

Used by ``editing.resources``.
"""

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, results, widgets

from . import services
from .imports import prefetch_slugs

logger = logging.getLogger(__name__)


def unknown_slug(model, slug):
    return ValueError(_("No %(model)s has the slug “%(slug)s”.") % {"model": model._meta.verbose_name, "slug": slug})


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by slug; an unknown slug is a plain error on the cell.

    During an import the column's slugs are looked up once (``prefetch``, from
    ``CatalogueResource.import_data``); each resource has its own copy of its widgets."""

    known = None  # {slug: object} once prefetched

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def slugs_in(self, value):
        return [str(value).strip()] if value else []

    def prefetch(self, values):
        self.known = prefetch_slugs(self.model, (slug for value in values for slug in self.slugs_in(value)))

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        slug = str(value).strip()
        if self.known is not None:
            if slug in self.known:
                return self.known[slug]
            raise unknown_slug(self.model, value)
        try:
            return super().clean(slug, row, **kwargs)
        except self.model.DoesNotExist:
            raise unknown_slug(self.model, value) from None


class NameOrSlugWidget(SlugWidget):
    """A row of a small table (networks) named by slug, or by the name the site shows
    for it, in English or Korean, in any case: "tvn", "tvN" or "티비엔" if that is its
    Korean name."""

    names = ("name", "name_ko")

    def prefetch(self, values):
        super().prefetch(values)
        for obj in self.model.objects.all():
            for name in self.names:
                if getattr(obj, name):
                    self.known.setdefault(getattr(obj, name).casefold(), obj)

    def clean(self, value, row=None, **kwargs):
        if value and self.known is not None and str(value).strip().casefold() in self.known:
            return self.known[str(value).strip().casefold()]
        if value and self.known is None:
            found = self.model.objects.filter(**{f"{self.names[0]}__iexact": str(value).strip()}).first()
            if found is not None:
                return found
        return super().clean(value, row, **kwargs)


class ChoiceWidget(widgets.Widget):
    """A choice column: the stored value ("drama") or the label the site shows for it,
    in English or Korean ("TV drama", "TV 드라마"), in any case. Exports the value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.values = {str(value): value for value, _label in choices}
        self.by_label = {}
        for language in ("en", "ko"):
            with translation.override(language):
                for value, label in choices:
                    self.by_label.setdefault(str(label).casefold(), value)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            return ""
        if text in self.values:
            return self.values[text]
        if text.casefold() in self.by_label:
            return self.by_label[text.casefold()]
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": ", ".join(self.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceLabels:
    """A resource whose choice columns take the label the site shows as well as the value."""

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.choices:
            field.widget = ChoiceWidget(django_field.choices)
        return field


class SlugListWidget(widgets.ManyToManyWidget):
    """Several related rows named by slug, separated by ';', in order; unknown slugs are errors."""

    known = None  # {slug: object} once prefetched, as SlugWidget

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=";", field="slug", **kwargs)

    def slugs_in(self, value):
        return [slug.strip() for slug in str(value or "").split(self.separator) if slug.strip()]

    def prefetch(self, values):
        self.known = prefetch_slugs(self.model, (slug for value in values for slug in self.slugs_in(value)))

    def clean(self, value, row=None, **kwargs):
        slugs = self.slugs_in(value)
        if self.known is not None:
            found = self.known
        else:
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
    """A song's credited performers, written through the credits service (with history).

    The credits of a song the import created are written with the other new songs'
    at the end of the import instead (``SongResource.save_m2m``), and kept on the
    song in billing order (``_imported_performers``): the preview needs no query."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.column_name in row:
            services.song_set_performers(song=instance, performers=self.clean(row, **kwargs))

    def get_value(self, instance):
        if instance.pk is None:
            return None
        if hasattr(instance, "_imported_performers"):
            return instance._imported_performers
        return [credit.performer for credit in instance.credits.in_billing_order()]


class NoDiff(resources.Diff):
    """The diff of a row nobody will see (a confirmed import redirects to the list)."""

    def __init__(self, resource, instance, new):
        self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class PlainError(results.Error):
    """A row's or the file's error as its message only: the traceback (server paths,
    code) goes to the log, never to the editor's page."""

    def __init__(self, error, row=None, number=None):
        super().__init__(error, row=row, number=number)
        if not isinstance(error, ValueError):
            logger.warning("import: %r at row %s", error, number, exc_info=error)

    traceback = ""
