"""Detail-page URLs for the cards and lists that show dozens of them per page.

``reverse()`` costs about 30 µs a call here (it tries each candidate pattern and
re-checks the result against the route's regex). A timeline page of cards links
every work, signature song and performer on it, some 220 links at 20,000 works,
which made URL reversing a quarter of the page's build time.

A detail URL of ours is always "the route with this slug in it", so the route is
reversed once per view name (and script prefix and URLconf) with a placeholder,
and each slug is put in its place. A slug that the ``slug`` path converter would
not take goes through ``reverse()`` itself, which raises as it always did.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PLACEHOLDER = "slug-placeholder-0"
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")  # django.urls.converters.SlugConverter.regex


@functools.lru_cache(maxsize=64)
def _route(view_name, script_prefix, urlconf):
    url = reverse(view_name, urlconf=urlconf, kwargs={"slug": PLACEHOLDER})
    if url.count(PLACEHOLDER) != 1:  # pragma: no cover - a route we don't have
        raise ValueError(f"{view_name} does not place its slug once: {url}")
    return url.split(PLACEHOLDER)


def detail_url(view_name, slug):
    """``reverse(view_name, kwargs={"slug": slug})``, without its per-call cost."""
    if not SLUG_RE.fullmatch(slug):
        return reverse(view_name, kwargs={"slug": slug})
    head, tail = _route(view_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{slug}{tail}"
