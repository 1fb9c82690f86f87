import os
from pathlib import Path

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

    from pagecache.version import breaker

    cache.clear()
    breaker.reset()
    yield
    cache.clear()
    breaker.reset()


@pytest.fixture(autouse=True)
def _default_language():
    """A request through the test client leaves its language active in the thread
    (LocaleMiddleware activates it and nothing deactivates it): every test starts
    in the site's default language whatever ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logins in tests hash passwords many times; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Real servers: gunicorn as `make run` starts it (tests/live.py, loadtest/) ---


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic once per run, into a private directory, as a deploy would."""
    from tests.live import collectstatic

    root = tmp_path_factory.mktemp("staticfiles")
    collectstatic(root)
    return root


@pytest.fixture(scope="session")
def site_workdir():
    """A migrated, fixture-loaded copy of the site with collected static files, for
    tests that run gunicorn (never the checkout's own database)."""
    from loadtest import server

    workdir = server.make_workdir("ostsite-site-")
    server.prepare(workdir)
    yield workdir
    server.remove_workdir(workdir)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't run collectstatic, so {% static %} must not need the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Real-browser tests: Playwright (from PyPI) driving Debian's Chromium -------
# `playwright install` cannot download here, so the browser is /usr/bin/chromium.
# One browser for the whole run (tests/browser/ and the browser tests elsewhere):
# Playwright's sync API allows one running instance per thread.
# Screenshots go under test-artifacts/screenshots/ and their paths are printed.

# Playwright's sync API runs an event loop; Django's ORM calls from the test body are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return save
