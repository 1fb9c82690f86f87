"""Pages kept in a process's memory, current to the write, when the cache is Redis:
the catalogue version is tracked (Redis pushes its changes), a cached page costs
no round trip, and an edit shows on the very next request all the same."""

import threading
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from pagecache.backends import TrackedValue
from pagecache.middleware import LocalPages, StoredPage
from pagecache.version import VERSION_KEY, bump_catalogue_version, catalogue_version, tracked_version
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory

BROWSER = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en", "HTTP_ACCEPT_ENCODING": "gzip"}


def stored(content, version):
    return StoredPage(200, [], content, version)


# --- The in-memory store (any cache backend) -------------------------------


def test_local_pages_answer_only_for_their_version():
    pages = LocalPages(max_bytes=1000)
    pages.put("home", stored(b"built at 7", 7))
    assert pages.get("home", 7).content == b"built at 7"
    assert pages.get("home", 8) is None
    assert pages.get("elsewhere", 7) is None


def test_local_pages_keep_to_their_size_dropping_the_least_recently_used():
    pages = LocalPages(max_bytes=250)
    for name in ("a", "b"):
        pages.put(name, stored(name.encode() * 100, 1))
    assert pages.get("a", 1)  # now "b" is the least recently used
    pages.put("c", stored(b"c" * 100, 1))
    assert pages.get("b", 1) is None
    assert pages.get("a", 1) and pages.get("c", 1)
    pages.put("huge", stored(b"x" * 251, 1))  # bigger than the whole store: not kept
    assert pages.get("huge", 1) is None and pages.get("a", 1)


@pytest.mark.django_db(transaction=True)
def test_a_page_in_memory_goes_stale_when_another_process_bumps_the_version(client):
    """Another worker's or host's edit reaches this process only through the shared
    counter (file cache: read on each request; Redis: pushed): never from memory."""
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    url = reverse("catalogue:work-detail", kwargs={"slug": "goblin"})
    client.get(url, **BROWSER)
    for _ in range(3):
        assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"
        cache.incr(VERSION_KEY)  # as another process's commit would
        cache.get(VERSION_KEY)  # (and its next round trip)
        assert client.get(url, **BROWSER)["X-Page-Cache"] == "miss"


# --- With Redis ---------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("runs in the PostgreSQL and Redis run (REDIS_URL set)")
    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.fixture
def tracked(redis_cache):
    """A TrackedValue of its own (the process's shared one is left alone)."""
    cache.set("tracked-test", 1, None)
    pool = cache._cache._get_connection_pool(write=False)
    value = TrackedValue(pool.connection_class, pool.connection_kwargs, cache.make_key("tracked-test"), retry_after=0)
    yield value
    value.close()


def test_a_change_by_any_client_is_seen_on_the_next_read(tracked, redis_cache):
    key = cache.make_key("tracked-test")
    assert tracked.get() == 1
    for expected in range(2, 302):
        redis_cache.incr(key)
        redis_cache.ping()  # the writer's next round trip: the push is out by then
        assert tracked.get() == expected


def test_a_flush_a_delete_and_a_lost_connection_are_never_served_from_memory(tracked, redis_cache):
    key = cache.make_key("tracked-test")
    assert tracked.get() == 1
    redis_cache.flushdb()
    assert tracked.get() is None  # missing: the caller asks the shared cache
    redis_cache.set(key, 40)
    assert tracked.get() == 40
    redis_cache.delete(key)
    assert tracked.get() is None

    redis_cache.set(key, 41)
    assert tracked.get() == 41
    redis_cache.client_kill_filter(_type="normal", skipme=True)  # every other client, ours included
    redis_cache.set(key, 42)
    assert tracked.get() in (None, 42)  # never the 41 it held
    assert tracked.get() == 42  # and back on a new connection


def test_catalogue_writes_reach_every_thread_on_the_next_request(redis_cache):
    """Each bump is followed at once by a read from another thread's view of the
    version: it must never be the old one."""
    catalogue_version()
    watched = tracked_version()
    deadline = time.monotonic() + 3  # an earlier test may have cut its connection
    while watched.get() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watched.get() == cache.get(VERSION_KEY)
    stale = []

    def reader(expected):
        if watched.get() != expected:
            stale.append(expected)

    for _ in range(200):
        bump_catalogue_version()
        thread = threading.Thread(target=reader, args=(cache.get(VERSION_KEY),))
        thread.start()
        thread.join()
    assert stale == []


def command_calls(redis_cache, *names):
    stats = redis_cache.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in names)


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_costs_no_round_trip_and_an_edit_still_shows_next(redis_cache, client):
    work = WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    CreditFactory(song=SongFactory(work=work, title="Stay With Me"), performer=PerformerFactory(name="Chanyeol"))
    url = reverse("catalogue:work-detail", kwargs={"slug": "goblin"})
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "miss"
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"

    before = command_calls(redis_cache, "get", "mget", "exists")
    for _ in range(50):
        assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"
    # At most one read: the tracked version is re-read once a second regardless.
    assert command_calls(redis_cache, "get", "mget", "exists") - before <= 1

    work.title = "Goblin: The Lonely and Great God"
    work.save()
    response = client.get(url, **BROWSER)
    assert response["X-Page-Cache"] == "miss"
    assert b"Goblin: The Lonely and Great God" in _body(response)


@pytest.mark.django_db(transaction=True)
def test_without_its_tracking_connection_the_cache_still_serves_fresh_pages(redis_cache, client):
    work = WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    url = reverse("catalogue:work-detail", kwargs={"slug": "goblin"})
    client.get(url, **BROWSER)
    assert client.get(url, **BROWSER)["X-Page-Cache"] == "hit"

    redis_cache.client_kill_filter(_type="normal", skipme=True)
    work.title = "Edited while the process was deaf"
    work.save()
    response = client.get(url, **BROWSER)
    assert b"Edited while the process was deaf" in _body(response)


def _body(response):
    import gzip

    content = response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


def test_the_store_is_sized_from_settings():
    from pagecache.middleware import local_pages

    assert local_pages.max_bytes == settings.PAGE_CACHE_LOCAL_BYTES > 0
