# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Issue 18, editors' friction: a performer the picker did not find is created with
the typed name; the publish error shows at the top of the form; listen links and
milestones are reached from the work's page, a milestone's slug made from its
description; a work's history lists what was added in the same sitting."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from catalogue.models import Milestone, Performer, Source, Work
from editing.forms import unique_slug
from tests.editing.helpers import editor, editor_client, errors_of, form_data, make_user  # noqa: F401
from tests.factories import PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def work_add_data(client, **overrides):
    data = form_data(client.get(reverse("admin:catalogue_work_add")))
    data.update(
        {
            "title": "Twenty-Five Twenty-One",
            "title_ko": "스물다섯 스물하나",
            "slug": "twenty-five-twenty-one",
            "kind": "drama",
            "year": "2022",
            "first_aired": "2022-02-12",
            "songs-0-title": "Starlight",
            "songs-0-slug": "starlight",
            "songs-0-role": "insert",
            "songs-0-release_date": "2022-02-13",
            "songs-0-release_date_precision": "day",
        }
    )
    data.update(overrides)
    return data


# 1. "Sung by": create the performer that was typed -------------------------------


def test_the_sung_by_picker_loads_the_offer_to_create_with_a_translated_label(editor_client):
    html = editor_client.get(reverse("admin:catalogue_work_add")).content.decode()
    assert "js/admin-autocomplete-create.js" in html
    assert 'data-create-label="Add “%(term)s” as a new performer"' in html
    # After Django's jQuery, which the script uses.
    assert html.index("admin/js/jquery.init.js") < html.index("js/admin-autocomplete-create.js")


def test_the_performer_pop_up_takes_the_typed_name_and_makes_its_slug(editor_client):
    PerformerFactory(slug="taeil", name="Taeil (NCT)")
    url = reverse("admin:catalogue_performer_add") + "?name=Taeil&_to_field=id&_popup=1"
    form = editor_client.get(url).context["adminform"].form
    assert form["name"].value() == "Taeil"
    assert form["slug"].value() == "taeil-2"  # "taeil" is taken

    data = form_data(editor_client.get(url))
    data.update({"_popup": "1", "_to_field": "id", "kind": "solo"})
    response = editor_client.post(url, data)
    assert response.status_code == 200, errors_of(response)
    assert Performer.objects.filter(name="Taeil", slug="taeil-2").exists()


def test_unique_slug_adds_a_number_and_keeps_within_the_limit():
    taken = {"golden", "golden-2"}
    assert unique_slug("Golden", taken.__contains__, 80) == "golden-3"
    assert unique_slug("골든", taken.__contains__, 80) == ""
    long = unique_slug("x" * 100, {"x" * 10}.__contains__, 10)
    assert long == "x" * 8 + "-2"


# 2. The publish error, at the top of the form ------------------------------------


def test_the_publish_error_is_shown_under_the_errornote_at_the_top(editor_client):
    work = WorkFactory(status=Work.Status.DRAFT)
    url = reverse("admin:catalogue_work_change", args=[work.pk])
    data = form_data(editor_client.get(url))
    data["status"] = "published"
    response = editor_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    message = "A work can be published only when it names at least one source."
    top = re.search(r'<p class="errornote">.*?</p>\s*<ul class="errorlist nonfield"[^>]*>(.*?)</ul>', html, re.S)
    assert top and message in top.group(1)
    assert html.index(message) < html.index("<fieldset")  # before the first field
    # Still at "Status" too, where it is corrected.
    assert message in " ".join(response.context["adminform"].form.errors["status"])
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


# 3. Listen links and milestones from the work's page -----------------------------


def test_each_saved_song_on_the_work_page_links_to_adding_listen_links_and_milestones(editor_client):
    song = SongFactory()
    html = editor_client.get(reverse("admin:catalogue_work_change", args=[song.work.pk])).content.decode()
    song_url = reverse("admin:catalogue_song_change", args=[song.pk])
    assert f'href="{song_url}?add=listen_links#listen_links-group"' in html
    assert f'href="{song_url}?add=milestones#milestones-group"' in html
    assert "Add a milestone (0 so far)" in html

    new_work = editor_client.get(reverse("admin:catalogue_work_add")).content.decode()
    assert "Save the work first; then add its listen links and milestones here." in new_work


@pytest.mark.parametrize(("prefix", "other"), [("milestones", "listen_links"), ("listen_links", "milestones")])
def test_the_song_page_opens_with_a_blank_row_of_what_was_asked_for(editor_client, prefix, other):
    song = SongFactory()
    url = reverse("admin:catalogue_song_change", args=[song.pk])
    data = form_data(editor_client.get(f"{url}?add={prefix}"))
    assert data[f"{prefix}-TOTAL_FORMS"] == "1"
    assert data[f"{other}-TOTAL_FORMS"] == "0"
    assert form_data(editor_client.get(url))[f"{prefix}-TOTAL_FORMS"] == "0"


def post_milestones(client, song, rows):
    url = reverse("admin:catalogue_song_change", args=[song.pk])
    data = form_data(client.get(url))
    data["milestones-TOTAL_FORMS"] = str(int(data["milestones-INITIAL_FORMS"]) + len(rows))
    start = int(data["milestones-INITIAL_FORMS"])
    for offset, row in enumerate(rows):
        prefix = f"milestones-{start + offset}-"
        data.update({prefix + "kind": "chart", prefix + "date_precision": "day", prefix + "is_confirmed": "on"})
        data.update({prefix + key: value for key, value in row.items()})
    return client.post(url, data)


