"""Writes that touch several rows or models: publishing, credits set from a list,
likely duplicates, the conflict check between two editors.

Views, admin actions, forms and commands call these keyword-only functions; they
never write to several models themselves.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Credit, Performer, Work
from search.keys import fold, has_hangul, phonetic, romanize

# --- publishing -----------------------------------------------------------------


def work_can_publish(*, work, sources=None):
    """A work may be published only when it names at least one source.

    ``sources`` is the list about to be saved (from a form); otherwise the saved ones count.
    """
    if sources is not None:
        return len(sources) > 0
    return work.pk is not None and work.sources.exists()


@dataclass
class PublishResult:
    changed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


@transaction.atomic
def works_publish(*, works, user=None):
    """Publish each draft that has a source; return the published and the skipped (no source)."""
    result = PublishResult()
    for work in works.prefetch_related("sources"):
        if work.status == Work.Status.PUBLISHED:
            continue
        if not work.sources.all():
            result.skipped.append(work)
            continue
        work.status = Work.Status.PUBLISHED
        work.published_at = work.published_at or timezone.now()
        work._history_user = user
        work._change_reason = _("Published")
        work.save()
        result.changed.append(work)
    return result


@transaction.atomic
def works_unpublish(*, works, user=None):
    """Return published works to draft; each save is recorded in history."""
    result = PublishResult()
    for work in works:
        if work.status == Work.Status.DRAFT:
            continue
        work.status = Work.Status.DRAFT
        work._history_user = user
        work._change_reason = _("Unpublished")
        work.save()
        result.changed.append(work)
    return result


# --- credits ----------------------------------------------------------------------


def song_set_performers(*, song, performers):
    """Make ``performers`` (in order) the song's credited performers.

    Existing credits keep their role, order and note; credits of performers no
    longer listed are removed; new performers are added after the others as lead vocals.
    Each credit is saved one by one so history records it.
    """
    wanted = {performer.pk: performer for performer in performers}
    existing = {credit.performer_id: credit for credit in song.credits.all()}
    for performer_id, credit in existing.items():
        if performer_id not in wanted:
            credit.delete()
    next_order = max((c.order for pid, c in existing.items() if pid in wanted), default=-1) + 1
    for performer in performers:
        if performer.pk not in existing:
            Credit.objects.create(song=song, performer=performer, order=next_order)
            next_order += 1


# --- likely duplicates ------------------------------------------------------------


def duplicate_keys(*names):
    """The keys two names share when they are the same after folding case,
    punctuation, spacing and romanization: the phonetic form of the Latin text
    (or of the romanized Hangul) and the Hangul itself without spaces."""
    keys = set()
    for name in names:
        if not name:
            continue
        folded = fold(name)
        for text in (folded, romanize(name)):
            sound = phonetic(text)
            if len(sound) >= 3:
                keys.add(sound)
        if has_hangul(folded):
            keys.add(folded.replace(" ", ""))
    return keys


def _likely_duplicates(queryset, names, exclude_pk=None):
    keys = duplicate_keys(*names)
    if not keys:
        return []
    condition = Q()
    for key in keys:
        condition |= Q(search_key__contains=key)
    candidates = queryset.filter(condition)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found = []
    for candidate in candidates[:50]:
        parts = set(candidate.search_key.split(" | "))
        if parts & keys:
            found.append(candidate)
    return found[:10]


def work_likely_duplicates(*, title, title_ko="", title_romanized="", alternative_titles="", exclude_pk=None):
    names = [title, title_ko, title_romanized, *Work.split_alternative_titles(alternative_titles)]
    return _likely_duplicates(Work.objects.all(), names, exclude_pk)


def performer_likely_duplicates(*, name, name_ko="", exclude_pk=None):
    return _likely_duplicates(Performer.objects.all(), [name, name_ko], exclude_pk)


# --- two editors, one entry -----------------------------------------------------


def latest_version_id(*, instance):
    """The id of the newest history record of ``instance`` (its version), or None."""
    if instance is None or instance.pk is None:
        return None
    return instance.history.aggregate(latest=Max("history_id"))["latest"]


def loaded_version(*, instance, version_id):
    """``instance`` as it was in history record ``version_id``, or None when there is none."""
    if instance is None or instance.pk is None or version_id is None:
        return None
    record = instance.history.filter(history_id=version_id).first()
    return record.instance if record else None


def changes_since(*, instance, version_id):
    """What others saved on ``instance`` after the version an editor opened.

    Returns a list of (who, when, [(field label, old, new), ...]) for each newer
    history record, oldest first, diffed against the one before it.
    """
    records = list(instance.history.select_related("history_user").order_by("history_id"))
    base = None
    if version_id is not None:
        base = next((r for r in records if r.history_id == version_id), None)
    newer = [r for r in records if version_id is None or r.history_id > version_id]
    changes = []
    previous = base
    for record in newer:
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            for change in delta.changes:
                label = instance._meta.get_field(change.field).verbose_name
                fields.append((str(label), change.old, change.new))
        changes.append((record.history_user, record.history_date, fields))
        previous = record
    return changes
