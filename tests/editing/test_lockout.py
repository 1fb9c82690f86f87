"""The admin login: lockout after repeated failures, password rules, expiring
sessions, and a login path that can be moved by environment variable."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from loadtest.server import ROOT

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)


def login(client, username, password, address="203.0.113.7"):
    return client.post(
        f"/{settings.ADMIN_URL}login/?next=/{settings.ADMIN_URL}",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_lockout_after_repeated_failures_per_account_and_address(client, editor):
    limit = settings.AXES_FAILURE_LIMIT
    assert 1 < limit <= 10
    for attempt in range(limit - 1):
        response = login(client, "editor", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert "Please enter the correct username and password" in response.text
    locked = login(client, "editor", "wrong-again")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert f"after {limit} failed login attempts" in locked.text
    assert "default-src 'self'" in locked.headers["Content-Security-Policy"]

    # Even the right password is refused from that address while the lock lasts.
    assert login(client, "editor", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    # The lock is per account and address: the editor elsewhere still gets in ...
    elsewhere = login(client, "editor", PASSWORD, address="198.51.100.20")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_another_account_from_the_same_address_is_not_locked(client, editor, django_user_model):
    django_user_model.objects.create_superuser("second", "second@example.org", PASSWORD)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", f"wrong-{attempt}")
    assert login(client, "second", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "editor", f"wrong-{attempt}")
    assert login(client, "editor", PASSWORD).status_code == 302
    client.post(f"/{settings.ADMIN_URL}logout/")
    assert login(client, "editor", "wrong-once-more").status_code == 200


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901234", "editor-editor"],
    ids=["too-short", "common", "numeric", "like-username"],
)
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="editor-editor", email="editor@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_sessions_expire(client, editor):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert login(client, "editor", PASSWORD).status_code == 302
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/{settings.ADMIN_URL}")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def admin_index_path(admin_url=None):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ADMIN_URL"}
    if admin_url is not None:
        env["DJANGO_ADMIN_URL"] = admin_url
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ostsite.settings", "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def test_admin_path_comes_from_the_environment():
    assert admin_index_path() == "/admin/"
    assert admin_index_path("backstage-7f3a") == "/backstage-7f3a/"
    assert admin_index_path("/editors/desk/") == "/editors/desk/"
