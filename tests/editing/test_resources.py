# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Bulk import: a preview with each row's errors, all or nothing, and the same format
exported back out."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Credit, Song, Work
from tests.editing.helpers import editor, editor_client  # noqa: F401
from tests.factories import NetworkFactory, PerformerFactory, SourceFactory, WorkFactory

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


def test_the_admin_csv_export_writes_no_formula(editor_client):
    import csv
    import io

    WorkFactory(slug="evil", title='=HYPERLINK("http://evil.example","x")')
    url = reverse("admin:catalogue_work_export")
    form = editor_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({"format": CSV, "resource": "0"})
    data = {name: ("on" if value is True else value) for name, value in data.items() if value not in (False, None)}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any("HYPERLINK" in cell for row in rows for cell in row)
    assert not [cell for row in rows for cell in row if cell.startswith("=")]


# --- Issue 15: imports that fail plainly, read Korean Excel files, and stay fast ---

WORKS_HEADER = "slug,title,title_ko,kind,year,network,sources\n"


def work_rows(count, start=0):
    return "".join(f"bulk-{i},Bulk {i},벌크 {i},drama,2016,tvn,src-a;src-b\n" for i in range(start, start + count))


def confirm_data(preview):
    form = preview.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def page_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize(
    "tampered",
    [
        {"import_file_name": "no-such-upload"},
        {"import_file_name": "../../etc/passwd"},
        {"format": "7"},
        {"format": "csv"},
        {"resource": "9"},
        {"resource": "songs"},
    ],
)
def test_a_tampered_confirmation_is_refused_with_a_message(editor_client, catalogue, tampered):
    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch\n"
    preview = upload(editor_client, "song", content, "songs.csv")
    response = editor_client.post(
        reverse("admin:catalogue_song_process_import"), {**confirm_data(preview), **tampered}, follow=True
    )
    assert response.status_code == 200
    assert not Song.objects.filter(slug="stay-x").exists()
    assert any("could not be confirmed" in m for m in page_messages(response)), page_messages(response)


def test_a_confirmation_of_a_file_read_as_another_format_saves_nothing(editor_client, catalogue):
    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch\n"
    preview = upload(editor_client, "song", content, "songs.csv")
    response = editor_client.post(
        reverse("admin:catalogue_song_process_import"), {**confirm_data(preview), "format": JSON_FORMAT}, follow=True
    )
    assert response.status_code == 200
    assert not Song.objects.filter(slug="stay-x").exists()
    assert page_messages(response)


