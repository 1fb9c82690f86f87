"""The browse page's filters answer what a reader asks, each work once, and
through semi-joins and indexes rather than a JOIN with DISTINCT (whose cost grew
with the catalogue: 50 ms for a network at 20,000 works)."""

from datetime import date

import pytest
from django.core.cache import cache
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


def test_network_filter_reads_the_streamed_works_as_a_list_or_not_at_all(client, monkeypatch):
    from catalogue.filters import WorkFilter

    tvn = NetworkFactory(slug="tvn-test", name="tvN test")
    netflix = NetworkFactory(slug="netflix-test", name="Netflix test", kind=Network.Kind.STREAMING)
    WorkFactory(title="Aired on tvN", network=tvn)
    WorkFactory(title="Aired elsewhere, streamed", network=tvn).also_on.add(netflix)
    WorkFactory(title="Streamed too", network=NetworkFactory()).also_on.add(netflix)

    def work_queries(query):
        with CaptureQueriesContext(connection) as queries:
            response = browse(client, query)
        sql = [q["sql"] for q in queries.captured_queries if 'FROM "catalogue_work"' in q["sql"]]
        return sorted(titles(response)), sql

    # Nothing streamed on tvN: the plain condition its index answers in order.
    found, sql = work_queries("network=tvn-test")
    assert found == ["Aired elsewhere, streamed", "Aired on tvN"]
    assert not any(" IN (" in q for q in sql), sql
    # Two streamed on Netflix: their ids, not a subquery.
    found, sql = work_queries("network=netflix-test")
    assert found == ["Aired elsewhere, streamed", "Streamed too"]
    assert not any("catalogue_work_also_on" in q for q in sql), sql
    # More than the list takes: the subquery, with the same answer.
    monkeypatch.setattr(WorkFilter, "STREAMED_AS_LIST", 1)
    cache.clear()  # the page cache holds the page just built
    found, sql = work_queries("network=netflix-test")
    assert found == ["Aired elsewhere, streamed", "Streamed too"]
    assert any("catalogue_work_also_on" in q for q in sql), sql


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


def explain(queryset):
    """The plan of a queryset's query, as text. PostgreSQL is told not to sort where
    it has any other way, so with a test's handful of rows the plan still shows
    whether an index can give the rows in order (a Sort node that remains means none can)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("index", "narrow"),
    [
        ("work_timeline_order_idx", lambda works: works),  # the timeline
        ("work_timeline_order_idx", lambda works: works.in_years(2010, 2019)),  # a decade page
        ("work_kind_timeline_idx", lambda works: works.filter(kind="drama", year__gte=2010, year__lt=2020)),
        ("work_network_timeline_idx", lambda works: works.filter(network_id=1)),  # more from this network
    ],
    ids=["timeline", "decade", "kind and decade", "network"],
)
def test_lists_in_timeline_order_read_an_index_in_that_order(index, narrow):
    """A page of a list reads its rows from an index already in timeline order, so
    its cost doesn't grow with the works that match: at 20,000 works sorting a year
    of them took 1 ms a page, reading 30 in order 0.04 ms."""
    works = Work.objects.published().select_related("network")
    plan = explain(narrow(works).in_timeline_order()[:30])
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_timeline_order_is_by_year_then_date_with_undated_works_last():
    WorkFactory(title="B dated late", year=2016, first_aired=date(2016, 12, 2))
    WorkFactory(title="Undated", year=2016, first_aired=None)
    WorkFactory(title="A dated early", year=2016, first_aired=date(2016, 1, 8))
    WorkFactory(title="Also undated", year=2016, first_aired=None)
    WorkFactory(title="Earlier year, undated", year=2015, first_aired=None)

    assert [work.title for work in Work.objects.published().in_timeline_order()] == [
        "Earlier year, undated",
        "A dated early",
        "B dated late",
        "Also undated",
        "Undated",
    ]


@pytest.mark.django_db(transaction=True)  # the figures follow real commits
@pytest.mark.parametrize(
    "url",
    [reverse("catalogue:timeline"), reverse("catalogue:era-decade", kwargs={"decade": 2010})],
    ids=["timeline", "decade"],
)
def test_timeline_pages_take_their_page_count_from_the_kept_figures(client, url):
    """The timeline and era pages show figures kept per catalogue version, which
    hold the number of works: their paginator reads it there rather than counting
    the works again on every view (0.4-0.7 ms at 20,000 works)."""
    for n in range(31):
        WorkFactory(title=f"Work {n:02}", year=2012)
    client.get(url, HTTP_COOKIE="editor=1")  # the figures are kept after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?page=2", HTTP_COOKIE="editor=1")

    assert response.context["paginator"].count == 31
    assert response.context["paginator"].num_pages == 2
    assert [work.title for work in response.context["works"]] == ["Work 30"]
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    # An edit makes new figures, and so a new count.
    WorkFactory(title="Work 31", year=2013)
    assert client.get(url + "?page=2", HTTP_COOKIE="editor=1").context["paginator"].count == 32


@pytest.mark.parametrize("typed", ["iu", "IU", "Iu", "  IU ", "아이유"])
def test_performer_filter_takes_the_name_in_any_case_in_korean_or_the_slug(client, typed):
    iu = PerformerFactory(slug="iu", name="IU", name_ko="아이유")
    CreditFactory(song=SongFactory(work=WorkFactory(title="Hotel del Luna")), performer=iu)
    CreditFactory(song=SongFactory(work=WorkFactory(title="Someone else's")), performer=PerformerFactory())

    response = client.get(reverse("catalogue:work-list"), {"performer": typed})

    assert response.status_code == 200
    assert titles(response) == ["Hotel del Luna"]


def test_performer_filter_explains_an_unknown_or_shared_name(client):
    PerformerFactory(slug="kim-min-ji", name="Kim Min-ji")
    PerformerFactory(slug="kim-min-ji-2", name="Kim Min-ji")

    unknown = client.get(reverse("catalogue:work-list"), {"performer": "<b>Nobody</b>"})
    assert unknown.status_code == 400
    html = unknown.content.decode()
    assert "No performer is called “&lt;b&gt;Nobody&lt;/b&gt;”" in html and "<b>Nobody" not in html

    shared = client.get(reverse("catalogue:work-list"), {"performer": "kim min-ji"})
    assert shared.status_code == 400
    assert "Several performers are called “kim min-ji”" in shared.content.decode()
    assert "(kim-min-ji, kim-min-ji-2)" in shared.content.decode()
    # More than four: the first four, and a sign there are more.
    for n in range(3, 6):
        PerformerFactory(slug=f"kim-min-ji-{n}", name="Kim Min-ji")
    many = client.get(reverse("catalogue:work-list"), {"performer": "Kim Min-ji"}).content.decode()
    assert "(kim-min-ji, kim-min-ji-2, kim-min-ji-3, kim-min-ji-4, …)" in many
    # The page address tells them apart.
    assert client.get(reverse("catalogue:work-list"), {"performer": "kim-min-ji-2"}).status_code == 200

    korean = client.get(reverse("catalogue:work-list"), {"performer": "아무도"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert "“아무도”(이)라는 가수가 없습니다." in korean.content.decode()


def test_a_blank_performer_box_filters_nothing(client):
    PerformerFactory(slug="no-korean-name", name="No Korean Name", name_ko="")
    WorkFactory(title="Any work")
    response = client.get(reverse("catalogue:work-list"), {"performer": "   "})
    assert response.status_code == 200
    assert titles(response) == ["Any work"]
