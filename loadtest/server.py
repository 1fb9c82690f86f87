"""A throwaway copy of the site under gunicorn: its own SQLite file, cache
directory and collected static files in a temporary directory, on a port we
choose. Used by the load test and by the tests that need the real stack
(gunicorn, WhiteNoise, the shared page cache)."""

import http.client
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def site_env(workdir, *, production=False, extra=None):
    """Environment for manage.py and gunicorn: never the checkout's db.sqlite3 or cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
            "DJANGO_CACHE_DIR": f"{workdir}/cache",
            "DJANGO_STATIC_ROOT": f"{workdir}/static",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if production:
        env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                # As behind the TLS-terminating proxy production runs behind.
                "DJANGO_BEHIND_TLS_PROXY": "1",
            }
        )
    env.update(extra or {})
    return env


def manage(env, *args, check=True):
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True, timeout=1800
    )


def prepare(workdir, *, with_fixtures=True):
    """Migrate, load the fixtures and collect static files into workdir."""
    env = site_env(workdir)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    if with_fixtures:
        fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
        if fixtures:
            manage(env, "loaddata", "--verbosity", "0", *fixtures)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")


class Gunicorn:
    """``with Gunicorn(workdir, port) as server: server.url("/")``"""

    def __init__(self, workdir, port, *, workers=3, production=False, extra_env=None, threads=1):
        self.workdir = Path(workdir)
        self.port = port
        self.env = site_env(self.workdir, production=production, extra=extra_env)
        self.workers = workers
        self.threads = threads
        self.process = None
        self.log = self.workdir / f"gunicorn-{port}.log"

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.logfile = open(self.log, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                GUNICORN,
                "ostsite.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        # Generous: workers import Django before the first answer, slowly on a busy machine.
        deadline = time.monotonic() + float(os.environ.get("LOADTEST_START_TIMEOUT", "600"))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            if self.healthy():
                return self
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}: {self.log.read_text()[-3000:]}")

    def healthy(self):
        # /healthz never redirects or caches; the production-mode proxy header makes it "HTTPS".
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.logfile.close()


def make_workdir(prefix="ostsite-"):
    base = Path(os.environ.get("OSTSITE_SCRATCH", tempfile.gettempdir()))
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def remove_workdir(path):
    shutil.rmtree(path, ignore_errors=True)
