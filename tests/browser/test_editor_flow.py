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
    assert page.locator("input[name=confirm], button[name=confirm], #confirm-import").count() == 0
    screenshot_dir(page, "editor-import-bad-row")
    assert Song.objects.filter(work=work).count() == 0
