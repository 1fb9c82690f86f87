"""Response headers as the HTTP Observatory grades them, on pages, cached pages,
static files, the admin and error pages, in `make run`'s default mode and in
production mode."""

import http.client
import re

import pytest
from django.conf import settings
from django.urls import reverse

from loadtest import server
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db

FORBIDDEN_CSP_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:")


def parse_csp(value):
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_graded_headers(headers, *, https):
    """`headers` is a case-insensitive mapping of one response's headers."""
    csp = parse_csp(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        # A fallback to default-src would do too, but we state them.
        assert csp[directive] == ["'self'"], directive
    for sources in csp.values():
        assert not set(sources) & set(FORBIDDEN_CSP_SOURCES), csp
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert re.fullmatch(r"[A-Za-z0-9._:-]{8,64}", headers["X-Request-ID"])
    if https:
        hsts = headers["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= 60 * 60 * 24 * 180  # the Observatory wants at least six months
        assert "includeSubDomains" in hsts
    else:
        # HSTS over plain HTTP is ignored by browsers and must not be sent.
        assert "Strict-Transport-Security" not in headers
    assert "Access-Control-Allow-Origin" not in headers


# --- In-process: every kind of page, through Django's test client -----------------


@pytest.fixture
def catalogue_pages():
    work = build_catalogue(1)[0]
    song = work.songs.get()
    performer = song.performers.first()
    return [
        reverse("catalogue:timeline"),
        reverse("catalogue:work-list"),
        work.get_absolute_url(),
        song.get_absolute_url(),
        performer.get_absolute_url(),
        "/works/no-such-work/",  # the 404 page
        f"/{settings.ADMIN_URL}login/",
    ]


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_every_page_carries_the_graded_headers(client, catalogue_pages, secure):
    for url in catalogue_pages:
        response = client.get(url, secure=secure)
        assert response.status_code in (200, 404), url
        assert_graded_headers(response.headers, https=secure)


def test_cached_page_keeps_the_headers(client, catalogue_pages):
    """The page cache answers the second request before the view runs: the
    headers must still be there, and the nonce-free CSP identical."""
    first = client.get("/")
    client.cookies.clear()  # an anonymous visitor without cookies is served from the cache
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    if first.headers.get("X-Page-Cache") == "miss":
        assert second.headers["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert_graded_headers(response.headers, https=False)
    assert first.headers["Content-Security-Policy"] == second.headers["Content-Security-Policy"]
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_admin_pages_carry_the_headers(admin_client, catalogue_pages):
    for url in (f"/{settings.ADMIN_URL}", f"/{settings.ADMIN_URL}catalogue/work/"):
        response = admin_client.get(url, secure=True)
        assert response.status_code == 200
        assert_graded_headers(response.headers, https=True)


def test_cookies_are_httponly_and_samesite(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-passphrase-for-tests")
    response = client.post(
        f"/{settings.ADMIN_URL}login/",
        {"username": "editor", "password": "a-long-passphrase-for-tests"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert 0 < int(session["max-age"]) <= 8 * 60 * 60  # sessions expire
    client.logout()
    csrf = client.get(f"/{settings.ADMIN_URL}login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"


# --- The real stack: gunicorn + WhiteNoise + the shared page cache ---------------


def fetch(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def static_path():
    from django.templatetags.static import static

    manifest = (server.ROOT / "static" / "css" / "site.css").exists()
    assert manifest, "static/css/site.css is the file this test fetches"
    return static("css/site.css")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["default", "production"])
def test_headers_on_the_running_site(site_workdir, mode):
    production = mode == "production"
    proxy = {"X-Forwarded-Proto": "https"} if production else {}
    with server.gunicorn(site_workdir, workers=2, production=production) as site:
        port = site.port
        paths = ["/", "/", "/works/", "/works/no-such-work/", f"/{settings.ADMIN_URL}login/", "/static/css/site.css"]
        for path in paths:
            if not production and path == "/works/no-such-work/":
                # With DEBUG on, Django answers with its technical 404 page, which
                # drops the CSP on purpose (django/views/debug.py, csp_override({})).
                continue
            response = fetch(port, path, proxy)
            assert response.status in (200, 404), (path, response.status)
            try:
                assert_graded_headers(response.headers, https=production)
            except (AssertionError, AttributeError, KeyError) as error:
                raise AssertionError(f"{path}: {error!r}\n{response.headers}") from error
        if production:
            # Plain HTTP is sent to HTTPS, and even the redirect carries the headers.
            redirect = fetch(port, "/works/")
            assert redirect.status == 301
            assert redirect.headers["Location"].startswith("https://")
            # Cookies are Secure in production.
            login = fetch(port, f"/{settings.ADMIN_URL}login/", proxy)
            cookies = login.headers.get_all("Set-Cookie")
            assert cookies
            for cookie in cookies:
                attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
                assert {"secure", "httponly", "samesite"} <= attributes, cookie
