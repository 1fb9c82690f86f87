"""The admin login: lockout after repeated failures, password rules, expiring
sessions, and a login path that can be moved by environment variable."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from tests.fresh_process import run_django

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)


def login(client, username, password, address="203.0.113.7", forwarded_for=None):
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client.post(
        f"/{settings.ADMIN_URL}login/?next=/{settings.ADMIN_URL}",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
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
    env = {} if admin_url is None else {"DJANGO_ADMIN_URL": admin_url}
    return run_django(
        "from django.urls import reverse; print(reverse('admin:index'))", unset=["DJANGO_ADMIN_URL"], **env
    )


def test_admin_path_comes_from_the_environment():
    assert admin_index_path() == "/admin/"
    assert admin_index_path("backstage-7f3a") == "/backstage-7f3a/"
    assert admin_index_path("/editors/desk/") == "/editors/desk/"


def test_failures_during_a_lockout_do_not_extend_it(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "editor", f"wrong-{attempt}")
    assert login(client, "editor", PASSWORD).status_code == 429
    cool_off = settings.AXES_COOLOFF_TIME

    # Most of the cool-off later, the attacker keeps trying: refused, and ...
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - (cool_off - timedelta(minutes=5)))
    assert login(client, "editor", "wrong-during-lock").status_code == 429
    assert login(client, "editor", PASSWORD).status_code == 429

    # ... the lock still lifts when the cool-off after the last counted failure ends.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    assert login(client, "editor", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def lockout_ip_settings(proxy_count=None):
    """The client-address settings (axes' and django-ipware's) as ostsite/settings.py
    computes them from DJANGO_PROXY_COUNT, read in a fresh process (settings are read
    at import), so a test can apply them to this process with override_settings."""
    env = {} if proxy_count is None else {"DJANGO_PROXY_COUNT": str(proxy_count)}
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({k: getattr(settings, k) for k in dir(settings) "
        "if k.startswith(('AXES_IPWARE_', 'AXES_CLIENT_IP_', 'IPWARE_'))}))"
    )
    return json.loads(run_django(code, unset=["DJANGO_PROXY_COUNT"], **env))


PROXY = "10.0.0.1"
ATTACKER = "203.0.113.9"
ALICE = "198.51.100.7"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.org", PASSWORD)


@pytest.mark.parametrize(
    "attacker_header",
    [ATTACKER, f"192.0.2.1, {ATTACKER}", f"{ALICE}, {ATTACKER}", f"garbage, {ATTACKER}"],
    ids=["plain", "spoofed-prefix", "spoofed-as-alice", "malformed-prefix"],
)
def test_behind_one_proxy_the_lock_follows_the_client_not_the_proxy(client, alice, attacker_header):
    with override_settings(**lockout_ip_settings(proxy_count=1)):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "alice", f"wrong-{attempt}", address=PROXY, forwarded_for=attacker_header)
        assert AccessAttempt.objects.get().ip_address == ATTACKER
        # The attacker is locked out, even with the right password ...
        assert login(client, "alice", PASSWORD, address=PROXY, forwarded_for=ATTACKER).status_code == 429
        # ... and alice, through the same proxy, still gets in.
        response = login(client, "alice", PASSWORD, address=PROXY, forwarded_for=ALICE)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(alice.pk)


def test_behind_two_proxies_the_client_is_second_from_the_right(client, alice):
    with override_settings(**lockout_ip_settings(proxy_count=2)):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "alice", f"wrong-{attempt}", address=PROXY, forwarded_for=f"1.2.3.4, {ATTACKER}, 10.0.0.2")
        assert AccessAttempt.objects.get().ip_address == ATTACKER
        response = login(client, "alice", PASSWORD, address=PROXY, forwarded_for=f"{ALICE}, 10.0.0.2")
        assert response.status_code == 302


def test_without_a_proxy_setting_x_forwarded_for_is_ignored(client, alice):
    with override_settings(**lockout_ip_settings()):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "alice", f"wrong-{attempt}", address=ATTACKER, forwarded_for=f"{ALICE}, 192.0.2.{attempt}")
        assert AccessAttempt.objects.get().ip_address == ATTACKER
        # Claiming another address changes nothing: the lock follows REMOTE_ADDR ...
        assert login(client, "alice", PASSWORD, address=ATTACKER, forwarded_for=ALICE).status_code == 429
        # ... and a client claiming the attacker's address is not locked.
        assert login(client, "alice", PASSWORD, address=ALICE, forwarded_for=ATTACKER).status_code == 302
