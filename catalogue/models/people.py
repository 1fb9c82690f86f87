"""Performers (singers, groups, fictional bands) and who belongs to which group."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from search.keys import build_key, romanize, split_names

from ..links import detail_url
from ..querysets import PerformerQuerySet
from .base import Source, aliases_field, validate_hangul, validate_visible


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
    name = models.CharField(max_length=200, validators=[validate_visible])
    name_ko = models.CharField(
        _("Korean name"), max_length=200, blank=True, validators=[validate_hangul, validate_visible]
    )
    real_name = models.CharField(max_length=200, blank=True, validators=[validate_visible])
    real_name_ko = models.CharField(
        _("real name in Korean"), max_length=200, blank=True, validators=[validate_hangul, validate_visible]
    )
    aliases = aliases_field(
        _(
            "Other names fans search for (abbreviations, nicknames, other spellings), separated by ' / ', "
            "such as 'Huntrix'. Searched like the name and shown as 'Also known as'."
        )
    )
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
        return romanize(self.name_ko)

    @property
    def alias_list(self):
        return split_names(self.aliases)

    also_known_as = alias_list

    def fill_derived_fields(self):
        self.search_key = build_key(self.name, self.name_ko, self.real_name, self.real_name_ko, *self.alias_list)


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
