import pytest

from loadtest import server


@pytest.fixture(scope="session")
def site_workdir():
    """A migrated, fixture-loaded copy of the site with collected static files, for
    tests that run gunicorn (never the checkout's own database)."""
    workdir = server.make_workdir("ostsite-security-")
    server.prepare(workdir)
    yield workdir
    server.remove_workdir(workdir)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logins in these tests hash passwords many times; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
