"""The catalogue version: one counter in the shared cache, bumped after every
committed write to the catalogue. Page caches key on it, so a save anywhere makes
every worker and host build fresh pages on the next request."""

import time

from django.core.cache import cache

VERSION_KEY = "catalogue:version"


def catalogue_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not 1: if the counter is ever evicted (file cache
        # culling, Redis maxmemory), a restart from 1 could revive old pages.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_catalogue_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
