"""Accessibility in a real browser: axe-core (shipped inside the axe-playwright-python
package, no CDN) finds no violations on any page type, in light and dark mode, and the
keyboard reaches a visible skip link first."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.conftest import fixture_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {
    "timeline": "/",
    "browse": "/works/",
    "browse with bad filters": "/works/?year_min=abc&kind=opera",
    "work": "/works/goblin/",
    "song": "/songs/{golden}/",
    "performer": "/performers/ejae/",
    "fictional group": "/performers/huntrx/",
    "eras": "/eras/",
    "decade": "/eras/2010s/",
    "year": "/years/2016/",
    "performers": "/performers/",
    "performers by kind and consonant": "/performers/?kind=group&letter=ㄱ",
    "songs": "/songs/",
    "songs with a bad letter": "/songs/?letter=nope",
    "browse filtered": "/works/?kind=drama&network=tvn",
    "open data": "/data/",
    "not found": "/works/no-such-work/",
}


@pytest.fixture
def live_catalogue(transactional_db, live_server):
    call_command("loaddata", "--verbosity=0", *fixture_names())
    from catalogue.models import Song

    golden = Song.objects.get(title="Golden").slug
    return lambda path: live_server.url + path.format(golden=golden)


def violations_report(results):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page_type(browser, live_catalogue, scheme):
    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(120_000)
    failures = {}
    try:
        for name, path in PAGES.items():
            page.goto(live_catalogue(path), wait_until="load")
            results = axe.run(page)
            if results.violations_count:
                failures[name] = violations_report(results)
    finally:
        context.close()
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


def test_no_axe_violations_on_a_phone(browser, live_catalogue):
    axe = Axe()
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    failures = {}
    try:
        for name in ("timeline", "work", "browse with bad filters", "browse filtered", "performers"):
            page.goto(live_catalogue(PAGES[name]), wait_until="load")
            results = axe.run(page)
            if results.violations_count:
                failures[name] = violations_report(results)
    finally:
        context.close()
    assert not failures, failures


def focus_outline(page):
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }"""
    )


def test_tab_reaches_a_visible_skip_link_first_and_focus_stays_visible(page, live_catalogue):
    page.set_default_timeout(120_000)
    page.goto(live_catalogue("/works/goblin/"))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("class") == "skip-link"
    assert skip.inner_text().strip() == "Skip to content"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0, "the focused skip link is on screen"
    outline = focus_outline(page)
    assert outline["style"] != "none" and outline["width"] >= 2

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # The next Tab lands on a link inside the content, with a visible outline.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    outline = focus_outline(page)
    assert outline["style"] != "none" and outline["width"] >= 2


def test_every_korean_text_on_a_work_page_is_marked(page, live_catalogue):
    """Any element whose own text holds Hangul sits inside an element with lang="ko"."""
    page.set_default_timeout(120_000)
    for path in ("/", "/works/goblin/", "/performers/huntrx/", "/performers/", "/songs/?letter=ㄱ", "/eras/"):
        page.goto(live_catalogue(path))
        unmarked = page.evaluate(
            """() => {
                const hangul = /[\\uac00-\\ud7a3]/;
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const bad = [];
                while (walker.nextNode()) {
                    const node = walker.currentNode;
                    if (!hangul.test(node.textContent)) continue;
                    const parent = node.parentElement;
                    if (parent.closest('script')) continue;
                    if (!parent.closest('[lang="ko"]')) bad.push(node.textContent.trim().slice(0, 40));
                }
                return bad;
            }"""
        )
        assert unmarked == [], (path, unmarked)
