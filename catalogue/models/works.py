"""Works: the dramas and films whose soundtracks the site follows."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from search.keys import build_key, romanize, split_names

from ..links import detail_url
from ..querysets import TIMELINE_ORDER, WorkQuerySet
from .base import MAX_YEAR, MIN_YEAR, Network, Source, aliases_field, decade_of, validate_hangul, validate_visible


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
    title = models.CharField(_("English title"), max_length=200, validators=[validate_visible])
    title_ko = models.CharField(
        _("Korean title"), max_length=200, blank=True, validators=[validate_hangul, validate_visible]
    )
    title_romanized = models.CharField(
        _("romanized title"),
        max_length=200,
        blank=True,
        validators=[validate_visible],
        help_text=_("Revised Romanization as a source prints it; left blank, the site derives one."),
    )
    alternative_titles = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_visible],
        help_text=_("Other English titles, separated by ' / '."),
    )
    aliases = aliases_field(
        _(
            "Other names fans search for (abbreviations, nicknames, other spellings), separated by ' / ', "
            "such as 'CLOY / 사불'. Searched like the title and shown as 'Also known as'."
        )
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
        # Django's own rebuilds the dict of choices on every call, once per card.
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def romanized(self):
        return self.title_romanized or romanize(self.title_ko)

    @property
    def decade(self):
        return decade_of(self.year)

    @property
    def alias_list(self):
        return split_names(self.aliases)

    @property
    def also_known_as(self):
        """Its other titles and the names fans use, once each, for the page's heading."""
        return list(dict.fromkeys([*self.alternative_title_list, *self.alias_list]))

    @property
    def alternative_title_list(self):
        return self.split_alternative_titles(self.alternative_titles)

    @staticmethod
    def split_alternative_titles(text):
        """Editors separate alternative titles with ' / '."""
        return [title for title in (text or "").split(" / ") if title]

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
        self.search_key = build_key(
            self.title, self.title_ko, self.title_romanized, *self.alternative_title_list, *self.alias_list
        )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
