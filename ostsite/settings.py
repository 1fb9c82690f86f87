"""Settings for ostsite.

Every setting that differs between a laptop and production is read from the
environment here, and only here. With no environment at all the site runs on
SQLite with safe local defaults; with ``DJANGO_DEBUG=0`` the strict checks below
refuse to start without a real secret key and allowed hosts.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# On for manage.py and `make dev`. `make run` turns it off and passes the key made once
# in the checkout's git-ignored .secret_key (Makefile); production sets its own key.
DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
if not DEBUG and not os.environ.get("DJANGO_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Where the editors' admin lives (ostsite/urls.py); the page cache never stores it.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "import_export",
    "catalogue",
    "editing",
    "opendata",
    "axes",
]

MIDDLEWARE = [
    # Security headers and the request id come before WhiteNoise and the page
    # cache: those answer without calling later middleware, and static files and
    # cached pages need the same headers as everything else.
    "common.security.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.security.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL in a query string or form: our 400, with the headers above.
    "common.requests.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages straight from the shared cache, before sessions and auth
    # run; GZip inside it so each encoding variant is stored compressed once.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ostsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalogue.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "ostsite.wsgi.application"

# Database: DATABASE_URL (postgres://..., sqlite:////absolute/path.db); the local
# default is one SQLite file in the checkout, shared by `make run` and manage.py.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file: wait for locks instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # hashed names never change
WHITENOISE_ALLOW_ALL_ORIGINS = False  # our CSS, images and fonts serve our pages only

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Cache: Redis when REDIS_URL is set; otherwise a file cache, which every
# gunicorn worker on the host shares (a per-process locmem cache would serve
# stale pages as soon as two workers run).
REDIS_URL = os.environ.get("REDIS_URL", "")


def _database_namespace(database):
    """Cache keys belong to one database: two sites from one checkout, or on one
    Redis, never serve each other's pages, versions or figures."""
    ident = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return "ostsite-" + hashlib.sha256(ident.encode()).hexdigest()[:12]


CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_PREFIX") or _database_namespace(DATABASES["default"])
PAGE_CACHE_TIMEOUT = float(os.environ.get("DJANGO_PAGE_CACHE_TIMEOUT", "0.25"))  # seconds, on the page path
PAGE_CACHE_ALIAS = "default"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",  # Django's, with a tracked version (pagecache/backends.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Writes that must happen (a bump after a commit, an import's file):
            # patient, but not hanging.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        },
        # The same Redis for the page path, with short timeouts: a hung Redis costs
        # a page a fraction of a second and trips the breaker (pagecache.version).
        "pages": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": PAGE_CACHE_TIMEOUT, "socket_timeout": PAGE_CACHE_TIMEOUT},
        },
    }
    PAGE_CACHE_ALIAS = "pages"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# An uploaded import file waits here between its preview and the editor's
# confirmation: in the shared cache, so the confirmation may reach another host.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# The admin's exports open in spreadsheets: a cell such as =HYPERLINK(...) is written
# without its leading "=", so it is text, not a formula (the public CSV defuses them too).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# The anonymous page cache (pagecache/middleware.py): entries live this long, but
# a catalogue write makes them unreachable at once (pagecache/version.py).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "3600"))
# Each process also keeps the pages it served last in memory, served only while
# their catalogue version is current (pagecache.middleware.LocalPages); 0 turns it off.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("DJANGO_PAGE_CACHE_LOCAL_MB", "16")) * 1024 * 1024
PAGE_CACHE_BROWSER_MAX_AGE = 0  # browsers revalidate each time (ETag, 304)
# Only canonical addresses are stored (pagecache/keys.py): the parameters our pages
# read; tracking parameters are left out of the key; a page over the cap is not stored.
PAGE_CACHE_QUERY_PARAMETERS = {
    "q",
    "type",
    "page",
    "kind",
    "network",
    "year_min",
    "year_max",
    "decade",
    "performer",
    "letter",
}
PAGE_CACHE_IGNORED_PARAMETERS = ["utm_*", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "ref"]
PAGE_CACHE_MAX_BYTES = int(os.environ.get("DJANGO_PAGE_CACHE_MAX_KB", "1024")) * 1024
# The build stored pages belong to: a deploy's release id, else a hash of the
# templates, translations and static manifest (pagecache.keys.current_build).
PAGE_CACHE_BUILD = os.environ.get("DJANGO_RELEASE", "")
PAGE_CACHE_EXEMPT_PREFIXES = ["/healthz", "/" + ADMIN_URL]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # the admin posts forms; no script needs the token

# Security headers, in every mode (the local `make run` included). Secure-only
# settings default on when DEBUG is off; `make run` serves plain HTTP on
# loopback, where Secure cookies would never come back, so they are off there.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The footer's language switcher (/i18n/setlang/); no script reads the cookie.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets this header itself; otherwise anyone could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent only on HTTPS responses (SecurityMiddleware checks request.is_secure()).
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # common.security.SecurityHeadersMiddleware
X_FRAME_OPTIONS = "DENY"
# common.security.SecurityHeadersMiddleware: the site uses none of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Static policy, no nonces: the page cache stores whole responses, and a cached
# nonce would be reused. The site has no inline scripts or styles; JSON-LD blocks
# are data, never executed. The admin needs data: images (its SVG icons in CSS).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Admin login: django-axes locks an account from one address after repeated
# failures; Django's password validators are above.
AUTHENTICATION_BACKENDS = [
    "editing.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the failure that caused the lock: tries while locked out
# (the right password included) are refused without extending it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_VERBOSE = False  # no "AXES: BEGIN ..." banner on every manage.py command
# The client's address, which the lock is keyed on, comes from django-ipware.
# Without DJANGO_PROXY_COUNT it is REMOTE_ADDR, and X-Forwarded-For is ignored
# (anyone can send it). Behind N proxies each appends the address it got the
# connection from, so the client is the Nth entry from the right of
# X-Forwarded-For; the entries to its left are whatever the client sent.
# ipware counts only the proxies named in the header (the nearest one is
# REMOTE_ADDR), hence N - 1, and with IPWARE_STRICT off it counts from the right
# whatever the client put in front (strict mode would drop such a header and
# fall back to the proxy's own address, one lock shared by every client).
_proxy_count = int(os.environ.get("DJANGO_PROXY_COUNT", "0") or "0")
if _proxy_count > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"  # X-Forwarded-For: client, proxy1, proxy2
IPWARE_STRICT = False

SITE_NAME = "OST Timeline"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.security.RequestIdFilter"}},
    "formatters": {
        "with_request_id": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request_id",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
