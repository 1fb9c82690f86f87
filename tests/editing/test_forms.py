# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""The admin's rules, each with a plain message on the form: duplicates, publishing
needs a source, validation of inline rows, and drafts kept from visitors."""

import pytest
from django.urls import reverse

from catalogue.models import Performer, Work
from tests.editing.helpers import editor, editor_client, errors_of, form_data  # noqa: F401
from tests.factories import ListenLinkFactory, PerformerFactory, SongFactory, SourceFactory, WorkFactory

pytestmark = pytest.mark.django_db


def post_performer(client, **fields):
    url = reverse("admin:catalogue_performer_add")
    data = form_data(client.get(url))
    data.update({"kind": "solo", **fields})
    return client.post(url, data)


@pytest.mark.parametrize(
    ("name", "name_ko"),
    [("Shin Seung Hoon", ""), ("shin seung-hun", ""), ("Sin Seunghun", ""), ("Ballad King", "신승훈")],
)
def test_a_likely_duplicate_performer_is_shown_and_needs_confirmation(editor_client, name, name_ko):
    existing = PerformerFactory(slug="shin-seung-hun", name="Shin Seung-hun", name_ko="신승훈")

    response = post_performer(editor_client, name=name, name_ko=name_ko, slug="new-one")

    assert response.status_code == 200
    errors = " ".join(errors_of(response))
    assert "looks like an entry we already have" in errors
    assert "Shin Seung-hun" in errors
    assert reverse("admin:catalogue_performer_change", args=[existing.pk]) in response.content.decode()
    assert not Performer.objects.filter(slug="new-one").exists()

    confirmed = post_performer(editor_client, name=name, name_ko=name_ko, slug="new-one", confirm_new="on")
    assert confirmed.status_code == 302
    assert Performer.objects.filter(slug="new-one").exists()


def test_a_different_performer_is_added_without_questions(editor_client):
    PerformerFactory(slug="shin-seung-hun", name="Shin Seung-hun", name_ko="신승훈")
    response = post_performer(editor_client, name="Baek Ji-young", name_ko="백지영", slug="baek")
    assert response.status_code == 302, errors_of(response)


def test_a_likely_duplicate_work_title_is_shown(editor_client):
    WorkFactory(slug="goblin", title="Goblin", title_ko="도깨비", year=2016)
    url = reverse("admin:catalogue_work_add")
    data = form_data(editor_client.get(url))
    data.update({"title": "GOBLIN!", "slug": "goblin-2", "kind": "drama", "year": "2016"})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert any("Goblin (2016)" in e for e in errors_of(response))
    assert not Work.objects.filter(slug="goblin-2").exists()


def change_work(client, work, **fields):
    url = reverse("admin:catalogue_work_change", args=[work.pk])
    data = form_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


def test_publishing_without_a_source_is_refused_on_the_form(editor_client):
    work = WorkFactory(status=Work.Status.DRAFT)
    response = change_work(editor_client, work, status="published")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "A work can be published only when it names at least one source. "
        "Add a source under “Sources”, or keep it as a draft for now."
    ]
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


def test_publishing_with_a_source_works_and_stamps_the_date(editor_client):
    work = WorkFactory(status=Work.Status.DRAFT)
    source = SourceFactory()
    response = change_work(editor_client, work, status="published", sources=[str(source.pk)])
    assert response.status_code == 302, errors_of(response)
    work.refresh_from_db()
    assert work.status == Work.Status.PUBLISHED and work.published_at


def test_bulk_publish_skips_works_without_sources_and_names_them(editor_client):
    sourced = WorkFactory(title="Sourced", status=Work.Status.DRAFT)
    sourced.sources.add(SourceFactory())
    bare = WorkFactory(title="Bare", status=Work.Status.DRAFT)
    response = editor_client.post(
        reverse("admin:catalogue_work_changelist"),
        {"action": "publish", "_selected_action": [sourced.pk, bare.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Published 1 work." in messages
    assert any("name no source yet" in m and "Bare" in m for m in messages)
    sourced.refresh_from_db()
    bare.refresh_from_db()
    assert (sourced.status, bare.status) == (Work.Status.PUBLISHED, Work.Status.DRAFT)


def test_bulk_unpublish_returns_works_to_draft(editor_client, django_capture_on_commit_callbacks):
    from django.test import Client

    visitor = Client()
    work = WorkFactory(status=Work.Status.PUBLISHED)
    assert visitor.get(work.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:catalogue_work_changelist"), {"action": "unpublish", "_selected_action": [work.pk]}
        )
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT
    assert visitor.get(work.get_absolute_url()).status_code == 404  # no cache kept the published page


def change_song(client, song, **fields):
    url = reverse("admin:catalogue_song_change", args=[song.pk])
    data = form_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


def test_a_listen_link_that_is_not_http_gets_a_message_on_the_field(editor_client):
    link = ListenLinkFactory()
    response = change_song(editor_client, link.song, **{"listen_links-0-url": "javascript:alert(1)"})
    assert response.status_code == 200
    inline_errors = response.context["inline_admin_formsets"][2].formset.forms[0].errors
    assert "url" in inline_errors


def test_a_korean_title_without_hangul_gets_a_message(editor_client):
    song = SongFactory()
    response = change_song(editor_client, song, title_ko="Dokkaebi")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title_ko"] == [
        "A Korean name must contain Hangul (for example 도깨비)."
    ]


def test_a_release_date_outside_the_run_gets_a_message(editor_client):
    song = SongFactory(work=WorkFactory(year=2016))
    response = change_song(editor_client, song, release_date="2009-01-01")
    assert response.status_code == 200
    assert "outside the run" in response.context["adminform"].form.errors["release_date"][0]


def test_inline_songs_with_a_repeated_title_or_a_date_outside_a_new_works_run_are_caught(editor_client):
    url = reverse("admin:catalogue_work_add")
    data = form_data(editor_client.get(url))
    data.update(
        {
            "title": "Brand New Show",
            "slug": "brand-new-show",
            "kind": "drama",
            "year": "2020",
            "songs-TOTAL_FORMS": "2",
            "songs-0-title": "Same Song",
            "songs-0-slug": "same-song-1",
            "songs-0-role": "insert",
            "songs-0-release_date_precision": "day",
            "songs-1-title": "same song",
            "songs-1-slug": "same-song-2",
            "songs-1-role": "insert",
            "songs-1-release_date": "2031-01-01",
            "songs-1-release_date_precision": "day",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[1].errors
    assert "Another song in this work is already called “same song”." in errors["title"]
    assert "outside the run" in errors["release_date"][0]
    assert not Work.objects.filter(slug="brand-new-show").exists()


def test_garbage_in_an_inline_row_is_a_message_not_a_500(editor_client):
    song = SongFactory()
    response = change_song(
        editor_client,
        song,
        **{
            "credits-TOTAL_FORMS": "2",
            "credits-1-performer": "not-a-number",
            "credits-1-order": "-4",
            "credits-1-role": "nonsense",
        },
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.forms[1].errors


def test_a_draft_is_a_404_for_visitors_and_a_bannered_preview_for_editors(client, editor_client):
    work = WorkFactory(status=Work.Status.DRAFT, title="Secret Draft")
    song = SongFactory(work=work, title="Hidden Song")
    singer = PerformerFactory(name="Only In Drafts")
    song.credits.create(performer=singer)
    pages = [work.get_absolute_url(), song.get_absolute_url(), singer.get_absolute_url()]
    for url in pages:
        page = editor_client.get(url)
        assert page.status_code == 200
        assert "Draft — not visible to visitors." in page.content.decode()
    from django.test import Client

    visitor = Client()
    for url in pages:
        assert visitor.get(url).status_code == 404
    assert "Secret Draft" not in visitor.get(reverse("catalogue:timeline")).content.decode()
    assert "Secret Draft" not in visitor.get(reverse("catalogue:work-list")).content.decode()


def test_a_published_page_shows_no_banner_to_editors(editor_client):
    work = WorkFactory(status=Work.Status.PUBLISHED)
    assert "Draft — not visible" not in editor_client.get(work.get_absolute_url()).content.decode()
