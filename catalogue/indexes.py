"""The A–Z and ㄱ–ㅎ indexes: every published performer (/performers/) and song
(/songs/), a section at a time (?letter=), paginated (?page=), performers also by
kind (?kind=). A GET form checks the parameters, so a bad one is a 400 that says
what is wrong; a page past the last is a 404."""

from urllib.parse import urlencode

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from pagecache.version import remember

from .models import Performer, Song
from .pagination import KnownCountPaginator
from .querysets import HANGUL_INITIALS, LATIN_INITIALS, OTHER_INITIAL


class LetterField(forms.ChoiceField):
    """A section of the index: "A" to "Z" (any case), "#" or "ㄱ" to "ㅎ"."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class IndexForm(forms.Form):
    letter = LetterField(
        choices=[(initial, initial) for initial in (*LATIN_INITIALS, OTHER_INITIAL, *HANGUL_INITIALS)],
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "There is no section “%(value)s”: choose a letter from A to Z, # or a consonant from ㄱ to ㅎ."
            )
        },
    )
    page = forms.IntegerField(
        min_value=1,
        required=False,
        error_messages={
            "invalid": gettext_lazy("A page number is a whole number: 1, 2, 3 …"),
            "min_value": gettext_lazy("Pages are numbered from 1."),
        },
    )


class PerformerIndexForm(IndexForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            ("", gettext_lazy("Every performer")),
            ("solo", gettext_lazy("Solo singers")),
            ("group", gettext_lazy("Groups and bands")),
            ("fictional", gettext_lazy("Fictional performers")),
        ],
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("“%(value)s” is not a kind of performer: choose solo, group or fictional.")
        },
    )
    field_order = ["kind", "letter", "page"]


def section_label(letter):
    return _("Digits and symbols") if letter == OTHER_INITIAL else letter


class IndexView(ListView):
    """One section of an index (or all of it), paginated. The number of entries in
    each section is kept per catalogue version, so a page costs the query for its
    own rows (and their prefetches), not a COUNT, however large the catalogue."""

    paginate_by = 50
    context_object_name = "entries"
    form_class = IndexForm
    model = None
    title = ""  # the index's name, in <title> and <h1>

    def get(self, request, *args, **kwargs):
        self.form = self.form_class(request.GET)
        self.valid = self.form.is_valid()
        response = super().get(request, *args, **kwargs)
        if not self.valid:
            response.status_code = 400
        return response

    @property
    def params(self):
        """The valid, non-empty filters (not the page), in the form's order."""
        data = self.form.cleaned_data if self.valid else {}
        return {name: data[name] for name in self.form.fields if name != "page" and data.get(name)}

    def published(self):
        return self.model.objects.published()

    def get_queryset(self):
        if not self.valid:
            return self.model.objects.none()
        return self.published().in_index(self.params.get("letter"))

    def get_paginate_by(self, queryset):
        return self.paginate_by if self.valid else None

    @cached_property
    def counts(self):
        """Entries per section of what ``published()`` lists (kept per catalogue version)."""
        kind = self.params.get("kind", "")
        return remember(f"index:{self.model._meta.model_name}:{kind}", self.published().index_counts)

    def get_paginator(self, queryset, per_page, **kwargs):
        letter = self.params.get("letter")
        count = self.counts["sections"].get(letter, 0) if letter else self.counts["total"]
        return KnownCountPaginator(queryset, per_page, count=count, **kwargs)

    def title_parts(self):
        """What the page holds, most specific first, for its <title>."""
        letter = self.params.get("letter")
        return [section_label(letter)] if letter else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.params
        page = context["page_obj"]
        query = urlencode(params)
        page_query = urlencode({**params, "page": page.number}) if page and page.number > 1 else query
        counts = self.counts
        context.update(
            form=self.form,
            index_title=self.title,
            title_parts=self.title_parts(),
            letter=params.get("letter"),
            korean_section=params.get("letter") in HANGUL_INITIALS,
            letter_label=section_label(params["letter"]) if params.get("letter") else "",
            query_without_page=query,
            canonical_url=f"{self.request.path}?{page_query}" if page_query else self.request.path,
            latin_sections=self.sections((*LATIN_INITIALS, OTHER_INITIAL), counts),
            hangul_sections=self.sections(HANGUL_INITIALS, counts),
            total=counts["total"],
        )
        return context

    def sections(self, letters, counts):
        """The letter bar: each section with its link (keeping the other filters)
        and whether it holds anything."""
        others = {name: value for name, value in self.params.items() if name != "letter"}
        return [
            {
                "letter": letter,
                "label": section_label(letter),
                "query": urlencode({**others, "letter": letter}),
                "entries": counts["sections"].get(letter, 0),
            }
            for letter in letters
        ]


class PerformerIndexView(IndexView):
    model = Performer
    form_class = PerformerIndexForm
    title = gettext_lazy("Performers A–Z")

    KIND_TITLES = {
        "solo": gettext_lazy("Solo singers"),
        "group": gettext_lazy("Groups and bands"),
        "fictional": gettext_lazy("Fictional performers"),
    }

    def published(self):
        return Performer.objects.published().of_kind(self.params.get("kind"))

    def title_parts(self):
        kind = self.params.get("kind")
        return [*([self.KIND_TITLES[kind]] if kind else []), *super().title_parts()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.params.get("kind")
        context["all_query"] = urlencode({key: value for key, value in self.params.items() if key != "letter"})
        return context


class SongIndexView(IndexView):
    model = Song
    title = gettext_lazy("Songs A–Z")

    def get_queryset(self):
        return super().get_queryset().for_index()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["all_query"] = ""
        return context
