"""Requests that no page can answer, refused before any view sees them.

``RejectNulMiddleware`` answers 400 when the query string or a submitted form
(urlencoded or multipart: field names, values and uploaded file names, never a
file's content) holds a NUL character (``%00``). No field of ours can hold one,
and PostgreSQL text cannot store one: left to a view, a NUL reaches a query and the
driver raises ``DataError`` (a 500 and a logged traceback on every request), where
SQLite quietly matches nothing. One check here covers every page, filter, admin
changelist, autocomplete and form, including those added later.

It sits after the middleware that add the request id and the security headers, so
the 400 carries them too, and before WhiteNoise and the page cache. The answer is
our own short page, with the words Django's form fields use for the same error.
"""

from django.http import HttpResponseBadRequest, UnreadablePostError
from django.utils.html import format_html

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(querydict):
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


def carries_nul(request):
    """True when the query string or the posted form has a NUL anywhere."""
    if _holds_nul(request.GET):
        return True
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return False
    try:
        form, files = request.POST, request.FILES
    except UnreadablePostError:  # the client went away; CsrfViewMiddleware answers it (403)
        return False
    if _holds_nul(form):
        return True
    return any(NUL in key or any(NUL in (f.name or "") for f in found) for key, found in files.lists())


def bad_request_page():
    return HttpResponseBadRequest(
        format_html(
            '<!doctype html><html lang="en"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Bad request · OST Timeline</title>"
            "<h1>Bad request</h1>"
            '<p role="alert">{}</p><p lang="ko">{}</p><p><a href="/">{}</a></p></html>',
            "Null characters are not allowed. The address or the form you sent has one (%00): remove it and try again.",
            "주소나 양식에 널 문자(%00)가 들어 있습니다. 지우고 다시 시도해 주세요.",
            "Back to the timeline",
        ),
        content_type="text/html; charset=utf-8",
    )


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return bad_request_page()
        return self.get_response(request)
