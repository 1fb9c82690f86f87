"""The catalogue version: one counter in the shared cache, bumped after every
committed write to the catalogue. Page caches key on it, so a save anywhere makes
every worker and host build fresh pages on the next request."""

from django.core.cache import cache

VERSION_KEY = "catalogue:version"


def catalogue_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_catalogue_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
