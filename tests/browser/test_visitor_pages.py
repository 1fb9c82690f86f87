"""A visitor's view in a real browser: screenshots at phone and desktop widths, no
sideways scrolling on a 320 px phone, a light timeline page served from our own
host only, and pages that work with JavaScript off."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import fixture_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone-320": 320, "phone-390": 390, "desktop": 1280}
PAGE_WEIGHT_LIMIT = 60 * 1024


@pytest.fixture
def live_catalogue(transactional_db, live_server):
    call_command("loaddata", "--verbosity=0", *fixture_names())
    return live_server.url


def open_page(browser, url, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900}, **options)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url, wait_until="load")
    return context, page


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_screenshots_and_no_sideways_scroll(browser, live_catalogue, screenshot_dir, width_name):
    width = WIDTHS[width_name]
    pages = {
        "timeline": "/",
        "work": "/works/goblin/",
        "search": "/search/?q=love",
        "performer": "/performers/huntrx/",
        "decade": "/eras/2010s/",
        "browse-errors": "/works/?year_min=abc",
    }
    too_wide = {}
    for name, path in pages.items():
        context, page = open_page(browser, live_catalogue + path, width)
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                too_wide[name] = overflow
            if name in ("timeline", "work", "search"):
                screenshot_dir(page, f"{name}-{width_name}")
        finally:
            context.close()
    assert too_wide == {}, f"pages wider than a {width}px screen (extra px): {too_wide}"


def test_timeline_is_light_and_served_from_our_host_only(browser, live_catalogue):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(live_catalogue + "/", wait_until="networkidle")
        ours = urlsplit(live_catalogue).netloc
        hosts = {urlsplit(r.url).netloc for r in responses if not r.url.startswith("data:")}
        assert hosts == {ours}, f"requests to other hosts: {hosts - {ours}}"
        weighed = {}
        for response in responses:
            kind = response.request.resource_type
            if kind in ("document", "stylesheet", "script"):
                # Weighed as sent compressed (gzip, level 6: what GZipMiddleware and
                # WhiteNoise's compressed files produce).
                weighed[response.url] = len(gzip.compress(response.body(), compresslevel=6))
    finally:
        context.close()
    total = sum(weighed.values())
    print(f"timeline page weight, gzip: {total} bytes {weighed}")
    assert any(url.endswith(".css") for url in weighed), "the stylesheet was weighed"
    assert total < PAGE_WEIGHT_LIMIT, f"{total} bytes compressed: {weighed}"


def test_reading_and_filtering_work_without_javascript(browser, live_catalogue):
    context, page = open_page(browser, live_catalogue + "/", 390, java_script_enabled=False)
    try:
        assert page.locator("ol.timeline").is_visible()
        assert page.get_by_role("link", name="Stay With Me").first.is_visible()
        page.get_by_role("link", name="Browse works").first.click()
        # On a phone the filters are folded under their summary, so results come first.
        assert not page.get_by_label("Kind").is_visible()
        page.locator("summary.filters__summary").click()
        page.get_by_label("Kind").select_option("film")
        page.get_by_role("button", name="Show works").click()
        assert "kind=film" in page.url
        assert page.get_by_role("link", name="My Sassy Girl").is_visible()
        assert page.get_by_role("link", name="Goblin").count() == 0
    finally:
        context.close()


def test_bad_filter_shows_a_clear_error_in_the_browser(browser, live_catalogue):
    context, page = open_page(browser, live_catalogue + "/works/?year_min=abc", 390)
    try:
        alert = page.get_by_role("alert")
        assert "Enter a number." in alert.inner_text()
        alert.get_by_role("link").first.click()
        assert page.evaluate("document.activeElement.id") == "id_year_min"
    finally:
        context.close()


def test_dark_mode_follows_the_system_setting(browser, live_catalogue, screenshot_dir):
    colours = {}
    for scheme in ("light", "dark"):
        context, page = open_page(browser, live_catalogue + "/works/goblin/", 1280, color_scheme=scheme)
        try:
            colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if scheme == "dark":
                screenshot_dir(page, "work-desktop-dark")
        finally:
            context.close()
    assert colours["light"] != colours["dark"]


def test_names_keep_their_own_capitals_as_shown(browser, live_catalogue):
    """What the eye reads (CSS applied): "tvN", not "TVN"."""
    context, page = open_page(browser, live_catalogue + "/works/goblin/", 1280)
    try:
        assert "tvN" in page.locator(".entry__kicker").first.inner_text()
        page.goto(live_catalogue + "/works/", wait_until="load")
        kickers = page.locator(".work-card__kicker").all_inner_texts()
        assert any("tvN" in text for text in kickers), kickers
    finally:
        context.close()
