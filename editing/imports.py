"""What the admin's import needs around django-import-export: the uploaded file read
whatever Excel saved it as, the file kept between preview and confirmation with
plain errors when that storage fails, a confirmation that can't be tampered with,
and lookups made once per import instead of once per row.

Used by ``editing.admin.CatalogueImportExportMixin`` and ``editing.resources``.
"""

import functools
import logging

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import BaseInstanceLoader
from import_export.widgets import ForeignKeyWidget

logger = logging.getLogger(__name__)

# Rows per query when rows are looked up by their slugs (SQLite allows 32,766
# parameters per query; PostgreSQL 65,535).
LOOKUP_BATCH = 2000


# --- the file's encoding ------------------------------------------------------------


class NotUTF8(ValueError):
    def __init__(self, line):
        super().__init__(line)
        self.line = line


def decode_upload(data):
    """The text of an uploaded file and the encoding it was read as, if not UTF-8.

    UTF-8 (with or without Excel's byte order mark) is tried first: a file in any
    other encoding that holds a non-ASCII character is almost never valid UTF-8.
    Then CP949, which Korean Excel writes for "CSV (comma delimited)" (a superset
    of EUC-KR). Anything else raises NotUTF8 with the line of the first byte that
    is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
    try:
        return data.decode("cp949"), "CP949"
    except UnicodeDecodeError:
        raise NotUTF8(line) from None


class CatalogueImportForm(ImportForm):
    """The upload form: a text file is read as UTF-8 or Korean Excel's CP949, and
    handed on as UTF-8; ``read_as`` says which encoding was read (None: UTF-8)."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.read_as = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        try:
            input_format = self.import_formats[int(cleaned.get("format"))]()
        except (TypeError, ValueError, IndexError):
            return cleaned
        if upload is None or input_format.is_binary():
            return cleaned
        try:
            text, self.read_as = decode_upload(b"".join(upload.chunks()))
        except NotUTF8 as error:
            self.add_error(
                "import_file",
                _(
                    "The file is not UTF-8 (nor Korean Excel’s CP949): line %(line)s holds a character "
                    "that can’t be read. In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again."
                )
                % {"line": error.line},
            )
            return cleaned
        if text.startswith("\ufeff"):  # a byte order mark twice (Excel re-saving a UTF-8 file)
            text = text.lstrip("\ufeff")
        cleaned["import_file"] = SimpleUploadedFile(upload.name, text.encode("utf-8"), upload.content_type)
        return cleaned


# --- the file between preview and confirmation ------------------------------------


class ImportStorageUnavailable(Exception):
    """The storage that keeps the file between preview and confirmation failed."""


class ImportFileGone(Exception):
    """No file waits under the confirmation's name (expired, confirmed already, or forged)."""


@functools.cache
def guarded_storage(storage_class):
    """``storage_class`` (one of django-import-export's temporary storages) with its
    failures as ImportStorageUnavailable and a missing file as ImportFileGone."""

    class Guarded(storage_class):
        def save(self, data):
            try:
                super().save(data)
            except Exception as error:
                raise ImportStorageUnavailable from error

        def read(self):
            try:
                data = super().read()
            except FileNotFoundError:
                raise ImportFileGone from None
            except Exception as error:
                raise ImportStorageUnavailable from error
            if data is None:  # CacheStorage: no such key
                raise ImportFileGone
            return data

        def remove(self):
            try:
                super().remove()
            except Exception:
                # The import is done; the file expires on its own.
                logger.warning("import: could not remove the temporary file %s", self.name, exc_info=True)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{storage_class.__name__}"
    return Guarded


class CatalogueConfirmImportForm(ConfirmImportForm):
    """The confirmation's hidden fields, checked: a format and a resource the admin offers."""

    def __init__(self, *args, format_count, resource_count, **kwargs):
        super().__init__(*args, **kwargs)
        self.format_count = format_count
        self.resource_count = resource_count

    def _index(self, name, count, default=None):
        value = self.cleaned_data.get(name)
        if not value and default is not None:
            return default
        if value not in {str(i) for i in range(count)}:
            raise ValidationError("not offered", code="invalid_choice")
        return value

    def clean_format(self):
        return self._index("format", self.format_count)

    def clean_resource(self):
        return self._index("resource", self.resource_count, default="0")


# --- lookups once per import --------------------------------------------------------


