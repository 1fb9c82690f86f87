"""Time to build each page type once, uncached, in-process (no HTTP, no queueing;
the fastest of --repeat runs), with its number of queries and its size: run by
bench.py against each catalogue it measures, so a page whose work grows with the
catalogue shows up even where wrk doesn't look.

    DATABASE_URL=... python bench/page_times.py [--repeat 15] [--json out.json]
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ostsite.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

# (name, path): every public page type, on entries the seed fixtures hold.
PAGES = [
    ("timeline", "/"),
    ("browse", "/works/"),
    ("browse: kind and decade", "/works/?kind=drama&decade=2010"),
    ("browse: network", "/works/?network=tvn"),
    ("browse: performer", "/works/?performer=iu"),
    ("browse: title", "/works/?q=love"),
    ("work page", "/works/goblin/"),
    ("song page", "/songs/stay-with-me/"),
    ("performer page", "/performers/iu/"),
    ("eras", "/eras/"),
    ("decade", "/eras/2010s/"),
    ("year", "/years/2016/"),
    ("search: golden", "/search/?q=golden"),
    ("search: iu (short term)", "/search/?q=iu"),
    ("search: songs, page 1", "/search/?q=love&type=songs"),
    ("feed (RSS)", "/feeds/works.rss"),
    ("sitemap index", "/sitemap.xml"),
    ("sitemap: songs", "/sitemap-songs.xml"),
]


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(repeat):
    # A cookie the page cache doesn't know: every request runs the view, as an
    # editor's would (the whole-catalogue figures stay cached per version).
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1").split(",")[0]
    client = Client(
        HTTP_HOST=host, HTTP_COOKIE="bench=uncached", HTTP_ACCEPT_ENCODING="gzip", HTTP_ACCEPT_LANGUAGE="en"
    )
    results = {}
    for name, path in PAGES:
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(path)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        content = response.content
        if response.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        # The fastest run is the cost of the work itself; slower ones add whatever
        # else the machine was doing (shared cores). The median is reported too.
        results[name] = {
            "path": path,
            "ms": min(times),
            "median_ms": statistics.median(times),
            "queries": counter.count,
            "kb": len(content) / 1024,
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    results = measure(args.repeat)
    for name, r in results.items():
        print(f"  {name:28} {r['ms']:7.1f} ms  {r['queries']:3} queries {r['kb']:6.1f} KB  {r['path']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()
