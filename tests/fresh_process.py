"""Settings are read once, at import: a test of what an environment variable does
runs a few lines of Python in a fresh process with that environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_django(code, *, unset=(), **env):
    """stdout of ``code`` run after ``django.setup()`` with ostsite.settings, the
    current environment minus ``unset`` plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**environ, "DJANGO_SETTINGS_MODULE": "ostsite.settings", "DJANGO_LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()
