# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""A NUL in a query string or a posted form gets our 400, with our headers, and
nothing logged as an error: never a 500 (PostgreSQL text cannot hold a NUL)."""

import logging
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.editing.helpers import editor, editor_client  # noqa: F401
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db

REFUSED = "Null characters are not allowed."


@pytest.fixture
def catalogue(db):
    return build_catalogue(2)


def assert_refused(response):
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert response.headers["X-Request-ID"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/works/?performer=%00",  # was a 500 on PostgreSQL (issue 15)
        "/works/?performer=IU%00",
        "/works/?page=%00",
        "/works/?network=%00&year_min=2001",
        "/works/?%00=1",
        "/search/?q=a%00b",
        "/?q=%00",
    ],
)
def test_a_nul_in_the_query_string_gets_our_400(client, catalogue, caplog, url):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(url)
    assert_refused(response)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_raw_nul_byte_in_the_query_string_is_refused_too(client, catalogue):
    assert_refused(client.get("/works/", QUERY_STRING="performer=a\x00b"))


def test_an_escaped_percent_is_not_a_nul(client, catalogue):
    """``%2500`` is the text "%00", which a visitor may search for."""
    assert client.get("/search/", QUERY_STRING="q=%2500").status_code in (200, 400)
    assert REFUSED not in client.get("/search/", QUERY_STRING="q=%2500").content.decode()
    assert client.get("/works/", QUERY_STRING="q=%2500").status_code == 200


@pytest.mark.parametrize("term", ["%00", "IU%00", "%00&page=99999999999999999999"])
def test_a_nul_in_an_admin_autocomplete_term_is_refused(editor_client, catalogue, term):
    """Was a 500 on PostgreSQL: the term goes straight into the search query."""
    url = reverse("admin:autocomplete")
    query = f"term={term}&app_label=catalogue&model_name=song&field_name=performers"
    assert_refused(editor_client.get(f"{url}?{query}"))


@pytest.mark.parametrize("lookup", ["status__exact", "kind__exact", "q", "first_aired__year"])
def test_a_nul_in_an_admin_changelist_filter_is_refused(editor_client, catalogue, lookup):
    """``status__exact=%00`` was a 500 on PostgreSQL."""
    assert_refused(editor_client.get(reverse("admin:catalogue_work_changelist") + f"?{lookup}=%00"))


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_a_nul_in_a_posted_form_is_refused(editor_client, catalogue, content_type):
    """A NUL in an action's selection was a 500 on both databases (int('\\x00'))."""
    url = reverse("admin:catalogue_work_changelist")
    data = {"action": "publish", "_selected_action": ["\x00"], "index": "0"}
    if content_type == "urlencoded":
        body = urlencode(data, doseq=True)
        response = editor_client.post(url, body, content_type="application/x-www-form-urlencoded")
    else:
        response = editor_client.post(url, data)
    assert_refused(response)


def test_a_nul_in_a_posted_field_name_is_refused(client, catalogue):
    assert_refused(client.post(reverse("admin:login"), {"username\x00": "ed", "password": "x"}))


def test_other_bodies_are_left_to_their_views(client, catalogue):
    """Only form bodies are parsed here: a JSON body (no page of ours takes one) is not read."""
    response = client.post("/works/", b'{"q": "\\u0000"}', content_type="application/json")
    assert response.status_code != 400 or REFUSED not in response.content.decode()


def test_without_the_middleware_the_performer_filter_still_answers_a_form_error(client, catalogue, settings):
    """The filter itself refuses a NUL too (Django's own check, which PerformerField's
    lookup skipped): a 400 with the form's error, not a PostgreSQL DataError."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "common.requests.RejectNulMiddleware"]
    response = client.get("/works/", {"performer": "IU\x00"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert 'name="performer"' in response.content.decode()
