"""Load with edits: many concurrent readers against gunicorn (several workers,
production settings, the shared page cache) for a fixed time, while an editor
process keeps saving changes.

Pass: zero error answers (anything but 200) and zero connection errors; every edit
saved and present afterwards; and no stale page: a response to a request that
started after edit k was saved never shows a marker older than k.

    python -m loadtest.run --duration 60 --readers 16 --workers 4

Prints a summary and exits non-zero on failure. `make loadtest` runs it.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from loadtest import server
from loadtest.editor import PERFORMER_SLUG, SLUG

MARK = re.compile(rb"LOADMARK-(\d+)-END")
PAGES = {
    "timeline": "/",
    "work": f"/works/{SLUG}/",
    "performer": f"/performers/{PERFORMER_SLUG}/",
}
# Pages that must show the marker on every answer.
MARKER_REQUIRED = {"work"}


@dataclass
class Results:
    requests: int = 0
    errors: list = field(default_factory=list)
    observations: list = field(default_factory=list)  # (started, page, marker or None)
    edits: list = field(default_factory=list)  # (k, saved_at)
    lock: threading.Lock = field(default_factory=threading.Lock)


def reader(site, stop_at, results, index):
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip" if index % 2 else "identity"}
    names = list(PAGES)
    i = index
    while time.time() < stop_at:
        page = names[i % len(names)]
        i += 1
        started = time.time()
        try:
            status, _headers, body = site.get(PAGES[page], headers, timeout=30)
            found = MARK.search(body)
            with results.lock:
                results.requests += 1
                if status != 200:
                    results.errors.append(f"{page}: HTTP {status}")
                elif found is None and page in MARKER_REQUIRED:
                    results.errors.append(f"{page}: no marker in the page")
                results.observations.append((started, page, int(found.group(1)) if found else None))
        except (OSError, http.client.HTTPException) as error:
            with results.lock:
                results.requests += 1
                results.errors.append(f"{page}: {type(error).__name__}: {error}")


def progress(message):
    print(f"loadtest: {message}", file=sys.stderr, flush=True)


def stale_reads(observations, edits):
    """Answers older than an edit saved before their request started."""
    edits = sorted(edits, key=lambda e: e[1])
    stale = []
    for started, page, seen in observations:
        if seen is None:
            continue
        newest = 0
        for k, saved_at in edits:
            if saved_at >= started:
                break
            newest = k
        if seen < newest:
            stale.append((page, seen, newest, started))
    return stale


def run(*, duration, readers, workers, port, interval, workdir=None, redis_url=None, fixtures=True):
    own_workdir = workdir is None
    workdir = workdir or server.make_workdir("ostsite-loadtest-")
    extra = {"REDIS_URL": redis_url, "DJANGO_CACHE_PREFIX": f"loadtest-{os.getpid()}"} if redis_url else {}
    try:
        progress(f"preparing a site in {workdir}")
        server.prepare(workdir, with_fixtures=fixtures)
        env = server.site_env(workdir, production=True, extra=extra)
        editor_cmd = [server.PYTHON, "-m", "loadtest.editor", "--interval", str(interval)]
        subprocess.run(  # noqa: S603 - fixed argv
            [*editor_cmd, "--setup-only"], cwd=server.ROOT, env=env, check=True, capture_output=True, timeout=300
        )
        results = Results()
        progress(f"starting gunicorn ({workers} workers) on port {port}")
        with server.gunicorn(workdir, port, workers=workers, production=True, extra_env=extra) as site:
            editor = subprocess.Popen(  # noqa: S603 - fixed argv
                editor_cmd, cwd=server.ROOT, env=env, stdout=subprocess.PIPE, text=True
            )
            assert editor.stdout.readline().strip() == "ready"

            def collect_edits():
                for line in editor.stdout:
                    parts = line.split()
                    if parts and parts[0] == "edit":
                        with results.lock:
                            results.edits.append((int(parts[1]), float(parts[2])))

            collector = threading.Thread(target=collect_edits, daemon=True)
            collector.start()
            progress(f"{readers} readers for {duration:.0f} s while the editor saves every {interval} s")
            started = time.time()
            stop_at = started + duration
            threads = [
                threading.Thread(target=reader, args=(site, stop_at, results, i), daemon=True) for i in range(readers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.time() - started
            editor.terminate()
            editor.wait(timeout=60)
            collector.join(timeout=10)

        last = max((k for k, _ in results.edits), default=0)
        check = subprocess.run(  # noqa: S603 - fixed argv
            [server.PYTHON, "-m", "loadtest.editor", "--verify", str(last)],
            cwd=server.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        stale = stale_reads(results.observations, results.edits)
        by_page = {
            page: {
                "requests": sum(1 for _, p, _ in results.observations if p == page),
                "with_marker": sum(1 for _, p, m in results.observations if p == page and m is not None),
            }
            for page in PAGES
        }
        summary = {
            "duration_s": round(elapsed, 1),
            "readers": readers,
            "gunicorn_workers": workers,
            "requests": results.requests,
            "requests_per_s": round(results.requests / elapsed, 1) if elapsed else 0,
            "by_page": by_page,
            "edits": last,
            "errors": len(results.errors),
            "error_samples": results.errors[:10],
            "stale_reads": len(stale),
            "stale_samples": stale[:10],
            "edits_verified": check.returncode == 0,
            "verify_output": (check.stdout + check.stderr).strip()[-500:],
        }
        summary["passed"] = (
            summary["errors"] == 0 and summary["stale_reads"] == 0 and summary["edits_verified"] and last > 0
        )
        return summary
    finally:
        if own_workdir:
            server.remove_workdir(workdir)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOADTEST_PORT", "8530")))
    parser.add_argument("--interval", type=float, default=0.25, help="Seconds between two edits.")
    parser.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL"), help="Use Redis as the cache.")
    parser.add_argument("--no-fixtures", action="store_true", help="Only the load test's own work, no catalogue.")
    args = parser.parse_args()
    summary = run(
        fixtures=not args.no_fixtures,
        duration=args.duration,
        readers=args.readers,
        workers=args.workers,
        port=args.port,
        interval=args.interval,
        redis_url=args.redis_url,
    )
    print(json.dumps(summary, indent=2))
    print(
        f"loadtest: {summary['requests']} requests ({summary['requests_per_s']}/s), {summary['edits']} edits, "
        f"{summary['errors']} errors, {summary['stale_reads']} stale reads, "
        f"edits verified: {summary['edits_verified']} -> {'PASS' if summary['passed'] else 'FAIL'}"
    )
    sys.exit(0 if summary["passed"] else 1)


if __name__ == "__main__":
    main()
