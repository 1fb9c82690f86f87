"""The listening links in a real browser (issue 18): on a phone and a desktop, the
Golden and Stay With Me pages show their searches as visible, named links that fit
the screen, and the page asks nothing of Melon, YouTube or Spotify until one is
followed (no player, no script)."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.conftest import fixture_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone-390": 390, "desktop": 1280}
SONGS = {
    "golden": ("Golden", "Huntr/x", "Huntr/x"),
    "stay-with-me": ("Stay With Me", "찬열 펀치", "Chanyeol Punch"),
}


@pytest.fixture
def live_catalogue(transactional_db, live_server):
    call_command("loaddata", "--verbosity=0", *fixture_names())
    return live_server.url


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("slug", list(SONGS))
def test_song_page_shows_its_listening_links(browser, live_catalogue, screenshot_dir, slug, width_name):
    width = WIDTHS[width_name]
    title, korean_singers, singers = SONGS[slug]
    context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    try:
        page.goto(f"{live_catalogue}/songs/{slug}/", wait_until="networkidle")
        section = page.locator("section[aria-labelledby=listen-title]")
        section.scroll_into_view_if_needed()
        assert section.get_by_role("heading", name="Listen").is_visible()
        listen = section.get_by_role("list", name=f"Listen to {title}")
        melon = listen.get_by_role("link", name=f"Search on Melon {title} {korean_singers}")
        youtube = listen.get_by_role("link", name=f"Search on YouTube {title} {singers}")
        spotify = listen.get_by_role("link", name=f"Search on Spotify {title} {singers}")
        for link in (melon, youtube, spotify):
            assert link.is_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link, box)
            assert link.get_attribute("rel") == "nofollow noopener noreferrer"
        assert melon.get_attribute("href").startswith("https://www.melon.com/search/total/index.htm?q=")
        assert youtube.get_attribute("href").startswith("https://www.youtube.com/results?search_query=")
        assert spotify.get_attribute("href").startswith("https://open.spotify.com/search/")
        if slug == "stay-with-me":
            assert melon.locator("[lang=ko]").all_inner_texts() == ["찬열", "펀치"]
        # A search looks unlike an official link: dashed, not filled.
        assert melon.evaluate("a => getComputedStyle(a).borderTopStyle") == "dashed"
        assert section.locator(".listen-note").is_visible()

        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px wider than a {width}px screen"
        assert hosts == {urlsplit(live_catalogue).netloc}, f"requests to other hosts: {hosts}"
        results = Axe().run(page, context="section[aria-labelledby=listen-title]")
        assert not results.violations_count, results.generate_report()

        full = screenshot_dir(page, f"listen-{slug}-{width_name}")
        section.screenshot(path=str(full.with_name(f"{full.stem}-section.png")))
    finally:
        context.close()


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_an_official_link_comes_first_and_looks_unlike_a_search(browser, live_catalogue, screenshot_dir, width_name):
    from catalogue.models import ListenLink, Song

    # A made-up address, for this test's database only: the fixtures hold no curated links.
    ListenLink.objects.create(
        song=Song.objects.get(slug="golden"),
        platform=ListenLink.Platform.YOUTUBE,
        url="https://www.youtube.com/watch?v=test-only",
        label="Official music video",
    )
    width = WIDTHS[width_name]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{live_catalogue}/songs/golden/", wait_until="load")
        listen = page.get_by_role("list", name="Listen to Golden")
        names = [" ".join(name.split()) for name in listen.get_by_role("link").all_inner_texts()]
        assert names == [
            "YouTube Official music video",
            "Search on Melon Golden Huntr/x",
            "Search on Spotify Golden Huntr/x",
        ]
        official, search = listen.get_by_role("link").nth(0), listen.get_by_role("link").nth(1)
        style = "a => [getComputedStyle(a).borderTopStyle, getComputedStyle(a).backgroundColor]"
        assert official.evaluate(style) != search.evaluate(style)
        full = screenshot_dir(page, f"listen-official-golden-{width_name}")
        page.locator("section[aria-labelledby=listen-title]").screenshot(
            path=str(full.with_name(f"{full.stem}-section.png"))
        )
    finally:
        context.close()
