"""What a stored page is filed under (pagecache/keys.py), and the faults a hostile
test found in it: two sites sharing one cache, a forged SCRIPT_NAME, pages of the
previous deploy, and a cache that grows with every made-up query string."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pagecache import keys
from tests.factories import WorkFactory
from tests.fresh_process import run_django

ROOT = Path(__file__).resolve().parents[2]
BROWSER = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}


def cache_prefix(**env):
    code = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    return run_django(code, unset=["DJANGO_CACHE_PREFIX", "DATABASE_URL"], **env)


def test_two_databases_never_share_cache_keys_unless_told_to():
    one = cache_prefix(DATABASE_URL="sqlite:////tmp/site-one.sqlite3")
    two = cache_prefix(DATABASE_URL="sqlite:////tmp/site-two.sqlite3")
    pg = cache_prefix(DATABASE_URL="postgres://postgres@127.0.0.1:5432/one")
    assert len({one, two, pg}) == 3
    assert one == cache_prefix(DATABASE_URL="sqlite:////tmp/site-one.sqlite3")  # stable across processes
    assert cache_prefix(DATABASE_URL="sqlite:////tmp/site-two.sqlite3", DJANGO_CACHE_PREFIX="shared") == "shared"


def test_the_gunicorn_config_trusts_no_header_to_set_the_script_name():
    config = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)  # noqa: S102
    assert config["forwarder_headers"] == ""


@pytest.mark.django_db
def test_a_forged_script_name_cannot_file_one_page_under_another(client):
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    # What gunicorn passed on when it trusted a SCRIPT_NAME header: the timeline ("/")
    # under the script name /works, which Django's get_full_path() makes "/works/".
    poisoned = client.get("/", SCRIPT_NAME="/works", **BROWSER)
    assert poisoned.status_code == 200
    browse = client.get(reverse("catalogue:work-list"), **BROWSER)
    assert browse.status_code == 200
    assert browse.context is not None, "served from the poisoned entry"
    assert browse.templates[0].name == "catalogue/work_list.html"


def test_the_build_changes_with_a_template_translation_or_the_static_manifest(settings, tmp_path):
    templates, static = tmp_path / "templates", tmp_path / "static"
    templates.mkdir()
    static.mkdir()
    (templates / "base.html").write_text("<title>one</title>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.STATIC_ROOT = static
    settings.PAGE_CACHE_BUILD = ""
    first = keys.current_build()
    assert keys.current_build() == first
    (templates / "base.html").write_text("<title>two</title>")
    second = keys.current_build()
    (static / "staticfiles.json").write_text(json.dumps({"paths": {"css/site.css": "css/site.abc.css"}}))
    third = keys.current_build()
    assert len({first, second, third}) == 3
    settings.PAGE_CACHE_BUILD = "release-42"
    assert keys.current_build() == "release-42"


@pytest.mark.django_db
def test_a_page_of_the_previous_build_is_not_served(client, settings):
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    url = reverse("catalogue:timeline")
    settings.PAGE_CACHE_BUILD = "old"
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "miss"
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"
    settings.PAGE_CACHE_BUILD = "new"  # a deploy: new processes, the middleware built again
    assert Client().get(url, **BROWSER)["X-Page-Cache"] == "miss"


def stored_pages():
    return len(cache._cache.keys()) if hasattr(cache, "_cache") else len(list(Path(cache._dir).glob("*.djcache")))


@pytest.mark.django_db
def test_made_up_and_tracking_parameters_add_no_entries(client):
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("counts the file cache's entries")
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    url = reverse("catalogue:timeline")
    client.get(url, **BROWSER)
    before = stored_pages()
    for n in range(40):
        assert client.get(f"{url}?utm_source=mail{n}", **BROWSER).status_code == 200
        assert client.get(f"{url}?x{n}=1", **BROWSER).status_code == 200
    assert stored_pages() == before
    # A tracking parameter is served the canonical page; a made-up one is never cached.
    assert client.get(f"{url}?utm_campaign=ost", **BROWSER)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get(f"{url}?sort=new", **BROWSER)


@pytest.mark.django_db
def test_the_order_of_known_parameters_does_not_make_another_entry(client):
    WorkFactory(slug="goblin", title="Guardian Story", year=2016, kind="drama")
    works = reverse("catalogue:work-list")
    assert client.get(f"{works}?kind=drama&year_min=2010", **BROWSER)["X-Page-Cache"] == "miss"
    assert client.get(f"{works}?year_min=2010&kind=drama", **BROWSER)["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_a_page_over_the_size_cap_is_served_but_not_stored(client, settings):
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    settings.PAGE_CACHE_MAX_BYTES = 100
    url = reverse("catalogue:timeline")
    assert client.get(url, **BROWSER).status_code == 200
    assert client.get(url, **BROWSER).get("X-Page-Cache") != "hit"
