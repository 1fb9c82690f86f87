"""`make run` serves the site as visitors get it (issue 18): DEBUG off, so our own 404
page and never Django's debug page; hashed static files from WhiteNoise; a secret key
made once per checkout in a git-ignored, owner-only `.secret_key` and reused on the
next run; plain HTTP on loopback, so no HTTPS redirect and no Secure-only cookie that
would break logging in at http://127.0.0.1. `make dev` and `DJANGO_DEBUG=1 make run`
give Django's debug pages.

The live tests run the real `make run` in a copy of this checkout as it is on disk
(tracked and new files, uncommitted changes included; never the checkout's own
database, static files or key), with the checkout's .venv linked in. make is told the
venv is up to date (-o), so a test never installs anything into it.
"""

import http.client
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import time
from http.cookies import SimpleCookie
from typing import NamedTuple
from urllib.parse import urlencode

import pytest

from loadtest.launcher import ROOT, free_port

pytestmark = pytest.mark.slow

MAKE = shutil.which("make") or "make"
KEY_FILE = ".secret_key"
# make must not remake the (shared) virtualenv from the copy.
KEEP_VENV = ["-o", ".venv/.deps", "-o", ".venv/bin/python"]
DEBUG_404 = "Using the URLconf defined in"
OUR_404 = "We could not find that page"


def clean_env(**extra):
    """The environment of someone typing `make run`: none of the site's settings, no
    outer make (make test) and no test database or Redis from a `make test-postgres` run."""
    dropped = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "GUNICORN_", "WEB_CONCURRENCY", "PORT", "MAKE", "MFLAGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


# --- What the Makefile sets (make -n: nothing runs) ------------------------------


def server_command(*make_args, **env):
    """The assignments and argv of the line that starts the server, as `make -n` prints it."""
    result = subprocess.run(
        [MAKE, "-n", *make_args], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(
        line for line in result.stdout.splitlines() if "gunicorn --config" in line or "manage.py runserver" in line
    )
    words = shlex.split(line)
    assignments = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    return assignments, words


def test_make_run_is_production_mode_on_plain_http():
    assignments, argv = server_command("run", PORT="8123")
    assert argv == [".venv/bin/gunicorn", "--config", "gunicorn.conf.py"]
    assert assignments == {
        "PORT": "8123",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        # Read by the shell when the server starts: the key itself is never on make's output.
        "DJANGO_SECRET_KEY": "${DJANGO_SECRET_KEY:-$(cat .secret_key)}",
    }


def test_the_environment_overrides_make_runs_defaults():
    assignments, _argv = server_command("run", DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="ost.example")
    assert assignments["DJANGO_DEBUG"] == "1"
    assert assignments["DJANGO_ALLOWED_HOSTS"] == "ost.example"


def test_make_dev_is_runserver_with_debug_on():
    assignments, argv = server_command("dev", PORT="8124")
    assert assignments == {"DJANGO_DEBUG": "1"}
    assert argv == [".venv/bin/python", "manage.py", "runserver", "127.0.0.1:8124"]


def test_the_key_file_is_ignored_by_git():
    for name in (KEY_FILE, KEY_FILE + ".tmp"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, timeout=60)
        assert result.returncode == 0, f"{name} is not git-ignored"


# --- The real thing, in a copy of the checkout -----------------------------------


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """This checkout's files as they are on disk (what `git status` would commit), a
    git repository of their own (for check-ignore), and the checkout's .venv."""
    copy = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)  # keeps mtimes: make compares them
    assert not (copy / KEY_FILE).exists()
    (copy / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True, timeout=60)
    return copy


