"""A throwaway copy of the site under gunicorn: its own SQLite file, cache
directory and collected static files in a temporary directory, on a port we
choose. Used by the load test and by the tests that need the real stack
(gunicorn, WhiteNoise, the shared page cache)."""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from loadtest import launcher
from loadtest.launcher import ROOT

PYTHON = sys.executable


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


def gunicorn(workdir, port=None, *, workers=3, production=False, extra_env=None, threads=1):
    """``with gunicorn(workdir) as site: site.url("/")``: the site in workdir, answering 200 on /healthz."""
    env = site_env(workdir, production=production, extra={"GUNICORN_TIMEOUT": "60", **(extra_env or {})})
    port = port or launcher.free_port()
    return launcher.start(
        env,
        Path(workdir) / f"gunicorn-{port}.log",
        port=port,
        workers=workers,
        threads=threads,
        args=["--graceful-timeout", "5"],
        status=200,
        # Generous: workers import Django before the first answer, slowly on a busy machine.
        timeout=float(os.environ.get("LOADTEST_START_TIMEOUT", "600")),
    )


def make_workdir(prefix="ostsite-"):
    base = Path(os.environ.get("OSTSITE_SCRATCH", tempfile.gettempdir()))
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def remove_workdir(path):
    shutil.rmtree(path, ignore_errors=True)
