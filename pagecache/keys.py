"""What a stored page is filed under: its canonical address and the build that made it.

- Only canonical addresses are stored: the query parameters our pages read (settings
  ``PAGE_CACHE_QUERY_PARAMETERS``) in one order. Tracking parameters (``utm_*``,
  ``fbclid`` ...) are left out of the key, so such a link is served the canonical
  page, but a page built with them is never stored (its links may carry them). Any
  other parameter means "not a page we store": 400 made-up query strings can't add
  400 entries.
- The address is the one the view routed on: ``SCRIPT_NAME`` and ``PATH_INFO`` as
  the server passed them, never the path rebuilt from them, so a forged
  ``SCRIPT_NAME`` can't file one page under another page's address.
- The build is a hash of the templates, the translations and the static files'
  manifest (or ``DJANGO_RELEASE``): after a deploy no page stored by the old code is
  served, and none points at a stylesheet that is gone.
"""

import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings


def is_tracking(name):
    return any(
        name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern
        for pattern in settings.PAGE_CACHE_IGNORED_PARAMETERS
    )


def canonical_query(querydict):
    """(query string in canonical order, whether the request carried tracking
    parameters), or None when it carries a parameter no page of ours reads."""
    kept, tracked = [], False
    for name in sorted(querydict):
        if is_tracking(name):
            tracked = True
        elif name in settings.PAGE_CACHE_QUERY_PARAMETERS:
            kept.extend((name, value) for value in querydict.getlist(name))
        else:
            return None
    return urlencode(kept), tracked


def _files(folder, patterns):
    folder = Path(folder)
    return sorted(p for pattern in patterns for p in folder.rglob(pattern)) if folder.is_dir() else []


def current_build():
    """``DJANGO_RELEASE`` where the deploy names one, else a hash of what shapes a page
    besides the data: every template, the compiled translations and the manifest of
    hashed static files."""
    if settings.PAGE_CACHE_BUILD:
        return settings.PAGE_CACHE_BUILD
    digest = hashlib.sha256()
    sources = [_files(d, ["*.html", "*.txt", "*.xml"]) for engine in settings.TEMPLATES for d in engine["DIRS"]]
    sources += [_files(d, ["*.mo"]) for d in settings.LOCALE_PATHS]
    sources.append([Path(settings.STATIC_ROOT) / "staticfiles.json"])
    for path in (p for group in sources for p in group):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
