"""The read API of the catalogue. Visibility is decided here, once.

Views, feeds, sitemaps, search and exports all start from ``published()``.
"""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import IsNull

# Timeline order: year, then air date with the undated works of a year last, then
# title. "Undated last" is its own sort key rather than NULLS LAST, which SQLite
# can't read from an index: the indexes on Work (models.py) hold these same keys,
# so a page of the timeline reads its 30 rows in order instead of sorting a year.
UNDATED_LAST = IsNull(models.F("first_aired"), True)
TIMELINE_ORDER = (models.F("year"), UNDATED_LAST, models.F("first_aired"), models.F("title"), models.F("id"))


def credits_prefetch(lookup="credits", *, to_attr=None):
    """A song's credits with their performers, in billing order: the one prefetch
    that pages, exports and the admin use to show who sang."""
    from .models import Credit

    return Prefetch(lookup, queryset=Credit.objects.in_billing_order(), to_attr=to_attr)


class NaturalKeyQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class WorkQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def in_timeline_order(self):
        return self.order_by(*TIMELINE_ORDER)

    def with_music(self):
        """Works with their network, signature songs (``signature_songs``) and those
        songs' credits with performers (``song.credit_list``): plain lists, as a
        card needs them, without a queryset per song."""
        from .models import Song

        songs = (
            Song.objects.filter(is_signature=True)
            .order_by("release_date", "title")
            .prefetch_related(credits_prefetch(to_attr="credit_list"))
        )
        return self.select_related("network").prefetch_related(
            Prefetch("songs", queryset=songs, to_attr="signature_songs")
        )

    def for_timeline(self):
        return self.published().with_music().in_timeline_order()

    def in_years(self, first, last):
        return self.filter(year__gte=first, year__lte=last)

    def sharing_performers(self, performer_ids):
        # A semi-join (IN subquery), not JOIN + DISTINCT: the planner then reads the
        # few credited works first instead of de-duplicating the whole catalogue.
        from .models import Song

        return self.filter(pk__in=Song.objects.filter(credits__performer_id__in=performer_ids).values("work_id"))

    def figures(self):
        """Era figures in one query: works, songs, networks and performers."""
        return self.aggregate(
            works=Count("pk", distinct=True),
            song_count=Count("songs", distinct=True),
            networks=Count("network", distinct=True),
            performers=Count("songs__credits__performer", distinct=True),
        )

    def stats(self):
        """Figures, works and songs per year, and the busiest networks, as plain data
        so they can be kept per catalogue version (pagecache.version.remember)."""
        return {
            "figures": self.figures(),
            "by_year": list(self.counts_by_year()),
            "by_network": list(self.counts_by_network()),
        }

    def counts_by_year(self):
        return (
            self.order_by()
            .values("year")
            .annotate(works=Count("pk", distinct=True), song_count=Count("songs", distinct=True))
            .order_by("year")
        )

    def counts_by_network(self, limit=8):
        return (
            self.filter(network__isnull=False)
            .order_by()
            .values("network__name", "network__slug")
            .annotate(works=Count("pk"))
            .order_by("-works", "network__name")[:limit]
        )


class SongQuerySet(NaturalKeyQuerySet):
    def published(self):
        from .models import Work

        return self.filter(Q(work__status=Work.Status.PUBLISHED) | Q(work__isnull=True))

    def with_credits(self):
        return self.select_related("work", "work__network").prefetch_related(credits_prefetch())

    def sung_by(self, performer_ids):
        """Published songs credited to any of these performers (a singer, their groups,
        a group's members), in career order, with every credit of each song."""
        return (
            self.published()
            .filter(pk__in=self.model.objects.filter(credits__performer_id__in=performer_ids).values("pk"))
            .with_credits()
            .annotate(
                career_year=Coalesce(ExtractYear("release_date"), "work__year", output_field=models.IntegerField())
            )
            .order_by(models.F("career_year").asc(nulls_last=True), "release_date", "title")
        )


class PerformerQuerySet(NaturalKeyQuerySet):
    def published(self):
        """Performers with a credit on a published song, or in a group (or with a
        member) that has one. A performer known only from a draft stays hidden."""
        from .models import Credit, Work

        # One EXISTS per rule follows the performer's own credits by primary key
        # (docs/performance.md: an IN over all published songs grew with the catalogue).
        public_credit = Credit.objects.filter(Q(song__work__status=Work.Status.PUBLISHED) | Q(song__work__isnull=True))
        sings = Exists(public_credit.filter(performer=OuterRef("pk")))
        in_group = Exists(public_credit.filter(performer__memberships__member=OuterRef("pk")))
        has_member = Exists(public_credit.filter(performer__group_memberships__group=OuterRef("pk")))
        return self.filter(sings | in_group | has_member)


class CreditQuerySet(models.QuerySet):
    def get_by_natural_key(self, song_slug, performer_slug):
        return self.get(song__slug=song_slug, performer__slug=performer_slug)

    def in_billing_order(self):
        return self.select_related("performer").order_by("order", "pk")


class SourceQuerySet(NaturalKeyQuerySet):
    pass


class NetworkQuerySet(NaturalKeyQuerySet):
    pass
