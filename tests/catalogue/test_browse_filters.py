"""The browse page's filters answer what a reader asks, each work once, and
through semi-joins and indexes rather than a JOIN with DISTINCT (whose cost grew
with the catalogue: 50 ms for a network at 20,000 works)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Network, Performer, Work
from tests.factories import CreditFactory, MembershipFactory, NetworkFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def browse(client, query):
    response = client.get(reverse("catalogue:work-list") + "?" + query)
    assert response.status_code == 200
    return response


def titles(response):
    return [work.title for work in response.context["works"]]


def test_network_filter_finds_broadcast_and_streamed_works_once_each(client):
    tvn = NetworkFactory(slug="tvn-test", name="tvN test")
    stream = NetworkFactory(slug="stream-x", name="Stream X", kind=Network.Kind.STREAMING)
    WorkFactory(title="Aired there", network=tvn)
    WorkFactory(title="Streamed there").also_on.add(tvn)
    WorkFactory(title="Aired and streamed there", network=tvn).also_on.add(tvn, stream)
    WorkFactory(title="Elsewhere").also_on.add(stream)

    response = browse(client, "network=tvn-test")

    assert sorted(titles(response)) == ["Aired and streamed there", "Aired there", "Streamed there"]
    assert response.context["paginator"].count == 3


def test_performer_filter_follows_groups_and_members_once_each(client):
    group = PerformerFactory(slug="the-group", name="The Group", kind=Performer.Kind.GROUP)
    member = PerformerFactory(slug="the-member", name="The Member")
    MembershipFactory(group=group, member=member)
    stranger = PerformerFactory(slug="stranger")

    by_member = SongFactory(work=WorkFactory(title="Sung by the member")).work
    CreditFactory(song=by_member.songs.get(), performer=member)
    by_group = WorkFactory(title="Sung by the group")
    CreditFactory(song=SongFactory(work=by_group), performer=group)
    CreditFactory(song=SongFactory(work=by_group), performer=group)  # two songs, one work
    CreditFactory(song=SongFactory(work=WorkFactory(title="Sung by a stranger")), performer=stranger)

    # A member: their own songs and their group's.
    assert sorted(titles(browse(client, "performer=the-member"))) == ["Sung by the group", "Sung by the member"]
    # A group: its songs and its members'.
    assert sorted(titles(browse(client, "performer=the-group"))) == ["Sung by the group", "Sung by the member"]
    assert titles(browse(client, "performer=stranger")) == ["Sung by a stranger"]


def test_title_filter_matches_long_and_short_terms_in_english_and_korean(client):
    WorkFactory(title="Crash Landing on You", title_ko="사랑의 불시착")
    WorkFactory(title="Goblin", title_ko="도깨비")

    assert titles(browse(client, "q=landing")) == ["Crash Landing on You"]  # the trigram index
    assert titles(browse(client, "q=go")) == ["Goblin"]  # too short for it: a name that starts so
    assert titles(browse(client, "q=도깨비")) == ["Goblin"]
    assert titles(browse(client, "q=nothing+like+it")) == []


@pytest.mark.parametrize("query", ["network=tvn-test", "performer=the-group"])
def test_filters_read_no_join_with_distinct(client, query):
    NetworkFactory(slug="tvn-test")
    PerformerFactory(slug="the-group", kind=Performer.Kind.GROUP)
    with CaptureQueriesContext(connection) as queries:
        browse(client, query)
    work_queries = [q["sql"] for q in queries.captured_queries if 'FROM "catalogue_work"' in q["sql"]]
    assert work_queries, "the page read no works"
    assert not any("DISTINCT" in sql for sql in work_queries), work_queries


def test_kind_and_years_count_reads_the_status_kind_year_index():
    """The paginated count of a kind-and-decade browse is answered by an index
    that starts with status (every public list filters on it)."""
    index = next(i for i in Work._meta.indexes if i.name == "work_status_kind_year_idx")
    assert index.fields[:2] == ["status", "kind"]
    if connection.vendor == "sqlite":
        sql = (
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM catalogue_work "
            "WHERE status = 'published' AND kind = 'drama' AND year >= 2010 AND year < 2020"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "COVERING INDEX work_status_kind_year_idx" in plan, plan
