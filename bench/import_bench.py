"""Time an admin import, preview and confirmation, through the test client, on a
throwaway test database (never the one DATABASE_URL names: a test database next
to it, created and dropped here, as the test runner does).

    .venv/bin/python bench/import_bench.py                   # 5,000 works, then 5,000 songs
    .venv/bin/python bench/import_bench.py --rows 3500 --kind works --profile 25
    DATABASE_URL=postgres://... REDIS_URL=redis://.../13 .venv/bin/python bench/import_bench.py

Prints, per kind and step (preview, confirmation): seconds on the clock and per
row, this process's CPU seconds (steadier on a busy machine; on PostgreSQL the
server's time is not in it) and the number of queries. --profile N prints the N most
expensive functions (cumulative time) of each step, from cProfile; --queries N
the N most frequent queries of each step.
"""

import argparse
import collections
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ostsite.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.shapes = collections.Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.shapes[re.sub(r"\bIN \([^)]*\)", "IN (...)", sql)[:160]] += 1
        return execute(sql, params, many, context)

    def print_shapes(self, top):
        for sql, count in self.shapes.most_common(top):
            print(f"    {count:6}  {sql}")


def works_csv(rows):
    lines = ["slug,title,title_ko,kind,year,network,episodes,summary,sources"]
    for i in range(rows):
        year = 2000 + i % 25
        lines.append(f"bench-work-{i},Bench Work {i},벤치 작품 {i},drama,{year},bench-net,16,A story {i},bench-src")
    return "\n".join(lines) + "\n"


def songs_csv(rows):
    lines = ["slug,work,title,title_ko,role,performers"]
    for i in range(rows):
        lines.append(f"bench-song-{i},bench-home-{i % 50},Bench Song {i},벤치 노래 {i},insert,bench-singer-{i % 50}")
    return "\n".join(lines) + "\n"


def prepare():
    from django.contrib.auth.models import User

    from catalogue.models import Network, Performer, Source, Work

    Network.objects.create(slug="bench-net", name="Bench Network", kind="broadcaster")
    Source.objects.create(slug="bench-src", publisher="Bench", title="Bench source", url="https://example.com/")
    for i in range(50):
        Work.objects.create(slug=f"bench-home-{i}", title=f"Bench Home {i}", year=2016)
        Performer.objects.create(slug=f"bench-singer-{i}", name=f"Bench Singer {i}")
    return User.objects.create_superuser("bench", "bench@example.com", "a-long-bench-pass-phrase")


def step(client, method, url, data, profile, queries):
    counter = QueryCounter()
    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        response = getattr(client, method)(url, data)
        if profiler:
            profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if queries:
        counter.print_shapes(queries)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(*SORT).print_stats(profile)
        print(out.getvalue())
    return response, seconds, cpu, counter.count


def run(kind, rows, profile, queries):
    from catalogue.models import Song, Work

    model = {"works": Work, "songs": Song}[kind]
    content = {"works": works_csv, "songs": songs_csv}[kind](rows)
    name = model._meta.model_name
    client = Client()
    client.force_login(prepare_user())
    upload = SimpleUploadedFile(f"{kind}.csv", content.encode("utf-8"), content_type="text/csv")
    preview, preview_s, preview_cpu, preview_q = step(
        client,
        "post",
        reverse(f"admin:catalogue_{name}_import"),
        {"resource": "0", "format": "0", "import_file": upload},
        profile,
        queries,
    )
    form = preview.context and preview.context.get("confirm_form")
    if form is None:
        sys.exit(f"{kind}: the preview offers no confirmation:\n{preview.content.decode()[:3000]}")
    data = {field: form[field].value() for field in form.fields}
    done, confirm_s, confirm_cpu, confirm_q = step(
        client, "post", reverse(f"admin:catalogue_{name}_process_import"), data, profile, queries
    )
    if done.status_code != 302 or model.objects.filter(slug__startswith=f"bench-{kind[:-1]}-").count() != rows:
        sys.exit(f"{kind}: the confirmation did not import every row ({done.status_code})")
    for name, seconds, cpu, queries in (
        ("preview", preview_s, preview_cpu, preview_q),
        ("confirm", confirm_s, confirm_cpu, confirm_q),
    ):
        print(
            f"  {kind:6} {rows:6} rows  {name}  {seconds:6.2f} s ({seconds * 1000 / rows:5.2f} ms/row)"
            f"  cpu {cpu:6.2f} s  {queries:6} queries"
        )


_user = None
SORT = ["cumulative"]


def prepare_user():
    global _user
    if _user is None:
        _user = prepare()
    return _user


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--kind", choices=["works", "songs", "both"], default="both")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--queries", type=int, default=0, metavar="N", help="print the N most frequent queries")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime ...")
    args = parser.parse_args()
    SORT[:] = [args.sort]

    setup_test_environment()
    caches = settings.CACHES
    if caches["default"]["BACKEND"].endswith("FileBasedCache"):
        caches = {"default": {**caches["default"], "LOCATION": tempfile.mkdtemp(prefix="import-bench-cache-")}}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(CACHES=caches, STORAGES=storages, ALLOWED_HOSTS=["testserver"], DEBUG=False):
            print(f"Admin import on {connection.vendor}, cache {caches['default']['BACKEND'].rsplit('.', 1)[-1]}:")
            for kind in ["works", "songs"] if args.kind == "both" else [args.kind]:
                run(kind, args.rows, args.profile, args.queries)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
