# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""An editor adds a whole entry in one sitting, finds performers by either name,
and edits credits and memberships from both ends."""

import pytest
from django.urls import reverse

from catalogue.models import Credit, Network, Performer, Song, Work
from tests.editing.helpers import editor, editor_client, errors_of, form_data  # noqa: F401
from tests.factories import CreditFactory, MembershipFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def add_work_data(client, **overrides):
    response = client.get(reverse("admin:catalogue_work_add"))
    assert response.status_code == 200
    data = form_data(response)
    data.update(
        {
            "title": "Moon Lovers",
            "title_ko": "달의 연인",
            "slug": "moon-lovers-test",
            "kind": "drama",
            "year": "2016",
            "first_aired": "2016-08-29",
            "last_aired": "2016-11-01",
            "songs-0-title": "Say Yes",
            "songs-0-title_ko": "세이 예스",
            "songs-0-slug": "say-yes-test",
            "songs-0-role": "insert",
            "songs-0-release_date": "2016-09-05",
            "songs-0-release_date_precision": "day",
        }
    )
    data.update(overrides)
    return data


def test_a_work_its_song_and_its_performers_are_added_from_one_page(editor_client):
    punch = PerformerFactory(slug="punch-test", name="Punch", name_ko="펀치")
    loco = PerformerFactory(slug="loco-test", name="Loco", name_ko="로꼬")
    data = add_work_data(editor_client, **{"songs-0-sung_by": [str(loco.pk), str(punch.pk)]})

    response = editor_client.post(reverse("admin:catalogue_work_add"), data)

    assert response.status_code == 302, errors_of(response)
    work = Work.objects.get(slug="moon-lovers-test")
    assert work.status == Work.Status.DRAFT  # new entries start as drafts
    song = work.songs.get()
    assert song.title == "Say Yes"
    credits = list(song.credits.order_by("order").values_list("performer__slug", flat=True))
    assert credits == ["loco-test", "punch-test"]  # in the order picked


def test_the_add_page_offers_a_plus_to_create_a_performer_on_the_spot(editor_client):
    response = editor_client.get(reverse("admin:catalogue_work_add"))
    html = response.content.decode()
    assert 'name="songs-0-sung_by"' in html
    assert reverse("admin:catalogue_performer_add") in html  # the "+" pop-up link
    assert "data-ajax--url" in html  # autocomplete


@pytest.mark.parametrize("term", ["신승훈", "shin seung hoon", "Shin Seung-hun", "sin seung hun"])
def test_performer_autocomplete_finds_english_korean_and_romanized_names(editor_client, term):
    PerformerFactory(slug="shin-seung-hun", name="Shin Seung-hun", name_ko="신승훈")
    PerformerFactory(slug="iu-test", name="IU", name_ko="아이유")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalogue", "model_name": "song", "field_name": "performers", "term": term},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Shin Seung-hun"]


def test_credits_are_edited_from_the_work_page_too(editor_client):
    song = SongFactory(work=WorkFactory(slug="w-credits"))
    stays = CreditFactory(song=song, performer=PerformerFactory(slug="stays"), order=0, role=Credit.Role.DUET)
    CreditFactory(song=song, performer=PerformerFactory(slug="leaves"), order=1)
    newcomer = PerformerFactory(slug="newcomer")
    url = reverse("admin:catalogue_work_change", args=[song.work.pk])
    data = form_data(editor_client.get(url))
    assert data["songs-0-sung_by"] == [str(stays.performer_id), str(song.credits.get(order=1).performer_id)]
    data["songs-0-sung_by"] = [str(stays.performer_id), str(newcomer.pk)]

    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    credits = {c.performer.slug: c for c in song.credits.select_related("performer")}
    assert set(credits) == {"stays", "newcomer"}
    assert credits["stays"].role == Credit.Role.DUET  # untouched credits keep their details


def test_credits_are_edited_and_removed_from_the_song_page(editor_client):
    song = SongFactory()
    credit = CreditFactory(song=song, performer=PerformerFactory(slug="gone"))
    url = reverse("admin:catalogue_song_change", args=[song.pk])
    data = form_data(editor_client.get(url))
    data["credits-0-DELETE"] = "on"

    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert not Credit.objects.filter(pk=credit.pk).exists()


def test_members_are_edited_from_the_group_and_from_the_member(editor_client):
    membership = MembershipFactory()
    group_page = editor_client.get(reverse("admin:catalogue_performer_change", args=[membership.group.pk]))
    member_page = editor_client.get(reverse("admin:catalogue_performer_change", args=[membership.member.pk]))
    assert form_data(group_page)["memberships-0-member"] == str(membership.member.pk)
    assert form_data(member_page)["group_memberships-0-group"] == str(membership.group.pk)

    url = reverse("admin:catalogue_performer_change", args=[membership.member.pk])
    data = form_data(member_page)
    data["group_memberships-0-role"] = "main vocalist"
    assert editor_client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "main vocalist"


def test_a_performer_created_in_the_popup_comes_back_to_the_song_form(editor_client):
    url = reverse("admin:catalogue_performer_add") + "?_to_field=id&_popup=1"
    data = form_data(editor_client.get(url))
    data.update({"name": "Brand New Singer", "name_ko": "신인가수", "slug": "brand-new-singer", "kind": "solo"})
    data["_popup"] = "1"
    data["_to_field"] = "id"

    response = editor_client.post(url, data)

    assert response.status_code == 200, errors_of(response)
    performer = Performer.objects.get(slug="brand-new-singer")
    assert "popup_response" in response.content.decode() or str(performer.pk) in response.content.decode()


def test_network_picker_is_available_on_the_work_form(editor_client):
    Network.objects.create(slug="tvn-x", name="tvN X", kind="cable")
    response = editor_client.get(reverse("admin:catalogue_work_add"))
    assert 'name="network"' in response.content.decode()


def test_song_added_from_its_work_is_a_draft_until_the_work_is_published(editor_client, client):
    data = add_work_data(editor_client)
    editor_client.post(reverse("admin:catalogue_work_add"), data)
    song = Song.objects.get(slug="say-yes-test")
    assert not Song.objects.published().filter(pk=song.pk).exists()
