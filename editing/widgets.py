"""The cells of an import file and the small pieces around its rows: related rows
named by slug (looked up once per import), a song's performers, the diff of a row
nobody sees and a row's error as its message only.

Used by ``editing.resources``.
"""

import logging

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
