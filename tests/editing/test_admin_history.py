# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""History (who, when, what, field by field), restoring a version, and two editors
saving the same entry: the second save is refused with what changed meanwhile."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalogue.models import Performer, Song, Work
from tests.editing.helpers import editor, editor_client, errors_of, form_data, other_editor  # noqa: F401
from tests.factories import SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_admin_change_is_recorded_with_who_and_what(editor_client, editor):
    work = WorkFactory(title="Old Title")
    data = form_data(editor_client.get(change_url(work)))
    data["title"] = "New Title"
    assert editor_client.post(change_url(work), data).status_code == 302

    latest = work.history.first()
    assert latest.history_user == editor
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Old Title", "New Title")]

    page = editor_client.get(reverse("admin:catalogue_work_history", args=[work.pk])).content.decode()
    assert "Old Title" in page and "New Title" in page and "ed" in page


def test_an_earlier_version_is_restored_from_the_history_page(editor_client):
    work = WorkFactory(title="First Title")
    first = work.history.first()
    work.title = "Vandalised"
    work.save()

    url = reverse("admin:catalogue_work_simple_history", args=[work.pk, first.history_id])
    data = form_data(editor_client.get(url))
    assert data["title"] == "First Title"
    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    work.refresh_from_db()
    assert work.title == "First Title"
    assert work.history.first().history_change_reason.startswith("Restored version")


def test_restoring_is_not_refused_by_the_conflict_check(editor, other_editor):
    work = WorkFactory(title="Kept")
    first = work.history.first()
    mine = logged_in(editor)
    url = reverse("admin:catalogue_work_simple_history", args=[work.pk, first.history_id])
    data = form_data(mine.get(url))
    # A colleague saves after the restore page was opened.
    theirs = logged_in(other_editor)
    their_data = form_data(theirs.get(change_url(work)))
    their_data["title"] = "Theirs"
    assert theirs.post(change_url(work), their_data).status_code == 302

    assert mine.post(url, data).status_code == 302
    work.refresh_from_db()
    assert work.title == "Kept"


def test_the_second_of_two_saves_is_refused_and_shows_what_changed(editor, other_editor):
    work = WorkFactory(title="Goblin", episodes=16)
    mine, theirs = logged_in(editor), logged_in(other_editor)
    my_data = form_data(mine.get(change_url(work)))
    their_data = form_data(theirs.get(change_url(work)))

    their_data["title"] = "Guardian"
    assert theirs.post(change_url(work), their_data).status_code == 302

    my_data["episodes"] = "20"
    response = mine.post(change_url(work), my_data)

    assert response.status_code == 200
    errors = " ".join(errors_of(response))
    assert "NOT saved" in errors
    assert "jo" in errors and "English title" in errors and "Goblin" in errors and "Guardian" in errors
    work.refresh_from_db()
    assert (work.title, work.episodes) == ("Guardian", 16)  # nothing silently overwritten

    # Having seen their change, a deliberate second save goes through.
    again = form_data(response)
    again["title"] = "Guardian"
    assert mine.post(change_url(work), again).status_code == 302
    work.refresh_from_db()
    assert (work.title, work.episodes) == ("Guardian", 20)


def test_a_stale_song_row_on_the_work_page_is_refused_but_untouched_rows_are_not(editor, other_editor):
    song = SongFactory(title="Stay With Me")
    work = song.work
    mine, theirs = logged_in(editor), logged_in(other_editor)
    my_data = form_data(mine.get(change_url(work)))
    their_song = form_data(theirs.get(change_url(song)))
    their_song["title"] = "Stay With Me (Remix)"
    assert theirs.post(change_url(song), their_song).status_code == 302

    # I change only the work: my untouched song row does not overwrite theirs.
    my_data["summary"] = "A new summary."
    assert mine.post(change_url(work), my_data).status_code == 302
    song.refresh_from_db()
    assert song.title == "Stay With Me (Remix)"

    # I edit the stale song row: refused.
    my_data = form_data(mine.get(change_url(work)))
    their_song = form_data(theirs.get(change_url(song)))
    their_song["title"] = "Stay"
    assert theirs.post(change_url(song), their_song).status_code == 302
    my_data["songs-0-title"] = "Mine"
    response = mine.post(change_url(work), my_data)
    assert response.status_code == 200
    song.refresh_from_db()
    assert song.title == "Stay"


def test_the_fixtures_versions_are_recorded_so_the_first_edit_can_be_undone(db, capsys):
    call_command("seed_catalogue")
    work = Work.objects.published().first()
    assert work is not None
    for model in (Work, Song, Performer):
        assert all(obj.history.exists() for obj in model.objects.all())
    assert work.history.count() == 1
    assert "first history versions recorded" in capsys.readouterr().out


def test_seeding_twice_never_overwrites_an_editors_change(db):
    call_command("seed_catalogue", verbosity=0)
    counts = {m: m.objects.count() for m in (Work, Song, Performer)}
    work = Work.objects.first()
    work.title = "Edited by an editor"
    work.save()

    call_command("seed_catalogue", verbosity=0)

    work.refresh_from_db()
    assert work.title == "Edited by an editor"
    assert {m: m.objects.count() for m in (Work, Song, Performer)} == counts


def test_restoring_a_version_is_logged_in_the_admins_recent_actions(editor_client, editor):
    from django.contrib.admin.models import CHANGE, LogEntry

    work = WorkFactory(title="First Title")
    first = work.history.first()
    work.title = "Vandalised"
    work.save()

    url = reverse("admin:catalogue_work_simple_history", args=[work.pk, first.history_id])
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302

    entry = LogEntry.objects.get(object_id=str(work.pk), content_type__model="work")
    assert (entry.user, entry.action_flag) == (editor, CHANGE)
    assert entry.get_change_message() == f"Restored version {first.history_id}"
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "First Title" in index and "Recent actions" in index
