"""`make bench` / `make bench-large`: how fast are pages next to a static file?

Starts gunicorn exactly as `make run` does (gunicorn.conf.py, DJANGO_DEBUG=0,
collected static files served by whitenoise), warms it, and runs `wrk` for a
fixed time against: the timeline, a work page, a filtered browse page, a search,
and, as the physical limit, a static file holding the same bytes as the timeline
page, served by whitenoise through the same gunicorn. Pages are measured twice:
as a browser with no cookie asks (the page cache answers) and uncached (the same
request plus a cookie the page cache doesn't know, so every request runs the view).

    python bench/bench.py                  # the seed catalogue
    python bench/bench.py --large 20000    # seed, then seed + 20,000 generated works; compares medians

Environment: BENCH_DIR (scratch dir), BENCH_DATABASE_URL / BENCH_LARGE_DATABASE_URL
(default: SQLite files in BENCH_DIR), REDIS_URL (default: the file cache),
BENCH_PORT, BENCH_DURATION (seconds per target per round, default 5), BENCH_ROUNDS
(default 3), BENCH_CONNECTIONS (default 32).
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import launcher  # noqa: E402

PYTHON = sys.executable

# What Chromium sends for a page, minus the cookie it doesn't have.
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
}
UNCACHED_COOKIE = {"Cookie": "bench=uncached"}  # any cookie the page cache doesn't know bypasses it

PAGES = [
    ("timeline", "/"),
    ("work page", "/works/goblin/"),
    ("filtered browse", "/works/?kind=drama&decade=2010"),
    ("search", "/search/?q=golden"),
]


def run(cmd, env, quiet=True):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None)  # noqa: S603


class Site:
    def __init__(self, name, database_url, bench_dir, large_works=0):
        self.name = name
        self.dir = bench_dir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.env = launcher.production_env(
            self.dir / "static",
            DATABASE_URL=database_url,
            DJANGO_CACHE_DIR=str(self.dir / "cache"),
            DJANGO_CACHE_PREFIX=f"bench-{name}",
        )
        self.large_works = large_works
        self.server = None

    def prepare(self):
        manage = [PYTHON, "manage.py"]
        print(f"# {self.name}: migrate, load fixtures, collect static files", flush=True)
        run([*manage, "migrate", "--no-input", "-v0"], self.env)
        if self.large_works:
            print(f"# {self.name}: generate_catalogue --works {self.large_works}", flush=True)
            run(
                [*manage, "generate_catalogue", "--works", str(self.large_works), "--seed", "1", "--replace"],
                self.env,
                quiet=False,
            )
        fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
        run([*manage, "loaddata", "-v0", *fixtures], self.env)
        shutil.rmtree(self.dir / "static", ignore_errors=True)
        run([*manage, "collectstatic", "--no-input", "-v0"], self.env)

    def start(self, port):
        self.port = port
        try:
            self.server = launcher.start(self.env, self.dir / "gunicorn.log", port=port, timeout=180, status=200)
        except RuntimeError as error:
            sys.exit(f"{error}\n(see {self.dir / 'gunicorn.log'})")

    def stop(self):
        if self.server is not None:
            self.server.stop(timeout=60)
            self.server = None

    def get(self, path, headers=None):
        return self.server.get(path, headers, timeout=120)

    def static_twin(self):
        """Copy the timeline's HTML into the collected static files, with its .gz
        as collectstatic makes them, so whitenoise serves the same bytes at startup."""
        status, _headers, body = self.get("/", {k: v for k, v in BROWSER_HEADERS.items() if k != "Accept-Encoding"})
        if status != 200:
            sys.exit(f"the timeline answered {status}")
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()[:12]
        path = self.dir / "static" / "bench" / f"timeline.{digest}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(body, 9))
        return f"/static/bench/{path.name}", len(body)


def wrk(url, headers, duration, connections):
    threads = min(2, os.cpu_count() or 1, connections)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    percentiles = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        **percentiles,
        "non2xx": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def measure(site, duration, connections, rounds):
    static_path, static_size = site.static_twin()
    # whitenoise indexes files at startup: restart so it sees the twin.
    site.stop()
    site.start(site.port)
    base = f"http://127.0.0.1:{site.port}"
    targets = [("static twin of timeline", static_path, BROWSER_HEADERS)]
    targets += [(name, path, BROWSER_HEADERS) for name, path in PAGES]
    targets += [(f"{name} (uncached)", path, {**BROWSER_HEADERS, **UNCACHED_COOKIE}) for name, path in PAGES]
    for _name, path, headers in targets:  # warm every worker's connections and the page cache
        for _ in range(20):
            status, response_headers, _body = site.get(path, headers)
            if status != 200:
                sys.exit(f"{path} answered {status}")
    # Several rounds, each measuring every target once, static file first: a page's
    # ratio to the static file is taken within a round, so a machine that slows
    # down or speeds up between rounds (shared cores) moves both alike. The report
    # gives each figure's median over the rounds.
    runs = {name: [] for name, _path, _headers in targets}
    for round_number in range(1, rounds + 1):
        for name, path, headers in targets:
            runs[name].append(wrk(base + path, headers, duration, connections))
        static_rps = runs[targets[0][0]][-1]["rps"]
        summary = ", ".join(
            f"{name} {r[-1]['rps'] / static_rps:.0%}" for name, r in runs.items() if name in dict(PAGES)
        )
        print(
            f"  round {round_number}/{rounds}: static {static_rps:.0f} req/s; cached vs static: {summary}", flush=True
        )
    results = {}
    static_runs = runs[targets[0][0]]
    for name, path, _headers in targets:
        measured = runs[name]
        results[name] = {
            "path": path,
            "rps": statistics.median(r["rps"] for r in measured),
            **{p: statistics.median(r.get(p, 0) for r in measured) for p in ("50", "90", "99")},
            "vs_static": statistics.median(r["rps"] / s["rps"] for r, s in zip(measured, static_runs, strict=True)),
            "rps_range": (min(r["rps"] for r in measured), max(r["rps"] for r in measured)),
            "non2xx": sum(r["non2xx"] for r in measured),
            "errors": "; ".join(r["errors"] for r in measured if r["errors"]),
        }
    return results, static_size


def report(title, results, static_size, args):
    cache = "Redis" if os.environ.get("REDIS_URL") else "file"
    lines = [
        f"## {title}",
        f"cores: {os.cpu_count()}  gunicorn: gunicorn.conf.py  cache: {cache}"
        f"  wrk: {args.connections} connections, {args.duration}s per target per round, {args.rounds} rounds (medians)",
        f"static twin: the timeline's own HTML ({static_size} bytes uncompressed), served by whitenoise",
        "",
        f"{'page':34} {'req/s':>8} {'range':>11} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'vs static':>9}  path",
    ]
    for name, r in results.items():
        flag = f"  !! {r['non2xx']} non-2xx" if r["non2xx"] else ""
        flag += f"  !! socket errors: {r['errors']}" if r["errors"] else ""
        low, high = r["rps_range"]
        lines.append(
            f"{name:34} {r['rps']:8.0f} {f'{low:.0f}-{high:.0f}':>11} {r['50']:8.2f} {r['90']:8.2f} {r['99']:8.2f} "
            f"{r['vs_static']:8.0%}  {r['path']}{flag}"
        )
    lines += ["", "request headers sent (cached rows and the static file):"]
    lines += [f"  {k}: {v}" for k, v in BROWSER_HEADERS.items()]
    lines += [f"uncached rows add:  {k}: {v}" for k, v in UNCACHED_COOKIE.items()]
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def bench_site(site, args, port):
    """Prepare, start and measure a catalogue; it keeps running (the caller stops it)."""
    site.prepare()
    site.start(port)
    return measure(site, args.duration, args.connections, args.rounds)


def compare_uncached(seed, large, args):
    """Uncached median latency of each page, large catalogue against seed, with both
    servers up and measured back to back, page by page, for a few rounds; the
    ratio is taken within each pair and the median kept.

    Two loads: one request at a time, which is the time a visitor waits for the
    page to be built and the figure the target applies to; and --connections at
    once, reported too. With 32 connections on a few cores the median is mostly
    queueing (each request waits behind the others) and GIL hand-offs between a
    worker's threads: identical pairs swung from x1.3 to x2.0 within one run while
    the pages' build times (page_times) differed by 5 %."""
    headers = {**BROWSER_HEADERS, **UNCACHED_COOKIE}
    loads = (1, args.connections)
    pairs = {load: {name: [] for name, _path in PAGES} for load in loads}
    for round_number in range(1, args.rounds + 1):
        for name, path in PAGES:
            for load in loads:
                medians = [
                    wrk(f"http://127.0.0.1:{site.port}{path}", headers, args.duration, load)["50"]
                    for site in (seed, large)
                ]
                pairs[load][name].append(medians)
        summary = "; ".join(
            f"{load} at a time: " + ", ".join(f"{name} x{p[-1][1] / p[-1][0]:.2f}" for name, p in pairs[load].items())
            for load in loads
        )
        print(f"  uncached pairs, round {round_number}/{args.rounds}: {summary}", flush=True)
    lines = [
        "## uncached median latency, large catalogue / seed catalogue (target: at most 1.5)",
        f"   measured in pairs, back to back, {args.rounds} rounds; medians",
    ]
    for load in loads:
        if load == 1:
            lines.append("   one request at a time: the time to build and send the page (the target)")
        else:
            lines.append(f"   {load} connections at once: mostly queueing on {os.cpu_count()} cores (reported)")
        for name, measured in pairs[load].items():
            seed_ms = statistics.median(m[0] for m in measured)
            large_ms = statistics.median(m[1] for m in measured)
            ratio = statistics.median(m[1] / m[0] for m in measured)
            verdict = ("ok" if ratio <= 1.5 else "OVER TARGET") if load == 1 else ""
            lines.append(f"  {name:20} {seed_ms:8.2f} ms -> {large_ms:8.2f} ms  x{ratio:.2f}  {verdict}".rstrip())
    return "\n".join(lines)


