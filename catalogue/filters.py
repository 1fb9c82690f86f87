import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from search.keys import query_terms
from search.query import matches

from .models import DECADES, MAX_YEAR, MIN_YEAR, Membership, Network, Performer, Work


def decade_choices():
    return [(d, f"{d}s") for d in DECADES]


def year_filter(lookup_expr, label):
    return django_filters.NumberFilter(
        field_name="year", lookup_expr=lookup_expr, label=label, min_value=MIN_YEAR, max_value=MAX_YEAR
    )


class PerformerField(ModelChoiceField):
    """A performer typed in a text box: the name as a song credits it, in English
    (any case) or Korean, or the slug of their page; at most three lookups."""

    default_error_messages = {
        "invalid_choice": _("No performer is called “%(value)s”. Type the name as a song page credits it."),
        "ambiguous": _(
            "Several performers are called “%(value)s”: type the last part of their page's address (%(slugs)s)."
        ),
    }

    SHOWN = 4  # slugs named when several performers share the name typed

    def lookups(self, value):
        # Each answered by an index on Performer: its unique slug, UPPER(name), name_ko.
        yield Q(slug=value)
        yield Q(Exact(Upper("name"), Upper(Value(value))))
        yield Q(name_ko=value)

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        # As ModelChoiceField.to_python does: PostgreSQL text cannot hold a NUL.
        self.validate_no_null_characters(value)
        for condition in self.lookups(value):
            found = list(self.queryset.filter(condition).order_by("slug")[: self.SHOWN + 1])
            if len(found) == 1:
                return found[0]
            if found:
                slugs = [performer.slug for performer in found[: self.SHOWN]]
                if len(found) > self.SHOWN:
                    slugs.append("…")
                raise ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={"value": value, "slugs": ", ".join(slugs)},
                )
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class PerformerFilter(django_filters.ModelChoiceFilter):
    field_class = PerformerField


class WorkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), method="filter_text", max_length=100)
    kind = django_filters.ChoiceFilter(choices=Work.Kind.choices, empty_label=_("Any kind"), label=_("Kind"))
    network = django_filters.ModelChoiceFilter(
        queryset=Network.objects.all(),
        to_field_name="slug",
        empty_label=_("Any network"),
        method="filter_network",
        label=_("Network"),
    )
    year_min = year_filter("gte", _("From year"))
    year_max = year_filter("lte", _("To year"))
    # ChoiceFilter, not TypedChoiceFilter: only ChoiceFilter's field takes empty_label.
    decade = django_filters.ChoiceFilter(
        choices=decade_choices, method="filter_decade", empty_label=_("Any decade"), label=_("Decade")
    )
    performer = PerformerFilter(
        queryset=Performer.objects.all(),
        method="filter_performer",
        label=_("Performer"),
        widget=forms.TextInput(attrs={"placeholder": "IU, 아이유", "maxlength": 100}),
    )

    class Meta:
        model = Work
        fields = ["q", "kind", "network", "year_min", "year_max", "decade", "performer"]

    # Each filter is a plain condition or a semi-join (IN subquery), never a JOIN
    # that needs DISTINCT: the page's COUNT(*) and its rows then come from indexes
    # and cost the same whatever the catalogue's size.

    def filter_text(self, queryset, name, value):
        terms = query_terms(value)
        return queryset.filter(matches(terms, Work)) if terms else queryset

    # Up to this many works streamed on a network go into the query as a list.
    STREAMED_AS_LIST = 1000

    def filter_network(self, queryset, name, value):
        """Works first aired on the network or streamed there (``also_on``).

        The streamed works are read first, as a list, so the plan stays on the
        (network, status, timeline order) index (docs/performance.md)."""
        streamed = Work.also_on.through.objects.filter(network=value).values_list("work_id", flat=True)
        listed = list(streamed[: self.STREAMED_AS_LIST + 1])
        if not listed:
            return queryset.filter(network=value)
        if len(listed) > self.STREAMED_AS_LIST:
            return queryset.filter(Q(network=value) | Q(pk__in=streamed))
        return queryset.filter(Q(network=value) | Q(pk__in=listed))

    def filter_decade(self, queryset, name, value):
        decade = int(value)  # validated against decade_choices already
        return queryset.filter(year__gte=decade, year__lt=decade + 10)

    def filter_performer(self, queryset, name, value):
        """Works with a song by the performer, by a group they belong to, or by a
        member of theirs (a group)."""
        # The few performer ids first, as a list: nested IN subqueries read every credit.
        bands = Membership.objects.filter(Q(group=value) | Q(member=value)).values_list("group_id", "member_id")
        return queryset.sharing_performers({value.pk, *(pk for pair in bands for pk in pair)})
