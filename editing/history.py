"""A work's history page also lists what was added with it in one sitting.

Saving a work saves its new songs and their credits in the same request; performers
and sources made on the spot ("+" pop-ups) are saved a little before, while the
work's form is open. simple-history keeps no request id, so a sitting is read from
time and person: songs of this work and their credits saved by the same editor
within a minute of a version of the work, and the performers credited then (marked
new when the same editor created them in the half hour before that save), with the
work's sources created by that editor in that half hour (sources have no history of
their own: the admin's log says who added them and when).

It is added through simple-history's own extension points: ``history_view``'s
``extra_context`` and an ``object_history_template`` that extends the library's
(templates/admin/catalogue/work/object_history.html).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from catalogue.models import Credit, Performer, Song, Source

#: Songs and credits are saved in the same request as the work's version.
SAME_REQUEST = datetime.timedelta(minutes=1)
#: Performers and sources made in a "+" pop-up while the work's form was open.
WHILE_EDITING = datetime.timedelta(minutes=30)


@dataclass
class Entry:
    label: str
    url: str = ""
    new: bool = False


@dataclass
class Sitting:
    record: object
    songs: list = field(default_factory=list)
    performers: list = field(default_factory=list)
    sources: list = field(default_factory=list)

    @property
    def when(self):
        """A readable local date and time ("June 3, 2025, 2:05 p.m.", "2025년 6월 3일 …")."""
        return date_format(timezone.localtime(self.record.history_date), "DATETIME_FORMAT")

    @property
    def user(self):
        return self.record.history_user

    def __bool__(self):
        return bool(self.songs or self.performers or self.sources)


def admin_link(model, pk, existing):
    return reverse(f"admin:catalogue_{model._meta.model_name}_change", args=[pk]) if pk in existing else ""


class Sittings:
    """What was added with each of ``records`` (historical records of one work)."""

    def __init__(self, work, records):
        self.work = work
        self.records = sorted((r for r in records if r.history_user_id), key=lambda r: r.history_date)
        self.by_record = {r.history_id: Sitting(r) for r in self.records}

    def closest(self, user_id, when):
        """The version saved in the same request (within a minute) by the same editor."""
        near = [r for r in self.records if r.history_user_id == user_id and abs(r.history_date - when) <= SAME_REQUEST]
        return min(near, key=lambda r: abs(r.history_date - when), default=None)

    def next_save(self, user_id, when):
        """The first version the same editor saved after ``when`` (a pop-up's entry), if soon after."""
        return next(
            (
                r
                for r in self.records
                if r.history_user_id == user_id and when - SAME_REQUEST <= r.history_date <= when + WHILE_EDITING
            ),
            None,
        )

    def add(self, record, kind, entry):
        if record is not None:
            getattr(self.by_record[record.history_id], kind).append(entry)

    def build(self):
        if not self.records:
            return []
        users = {r.history_user_id for r in self.records}
        start = self.records[0].history_date - WHILE_EDITING
        end = self.records[-1].history_date + SAME_REQUEST
        window = {"history_user_id__in": users, "history_date__range": (start, end), "history_type": "+"}
        song_ids = set(Song.history.filter(work_id=self.work.pk).values_list("id", flat=True))
        songs = list(Song.history.filter(work_id=self.work.pk, **window).order_by("history_date"))
        credits = list(Credit.history.filter(song_id__in=song_ids, **window).order_by("history_date", "order"))
        performer_ids = {c.performer_id for c in credits}
        created = {
            (p.id, p.history_user_id): p.history_date
            for p in Performer.history.filter(id__in=performer_ids, **window).order_by("-history_date")
        }
        existing_songs = set(Song.objects.filter(pk__in=song_ids).values_list("pk", flat=True))
        performers = Performer.objects.in_bulk(performer_ids)
        for song in songs:
            self.add(
                self.closest(song.history_user_id, song.history_date),
                "songs",
                Entry(song.title, admin_link(Song, song.id, existing_songs), new=True),
            )
        for credit in credits:
            record = self.closest(credit.history_user_id, credit.history_date)
            performer = performers.get(credit.performer_id)
            if record is None or performer is None:
                continue
            made = created.get((performer.pk, credit.history_user_id))
            new = made is not None and self.next_save(credit.history_user_id, made) is record
            sitting = self.by_record[record.history_id]
            if all(e.label != performer.name for e in sitting.performers):
                url = admin_link(Performer, performer.pk, performers)
                self.add(record, "performers", Entry(performer.name, url, new))
        self.add_sources(users, start, end)
        return [sitting for sitting in reversed(self.by_record.values()) if sitting]

    def add_sources(self, users, start, end):
        sources = {str(pk): pk for pk in self.work.sources.values_list("pk", flat=True)}
        entries = LogEntry.objects.filter(
            action_flag=ADDITION,
            content_type=ContentType.objects.get_for_model(Source),
            object_id__in=list(sources),
            user_id__in=users,
            action_time__range=(start, end),
        ).order_by("action_time")
        names = Source.objects.in_bulk(list(sources.values()))
        for entry in entries:
            source = names.get(sources.get(entry.object_id))
            if source is not None:
                self.add(
                    self.next_save(entry.user_id, entry.action_time),
                    "sources",
                    Entry(str(source), admin_link(Source, source.pk, names), new=True),
                )


class SittingHistoryMixin:
    """For WorkAdmin (a SimpleHistoryAdmin): the history page lists, for each version
    on it, the songs, performers and sources added in the same sitting."""

    object_history_template = "admin/catalogue/work/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
            self.model._meta.pk.run_validators(pk)  # past bigint: SQLite's OverflowError
        except ValidationError:
            raise Http404 from None  # the library's view lets the ValueError out: a 500
        extra_context = {**(extra_context or {}), "same_sittings": self.same_sittings(request, pk)}
        return super().history_view(request, object_id, extra_context=extra_context)

    def same_sittings(self, request, pk):
        opts = self.model._meta
        work = self.model._default_manager.filter(pk=pk).first()
        if work is None:
            return []
        records = self.get_history_queryset(request, self.model.history, opts.pk.attname, pk)
        page = Paginator(records, self.history_list_per_page).get_page(request.GET.get(PAGE_VAR))
        return Sittings(work, page.object_list).build()
