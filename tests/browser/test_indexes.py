"""The indexes and the browse page in a real browser, at a phone's 390 px and a
desktop's 1280 px: IU and Golden in the indexes, the kind form without JavaScript,
the browse filters folded so a phone shows results on its first screen, the year
chart's labels, and no sideways scrolling on /data/ and the new pages."""

import pytest
from django.core.management import call_command

from tests.conftest import fixture_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone-390": 390, "desktop": 1280}
PHONE_SCREEN = 844  # an iPhone 12–15's CSS height at 390 px wide


@pytest.fixture
def live_catalogue(transactional_db, live_server):
    call_command("loaddata", "--verbosity=0", *fixture_names())
    return live_server.url


def open_page(browser, url, width, **options):
    context = browser.new_context(viewport={"width": width, "height": PHONE_SCREEN if width < 600 else 900}, **options)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url, wait_until="load")
    return context, page


def sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# Each page, with texts that must show on it (Korean marking is checked in test_a11y.py).
PAGES = {
    "performers": ("/performers/", ["IU", "아이유", "Huntr/x"]),
    "performers-hangul": ("/performers/?letter=ㅇ", ["아이유", "IU"]),
    "performers-groups": ("/performers/?kind=group", ["EXO", "Huntr/x"]),
    "songs": ("/songs/", ["Golden", "Huntr/x"]),
    "songs-letter": ("/songs/?letter=G", ["Golden"]),
    "index-errors": ("/songs/?letter=nope", ["This page of the index could not be shown"]),
    "data": ("/data/", ["works[].songs[].credits[]"]),
    "eras": ("/eras/", ["2016"]),
    "browse": ("/works/?kind=drama&network=tvn", ["Goblin"]),
}
SCREENSHOTS = ("performers", "songs", "data", "eras", "browse")


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_indexes_show_iu_and_golden_without_sideways_scroll(browser, live_catalogue, screenshot_dir, width_name):
    width = WIDTHS[width_name]
    too_wide, missing = {}, {}
    for name, (path, texts) in PAGES.items():
        context, page = open_page(browser, live_catalogue + path, width)
        try:
            too_wide[name] = sideways_scroll(page)
            missing[name] = [text for text in texts if not page.get_by_text(text, exact=True).first.is_visible()]
            if name in SCREENSHOTS:
                screenshot_dir(page, f"indexes-{name}-{width_name}")
        finally:
            context.close()
    assert {name: px for name, px in too_wide.items() if px > 0} == {}, f"wider than {width}px (extra px)"
    assert {name: texts for name, texts in missing.items() if texts} == {}, "not shown"


def test_browse_filters_fold_on_a_phone_so_results_show_on_the_first_screen(browser, live_catalogue, screenshot_dir):
    context, page = open_page(browser, live_catalogue + "/works/?kind=drama&network=tvn", 390)
    try:
        summary = page.locator("summary.filters__summary")
        assert summary.inner_text() == "Filters (2 active)"
        assert not page.get_by_label("Network").is_visible()
        first_card = page.locator(".browse__results .work-card").first
        box = first_card.bounding_box()
        assert box and box["y"] + 80 < PHONE_SCREEN, f"first result starts at {box} on an {PHONE_SCREEN}px screen"
        screenshot_dir(page, "indexes-browse-folded-phone-390")
        summary.click()
        assert page.get_by_label("Network").is_visible()
        assert page.get_by_label("Network").input_value() == "tvn"
    finally:
        context.close()


def test_browse_filters_open_on_a_phone_when_one_needs_fixing(browser, live_catalogue):
    context, page = open_page(browser, live_catalogue + "/works/?year_min=abc", 390)
    try:
        assert page.locator("details.filters__fold").get_attribute("open") is not None
        assert page.get_by_label("From year").is_visible()
        assert page.get_by_role("alert").is_visible()
    finally:
        context.close()


def test_browse_filters_show_beside_the_results_on_a_desktop(browser, live_catalogue, screenshot_dir):
    context, page = open_page(browser, live_catalogue + "/works/?kind=drama", 1280)
    try:
        assert page.get_by_label("Network").is_visible(), "the fields show without opening anything"
        assert not page.locator("summary.filters__summary").is_visible()
        page.get_by_label("Network").select_option("tvn")
        page.get_by_role("button", name="Show works").click()
        page.wait_for_url("**/works/?*network=tvn*")
        assert page.title().startswith("TV dramas on tvN · Browse works")
        screenshot_dir(page, "indexes-browse-desktop-filtered")
    finally:
        context.close()


def test_the_kind_form_works_without_javascript(browser, live_catalogue):
    context, page = open_page(browser, live_catalogue + "/performers/?letter=E", 390, java_script_enabled=False)
    try:
        page.get_by_label("Kind").select_option("group")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_url("**/performers/?*kind=group*")
        assert "letter=E" in page.url
        assert page.get_by_role("link", name="EXO", exact=True).is_visible()
        assert page.get_by_role("link", name="EJAE", exact=True).count() == 0
        page.get_by_role("link", name="All", exact=True).click()
        page.wait_for_url("**/performers/?kind=group")
        assert page.get_by_role("link", name="Huntr/x", exact=True).is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_every_bar_of_the_year_chart_shows_its_year(browser, live_catalogue, width_name):
    width = WIDTHS[width_name]
    context, page = open_page(browser, live_catalogue + "/eras/", width)
    try:
        chart = page.locator(".year-chart")
        labels = chart.locator(".year-chart__year")
        assert labels.count() >= 25  # 2001 to 2025
        boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
        assert all(box and box["width"] > 0 and box["height"] > 20 for box in boxes)
        # Side by side, none overlapping the next, all inside the screen.
        assert all(a["x"] + a["width"] <= b["x"] + 0.5 for a, b in zip(boxes, boxes[1:], strict=False))
        assert boxes[-1]["x"] + boxes[-1]["width"] <= width
        size = labels.first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 11, f"year labels at {size}px"
        assert labels.first.inner_text().startswith("2001")
        chart.screenshot(path=str(chart_path(width_name)))
    finally:
        context.close()


def chart_path(width_name):
    from tests.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"indexes-year-chart-{width_name}.png"
    print(f"screenshot: {path}")
    return path
