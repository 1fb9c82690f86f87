"""gunicorn settings used by `make run` and `make bench` (gunicorn -c gunicorn.conf.py).

Every value can be overridden from the environment, as a process manager would:
PORT / GUNICORN_BIND, WEB_CONCURRENCY (workers), GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import multiprocessing
import os

wsgi_app = "ostsite.wsgi:application"

# Plain HTTP on loopback; a proxy in front terminates TLS in production.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# No request header may set SCRIPT_NAME or PATH_INFO, not even from a proxy on
# loopback (gunicorn's default trusts both from 127.0.0.1): the site is served at
# the root, and a forged SCRIPT_NAME would render one page under another's address.
forwarder_headers = ""
# One gunicorn per checkout or test may run at once: no shared control socket.
control_socket_disable = True

# The classic formula: two workers per core plus one. Threads let each worker
# keep browser connections alive while another request is served.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can't grow forever.
max_requests = 20000
max_requests_jitter = 2000

accesslog = "-"  # stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
