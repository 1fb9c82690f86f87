"""sitemap.xml, robots.txt and the RSS/Atom feeds: published pages only, valid XML."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from catalogue.models import Work
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def works():
    public = WorkFactory(slug="goblin", title="Goblin", title_ko="도깨비")
    CreditFactory(
        song=SongFactory(work=public, slug="stay-with-me", title="Stay With Me"),
        performer=PerformerFactory(slug="chanyeol", name="Chanyeol"),
    )
    draft = WorkFactory(slug="secret-draft", title="Secret Draft", status=Work.Status.DRAFT)
    CreditFactory(
        song=SongFactory(work=draft, slug="secret-song", title="Secret Song"),
        performer=PerformerFactory(slug="secret-singer", name="Secret Singer"),
    )
    return public, draft


def sitemap_locations(client):
    index = ET.fromstring(client.get(reverse("opendata:sitemap")).content)
    locations = []
    for loc in index.iter(f"{SM}loc"):
        section = ET.fromstring(client.get(loc.text.replace("http://testserver", "")).content)
        locations += [url.text for url in section.iter(f"{SM}loc")]
    return locations


def test_sitemap_lists_published_pages_only(client, works):
    locations = sitemap_locations(client)
    for path in ["/", "/works/", "/data/", "/works/goblin/", "/songs/stay-with-me/", "/performers/chanyeol/"]:
        assert f"http://testserver{path}" in locations
    assert not [loc for loc in locations if "secret" in loc]


def test_sitemap_index_dates_each_section_by_its_latest_published_change(client, works, django_assert_max_num_queries):
    public, draft = works
    Work.objects.filter(pk=public.pk).update(updated_at=datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.UTC))
    Work.objects.filter(pk=draft.pk).update(updated_at=datetime.datetime(2026, 9, 9, tzinfo=datetime.UTC))
    older = WorkFactory(slug="older")
    Work.objects.filter(pk=older.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    # Pages, counts and one MAX per section, whatever the catalogue's size (Django's
    # default read every entry of a section to find its latest change).
    with django_assert_max_num_queries(7):
        index = ET.fromstring(client.get(reverse("opendata:sitemap")).content)
    lastmods = {
        entry.find(f"{SM}loc").text.rsplit("/", 1)[-1]: entry.find(f"{SM}lastmod")
        for entry in index.iter(f"{SM}sitemap")
    }
    works_lastmod = datetime.datetime.fromisoformat(lastmods["sitemap-works.xml"].text)
    assert works_lastmod == datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.UTC)  # not the draft's
    assert lastmods["sitemap-songs.xml"] is not None and lastmods["sitemap-performers.xml"] is not None


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "admin" not in body  # the admin address is configurable and not advertised


def test_rss_feed_is_valid_xml_with_published_items(client, works):
    response = client.get(reverse("opendata:feed-rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("link") for item in items] == ["http://testserver/works/goblin/"]
    assert items[0].findtext("title") == "Goblin · 도깨비 (2016)"
    assert "Stay With Me" in items[0].findtext("description")
    assert items[0].findtext("pubDate")


def test_atom_feed_is_valid_xml_newest_first(client, works):
    import datetime

    from django.utils import timezone

    newer = WorkFactory(slug="lovely-runner", title="Lovely Runner")
    Work.objects.filter(pk=newer.pk).update(published_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get(reverse("opendata:feed-atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
    assert links == ["http://testserver/works/lovely-runner/", "http://testserver/works/goblin/"]


def test_control_characters_in_a_title_do_not_break_the_feed(client):
    WorkFactory(slug="odd", title="Odd\x0bTitle <b>&", title_ko="")
    response = client.get(reverse("opendata:feed-rss"))
    assert response.status_code == 200
    assert ET.fromstring(response.content).find("channel/item").findtext("title") == "OddTitle <b>& (2016)"


def test_every_page_links_both_feeds_in_its_head(client, works):
    for url in ["/", "/works/", "/works/goblin/", "/songs/stay-with-me/", "/performers/chanyeol/", "/search/?q=x"]:
        head = client.get(url).content.decode().split("</head>")[0]
        assert '<link rel="alternate" type="application/rss+xml"' in head, url
        assert 'href="/feeds/works.atom"' in head, url


def test_detail_pages_have_canonical_open_graph_and_twitter_tags(client, works):
    head = client.get("/works/goblin/?utm_source=x").content.decode().split("</head>")[0]
    assert '<link rel="canonical" href="http://testserver/works/goblin/">' in head
    assert '<meta property="og:type" content="video.tv_show">' in head
    assert '<meta property="og:title" content="Goblin (2016)">' in head
    assert '<meta property="og:url" content="http://testserver/works/goblin/">' in head
    assert '<meta name="twitter:card" content="summary">' in head
    song_head = client.get("/songs/stay-with-me/").content.decode().split("</head>")[0]
    assert '<meta property="og:type" content="music.song">' in song_head
    assert '<meta property="og:title" content="Stay With Me — Goblin">' in song_head