@pytest.fixture
def cache_down(settings):
    """The cache (Redis) unreachable: a Redis on a port nobody listens on."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def test_a_preview_while_the_cache_is_down_says_to_try_again(editor_client, catalogue, cache_down):
    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch\n"
    url = reverse("admin:catalogue_song_import")
    file = SimpleUploadedFile("songs.csv", content.encode())
    preview = editor_client.post(url, {"resource": "0", "format": CSV, "import_file": file}, follow=True)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    assert any("can’t be previewed right now" in m and "try again" in m for m in page_messages(preview))


def test_a_confirmation_while_the_cache_is_down_says_to_try_again(editor_client, catalogue, settings):
    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch\n"
    data = confirm_data(upload(editor_client, "song", content, "songs.csv"))
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    response = editor_client.post(reverse("admin:catalogue_song_process_import"), data, follow=True)
    assert response.status_code == 200
    assert not Song.objects.filter(slug="stay-x").exists()
    assert any("try again" in m for m in page_messages(response)), page_messages(response)


def upload_bytes(client, model, content, name, fmt=CSV, **headers):
    return client.post(
        reverse(f"admin:catalogue_{model}_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
        **headers,
    )


def test_a_csv_saved_by_korean_excel_is_read_as_cp949_and_the_editor_told(editor_client, catalogue):
    content = (SONGS_HEADER + "stay-x,goblin,Stay With Me,함께 있어줘,2016-12-03,insert,punch\n").encode("cp949")
    preview = upload_bytes(editor_client, "song", content, "songs.csv")
    assert preview.context.get("confirm_form") is not None, preview.content.decode()[:3000]
    assert any("CP949" in m for m in page_messages(preview)), page_messages(preview)
    confirm(editor_client, "song", preview)
    assert Song.objects.get(slug="stay-x").title_ko == "함께 있어줘"


def test_a_utf8_csv_with_a_byte_order_mark_is_read_without_a_note(editor_client, catalogue):
    content = (SONGS_HEADER + "stay-x,goblin,Stay With Me,함께 있어줘,2016-12-03,insert,punch\n").encode("utf-8-sig")
    preview = upload_bytes(editor_client, "song", content, "songs.csv")
    assert preview.context.get("confirm_form") is not None
    assert not any("CP949" in m for m in page_messages(preview))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "The file is not UTF-8"), ("ko", "UTF-8 파일이 아닙니다")],
)
def test_a_file_in_an_unknown_encoding_asks_for_csv_utf8(editor_client, catalogue, language, expected):
    content = SONGS_HEADER.encode() + "café-x,goblin,Café,,2016-12-03,insert,\n".encode("latin-1")
    preview = upload_bytes(editor_client, "song", content, "songs.csv", HTTP_ACCEPT_LANGUAGE=language)
    page = preview.content.decode()
    assert expected in page
    assert "CSV UTF-8" in page
    assert "UnicodeDecodeError" not in page


def test_a_file_without_the_slug_column_names_it_without_a_traceback(editor_client, catalogue):
    content = "work,title,role\ngoblin,Stay,insert\n"
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "The file has no “slug” column" in page
    assert "Traceback" not in page and "site-packages" not in page and 'File "/' not in page
    assert preview.context.get("confirm_form") is None


def test_a_credits_file_without_its_key_columns_names_both(editor_client, catalogue):
    preview = upload(editor_client, "song", "role,order\nlead,1\n", "credits.csv", resource="1")
    page = preview.content.decode()
    assert "The file has no “song”, “performer” columns" in page
    assert "Traceback" not in page


def test_a_slug_twice_in_one_file_is_an_error_on_the_second_row(editor_client, catalogue):
    content = SONGS_HEADER + "twin,goblin,Twin A,,2016-12-03,insert,\ntwin,goblin,Twin B,,2016-12-04,insert,\n"
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.context.get("confirm_form") is None
    assert "“twin” is also on row 1" in preview.content.decode()


def import_queries(client, django_assert_max_num_queries, rows):
    content = WORKS_HEADER + work_rows(rows)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as preview_queries:
        preview = upload(client, "work", content, "works.csv")
    assert preview.context["confirm_form"] is not None, preview.content.decode()[:3000]
    with CaptureQueriesContext(connection) as confirm_queries:
        confirm(client, "work", preview)
    Work.objects.filter(slug__startswith="bulk-").delete()
    return len(preview_queries), len(confirm_queries)


def test_the_queries_of_an_import_do_not_grow_with_lookups_per_row(
    editor_client, catalogue, django_assert_max_num_queries
):
    """Each new row costs its own insert, in its savepoint; every lookup (slugs of
    related rows, the rows to update) is made once per import, and the rows' history
    and sources are written together, whatever the number of rows."""
    from tests.factories import NetworkFactory

    NetworkFactory(slug="tvn", name="tvN")
    SourceFactory(slug="src-a")
    SourceFactory(slug="src-b")
    small = import_queries(editor_client, django_assert_max_num_queries, 5)
    large = import_queries(editor_client, django_assert_max_num_queries, 25)
    writes_per_row = 3  # SAVEPOINT, INSERT work, RELEASE SAVEPOINT (24 before issue 15)
    for step, few, many in zip(("preview", "confirm"), small, large, strict=True):
        assert (many - few) / 20 <= writes_per_row, f"{step}: {(many - few) / 20:.1f} queries per row"


def test_the_preview_and_the_confirmation_say_how_many_rows_were_read(editor_client, catalogue):
    from tests.factories import NetworkFactory

    NetworkFactory(slug="tvn", name="tvN")
    SourceFactory(slug="src-a")
    SourceFactory(slug="src-b")
    preview = upload(editor_client, "work", WORKS_HEADER + work_rows(3), "works.csv")
    assert any("Read 3 rows from works.csv" in m for m in page_messages(preview)), page_messages(preview)
    done = confirm(editor_client, "work", preview)
    assert any("3 new" in m for m in page_messages(done)), page_messages(done)
    assert Work.objects.filter(slug__startswith="bulk-").count() == 3
    for work in Work.objects.filter(slug__startswith="bulk-"):
        (record,) = work.history.all()  # recorded, by whom, as an addition, with its sources
        assert (record.history_type, record.history_user.username, record.title) == ("+", "ed", work.title)
        assert sorted(work.sources.values_list("slug", flat=True)) == ["src-a", "src-b"]


def test_a_check_constraint_left_to_the_database_is_a_plain_error_on_the_row(catalogue):
    """Rows are not checked against the check constraints one query each: the
    database refuses a row that breaks one, and the row gets the constraint's message."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from editing.resources import SongResource
    from tests.factories import SongFactory

    song = SongFactory(work=catalogue)
    song.remake_of_id = song.pk
    with transaction.atomic(), pytest.raises(ValidationError) as raised:
        SongResource().do_instance_save(song, False)
    assert "song_not_remake_of_itself" in str(raised.value)