def batched(values, size=LOOKUP_BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class KeyInstanceLoader(BaseInstanceLoader):
    """The rows an import updates, found with one query per LOOKUP_BATCH rows.

    The key is the import id columns as written in the file; a related row named by
    slug (a SlugWidget column, as a credit's song and performer) is matched by its
    slug. A file without the key columns finds nothing (the resource reports them)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.instances = {}
        headers = (dataset.headers or []) if dataset is not None else []
        if not dataset or any(field.column_name not in headers for field in self.fields):
            return
        keys = {self.key_of_row(dict(zip(headers, values, strict=False))) for values in dataset}
        lookups = [f"{f.attribute}__slug" if self.is_related(f) else f.attribute for f in self.fields]
        queryset = resource.get_queryset()
        for batch in batched(keys):
            condition = {f"{lookup}__in": {key[i] for key in batch} for i, lookup in enumerate(lookups)}
            for instance in queryset.filter(**condition):
                key = self.key_of_instance(instance)
                if key in keys:
                    self.instances[key] = instance

    @staticmethod
    def is_related(field):
        return isinstance(field.widget, ForeignKeyWidget)

    def key_of_row(self, row):
        return tuple("" if row.get(f.column_name) is None else str(row[f.column_name]).strip() for f in self.fields)

    def key_of_instance(self, instance):
        values = []
        for field in self.fields:
            value = getattr(instance, field.attribute)
            values.append(value.slug if self.is_related(field) else str(value))
        return tuple(values)

    def get_instance(self, row):
        return self.instances.get(self.key_of_row(row))


def prefetch_slugs(model, slugs):
    """``{slug: object}`` for the ``slugs`` that exist, in batches."""
    found = {}
    for batch in batched(set(slugs)):
        found.update((obj.slug, obj) for obj in model._default_manager.filter(slug__in=batch))
    return found


# --- the admin's import views ---------------------------------------------------------


class ImportSafeguards:
    """For an admin with django-import-export's ImportMixin (listed before it): the
    upload read as UTF-8 or CP949, the preview and the confirmation answering with a
    plain message (never a server error) when the file's storage fails or the
    confirmation names a file, format or resource the preview did not offer, and the
    number of rows read said on the preview."""

    import_form_class = CatalogueImportForm
    confirm_form_class = CatalogueConfirmImportForm

    def get_tmp_storage_class(self):
        return guarded_storage(super().get_tmp_storage_class())

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "format_count": len(self.get_import_formats()),
            "resource_count": len(self.get_import_resource_classes(request)),
        }

    def import_page_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name)

    def import_action(self, request, **kwargs):
        try:
            response = super().import_action(request, **kwargs)
        except ImportStorageUnavailable:
            logger.error("import: the uploaded file could not be kept for its confirmation", exc_info=True)
            self.message_user(request, STORAGE_DOWN_PREVIEW, messages.ERROR)
            return HttpResponseRedirect(self.import_page_url())
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if result is not None and getattr(form, "cleaned_data", None):
            name = form.cleaned_data["import_file"].name
            self.message_user(
                request,
                ngettext("Read %(count)s row from %(name)s.", "Read %(count)s rows from %(name)s.", result.total_rows)
                % {"count": intcomma(result.total_rows), "name": name},
                messages.INFO,
            )
            if getattr(form, "read_as", None):
                self.message_user(
                    request,
                    _(
                        "%(name)s is not UTF-8: it was read as %(encoding)s (Korean Excel’s “CSV” encoding). "
                        "Check that the Korean text below looks right before you confirm."
                    )
                    % {"name": name, "encoding": form.read_as},
                    messages.WARNING,
                )
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportStorageUnavailable | ImportFileGone):
            logger.error("import: the uploaded file could not be read back for its preview", exc_info=e)
            form.add_error("import_file", STORAGE_DOWN_PREVIEW)
            return
        super().add_data_read_fail_error_to_form(form, e)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """django-import-export's confirmation step, with every way a confirmation can
        fail answered by a message on the import page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self.confirmation_refused(request, form.errors.as_json())
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(storage.read())
        except ImportStorageUnavailable:
            logger.error("import: the file to confirm could not be read", exc_info=True)
            self.message_user(request, STORAGE_DOWN_CONFIRM, messages.ERROR)
            return HttpResponseRedirect(self.import_page_url())
        except ImportFileGone:
            return self.confirmation_refused(request, "no such file")
        except Exception as error:  # the file read as a format it is not in
            return self.confirmation_refused(request, repr(error))
        result = self.process_dataset(dataset, form, request, **kwargs)
        storage.remove()
        return self.process_result(result, request)

    def confirmation_refused(self, request, why):
        logger.warning("import: confirmation refused (%s)", why)
        self.message_user(
            request,
            _(
                "This import could not be confirmed: its file is no longer waiting (it may have been imported "
                "already) or the confirmation was altered. Nothing was imported; upload the file again."
            ),
            messages.ERROR,
        )
        return HttpResponseRedirect(self.import_page_url())


STORAGE_DOWN_PREVIEW = _(
    "The import can’t be previewed right now: the server that keeps the file until you confirm it is not "
    "answering. Nothing was imported; please try again in a few minutes."
)
STORAGE_DOWN_CONFIRM = _(
    "The import can’t be confirmed right now: the server that keeps the file until you confirm it is not "
    "answering. Nothing was imported; please try again in a few minutes."
)
