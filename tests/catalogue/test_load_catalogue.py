"""A broken fixture file fails with a message naming the file, the object and the
field, and leaves the database exactly as it was."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from editing.backup import backup_objects
from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db

GOOD_WORK = {
    "model": "catalogue.work",
    "fields": {"slug": "fresh-drama", "title": "Fresh Drama", "year": 2019, "status": "published"},
}


def song(slug, **fields):
    return {"model": "catalogue.song", "fields": {"slug": slug, "title": slug.title(), **fields}}


@pytest.fixture
def before():
    build_catalogue(1)
    return json.dumps(backup_objects(), sort_keys=True, default=str)


def load(path):
    with pytest.raises(CommandError) as raised:
        call_command("load_catalogue", str(path))
    return str(raised.value)


def assert_unchanged(before):
    assert json.dumps(backup_objects(), sort_keys=True, default=str) == before


def write(tmp_path, name, objects):
    path = tmp_path / name
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_broken_value_names_file_object_and_field(tmp_path, before):
    broken = {"model": "catalogue.work", "fields": {"slug": "bad-year", "title": "Bad Year", "year": "199x"}}
    path = write(tmp_path, "bad-year.json", [GOOD_WORK, broken])
    message = load(path)
    assert "bad-year.json" in message
    assert "object #2 (catalogue.work “bad-year”)" in message
    assert "field “year”" in message
    assert "Nothing was loaded" in message
    assert_unchanged(before)  # the good first object was rolled back too


def test_a_missing_reference_names_the_field(tmp_path, before):
    path = write(tmp_path, "dangling.json", [GOOD_WORK, song("lost-song", work=["no-such-drama"])])
    message = load(path)
    assert "dangling.json: object #2 (catalogue.song “lost-song”)" in message
    assert "field “work”" in message
    assert "no-such-drama" in message
    assert_unchanged(before)


def test_a_missing_required_reference_names_the_field(tmp_path, before):
    credit = {"model": "catalogue.credit", "fields": {"song": ["no-such-song"], "performer": ["nobody"]}}
    message = load(write(tmp_path, "credit.json", [credit]))
    assert "credit.json: object #1 (catalogue.credit)" in message
    assert "field “song”" in message
    assert_unchanged(before)


def test_invalid_utf8_names_file_line_object_and_field(tmp_path, before):
    path = tmp_path / "latin1.json"
    text = json.dumps([GOOD_WORK, song("bad-bytes", about="caf\ufffd")], ensure_ascii=False, indent=1)
    path.write_bytes(text.replace("\ufffd", "\x00MARK").encode("utf-8").replace(b"\x00MARK", b"\xe9"))
    message = load(path)
    assert "latin1.json: not valid UTF-8 at line" in message
    assert "object #2 (catalogue.song “bad-bytes”), field “about”" in message
    assert_unchanged(before)


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([song("xss-link"), {"model": "catalogue.listenlink", "fields": {
            "song": ["xss-link"], "platform": "youtube", "url": "javascript:alert(1)"}}], "field “url”"),
        ([{**GOOD_WORK, "fields": {**GOOD_WORK["fields"], "kind": "opera"}}], "field “kind”"),
        ([{**GOOD_WORK, "fields": {**GOOD_WORK["fields"], "year": 1200}}], "field “year”"),
        ([{**GOOD_WORK, "fields": {**GOOD_WORK["fields"], "colour": "red"}}], "field “colour”"),
        ([{"model": "catalogue.nothing", "fields": {}}], "no model called “catalogue.nothing”"),
        ([{"fields": {"slug": "x"}}], "needs a “model”"),
    ],
    ids=["javascript-url", "bad-choice", "year-out-of-range", "unknown-field", "unknown-model", "no-model"],
)  # fmt: skip
def test_invalid_rows_are_refused(tmp_path, before, objects, expected):
    message = load(write(tmp_path, "rows.json", [GOOD_WORK, *objects]))
    assert "rows.json: object #" in message
    assert expected in message
    assert_unchanged(before)


def test_not_json_names_the_line(tmp_path, before):
    path = tmp_path / "truncated.json"
    path.write_text('[\n {"model": "catalogue.work",\n  "fields": {"slug": "x"', encoding="utf-8")
    message = load(path)
    assert "truncated.json: not valid JSON at line 3" in message
    assert_unchanged(before)


def test_a_good_file_loads(tmp_path, before):
    path = write(
        tmp_path, "good.json", [GOOD_WORK, song("fresh-theme", work=["fresh-drama"], release_date="2019-05-01")]
    )
    call_command("load_catalogue", str(path))
    from catalogue.models import Song

    assert Song.objects.get(slug="fresh-theme").work.slug == "fresh-drama"


def test_deeply_nested_json_fails_plainly_and_changes_nothing(tmp_path, before):
    path = tmp_path / "nested.json"
    path.write_text("[" * 100000, encoding="utf-8")
    message = load(path)
    assert "nested.json" in message
    assert "nested too deeply" in message
    assert "Nothing was loaded" in message
    assert_unchanged(before)


def test_deeply_nested_json_after_good_files_rolls_them_back(tmp_path, before):
    good = write(tmp_path, "good.json", [GOOD_WORK])
    nested = tmp_path / "nested.json"
    nested.write_text('[{"model": "catalogue.work", "fields": {"summary": ' + "[" * 50000 + "]" * 50000 + "}}]")
    with pytest.raises(CommandError) as raised:
        call_command("load_catalogue", str(good), str(nested))
    assert "nested.json" in str(raised.value)
    assert_unchanged(before)


@pytest.mark.parametrize("depth", [900, 990, 2000])
def test_a_value_nested_just_below_the_parser_limit_fails_plainly(tmp_path, before, depth):
    nested = tmp_path / "deep-value.json"
    value = "[" * depth + "]" * depth
    nested.write_text('[{"model": "catalogue.work", "fields": {"slug": "deep", "title": ' + value + "}}]")
    message = load(nested)
    assert "deep-value.json" in message
    assert_unchanged(before)
