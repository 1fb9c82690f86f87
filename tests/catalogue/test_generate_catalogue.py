"""`manage.py generate_catalogue`: the synthetic catalogue behind `make bench-large`."""

import io

import pytest
from django.core.management import call_command

from catalogue.models import Credit, Performer, Song, Work
from tests.conftest import fixture_names

pytestmark = pytest.mark.django_db


def generate(**options):
    out = io.StringIO()
    call_command("generate_catalogue", stdout=out, **{"works": 40, "performers": 25, "seed": 7, **options})
    return out.getvalue()


def snapshot():
    return (
        list(Work.objects.order_by("slug").values_list("slug", "title", "title_ko", "year", "status")),
        list(Song.objects.order_by("slug").values_list("slug", "title", "work__slug")),
        list(Credit.objects.order_by("song__slug", "order").values_list("song__slug", "performer__slug")),
    )


def test_the_same_seed_gives_the_same_published_catalogue_and_fixtures_load_on_top():
    output = generate()
    assert "done: 40 works, 120 songs, 25 performers" in output
    first = snapshot()
    assert Work.objects.count() == 40 and Performer.objects.count() == 25
    assert all(status == "published" for *_, status in first[0])
    assert all(slug.startswith("gen-") for slug, *_ in first[0])
    assert all(Song.objects.filter(work=work).exists() for work in Work.objects.all())

    generate(replace=True)
    assert snapshot() == first  # reproducible from the seed

    call_command("loaddata", "--verbosity=0", *fixture_names())  # no slug collides
    assert Work.objects.filter(slug="goblin").exists()
    assert Work.objects.count() == 40 + 29


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_bulk_load_is_vacuumed_so_search_indexes_are_used():
    """New rows wait in the trigram (GIN) indexes' pending lists until a VACUUM,
    and until then PostgreSQL priced those indexes above reading the whole table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL run of .ci/run)")
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN "
            "('catalogue_work', 'catalogue_song', 'catalogue_performer', 'catalogue_credit') "
            "AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
        )
        vacuumed = {row[0] for row in cursor.fetchall()}
    assert vacuumed == {"catalogue_work", "catalogue_song", "catalogue_performer", "catalogue_credit"}
