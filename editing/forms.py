"""Admin forms: the checks an editor meets while saving, each with a plain message.

- ConflictCheckMixin: a second editor's save of an entry someone changed meanwhile is
  refused, with what changed (from history). Restoring a version skips the check.
- DuplicateCheckMixin: a new work or performer whose name folds to an existing
  one's shows the likely duplicates and asks for a confirmation tick.
- WorkAdminForm: publishing needs a source (said at the top of the form and at "Status").
- MilestoneInlineForm/MilestoneFormSet: a milestone's slug, left blank, is made
  from its description, unique within its song.
- SongInlineForm/SongInlineFormSet: songs edited from their work, with their
  performers ("Sung by"), repeated titles and release dates outside the run caught.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalogue.models import Milestone, Performer, Song, Work

from . import services


class ValidValuesOnlyMixin:
    """Django's autocomplete widgets look up whatever the browser sent when a form
    with errors is shown again; an id that is not a number ("not-a-number", a
    hand-edited POST) made that lookup raise, a 500 instead of the field's own
    "Select a valid choice" message. Only values of the right type are looked up."""

    def optgroups(self, name, value, attr=None):
        pk = self.field.remote_field.model._meta.pk
        valid = []
        for item in value:
            try:
                pk.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(ValidValuesOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidValuesOnlyMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For admins and inlines with autocomplete_fields: the widgets above instead of Django's."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class VersionField(forms.IntegerField):
    """The history version an editor opened. Never counts as a change by itself."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class ConflictCheckMixin(forms.ModelForm):
    loaded_version = VersionField(required=False)

    #: False while restoring a version from history: a restore is meant to replace.
    check_conflicts = True
    #: Inline rows an editor left untouched are not saved, so they need no check.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.instance._state.adding:
            current = services.latest_version_id(instance=self.instance)
            self.fields["loaded_version"].initial = current
            self.compare_with_loaded_version(current)

    def compare_with_loaded_version(self, current):
        """What the editor changed is measured against the version they opened, not the
        row as it is now: a row someone else saved meanwhile, which this editor left
        alone, is then "unchanged" and not saved over theirs."""
        if not self.is_bound:
            return
        try:
            loaded = int(self.data.get(self.add_prefix("loaded_version")) or 0)
        except (TypeError, ValueError):
            return
        if not loaded or loaded == current:
            return
        opened = services.loaded_version(instance=self.instance, version_id=loaded)
        if opened is not None:
            self.initial.update(
                forms.models.model_to_dict(opened, fields=self._meta.fields, exclude=self._meta.exclude)
            )

    def clean(self):
        cleaned_data = super().clean()
        self.check_for_conflict(cleaned_data)
        return cleaned_data

    def check_for_conflict(self, cleaned_data):
        instance = self.instance
        if not self.check_conflicts or instance.pk is None or instance._state.adding:
            return
        if self.add_prefix("loaded_version") not in self.data:
            return
        if not self.check_unchanged and not self.has_changed():
            return
        # Lock the row until this save commits (the admin wraps it in a transaction),
        # so two saves cannot both pass the check.
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
        loaded = cleaned_data.get("loaded_version")
        current = services.latest_version_id(instance=instance)
        if current is None or current == loaded:
            return
        messages = [
            ValidationError(
                _(
                    "Someone else saved %(entry)s while you were editing it, so your changes were NOT saved. "
                    "Their changes are listed below. Compare them with yours in this form: saving again "
                    "will replace theirs with what this form holds."
                ),
                code="conflict",
                params={"entry": instance},
            )
        ]
        for user, when, fields in services.changes_since(instance=instance, version_id=loaded):
            who = user.get_username() if user else _("someone (outside the admin)")
            stamp = date_format(timezone.localtime(when), "DATETIME_FORMAT")
            if fields:
                detail = format_html_join(
                    "; ", "{}: “{}” → “{}”", ((label, old or "", new or "") for label, old, new in fields)
                )
            else:
                detail = _("no change to these fields (its songs, credits or members may have changed)")
            messages.append(ValidationError(format_html("{} ({}): {}", who, stamp, detail), code="conflict"))
        # Let a second, deliberate save through: the editor has now seen what changed.
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = current
        self.data = data
        raise ValidationError(messages)


