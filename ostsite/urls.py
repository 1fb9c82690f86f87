from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from common.health import healthz

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # The language switcher posts here from every page, and anonymous pages are
    # cached whole: a CSRF token baked into a shared page would fail for the next
    # visitor. Choosing a language changes nothing but a cookie, so no token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("", include("catalogue.urls")),
    path("", include("opendata.urls")),
]

handler500 = "common.security.server_error"
