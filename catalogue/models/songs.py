"""Songs, who sang them (credits), their milestones and where to hear them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from search.keys import build_key, romanize

from ..links import detail_url
from ..listening import listening_links
from ..querysets import CreditQuerySet, SongQuerySet
from .base import DatePrecision, Source, http_url_validator, validate_hangul
from .people import Performer
from .works import Work


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
    aliases = models.CharField(
        _("also known as"),
        max_length=300,
        blank=True,
        help_text=_(
            "Other names fans search for (abbreviations, nicknames, other spellings), separated by ' / '. "
            "Searched like the title and shown as 'Also known as'."
        ),
    )
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
            # Partial: a plain index of mostly NULLs looks useless to SQLite's planner.
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
        return romanize(self.title_ko)

    @property
    def release_year(self):
        return self.release_date.year if self.release_date else None

    @cached_property
    def listening_links(self):
        """Where to hear the song: its ListenLinks, then searches on the services that
        have none (catalogue/listening.py). Reads the prefetched ``listen_links`` and
        ``credits``, as the song page loads them."""
        return listening_links(self)

    @staticmethod
    def title_key(title):
        """Two songs of one work may not share a title after folding case and spacing."""
        return " ".join((title or "").casefold().split())

    @staticmethod
    def release_date_error(release_date, work):
        """Why ``release_date`` can't be a release of ``work`` (it falls more than a
        year outside the work's run), or None. The admin's song formset asks this of
        a work that is being saved, before it is in the database."""
        if not (release_date and work is not None and work.year):
            return None
        end = work.last_aired.year if work.last_aired else work.year
        if work.year - 1 <= release_date.year <= end + 1:
            return None
        return _("The release date falls outside the run of %(work)s (%(start)s–%(end)s).") % {
            "work": work.title or _("this work"),
            "start": work.year,
            "end": end,
        }

    # What clean() reads the titles of the work's other songs from: a SongTitles that a
    # caller checking many songs at once (an import) sets on each; None: the database.
    known_titles = None

    def title_clashes(self, others):
        """Whether the title is one of ``others`` (titles of the work's other songs)
        once both are folded as ``title_key`` folds them."""
        key = self.title_key(self.title)
        return any(self.title_key(other) == key for other in others)

    def sibling_titles(self):
        """The titles of the other songs of the work that the title could clash with."""
        if self.known_titles is not None:
            return self.known_titles.others(self)
        return Song.objects.filter(work_id=self.work_id).exclude(pk=self.pk).values_list("title", flat=True)

    def clean(self):
        errors = {}
        if self.work_id and self.title and self.title_clashes(self.sibling_titles()):
            errors["title"] = _("This work already has a song called “%(title)s”.") % {"title": self.title}
        if self.work_id:
            message = self.release_date_error(self.release_date, self.work)
            if message:
                errors["release_date"] = message
        if self.remake_of_id and self.pk and self.remake_of_id == self.pk:
            errors["remake_of"] = _("A song cannot be a remake of itself.")
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        self.search_key = build_key(self.title, self.title_ko, *self.alias_list)

    @property
    def alias_list(self):
        return Work.split_alternative_titles(self.aliases)

    also_known_as = alias_list


class SongTitles:
    """The titles of the songs of many works, read once for them all: what
    ``Song.clean`` compares a title with when many songs are checked one after the
    other (an import's rows), instead of a query per song.

    ``works`` are read at once (one query per 2,000), any other work the first time
    a song of it is checked. Tell it each song saved meanwhile (``saved``), so a
    later song meets the titles of the earlier ones, as it would in the database."""

    BATCH = 2000

    def __init__(self, works=()):
        self.titles = {}  # {work_id: {title_key: {song pk: title}}}
        self.keys = {}  # {song pk: (work_id, title_key)}
        self.read({work.pk if isinstance(work, Work) else work for work in works} - {None})

    def read(self, work_ids):
        work_ids = [work_id for work_id in work_ids if work_id not in self.titles]
        for work_id in work_ids:
            self.titles[work_id] = {}
        for start in range(0, len(work_ids), self.BATCH):
            batch = work_ids[start : start + self.BATCH]
            for work_id, pk, title in Song.objects.filter(work_id__in=batch).values_list("work_id", "pk", "title"):
                self.add(work_id, pk, title)

    def add(self, work_id, pk, title):
        key = Song.title_key(title)
        self.titles[work_id].setdefault(key, {})[pk] = title
        self.keys[pk] = (work_id, key)

    def others(self, song):
        """The titles of the other songs of ``song``'s work that fold as its title does."""
        self.read([song.work_id])
        same = self.titles[song.work_id].get(Song.title_key(song.title), {})
        return [title for pk, title in same.items() if pk != song.pk]

    def saved(self, song):
        """``song`` was just saved: its title, in its work, replaces what it had."""
        work_id, key = self.keys.pop(song.pk, (None, None))
        if work_id is not None:
            self.titles[work_id][key].pop(song.pk, None)
        if song.work_id in self.titles:
            self.add(song.work_id, song.pk, song.title)


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

    objects = CreditQuerySet.as_manager()
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
