"""Open data: JSON and CSV downloads of the published catalogue, with a stable,
documented schema; drafts excluded; formulas defused; bounded queries."""

import csv
import io
import json

import pytest
from django.urls import reverse

from catalogue.models import Work
from opendata import exports
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory, build_catalogue

pytestmark = pytest.mark.django_db

STABLE_HEADERS = {
    "works": "slug,title,title_ko,title_romanized,kind,year,first_aired,last_aired,network,network_name,"
    "episodes,song_count,url",
    "songs": "slug,title,title_ko,title_romanized,work,work_title,role,ost_part,release_date,is_signature,"
    "remake_of,performers,url",
    "performers": "slug,name,name_ko,name_romanized,kind,is_fictional,members,url",
    "credits": "song,performer,role,order",
}


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(client, table):
    response = client.get(f"/data/{table}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"))))


@pytest.fixture
def catalogue():
    work = WorkFactory(slug="goblin", title="Goblin", title_ko="도깨비")
    song = SongFactory(work=work, slug="stay-with-me", title="Stay With Me")
    CreditFactory(song=song, performer=PerformerFactory(slug="chanyeol", name="Chanyeol"), order=0)
    CreditFactory(song=song, performer=PerformerFactory(slug="punch", name="Punch"), order=1)
    draft = WorkFactory(slug="secret-draft", title="Secret Draft", status=Work.Status.DRAFT)
    CreditFactory(
        song=SongFactory(work=draft, slug="secret-song", title="Secret Song"),
        performer=PerformerFactory(slug="secret-singer", name="Secret Singer"),
    )
    return work


@pytest.mark.parametrize("table", list(STABLE_HEADERS))
def test_csv_headers_are_stable(client, catalogue, table):
    assert ",".join(read_csv(client, table)[0]) == STABLE_HEADERS[table]


def test_csv_rows_hold_published_entries_only(client, catalogue):
    works = read_csv(client, "works")
    assert [row[0] for row in works[1:]] == ["goblin"]
    songs = read_csv(client, "songs")
    assert [(row[0], row[4], row[11]) for row in songs[1:]] == [("stay-with-me", "goblin", "Chanyeol; Punch")]
    performers = {row[0] for row in read_csv(client, "performers")[1:]}
    assert performers == {"chanyeol", "punch"}
    credits = read_csv(client, "credits")[1:]
    assert credits == [["stay-with-me", "chanyeol", "lead", "0"], ["stay-with-me", "punch", "lead", "1"]]


def test_json_is_nested_versioned_and_licensed(client, catalogue):
    response = client.get(reverse("opendata:data-json"))
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["schema_version"] == 1
    assert data["licence"]["name"] == "CC BY 4.0"
    [work] = data["works"]
    assert work["slug"] == "goblin" and work["title_ko"] == "도깨비"
    [song] = work["songs"]
    assert song["title"] == "Stay With Me"
    assert [(c["performer"], c["order"]) for c in song["credits"]] == [("chanyeol", 0), ("punch", 1)]
    assert "secret" not in response.content.decode().lower()


def test_formula_cells_are_defused(client):
    WorkFactory(slug="formula", title='=HYPERLINK("http://evil.example","x")', title_ko="")
    [row] = read_csv(client, "works")[1:]
    assert row[1] == '\'=HYPERLINK("http://evil.example","x")'
    assert exports.csv_cell("-1") == "'-1" and exports.csv_cell("@a") == "'@a" and exports.csv_cell(3) == 3


def test_partial_dates_are_as_precise_as_known():
    import datetime

    from catalogue.models import DatePrecision

    day = datetime.date(2024, 4, 6)
    assert [DatePrecision.iso(day, p) for p in ("day", "month", "year")] == ["2024-04-06", "2024-04", "2024"]
    assert DatePrecision.iso(None, "day") is None


def test_open_data_page_documents_schema_and_licence_and_is_linked_from_the_footer(client):
    html = client.get(reverse("opendata:open-data")).content.decode()
    assert "CC BY 4.0" in html and 'rel="license"' in html
    assert "Schema (version 1)" in html
    for table, header in STABLE_HEADERS.items():
        assert f'href="/data/{table}.csv"' in html
        for column in header.split(","):
            assert f"<code>{column}</code>" in html
    footer = client.get("/").content.decode().split('<footer class="site-footer"')[1]
    assert 'href="/data/"' in footer


@pytest.mark.parametrize("size", [2, 8])
def test_exports_cost_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    build_catalogue(size)
    with django_assert_num_queries(11):
        body(client.get("/data/catalogue.json"))
    with django_assert_num_queries(2):
        body(client.get("/data/songs.csv"))
    with django_assert_num_queries(3):
        body(client.get("/data/performers.csv"))


@pytest.mark.parametrize("url", ["/data/catalogue.json", "/data/works.csv", "/data/songs.csv", "/data/credits.csv"])
def test_each_export_is_built_once_per_catalogue_version(
    client, catalogue, django_assert_num_queries, django_capture_on_commit_callbacks, url
):
    """A download, or a flood of cache-busting query strings, reads the stored export
    instead of building it again; an edit makes the next download current."""
    first = body(client.get(url))
    with django_assert_num_queries(0):
        for n in range(5):
            assert body(client.get(f"{url}?bust={n}")) == first
    with django_capture_on_commit_callbacks(execute=True):
        work = Work.objects.get(slug="goblin")
        work.title = "Guardian: The Lonely and Great God"
        work.save()
        song = SongFactory(work=work, slug="new-song", title="A New Song")
        CreditFactory(song=song, performer=PerformerFactory(slug="new-singer"))
    assert b"Guardian: The Lonely" in body(client.get(url)) or url.endswith("credits.csv")
    assert b"new-song" in body(client.get(url)) or url.endswith("works.csv")
