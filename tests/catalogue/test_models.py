"""Integrity lives in the database: constraints hold even when forms are bypassed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from catalogue.models import Credit, ListenLink, Membership, Network, Performer, Song, Work


@pytest.fixture
def tvn(db):
    return Network.objects.create(slug="tvn-test", name="tvN test", kind=Network.Kind.CABLE)


@pytest.fixture
def work(tvn):
    return Work.objects.create(
        slug="goblin-test",
        title="Goblin",
        title_ko="도깨비",
        year=2016,
        first_aired=datetime.date(2016, 12, 2),
        last_aired=datetime.date(2017, 1, 21),
        network=tvn,
        status=Work.Status.PUBLISHED,
    )


def test_year_outside_sane_range_is_refused_by_the_database(tvn):
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(slug="too-old", title="Too old", year=1850, network=tvn)


def test_last_air_date_before_first_is_refused_by_the_database(tvn):
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(
            slug="backwards",
            title="Backwards",
            year=2020,
            first_aired=datetime.date(2020, 5, 1),
            last_aired=datetime.date(2020, 1, 1),
            network=tvn,
        )


def test_slugs_are_unique(work):
    with pytest.raises(IntegrityError), transaction.atomic():
        Work.objects.create(slug=work.slug, title="Another", year=2016)


def test_song_title_unique_within_a_work_but_not_across_works(work, tvn):
    Song.objects.create(work=work, slug="stay-with-me-test", title="Stay With Me")
    with pytest.raises(IntegrityError), transaction.atomic():
        Song.objects.create(work=work, slug="stay-with-me-2", title="Stay With Me")
    other = Work.objects.create(slug="other-work", title="Other", year=2017)
    Song.objects.create(work=other, slug="stay-with-me-3", title="Stay With Me")


def test_song_clean_explains_a_repeated_title_on_the_field(work):
    Song.objects.create(work=work, slug="a-song", title="Stay With Me")
    song = Song(work=work, slug="another", title="stay with me")
    with pytest.raises(ValidationError) as excinfo:
        song.full_clean()
    assert "already has a song called" in str(excinfo.value.message_dict["title"])


def test_release_year_outside_the_works_run_is_a_field_error(work):
    song = Song(work=work, slug="late", title="Late", release_date=datetime.date(2023, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        song.full_clean()
    assert "release_date" in excinfo.value.message_dict


def test_korean_title_must_contain_hangul(work):
    work.title_ko = "Dokkaebi"
    with pytest.raises(ValidationError) as excinfo:
        work.full_clean()
    assert "Hangul" in str(excinfo.value.message_dict["title_ko"])


def test_work_year_must_match_first_broadcast(work):
    work.year = 2015
    with pytest.raises(ValidationError) as excinfo:
        work.full_clean()
    assert "year" in excinfo.value.message_dict


def test_listen_links_accept_only_http_urls(work):
    song = Song.objects.create(work=work, slug="s", title="S")
    link = ListenLink(song=song, platform=ListenLink.Platform.YOUTUBE, url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ListenLink.objects.create(song=song, platform=ListenLink.Platform.MELON, url="javascript:alert(1)")


def test_a_group_cannot_be_its_own_member(db):
    exo = Performer.objects.create(slug="exo-test", name="EXO", kind=Performer.Kind.GROUP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=exo, member=exo)


def test_natural_keys_round_trip(work):
    song = Song.objects.create(work=work, slug="s1", title="S1")
    singer = Performer.objects.create(slug="punch-test", name="Punch", name_ko="펀치")
    credit = Credit.objects.create(song=song, performer=singer)
    assert Work.objects.get_by_natural_key(*work.natural_key()) == work
    assert Credit.objects.get_by_natural_key(*credit.natural_key()) == credit
    assert Performer.objects.get_by_natural_key("punch-test") == singer


def test_search_key_is_filled_on_save_with_hangul_romanization_and_initials(work):
    work.refresh_from_db()
    assert "goblin" in work.search_key
    assert "도깨비" in work.search_key
    assert "dokkaebi" in work.search_key
    assert "ㄷㄲㅂ" in work.search_key


def test_visibility_drafts_hide_their_songs_and_only_performers(work, tvn):
    draft = Work.objects.create(slug="draft-work", title="Draft", year=2020, network=tvn)
    public_song = Song.objects.create(work=work, slug="pub", title="Public")
    draft_song = Song.objects.create(work=draft, slug="hidden", title="Hidden")
    both = Performer.objects.create(slug="both", name="Both")
    only_draft = Performer.objects.create(slug="only-draft", name="Only Draft")
    Credit.objects.create(song=public_song, performer=both)
    Credit.objects.create(song=draft_song, performer=both)
    Credit.objects.create(song=draft_song, performer=only_draft)

    assert list(Work.objects.published()) == [work]
    assert set(Song.objects.published()) == {public_song}
    assert set(Performer.objects.published()) == {both}

    draft.status = Work.Status.PUBLISHED
    draft.save()
    assert set(Performer.objects.published()) == {both, only_draft}
    draft.refresh_from_db()
    assert draft.published_at is not None


def test_members_of_a_public_group_are_public(work):
    song = Song.objects.create(work=work, slug="golden-test", title="Golden")
    group = Performer.objects.create(slug="huntrx-test", name="Huntr/x", kind="group", is_fictional=True)
    singer = Performer.objects.create(slug="ejae-test", name="EJAE")
    Membership.objects.create(group=group, member=singer, role="singing voice of Rumi")
    Credit.objects.create(song=song, performer=group)
    assert set(Performer.objects.published()) == {group, singer}


def test_updated_at_follows_every_save_but_not_a_fixture_load(seeded):
    """Feeds and sitemaps report it: an edit from the shell or an import moves it;
    loading the fixtures again keeps their own value."""
    from django.core.management import call_command

    from tests.conftest import fixture_names

    goblin = Work.objects.get(slug="goblin")
    loaded = goblin.updated_at
    call_command("loaddata", "--verbosity=0", *fixture_names())
    goblin.refresh_from_db()
    assert goblin.updated_at == loaded

    goblin.soundtrack_note += " Edited from the shell."
    goblin.save()
    goblin.refresh_from_db()
    assert goblin.updated_at > loaded
    song = Song.objects.get(slug="stay-with-me")
    before = song.updated_at
    song.save()
    assert Song.objects.get(pk=song.pk).updated_at > before


def test_kind_display_is_the_translated_label():
    assert Work(kind=Work.Kind.DRAMA).get_kind_display() == "TV drama"
    with translation.override("ko"):
        assert Work(kind=Work.Kind.DRAMA).get_kind_display() == "TV 드라마"
    assert Work(kind="opera").get_kind_display() == "opera"  # not a kind we know: shown as stored


def test_a_song_checked_with_the_titles_read_once_meets_the_same_rule_without_a_query(
    work, tvn, django_assert_num_queries
):
    """An import reads the titles of its works' songs once (SongTitles) and each row's
    Song.clean compares with them: the same folded rule as one query per song, and the
    songs saved meanwhile count as they would in the database."""
    from catalogue.models.songs import SongTitles

    other = Work.objects.create(slug="other-work", title="Other", year=2016)
    existing = Song.objects.create(work=work, slug="a-song", title="Stay With Me")
    with django_assert_num_queries(1):
        titles = SongTitles([work, other.pk])
    clash = Song(work=work, slug="again", title="  stay WITH me ")
    clash.known_titles = titles
    fine = Song(work=other, slug="fine", title="Stay With Me")
    fine.known_titles = titles
    with django_assert_num_queries(0):
        with pytest.raises(ValidationError) as excinfo:
            clash.clean()
        fine.clean()
        existing.known_titles = titles
        existing.clean()  # not a clash with itself
    assert "already has a song called" in str(excinfo.value.message_dict["title"])
    assert existing.title_clashes(["STAY with me"]) and not existing.title_clashes(["Stay"])

    existing.work, existing.title = other, "Moved"  # saved by the import: its old title is free again
    existing.save()
    titles.saved(existing)
    fine.save()
    titles.saved(fine)
    with django_assert_num_queries(0):
        assert titles.others(clash) == []
        assert titles.others(Song(work=other, title="moved")) == ["Moved"]
        assert titles.others(Song(work=other, title="stay with me")) == ["Stay With Me"]
    third = Work.objects.create(slug="third-work", title="Third", year=2016)
    Song.objects.create(work=third, slug="third-song", title="Third Song")
    with django_assert_num_queries(1):  # a work it was not given: read once, when first asked
        assert titles.others(Song(work=third, title="third song")) == ["Third Song"]
        assert titles.others(Song(work=third, title="Other")) == []
