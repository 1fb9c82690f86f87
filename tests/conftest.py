import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """The real fixtures, as `make run` loads them."""
    call_command("loaddata", "--verbosity=0", *fixture_names())


def fixture_names():
    from pathlib import Path

    from django.conf import settings

    return sorted(p.name for d in settings.FIXTURE_DIRS for p in Path(d).glob("*.json"))


@pytest.fixture(autouse=True, scope="session")
def _private_file_cache(tmp_path_factory):
    """Without REDIS_URL the cache is a directory in the checkout, which `make run`
    and other test runs use too: give this run its own, so clearing it between
    tests touches nobody else's pages."""
    from django.conf import settings
    from django.test import override_settings

    default = settings.CACHES["default"]
    if default["BACKEND"] != "django.core.cache.backends.filebased.FileBasedCache":
        yield
        return
    with override_settings(CACHES={"default": {**default, "LOCATION": str(tmp_path_factory.mktemp("cache"))}}):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (Redis when REDIS_URL is set), so
    cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't run collectstatic, so {% static %} must not need the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
