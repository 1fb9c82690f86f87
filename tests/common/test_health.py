"""/healthz answers 200 when the database and the cache answer, 503 when either is down."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.live import Gunicorn, free_port, production_env


@pytest.mark.django_db
def test_healthy(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("X-Page-Cache")


def database_url():
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broken", ["database", "cache"])
def test_503_when_a_service_is_down(broken, production_static, tmp_path):
    """A real gunicorn pointed at a port where nothing listens."""
    nothing = free_port()
    env = {}
    good_db = database_url()
    if good_db:
        env["DATABASE_URL"] = good_db
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'health.db'}"
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env["DJANGO_CACHE_DIR"] = str(tmp_path / "cache")
    if broken == "database":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{nothing}/nothing"
    else:
        env["REDIS_URL"] = f"redis://127.0.0.1:{nothing}/0"
    server = Gunicorn(production_env(production_static, **env), tmp_path / "gunicorn.log")
    try:
        assert server.wait_until_up() == 503
        status, headers, body = server.get("/healthz")
        assert status == 503
        assert json.loads(body)[broken] == "down"
        assert json.loads(body)["status"] == "down"
        if broken == "cache":
            # The site still serves pages, uncached, while Redis is away.
            status, headers, body = server.get("/robots.txt")
            assert status == 200
    finally:
        server.stop()
