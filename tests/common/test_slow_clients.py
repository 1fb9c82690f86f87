"""Slow clients ("slow loris") against gunicorn, and the nginx that production puts in
front of it (docs/deploy/nginx.conf; README, "Production and speed").

A gthread worker gives a connection one of its threads as soon as the first bytes
arrive, and the thread then waits for the rest of the headers however slowly they
come: a few connections trickling a header line every couple of seconds hold every
thread, and ordinary requests time out. nginx reads whole requests before passing
them on, so the same clients cost gunicorn nothing. The test runs the example
configuration itself (filled in as its comment says), then the same attack straight
at gunicorn, to show that the proxy is what keeps the site answering.
"""

import concurrent.futures
import getpass
import http.client
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from loadtest.launcher import ROOT
from tests.live import Gunicorn, free_port, production_env

NGINX = "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
EXAMPLE = ROOT / "docs" / "deploy" / "nginx.conf"

# One worker with four threads: with two, the kernel may hand most slow clients to one
# worker and leave the other free, and the attack straight at gunicorn would work only
# sometimes. Four threads are what gunicorn.conf.py gives each worker.
WORKERS, THREADS = 1, 4
SLOW_CLIENTS = 16
TRICKLE_EVERY = 2.5  # seconds between two header lines of a slow client
QUICK = 2.0  # seconds an ordinary request may take
REQUESTS = 20
HEADER_TIMEOUT = 10  # client_header_timeout in docs/deploy/nginx.conf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.access(NGINX, os.X_OK),
        reason=f"{NGINX} is missing: install nginx (apt-get install nginx, as .ci/run does) to test the proxy",
    ),
    pytest.mark.skipif(not os.access(OPENSSL, os.X_OK), reason="openssl is missing: it makes the test certificate"),
]


# --- The example configuration, filled in and running -------------------------------


def fill_in(template, values):
    """What `envsubst '${NAME} ...'` does with the names the file's comment lists."""
    names = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    assert names == set(values), f"docs/deploy/nginx.conf expects {sorted(names)}"
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)], template)


def main_config(prefix):
    """The part of nginx.conf Debian's package provides, with every file in prefix;
    the example is included inside `http { }` as sites-enabled/ is."""
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""  # workers as the current user
    return f"""
daemon off;
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/ostsite.conf;
}}
"""


def self_signed_certificate(prefix):
    certificate, key = prefix / "tls.crt", prefix / "tls.key"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