class DuplicateCheckMixin(forms.ModelForm):
    confirm_new = forms.BooleanField(
        required=False,
        label=_("Yes, this is a new entry"),
        help_text=_("Tick this only when the site warns about a likely duplicate and you are sure it is different."),
    )
    duplicate_field = "title"

    def find_duplicates(self, cleaned_data):
        raise NotImplementedError

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance._state.adding or cleaned_data.get("confirm_new"):
            return cleaned_data
        duplicates = self.find_duplicates(cleaned_data)
        if duplicates:
            links = format_html_join(", ", '<a href="{}">{}</a>', ((admin_url(d), str(d)) for d in duplicates))
            self.add_error(
                self.duplicate_field,
                ValidationError(
                    format_html(
                        "{} {}. {}",
                        _("This looks like an entry we already have:"),
                        links,
                        _("If it really is a different one, tick “Yes, this is a new entry” and save again."),
                    ),
                    code="likely_duplicate",
                ),
            )
        return cleaned_data


def admin_url(obj):
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return obj.get_absolute_url()


class WorkAdminForm(DuplicateCheckMixin, ConflictCheckMixin, forms.ModelForm):
    duplicate_field = "title"

    def find_duplicates(self, cleaned_data):
        return services.work_likely_duplicates(
            title=cleaned_data.get("title", ""),
            title_ko=cleaned_data.get("title_ko", ""),
            title_romanized=cleaned_data.get("title_romanized", ""),
            alternative_titles=cleaned_data.get("alternative_titles", ""),
        )

    def clean(self):
        cleaned_data = super().clean()
        # Checked when a work becomes published, or when a published work's sources change,
        # so an older published entry without sources can still be corrected.
        becomes_published = self.initial.get("status") != Work.Status.PUBLISHED or "sources" in self.changed_data
        if cleaned_data.get("status") == Work.Status.PUBLISHED and "sources" in self.fields and becomes_published:
            sources = cleaned_data.get("sources")
            if not services.work_can_publish(work=self.instance, sources=list(sources or [])):
                message = _(
                    "A work can be published only when it names at least one source. "
                    "Add a source under “Sources”, or keep it as a draft for now."
                )
                # At "Status", far down the page, and at the top under the admin's
                # "Please correct the error below", where the editor looks first.
                self.add_error("status", message)
                self.add_error(None, ValidationError(message, code="publish_needs_source"))
        return cleaned_data


class PerformerAdminForm(DuplicateCheckMixin, ConflictCheckMixin, forms.ModelForm):
    duplicate_field = "name"

    def find_duplicates(self, cleaned_data):
        return services.performer_likely_duplicates(
            name=cleaned_data.get("name", ""), name_ko=cleaned_data.get("name_ko", "")
        )


class SongAdminForm(ConflictCheckMixin, forms.ModelForm):
    pass


def wrap_with_add_link(widget, admin_site=None):
    """The admin's "+" next to a performer picker, to create a performer on the spot."""
    admin_site = admin_site or admin.site
    return RelatedFieldWidgetWrapper(
        widget,
        Song._meta.get_field("performers").remote_field,
        admin_site,
        can_add_related=True,
        can_change_related=False,
        can_delete_related=False,
        can_view_related=False,
    )


