"""The forgiving search in a real browser (issue 18): a typo typed into the header's
search box, at phone and desktop widths, finds the work and offers "Did you mean".
Screenshots go under test-artifacts/screenshots/."""

import pytest
from django.core.management import call_command

from tests.conftest import fixture_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone-390": 390, "desktop": 1280}


@pytest.fixture
def live_catalogue(transactional_db, live_server):
    call_command("loaddata", "--verbosity=0", *fixture_names())
    return live_server.url


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_a_typo_in_the_header_search_finds_goblin(browser, live_catalogue, screenshot_dir, width_name):
    width = WIDTHS[width_name]
    context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(live_catalogue + "/", wait_until="load")
        box = page.locator("#site-search-q")
        box.fill("goblen")
        box.press("Enter")
        page.wait_for_url("**/search/?q=goblen**")

        suggestion = page.locator(".search__suggestion")
        assert suggestion.is_visible()
        assert suggestion.inner_text().strip() == "Did you mean Goblin?"
        first_work = page.locator(".result-group--works .result__title").first
        assert first_work.inner_text() == "Goblin"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px wider than the screen"
        screenshot_dir(page, f"search-goblen-{width_name}")

        suggestion.locator("a").click()
        page.wait_for_url("**/search/?q=Goblin")
        assert page.locator(".search__suggestion").count() == 0
        assert page.locator(".result-group--works .result__title").first.inner_text() == "Goblin"
        first_work = page.locator(".result-group--works .result__title").first
        first_work.click()
        page.wait_for_url("**/works/goblin/")
    finally:
        context.close()


def test_aliases_show_on_a_detail_page(browser, live_catalogue, screenshot_dir):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(live_catalogue + "/works/crash-landing-on-you/", wait_until="load")
        aka = page.locator(".entry__aka--aliases")
        assert aka.inner_text().strip() == "Also known as CLOY"
        screenshot_dir(page, "work-aliases-phone-390")
    finally:
        context.close()
