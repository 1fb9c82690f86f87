"""The performer and song indexes (A–Z, ㄱ–ㅎ, by kind, paginated), their errors and
bounded queries; decade and year pages that step only to eras with works; the
labelled year chart, the folded browse filters and the links to the indexes."""

import io
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import query as query_module
from django.db.models.fetch_modes import FETCH_RAISE
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Performer, Song, Work
from catalogue.views import EraStepsMixin, published_stats
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory, build_catalogue


def performers_url(**params):
    return reverse("catalogue:performer-list") + (f"?{urlencode(params)}" if params else "")


def songs_url(**params):
    return reverse("catalogue:song-list") + (f"?{urlencode(params)}" if params else "")


def text_of(response):
    return response.content.decode()


def names_listed(response):
    return [entry.name for entry in response.context["entries"]]


@pytest.fixture
def raise_on_lazy_loads(monkeypatch):
    """Every queryset built during the test starts in FETCH_RAISE mode (as in test_query_counts)."""
    monkeypatch.setattr(query_module, "FETCH_ONE", FETCH_RAISE)


# --- With the real fixtures ------------------------------------------------


def test_performer_index_lists_every_published_performer_with_korean_names_marked(client, seeded):
    response = client.get(performers_url())
    assert response.status_code == 200
    html = text_of(response)
    assert response.context["paginator"].count == Performer.objects.published().count()
    assert 'href="/performers/iu/"' in html and '<span class="index-entry__alt" lang="ko">아이유</span>' in html
    assert "Huntr/x" in html and "fictional" in html
    assert '<h3 id="section-1" class="index-section__title">A</h3>' in html


def test_song_index_lists_golden_with_its_singers_and_work(client, seeded):
    golden = Song.objects.get(title="Golden")
    html = text_of(client.get(songs_url()))
    assert f'href="{golden.get_absolute_url()}">Golden</a>' in html
    assert 'href="/works/kpop-demon-hunters/">KPop Demon Hunters</a> (2025)' in html
    assert 'href="/performers/huntrx/"' in html


def test_a_latin_letter_lists_names_starting_with_it_in_either_case(client, seeded):
    upper, lower = client.get(performers_url(letter="I")), client.get(performers_url(letter="i"))
    assert names_listed(upper) == names_listed(lower)
    assert "IU" in names_listed(upper) and "Chanyeol" not in names_listed(upper)
    assert all(name.upper().startswith("I") for name in names_listed(upper))
    assert 'aria-current="page">I</a>' in text_of(upper)


def test_a_hangul_section_lists_korean_names_by_initial_consonant(client, seeded):
    response = client.get(performers_url(letter="ㅇ"))
    html = text_of(response)
    assert "IU" in names_listed(response)
    assert '<a class="index-entry__name" href="/performers/iu/" lang="ko">아이유</a>' in html
    listed_ko = [entry.name_ko for entry in response.context["entries"]]
    assert listed_ko == sorted(listed_ko) and all("아" <= name < "자" for name in listed_ko)


def test_doubled_consonants_go_with_their_base_and_other_initials_under_hash(client, db):
    CreditFactory(performer=PerformerFactory(name="Kkachi", name_ko="까치"))
    CreditFactory(performer=PerformerFactory(name="Gana", name_ko="가나"))
    CreditFactory(performer=PerformerFactory(name="Ssangssang", name_ko="쌍쌍"))
    CreditFactory(performer=PerformerFactory(name="10cm", name_ko="십센치"))
    CreditFactory(performer=PerformerFactory(name="Élan", name_ko=""))
    assert names_listed(client.get(performers_url(letter="ㄱ"))) == ["Gana", "Kkachi"]
    assert names_listed(client.get(performers_url(letter="ㅅ"))) == ["10cm", "Ssangssang"]
    assert names_listed(client.get(performers_url(letter="#"))) == ["10cm", "Élan"]
    # On the whole index "#" comes after Z, whatever the database's collation.
    everyone = client.get(performers_url())
    assert names_listed(everyone)[-2:] == ["10cm", "Élan"]
    assert [entry.index_initial for entry in everyone.context["entries"]][-2:] == ["#", "#"]


