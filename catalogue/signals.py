"""Receivers that keep derived data right whoever writes: admin, import, shell, loaddata.

``loaddata`` saves with ``raw=True`` through ``Model.save_base``, skipping our
``save()``; a pre_save receiver is the one hook every write passes through, so
derived columns (search keys, the time of the last change) are filled here. Cache invalidation follows the
same writes, after the transaction commits.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from pagecache import version

from .models import Credit, ListenLink, Membership, Milestone, Network, Performer, Song, Source, Work

DERIVED = (Work, Song, Performer)
CATALOGUE_MODELS = (Work, Song, Performer, Credit, Membership, Milestone, ListenLink, Network, Source)


@receiver(pre_save)
def fill_derived_fields(sender, instance, raw=False, **kwargs):
    if sender in DERIVED:
        instance.fill_derived_fields()
        if not raw:
            # Any save but a fixture or backup load (which carries its own value):
            # admin, import, shell. Feeds and sitemaps report it as the last change.
            instance.updated_at = timezone.now()


@receiver(post_save)
@receiver(post_delete)
def catalogue_changed(sender, using=None, **kwargs):
    if sender in CATALOGUE_MODELS:
        version.bump_after_commit(using)


@receiver(m2m_changed)
def catalogue_relation_changed(sender, action, using=None, **kwargs):
    if action.startswith("post_") and sender._meta.app_label == "catalogue":
        version.bump_after_commit(using)
