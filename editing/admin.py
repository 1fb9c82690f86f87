"""The editors' workshop.

A work, its songs and their performers can be entered from one page (songs inline,
performers picked by autocomplete or created with "+"); a song's credits are edited
from the song and from its work; a group's members from the group and the member.
Every change is recorded (django-simple-history) and can be restored from the entry's
history page; a save that would overwrite a colleague's change is refused with what
changed. Works start as drafts and are published once they name a source.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import Credit, ListenLink, Membership, Milestone, Network, Performer, Song, Source, Work
from search.keys import query_terms

from . import services
from .bounds import BoundedChangelistMixin
from .forms import (
    MilestoneFormSet,
    MilestoneInlineForm,
    PerformerAdminForm,
    SafeAutocompleteMixin,
    SongAdminForm,
    SongInlineForm,
    SongInlineFormSet,
    WorkAdminForm,
    song_extra_links,
    unique_slug,
)
from .history import SittingHistoryMixin
from .imports import ImportSafeguards
from .resources import CreditResource, PerformerResource, SongResource, WorkResource


class SearchKeyMixin:
    """Admin search (and autocomplete) that also matches the folded search key, so
    "shin seung hoon", "Shin Seung-hun" and "신승훈" find the same performer."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        terms = query_terms(search_term)
        if terms:
            condition = Q()
            for term in terms:
                condition |= Q(search_key__contains=term)
            results = queryset.filter(Q(pk__in=results.values("pk")) | condition)
        return results, may_have_duplicates


class CatalogueImportExportMixin(ImportSafeguards, ImportExportMixin):
    """Import and export in CSV and JSON: a file whole or not at all, read as UTF-8
    or Korean Excel's CP949, with plain messages when it can't be (editing.imports)."""

    import_formats = [CSV, JSON]
    export_formats = [CSV, JSON]

    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # A file is imported whole or not at all, even when its confirmation is
        # posted for a file whose preview showed errors.
        kwargs = super().get_import_data_kwargs(**kwargs)
        return {**kwargs, "use_transactions": True, "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported: the file has errors. Upload it again to see them row by row."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)


class EntryHistoryAdmin(SimpleHistoryAdmin):
    """History with field-by-field changes; "Revert" restores an earlier version,
    which the conflict check never refuses. Bringing back a deleted entry from its
    history is a chief editor's right (it needs the delete permission); a restored
    published work that names no source comes back as a draft; a restore is logged
    in the admin's Recent actions as "Restored version N"."""

    restoring_attr = "_restoring_version"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        setattr(request, self.restoring_attr, version_id)
        if request.method == "POST" and not self.may_restore(request, object_id):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def may_restore(self, request, object_id):
        """A version of an entry that still exists is restored by whoever may change it
        (simple-history checks that); bringing back a deleted entry also needs the
        delete permission, which only chief editors have."""
        return self.get_object(request, str(object_id)) is not None or self.has_delete_permission(request)

    def revert_disabled(self, request, obj=None):
        if obj is not None and not self.may_restore(request, obj.pk):
            return True
        return super().revert_disabled(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        version_id = getattr(request, self.restoring_attr, None)
        if version_id is not None:
            # Compared with the version itself the form changes nothing ("No fields changed.").
            return str(_("Restored version %(version)s") % {"version": version_id})
        return super().construct_change_message(request, form, formsets, add)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, self.restoring_attr, None) is not None:
            form = type(form.__name__, (form,), {"check_conflicts": False})
        return form

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None:
            fields = [f for f in fields if f != "confirm_new"]
        return fields

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, self.restoring_attr, None)
        if version_id is not None:
            obj._change_reason = _("Restored version %(version)s") % {"version": version_id}
            if isinstance(obj, Work):
                sources = form.cleaned_data.get("sources")
                if services.work_restore_as_draft_if_unsourced(
                    work=obj, sources=None if sources is None else list(sources)
                ):
                    self.message_user(
                        request,
                        _(
                            "“%(entry)s” was restored as a draft: that version was published, but the work "
                            "names no source now (history does not keep a work's sources). Add a source, "
                            "then publish it."
                        )
                        % {"entry": obj},
                        messages.WARNING,
                    )
        super().save_model(request, obj, form, change)


@admin.register(Source)
class SourceAdmin(BoundedChangelistMixin, admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "slug"]
    search_fields = ["publisher", "title", "url", "slug"]
    prepopulated_fields = {"slug": ["publisher", "title"]}