@pytest.mark.parametrize(
    "kind, listed, not_listed",
    [
        ("solo", ["IU", "EJAE"], ["EXO", "Huntr/x"]),
        ("group", ["EXO", "Huntr/x"], ["IU"]),
        ("fictional", ["Huntr/x"], ["IU", "EXO"]),
    ],
)
def test_performers_filter_by_kind(client, seeded, kind, listed, not_listed):
    response = client.get(performers_url(kind=kind))
    assert response.status_code == 200
    names = names_listed(response)
    assert all(name in names for name in listed) and not any(name in names for name in not_listed)
    assert response.context["paginator"].count == Performer.objects.published().of_kind(kind).count()
    # The letter bar and the "All" link keep the kind.
    html = text_of(response)
    assert f'href="/performers/?kind={kind}"' in html and f'href="?kind={kind}&amp;letter=' in html


def test_the_kind_form_is_a_plain_get_form_that_keeps_the_letter(client, seeded):
    html = text_of(client.get(performers_url(letter="E")))
    form = re.search(r'<form method="get" action="/performers/" class="index-filter">.*?</form>', html, re.S)
    assert form, "a GET form"
    assert '<input type="hidden" name="letter" value="E">' in form.group(0)
    assert '<select name="kind" id="id_kind">' in form.group(0)
    assert "<script" not in html


def test_letters_without_entries_are_not_links(client, seeded):
    html = text_of(client.get(performers_url(kind="fictional")))
    assert 'href="?kind=fictional&amp;letter=H"' in html  # Huntr/x
    assert 'href="?kind=fictional&amp;letter=Q"' not in html
    assert '<span class="letter-bar__empty">Q<span class="visually-hidden"> (none)</span></span>' in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"letter": "QQ"}, "There is no section “QQ”"),
        ({"letter": "ㄲ"}, "There is no section “ㄲ”"),
        ({"kind": "opera"}, "“opera” is not a kind of performer"),
        ({"page": "abc"}, "A page number is a whole number"),
        ({"page": "0"}, "Pages are numbered from 1."),
        ({"letter": "A", "page": "-3"}, "Pages are numbered from 1."),
    ],
)
def test_bad_index_parameters_get_400_with_the_message(client, seeded, params, message):
    response = client.get(performers_url(**params))
    assert response.status_code == 400
    html = text_of(response)
    assert message in html and 'class="error-summary" role="alert"' in html
    assert "<title>Check the address — " in html


def test_bad_song_index_parameters_get_400(client, seeded):
    assert client.get(songs_url(letter="7")).status_code == 400
    assert client.get(songs_url(page="two")).status_code == 400
    assert client.get(songs_url(kind="group")).status_code == 200  # songs have no kinds: ignored


