"""The editor side of the load test: a separate process that keeps saving a new
numbered marker into one work's title through the ORM, as the admin would, and
reports "edit <k> <unix time>" on stdout once each save has committed.

Run by loadtest.run with the site's environment; stops on SIGTERM or after
--edits edits.
"""

import argparse
import os
import signal
import sys
import time

import django

SLUG = "loadtest-drama"
PERFORMER_SLUG = "loadtest-singer"
SONG_SLUG = "loadtest-theme"


def marker(k):
    return f"LOADMARK-{k}-END"


def set_up():
    """One published work, with a signature song by one performer, so the work
    shows on the timeline, its own page and the performer's page."""
    import datetime

    from catalogue.models import Credit, Performer, Song, Work

    work, _ = Work.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": f"Load test drama {marker(0)}",
            "year": 1990,
            "first_aired": datetime.date(1990, 1, 5),
            "status": Work.Status.PUBLISHED,
            "summary": "A work the load test edits over and over.",
        },
    )
    performer, _ = Performer.objects.get_or_create(slug=PERFORMER_SLUG, defaults={"name": "Load test singer"})
    song, _ = Song.objects.get_or_create(
        slug=SONG_SLUG,
        defaults={
            "work": work,
            "title": "Load test theme",
            "role": Song.Role.MAIN_THEME,
            "is_signature": True,
            "release_date": datetime.date(1990, 1, 5),
        },
    )
    Credit.objects.get_or_create(song=song, performer=performer)
    return work


def verify(last):
    """Every edit is in the history, and the work shows the last one."""
    import re

    from catalogue.models import Work

    work = Work.objects.get(slug=SLUG)
    seen = {
        int(m.group(1))
        for m in (re.search(r"LOADMARK-(\d+)-END", t) for t in work.history.values_list("title", flat=True))
        if m
    }
    missing = sorted(set(range(1, last + 1)) - seen)
    current = marker(last) in work.title
    print(f"verify last={last} current={'ok' if current else work.title} missing={missing}", flush=True)
    if missing or not current:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.25, help="Seconds between edits.")
    parser.add_argument("--setup-only", action="store_true")
    parser.add_argument("--verify", type=int, metavar="N", help="Check edits 1..N are all saved, then exit.")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ostsite.settings")
    django.setup()
    from django.db import transaction

    from catalogue.models import Work

    if args.verify is not None:
        verify(args.verify)
        return
    work = set_up()
    print("ready", flush=True)
    if args.setup_only:
        return

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    k = 0
    while not stopping:
        k += 1
        with transaction.atomic():
            work = Work.objects.select_for_update().get(pk=work.pk)
            work.title = f"Load test drama {marker(k)}"
            work.save()
        # Committed (and the catalogue version bumped by on_commit) before this line.
        print(f"edit {k} {time.time():.6f}", flush=True)
        time.sleep(args.interval)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
