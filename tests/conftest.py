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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (Redis when REDIS_URL is set), so
    cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
