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
from simple_history.utils import bulk_create_with_history

from catalogue.models import Credit, Performer, Work
from pagecache import version
from search.keys import fold, fold_lookalikes, has_hangul, phonetic, romanize

# --- publishing -----------------------------------------------------------------


def work_can_publish(*, work, sources=None):
    """A work may be published only when it names at least one source.

    ``sources`` is the list about to be saved (from a form); otherwise the saved ones count.
    """
    if sources is not None:
        return len(sources) > 0
    return work.pk is not None and work.sources.exists()


def work_breaks_source_rule(*, work, sources=None):
    """True when ``work`` is published (or about to be saved so) yet names no source.

    Every path that writes a work keeps "a published work names a source": the admin
    form, an import, a revert from history and the recovery of a deleted work.
    """
    return work.status == Work.Status.PUBLISHED and not work_can_publish(work=work, sources=sources)


def work_restore_as_draft_if_unsourced(*, work, sources=None):
    """Before a version restored from history is saved: a published version of a work
    that names no source comes back as a draft (not saved here). Returns True when it did.

    History keeps a work's fields but not its sources (a many-to-many), so a restore
    brings back the sources the work has now, and a recovered deleted work has none.
    """
    if not work_breaks_source_rule(work=work, sources=sources):
        return False
    work.status = Work.Status.DRAFT
    return True


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


def songs_credit_new(*, credits, user=None, record_history=True, batch_size=500):
    """Credit songs that have no credits yet (an import's new songs) in bulk:
    ``credits`` is ``[(song, [performer, ...]), ...]``, each performer as lead vocals
    in the order listed (billing order), as ``song_set_performers`` would add them.

    One insert per ``batch_size`` credits, and with ``record_history`` as many for
    their history (additions by ``user``, else the request's user). No per-credit
    signal is sent: the catalogue version is bumped once the transaction commits,
    as a credit's save would. Returns the credits."""
    rows = [
        Credit(song=song, performer=performer, order=order)
        for song, performers in credits
        for order, performer in enumerate(performers)
    ]
    if not rows:
        return rows
    if record_history:
        rows = bulk_create_with_history(rows, Credit, batch_size=batch_size, default_user=user)
    else:
        Credit.objects.bulk_create(rows, batch_size=batch_size)
    version.bump_after_commit(Credit.objects.db)
    return rows


# --- likely duplicates ------------------------------------------------------------


def duplicate_keys(*names):
    r"""The keys two names share when they are the same after folding case,
    punctuation, spacing and romanization: the phonetic form of the Latin text
    (or of the romanized Hangul) and the Hangul itself without spaces.

    Invisible characters are dropped and Cyrillic or Greek lookalikes read as Latin
    first, so "Goblin\u3164" and "G\u043eblin" (with a Cyrillic o) meet "Goblin"."""
    keys = set()
    for name in names:
        name = fold_lookalikes(name)
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
