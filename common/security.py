"""Security and reliability plumbing that Django does not ship itself.

* ``RequestIdMiddleware`` gives every request an id (the ``X-Request-ID`` a proxy
  sent, when it is sane, or a fresh uuid4), returns it in the response header and
  makes it available to every log line through ``RequestIdFilter``.
* ``SecurityHeadersMiddleware`` adds the headers Django has no setting for:
  ``Permissions-Policy`` and ``Cross-Origin-Resource-Policy``.
* ``server_error`` renders our own 500 page with the request id, so a visitor can
  quote it and we can find the logged traceback; nothing else leaks.

This module is imported by the logging configuration, before apps are ready:
no model imports here (the axes backend lives in ``editing.lockout``).

Both middleware sit before WhiteNoise in ``MIDDLEWARE``: WhiteNoise and the page
cache answer without calling the rest of the stack, so only middleware placed
before them reach static files and cached pages.
"""

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.utils.html import format_html
from django.views.decorators.csrf import requires_csrf_token

_request_id = contextvars.ContextVar("request_id", default="-")
# Accept a proxy's id only when it looks like one: no spaces, no markup, short.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def current_request_id():
    return _request_id.get()


logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(self.header, "")
        request.id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[self.header] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request) for the log format."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or _request_id.get()
        return True


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": ", ".join(
                f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
            ),
            "Cross-Origin-Resource-Policy": settings.SECURE_CROSS_ORIGIN_RESOURCE_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for header, value in self.headers.items():
            if value:
                response.headers.setdefault(header, value)
        return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's default 500 view, plus the request id. The template gets no request
    context: whatever broke (database, context processors) must not break this page."""
    request_id = getattr(request, "id", "")
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # even our error page broke (a missing static manifest, say): plain words
        logger.exception("the 500 page could not be rendered")
        body = format_html(
            '<!doctype html><html lang="en"><title>Server error</title><h1>Something went wrong on our side</h1>'
            "<p>Please try again in a moment. Reference: {}</p></html>",
            request_id,
        )
    return HttpResponseServerError(body)
