"""What every entry of the catalogue shares: the year range, how precisely a date
is known, the checks on names and addresses, and the two small tables entries
point to (sources and networks)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search.keys import has_hangul, invisible_characters

from ..querysets import NetworkQuerySet, SourceQuerySet

MIN_YEAR, MAX_YEAR = 1900, 2100


def decade_of(year):
    """1996 -> 1990."""
    return year // 10 * 10


DECADES = range(decade_of(MIN_YEAR), decade_of(MAX_YEAR) + 1, 10)
http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


def validate_hangul(value):
    if value and not has_hangul(value):
        raise ValidationError(_("A Korean name must contain Hangul (for example 도깨비)."), code="no_hangul")


def validate_visible(value):
    """Names must be made of characters that show: a Hangul filler (U+3164) or a
    zero-width space can make a name look empty, or like one we already have."""
    found = invisible_characters(value)
    if found:
        named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip() for ch in found)
        raise ValidationError(
            _(
                "This name contains invisible characters (%(characters)s). Delete them and type the name "
                "with visible letters only."
            ),
            code="invisible_characters",
            params={"characters": named},
        )


class DatePrecision(models.TextChoices):
    DAY = "day", _("exact day")
    MONTH = "month", _("month only")
    YEAR = "year", _("year only")

    @staticmethod
    def iso(value, precision):
        """A date written only as precisely as it is known (ISO 8601): 2024-04-06,
        2024-04 or 2024; None without a date."""
        if not value:
            return None
        return {"year": value.strftime("%Y"), "month": value.strftime("%Y-%m")}.get(precision, value.isoformat())


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


def aliases_field(help_text):
    """The names fans search an entry by, as editors keep them (separated by ' / ')."""
    return models.CharField(
        _("also known as"), max_length=300, blank=True, validators=[validate_visible], help_text=help_text
    )