# --- Issue 15: songs import as fast as works (no lookup, credit or history per row) ---


def song_rows(count, works=("goblin", "sky-castle")):
    return "".join(
        f"bulk-song-{i},{works[i % len(works)]},Bulk Song {i},,2016-12-{1 + i % 28:02},insert,punch;chanyeol\n"
        for i in range(count)
    )


def song_import_queries(client, rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as preview_queries:
        preview = upload(client, "song", SONGS_HEADER + song_rows(rows), "songs.csv")
    assert preview.context["confirm_form"] is not None, preview.content.decode()[:3000]
    with CaptureQueriesContext(connection) as confirm_queries:
        confirm(client, "song", preview)
    assert Song.objects.filter(slug__startswith="bulk-song-").count() == rows
    Song.objects.filter(slug__startswith="bulk-song-").delete()
    return len(preview_queries), len(confirm_queries)


def test_the_queries_of_a_song_import_do_not_grow_with_lookups_or_credits_per_row(editor_client, catalogue):
    """A new song costs its own insert in its savepoint, nothing more: the titles of
    its work's songs are read once for every work of the file, and its credits and
    their history are written with the other new songs' at the end of the import."""
    from tests.factories import SongFactory

    WorkFactory(slug="sky-castle", title="SKY Castle", year=2016)
    SongFactory(work=catalogue, slug="already-there", title="Already There")
    small = song_import_queries(editor_client, 5)
    large = song_import_queries(editor_client, 25)
    writes_per_row = 3  # SAVEPOINT, INSERT song, RELEASE SAVEPOINT (7 before)
    for step, few, many in zip(("preview", "confirm"), small, large, strict=True):
        assert (many - few) / 20 <= writes_per_row, f"{step}: {(many - few) / 20:.1f} queries per row"


def test_imported_songs_credits_keep_billing_order_and_are_recorded_by_the_importer(editor_client, catalogue):
    content = SONGS_HEADER + (
        "stay-x,goblin,Stay With Me,,2016-12-03,main-theme,punch;chanyeol\n"
        "duo-x,goblin,Duo,,2016-12-04,insert,chanyeol;punch\n"
        "solo-x,goblin,Solo,,2016-12-05,insert,\n"
    )
    preview = upload(editor_client, "song", content, "songs.csv")
    assert not Credit.objects.exists()  # a preview saves nothing
    assert "punch;chanyeol" in preview.content.decode()  # the preview shows them in billing order
    confirm(editor_client, "song", preview)

    for slug, performers in (("stay-x", ["punch", "chanyeol"]), ("duo-x", ["chanyeol", "punch"]), ("solo-x", [])):
        credits = list(Song.objects.get(slug=slug).credits.in_billing_order())
        assert [c.performer.slug for c in credits] == performers
        assert [c.order for c in credits] == list(range(len(performers)))
        for credit in credits:
            (record,) = credit.history.all()
            assert (record.history_type, record.history_user.username) == ("+", "ed")
            assert (record.id, record.order) == (credit.pk, credit.order)
    (song_record,) = Song.objects.get(slug="stay-x").history.all()
    assert song_record.history_user.username == "ed"


def test_a_file_whose_last_row_is_bad_saves_no_credit_of_the_good_ones(editor_client, catalogue):
    content = SONGS_HEADER + (
        "good-x,goblin,Good,,2016-12-03,insert,punch;chanyeol\nbad-x,goblin,Bad,,1990-01-01,insert,\n"
    )
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.context.get("confirm_form") is None
    assert not Credit.objects.exists() and not Credit.history.exists()


def test_an_existing_song_keeps_its_credits_and_gets_the_new_performer_after_them(editor_client, catalogue):
    from tests.factories import SongFactory

    song = SongFactory(work=catalogue, slug="stay-x", title="Stay", release_date="2016-12-03")
    Credit.objects.create(song=song, performer=PerformerFactory(slug="punch"), order=0, note="kept")
    content = SONGS_HEADER + "stay-x,goblin,Stay,,2016-12-03,insert,punch;chanyeol\n"
    confirm(editor_client, "song", upload(editor_client, "song", content, "songs.csv"))
    credits = list(song.credits.in_billing_order())
    assert [(c.performer.slug, c.order, c.note) for c in credits] == [("punch", 0, "kept"), ("chanyeol", 1, "")]
    assert credits[1].history.get().history_user.username == "ed"


def test_a_title_already_in_the_work_or_on_an_earlier_row_is_an_error_on_its_row(editor_client, catalogue):
    from tests.factories import SongFactory

    SongFactory(work=catalogue, slug="stay-with-me", title="Stay With Me")
    other = WorkFactory(slug="sky-castle", title="SKY Castle", year=2016)
    content = SONGS_HEADER + (
        "again-x,goblin,stay  with ME,,2016-12-03,insert,\n"  # the work has it (folded)
        "first-x,goblin,Beautiful,,2016-12-04,insert,\n"
        "twice-x,goblin,BEAUTIFUL,,2016-12-05,insert,\n"  # row 2 has it
        "elsewhere-x,sky-castle,Beautiful,,2016-12-05,insert,\n"  # another work: fine
    )
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.context.get("confirm_form") is None
    invalid = {row.number: row.error.message_dict for row in preview.context["result"].invalid_rows}
    assert set(invalid) == {1, 3}
    assert "already has a song called “stay  with ME”" in invalid[1]["title"][0]
    assert "already has a song called “BEAUTIFUL”" in invalid[3]["title"][0]
    assert not other.songs.exists()


def test_a_song_renamed_on_an_earlier_row_leaves_its_old_title_free(editor_client, catalogue):
    from tests.factories import SongFactory

    SongFactory(work=catalogue, slug="old-x", title="Old Title")
    content = SONGS_HEADER + (
        "old-x,goblin,New Title,,2016-12-03,insert,\nnext-x,goblin,Old Title,,2016-12-04,insert,\n"
    )
    preview = upload(editor_client, "song", content, "songs.csv")
    assert preview.context["confirm_form"] is not None, preview.content.decode()[:3000]
    confirm(editor_client, "song", preview)
    assert sorted(catalogue.songs.values_list("title", flat=True)) == ["New Title", "Old Title"]


@pytest.mark.parametrize(
    ("kind", "network"),
    [("drama", "tvn"), ("TV drama", "tvN"), ("tv DRAMA", "TVN"), ("TV 드라마", "tvn")],
)
def test_an_import_takes_the_labels_the_site_shows_as_well_as_slugs(editor_client, catalogue, kind, network):
    NetworkFactory(slug="tvn", name="tvN")
    content = f"slug,title,kind,year,network\nnew-drama,New Drama,{kind},2020,{network}\n"
    preview = upload(editor_client, "work", content, "works.csv")
    assert preview.context["confirm_form"] is not None, preview.content.decode()[-2000:]
    confirm(editor_client, "work", preview)
    work = Work.objects.get(slug="new-drama")
    assert (work.kind, work.network.slug) == ("drama", "tvn")


def test_an_unknown_label_names_the_values_the_column_takes(editor_client, catalogue):
    content = "slug,title,kind,year\nnew-drama,New Drama,soap opera,2020\n"
    html = upload(editor_client, "work", content, "works.csv").content.decode()
    assert "“soap opera” is not one of: drama, film, animated-film, web-series." in html
    assert not Work.objects.filter(slug="new-drama").exists()
