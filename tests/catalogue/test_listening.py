"""Every song page offers somewhere to listen: the editors' official links first,
then a search on each service that has none (issue 18). The search URLs are
checked exactly, Korean and punctuation included."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from catalogue.listening import (
    SEARCH_SERVICES,
    SINGING_VOICE,
    listening_links,
    melon_search_url,
    spotify_search_url,
    youtube_search_url,
)
from catalogue.models import Credit, ListenLink, Song
from catalogue.querysets import credits_prefetch
from tests.factories import CreditFactory, ListenLinkFactory, PerformerFactory, SongFactory


class ListenList(HTMLParser):
    """The links inside the page's ``ul.listen-links``: attributes, text and the
    languages marked on the text inside."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside the list: nesting depth of <ul>
        self.links = []
        self.langs = []  # the language of each open <span> inside a link

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "listen-links" in (attrs.get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "ul":
            self.depth += 1
        elif self.depth and tag == "a":
            self.links.append({**attrs, "text": "", "ko": []})
        elif self.depth and self.links and tag == "span":
            self.langs.append(attrs.get("lang") or (self.langs[-1] if self.langs else ""))

    def handle_endtag(self, tag):
        if self.depth and tag == "ul":
            self.depth -= 1
        elif self.depth and tag == "span" and self.langs:
            self.langs.pop()

    def handle_data(self, data):
        if self.depth and self.links:
            link = self.links[-1]
            link["text"] += data
            if self.langs and self.langs[-1] == "ko" and data.strip():
                link["ko"].append(data.strip())


def listen_links_of(response):
    assert response.status_code == 200
    parser = ListenList()
    parser.feed(response.content.decode())
    for link in parser.links:
        link["text"] = " ".join(link["text"].split())
    return parser.links


def song_page(client, song):
    return client.get(reverse("catalogue:song-detail", kwargs={"slug": song.slug}))


def prefetched(slug):
    return Song.objects.prefetch_related("listen_links", credits_prefetch()).get(slug=slug)


# --- The URL patterns, exactly ------------------------------------------------


@pytest.mark.parametrize(
    ("build", "query", "url"),
    [
        (
            melon_search_url,
            "소녀 이문세",
            "https://www.melon.com/search/total/index.htm?q=%EC%86%8C%EB%85%80+%EC%9D%B4%EB%AC%B8%EC%84%B8",
        ),
        (
            melon_search_url,
            "Stay With Me 찬열 펀치",
            "https://www.melon.com/search/total/index.htm?q=Stay+With+Me+%EC%B0%AC%EC%97%B4+%ED%8E%80%EC%B9%98",
        ),
        (
            melon_search_url,
            "사랑인가 봐 멜로망스",
            "https://www.melon.com/search/total/index.htm?q=%EC%82%AC%EB%9E%91%EC%9D%B8%EA%B0%80+%EB%B4%90+%EB%A9%9C%EB%A1%9C%EB%A7%9D%EC%8A%A4",
        ),
        (melon_search_url, "Golden Huntr/x", "https://www.melon.com/search/total/index.htm?q=Golden+Huntr%2Fx"),
        (
            youtube_search_url,
            "Stay With Me Chanyeol Punch",
            "https://www.youtube.com/results?search_query=Stay+With+Me+Chanyeol+Punch",
        ),
        (
            youtube_search_url,
            "Love, Maybe MeloMance",
            "https://www.youtube.com/results?search_query=Love%2C+Maybe+MeloMance",
        ),
        (
            youtube_search_url,
            "Fallin' Isaac & Co? #1 C++ 100%",
            "https://www.youtube.com/results?search_query=Fallin%27+Isaac+%26+Co%3F+%231+C%2B%2B+100%25",
        ),
        (
            youtube_search_url,
            "청춘 김필",
            "https://www.youtube.com/results?search_query=%EC%B2%AD%EC%B6%98+%EA%B9%80%ED%95%84",
        ),
        (
            spotify_search_url,
            "Stay With Me Chanyeol Punch",
            "https://open.spotify.com/search/Stay%20With%20Me%20Chanyeol%20Punch",
        ),
        # A slash would reach Spotify's router as a path separator: it becomes a space.
        (spotify_search_url, "Golden Huntr/x", "https://open.spotify.com/search/Golden%20Huntr%20x"),
        (spotify_search_url, "Hello/Goodbye Hyolyn", "https://open.spotify.com/search/Hello%20Goodbye%20Hyolyn"),
        (
            spotify_search_url,
            "Fallin' Isaac & Co? #1 C++ 100%",
            "https://open.spotify.com/search/Fallin%27%20Isaac%20%26%20Co%3F%20%231%20C%2B%2B%20100%25",
        ),
        (spotify_search_url, "청춘 김필", "https://open.spotify.com/search/%EC%B2%AD%EC%B6%98%20%EA%B9%80%ED%95%84"),
    ],
)
def test_search_urls_are_exact(build, query, url):
    assert build(query) == url


def test_the_services_and_roles_spelled_out_match_the_models():
    """A curated link for a search service replaces its search: the platforms must be ListenLink's."""
    platforms = dict(ListenLink.Platform.choices)
    assert [(service.platform, service.name) for service in SEARCH_SERVICES] == [
        ("melon", platforms["melon"]),
        ("youtube", platforms["youtube"]),
        ("spotify", platforms["spotify"]),
    ]
    assert SINGING_VOICE == Credit.Role.VOICE


# --- What is searched ------------------------------------------------------------


@pytest.mark.django_db
def test_melon_searches_in_korean_and_the_others_in_english():
    song = SongFactory(slug="youth-test", title="Youth", title_ko="청춘")
    CreditFactory(song=song, performer=PerformerFactory(name="Kim Feel", name_ko="김필"), order=0)
    CreditFactory(
        song=song,
        performer=PerformerFactory(name="Kim Chang-wan", name_ko="김창완"),
        role=Credit.Role.FEATURING,
        order=1,
    )
    melon, youtube, spotify = listening_links(prefetched("youth-test")).searches
    assert (melon.service, melon.query) == ("Melon", "청춘 김필 김창완")
    assert (
        melon.url
        == "https://www.melon.com/search/total/index.htm?q=%EC%B2%AD%EC%B6%98+%EA%B9%80%ED%95%84+%EA%B9%80%EC%B0%BD%EC%99%84"
    )
    assert [(term.text, term.lang) for term in melon.terms] == [("청춘", "ko"), ("김필", "ko"), ("김창완", "ko")]
    assert (youtube.service, youtube.query) == ("YouTube", "Youth Kim Feel Kim Chang-wan")
    assert youtube.url == "https://www.youtube.com/results?search_query=Youth+Kim+Feel+Kim+Chang-wan"
    assert (spotify.service, spotify.query) == ("Spotify", "Youth Kim Feel Kim Chang-wan")
    assert spotify.url == "https://open.spotify.com/search/Youth%20Kim%20Feel%20Kim%20Chang-wan"
    assert all(term.lang == "" for term in youtube.terms)


@pytest.mark.django_db
def test_english_fills_in_where_there_is_no_korean_and_a_singing_voice_is_left_out():
    song = SongFactory(slug="shower-test", title="Sudden Shower", title_ko="")
    CreditFactory(song=song, performer=PerformerFactory(name="Eclipse", name_ko=""), role=Credit.Role.CREDITED_ARTIST)
    CreditFactory(
        song=song, performer=PerformerFactory(name="Byeon Woo-seok", name_ko="변우석"), role=Credit.Role.VOICE, order=1
    )
    melon, youtube, _ = listening_links(prefetched("shower-test")).searches
    assert melon.query == youtube.query == "Sudden Shower Eclipse"
    assert all(term.lang == "" for term in melon.terms)


@pytest.mark.django_db
def test_a_song_with_no_credit_is_searched_by_its_title():
    SongFactory(slug="alone", title="Alone", title_ko="혼자")
    assert [link.query for link in listening_links(prefetched("alone")).searches] == ["혼자", "Alone", "Alone"]


@pytest.mark.django_db
def test_curated_links_come_first_and_replace_the_search_on_their_service():
    song = SongFactory(slug="curated")
    CreditFactory(song=song)
    ListenLinkFactory(song=song, platform=ListenLink.Platform.YOUTUBE, url="https://www.youtube.com/watch?v=abc")
    ListenLinkFactory(song=song, platform=ListenLink.Platform.APPLE_MUSIC, url="https://music.apple.com/kr/song/1")
    links = listening_links(prefetched("curated"))
    assert [link.platform for link in links.official] == ["apple-music", "youtube"]
    assert [link.platform for link in links.searches] == ["melon", "spotify"]
    assert [link.url for link in links][:2] == [
        "https://music.apple.com/kr/song/1",
        "https://www.youtube.com/watch?v=abc",
    ]
    assert len(links) == 4


@pytest.mark.django_db
def test_with_everything_prefetched_the_links_cost_no_query(django_assert_num_queries):
    song = SongFactory(slug="counted")
    CreditFactory(song=song)
    ListenLinkFactory(song=song)
    song = prefetched("counted")
    with django_assert_num_queries(0):
        assert len(song.listening_links) == 3


# --- On the song pages --------------------------------------------------------------


def test_every_song_page_links_at_least_one_listening_service(client, seeded):
    songs = list(Song.objects.published().prefetch_related("listen_links", credits_prefetch()))
    assert len(songs) > 30
    for song in songs:
        links = listen_links_of(song_page(client, song))
        expected = [link.url for link in song.listening_links]
        assert [link["href"] for link in links] == expected, song.slug
        assert links, song.slug


def test_stay_with_me_offers_labelled_searches_in_the_right_languages(client, seeded):
    links = listen_links_of(song_page(client, Song.objects.get(slug="stay-with-me")))
    by_service = {link["text"].split(" ")[2]: link for link in links}
    assert list(by_service) == ["Melon", "YouTube", "Spotify"]
    melon = by_service["Melon"]
    assert melon["href"] == (
        "https://www.melon.com/search/total/index.htm?q=Stay+With+Me+%EC%B0%AC%EC%97%B4+%ED%8E%80%EC%B9%98"
    )
    assert melon["text"] == "Search on Melon Stay With Me 찬열 펀치"
    assert melon["ko"] == ["찬열", "펀치"]  # lang="ko" on the Korean names, not on the English title
    assert by_service["YouTube"]["href"] == "https://www.youtube.com/results?search_query=Stay+With+Me+Chanyeol+Punch"
    assert by_service["YouTube"]["text"] == "Search on YouTube Stay With Me Chanyeol Punch"
    assert by_service["Spotify"]["href"] == "https://open.spotify.com/search/Stay%20With%20Me%20Chanyeol%20Punch"
    for link in links:
        assert link["rel"].split() == ["nofollow", "noopener", "noreferrer"]
        assert "listen--search" in link["class"].split()
        assert "target" not in link


def test_golden_searches_huntrx(client, seeded):
    links = listen_links_of(song_page(client, Song.objects.get(slug="golden")))
    assert [link["href"] for link in links] == [
        "https://www.melon.com/search/total/index.htm?q=Golden+Huntr%2Fx",
        "https://www.youtube.com/results?search_query=Golden+Huntr%2Fx",
        "https://open.spotify.com/search/Golden%20Huntr%20x",
    ]


@pytest.mark.django_db
def test_page_shows_official_links_first_then_searches_for_the_other_services(client):
    song = SongFactory(slug="with-links", title="Give You My Heart", title_ko="마음을 드려요")
    CreditFactory(song=song, performer=PerformerFactory(name="IU", name_ko="아이유"))
    ListenLinkFactory(
        song=song, platform=ListenLink.Platform.MELON, url="https://www.melon.com/song/detail.htm?songId=1", label=""
    )
    ListenLinkFactory(
        song=song,
        platform=ListenLink.Platform.YOUTUBE,
        url="https://www.youtube.com/watch?v=official",
        label="Official music video",
    )
    links = listen_links_of(song_page(client, song))
    assert [(link["href"], link["text"]) for link in links] == [
        ("https://www.melon.com/song/detail.htm?songId=1", "Melon"),
        ("https://www.youtube.com/watch?v=official", "YouTube Official music video"),
        ("https://open.spotify.com/search/Give%20You%20My%20Heart%20IU", "Search on Spotify Give You My Heart IU"),
    ]
    assert ["listen--search" in link["class"].split() for link in links] == [False, False, True]
    assert all(link["rel"].split() == ["nofollow", "noopener", "noreferrer"] for link in links)


@pytest.mark.django_db
def test_with_every_search_service_curated_there_is_no_search(client):
    song = SongFactory(slug="all-curated")
    for service in SEARCH_SERVICES:
        ListenLinkFactory(song=song, platform=service.platform, url=f"https://example.org/{service.platform}")
    response = song_page(client, song)
    assert [link["href"] for link in listen_links_of(response)] == [
        "https://example.org/melon",
        "https://example.org/spotify",
        "https://example.org/youtube",
    ]
    assert b"listen--search" not in response.content
    assert b"listen-note" not in response.content


def test_searches_are_explained_in_korean_too(client, seeded):
    song = Song.objects.get(slug="a-little-girl")
    response = client.get(song.get_absolute_url(), headers={"accept-language": "ko"})
    links = listen_links_of(response)
    assert links[0]["text"] == "Melon에서 검색 소녀 오혁"
    assert links[0]["ko"] == ["소녀", "오혁"]
    assert "공식 링크는 아직 없습니다" in response.content.decode()


def test_no_embedded_player_or_third_party_script(client, seeded):
    html = song_page(client, Song.objects.get(slug="golden")).content.decode()
    for host in ("melon.com", "youtube.com", "spotify.com"):
        for tag in ("<iframe", "<script", "<embed", "<object"):
            assert not any(host in chunk.split(">")[0] for chunk in html.split(tag)[1:]), (tag, host)
