"""An editor, in a real browser: adds a work with a song and a brand-new performer
(created in the admin's "+" pop-up), previews the draft, publishes it, and a
visitor then finds it on the timeline in its year. An import with one bad row
shows the error and changes nothing."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from catalogue.models import Performer, Song, Source, Work

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a-long-enough-pass-phrase"


@pytest.fixture
def editor_account(transactional_db):
    # live_server tests flush the database between tests; put the groups back as migrate made them.
    if not Group.objects.filter(name="Editors").exists():
        import_module("catalogue.migrations.0002_editor_groups").create_groups(apps, None)
    user = User.objects.create_user("eun-ji", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "eun-ji")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def pick(page, select_id, term, option_text):
    """Choose an option in one of the admin's autocomplete (select2) pickers."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def test_editor_adds_previews_and_publishes_a_work_that_visitors_then_see(
    page, browser, live_server, editor_account, screenshot_dir
):
    Source.objects.create(slug="kbs-news-test", publisher="KBS News", title="Ratings report")
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/catalogue/work/add/")
    page.fill("#id_title", "Twenty-Five Twenty-One")
    page.fill("#id_title_ko", "스물다섯 스물하나")
    page.fill("#id_year", "2022")
    page.fill("#id_first_aired", "2022-02-12")
    pick(page, "id_sources", "KBS", "KBS News")
    page.fill("#id_songs-0-title", "Starlight")
    page.fill("#id_songs-0-release_date", "2022-02-13")

    # A performer the catalogue does not know yet: created on the spot in the pop-up.
    with page.expect_popup() as popup_info:
        page.click("#add_id_songs-0-sung_by")
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_name", "Taeil")
    popup.fill("#id_name_ko", "태일")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    page.wait_for_function("document.querySelector('#id_songs-0-sung_by').selectedOptions.length === 1")

    add_form = screenshot_dir(page, "editor-add-work-form")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/catalogue/work/$"))
    assert page.locator(".messagelist .success").count() == 1

    work = Work.objects.get(title="Twenty-Five Twenty-One")
    assert work.status == Work.Status.DRAFT
    song = Song.objects.get(work=work)
    assert [c.performer.name for c in song.credits.all()] == ["Taeil"]
    assert Performer.objects.filter(name="Taeil", name_ko="태일").count() == 1

    # Preview: the real page, with the banner, for the editor only.
    page.goto(f"{live_server.url}{work.get_absolute_url()}")
    banner = page.locator(".draft-banner")
    assert banner.is_visible()
    assert "Draft — not visible to visitors." in banner.inner_text()
    draft_shot = screenshot_dir(page, "editor-draft-banner")

    visitor = browser.new_context().new_page()
    assert visitor.goto(f"{live_server.url}{work.get_absolute_url()}").status == 404

    # Publish from the change form.
    page.goto(f"{live_server.url}/admin/catalogue/work/{work.pk}/change/")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/catalogue/work/$"))
    work.refresh_from_db()
    assert work.status == Work.Status.PUBLISHED

    assert visitor.goto(f"{live_server.url}{work.get_absolute_url()}").status == 200
    visitor.goto(f"{live_server.url}/")
    year = visitor.locator(".timeline__year", has=visitor.locator(".year-mark", has_text="2022"))
    assert year.get_by_text("Twenty-Five Twenty-One").count() >= 1
    assert Path(add_form).exists() and Path(draft_shot).exists()
    visitor.context.close()


def test_an_import_with_one_bad_row_shows_the_error_and_changes_nothing(
    page, live_server, editor_account, screenshot_dir, tmp_path
):
    work = Work.objects.create(slug="goblin", title="Goblin", year=2016, status=Work.Status.PUBLISHED)
    csv_file = tmp_path / "songs.csv"
    csv_file.write_text(
        "slug,work,title,title_ko,release_date,role,performers\n"
        "stay-with-me,goblin,Stay With Me,,2016-12-03,main-theme,\n"
        "beauty,goblin,Beautiful,Beautiful,2016-12-31,insert,\n",
        encoding="utf-8",
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/catalogue/song/import/")
    page.select_option("#id_format", label="csv")
    page.set_input_files("#id_import_file", str(csv_file))
    page.click("input[type=submit]")

    page.wait_for_selector("text=A Korean name must contain Hangul")
    # Shown in place, not only while the pointer is over the row's red count, and
    # the preview fits a 1280 px screen.
    page.mouse.move(0, 0)
    assert page.get_by_text("A Korean name must contain Hangul").first.is_visible()
    screenshot_dir(page, "editor-import-bad-row")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 1280)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, wide
    assert page.locator("input[name=confirm], button[name=confirm], #confirm-import").count() == 0
    assert Song.objects.filter(work=work).count() == 0