def test_a_page_past_the_last_is_a_404_not_a_500(client, seeded):
    for url in (performers_url(page=999999), songs_url(page=2), performers_url(letter="Q", page=2)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in text_of(response)
    # An empty section's first page is a page, saying so.
    response = client.get(performers_url(letter="Q"))
    assert response.status_code == 200 and "No performers here yet." in text_of(response)


def test_indexes_paginate_keeping_the_filters_with_a_canonical_address_of_their_own(client, db):
    for n in range(55):
        CreditFactory(performer=PerformerFactory(name=f"Solo {n:02d}", name_ko=""))
    first = client.get(performers_url(kind="solo", letter="S"))
    assert len(first.context["entries"]) == 50 and first.context["paginator"].num_pages == 2
    assert 'href="?kind=solo&amp;letter=S&amp;page=2"' in text_of(first)
    second = client.get(performers_url(kind="solo", letter="S", page=2))
    assert names_listed(second) == [f"Solo {n}" for n in range(50, 55)]
    assert '<link rel="canonical" href="http://testserver/performers/?kind=solo&amp;letter=S&amp;page=2">' in text_of(
        second
    )


def test_drafts_stay_out_of_the_indexes(client, db):
    draft = WorkFactory(title="Hidden", status=Work.Status.DRAFT)
    CreditFactory(song=SongFactory(work=draft, title="Secret song"), performer=PerformerFactory(name="Secret singer"))
    CreditFactory(song=SongFactory(title="Open song"), performer=PerformerFactory(name="Open singer"))
    response = client.get(performers_url())
    performers, songs = text_of(response), text_of(client.get(songs_url()))
    assert "Open singer" in performers and "Secret singer" not in performers
    assert "Open song" in songs and "Secret song" not in songs
    assert response.context["paginator"].count == 1


def test_indexes_are_linked_from_the_home_page_the_footer_and_the_sitemap(client, seeded):
    home = text_of(client.get(reverse("catalogue:timeline")))
    assert home.count('href="/performers/"') == 2 and home.count('href="/songs/"') == 2  # hero and footer
    pages = text_of(client.get(reverse("opendata:sitemap-section", kwargs={"section": "pages"})))
    assert "http://testserver/performers/</loc>" in pages and "http://testserver/songs/</loc>" in pages


def test_indexes_in_korean(client, seeded):
    html = text_of(client.get(performers_url(kind="group", letter="ㄱ"), HTTP_ACCEPT_LANGUAGE="ko"))
    assert "<title>그룹과 밴드 · ㄱ · 가수 색인 · OST Timeline</title>" in html
    assert '<label for="id_kind">종류:</label>' in html
    bad = client.get(performers_url(page="x"), HTTP_ACCEPT_LANGUAGE="ko")
    assert bad.status_code == 400 and "쪽 번호는 1, 2, 3 … 같은 정수입니다." in text_of(bad)


# --- Queries that do not grow with the catalogue ----------------------------


def index_urls():
    return {
        "performers": performers_url(),
        "performers by letter": performers_url(letter="P"),
        "performers by kind": performers_url(kind="group"),
        "performers by consonant": performers_url(letter="ㄱ", kind="solo"),
        "songs": songs_url(),
        "songs by letter": songs_url(letter="S"),
        "songs by consonant": songs_url(letter="ㄴ"),
    }


def count_queries(client, url):
    cache.clear()  # measure the view, not the page cache (nor the kept counts)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


def test_index_queries_do_not_grow_with_the_catalogue(client, db, raise_on_lazy_loads):
    small = build_catalogue(3)
    small_counts = {name: count_queries(client, url)[0] for name, url in index_urls().items()}
    group = small[0].songs.get().credits.order_by("order").first().performer.group_memberships.get().group
    build_catalogue(60, network=small[0].network, group=group)  # 63 works: the indexes paginate
    large_counts = {name: count_queries(client, url)[0] for name, url in index_urls().items()}
    assert small_counts == large_counts
    assert max(large_counts.values()) <= 6, large_counts
    assert count_queries(client, performers_url(page=2))[0] == large_counts["performers"]
    assert count_queries(client, songs_url(page=2))[0] == large_counts["songs"]


def test_a_page_costs_only_its_rows_once_the_counts_are_kept(client, db, django_assert_num_queries):
    build_catalogue(3)
    client.get(performers_url(letter="P"))  # keeps the counts for this catalogue version
    client.get(songs_url(letter="S"))
    with django_assert_num_queries(1):  # the page's performers; no COUNT
        assert client.get(performers_url(letter="P", page=1)).status_code == 200
    with django_assert_num_queries(2):  # the songs, their credits with performers
        assert client.get(songs_url(letter="S", page=1)).status_code == 200


@pytest.mark.slow
def test_index_queries_stay_the_same_with_a_generated_catalogue(client, seeded, raise_on_lazy_loads):
    """As tests/catalogue/test_query_counts.py does for the other pages."""
    urls = {**index_urls(), "performers by letter": performers_url(letter="I")}
    small = {name: count_queries(client, url)[0] for name, url in urls.items()}
    call_command("generate_catalogue", works=150, performers=200, seed=3, stdout=io.StringIO())
    for name, url in urls.items():
        large, _ = count_queries(client, url)
        assert large == small[name], f"{name} ({url}): {small[name]} queries with the seed, {large} when larger"
    assert count_queries(client, songs_url(page=3))[0] == small["songs"]


# --- Decade and year pages step to the nearest era with works ----------------


def steps(response):
    return response.context["previous_era"], response.context["next_era"]


def test_year_pages_skip_empty_years_and_stop_at_the_ends(client, db):
    for year in (2001, 2016, 2018, 2025):
        WorkFactory(year=year)
    WorkFactory(year=2017, status=Work.Status.DRAFT)  # a draft does not make a year
    assert steps(client.get(reverse("catalogue:era-year", kwargs={"year": 2016}))) == (2001, 2018)
    assert steps(client.get(reverse("catalogue:era-year", kwargs={"year": 2017}))) == (2016, 2018)
    last = client.get(reverse("catalogue:era-year", kwargs={"year": 2025}))
    assert steps(last) == (2018, None)
    assert 'rel="next"' not in text_of(last).split('class="era-steps"')[1].split("</nav>")[0]
    # Past the catalogue's last year: back to it, and no way on into empty years.
    after = client.get(reverse("catalogue:era-year", kwargs={"year": 2026}))
    assert steps(after) == (2025, None) and 'href="/years/2027/"' not in text_of(after)
    assert steps(client.get(reverse("catalogue:era-year", kwargs={"year": 1990}))) == (None, 2001)


def test_decade_pages_skip_empty_decades(client, db):
    WorkFactory(year=1995)
    WorkFactory(year=2016)
    html = text_of(client.get(reverse("catalogue:era-decade", kwargs={"decade": 1990})))
    assert 'rel="next" href="/eras/2010s/"' in html and 'rel="prev"' not in html
    assert steps(client.get(reverse("catalogue:era-decade", kwargs={"decade": 2000}))) == (1990, 2010)
    html = text_of(client.get(reverse("catalogue:era-decade", kwargs={"decade": 2010})))
    assert 'rel="prev" href="/eras/1990s/"' in html and "/eras/2020s/" not in html


def test_an_only_era_has_no_steps_at_all(client, db):
    WorkFactory(year=2016)
    html = text_of(client.get(reverse("catalogue:era-year", kwargs={"year": 2016})))
    assert 'class="era-steps"' not in html


def test_era_steps_cost_no_query_once_the_figures_are_kept(client, db, monkeypatch):
    build_catalogue(3)
    url = reverse("catalogue:era-year", kwargs={"year": 2016})
    client.get(url)  # keeps the catalogue's and the year's figures
    with CaptureQueriesContext(connection) as with_steps:
        client.get(url + "?page=1")  # another address: not the cached page
    monkeypatch.setattr(EraStepsMixin, "era_steps", lambda self, current, decades=False: {})
    with CaptureQueriesContext(connection) as without_steps:
        client.get(url + "?page=1&again")
    assert len(with_steps) == len(without_steps)
    assert published_stats()["by_year"]  # the figures the steps read


# --- The year chart, the folded filters, /data/ --------------------------------


def test_the_year_chart_labels_every_year_with_its_count(client, seeded):
    html = text_of(client.get(reverse("catalogue:era-list")))
    years = [row["year"] for row in published_stats()["by_year"]]
    labels = re.findall(r'<span class="year-chart__year">(\d{4})<span class="visually-hidden">: (\d+) works?', html)
    assert [int(year) for year, _ in labels] == list(range(years[0], years[-1] + 1))
    counts = {row["year"]: row["works"] for row in published_stats()["by_year"]}
    assert all(int(n) == counts.get(int(year), 0) for year, n in labels)


@pytest.mark.parametrize(
    "query, summary, is_open",
    [
        ("", "Filters", False),
        ("?kind=drama&network=tvn&page=1", "Filters (2 active)", False),
        ("?decade=2010", "Filters (1 active)", False),
        ("?year_min=abc", "Filters (1 active)", True),
    ],
)
def test_browse_filters_fold_into_details_open_only_to_fix_them(client, seeded, query, summary, is_open):
    html = text_of(client.get(reverse("catalogue:work-list") + query))
    details = re.search(
        r'<details class="filters__fold"( open)?>\s*<summary class="filters__summary">(.*?)</summary>', html
    )
    assert details, "the filters are in a <details>"
    assert details.group(2) == summary
    assert bool(details.group(1)) is is_open
