"""The search page: the issue's cases through the view, grouping, ranking, caps,
visibility, bad input and a bounded number of queries."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalogue.models import Performer, Work
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("catalogue:search")


def hits(response, kind=None):
    """(href, title) of each result link, optionally from one group only."""
    html = response.content.decode()
    if kind:
        match = re.search(rf'<section class="result-group result-group--{kind}".*?</section>', html, re.S)
        html = match.group(0) if match else ""
    return re.findall(r'class="result__title" href="([^"]+)">([^<]+)<', html)


def hrefs(response, kind=None):
    return [href for href, _ in hits(response, kind)]


@pytest.fixture
def catalogue():
    goblin = WorkFactory(
        slug="goblin",
        title="Goblin",
        title_ko="쓸쓸하고 찬란하神 – 도깨비",
        title_romanized="Sseulsseulhago chanlanhasin – Dokkaebi",
        alternative_titles="Guardian: The Lonely and Great God",
    )
    queen = WorkFactory(slug="queen-of-tears", title="Queen of Tears", title_ko="눈물의 여왕", year=2024)
    sassy = WorkFactory(slug="my-sassy-girl", title="My Sassy Girl", title_ko="엽기적인 그녀", kind=Work.Kind.FILM)
    shin = PerformerFactory(slug="shin-seung-hun", name="Shin Seung-hun", name_ko="신승훈")
    isaac = PerformerFactory(slug="isaac-hong", name="Isaac Hong", name_ko="홍이삭")
    chanyeol = PerformerFactory(slug="chanyeol", name="Chanyeol", name_ko="찬열")
    CreditFactory(song=SongFactory(slug="i-believe", title="I Believe", title_ko="", work=sassy), performer=shin)
    CreditFactory(song=SongFactory(slug="fallin", title="Fallin'", title_ko="", work=queen), performer=isaac)
    CreditFactory(
        song=SongFactory(slug="stay-with-me", title="Stay With Me", title_ko="", work=goblin), performer=chanyeol
    )
    return locals()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fallin", "/songs/fallin/"),
        ("FALLIN'", "/songs/fallin/"),
        ("도깨비", "/works/goblin/"),
        ("goblin", "/works/goblin/"),
        ("guardian", "/works/goblin/"),
        ("dokkaebi", "/works/goblin/"),
        ("ㄷㄲㅂ", "/works/goblin/"),
        ("ㄴㅁㅇ ㅇㅇ", "/works/queen-of-tears/"),
        ("ㄴㅁㅇㅇㅇ", "/works/queen-of-tears/"),
        ("눈물의 여왕", "/works/queen-of-tears/"),
        ("신승훈", "/performers/shin-seung-hun/"),
        ("Shin Seung Hoon", "/performers/shin-seung-hun/"),
        ("shin seung-hun", "/performers/shin-seung-hun/"),
        ("홍이삭", "/performers/isaac-hong/"),
        ("찬열", "/performers/chanyeol/"),
    ],
)
def test_the_issues_cases_find_their_page(client, catalogue, query, expected):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert expected in hrefs(response)


def test_every_hit_links_to_a_detail_page_that_exists(client, catalogue):
    links = {href for query in ("s", "i", "queen", "fallin") for href in hrefs(client.get(SEARCH, {"q": query}))}
    assert len(links) >= 5
    for href in links:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("go", True),  # the start of a word
        ("gob", True),
        ("bl", False),  # inside a word: too short to look for anywhere
        ("bli", True),  # three characters: anywhere
        ("깨", False),  # inside a word
        ("도깨", True),  # a word of its Korean title
        ("ㄷㄲ", False),
        ("ㅆㅆ", True),
    ],
)
def test_a_term_under_three_characters_matches_the_start_of_a_word(client, catalogue, query, found):
    assert ("/works/goblin/" in hrefs(client.get(SEARCH, {"q": query}))) is found


def test_results_are_grouped_by_type_with_counts(client, catalogue):
    work = WorkFactory(slug="stay", title="Stay")
    PerformerFactory(slug="stayc", name="STAYC", name_ko="스테이씨")
    CreditFactory(song=SongFactory(work=work, title="Stay Here"), performer=Performer.objects.get(slug="stayc"))
    response = client.get(SEARCH, {"q": "stay"})
    html = response.content.decode()
    assert (
        html.index("result-group--works") < html.index("result-group--songs") < html.index("result-group--performers")
    )
    assert hrefs(response, "works") == ["/works/stay/"]
    assert set(hrefs(response, "songs")) == {"/songs/stay-with-me/", f"/songs/{work.songs.get().slug}/"}
    assert hrefs(response, "performers") == ["/performers/stayc/"]
    assert 'id="group-songs"' in html and "(2)" in html


def test_ranking_puts_exact_then_prefix_then_contains(client):
    WorkFactory(slug="endless-love", title="Endless Love")
    WorkFactory(slug="lovely-runner", title="Lovely Runner")
    WorkFactory(slug="love", title="Love")
    WorkFactory(slug="first-love", title="First Love", title_ko="사랑")
    response = client.get(SEARCH, {"q": "love"})
    assert hrefs(response, "works")[:2] == ["/works/love/", "/works/lovely-runner/"]
    assert set(hrefs(response, "works")[2:]) == {"/works/endless-love/", "/works/first-love/"}


def test_korean_query_ranks_an_exact_korean_title_first(client):
    WorkFactory(slug="a-love", title="A", title_ko="사랑의 불시착")
    WorkFactory(slug="b-love", title="B", title_ko="사랑")
    assert hrefs(client.get(SEARCH, {"q": "사랑"}), "works") == ["/works/b-love/", "/works/a-love/"]


def test_each_group_is_capped_with_a_link_to_all(client):
    work = WorkFactory(title="Anthology")
    for i in range(25):
        SongFactory(work=work, slug=f"echo-{i:02}", title=f"Echo {i:02}", title_ko="")
    response = client.get(SEARCH, {"q": "echo"})
    assert len(hrefs(response, "songs")) == 20
    html = response.content.decode()
    assert "(25)" in html
    assert "?q=echo&amp;type=songs" in html

    page_one = client.get(SEARCH, {"q": "echo", "type": "songs"})
    page_two = client.get(SEARCH, {"q": "echo", "type": "songs", "page": 2})
    assert len(hrefs(page_one)) == 20 and len(hrefs(page_two)) == 5
    assert not set(hrefs(page_one)) & set(hrefs(page_two))
    assert "result-group--works" not in page_one.content.decode()


def test_drafts_and_their_songs_and_singers_never_appear(client):
    draft = WorkFactory(slug="secret", title="Secret Draft", status=Work.Status.DRAFT)
    singer = PerformerFactory(slug="hidden-singer", name="Secret Singer")
    CreditFactory(song=SongFactory(work=draft, slug="secret-song", title="Secret Song"), performer=singer)
    WorkFactory(slug="secret-garden", title="Secret Garden")
    response = client.get(SEARCH, {"q": "secret"})
    assert hrefs(response) == ["/works/secret-garden/"]


def test_search_box_on_every_page_is_a_plain_get_form(client, catalogue):
    for url in [reverse("catalogue:timeline"), reverse("catalogue:work-list"), "/works/goblin/", "/songs/fallin/"]:
        html = client.get(url).content.decode()
        form = re.search(r'<form class="site-search"[^>]*>', html).group(0)
        assert 'method="get"' in form and f'action="{SEARCH}"' in form, url
        assert 'name="q"' in html and 'for="site-search-q"' in html


def test_results_page_keeps_the_query_in_the_box_and_the_url_is_canonical(client, catalogue):
    html = client.get(SEARCH, {"q": "도깨비"}).content.decode()
    assert 'value="도깨비"' in html
    assert '<link rel="canonical" href="http://testserver/search/?q=%EB%8F%84%EA%B9%A8%EB%B9%84">' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_no_query_shows_the_form(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "result-group" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Type a title or a name to search for."),
        ({"q": "   "}, "Type a title or a name to search for."),
        ({"q": "x" * 101}, "Keep the search under 100 characters"),
        ({"q": "'''!!"}, "punctuation alone matches nothing"),
        ({"q": "a\x00b"}, "Null characters are not allowed."),
        ({"q": "love", "type": "everything"}, "Select a valid choice."),
    ],
)
def test_bad_queries_get_a_clear_400(client, params, message):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", "%00", "%", "_", "' OR 1=1 --", "\\", "|"])
def test_hostile_queries_are_escaped_and_match_nothing(client, catalogue, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html
    assert hits(response) == []


def test_hostile_text_in_a_title_is_escaped_in_results(client):
    WorkFactory(slug="xss", title="<img src=x onerror=alert(1)> Drama")
    html = client.get(SEARCH, {"q": "drama"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; Drama" in html


def test_bad_page_number_is_not_an_error(client, catalogue):
    assert client.get(SEARCH, {"q": "goblin", "type": "works", "page": "zz"}).status_code == 200


def _many(n, prefix):
    for i in range(n):
        work = WorkFactory(slug=f"{prefix}-work-{i}", title=f"Moon {prefix} {i}")
        CreditFactory(
            song=SongFactory(work=work, slug=f"{prefix}-song-{i}", title=f"Moon song {i}"),
            performer=PerformerFactory(slug=f"{prefix}-singer-{i}", name=f"Moon singer {i}"),
        )


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_matches(client, django_assert_num_queries, size):
    _many(size, "q")
    client.get(SEARCH, {"q": "moon"})  # warm up sessions/ContentTypes outside the count
    cache.clear()  # ...but not the page cache, which would answer with no query at all
    # One query per group (count rides along) + the songs' credits.
    with django_assert_num_queries(4):
        response = client.get(SEARCH, {"q": "moon"})
    assert len(hrefs(response, "works")) == min(size, 20)
