"""Start gunicorn as `make run` does (gunicorn.conf.py, from the repository root)
on a free loopback port, for the load test, the benchmark and the tests that need
the real stack. The caller gives the environment (DATABASE_URL, REDIS_URL,
DJANGO_CACHE_DIR, DJANGO_STATIC_ROOT, ...); gunicorn.conf.py reads the rest.

    with start(env, workdir / "gunicorn.log", workers=2) as server:
        status, headers, body = server.get("/")
"""

import gzip
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# /healthz never caches; the header makes it "HTTPS" behind the production-mode
# proxy setting (so it isn't redirected) and is ignored without that setting.
PROBE_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(static_root, **extra):
    """Production settings (DEBUG off) on plain HTTP loopback, as a process manager
    would set them for `make run`; the rest of the environment is kept."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "throwaway-" + secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


class Gunicorn:
    """A gunicorn process, started on construction: wait_until_up(), then get(), then stop().

    workers and threads, when given, set WEB_CONCURRENCY and GUNICORN_THREADS;
    args are extra gunicorn command-line options (they override gunicorn.conf.py)."""

    def __init__(self, env, log_path, *, port=None, workers=None, threads=None, args=()):
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {**env, "PORT": str(self.port), "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if workers is not None:
            env["WEB_CONCURRENCY"] = str(workers)
        if threads is not None:
            env["GUNICORN_THREADS"] = str(threads)
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [GUNICORN, "--config", "gunicorn.conf.py", *args],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def url(self, path="/"):
        return self.base_url + path

    def log_tail(self, chars=3000):
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_until_up(self, timeout=120, status=None):
        """Wait until /healthz answers (with `status`, if given) and return its status.
        Stops the server and raises RuntimeError with gunicorn's output if it doesn't."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                answered = self.get("/healthz", PROBE_HEADERS)[0]
            except (OSError, http.client.HTTPException):
                answered = None
            if answered is not None and status in (None, answered):
                return answered
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout:.0f}s:\n{self.log_tail()}")

    def get(self, path, headers=None, timeout=60):
        """(status, headers, body bytes), the body decompressed if it came gzipped."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            if response.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, dict(response.getheaders()), body
        finally:
            connection.close()

    def stop(self, timeout=30):
        """Terminate (gunicorn shuts down gracefully), wait, kill if it takes too long."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(env, log_path, *, timeout=120, status=None, **options):
    """A Gunicorn (options: port, workers, threads, args) that has answered on /healthz."""
    server = Gunicorn(env, log_path, **options)
    server.wait_until_up(timeout, status=status)
    return server
