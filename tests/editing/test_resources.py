# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Bulk import: a preview with each row's errors, all or nothing, and the same format
exported back out."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Credit, Song, Work
from tests.editing.helpers import editor, editor_client  # noqa: F401
from tests.factories import PerformerFactory, SourceFactory, WorkFactory

pytestmark = pytest.mark.django_db

CSV, JSON_FORMAT = "0", "1"

SONGS_HEADER = "slug,work,title,title_ko,release_date,role,performers\n"


@pytest.fixture
def catalogue(db):
    work = WorkFactory(slug="goblin", title="Goblin", year=2016)
    work.last_aired = None
    PerformerFactory(slug="chanyeol", name="Chanyeol")
    PerformerFactory(slug="punch", name="Punch")
    return work


def upload(client, model, content, name, fmt=CSV, resource="0"):
    url = reverse(f"admin:catalogue_{model}_import")
    return client.post(
        url,
        {"resource": resource, "format": fmt, "import_file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse(f"admin:catalogue_{model}_process_import"), data, follow=True)


def test_a_clean_csv_is_previewed_then_saved_with_its_credits(editor_client, catalogue):
    content = SONGS_HEADER + (
        "stay-with-me-x,goblin,Stay With Me,,2016-12-03,main-theme,chanyeol;punch\n"
        "beautiful-x,goblin,Beautiful,,2016-12-31,insert,\n"
    )
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.status_code == 200
    assert not Song.objects.filter(slug="stay-with-me-x").exists()  # a preview saves nothing
    assert preview.context["confirm_form"] is not None

    done = confirm(editor_client, "song", preview)

    assert done.status_code == 200
    song = Song.objects.get(slug="stay-with-me-x")
    assert list(song.credits.order_by("order").values_list("performer__slug", flat=True)) == ["chanyeol", "punch"]
    assert song.history.exists()  # imported rows are recorded too


def test_a_file_with_one_bad_row_shows_its_errors_and_saves_nothing(editor_client, catalogue):
    content = SONGS_HEADER + (
        "good-one,goblin,Good One,,2016-12-03,insert,chanyeol\n"
        "bad-one,goblin,Bad One,Dokkaebi,1990-01-01,insert,nobody-here\n"
        "good-two,nowhere,Good Two,,2016-12-05,insert,\n"
    )
    before = (Song.objects.count(), Credit.objects.count())

    preview = upload(editor_client, "song", content, "songs.csv")

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None  # nothing to confirm
    page = preview.content.decode()
    assert "A Korean name must contain Hangul" in page
    assert "outside the run" in page
    assert "No performer has the slug “nobody-here”." in page
    assert "No work has the slug “nowhere”." in page
    assert (Song.objects.count(), Credit.objects.count()) == before


def test_posting_the_confirmation_of_a_bad_file_anyway_saves_nothing(editor_client, catalogue):
    content = SONGS_HEADER + "good-one,goblin,Good One,,2016-12-03,insert,\nbad,goblin,Bad,,1990-01-01,insert,\n"
    preview = upload(editor_client, "song", content, "songs.csv")
    assert "outside the run" in preview.content.decode()
    # Forge a confirmation for the same content: the import still refuses it as a whole.
    from django.conf import settings
    from django.utils.module_loading import import_string

    storage = import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)(encoding="utf-8")
    storage.save(content)
    response = editor_client.post(
        reverse("admin:catalogue_song_process_import"),
        {"import_file_name": storage.name, "original_file_name": "songs.csv", "format": CSV, "resource": "0"},
        follow=True,
    )
    assert not Song.objects.filter(slug="good-one").exists()
    assert "Nothing was imported: the file has errors." in response.content.decode()


def test_a_json_file_of_works_imports_as_drafts(editor_client, catalogue):
    source = SourceFactory(slug="src-1")
    rows = [{"slug": "new-show", "title": "New Show", "kind": "drama", "year": 2021, "sources": source.slug}]
    preview = upload(editor_client, "work", json.dumps(rows), "works.json", fmt=JSON_FORMAT)
    assert preview.context["confirm_form"] is not None, preview.content.decode()[:2000]
    confirm(editor_client, "work", preview)
    work = Work.objects.get(slug="new-show")
    assert work.status == Work.Status.DRAFT
    assert list(work.sources.values_list("slug", flat=True)) == ["src-1"]


def test_the_export_imports_back_unchanged(editor_client, catalogue):
    from editing.resources import SongResource

    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch;chanyeol\n"
    confirm(editor_client, "song", upload(editor_client, "song", content, "songs.csv"))

    exported = SongResource().export().csv
    assert "punch;chanyeol" in exported
    result = SongResource().import_data(__import__("tablib").Dataset().load(exported, format="csv"), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()


def test_the_admin_export_offers_csv_and_json(editor_client, catalogue):
    response = editor_client.get(reverse("admin:catalogue_song_export"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "csv" in html and "json" in html and "xlsx" not in html
