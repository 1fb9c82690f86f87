"""The anonymous page cache: what is stored, for whom, and when it goes stale."""

import gzip

import pytest
from django.db import transaction
from django.urls import reverse

from pagecache.version import catalogue_version
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en", "HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response):
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return content.decode()


@pytest.fixture
def work():
    work = WorkFactory(slug="goblin", title="Guardian Story", title_ko="도깨비", year=2016)
    song = SongFactory(work=work, slug="stay-with-me", title="Stay With Me")
    CreditFactory(song=song, performer=PerformerFactory(slug="chanyeol", name="Chanyeol"))
    return work


def test_second_anonymous_request_is_served_from_the_cache(client, work):
    url = work.get_absolute_url()
    first = client.get(url, **BROWSER)
    second = client.get(url, **BROWSER)
    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert body(second) == body(first)
    assert "Guardian Story" in body(second)


def test_a_save_shows_on_the_very_next_request_on_every_page_showing_it(client, work):
    song_url = reverse("catalogue:song-detail", kwargs={"slug": "stay-with-me"})
    pages = [reverse("catalogue:timeline"), work.get_absolute_url(), song_url]
    for url in pages:
        client.get(url, **BROWSER)
        assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"

    work.title = "Goblin: The Lonely and Great God"
    work.save()

    for url in pages:
        response = client.get(url, **BROWSER)
        assert response["X-Page-Cache"] == "miss", url
        assert "Goblin: The Lonely and Great God" in body(response), url


def test_invalidation_waits_for_the_commit(client, work):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    before = catalogue_version()
    with transaction.atomic():
        work.title = "Renamed inside a transaction"
        work.save()
        assert catalogue_version() == before
    assert catalogue_version() != before
    assert "Renamed inside a transaction" in body(client.get(url, **BROWSER))


@pytest.fixture
def bumps(monkeypatch):
    """The bumps made, counted where they happen."""
    from pagecache import version as catalogue_cache

    made = []
    real = catalogue_cache.bump_catalogue_version
    monkeypatch.setattr(catalogue_cache, "bump_catalogue_version", lambda *store: (made.append(1), real(*store)))
    return made


def test_one_bump_per_transaction_however_many_rows_it_writes(client, work, bumps):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    with transaction.atomic():
        for n in range(5):
            song = SongFactory(work=work, title=f"Track {n}")
            CreditFactory(song=song, performer=PerformerFactory(slug=f"singer-{n}"))
        work.title = "Renamed with five new songs"
        work.save()
    assert len(bumps) == 1
    page = body(client.get(url, **BROWSER))
    assert "Renamed with five new songs" in page and "Track 4" in page
    work.save()  # outside a transaction: at once
    assert len(bumps) == 2


def test_a_rolled_back_savepoint_doesnt_lose_the_bump_of_a_later_write(client, work, bumps):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    with transaction.atomic():
        try:
            with transaction.atomic():
                SongFactory(work=work, title="Rolled back")  # its bump is dropped with it...
                raise RuntimeError
        except RuntimeError:
            pass
        work.title = "Saved after the rollback"  # ...so this write makes its own
        work.save()
    assert len(bumps) == 1
    assert "Saved after the rollback" in body(client.get(url, **BROWSER))


