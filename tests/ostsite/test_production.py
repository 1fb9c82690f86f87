"""Two gunicorn instances on different ports, sharing one PostgreSQL database and
one Redis: after a save, both serve the new text on the very next request, in
every language and encoding, on every page that shows it."""

import re

import pytest
from django.conf import settings
from django.db import connection

from catalogue.models import Song
from tests.live import Gunicorn, production_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VARIANTS = [
    {"Accept-Language": language, "Accept-Encoding": encoding}
    for language in ("en", "ko-KR,ko;q=0.9")
    for encoding in ("gzip, deflate, br", "identity")
]
PAGES = ["/", "/works/goblin/", "/performers/chanyeol/", "/songs/stay-with-me/"]


def shared_services_env():
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL=postgres://... and REDIS_URL (the PostgreSQL run of .ci/run sets both)")
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    # This process's cache namespace was bound to the database it was configured
    # with, before pytest-django renamed it test_<name>: the servers must share it.
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return {"DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "DJANGO_CACHE_PREFIX": prefix}


@pytest.fixture
def two_instances(seeded, production_static, tmp_path):
    env = production_env(production_static, **shared_services_env())
    servers = [Gunicorn(env, tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
    try:
        for server in servers:
            assert server.wait_until_up() == 200
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_an_edit_shows_everywhere_on_the_very_next_request(two_instances):
    a, b = two_instances
    assert a.port != b.port

    # Static files: hashed names, gzip, far-future immutable caching, from whitenoise.
    _status, _headers, home = a.get("/", VARIANTS[0])
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home).group(1)
    status, headers, _body = a.get(stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]

    for server in (a, b):
        for page in PAGES:
            for headers in VARIANTS:
                server.get(page, headers)
                status, response_headers, body = server.get(page, headers)
                assert status == 200, (server.port, page, headers)
                assert response_headers.get("X-Page-Cache") == "hit", (server.port, page, headers)
                assert "Stay With Me" in body

    # Several edits in a row: each worker keeps pages in memory between them
    # (tracked version), and must drop them on every one.
    song = Song.objects.get(slug="stay-with-me")
    for edit in range(1, 4):
        song.title = f"Stay With Me (edit {edit})"
        song.save()

        for server in (b, a):
            for page in PAGES:
                for headers in VARIANTS:
                    for _twice in range(2):  # a miss, then a hit
                        status, response_headers, body = server.get(page, headers)
                        assert status == 200
                        assert f"Stay With Me (edit {edit})" in body, (server.port, page, headers)
                        expected_lang = "ko" if headers["Accept-Language"].startswith("ko") else "en"
                        assert f'<html lang="{expected_lang}"' in body
