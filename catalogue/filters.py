import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import search
from .models import MAX_YEAR, MIN_YEAR, Network, Performer, Work


def decade_choices():
    return [(d, f"{d}s") for d in range(1990, 2030, 10)]


class WorkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), method="filter_text", max_length=100)
    kind = django_filters.ChoiceFilter(choices=Work.Kind.choices, empty_label=_("Any kind"))
    network = django_filters.ModelChoiceFilter(
        queryset=Network.objects.all(),
        to_field_name="slug",
        empty_label=_("Any network"),
        method="filter_network",
    )
    year_min = django_filters.NumberFilter(
        field_name="year",
        lookup_expr="gte",
        label=_("From year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    year_max = django_filters.NumberFilter(
        field_name="year",
        lookup_expr="lte",
        label=_("To year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    # ChoiceFilter, not TypedChoiceFilter: only ChoiceFilter's field takes empty_label.
    decade = django_filters.ChoiceFilter(
        choices=decade_choices, method="filter_decade", empty_label=_("Any decade"), label=_("Decade")
    )
    performer = django_filters.ModelChoiceFilter(
        queryset=Performer.objects.all(),
        to_field_name="slug",
        method="filter_performer",
        label=_("Performer"),
        widget=forms.TextInput(attrs={"placeholder": "performer-slug"}),
    )

    class Meta:
        model = Work
        fields = ["q", "kind", "network", "year_min", "year_max", "decade", "performer"]

    def filter_text(self, queryset, name, value):
        match = Q()
        for term in search.query_terms(value):
            match |= Q(search_key__contains=term)
        return queryset.filter(match) if match else queryset

    def filter_network(self, queryset, name, value):
        return queryset.filter(Q(network=value) | Q(also_on=value)).distinct()

    def filter_decade(self, queryset, name, value):
        decade = int(value)  # validated against decade_choices already
        return queryset.filter(year__gte=decade, year__lt=decade + 10)

    def filter_performer(self, queryset, name, value):
        return queryset.filter(
            Q(songs__credits__performer=value)
            | Q(songs__credits__performer__group_memberships__group=value)
            | Q(songs__credits__performer__memberships__member=value)
        ).distinct()