def test_a_bump_waiting_before_a_rolled_back_savepoint_still_runs(client, work, bumps):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    with transaction.atomic():
        work.title = "Saved before the savepoint"
        work.save()
        try:
            with transaction.atomic():
                SongFactory(work=work, title="Rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
    assert len(bumps) == 1
    page = body(client.get(url, **BROWSER))
    assert "Saved before the savepoint" in page and "Rolled back" not in page


def test_a_rolled_back_transaction_bumps_nothing(work, bumps):
    with pytest.raises(RuntimeError), transaction.atomic():
        work.save()
        raise RuntimeError
    assert bumps == []


def test_a_bump_that_fails_after_the_commit_is_owed_not_lost(client, work, monkeypatch, caplog):
    """The cache unreachable at the moment of the bump: the editor's save still
    succeeds, and the next page this process serves makes the bump first, so the
    page stored before the edit is never served after it."""
    from pagecache import version as catalogue_cache

    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"
    real = catalogue_cache.bump_catalogue_version
    calls = []

    def unreachable_once(*store):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("cache unreachable")
        real(*store)

    monkeypatch.setattr(catalogue_cache, "bump_catalogue_version", unreachable_once)
    work.title = "Saved while the cache was away"
    work.save()  # no exception reaches the editor
    assert "bump failed after a commit" in caplog.text

    response = client.get(url, **BROWSER)
    assert len(calls) == 2
    assert response["X-Page-Cache"] == "miss"
    assert "Saved while the cache was away" in body(response)
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"
    assert len(calls) == 2  # owed once, paid once


def test_a_delete_and_a_related_change_invalidate_too(client, work):
    performer_url = reverse("catalogue:performer-detail", kwargs={"slug": "chanyeol"})
    client.get(performer_url, **BROWSER)
    client.get(work.get_absolute_url(), **BROWSER)
    PerformerFactory(slug="chanyeol").credits.update(note="x")  # queryset update: no signal
    performer = PerformerFactory(slug="chanyeol")
    performer.name = "Park Chanyeol"
    performer.save()
    assert "Park Chanyeol" in body(client.get(work.get_absolute_url(), **BROWSER))
    work.songs.get().credits.all().delete()
    assert "Park Chanyeol" not in body(client.get(work.get_absolute_url(), **BROWSER))


@pytest.mark.parametrize(
    ("headers", "expected_lang"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9"}, "ko"),
    ],
)
def test_each_language_is_its_own_entry(client, work, headers, expected_lang):
    url = work.get_absolute_url()
    other = {"HTTP_ACCEPT_LANGUAGE": "ko" if expected_lang == "en" else "en"}
    client.get(url, **other)  # warm the other language first
    response = client.get(url, **headers)
    assert response["X-Page-Cache"] == "miss"
    assert f'<html lang="{expected_lang}"' in body(response)
    assert f'<html lang="{expected_lang}"' in body(client.get(url, **headers))


def test_language_cookie_picks_the_entry(client, work):
    url = work.get_absolute_url()
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "ko"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ko"' in body(response)


def test_gzip_and_identity_are_separate_entries(client, work):
    url = work.get_absolute_url()
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert zipped["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert plain["X-Page-Cache"] == "miss"
    assert client.get(url, HTTP_ACCEPT_ENCODING="identity").content == plain.content
    assert body(client.get(url, HTTP_ACCEPT_ENCODING="gzip")) == plain.content.decode()
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Language" in zipped["Vary"]


def test_etag_answers_304_and_cache_control_is_public_but_revalidated(client, work):
    url = work.get_absolute_url()
    first = client.get(url, **BROWSER)
    etag = first["ETag"]
    assert etag
    cache_control = first["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control and "must-revalidate" in cache_control
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag, **BROWSER)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    work.title = "Changed"
    work.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **BROWSER).status_code == 200


def test_query_string_is_part_of_the_key(client, work):
    WorkFactory(slug="film-one", title="A Film Apart", kind="film", year=2016)
    dramas = client.get(reverse("catalogue:work-list") + "?kind=drama", **BROWSER)
    films = client.get(reverse("catalogue:work-list") + "?kind=film", **BROWSER)
    assert "A Film Apart" not in body(dramas)
    assert "A Film Apart" in body(films)


def test_editors_with_a_session_always_get_fresh_private_pages(client, work, django_user_model):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)  # anonymous copy in the cache
    editor = django_user_model.objects.create_user("editor", password="pw-long-enough-123")
    client.force_login(editor)
    response = client.get(url, **BROWSER)
    assert not response.has_header("X-Page-Cache")
    assert "private" in response["Cache-Control"]
    # An update that bypasses signals is still seen by the editor at once.
    type(work).objects.filter(pk=work.pk).update(title="Seen by editors at once")
    assert "Seen by editors at once" in body(client.get(url, **BROWSER))


def test_unknown_cookies_bypass_the_cache(client, work):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    client.cookies["messages"] = "something"
    assert not client.get(url, **BROWSER).has_header("X-Page-Cache")


def test_errors_and_posts_are_not_stored(client, work):
    missing = "/works/no-such-work/"
    assert client.get(missing, **BROWSER).status_code == 404
    assert not client.get(missing, **BROWSER).has_header("X-Page-Cache")
    WorkFactory(slug="no-such-work", title="Now It Exists")
    assert client.get(missing, **BROWSER).status_code == 200
    assert client.post(work.get_absolute_url()).status_code == 405


def test_pages_that_set_a_cookie_are_not_stored(client, settings, work):
    login = reverse("admin:login")
    settings.PAGE_CACHE_EXEMPT_PREFIXES = []
    first = client.get(login)
    assert first.cookies  # the CSRF cookie
    assert client.get(login).get("X-Page-Cache") != "hit"


def test_head_is_served_from_the_get_entry(client, work):
    url = work.get_absolute_url()
    client.get(url, **BROWSER)
    response = client.head(url, **BROWSER)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_figures_follow_the_catalogue_even_for_editors(client, admin_client, work):
    """Totals are kept per catalogue version: a new work counts at once, for the
    anonymous visitor and for a logged-in editor (who never gets cached pages)."""
    import re

    def works_figure(response):
        return int(re.search(r"<strong>(\d+)</strong> works", body(response)).group(1))

    for c in (client, admin_client):
        assert works_figure(c.get(reverse("catalogue:timeline"), **BROWSER)) == 1
    decade = reverse("catalogue:era-decade", kwargs={"decade": 2010})
    before_decade = body(admin_client.get(decade, **BROWSER))

    WorkFactory(slug="another", title="Another Story", year=2017)

    for c in (client, admin_client):
        assert works_figure(c.get(reverse("catalogue:timeline"), **BROWSER)) == 2
    assert body(admin_client.get(decade, **BROWSER)) != before_decade


def test_the_redis_backend_reuses_one_client_and_still_works(settings):
    """pagecache.backends.RedisCache: Django's backend minus a new redis.Redis per call."""
    from django.core.cache import cache

    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("runs in the PostgreSQL and Redis run (REDIS_URL set)")
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    cache.set("reuse-check", {"ok": "드라마"}, 30)
    assert cache.get_many(["reuse-check", "absent"]) == {"reuse-check": {"ok": "드라마"}}
    cache.delete("reuse-counter")
    assert cache.add("reuse-counter", 1)
    assert cache.incr("reuse-counter") == 2
