"""SQLite's trigram index for search (search/sqlite_fts.py): it answers what a
plain scan answers, follows every insert, rename and delete, and comes back when a
table rebuild loses its triggers. PostgreSQL has pg_trgm instead (migration 0003)."""

import pytest
from django.db import connection

from catalogue.models import Performer, Song, Work
from search import sqlite_fts
from search.query import matches
from tests.factories import WorkFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite search index"),
]


def found(model, term):
    return set(model.objects.filter(matches([term], model)).values_list("slug", flat=True))


def scanned(model, term):
    return set(model.objects.filter(search_key__contains=term).values_list("slug", flat=True))


def test_the_index_answers_what_a_scan_answers(seeded):
    for term in ["golden", "도깨비", "ㄷㄲㅂ", "love", "sinsunghun", "huntr", "| dok", "ost"]:
        for model in (Work, Song, Performer):
            assert found(model, term) == scanned(model, term), (model.__name__, term)
    assert "goblin" in found(Work, "도깨비")


def test_the_query_reads_the_index(seeded):
    sql = str(Work.objects.filter(matches(["golden"], Work)).query)
    assert "catalogue_work_search_fts" in sql
    short = str(Work.objects.filter(matches(["ab"], Work)).query)
    assert "search_fts" not in short  # two letters: the trigram index can't answer, the scan does


def test_inserts_renames_and_deletes_follow(db):
    work = WorkFactory(slug="moon-story", title="Moonlight Sonata Story")
    assert found(Work, "sonata") == {"moon-story"}
    work.title = "Starlight Etude"
    work.save()
    assert found(Work, "sonata") == set()
    assert found(Work, "etude") == {"moon-story"}
    work.delete()
    assert found(Work, "etude") == set()


def test_lost_triggers_are_made_again_and_the_index_rebuilt(db):
    WorkFactory(slug="kept", title="Winter Sonata Remembered")
    with connection.cursor() as cursor:
        for name, _sql in sqlite_fts.statements("catalogue_work")[1:]:
            cursor.execute(f"DROP TRIGGER {name}")  # as a table rebuild by a later migration would
    WorkFactory(slug="missed", title="Winter Garden")  # saved while the triggers were gone
    assert found(Work, "winter") == {"kept"}

    sqlite_fts.ensure_search_index()

    assert found(Work, "winter") == {"kept", "missed"}
    WorkFactory(slug="after", title="Winter Again")
    assert found(Work, "winter") == {"kept", "missed", "after"}