class SongInlineForm(ConflictCheckMixin, forms.ModelForm):
    """A song on its work's page, with its performers editable there too."""

    sung_by = forms.ModelMultipleChoiceField(
        queryset=Performer.objects.all(),
        required=False,
        label=_("Sung by"),
        help_text=_("Search by English or Korean name; “+” adds a new performer. New ones are credited as lead."),
        # Autocomplete by English or Korean name (the performer admin's search).
        widget=SafeAutocompleteSelectMultiple(Song._meta.get_field("performers"), admin.site),
    )
    check_unchanged = False

    class Media:
        # When the picker finds nobody, it offers to create the performer that was
        # typed, in the "+" pop-up with the name filled in (static/js/).
        js = ["admin/js/jquery.init.js", "js/admin-autocomplete-create.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        picker = self.fields["sung_by"].widget
        picker.attrs["data-create-label"] = _("Add “%(term)s” as a new performer")
        self.fields["sung_by"].widget = wrap_with_add_link(picker)
        if self.instance.pk:
            self.fields["sung_by"].initial = [c.performer_id for c in self.instance.credits.in_billing_order()]

    def ordered_performers(self):
        chosen = {p.pk: p for p in self.cleaned_data.get("sung_by") or []}
        posted = [int(v) for v in self.data.getlist(self.add_prefix("sung_by")) if str(v).isdigit()]
        return [chosen[pk] for pk in dict.fromkeys(posted) if pk in chosen] or list(chosen.values())

    def save(self, commit=True):
        song = super().save(commit=commit)
        if commit:
            self.save_performers(song)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_performers():
                save_m2m()
                self.save_performers(song)

            self.save_m2m = save_m2m_and_performers
        return song

    def save_performers(self, song):
        if "sung_by" in self.changed_data or song._state.adding:
            services.song_set_performers(song=song, performers=self.ordered_performers())


def song_extra_links(song):
    """What a song row on its work's page offers instead of nested inlines: links to
    the song's own page, opened at its listen links or milestones with a blank row
    ready (SongAdmin's ``?add=``), in a new tab so the work's form stays as it is."""
    if song is None or song.pk is None:
        return _("Save the work first; then add its listen links and milestones here.")
    url = reverse("admin:catalogue_song_change", args=[song.pk])
    links = [
        (f"{url}?add={prefix}#{prefix}-group", label % {"count": count})
        for prefix, label, count in [
            ("listen_links", _("Add a listen link (%(count)d so far)"), song.listen_links.count()),
            ("milestones", _("Add a milestone (%(count)d so far)"), song.milestones.count()),
        ]
    ]
    return format_html(
        '<span class="song-extras">{}</span>',
        format_html_join("", '<a href="{}" target="_blank" rel="noopener">{}</a>', links),
    )


class SongInlineFormSet(BaseInlineFormSet):
    """Rules across the songs of one work, checked against the work as it is being saved."""

    def clean(self):
        super().clean()
        work = self.instance
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            title = data.get("title")
            if title:
                key = Song.title_key(title)
                if key in seen:
                    form.add_error(
                        "title", _("Another song in this work is already called “%(title)s”.") % {"title": title}
                    )
                seen.add(key)
            if "release_date" not in form.errors:
                message = Song.release_date_error(data.get("release_date"), work)
                if message:
                    form.add_error("release_date", message)


class MilestoneInlineForm(forms.ModelForm):
    """A milestone on its song's page; its slug may be left blank."""

    #: Slugs the other rows of the same formset have (shared, set by MilestoneFormSet).
    reserved_slugs = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Left blank, it is made from the description.")

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug") and cleaned_data.get("description"):
            cleaned_data["slug"] = self.unique_slug(cleaned_data["description"], cleaned_data.get("kind"))
        return cleaned_data

    def unique_slug(self, description, kind):
        """The description as a slug ("no-1-on-melon"), led by the kind when it has no
        Latin letters ("멜론 1위": "chart-1"); -2, -3… when the song already has it."""
        taken = set(self.reserved_slugs or ())
        if self.instance.song_id:
            taken.update(
                Milestone.objects.filter(song_id=self.instance.song_id)
                .exclude(pk=self.instance.pk)
                .values_list("slug", flat=True)
            )
        limit = Milestone._meta.get_field("slug").max_length
        if not any(c.isascii() and c.isalpha() for c in slugify(description)):
            description = f"{kind or 'milestone'} {description}"
        slug = unique_slug(description, taken.__contains__, limit)
        if self.reserved_slugs is not None:
            self.reserved_slugs.add(slug)
        return slug


def unique_slug(text, is_taken, limit):
    """``text`` as a slug of at most ``limit`` characters that ``is_taken`` refuses
    not: "taeil", else "taeil-2", "taeil-3"…; "" when ``text`` has no Latin letters."""
    base = slugify(text)[:limit].strip("-")
    slug, number = base, 1
    while base and is_taken(slug):
        number += 1
        suffix = f"-{number}"
        slug = base[: limit - len(suffix)].rstrip("-") + suffix
    return slug


class MilestoneFormSet(BaseInlineFormSet):
    """Slugs made for blank rows avoid the slugs typed in the other rows and each other."""

    def full_clean(self):
        if self.is_bound:
            reserved = set()
            for form in self.forms:
                typed = (self.data.get(form.add_prefix("slug")) or "").strip()
                if typed and not self.data.get(form.add_prefix("DELETE")):
                    reserved.add(typed)
            for form in self.forms:
                form.reserved_slugs = reserved
        super().full_clean()


__all__ = [
    "song_extra_links",
    "unique_slug",
    "MilestoneFormSet",
    "MilestoneInlineForm",
    "PerformerAdminForm",
    "SongAdminForm",
    "SongInlineForm",
    "SongInlineFormSet",
    "WorkAdminForm",
]
