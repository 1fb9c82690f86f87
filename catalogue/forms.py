from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.keys import MAX_QUERY_LENGTH, query_terms


class SearchForm(forms.Form):
    """The site search: a GET form, so every result page has a shareable URL."""

    TYPE_CHOICES = [
        ("", _("Everything")),
        ("works", _("Works")),
        ("songs", _("Songs")),
        ("performers", _("Performers")),
    ]

    q = forms.CharField(
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Type a title or a name to search for."),
            "max_length": _("Keep the search under %(limit_value)d characters (it has %(show_value)d)."),
        },
        widget=forms.SearchInput(
            attrs={"placeholder": _("Title or name, in English or 한국어"), "autocomplete": "off"}
        ),
    )
    type = forms.ChoiceField(label=_("Show"), choices=TYPE_CHOICES, required=False)

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not query_terms(query):
            raise ValidationError(
                _("Search with letters or numbers: punctuation alone matches nothing."), code="no_terms"
            )
        return query
