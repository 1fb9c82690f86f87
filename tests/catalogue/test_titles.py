"""Each list page's <title> says what is on it: filters, the page number, the index
section and kind, always ending with the site's name; no two pages share one."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from catalogue.models import Network
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory


def title_of(response):
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1))


@pytest.fixture
def crowded(seeded):
    """The seed plus 50 dramas of 2016 on tvN, each with a song and a singer: enough for
    a second page of the timeline, browse, the 2010s, 2016 and both indexes."""
    tvn = Network.objects.get(slug="tvn")
    for n in range(50):
        work = WorkFactory(title=f"Drama {n:02d}", year=2016, network=tvn)
        CreditFactory(
            song=SongFactory(work=work, title=f"Song {n:02d}"), performer=PerformerFactory(name=f"Singer {n}")
        )


def list_pages():
    works, timeline = reverse("catalogue:work-list"), reverse("catalogue:timeline")
    performers, songs = reverse("catalogue:performer-list"), reverse("catalogue:song-list")
    decade = reverse("catalogue:era-decade", kwargs={"decade": 2010})
    year = reverse("catalogue:era-year", kwargs={"year": 2016})
    return [
        timeline,
        f"{timeline}?page=2",
        works,
        f"{works}?page=2",
        f"{works}?kind=drama",
        f"{works}?kind=drama&page=2",
        f"{works}?kind=drama&network=tvn",
        f"{works}?kind=drama&network=tvn&page=2",
        f"{works}?network=tvn",
        f"{works}?kind=film",
        f"{works}?decade=2010",
        f"{works}?year_min=2015&year_max=2018",
        f"{works}?year_min=2015",
        f"{works}?year_max=2015",
        f"{works}?performer=IU",
        f"{works}?q=love",
        f"{works}?year_min=abc",
        reverse("catalogue:era-list"),
        decade,
        f"{decade}?page=2",
        reverse("catalogue:era-decade", kwargs={"decade": 2000}),
        year,
        f"{year}?page=2",
        reverse("catalogue:era-year", kwargs={"year": 2015}),
        performers,
        f"{performers}?page=2",
        f"{performers}?letter=A",
        f"{performers}?letter=S",
        f"{performers}?letter=S&page=1",  # the same page as ?letter=S: counted once below
        f"{performers}?letter=%E3%84%B1",
        f"{performers}?letter=%23",
        f"{performers}?kind=group",
        f"{performers}?kind=group&letter=E",
        f"{performers}?kind=solo",
        f"{performers}?kind=solo&page=2",
        f"{performers}?kind=fictional",
        songs,
        f"{songs}?page=2",
        f"{songs}?letter=G",
        f"{songs}?letter=%E3%84%B1",
        f"{songs}?letter=S",
        f"{songs}?letter=S&page=2",
    ]


def test_every_list_page_has_a_title_of_its_own(client, crowded):
    titles = {}
    for url in list_pages():
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        titles[url] = title_of(response)
    for url, title in titles.items():
        assert title.endswith(f" · {settings.SITE_NAME}"), (url, title)
    distinct = {title for url, title in titles.items() if not url.endswith("&page=1")}
    assert len(distinct) == len(titles) - 1, sorted(titles.values())
    assert (
        titles[reverse("catalogue:performer-list") + "?letter=S&page=1"]
        == titles[reverse("catalogue:performer-list") + "?letter=S"]
    )


@pytest.mark.parametrize(
    "url, title",
    [
        ("/works/?kind=drama&network=tvn&page=2", "TV dramas on tvN · page 2 · Browse works"),
        ("/works/?network=tvn", "Works on tvN · Browse works"),
        ("/works/?decade=2010&performer=IU", "Works from the 2010s with IU · Browse works"),
        ("/works/?year_min=2015&year_max=2018&kind=film", "Films from 2015 to 2018 · Browse works"),
        ("/works/?q=love", "Works titled “love” · Browse works"),
        ("/works/?kind=drama&year_min=abc", "Check the filters — Browse works"),
        ("/?page=2", "page 2 · Timeline of Korean drama and film soundtracks"),
        ("/years/2016/?page=2", "page 2 · 2016: soundtracks by era"),
        ("/eras/2010s/?page=2", "page 2 · The 2010s: soundtracks by era"),
        ("/performers/?kind=group&letter=E", "Groups and bands · E · Performers A–Z"),
        ("/performers/?letter=%23", "Digits and symbols · Performers A–Z"),
        ("/performers/?kind=solo&page=2", "Solo singers · page 2 · Performers A–Z"),
        ("/songs/?letter=%E3%84%B1", "ㄱ · Songs A–Z"),
        ("/songs/?page=2", "page 2 · Songs A–Z"),
        ("/songs/?letter=nope", "Check the address — Songs A–Z"),
    ],
)
def test_titles_read_as_what_is_on_the_page(client, crowded, url, title):
    assert title_of(client.get(url)) == f"{title} · {settings.SITE_NAME}"


def test_titles_in_korean(client, crowded):
    response = client.get("/works/?kind=drama&network=tvn&page=2", HTTP_ACCEPT_LANGUAGE="ko")
    assert title_of(response) == f"TV 드라마 tvN 방송 · 2쪽 · 작품 둘러보기 · {settings.SITE_NAME}"


@pytest.mark.django_db
def test_search_pages_by_type_and_page_have_their_own_titles(client, crowded):
    search = reverse("catalogue:search")
    urls = [f"{search}?q=song", f"{search}?q=song&type=songs", f"{search}?q=song&type=songs&page=2"]
    titles = [title_of(client.get(url)) for url in urls]
    assert len(set(titles)) == 3, titles
    assert titles[2].startswith("Songs · page 2 · Search: song")