def test_a_milestone_left_without_a_slug_gets_one_from_its_description_unique_in_its_song(editor_client):
    song = SongFactory()
    other_song = SongFactory()
    Milestone.objects.create(song=song, slug="no-1-on-melon", description="No. 1 on Melon")
    Milestone.objects.create(song=other_song, slug="top-10-on-genie", description="Top 10 on Genie")

    response = post_milestones(
        editor_client,
        song,
        [
            {"description": "No. 1 on Melon", "slug": ""},
            {"description": "No. 1 on Melon", "slug": ""},
            {"description": "Top 10 on Genie", "slug": ""},
            {"description": "멜론 1위", "slug": ""},
            {"description": "Kept as typed", "slug": "no-1-on-melon-3"},
        ],
    )

    assert response.status_code == 302, errors_of(response)
    slugs = dict(song.milestones.values_list("slug", "description"))
    assert slugs == {
        "no-1-on-melon": "No. 1 on Melon",
        "no-1-on-melon-2": "No. 1 on Melon",
        "no-1-on-melon-4": "No. 1 on Melon",  # -3 is typed in another row
        "top-10-on-genie": "Top 10 on Genie",  # another song's slug is no clash
        "chart-1": "멜론 1위",  # no Latin letters: led by its kind
        "no-1-on-melon-3": "Kept as typed",
    }


# 4. The work's history: what the same sitting added --------------------------------


def test_the_history_of_a_work_lists_the_songs_performers_and_sources_of_its_sitting(editor_client, editor):
    known = PerformerFactory(slug="known-singer", name="Known Singer")
    # Made in the "+" pop-ups while the work's form is open.
    source_url = reverse("admin:catalogue_source_add") + "?_popup=1"
    response = editor_client.post(
        source_url, {"slug": "kbs-news", "publisher": "KBS News", "title": "Ratings", "_popup": "1"}
    )
    assert response.status_code == 200, errors_of(response)
    performer_url = reverse("admin:catalogue_performer_add") + "?name=Taeil&_to_field=id&_popup=1"
    data = form_data(editor_client.get(performer_url))
    data.update({"_popup": "1", "_to_field": "id", "kind": "solo"})
    assert editor_client.post(performer_url, data).status_code == 200
    taeil = Performer.objects.get(name="Taeil")
    source = Source.objects.get(slug="kbs-news")
    # Someone else's performer, credited too, made at the same time: not "new" in this sitting.
    theirs = make_user("jo", "Editors")
    their_client = type(editor_client)()
    their_client.force_login(theirs)
    their_url = reverse("admin:catalogue_performer_add") + "?name=Their Singer"
    their_data = form_data(their_client.get(their_url))
    their_data.update({"kind": "solo"})
    assert their_client.post(their_url, their_data).status_code == 302
    their_singer = Performer.objects.get(name="Their Singer")

    data = work_add_data(
        editor_client,
        sources=[str(source.pk)],
        **{"songs-0-sung_by": [str(taeil.pk), str(known.pk), str(their_singer.pk)]},
    )
    response = editor_client.post(reverse("admin:catalogue_work_add"), data)
    assert response.status_code == 302, errors_of(response)
    work = Work.objects.get(slug="twenty-five-twenty-one")
    created = work.history.last()

    html = editor_client.get(reverse("admin:catalogue_work_history", args=[work.pk])).content.decode()
    section = re.search(r'<div class="module same-sitting".*?</dl>', html, re.S).group(0)
    when = date_format(timezone.localtime(created.history_date), "DATETIME_FORMAT")
    assert f"Saved {when} by ed" in section
    assert "Starlight" in section
    assert re.search(r">Taeil</a> \(new entry\)", section)
    assert re.search(r">Known Singer</a>(?! \(new)", section)
    assert re.search(r">Their Singer</a>(?! \(new)", section)
    assert "KBS News: Ratings" in section
    assert not re.search(r"\d{4}-\d\d-\d\d", section)  # a readable date, not ISO
    assert html.index("same-sitting") < html.index('id="change-history"')


def test_a_later_edit_lists_only_what_it_added(editor_client):
    work = WorkFactory(title="Goblin", year=2016)
    old_song = SongFactory(work=work, title="Stay With Me")
    # An hour ago, by someone outside the admin: not this sitting.
    work.history.update(history_date=timezone.now() - datetime.timedelta(hours=1))
    old_song.history.update(history_date=timezone.now() - datetime.timedelta(hours=1))

    url = reverse("admin:catalogue_work_change", args=[work.pk])
    data = form_data(editor_client.get(url))
    total = int(data["songs-TOTAL_FORMS"])
    prefix = f"songs-{total}-"
    data["songs-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            prefix + "title": "Beautiful",
            prefix + "slug": "beautiful-goblin",
            prefix + "role": "insert",
            prefix + "release_date_precision": "day",
            prefix + "work": str(work.pk),
        }
    )
    data["episodes"] = "16"
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    html = editor_client.get(reverse("admin:catalogue_work_history", args=[work.pk])).content.decode()
    section = re.search(r'<div class="module same-sitting".*?</div>', html, re.S).group(0)
    assert "Beautiful" in section and "Stay With Me" not in section
    assert section.count("<h3>") == 1


def test_a_work_with_nothing_added_alongside_has_no_sitting_section(editor_client):
    work = WorkFactory()
    response = editor_client.get(reverse("admin:catalogue_work_history", args=[work.pk]))
    assert response.status_code == 200
    assert "same-sitting" not in response.content.decode()
    for wrong in ["abc", "99999999999999999999"]:
        assert editor_client.get(reverse("admin:catalogue_work_history", args=[wrong])).status_code == 404


def test_the_new_labels_are_in_korean_for_korean_editors(editor_client):
    song = SongFactory()
    html = editor_client.get(
        reverse("admin:catalogue_work_change", args=[song.work.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert 'data-create-label="“%(term)s”을(를) 새 가수로 추가"' in html
    assert "기록 추가 (지금까지 0개)" in html
