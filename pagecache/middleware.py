"""The anonymous page cache.

Whole pages are stored in the shared cache (Redis, or the file cache every
gunicorn worker on a host sees) and served before sessions, auth and the view
run. Each stored page carries the catalogue version (pagecache/version.py) it was
built at and is served only while that is the current version; every committed
write to the catalogue bumps the version, so after an editor saves, every worker
and host builds the page afresh on the next request, in every language and
encoding, on every page that shows the edited text.

Each process also keeps the pages it served last in its own memory
(``LocalPages``), under the same rule, so a hit costs only learning the current
version: one small read of the shared counter, or with Redis no read at all,
because Redis tells each process the moment the version changes (server-assisted
client-side caching, ``pagecache.backends.TrackedValue``). Whenever a process can't
vouch for its copy (a lost connection), it reads the counter again.

Only requests that can't be personal are served from or stored in the cache:
GET or HEAD, no cookie other than the language and CSRF cookies (an editor's
session cookie, a messages cookie, anything else means "ask the view"). Only
responses that are the same for everyone are stored: status 200, no Set-Cookie,
not private / no-store, not streaming. A page that renders a CSRF token sets the
CSRF cookie and so is never stored.

Stored pages carry an ETag (a hash of the exact bytes, per language and
encoding) and answer If-None-Match with 304.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_request

from pagecache.keys import canonical_query, current_build
from pagecache.version import breaker, catalogue_version, page_store

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
# Headers the cache recomputes or that only make sense once.
_DROPPED_HEADERS = {"set-cookie", "date"}


class StoredPage(NamedTuple):
    """A response as the cache keeps it, with the catalogue version it was built at."""

    status: int
    headers: list
    content: bytes
    version: int


def _cookie_allowlist():
    return {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


class LocalPages:
    """Stored pages this process served last, by key, up to ``max_bytes`` of page
    content; the least recently used go first. An entry answers only for the
    catalogue version it was built at."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, version):
        with self._lock:
            stored = self._entries.get(key)
            if stored is None or stored.version != version:
                return None
            self._entries.move_to_end(key)
            return stored

    def put(self, key, stored):
        size = len(stored.content)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.content)
            self._entries[key] = stored
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.content)


# One per process, shared by its threads (like the tracked version).
local_pages = LocalPages(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 0))


class PageCacheMiddleware:
    """Serve and store whole pages for anonymous visitors (see the module docstring)."""

    header_name = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = getattr(settings, "PAGE_CACHE_SECONDS", 3600)
        self.browser_max_age = getattr(settings, "PAGE_CACHE_BROWSER_MAX_AGE", 0)
        self.exempt_prefixes = tuple(getattr(settings, "PAGE_CACHE_EXEMPT_PREFIXES", ()))
        self.max_bytes = getattr(settings, "PAGE_CACHE_MAX_BYTES", 1024 * 1024)
        self.build = current_build()

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            response = self.get_response(request)
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                # An editor's page must never land in a shared proxy cache.
                patch_cache_control(response, private=True)
            return response

        key, storable = self.key_for(request)
        if key is None:
            return self.get_response(request)

        # A stored page is served only if it was built at the current version.
        version, stored = self._cache_get(key)
        if stored is not None and stored.version == version:
            return self.respond_from_store(request, stored)

        response = self.get_response(request)
        if storable and version is not None and request.method == "GET" and self.is_cacheable_response(response):
            self.prepare_for_store(response)
            self._cache_set(key, self.to_store(response, version))
            response[self.header_name] = "miss"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    # Requests -----------------------------------------------------------------

    def is_cacheable_request(self, request):
        if request.method not in SAFE_METHODS:
            return False
        if self.exempt_prefixes and request.path.startswith(self.exempt_prefixes):
            return False
        allowed = _cookie_allowlist()
        return all(name in allowed for name in request.COOKIES)

    def key_for(self, request):
        """(key, storable). The key: build, scheme, host, the script name and path
        the view routes on, the canonical query, language, encoding; None for a
        request we don't cache (pagecache/keys.py). Storable: False when tracking
        parameters came along, so the canonical page may answer but a page built
        with them (its links may carry them) is never stored."""
        try:
            host = request.get_host()
        except DisallowedHost:
            return None, False  # let the normal stack answer 400
        query = canonical_query(request.GET) if request.GET else ("", False)
        if query is None:
            return None, False
        language = get_language_from_request(request)
        encoding = "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"
        scheme = "https" if request.is_secure() else "http"
        script_name = request.META.get("SCRIPT_NAME", "")
        url = f"{scheme}://{host}\n{script_name}\n{request.path_info}?{query[0]}"
        digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
        return f"page:{self.build}:{language}:{encoding}:{digest}", not query[1]

    # Responses ----------------------------------------------------------------

    def is_cacheable_response(self, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if len(response.content) > self.max_bytes:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    def prepare_for_store(self, response):
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        if self.browser_max_age:
            patch_cache_control(response, public=True, max_age=self.browser_max_age)
        else:
            # Browsers and proxies revalidate every time (cheap: a 304 from the
            # cache), so an edit shows on the very next request everywhere.
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ("Accept-Language", "Accept-Encoding", "Cookie"))

    @staticmethod
    def to_store(response, version):
        headers = [(k, v) for k, v in response.items() if k.lower() not in _DROPPED_HEADERS]
        return StoredPage(response.status_code, headers, response.content, version)

    def respond_from_store(self, request, stored):
        response = HttpResponse(stored.content, status=stored.status)
        for name, value in stored.headers:
            response[name] = value
        response[self.header_name] = "hit"
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    # Cache access that never takes the site down ------------------------------

    def _cache_get(self, key):
        """(catalogue version, stored page or None); (None, None) when the cache is
        down, and the page is then served uncached rather than failing."""
        if breaker.is_open():
            return None, None
        try:
            store = page_store()
            # The current version: from memory where Redis keeps it current for
            # us, else one small read of the shared counter.
            version = catalogue_version(store)
            stored = local_pages.get(key, version)
            if stored is None:
                stored = store.get(key)
                if not isinstance(stored, StoredPage):  # absent, or stored by an older release
                    stored = None
                elif stored.version == version:
                    local_pages.put(key, stored)
            return version, stored
        except Exception:
            breaker.trip()
            logger.warning("page cache: cache unavailable, serving uncached", exc_info=True)
            return None, None

    def _cache_set(self, key, value):
        if breaker.is_open():
            return
        try:
            page_store().set(key, value, self.timeout)
            local_pages.put(key, value)
        except Exception:
            breaker.trip()
            logger.warning("page cache: write failed", exc_info=True)
