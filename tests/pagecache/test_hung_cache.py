"""A hung Redis (the process paused: connections open, nothing answers) must not
stall the site: pages answer within about a second, uncached or from memory, and
the cache is used again once Redis answers.

Runs against a private redis-server on a free port, paused with SIGSTOP, so the
machine's shared Redis is never touched."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from pagecache.version import breaker
from tests.factories import WorkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BROWSER = {"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own binary and arguments
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    os.kill(server.pid, signal.SIGCONT)
    server.kill()
    server.wait()


def redis_caches(url, **options):
    def alias(timeout):
        return {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "hung-test",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }

    return {"default": alias(5), "pages": alias(0.25)}


def timed(client, url):
    start = time.monotonic()
    response = client.get(url, **BROWSER)
    return response, time.monotonic() - start


def test_pages_answer_within_a_second_while_redis_hangs(private_redis, settings):
    server, url = private_redis
    WorkFactory(slug="goblin", title="Guardian Story", year=2016)
    timeline, eras = reverse("catalogue:timeline"), reverse("catalogue:era-list")
    with override_settings(CACHES=redis_caches(url), PAGE_CACHE_ALIAS="pages"):
        client = Client()
        assert timed(client, timeline)[0]["X-Page-Cache"] == "miss"
        assert timed(client, timeline)[0]["X-Page-Cache"] == "hit"

        os.kill(server.pid, signal.SIGSTOP)
        try:
            answers = [timed(client, page) for _ in range(5) for page in (timeline, eras)]
        finally:
            os.kill(server.pid, signal.SIGCONT)
        assert all(response.status_code == 200 for response, _ in answers)
        slowest = max(seconds for _, seconds in answers)
        assert slowest < 1.0, [round(seconds, 2) for _, seconds in answers]
        assert sum(seconds for _, seconds in answers) < 3.0

        # Redis answers again: after the breaker's pause the cache is used again.
        time.sleep(breaker.retry_after + 0.1)
        timed(client, timeline)
        assert timed(client, timeline)[0]["X-Page-Cache"] == "hit"
