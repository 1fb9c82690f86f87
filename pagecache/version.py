"""The catalogue version: one counter in the shared cache, bumped after every
committed write to the catalogue. Page caches key on it, so a save anywhere makes
every worker and host build fresh pages on the next request."""

import logging
import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "catalogue:version"


def page_store():
    """The cache a page request reads: the alias with short timeouts where settings
    name one (``PAGE_CACHE_ALIAS``, with Redis), so a hung cache can't hold a page
    for long. Writes that must happen (bumps after a commit) keep the default."""
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


class Breaker:
    """One per process, shared by its threads. After the cache fails on the page
    path, pages leave it alone for ``retry_after`` seconds (served uncached, figures
    computed), then one request tries again. A hung cache then costs a few requests
    one short timeout each, instead of every request several timeouts in series."""

    def __init__(self, retry_after=1.0):
        self.retry_after = retry_after
        self._until = 0.0

    def is_open(self):
        return time.monotonic() < self._until

    def trip(self):
        self._until = time.monotonic() + self.retry_after

    def reset(self):
        self._until = 0.0


breaker = Breaker()


def tracked_version(store=None):
    """This process's in-memory copy of the version, kept current by the cache
    server (pagecache.backends.TrackedValue), where the backend offers one (Redis); else
    None. Its ``get()`` answers None whenever it can't vouch for the value."""
    tracked = getattr(store or page_store(), "tracked", None)
    return tracked(VERSION_KEY) if tracked is not None else None


def catalogue_version(store=None):
    store = store or page_store()
    if _owed.is_set():
        _pay_owed_bump(store)
    watched = tracked_version(store)
    version = watched.get() if watched is not None else None
    if version is not None:
        return version
    version = store.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not 1: if the counter is ever evicted (file cache
        # culling, Redis maxmemory), a restart from 1 could revive old pages.
        store.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = store.get(VERSION_KEY)
    return version


def bump_catalogue_version(store=None):
    store = store or cache
    try:
        store.incr(VERSION_KEY)
    except ValueError:
        store.add(VERSION_KEY, time.time_ns(), timeout=None)
    # One more round trip before the writer goes on. Redis may answer a write a few
    # microseconds before it sends the invalidation pushes for it, but it answers
    # the writer's next command only after they are out; from then on no process
    # can serve the old version from memory (pagecache.backends.TrackedValue).
    store.get(VERSION_KEY)


_writes = threading.local()
# Set when a bump after a commit failed (the cache unreachable): this process
# retries it before it next reads the version, i.e. on its next page request.
_owed = threading.Event()


def bump_after_commit(using=None):
    """Bump the version once the current transaction commits (at once outside one),
    once per transaction however many rows it writes: an import of 500 rows or a
    work saved with its songs, credits and sources costs one bump, not one per row
    (each a few cache round trips).

    Every write still registers its own callback, so a savepoint rolled back drops
    only its own, and Django's test helper that runs a block's callbacks sees each.
    The writes of a thread are numbered; the first callback to run after a commit
    bumps for every write numbered so far, and later ones it covers do nothing.
    Callbacks run only when the outermost transaction commits, so a bump that
    covers a write's number ran after that write was committed."""
    _writes.made = number = getattr(_writes, "made", 0) + 1
    transaction.on_commit(partial(_bump_for_write, number), using=using)


def _bump_for_write(number):
    if number <= getattr(_writes, "bumped_through", 0):
        return
    through = _writes.made
    try:
        bump_catalogue_version()
    except Exception:
        # The write is committed; failing the editor's request now would not undo
        # it. Owe the bump instead: pages are served uncached while the cache is
        # unreachable, and the bump is made before this process next reads the
        # version, so pages stored before the write can't come back afterwards.
        _owed.set()
        logger.error("catalogue version: bump failed after a commit; owed", exc_info=True)
    _writes.bumped_through = through


def _pay_owed_bump(store=None):
    # Cleared before the bump: a failure another thread records meanwhile came
    # after its commit, which this bump then follows, or it stays set.
    _owed.clear()
    try:
        bump_catalogue_version(store)
    except Exception:
        _owed.set()  # still unreachable: the caller's own read fails and pages go uncached
        return
    logger.warning("catalogue version: owed bump made")


def remember(name, compute):
    """A value derived from the whole published catalogue (totals, works per year),
    computed once per catalogue version and shared by every worker and host.

    Counting twenty thousand works on every page view would make the timeline and
    era pages slower as the catalogue grows, while the figures change only when
    the catalogue does. ``compute`` must return plain data (no querysets)."""
    if breaker.is_open():
        return compute()
    try:
        store = page_store()
        key = f"derived:{catalogue_version(store)}:{name}"
        return store.get_or_set(key, compute, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception:  # the cache is down: compute, rather than fail the page
        breaker.trip()
        logger.warning("derived figures: cache unavailable, computing", exc_info=True)
        return compute()