@admin.register(Network)
class NetworkAdmin(BoundedChangelistMixin, admin.ModelAdmin):
    list_display = ["name", "name_ko", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ko"]
    prepopulated_fields = {"slug": ["name"]}


class CreditInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["performer"]
    fields = ["performer", "role", "order", "note"]


class SongInline(admin.StackedInline):
    """Songs on their work's page, with their performers: a whole entry in one sitting."""

    model = Song
    form = SongInlineForm
    formset = SongInlineFormSet
    extra = 1
    show_change_link = True
    fields = [
        ("title", "title_ko"),
        "slug",
        "sung_by",
        ("role", "is_signature"),
        ("ost_part", "release_date", "release_date_precision"),
        "listen_links_and_milestones",
        "loaded_version",
    ]
    readonly_fields = ["listen_links_and_milestones"]
    prepopulated_fields = {"slug": ["title"]}

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    @admin.display(description=_("Listen links and milestones"))
    def listen_links_and_milestones(self, song):
        # No nested inlines in Django's admin: links to the song's own page (forms.py).
        return song_extra_links(song)


@admin.register(Work)
class WorkAdmin(
    BoundedChangelistMixin,
    SafeAutocompleteMixin,
    CatalogueImportExportMixin,
    SearchKeyMixin,
    SittingHistoryMixin,
    EntryHistoryAdmin,
):
    form = WorkAdminForm
    resource_classes = [WorkResource, SongResource, CreditResource]
    list_display = ["title", "title_ko", "year", "kind", "network", "status", "source_count"]
    list_filter = ["status", "kind", "network", "year"]
    list_select_related = ["network"]
    search_fields = ["title", "title_ko", "alternative_titles", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "sources"]
    filter_horizontal = ["also_on"]
    inlines = [SongInline]
    date_hierarchy = "first_aired"
    actions = ["publish", "unpublish"]
    readonly_fields = ["published_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "title_ko",
                    "title_romanized",
                    "alternative_titles",
                    "aliases",
                    "slug",
                    "confirm_new",
                ]
            },
        ),
        (_("The work"), {"fields": ["kind", "year", "first_aired", "last_aired", "network", "also_on", "episodes"]}),
        (_("In our own words"), {"fields": ["credits_note", "summary", "soundtrack_note", "fact_notes"]}),
        (
            _("Sources and publishing"),
            {
                "fields": ["sources", "status", "published_at", "updated_at", "loaded_version"],
                "description": _("A work is published only once it names at least one source."),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_total=Count("sources", distinct=True))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "confirm_new"]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("sources"), ordering="source_total")
    def source_count(self, work):
        return work.source_total

    @admin.action(description=_("Publish the selected works"), permissions=["change"])
    def publish(self, request, queryset):
        result = services.works_publish(works=queryset, user=request.user)
        if result.changed:
            self.message_user(
                request,
                ngettext("Published %(count)d work.", "Published %(count)d works.", len(result.changed))
                % {"count": len(result.changed)},
                messages.SUCCESS,
            )
        if result.skipped:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    _("Not published, because they name no source yet:"),
                    ", ".join(str(work) for work in result.skipped),
                ),
                messages.WARNING,
            )
        if not result.changed and not result.skipped:
            self.message_user(request, _("The selected works were already published."), messages.INFO)

    @admin.action(description=_("Unpublish the selected works (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        result = services.works_unpublish(works=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d work is a draft again.", "%(count)d works are drafts again.", len(result.changed))
            % {"count": len(result.changed)},
            messages.SUCCESS,
        )


class OfferedRowMixin:
    """A blank row when the work's page linked here to add one (``?add=<prefix>``)."""

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if request.GET.get("add") == self.opts.get_field("song").remote_field.get_accessor_name() else 0


class MilestoneInline(OfferedRowMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = Milestone
    form = MilestoneInlineForm
    formset = MilestoneFormSet
    extra = 0
    autocomplete_fields = ["sources"]


class ListenLinkInline(OfferedRowMixin, admin.TabularInline):
    model = ListenLink
    extra = 0


@admin.register(Song)
class SongAdmin(
    BoundedChangelistMixin, SafeAutocompleteMixin, CatalogueImportExportMixin, SearchKeyMixin, EntryHistoryAdmin
):
    form = SongAdminForm
    resource_classes = [SongResource, CreditResource]
    list_display = ["title", "title_ko", "work", "ost_part", "role", "is_signature"]
    list_filter = ["role", "is_signature", "work__status", "work__kind"]
    list_select_related = ["work"]
    search_fields = ["title", "title_ko", "slug", "work__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["work", "remake_of", "sources"]
    inlines = [CreditInline, MilestoneInline, ListenLinkInline]
    readonly_fields = ["updated_at"]
    save_on_top = True


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    """A group's members on the group's page, a member's groups on the member's."""

    model = Membership
    extra = 0


class MemberInline(MembershipInline):
    fk_name = "group"
    autocomplete_fields = ["member"]
    verbose_name, verbose_name_plural = _("member"), _("members")


class GroupInline(MembershipInline):
    fk_name = "member"
    autocomplete_fields = ["group"]
    verbose_name, verbose_name_plural = _("group"), _("groups")


class PerformerCreditInline(admin.TabularInline):
    """The performer's credits, read-only here: they are edited from the song or its work."""

    model = Credit
    extra = 0
    fields = ["song", "role", "order"]
    readonly_fields = ["song", "role", "order"]
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("credits (edit them from the song or its work)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("song")


@admin.register(Performer)
class PerformerAdmin(
    BoundedChangelistMixin, SafeAutocompleteMixin, CatalogueImportExportMixin, SearchKeyMixin, EntryHistoryAdmin
):
    form = PerformerAdminForm
    resource_classes = [PerformerResource]
    list_display = ["name", "name_ko", "kind", "is_fictional"]
    list_filter = ["kind", "is_fictional"]
    search_fields = ["name", "name_ko", "real_name", "real_name_ko", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    readonly_fields = ["updated_at"]
    inlines = [MemberInline, GroupInline, PerformerCreditInline]

    def get_changeform_initial_data(self, request):
        # The "Sung by" picker's "Add “name” as a new performer" opens this form with
        # ?name=: its slug comes with it, unique, as the name field would have made it.
        initial = super().get_changeform_initial_data(request)
        if initial.get("name") and not initial.get("slug"):
            limit = Performer._meta.get_field("slug").max_length
            initial["slug"] = unique_slug(
                initial["name"], lambda slug: Performer.objects.filter(slug=slug).exists(), limit
            )
        return initial

    def get_inlines(self, request, obj):
        # In the "+" pop-up from a song, keep the form short: name first, details later.
        if obj is None:
            return [MemberInline, GroupInline]
        return self.inlines
