"""No page's database work grows with the catalogue.

Each page is requested with the seed fixtures, then again after a generated
catalogue many times larger is added (generate_catalogue, the command behind
`make bench-large`): the number of queries must be the same. During these
requests every queryset runs in Django 6.1's FETCH_RAISE mode, so a lazy load
that would cost one query per row fails loudly, naming the field.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import query as query_module
from django.db.models.fetch_modes import FETCH_RAISE
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Work

GENERATED_WORKS = 150  # more than two timeline pages, spread over every decade from 1995


def pages():
    return {
        "timeline": reverse("catalogue:timeline"),
        "browse filtered": reverse("catalogue:work-list") + "?kind=drama&decade=2010",
        "browse by network": reverse("catalogue:work-list") + "?network=kbs2",
        "work": reverse("catalogue:work-detail", kwargs={"slug": "goblin"}),
        "song": reverse("catalogue:song-detail", kwargs={"slug": "stay-with-me"}),
        "performer": reverse("catalogue:performer-detail", kwargs={"slug": "chanyeol"}),
        "group performer": reverse("catalogue:performer-detail", kwargs={"slug": "exo"}),
        "search": reverse("catalogue:search") + "?q=love",
        "search one type": reverse("catalogue:search") + "?q=love&type=works",
        "eras": reverse("catalogue:era-list"),
        "decade": reverse("catalogue:era-decade", kwargs={"decade": 2010}),
        "year": reverse("catalogue:era-year", kwargs={"year": 2016}),
    }


@pytest.fixture
def raise_on_lazy_loads(monkeypatch):
    """Every queryset built during the test starts in FETCH_RAISE mode."""
    monkeypatch.setattr(query_module, "FETCH_ONE", FETCH_RAISE)


def count_queries(client, url):
    cache.clear()  # measure the view, not the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.slow
def test_every_page_runs_the_same_queries_with_a_catalogue_many_times_larger(client, seeded, raise_on_lazy_loads):
    urls = pages()
    small = {name: count_queries(client, url)[0] for name, url in urls.items()}
    seed_works = Work.objects.count()

    call_command("generate_catalogue", works=GENERATED_WORKS, performers=200, seed=3, stdout=io.StringIO())
    assert Work.objects.count() == seed_works + GENERATED_WORKS

    for name, url in urls.items():
        large, response = count_queries(client, url)
        assert large == small[name], f"{name} ({url}): {small[name]} queries with the seed, {large} when larger"
        assert large <= 15, f"{name} runs {large} queries"
    # The seed fits on one timeline page; the larger catalogue paginates, and a
    # deep page costs what the first one does.
    assert b"?page=2" in count_queries(client, urls["timeline"])[1].content
    assert count_queries(client, urls["timeline"] + "?page=3")[0] == small["timeline"]


@pytest.mark.parametrize("size", [2, 12])
def test_pages_built_by_factories_are_bounded(client, db, raise_on_lazy_loads, size, django_assert_max_num_queries):
    from tests.factories import build_catalogue

    works = build_catalogue(size)
    work = works[0]
    song = work.songs.first()
    urls = [
        reverse("catalogue:timeline"),
        work.get_absolute_url(),
        song.get_absolute_url(),
        song.credits.select_related("performer").first().performer.get_absolute_url(),
        reverse("catalogue:work-list") + f"?network={work.network.slug}",
    ]
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
