"""What a visitor sees on each page type: names in three forms, the song's role,
milestones, listen links, careers through groups, era figures, related works,
helpful errors, and database work that does not grow with the catalogue."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from catalogue.models import DatePrecision, Milestone, Performer, Song, Work
from tests.factories import (
    CreditFactory,
    ListenLinkFactory,
    MembershipFactory,
    MilestoneFactory,
    NetworkFactory,
    PerformerFactory,
    SongFactory,
    WorkFactory,
    build_catalogue,
)


def text_of(response):
    return response.content.decode()


# --- With the real fixtures ------------------------------------------------


def test_timeline_lists_works_in_year_order_with_decades_marked(client, seeded):
    response = client.get(reverse("catalogue:timeline"))
    assert response.status_code == 200
    html = text_of(response)
    assert 'id="decade-2000"' in html and 'id="decade-2020"' in html
    # My Sassy Girl (2001) comes before Goblin (2016), which comes before KPop Demon Hunters (2025).
    assert html.index("My Sassy Girl") < html.index("Goblin") < html.index("KPop Demon Hunters")
    assert "Stay With Me" in html and 'href="/performers/chanyeol/"' in html
    assert '<span lang="ko">엽기적인 그녀</span>' in html


def test_work_page_shows_names_facts_songs_and_sources(client, seeded):
    html = text_of(client.get(reverse("catalogue:work-detail", kwargs={"slug": "goblin"})))
    work = Work.objects.get(slug="goblin")
    assert f"<title>{work.title} (2016)" in html
    assert f'lang="ko" class="names__ko">{work.title_ko}</span>' in html
    assert work.romanized in html
    assert "tvN" in html and "Stay With Me" in html
    assert "Ending theme" in html or "Main theme" in html
    assert 'class="sources"' in html


def test_song_page_shows_role_milestones_listen_links_and_sources(client, seeded):
    song = Song.objects.get(title="Golden")
    html = text_of(client.get(song.get_absolute_url()))
    assert song.get_role_display() in html
    assert "KPop Demon Hunters" in html
    for milestone in song.milestones.all():
        assert escape(milestone.description) in html
    for link in song.listen_links.all():
        assert link.get_platform_display() in html and escape(link.url) in html
    assert 'class="sources"' in html


def test_unconfirmed_milestone_is_marked_as_such(client, seeded):
    milestone = Milestone.objects.filter(is_confirmed=False).select_related("song").first()
    assert milestone is not None, "the fixtures carry at least one unconfirmed milestone"
    html = text_of(client.get(milestone.song.get_absolute_url()))
    position = html.index(escape(milestone.description))
    assert "unconfirmed" in html[position : position + 400]


def test_chanyeol_career_lists_stay_with_me(client, seeded):
    html = text_of(client.get(reverse("catalogue:performer-detail", kwargs={"slug": "chanyeol"})))
    assert "Stay With Me" in html and "Goblin" in html
    assert 'href="/performers/exo/"' in html  # his group, linked


def test_ejae_career_lists_golden_through_huntrx(client, seeded):
    html = text_of(client.get(reverse("catalogue:performer-detail", kwargs={"slug": "ejae"})))
    assert "Golden" in html
    assert "with Huntr/x" in html
    assert 'href="/performers/huntrx/"' in html


def test_fictional_group_names_its_real_singers(client, seeded):
    html = text_of(client.get(reverse("catalogue:performer-detail", kwargs={"slug": "huntrx"})))
    for slug, name in [("ejae", "EJAE"), ("audrey-nuna", "Audrey Nuna"), ("rei-ami", "Rei Ami")]:
        assert f'href="/performers/{slug}/">{name}</a>' in html
    assert "singing voice of Rumi" in html
    assert "Fictional" in html


def test_former_member_is_labelled(client, seeded):
    html = text_of(client.get(reverse("catalogue:performer-detail", kwargs={"slug": "taeil"})))
    assert "former member" in html


def test_decade_page_shows_figures_chart_and_works(client, seeded):
    response = client.get(reverse("catalogue:era-decade", kwargs={"decade": 2010}))
    assert response.status_code == 200
    html = text_of(response)
    assert "The 2010s" in html
    assert 'class="figures"' in html and '<svg class="bar__svg"' in html
    assert "Goblin" in html and "My Sassy Girl" not in html
    assert response.context["figures"]["works"] == Work.objects.published().filter(year__range=(2010, 2019)).count()


def test_year_page_lists_only_that_year(client, seeded):
    html = text_of(client.get(reverse("catalogue:era-year", kwargs={"year": 2016})))
    assert "Goblin" in html and "Descendants of the Sun" in html
    assert "Queen of Tears" not in html
    assert 'href="/years/2015/"' in html and 'href="/years/2018/"' in html


def test_era_index_links_every_decade(client, seeded):
    html = text_of(client.get(reverse("catalogue:era-list")))
    for decade in (2000, 2010, 2020):
        assert f'href="/eras/{decade}s/"' in html
    assert '<svg class="year-chart__svg"' in html


def test_work_page_shows_related_works(client, seeded):
    response = client.get(reverse("catalogue:work-detail", kwargs={"slug": "goblin"}))
    related = dict(response.context["related"])
    assert "Descendants of the Sun" in [w.title for w in related["year"]]  # also 2016
    assert all(w.network.slug == "tvn" for w in related["network"])
    assert "Related works" in text_of(response)


# --- Small catalogues built by factories -----------------------------------


def test_song_release_month_precision_is_shown_as_month_and_year(client, db):
    song = SongFactory(
        release_date=datetime.date(2024, 4, 1), release_date_precision=DatePrecision.MONTH, work__year=2024
    )
    html = text_of(client.get(song.get_absolute_url()))
    assert "April 2024" in html
    assert "April 1, 2024" not in html and "Apr. 1, 2024" not in html


def test_fact_notes_are_shown_as_a_note(client, db):
    song = SongFactory(fact_notes="The release date comes from a single fan wiki.")
    html = text_of(client.get(song.get_absolute_url()))
    assert 'class="note-box"' in html and "single fan wiki" in html


def test_song_page_shows_remakes_and_the_original(client, db):
    original = SongFactory(title="I Believe")
    remake = SongFactory(title="I Believe (2020)", work=None, role=Song.Role.REMAKE, remake_of=original)
    assert "I Believe (2020)" in text_of(client.get(original.get_absolute_url()))
    html = text_of(client.get(remake.get_absolute_url()))
    assert "Covers and remakes" in html and original.get_absolute_url() in html


def test_group_page_lists_songs_of_its_members(client, db):
    group = PerformerFactory(name="EXO test", kind=Performer.Kind.GROUP)
    member = PerformerFactory(name="Chanyeol test")
    MembershipFactory(group=group, member=member)
    CreditFactory(song__title="Stay With Me test", performer=member)
    html = text_of(client.get(group.get_absolute_url()))
    assert "Stay With Me test" in html and "by member Chanyeol test" in html


def test_draft_works_stay_out_of_pages(client, db):
    draft = WorkFactory(title="Secret draft", status=Work.Status.DRAFT, year=2016)
    WorkFactory(title="Public work", year=2016)
    for url in (reverse("catalogue:timeline"), reverse("catalogue:era-year", kwargs={"year": 2016})):
        html = text_of(client.get(url))
        assert "Public work" in html and "Secret draft" not in html
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/works/no-such-work/",
        "/songs/no-such-song/",
        "/performers/nobody/",
        "/eras/2015s/",
        "/eras/1800s/",
        "/years/1066/",
    ],
)
def test_unknown_pages_get_our_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in text_of(response)


@pytest.mark.parametrize(
    "query, message",
    [
        ("year_min=abc", "Enter a number."),
        ("kind=opera", "Select a valid choice."),
        ("decade=1234", "Select a valid choice."),
        ("network=nowhere", "Select a valid choice."),
        ("year_min=99999", "Ensure this value is less than or equal to"),
    ],
)
def test_bad_filter_values_get_400_with_the_message(client, db, query, message):
    response = client.get(reverse("catalogue:work-list") + "?" + query)
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert 'class="error-summary" role="alert"' in html


def test_browse_filters_by_kind_and_decade(client, db):
    WorkFactory(title="A film of 2003", kind=Work.Kind.FILM, year=2003)
    WorkFactory(title="A drama of 2016", kind=Work.Kind.DRAMA, year=2016)
    html = text_of(client.get(reverse("catalogue:work-list") + "?kind=film&decade=2000"))
    assert "A film of 2003" in html and "A drama of 2016" not in html


def test_timeline_paginates_with_working_links(client, db):
    network = NetworkFactory()
    for i in range(31):
        WorkFactory(year=2000 + i % 20, network=network)
    first = client.get(reverse("catalogue:timeline"))
    assert len(first.context["works"]) == 30
    assert 'href="?page=2"' in text_of(first)
    second = client.get(reverse("catalogue:timeline") + "?page=2")
    assert second.status_code == 200 and len(second.context["works"]) == 1
    # Back to page 1 is the timeline's own address, not a second URL for it.
    assert 'rel="prev" href="/"' in text_of(second) and "page=1" not in text_of(second)


def test_browse_pagination_keeps_the_filters(client, db):
    network = NetworkFactory()
    for _ in range(25):
        WorkFactory(year=2016, network=network, kind=Work.Kind.DRAMA)
    html = text_of(client.get(reverse("catalogue:work-list") + "?kind=drama"))
    assert 'href="?kind=drama&amp;page=2"' in html


def test_every_page_has_a_title_skip_link_and_korean_marked(client, db):
    work = build_catalogue(1)[0]
    song = work.songs.get()
    urls = [
        reverse("catalogue:timeline"),
        reverse("catalogue:work-list"),
        work.get_absolute_url(),
        song.get_absolute_url(),
        song.credits.first().performer.get_absolute_url(),
        reverse("catalogue:era-list"),
        reverse("catalogue:era-decade", kwargs={"decade": 2010}),
        reverse("catalogue:era-year", kwargs={"year": 2016}),
    ]
    for url in urls:
        html = text_of(client.get(url))
        assert "<title>" in html and "</title>" in html, url
        assert 'class="skip-link" href="#main"' in html, url
        assert 'id="main"' in html, url
        assert 'lang="ko"' in html, url
        assert "style=" not in html and "<style" not in html, url


def test_500_page_renders_without_a_request(db):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'lang="ko"' in html


# --- Query counts do not grow with the catalogue ---------------------------


def page_urls(works):
    work = works[0]
    song = work.songs.get()
    singer = song.credits.order_by("order").first().performer
    group = singer.group_memberships.get().group
    return {
        "timeline": reverse("catalogue:timeline"),
        "browse": reverse("catalogue:work-list"),
        "browse filtered": reverse("catalogue:work-list") + "?kind=drama&decade=2010",
        "work": work.get_absolute_url(),
        "song": song.get_absolute_url(),
        "performer": singer.get_absolute_url(),
        "group": group.get_absolute_url(),
        "eras": reverse("catalogue:era-list"),
        "decade": reverse("catalogue:era-decade", kwargs={"decade": 2010}),
        "year": reverse("catalogue:era-year", kwargs={"year": 2016}),
    }


def count_page_queries(client, urls):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in urls.items():
        cache.clear()  # measure the view, not the page cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        counts[name] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_catalogue(client, db):
    small = build_catalogue(3)
    small_counts = count_page_queries(client, page_urls(small))
    # Ten times more works, all sharing the same network, group and years, so
    # every list on every page gets longer (the group gains 27 members).
    group = small[0].songs.get().credits.order_by("order").first().performer.group_memberships.get().group
    build_catalogue(27, network=small[0].network, group=group)
    large_counts = count_page_queries(client, page_urls(small))
    assert small_counts == large_counts


def test_performer_career_queries_are_bounded(client, db, django_assert_max_num_queries):
    singer = PerformerFactory()
    group = PerformerFactory(kind=Performer.Kind.GROUP)
    MembershipFactory(group=group, member=singer)
    for year in range(2001, 2026):
        CreditFactory(song__work__year=year, performer=singer if year % 2 else group)
        MilestoneFactory(song=Song.objects.latest("pk"))
        ListenLinkFactory(song=Song.objects.latest("pk"))
    with django_assert_max_num_queries(12):
        response = client.get(singer.get_absolute_url())
    assert len(response.context["songs"]) == 25


def test_large_counts_are_grouped_by_thousands_in_each_language(client, db):
    Work.objects.bulk_create(
        Work(slug=f"many-{n}", title=f"Many {n}", year=2000 + n % 20, status=Work.Status.PUBLISHED) for n in range(1234)
    )
    cookie = {"HTTP_COOKIE": "bench=uncached"}  # the view, not the page cache
    assert "<strong>1,234</strong>" in client.get("/", HTTP_ACCEPT_LANGUAGE="en", **cookie).content.decode()
    browse = client.get("/works/", HTTP_ACCEPT_LANGUAGE="en", **cookie).content.decode()
    assert "1,234 works" in browse
    korean = client.get("/works/", HTTP_ACCEPT_LANGUAGE="ko", **cookie).content.decode()
    assert "작품 1,234편" in korean


def test_kept_figures_never_decide_which_works_a_page_shows(client, db, monkeypatch):
    """The figures number the pages; the rows come from the database. Figures from
    another moment (or, once, from another site's cache) must not hide a work."""
    from catalogue import views

    network = NetworkFactory()
    for i in range(3):
        WorkFactory(title=f"Work {i}", year=2020 + i, network=network)
    stale = {"figures": {"works": 2, "song_count": 0, "networks": 1, "performers": 0}, "by_year": [], "by_network": []}
    monkeypatch.setattr(views, "published_stats", lambda: stale)
    html = text_of(client.get(reverse("catalogue:timeline")))
    assert all(f"Work {i}" in html for i in range(3))
