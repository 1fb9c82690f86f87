"""Start real gunicorn processes (gunicorn.conf.py, production settings) for tests."""

import subprocess
import sys

from loadtest import launcher
from loadtest.launcher import ROOT, free_port

__all__ = ["Gunicorn", "collectstatic", "free_port", "production_env"]


def production_env(static_root, **extra):
    extra = {
        "DJANGO_SECRET_KEY": "throwaway-test-key-" + "x" * 40,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        **extra,
    }
    return launcher.production_env(static_root, **extra)


def collectstatic(static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=production_env(static_root),
        check=True,
        timeout=600,
    )


class Gunicorn(launcher.Gunicorn):
    """Started on construction; wait_until_up() returns /healthz's first status."""

    def get(self, path, headers=None, timeout=60):
        """(status, headers, body as text)"""
        status, response_headers, body = super().get(path, headers, timeout)
        return status, response_headers, body.decode("utf-8", "replace")
