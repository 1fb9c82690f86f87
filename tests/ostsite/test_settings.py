"""Production settings pass Django's deployment checklist with nothing silenced."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from loadtest.server import ROOT


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def test_nothing_is_silenced():
    assert settings.SILENCED_SYSTEM_CHECKS == []


def test_check_deploy_passes_with_zero_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_manage_py_is_quiet_by_default():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AXES: BEGIN" not in result.stderr
    assert result.stderr == ""


SET_LANGUAGE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(headers={"host": "example.org"})
response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"}, secure=True)
assert response.status_code == 302, response.status_code
print(response.cookies[settings.LANGUAGE_COOKIE_NAME].output())
"""


def language_cookie(env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SET_LANGUAGE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ostsite.settings", "DJANGO_CACHE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_language_cookie_is_secure_lax_and_httponly_in_production(tmp_path):
    cookie = language_cookie(production_env(), tmp_path)
    assert cookie.startswith("Set-Cookie: django_language=ko;")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_language_cookie_follows_the_secure_cookie_setting(tmp_path):
    # `make run` serves plain HTTP, where a Secure cookie would never come back.
    cookie = language_cookie(production_env(DJANGO_SECURE_COOKIES="0"), tmp_path)
    assert "Secure" not in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_language_cookie_in_this_process(client):
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    morsel = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert morsel.value == "ko"
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"] is True
    assert bool(morsel["secure"]) is settings.SESSION_COOKIE_SECURE