def search_picker(page, select_id, term):
    """Type ``term`` in an autocomplete picker, leaving its answers open."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)


def test_the_sung_by_picker_creates_the_performer_it_did_not_find_with_the_typed_name(
    page, live_server, editor_account, screenshot_dir
):
    """Issue 18: the name typed in "Sung by" is not typed again in the pop-up; the
    saved work's history lists the song and the new performer; each song links to
    adding its listen links and milestones."""
    Performer.objects.create(slug="kim-tae-ri", name="Kim Tae-ri", name_ko="김태리")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/catalogue/work/add/")
    for field, value in [("title", "Twenty-Five Twenty-One"), ("year", "2022"), ("songs-0-title", "Starlight")]:
        page.fill(f"#id_{field}", value)

    search_picker(page, "id_songs-0-sung_by", "Taeil")
    offer = page.locator(".select2-results__option.autocomplete-create")
    offer.wait_for()
    assert offer.inner_text() == "Add “Taeil” as a new performer"
    offer_shot = screenshot_dir(page, "editor-sung-by-create-offer")
    with page.expect_popup() as popup_info:
        offer.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.input_value("#id_name") == "Taeil"  # not typed twice
    assert popup.input_value("#id_slug") == "taeil"
    popup.fill("#id_name_ko", "태일")
    screenshot_dir(popup, "editor-performer-popup-prefilled")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    page.wait_for_function(
        "[...document.querySelector('#id_songs-0-sung_by').selectedOptions].map(o => o.text).join() === 'Taeil'"
    )
    assert "Taeil" in page.locator("#id_songs-0-sung_by + .select2 .select2-selection__rendered").inner_text()

    # A performer the picker does find gets no offer.
    search_picker(page, "id_songs-0-sung_by", "Kim Tae")
    page.locator(".select2-results__option", has_text="Kim Tae-ri").wait_for()
    assert page.locator(".autocomplete-create").count() == 0
    page.keyboard.press("Escape")

    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/admin/catalogue/work/\d+/change/"))
    work = Work.objects.get(title="Twenty-Five Twenty-One")
    song = Song.objects.get(work=work)
    assert [c.performer.name for c in song.credits.all()] == ["Taeil"]
    assert Performer.objects.get(name="Taeil").name_ko == "태일"

    # The saved song offers its listen links and milestones; the link opens its page at them.
    screenshot_dir(page, "editor-work-song-extras")
    link = page.get_by_role("link", name="Add a milestone (0 so far)")
    with page.expect_popup() as tab_info:
        link.click()
    tab = tab_info.value
    tab.wait_for_load_state()
    assert tab.locator("#milestones-group tr.form-row:not(.empty-form)").count() == 1
    tab.fill("#id_milestones-0-description", "No. 1 on Melon")
    screenshot_dir(tab, "editor-song-add-milestone")
    tab.click("input[name=_save]")
    tab.wait_for_url(re.compile(r"/admin/catalogue/song/(#.*)?$"))  # a redirect keeps the #fragment
    assert song.milestones.get().slug == "no-1-on-melon"
    tab.close()

    page.goto(f"{live_server.url}/admin/catalogue/work/{work.pk}/history/")
    sitting = page.locator("#same-sitting")
    assert "Starlight" in sitting.inner_text() and "Taeil (new entry)" in sitting.inner_text()
    history_shot = screenshot_dir(page, "editor-work-history-sitting")
    assert Path(offer_shot).exists() and Path(history_shot).exists()


def test_the_publish_error_is_on_the_first_screen(page, live_server, editor_account, screenshot_dir):
    work = Work.objects.create(slug="goblin", title="Goblin", year=2016)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/catalogue/work/{work.pk}/change/")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")

    message = page.locator(".errorlist.nonfield", has_text="A work can be published only when it names")
    message.wait_for()
    assert page.locator(".errornote").is_visible()
    box = message.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    whole = screenshot_dir(page, "editor-publish-error-top")
    page.screenshot(path=str(whole.with_name("editor-publish-error-first-screen.png")))
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT
