# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Duplicates hidden behind invisible or lookalike characters (issue 15): the admin
still lists the entry we already have, and names holding invisible fillers are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue.models import Performer, Work
from editing import services
from tests.editing.helpers import editor, editor_client, errors_of, form_data  # noqa: F401
from tests.factories import PerformerFactory, WorkFactory

pytestmark = pytest.mark.django_db

CYRILLIC_GOBLIN = "G\u043eblin"  # Cyrillic о
GREEK_GOBLIN = "G\u03bfblin"  # Greek ο
INVISIBLE = "invisible characters"


def post_work(client, **fields):
    url = reverse("admin:catalogue_work_add")
    data = form_data(client.get(url))
    data.update({"slug": "goblin-2", "kind": "drama", "year": "2016", **fields})
    return client.post(url, data)


def post_performer(client, **fields):
    url = reverse("admin:catalogue_performer_add")
    data = form_data(client.get(url))
    data.update({"kind": "solo", "slug": "new-one", **fields})
    return client.post(url, data)


def assert_lists(response, existing):
    """The form was sent back, naming ``existing`` as a likely duplicate with a link to it."""
    assert response.status_code == 200
    errors = " ".join(errors_of(response))
    assert "looks like an entry we already have" in errors
    assert str(existing) in errors
    change_url = reverse(f"admin:catalogue_{existing._meta.model_name}_change", args=[existing.pk])
    assert change_url in response.content.decode()
    return errors


@pytest.fixture
def goblin(db):
    return WorkFactory(slug="goblin", title="Goblin", title_ko="도깨비", year=2016)


@pytest.mark.parametrize("title", [CYRILLIC_GOBLIN, GREEK_GOBLIN, "G\u041eBLIN"])  # the last with a capital Cyrillic O
def test_a_lookalike_title_lists_the_existing_work(editor_client, goblin, title):
    assert_lists(post_work(editor_client, title=title), goblin)
    assert not Work.objects.filter(slug="goblin-2").exists()


@pytest.mark.parametrize("title", ["Goblin\u3164", "\u3164Goblin", "Gob\u1160lin", "Goblin\uffa0", "Go\u200bblin"])
def test_a_title_with_an_invisible_filler_lists_the_existing_work_and_is_refused(editor_client, goblin, title):
    assert_lists(post_work(editor_client, title=title), goblin)

    # Confirming it is new doesn't let the invisible character in. (The admin shows one
    # error per field at a time: the model's checks skip a field the form already refused.)
    confirmed = post_work(editor_client, title=title, confirm_new="on")
    assert confirmed.status_code == 200
    assert INVISIBLE in " ".join(errors_of(confirmed))
    assert not Work.objects.filter(slug="goblin-2").exists()


def test_a_korean_title_with_a_filler_inside_lists_the_existing_work(editor_client, goblin):
    errors = assert_lists(post_work(editor_client, title="The Lonely God", title_ko="도\u3164깨비"), goblin)
    assert INVISIBLE in errors
    assert not Work.objects.filter(slug="goblin-2").exists()


@pytest.mark.parametrize("title", ["\u3164", "\u3164\u3164", "\u115f\u1160", "\uffa0", "\u200b"])
def test_a_title_that_is_only_a_filler_is_refused(editor_client, title):
    response = post_work(editor_client, title=title, confirm_new="on")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["title"]
    assert any(INVISIBLE in e and "U+" in e for e in errors), errors
    assert not Work.objects.filter(slug="goblin-2").exists()


@pytest.mark.parametrize(
    ("name", "name_ko"),
    [("\u0405hin \u0405eung-hun", ""), ("Shin Seung-h\u03c5n", ""), ("Ballad King", "신\u3164승훈")],
)
def test_a_lookalike_or_filled_performer_name_lists_the_existing_performer(editor_client, name, name_ko):
    existing = PerformerFactory(slug="shin-seung-hun", name="Shin Seung-hun", name_ko="신승훈")
    assert_lists(post_performer(editor_client, name=name, name_ko=name_ko), existing)
    assert not Performer.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize("field", ["name", "name_ko", "real_name", "real_name_ko"])
def test_performer_names_with_a_filler_are_refused(editor_client, field):
    values = {"name": "Baek Ji-young", field: "백지영\u3164" if field.endswith("_ko") else "\u3164"}
    response = post_performer(editor_client, confirm_new="on", **values)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert any(INVISIBLE in e and "U+3164" in e for e in errors), errors
    assert not Performer.objects.filter(slug="new-one").exists()


def test_a_plain_new_title_is_still_added_without_questions(editor_client, goblin):
    response = post_work(editor_client, title="Queen of Tears", title_ko="눈물의 여왕")
    assert response.status_code == 302, errors_of(response)


def test_the_validator_refuses_on_the_model_too():
    work = WorkFactory.build(slug="filler", title="\u3164", year=2016)
    with pytest.raises(ValidationError) as raised:
        work.full_clean()
    assert "title" in raised.value.message_dict
    performer = PerformerFactory.build(slug="filler", name="Baek\u200bJi-young")
    with pytest.raises(ValidationError) as raised:
        performer.full_clean()
    assert "U+200B" in " ".join(raised.value.message_dict["name"])


@pytest.mark.parametrize(
    ("lookalike", "plain"),
    [
        (CYRILLIC_GOBLIN, "Goblin"),
        ("Goblin\u3164", "Goblin"),
        ("\ufeffGo\u200bblin", "Goblin"),
        ("도\u3164깨비", "도깨비"),
        ("\u0405hin \u0405eung-hun", "Shin Seung-hun"),
    ],
)
def test_duplicate_keys_fold_invisible_and_lookalike_characters(lookalike, plain):
    assert services.duplicate_keys(lookalike) == services.duplicate_keys(plain)
