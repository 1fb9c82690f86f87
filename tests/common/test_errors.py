"""Errors are logged with a request id and never shown to visitors beyond our own
500 page, which gives the id as a reference."""

import io
import logging

import pytest

from catalogue import views

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "database password is hunter2"


@pytest.fixture
def console_log():
    """What the site's own console handler (format with request id) writes."""
    handler = next(
        h for h in logging.getLogger().handlers if any(f.__class__.__name__ == "RequestIdFilter" for f in h.filters)
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.fixture
def broken_timeline(monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(views.TimelineView, "get", explode)


def test_a_crash_shows_our_page_and_logs_the_request_id(client, broken_timeline, console_log):
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert SECRET_DETAIL not in body and "Traceback" not in body and "RuntimeError" not in body
    request_id = response.headers["X-Request-ID"]
    assert request_id in body  # the reference a visitor can quote
    logged = console_log.getvalue()
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /" in logged
    assert SECRET_DETAIL in logged  # the traceback is in the log, for us
    # The security headers are on the error page too.
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_proxy_request_id_is_kept_when_sane(client):
    response = client.get("/", headers={"X-Request-ID": "edge-4f9c2a17-77"})
    assert response.headers["X-Request-ID"] == "edge-4f9c2a17-77"
    hostile = client.get("/", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(hostile.headers["X-Request-ID"]) == 32


def test_log_lines_outside_requests_have_a_placeholder(console_log):
    logging.getLogger("catalogue").warning("background job finished")
    assert "WARNING [-] catalogue: background job finished" in console_log.getvalue()


def test_the_500_page_falls_back_to_plain_words_when_it_cannot_render(client, broken_timeline, monkeypatch):
    """Production without collectstatic: {% static %} itself raises; the visitor still gets a 500 page."""
    from django.template import loader

    real_get_template = loader.get_template

    def broken_get_template(name, *args, **kwargs):
        if name == "500.html":
            raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")
        return real_get_template(name, *args, **kwargs)

    monkeypatch.setattr(loader, "get_template", broken_get_template)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert response.headers["X-Request-ID"] in body
    assert "manifest" not in body
