"""/healthz: is this app server able to serve? Checks the database and the cache.

A load balancer takes a host out of rotation on 503. The answer is never cached
(the page cache exempts this path and the response says no-store).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    # The store pages are served from (short timeouts with Redis): a hung cache is a
    # quick 503, not a check that hangs like the pages would without their breaker.
    cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


CHECKS = {"database": check_database, "cache": check_cache}


@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.error("healthz: %s check failed: %s", name, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "down", **results}, status=200 if healthy else 503)
