"""The read API of the catalogue. Visibility is decided here, once.

Views, feeds, sitemaps, search and exports all start from ``published()``.
"""

from collections import Counter

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Ord, Substr, Upper
from django.db.models.lookups import IsNull

from search.keys import CHOSEONG, HANGUL_FIRST, HANGUL_LAST

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


# The A–Z and ㄱ–ㅎ indexes (/performers/, /songs/). A Latin section holds the
# entries whose English name starts with that letter, "#" the others (digits,
# punctuation, accented letters, other scripts); a Hangul section those whose Korean
# name starts with a syllable of that initial consonant, the doubled consonants
# with their base (까 under ㄱ), as Korean dictionaries and indexes group them.
# Sections are told apart by code point (Ord), never by comparing strings, so
# they come out the same under every database collation.
LATIN_INITIALS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER_INITIAL = "#"
HANGUL_INITIALS = tuple("ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ")
_SYLLABLES_PER_INITIAL = 21 * 28  # medial vowels × finals


def _hangul_ranges():
    starts = [HANGUL_FIRST + CHOSEONG.index(initial) * _SYLLABLES_PER_INITIAL for initial in HANGUL_INITIALS]
    ends = [start - 1 for start in starts[1:]] + [HANGUL_LAST]
    return dict(zip(HANGUL_INITIALS, zip(starts, ends, strict=True), strict=True))


HANGUL_RANGES = _hangul_ranges()  # {"ㄱ": (0xAC00, 0xB097), ...}: first and last syllable, inclusive


def _is_latin(code):
    return Q(**{f"{code}__range": (ord("A"), ord("Z"))}) | Q(**{f"{code}__range": (ord("a"), ord("z"))})


def _latin_section(field):
    """The section of ``field``'s first character: "A" to "Z", or "#"."""
    return Case(When(_is_latin("_initial"), then=Upper(Substr(field, 1, 1))), default=Value(OTHER_INITIAL))


def _hangul_section(field_ko):
    """The Hangul section of ``field_ko``'s first syllable, or "" (no Korean name,
    or one that does not start with a syllable)."""
    whens = [When(_initial_ko__range=bounds, then=Value(initial)) for initial, bounds in HANGUL_RANGES.items()]
    return Case(*whens, default=Value(""))


def index_section(queryset, field, field_ko, initial=None):
    """Entries of one section of an index, or of the whole index (``initial=None``),
    in index order: by section (A–Z, then "#"), then name; a Hangul section by its
    Korean name. Each entry carries its section as ``index_initial``."""
    if initial in HANGUL_RANGES:
        return (
            queryset.alias(_initial_ko=Ord(field_ko))
            .filter(_initial_ko__range=HANGUL_RANGES[initial])
            .annotate(index_initial=Value(initial))
            .order_by(field_ko, Upper(field), "pk")
        )
    queryset = queryset.alias(_initial=Ord(field)).annotate(index_initial=_latin_section(field))
    if initial == OTHER_INITIAL:
        queryset = queryset.exclude(_is_latin("_initial"))
    elif initial:
        queryset = queryset.filter(_initial__in=(ord(initial), ord(initial.lower())))
    # "#" sorts after Z: a number, not the section's text, whatever the collation.
    section_order = Case(When(_is_latin("_initial"), then=Ord(Upper(Substr(field, 1, 1)))), default=Value(ord("Z") + 1))
    return queryset.alias(_section_order=section_order).order_by("_section_order", Upper(field), field, "pk")


def index_counts(queryset, field, field_ko):
    """How many entries each section holds, and in all, in one query: plain data,
    so the indexes can keep it per catalogue version (pagecache.version.remember)."""
    rows = (
        queryset.order_by()
        .alias(_initial=Ord(field), _initial_ko=Ord(field_ko))
        .values(latin=_latin_section(field), hangul=_hangul_section(field_ko))
        .annotate(entries=Count("pk"))
    )
    sections, total = Counter(), 0
    for row in rows:
        total += row["entries"]
        sections[row["latin"]] += row["entries"]
        if row["hangul"]:
            sections[row["hangul"]] += row["entries"]
    return {"total": total, "sections": dict(sections)}


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

    def in_index(self, initial=None):
        """/songs/: by the English title, or the Korean one for a ㄱ–ㅎ section."""
        return index_section(self, "title", "title_ko", initial)

    def index_counts(self):
        return index_counts(self, "title", "title_ko")

    def for_index(self):
        """What a line of the song index shows: the work and who sang, in billing order."""
        return self.select_related("work").prefetch_related(credits_prefetch())


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

    # The performer index's kinds: ?kind=solo, group or fictional.
    INDEX_KINDS = ("solo", "group", "fictional")

    def of_kind(self, kind):
        """Solo singers (actors who sang among them), groups of any size, or the
        fictional (Huntr/x, and any fictional singer). Fictional groups are groups too."""
        kinds = self.model.Kind
        if kind == "solo":
            return self.filter(kind__in=[kinds.SOLO, kinds.ACTOR])
        if kind == "group":
            return self.filter(kind__in=[kinds.GROUP, kinds.DUO, kinds.BAND, kinds.ENSEMBLE])
        if kind == "fictional":
            return self.filter(is_fictional=True)
        return self

    def in_index(self, initial=None):
        """/performers/: by the English name, or the Korean one for a ㄱ–ㅎ section."""
        return index_section(self, "name", "name_ko", initial)

    def index_counts(self):
        return index_counts(self, "name", "name_ko")


class CreditQuerySet(models.QuerySet):
    def get_by_natural_key(self, song_slug, performer_slug):
        return self.get(song__slug=song_slug, performer__slug=performer_slug)

    def in_billing_order(self):
        return self.select_related("performer").order_by("order", "pk")


class SourceQuerySet(NaturalKeyQuerySet):
    pass


class NetworkQuerySet(NaturalKeyQuerySet):
    pass