class Response(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    body: str
    set_cookies: list

    def cookies(self):
        jar = SimpleCookie()
        for header in self.set_cookies:
            jar.load(header)
        return jar


def fetch(port, path, *, method="GET", cookies=None, form=None):
    """One request as a browser on http://127.0.0.1:port sends it; redirects are not followed."""
    headers = {"Accept-Language": "en", "Accept-Encoding": "identity"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Response(response.status, response.headers, text, response.headers.get_all("Set-Cookie") or [])
    finally:
        connection.close()


class Make:
    """`make <target>` in the copy, in its own process group (make and the server it
    starts), until stop()."""

    def __init__(self, checkout, target, log_path, **env):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [MAKE, *KEEP_VENV, target],
            cwd=checkout,
            env=clean_env(PORT=str(self.port), WEB_CONCURRENCY="2", GUNICORN_THREADS="2", **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return self.log_path.read_text(errors="replace")

    def wait_until_up(self, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"make exited with {self.process.returncode}:\n{self.output()[-4000:]}")
            try:
                if fetch(self.port, "/healthz").status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"nothing answered on port {self.port} within {timeout}s:\n{self.output()[-4000:]}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self.wait_until_up()

    def __exit__(self, *exc):
        self.stop()


def assert_no_secure_only_cookies(response):
    for name, morsel in response.cookies().items():
        assert not morsel["secure"], f"{name} is Secure: the browser never sends it back over http://"


def create_superuser(checkout, username, password):
    subprocess.run(
        [".venv/bin/python", "manage.py", "createsuperuser", "--no-input", "--username", username, "--email", ""],
        cwd=checkout,
        env=clean_env(DJANGO_SUPERUSER_PASSWORD=password, DJANGO_LOG_LEVEL="WARNING"),
        check=True,
        capture_output=True,
        timeout=300,
    )


def log_in(port, username, password):
    """Django's admin login form over plain HTTP; the cookies of the logged-in browser."""
    form_page = fetch(port, "/admin/login/?next=/admin/")
    assert form_page.status == 200
    assert_no_secure_only_cookies(form_page)
    cookies = {name: morsel.value for name, morsel in form_page.cookies().items()}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.body).group(1)
    answer = fetch(
        port,
        "/admin/login/?next=/admin/",
        method="POST",
        cookies=cookies,
        form={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
    )
    assert answer.status == 302, answer.body[:2000]
    assert answer.headers["Location"] == "/admin/"
    assert_no_secure_only_cookies(answer)
    session = answer.cookies()["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    cookies.update({name: morsel.value for name, morsel in answer.cookies().items()})
    return cookies


def assert_logged_in(port, cookies):
    admin = fetch(port, "/admin/", cookies=cookies)
    assert admin.status == 200, (admin.status, admin.headers.get("Location"))
    assert "Site administration" in admin.body


def test_make_run_serves_what_visitors_see_and_keeps_its_key(checkout, tmp_path):
    key_file = checkout / KEY_FILE

    with Make(checkout, "run", tmp_path / "run-1.log") as first:
        # The key: made once, readable by its owner only, ignored by git, never printed.
        key = key_file.read_text().strip()
        assert len(key) >= 50
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert subprocess.run(["git", "check-ignore", "-q", KEY_FILE], cwd=checkout, timeout=60).returncode == 0
        assert f"Created {KEY_FILE}" in first.output()
        assert key not in first.output()

        # A mistyped address and a missing work: our 404 page, no debug page.
        for path in ("/no-such-page/", "/works/no-such-work/"):
            missing = fetch(first.port, path)
            assert missing.status == 404, path
            assert missing.headers["Content-Type"].startswith("text/html")
            assert OUR_404 in missing.body and 'class="wrap error-page"' in missing.body, path
            assert DEBUG_404 not in missing.body and "DEBUG = True" not in missing.body, path
            assert "default-src 'self'" in missing.headers["Content-Security-Policy"]

        # The home page over plain HTTP (no redirect to https), with hashed static files.
        home = fetch(first.port, "/")
        assert home.status == 200
        assert "Strict-Transport-Security" not in home.headers
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home.body)
        assert stylesheet, "the stylesheet has no hashed name: DEBUG is on or the manifest is missing"
        css = fetch(first.port, stylesheet.group(1))
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert "max-age=31536000" in css.headers["Cache-Control"] and "immutable" in css.headers["Cache-Control"]

        # An editor logs in at http://127.0.0.1: no cookie is Secure-only.
        create_superuser(checkout, "chief", "a long password for the test")
        cookies = log_in(first.port, "chief", "a long password for the test")
        assert_logged_in(first.port, cookies)

    made = key_file.stat()
    with Make(checkout, "run", tmp_path / "run-2.log") as second:
        # The same key, untouched: the session signed with it is still good.
        assert key_file.read_text().strip() == key
        assert (key_file.stat().st_ino, key_file.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns)
        assert f"Created {KEY_FILE}" not in second.output()
        assert_logged_in(second.port, cookies)


@pytest.mark.parametrize(
    ("target", "env"), [("dev", {}), ("run", {"DJANGO_DEBUG": "1"})], ids=["make dev", "debug run"]
)
def test_debug_pages_on_request(checkout, tmp_path, target, env):
    with Make(checkout, target, tmp_path / "make.log", **env) as server:
        missing = fetch(server.port, "/no-such-page/")
        assert missing.status == 404
        assert DEBUG_404 in missing.body
        assert OUR_404 not in missing.body
        assert fetch(server.port, "/").status == 200