class Nginx:
    def __init__(self, prefix, gunicorn_port):
        self.prefix = prefix
        self.http_port, self.https_port = free_port(), free_port()
        certificate, key = self_signed_certificate(prefix)
        site = fill_in(
            EXAMPLE.read_text(encoding="utf-8"),
            {
                "SERVER_NAME": "127.0.0.1",
                "GUNICORN_ADDRESS": f"127.0.0.1:{gunicorn_port}",
                "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "TLS_CERTIFICATE": str(certificate),
                "TLS_CERTIFICATE_KEY": str(key),
            },
        )
        assert f"client_header_timeout {HEADER_TIMEOUT}s;" in site
        (prefix / "ostsite.conf").write_text(site, encoding="utf-8")
        (prefix / "nginx.conf").write_text(main_config(prefix), encoding="utf-8")
        self.tls = ssl.create_default_context(cafile=str(certificate))
        argv = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
        checked = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        self.log = open(prefix / "nginx.out", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until_up()

    def error_log(self):
        return (self.prefix / "error.log").read_text(errors="replace")[-3000:]

    def wait_until_up(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"nginx exited:\n{self.error_log()}"
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nginx did not listen on {self.https_port}:\n{self.error_log()}")

    def connection(self, timeout):
        return http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=timeout, context=self.tls)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- The attack and the ordinary visitors ------------------------------------------------


class SlowLoris:
    """Connections that send a request line, then one header line every TRICKLE_EVERY
    seconds, and never the blank line that ends the headers."""

    def __init__(self, port, count, tls=None):
        self.sockets = []
        for number in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if tls:
                sock = tls.wrap_socket(sock, server_hostname="127.0.0.1")
            sock.sendall(f"GET /robots.txt?slow={number} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            self.sockets.append(sock)
        self.lines_sent = 0
        self.dropped = 0  # connections the server closed
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.trickle, daemon=True)
        self.thread.start()

    def trickle(self):
        while not self.stopping.wait(TRICKLE_EVERY):
            for sock in list(self.sockets):
                try:
                    sock.sendall(f"X-Slow-{self.lines_sent}: {'x' * 20}\r\n".encode())
                    self.lines_sent += 1
                except OSError:
                    self.sockets.remove(sock)
                    self.dropped += 1

    def stop_trickling(self):
        self.stopping.set()
        self.thread.join(timeout=10)

    def closed_by_the_server(self, deadline):
        """How many connections the server has closed by the deadline (trickling stopped)."""
        self.stop_trickling()
        open_ones = list(self.sockets)
        while open_ones and time.monotonic() < deadline:
            readable, _, _ = select.select(open_ones, [], [], max(0.0, deadline - time.monotonic()))
            for sock in readable:
                try:
                    sock.settimeout(0.2)
                    ended = sock.recv(1024) == b""
                except (TimeoutError, ssl.SSLWantReadError):
                    ended = False  # readable for a TLS record that holds no data (a session ticket)
                except OSError:
                    ended = True
                if ended:
                    open_ones.remove(sock)
        return self.dropped + len(self.sockets) - len(open_ones)

    def stop(self):
        self.stop_trickling()
        for sock in self.sockets:
            sock.close()


def timed_get(connect):
    """(status or the error's name, seconds) of one GET on a new connection."""
    started = time.monotonic()
    connection = connect()
    try:
        connection.request("GET", "/robots.txt", headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        outcome = response.status
    except (OSError, http.client.HTTPException) as error:
        outcome = type(error).__name__
    finally:
        connection.close()
    return outcome, time.monotonic() - started


def ordinary_visitors(connect, count, spread):
    """count GETs started over `spread` seconds, concurrently, as visitors would come."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        futures = []
        for _ in range(count):
            futures.append(pool.submit(timed_get, connect))
            time.sleep(spread / count)
        return [f.result() for f in futures]


@pytest.fixture
def gunicorn(production_static, tmp_path):
    env = production_env(
        production_static,
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        REDIS_URL="",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_PROXY_COUNT="1",
    )
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=WORKERS, threads=THREADS)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


@pytest.fixture
def nginx(gunicorn, tmp_path):
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    proxy = Nginx(prefix, gunicorn.port)
    try:
        yield proxy
    finally:
        proxy.stop()


def test_nginx_keeps_the_site_answering_while_slow_clients_trickle(gunicorn, nginx):
    # The plain-HTTP side only sends visitors to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=QUICK)
    plain.request("GET", "/works/", headers={"Host": "127.0.0.1"})
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == "https://127.0.0.1/works/"
    plain.close()

    # Through nginx: the slow clients trickle, every visitor gets an answer at once.
    started = time.monotonic()
    attack = SlowLoris(nginx.https_port, SLOW_CLIENTS, tls=nginx.tls)
    try:
        time.sleep(TRICKLE_EVERY + 0.3)  # their first header lines have gone out
        results = ordinary_visitors(lambda: nginx.connection(timeout=QUICK + 3), REQUESTS, spread=3)
        still_trickling, lines = len(attack.sockets), attack.lines_sent
        # nginx drops a client whose headers take longer than client_header_timeout (10 s).
        dropped = attack.closed_by_the_server(deadline=started + HEADER_TIMEOUT + 5)
    finally:
        attack.stop()
    slow = [(outcome, round(seconds, 2)) for outcome, seconds in results if outcome != 200 or seconds >= QUICK]
    assert not slow, f"through nginx, with slow clients: {slow}\n{nginx.error_log()}"
    assert still_trickling == SLOW_CLIENTS and lines >= SLOW_CLIENTS, "the slow clients were not kept waiting"
    assert dropped == SLOW_CLIENTS, f"nginx closed {dropped} of {SLOW_CLIENTS} slow clients"

    # Straight at gunicorn, the same attack leaves visitors waiting.
    attack = SlowLoris(gunicorn.port, SLOW_CLIENTS)
    try:
        time.sleep(0.5)
        direct = ordinary_visitors(
            lambda: http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=QUICK), REQUESTS // 2, spread=2
        )
    finally:
        attack.stop()
    answered = [outcome for outcome, seconds in direct if outcome == 200 and seconds < QUICK]
    assert len(answered) <= len(direct) // 4, f"gunicorn alone answered {len(answered)} of {len(direct)}: {direct}"

    # Once the slow clients are gone gunicorn answers again, directly and through nginx.
    assert timed_get(lambda: http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=30))[0] == 200
    assert timed_get(lambda: nginx.connection(timeout=30))[0] == 200
