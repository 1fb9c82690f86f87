"""How long the forgiving search (issue 18) takes, one request at a time, uncached,
with the seed fixtures plus a generated catalogue (20,000 works by default).

    python bench/search_bench.py                              # SQLite under BENCH_DIR
    python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench_search
    python bench/search_bench.py --works 20000 --repeat 25 --json out.json

The database is migrated, given the fixtures and generate_catalogue's works (only
when it has none yet: a second run measures at once). Each search then runs in
process through the view (Django's test client, production settings, a cookie the
page cache doesn't know, as page_times.py does): the fastest and the median of
--repeat runs, and its number of queries. Near misses read the catalogue's words
once per catalogue version; that first, "cold" run is timed on its own. Last, the
SQLite vocabulary's word correction alone against 100,000 distinct random words,
the size a real catalogue of 20,000 works could reach (generated names repeat a
few hundred words).
"""

import argparse
import json
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = [
    "golden",
    "goblin ost",
    "도깨비 ost",
    "huntrix",
    "CLOY",
    "케데헌",
    "hotel deluna",
    "stay with me chanyeol",
    "queen of tears fallin",
    "moon garden",  # two generated words, in thousands of titles
    "secret garden love",  # three, spread over works and songs
    "goblen",  # near misses
    "desendants of the sun",
    "quen of tears",
    "chanyoel",
    "zzqqxxvv",  # nothing near
    "iu",  # two letters
]


class QueryCounter:  # as page_times.py counts (bench/ is scripts, not a package)
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def prepare(env, works):
    manage = [sys.executable, "manage.py"]
    run = lambda *cmd: subprocess.run([*manage, *cmd], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: E731, S603
    run("migrate", "--no-input", "-v0")
    count = (
        subprocess.run(  # noqa: S603
            [*manage, "shell", "--no-imports", "-c", "from catalogue.models import Work; print(Work.objects.count())"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if int(count or 0) < works:
        fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
        run("loaddata", "-v0", *fixtures)
        run("generate_catalogue", "--works", str(works))
    run("collectstatic", "--no-input", "-v0")


def measure(repeat):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ostsite.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from catalogue.models import Performer, Song, Work
    from pagecache.version import bump_catalogue_version

    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE="bench=uncached", HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("catalogue:search")
    counts = {model.__name__: model.objects.count() for model in (Work, Song, Performer)}
    results = {"database": connection.vendor, "rows": counts, "searches": {}}

    bump_catalogue_version()  # a fresh version: the first near miss reads the words
    started = time.perf_counter()
    assert client.get(url, {"q": "goblen"}).status_code == 200
    results["cold near miss ms"] = (time.perf_counter() - started) * 1000

    for query in SEARCHES:
        for _ in range(2):
            response = client.get(url, {"q": query})
            assert response.status_code == 200, (query, response.status_code)
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url, {"q": query})
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, {"q": query})
            times.append((time.perf_counter() - started) * 1000)
        html = response.content.decode()
        results["searches"][query] = {
            "ms": min(times),
            "median_ms": statistics.median(times),
            "queries": counter.count,
            "did_you_mean": "Did you mean" in html,
            "hits": html.count('class="result__title"'),
        }
    results["vocabulary"] = vocabulary_alone()
    return results


def vocabulary_alone(size=100_000):
    from search.fuzzy import Vocabulary

    rng = random.Random(1)
    words = {"".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 12))) for _ in range(size)}
    words |= {"goblin", "descendants", "queen", "tears"}
    started = time.perf_counter()
    vocabulary = Vocabulary(words)
    built = (time.perf_counter() - started) * 1000
    times = {}
    for query in (["goblen"], ["desendants", "of", "the", "sun"], ["quen", "of", "tears"]):
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            vocabulary.correct(query)
            runs.append((time.perf_counter() - started) * 1000)
        times[" ".join(query)] = min(runs)
    return {"words": len(vocabulary), "build_ms": built, "correct_ms": times}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--works", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        results = measure(args.repeat)
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        return

    from loadtest import launcher

    bench_dir = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="search-bench-"))
    bench_dir.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{bench_dir / 'search.sqlite3'}"
    env = launcher.production_env(
        bench_dir / "static",
        DATABASE_URL=database_url,
        DJANGO_CACHE_DIR=str(bench_dir / "cache"),
        DJANGO_CACHE_PREFIX="search-bench",
    )
    print(f"# {database_url}: migrate, fixtures, generate_catalogue --works {args.works} if not there", flush=True)
    prepare(env, args.works)
    out = Path(args.json) if args.json else bench_dir / "search-bench.json"
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--measure", "--repeat", str(args.repeat), "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    results = json.loads(out.read_text(encoding="utf-8"))
    print(f"# {results['database']}: {results['rows']}")
    print(f"  cold near miss (reads the words once per version): {results['cold near miss ms']:.1f} ms")
    for query, r in results["searches"].items():
        note = " did-you-mean" if r["did_you_mean"] else ""
        print(
            f"  {query!r:28} {r['ms']:6.1f} ms (median {r['median_ms']:6.1f}) "
            f"{r['queries']:2} queries {r['hits']:3} hits{note}"
        )
    vocabulary = results["vocabulary"]
    print(f"  vocabulary of {vocabulary['words']:,} random words: built in {vocabulary['build_ms']:.0f} ms")
    for query, ms in vocabulary["correct_ms"].items():
        print(f"    correct {query!r}: {ms:.1f} ms")


if __name__ == "__main__":
    main()