def page_times(sites, rounds=3):
    """bench/page_times.py against each catalogue, the catalogues taking turns for
    a few rounds; each page's fastest time over all rounds is kept, so a slow spell
    of the shared machine doesn't land on one catalogue only."""
    best = {site.name: {} for site in sites}
    for round_number in range(1, rounds + 1):
        for site in sites:
            print(f"# {site.name}: time to build each page type once, round {round_number}/{rounds}", flush=True)
            out = site.dir / "page_times.json"
            run([PYTHON, "bench/page_times.py", "--json", str(out)], site.env)
            for name, result in json.loads(out.read_text(encoding="utf-8")).items():
                kept = best[site.name].get(name)
                if kept is None or result["ms"] < kept["ms"]:
                    best[site.name][name] = result
    return [best[site.name] for site in sites]


def page_times_report(seed, large=None, works=0):
    title = "## time to build each page once, uncached, in-process (fastest of 3 x 15; HTML size)"
    if large is None:
        lines = [title]
        lines += [
            f"  {name:28} {r['ms']:6.1f} ms  {r['queries']:3} queries {r['kb']:6.1f} KB  {r['path']}"
            for name, r in seed.items()
        ]
        return "\n".join(lines)
    lines = [
        f"{title}: seed -> seed + {works} works",
        f"  {'page':28} {'seed':>9} {'large':>9} {'ratio':>6}  queries  {'KB seed -> large':>16}",
    ]
    for name, r in seed.items():
        big = large[name]
        ratio = big["ms"] / r["ms"]
        flag = "" if ratio <= 1.5 else "  over 1.5"
        flag += "" if big["queries"] == r["queries"] else f"  QUERIES {r['queries']} -> {big['queries']}"
        lines.append(
            f"  {name:28} {r['ms']:6.1f} ms {big['ms']:6.1f} ms  x{ratio:.2f}  {r['queries']:5}"
            f"  {r['kb']:7.1f} -> {big['kb']:6.1f}{flag}"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=int, default=0, help="also bench a catalogue with this many generated works")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "0")) or launcher.free_port())
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "32")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--output", help="also write the report to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    bench_dir = Path(os.environ.get("BENCH_DIR", ROOT / ".cache" / "bench")).resolve()
    seed_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{bench_dir / 'seed.db'}")
    reports = []
    seed = Site("seed", seed_url, bench_dir)
    sites = [seed]
    try:
        seed_results, size = bench_site(seed, args, args.port)
        reports.append(report("seed catalogue", seed_results, size, args))
        if not args.large:
            reports.append(page_times_report(*page_times([seed])))
            print(reports[-1])
        else:
            large_url = os.environ.get("BENCH_LARGE_DATABASE_URL", f"sqlite:///{bench_dir / 'large.db'}")
            large = Site("large", large_url, bench_dir, args.large)
            sites.append(large)
            large_results, size = bench_site(large, args, launcher.free_port())
            reports.append(report(f"seed + {args.large} generated works", large_results, size, args))
            reports.append(compare_uncached(seed, large, args))
            print(reports[-1])
            seed_times, large_times = page_times([seed, large])
            reports.append(page_times_report(seed_times, large_times, args.large))
            print(reports[-1])
    finally:
        for site in sites:
            site.stop()
    if args.output:
        Path(args.output).write_text("\n\n".join(reports) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
