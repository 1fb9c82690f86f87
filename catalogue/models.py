"""The catalogue: works (dramas and films), their songs, the performers who sang
them, and the sources every fact points to.

Slugs are the natural keys, so fixtures name related objects by slug and loading
them twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import search
from .links import detail_url
from .querysets import (
    TIMELINE_ORDER,
    NetworkQuerySet,
    PerformerQuerySet,
    SongQuerySet,
    SourceQuerySet,
    WorkQuerySet,
)

MIN_YEAR, MAX_YEAR = 1900, 2100
http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


def validate_hangul(value):
    if value and not search.has_hangul(value):
        raise ValidationError(_("A Korean name must contain Hangul (for example 도깨비)."), code="no_hangul")


class DatePrecision(models.TextChoices):
    DAY = "day", _("exact day")
    MONTH = "month", _("month only")
    YEAR = "year", _("year only")


class Source(models.Model):
    """A citation that works, songs, performers and milestones point to."""

    slug = models.SlugField(max_length=80, unique=True)
    publisher = models.CharField(max_length=200, help_text=_("Site, newspaper or broadcaster."))
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True, validators=[http_url_validator])
    published_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text=_("What this source supports, or its limits."))

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["publisher", "title"]

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.title else self.publisher

    def natural_key(self):
        return (self.slug,)


class Network(models.Model):
    """A broadcaster, streaming service or film distributor."""

    class Kind(models.TextChoices):
        BROADCASTER = "broadcaster", _("Broadcast TV")
        CABLE = "cable", _("Cable TV")
        STREAMING = "streaming", _("Streaming service")
        DISTRIBUTOR = "distributor", _("Film distributor")
        STUDIO = "studio", _("Studio")

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:work-list") + f"?network={self.slug}"

    def natural_key(self):
        return (self.slug,)


class Work(models.Model):
    """A TV drama or film whose soundtrack we follow."""

    class Kind(models.TextChoices):
        DRAMA = "drama", _("TV drama")
        FILM = "film", _("Film")
        ANIMATED_FILM = "animated-film", _("Animated film")
        WEB_SERIES = "web-series", _("Web series")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("English title"), max_length=200)
    title_ko = models.CharField(_("Korean title"), max_length=200, blank=True, validators=[validate_hangul])
    title_romanized = models.CharField(
        _("romanized title"),
        max_length=200,
        blank=True,
        help_text=_("Revised Romanization as a source prints it; left blank, the site derives one."),
    )
    alternative_titles = models.CharField(
        max_length=300, blank=True, help_text=_("Other English titles, separated by ' / '.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DRAMA)
    year = models.PositiveSmallIntegerField(
        help_text=_("Year of first broadcast or release."),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    first_aired = models.DateField(_("first aired or released"), null=True, blank=True)
    last_aired = models.DateField(_("last aired"), null=True, blank=True)
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="works",
        null=True,
        blank=True,
        db_index=False,  # leads work_network_idx (Meta)
        help_text=_("Original broadcaster, or the film's distributor."),
    )
    also_on = models.ManyToManyField(
        Network, blank=True, related_name="also_works", help_text=_("Streaming services that carry it.")
    )
    episodes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    credits_note = models.CharField(
        _("creators"), max_length=300, blank=True, help_text=_("Directors, writers, source material.")
    )
    summary = models.TextField(blank=True, help_text=_("Our own words: what the story is about."))
    soundtrack_note = models.TextField(blank=True, help_text=_("Our own words: why the soundtrack mattered."))
    fact_notes = models.TextField(blank=True, help_text=_("Disputed or unconfirmed facts, stated with their doubt."))
    sources = models.ManyToManyField(Source, blank=True, related_name="works")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    search_key = models.TextField(editable=False, blank=True, default="")

    objects = WorkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["year", "first_aired", "title"]
        indexes = [
            # Public lists in timeline order, read from the index in that order: the
            # timeline, eras and years; by kind; a network's works (migration 0007).
            models.Index(F("status"), *TIMELINE_ORDER, name="work_timeline_order_idx"),
            models.Index(F("status"), F("kind"), *TIMELINE_ORDER, name="work_kind_timeline_idx"),
            models.Index(F("network"), F("status"), *TIMELINE_ORDER, name="work_network_timeline_idx"),
            # The feeds: the latest published, newest first (id breaks ties).
            models.Index(fields=["status", "published_at", "id"], name="work_published_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="work_year_in_range"),
            models.CheckConstraint(
                condition=Q(last_aired__isnull=True)
                | Q(first_aired__isnull=True)
                | Q(last_aired__gte=F("first_aired")),
                name="work_last_aired_not_before_first",
            ),
            models.CheckConstraint(
                condition=Q(episodes__isnull=True) | Q(episodes__gte=1), name="work_episodes_positive"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return detail_url("catalogue:work-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def get_kind_display(self):
        # Django's own rebuilds the dict of choices on each call (10 µs); every card
        # on a list shows its kind.
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def romanized(self):
        return self.title_romanized or search.romanize(self.title_ko)

    @property
    def decade(self):
        return self.year // 10 * 10

    def clean(self):
        errors = {}
        if self.first_aired and self.year and self.first_aired.year != self.year:
            errors["year"] = _("The year must be the year of the first broadcast or release (%(year)s).") % {
                "year": self.first_aired.year
            }
        if self.first_aired and self.last_aired and self.last_aired < self.first_aired:
            errors["last_aired"] = _("The last broadcast cannot come before the first.")
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        self.search_key = search.build_key(
            self.title, self.title_ko, self.title_romanized, *self.alternative_titles.split(" / ")
        )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()


class Performer(models.Model):
    """A singer, group or band; possibly fictional (Huntr/x), with real members."""

    class Kind(models.TextChoices):
        SOLO = "solo", _("Solo singer")
        GROUP = "group", _("Group")
        DUO = "duo", _("Duo")
        BAND = "band", _("Band")
        ENSEMBLE = "ensemble", _("Ensemble")
        ACTOR = "actor", _("Actor who sang")

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    name_ko = models.CharField(_("Korean name"), max_length=200, blank=True, validators=[validate_hangul])
    real_name = models.CharField(max_length=200, blank=True)
    real_name_ko = models.CharField(_("real name in Korean"), max_length=200, blank=True, validators=[validate_hangul])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SOLO)
    is_fictional = models.BooleanField(
        _("fictional"), default=False, help_text=_("A group that exists only in a story, such as Huntr/x.")
    )
    bio = models.TextField(blank=True, help_text=_("Our own words."))
    fact_notes = models.TextField(blank=True, help_text=_("Disputed or unconfirmed facts, stated with their doubt."))
    sources = models.ManyToManyField(Source, blank=True, related_name="performers")
    updated_at = models.DateTimeField(default=timezone.now)
    search_key = models.TextField(editable=False, blank=True, default="")

    objects = PerformerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["name"]
        indexes = [
            # Browse by performer takes a name typed in any case, or in Korean.
            models.Index(Upper("name"), name="performer_name_upper_idx"),
            models.Index(fields=["name_ko"], name="performer_name_ko_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("catalogue:performer-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def romanized(self):
        return search.romanize(self.name_ko)

    def fill_derived_fields(self):
        self.search_key = search.build_key(self.name, self.name_ko, self.real_name, self.real_name_ko)


class MembershipManager(models.Manager):
    def get_by_natural_key(self, group_slug, member_slug):
        return self.get(group__slug=group_slug, member__slug=member_slug)


class Membership(models.Model):
    """A member of a group: Chanyeol in EXO, EJAE as the singing voice of Rumi in Huntr/x."""

    group = models.ForeignKey(Performer, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Performer, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=200, blank=True, help_text=_("For example 'singing voice of Rumi' or 'rapper'."))
    is_former = models.BooleanField(_("former member"), default=False)
    left_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = MembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="membership_unique_member_per_group"),
            models.CheckConstraint(condition=~Q(group=F("member")), name="membership_not_own_member"),
        ]

    def __str__(self):
        return f"{self.member} in {self.group}"

    def natural_key(self):
        return (self.group.slug, self.member.slug)

    natural_key.dependencies = ["catalogue.performer"]

    def clean(self):
        if self.group_id and self.group_id == self.member_id:
            raise ValidationError({"member": _("A group cannot be a member of itself.")})


class Song(models.Model):
    """A song on a work's soundtrack, or a record linked to one (the original of a remake)."""

    class Role(models.TextChoices):
        MAIN_THEME = "main-theme", _("Main theme")
        OPENING = "opening", _("Opening theme")
        ENDING = "ending", _("Ending theme")
        INSERT = "insert", _("Insert song")
        CHARACTER = "character", _("Character theme")
        ON_SCREEN = "on-screen", _("Sung by characters on screen")
        ASSOCIATED = "associated", _("Associated with the work, not written for it")
        ORIGINAL = "original", _("Original recording (not from a soundtrack)")
        REMAKE = "remake", _("Later remake")

    work = models.ForeignKey(
        Work,
        on_delete=models.PROTECT,
        related_name="songs",
        null=True,
        blank=True,
        help_text=_("Leave empty for a record outside any soundtrack, such as the original of a remake."),
    )
    slug = models.SlugField(max_length=140, unique=True)
    title = models.CharField(max_length=200)
    title_ko = models.CharField(_("Korean title"), max_length=200, blank=True, validators=[validate_hangul])
    release_date = models.DateField(null=True, blank=True)
    release_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    ost_part = models.CharField(
        _("OST part"),
        max_length=80,
        blank=True,
        help_text=_("As released: 'Part 2', '1st OST', 'Special Track Vol. 2'."),
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INSERT)
    role_note = models.CharField(max_length=300, blank=True, help_text=_("How the song is used, in a few words."))
    is_signature = models.BooleanField(
        _("signature track"), default=False, help_text=_("Shown on the timeline for its work.")
    )
    remake_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index instead (Meta)
        related_name="remakes",
        help_text=_("The earlier recording this song remakes."),
    )
    writers = models.CharField(max_length=300, blank=True, help_text=_("Words and music."))
    about = models.TextField(blank=True, help_text=_("Our own words."))
    fact_notes = models.TextField(blank=True, help_text=_("Disputed or unconfirmed facts, stated with their doubt."))
    sources = models.ManyToManyField(Source, blank=True, related_name="songs")
    performers = models.ManyToManyField(Performer, through="Credit", related_name="songs")
    updated_at = models.DateTimeField(default=timezone.now)
    search_key = models.TextField(editable=False, blank=True, default="")

    objects = SongQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_key", "updated_at"])

    class Meta:
        ordering = ["release_date", "title"]
        indexes = [
            # Only remakes: most songs have no remake_of, and on a plain index SQLite's
            # statistics count those NULLs as one huge key, so it scanned every song
            # for a work page's remakes (10 ms at 60,000 songs) instead of using it.
            models.Index(fields=["remake_of"], condition=Q(remake_of__isnull=False), name="song_remake_of_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["work", "title"], name="song_title_unique_within_work"),
            models.CheckConstraint(condition=~Q(remake_of=F("id")), name="song_not_remake_of_itself"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return detail_url("catalogue:song-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def romanized(self):
        return search.romanize(self.title_ko)

    @property
    def release_year(self):
        return self.release_date.year if self.release_date else None

    def clean(self):
        errors = {}
        if self.work_id and self.title:
            clash = Song.objects.filter(work_id=self.work_id, title__iexact=self.title.strip()).exclude(pk=self.pk)
            if clash.exists():
                errors["title"] = _("This work already has a song called “%(title)s”.") % {"title": self.title}
        if self.work_id and self.release_date:
            work = self.work
            if self.release_date.year < work.year - 1 or (
                work.last_aired and self.release_date.year > work.last_aired.year + 1
            ):
                errors["release_date"] = _(
                    "The release date falls outside the run of %(work)s (%(start)s–%(end)s)."
                ) % {
                    "work": work.title,
                    "start": work.year,
                    "end": work.last_aired.year if work.last_aired else work.year,
                }
        if self.remake_of_id and self.pk and self.remake_of_id == self.pk:
            errors["remake_of"] = _("A song cannot be a remake of itself.")
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        self.search_key = search.build_key(self.title, self.title_ko)


class CreditManager(models.Manager):
    def get_by_natural_key(self, song_slug, performer_slug):
        return self.get(song__slug=song_slug, performer__slug=performer_slug)


class Credit(models.Model):
    """Who sang a song, in what capacity and in which order ("Stay With Me" is Chanyeol and Punch)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead vocals")
        DUET = "duet", _("Duet")
        FEATURING = "featuring", _("Featuring")
        CREDITED_ARTIST = "credited", _("Credited artist")
        VOICE = "voice", _("Singing voice")

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="credits")
    performer = models.ForeignKey(Performer, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEAD)
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    objects = CreditManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["song", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["song", "performer"], name="credit_unique_performer_per_song"),
        ]

    def __str__(self):
        return f"{self.performer} on {self.song}"

    def natural_key(self):
        return (self.song.slug, self.performer.slug)

    natural_key.dependencies = ["catalogue.song", "catalogue.performer"]


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, song_slug, slug):
        return self.get(song__slug=song_slug, slug=slug)


class Milestone(models.Model):
    """A chart position, award or record, dated, with its sources."""

    class Kind(models.TextChoices):
        CHART = "chart", _("Chart")
        AWARD = "award", _("Award")
        RECORD = "record", _("Record")
        CERTIFICATION = "certification", _("Certification")
        OTHER = "other", _("Other")

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="milestones")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHART)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    description = models.CharField(max_length=300, help_text=_("Our own words: 'No. 1 on the Billboard Hot 100'."))
    is_confirmed = models.BooleanField(
        default=True, help_text=_("Untick when only one weak source supports it; the site then says so.")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="milestones")

    objects = MilestoneManager()

    class Meta:
        ordering = ["song", models.F("date").asc(nulls_last=True), "slug"]
        constraints = [
            models.UniqueConstraint(fields=["song", "slug"], name="milestone_unique_slug_per_song"),
        ]

    def __str__(self):
        return self.description

    def natural_key(self):
        return (self.song.slug, self.slug)

    natural_key.dependencies = ["catalogue.song"]


class ListenLinkManager(models.Manager):
    def get_by_natural_key(self, song_slug, platform):
        return self.get(song__slug=song_slug, platform=platform)


class ListenLink(models.Model):
    """Where to hear a song: official video or a streaming service."""

    class Platform(models.TextChoices):
        YOUTUBE = "youtube", "YouTube"
        MELON = "melon", "Melon"
        SPOTIFY = "spotify", "Spotify"
        APPLE_MUSIC = "apple-music", "Apple Music"
        GENIE = "genie", "Genie"
        BUGS = "bugs", "Bugs"
        NETFLIX = "netflix", "Netflix"
        OTHER = "other", _("Other")

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="listen_links")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    url = models.URLField(max_length=500, validators=[http_url_validator])
    label = models.CharField(max_length=100, blank=True, help_text=_("For example 'Official music video'."))

    objects = ListenLinkManager()

    class Meta:
        ordering = ["song", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["song", "platform"], name="listenlink_one_per_platform"),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"), name="listenlink_url_is_http"
            ),
        ]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.song}"

    def natural_key(self):
        return (self.song.slug, self.platform)

    natural_key.dependencies = ["catalogue.song"]
