"""Nineteen more works (issue 5): Winter Sonata (2002) to Lovely Runner (2024).

Checks the fixtures a fan would notice: who sang what, years, Hangul titles,
remakes linked both ways, disputed credits shown with their doubt, the
fictional band Eclipse, and the timeline of all twenty-nine works in order.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from catalogue.models import Credit, Membership, Milestone, Performer, Song, Source, Work

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
OUR_FIXTURES = ["20_sources.json", "20_more_works.json"]
MORE_WORKS_MD = Path(settings.BASE_DIR).parent / "shared" / "reference" / "more-works.md"

NEW_WORKS = [
    "winter-sonata",
    "dae-jang-geum",
    "full-house",
    "im-sorry-i-love-you",
    "the-king-and-the-clown",
    "princess-hours",
    "secret-garden",
    "moon-embracing-the-sun",
    "reply-1997",
    "my-love-from-the-star",
    "reply-1988",
    "mr-sunshine",
    "sky-castle",
    "parasite",
    "crash-landing-on-you",
    "hospital-playlist",
    "our-beloved-summer",
    "business-proposal",
    "lovely-runner",
]

# All twenty-nine works in order of first broadcast or release.
TIMELINE = [
    "my-sassy-girl",  # 2001-07-27
    "winter-sonata",  # 2002-01-14
    "dae-jang-geum",  # 2003-09-15
    "full-house",  # 2004-07-14
    "im-sorry-i-love-you",  # 2004-11-08
    "the-king-and-the-clown",  # 2005-12-29
    "princess-hours",  # 2006-01-11
    "boys-over-flowers",  # 2009-01-05
    "secret-garden",  # 2010-11-13
    "moon-embracing-the-sun",  # 2012-01-04
    "reply-1997",  # 2012-07-24
    "my-love-from-the-star",  # 2013-12-18
    "reply-1988",  # 2015-11-06
    "descendants-of-the-sun",  # 2016-02-24
    "goblin",  # 2016-12-02
    "mr-sunshine",  # 2018-07-07
    "sky-castle",  # 2018-11-23
    "parasite",  # 2019-05-30
    "hotel-del-luna",  # 2019-07-13
    "crash-landing-on-you",  # 2019-12-14
    "itaewon-class",  # 2020-01-31
    "hospital-playlist",  # 2020-03-12
    "its-okay-to-not-be-okay",  # 2020-06-20
    "our-beloved-summer",  # 2021-12-06
    "twenty-five-twenty-one",  # 2022-02-12
    "business-proposal",  # 2022-02-28
    "queen-of-tears",  # 2024-03-09
    "lovely-runner",  # 2024-04-08
    "kpop-demon-hunters",  # 2025-06-20
]

CATALOGUE_MODELS = [Source, Work, Performer, Membership, Song, Credit, Milestone]


def fixture_names():
    """Every fixture file, in the order `make run` and the `seeded` fixture load them."""
    return sorted(p.name for d in settings.FIXTURE_DIRS for p in Path(d).glob("*.json"))


def our_records():
    """The (model label, fields) of every object in our two fixture files."""
    records = []
    for name in OUR_FIXTURES:
        for item in json.loads((FIXTURE_DIR / name).read_text(encoding="utf-8")):
            records.append((item["model"], item["fields"]))
    return records


def natural_key(model_label, fields):
    if model_label == "catalogue.credit":
        return (fields["song"][0], fields["performer"][0])
    if model_label == "catalogue.membership":
        return (fields["group"][0], fields["member"][0])
    if model_label == "catalogue.milestone":
        return (fields["song"][0], fields["slug"])
    return (fields["slug"],)


def our_objects():
    from django.apps import apps

    for label, fields in our_records():
        model = apps.get_model(label)
        yield model._default_manager.get_by_natural_key(*natural_key(label, fields))


def snapshot(objects):
    return {(type(obj).__name__, obj.pk): serializers.serialize("json", [obj]) for obj in objects}


def snapshot_all():
    return snapshot(obj for model in CATALOGUE_MODELS for obj in model.objects.all())


# ------------------------------------------------------------------ validity


def test_every_new_object_is_in_the_database_and_validates(seeded):
    count = 0
    for obj in our_objects():
        obj.full_clean()
        count += 1
    assert count == len(our_records()) > 100


def test_all_nineteen_works_are_published_with_hangul_titles_and_sources(seeded):
    works = Work.objects.published().filter(slug__in=NEW_WORKS).prefetch_related("sources")
    assert sorted(w.slug for w in works) == sorted(NEW_WORKS)
    for work in works:
        assert work.title_ko, work.slug
        assert work.first_aired and work.first_aired.year == work.year, work.slug
        assert work.network_id, work.slug
        assert work.summary and work.soundtrack_note, work.slug
        assert work.sources.exists(), work.slug
        assert work.songs.exists(), work.slug


@pytest.mark.parametrize(
    ("work", "count"),
    [
        ("winter-sonata", 1),
        ("dae-jang-geum", 1),
        ("full-house", 2),
        ("im-sorry-i-love-you", 1),
        ("the-king-and-the-clown", 1),
        ("princess-hours", 1),
        ("secret-garden", 2),
        ("moon-embracing-the-sun", 1),
        ("reply-1997", 1),
        ("my-love-from-the-star", 2),
        ("reply-1988", 3),
        ("mr-sunshine", 1),
        ("sky-castle", 1),
        ("parasite", 1),
        ("crash-landing-on-you", 2),
        ("hospital-playlist", 1),
        ("our-beloved-summer", 1),
        ("business-proposal", 1),
        ("lovely-runner", 1),
    ],
)
def test_song_count_per_work(seeded, work, count):
    songs = Song.objects.filter(work__slug=work)
    assert songs.count() == count
    for song in songs:
        assert song.credits.exists(), song.slug


# --------------------------------------------------------------- spot checks


def singers(song_slug):
    return [c.performer.slug for c in Credit.objects.filter(song__slug=song_slug).select_related("performer")]


def test_facts_a_fan_would_notice(seeded):
    assert singers("give-you-my-heart") == ["iu"]
    assert Work.objects.get(slug="winter-sonata").year == 2002
    assert Work.objects.get(slug="reply-1988").title_ko == "응답하라 1988"
    assert singers("that-man") == ["hyun-bin"]
    assert singers("that-woman") == ["baek-ji-young"]
    assert singers("flower") == ["yoon-mi-rae"]
    assert singers("christmas-tree") == ["v"]
    assert singers("all-for-you") == ["seo-in-guk", "jung-eun-ji"]
    assert singers("youth") == ["kim-feel", "kim-chang-wan"]
    assert Credit.objects.get(song__slug="youth", performer__slug="kim-chang-wan").role == Credit.Role.FEATURING
    assert Work.objects.get(slug="dae-jang-geum").alternative_titles == "Jewel in the Palace"
    assert Work.objects.get(slug="princess-hours").alternative_titles == "Goong"
    parasite = Work.objects.get(slug="parasite")
    assert (parasite.kind, parasite.network.slug, parasite.first_aired) == (
        Work.Kind.FILM,
        "cj-entertainment",
        datetime.date(2019, 5, 30),
    )
    assert Work.objects.get(slug="the-king-and-the-clown").network.slug == "cinema-service"
    assert Work.objects.get(slug="full-house").last_aired == datetime.date(2004, 9, 2)
    assert Song.objects.get(slug="that-man").ost_part == "Part 5"
    assert Song.objects.get(slug="all-for-you").release_date == datetime.date(2012, 8, 28)
    assert list(Work.objects.get(slug="lovely-runner").also_on.values_list("slug", flat=True)) == ["tving"]


def test_unverified_facts_are_not_stated_as_certain(seeded):
    that_woman = Song.objects.get(slug="that-woman")
    assert that_woman.ost_part == ""  # Part 1 is only inferred from the release order
    assert "Part 1" in that_woman.fact_notes and "not confirmed" in that_woman.fact_notes
    # MeloMance's line-up is unconfirmed: no members listed, the doubt is stated.
    melomance = Performer.objects.get(slug="melomance")
    assert not melomance.memberships.exists()
    assert "not confirmed" in melomance.fact_notes
    ryu = Performer.objects.get(slug="ryu")
    assert ryu.real_name == "" and "Min Kwan-hong" in ryu.fact_notes
    shower = Song.objects.get(slug="sudden-shower")
    assert shower.release_date_precision == "month"  # the day is unknown
    for slug in ("from-the-beginning-until-now", "a-little-girl", "love-maybe", "we-all-lie", "my-destiny"):
        song = Song.objects.get(slug=slug)
        assert song.release_date is None, slug
        assert "not found" in song.fact_notes or "not confirmed" in song.fact_notes, slug


# ------------------------------------------------------------------- remakes


@pytest.mark.parametrize(
    ("remake", "original", "original_singer", "year"),
    [
        ("youth", "youth-1981", "sanulrim", 1981),
        ("dont-worry", "dont-worry-2004", "jeon-in-kwon", 2004),
        ("a-little-girl", "a-little-girl-1985", "lee-moon-se", 1985),
        ("aloha", "aloha-2001", "cool", 2001),
        ("all-for-you", "all-for-you-2000", "cool", 2000),
        ("snow-flower", "snow-flower-yuki-no-hana", "nakashima-mika", 2003),
        ("i-believe-2020", "i-believe", "shin-seung-hun", 2001),
    ],
)
def test_remakes_link_both_ways(seeded, remake, original, original_singer, year):
    song = Song.objects.get(slug=remake)
    assert song.remake_of.slug == original
    assert song.remake_of.release_year == year
    assert remake in song.remake_of.remakes.values_list("slug", flat=True)
    assert original_singer in singers(original)
    if original != "i-believe":
        source = Song.objects.get(slug=original)
        assert (source.work, source.role, source.release_date_precision) == (None, Song.Role.ORIGINAL, "year")


def test_remake_pages_name_the_original_and_its_year_and_the_original_lists_its_remakes(seeded, client):
    page = client.get(reverse("catalogue:song-detail", kwargs={"slug": "aloha"}))
    assert page.status_code == 200
    html = page.content.decode()
    link = html.find(reverse("catalogue:song-detail", kwargs={"slug": "aloha-2001"}))
    assert link != -1
    assert "2001" in html[link : link + 300]  # the original's year, next to its link
    original = client.get(reverse("catalogue:song-detail", kwargs={"slug": "i-believe"})).content.decode()
    assert reverse("catalogue:song-detail", kwargs={"slug": "i-believe-2020"}) in original


def test_the_2020_i_believe_is_by_the_ex_wanna_one_bae_jin_young_not_punch(seeded):
    assert singers("i-believe-2020") == ["bae-jin-young", "kim-yo-han"]
    remake = Song.objects.get(slug="i-believe-2020")
    assert remake.work is None and remake.role == Song.Role.REMAKE
    assert (remake.release_date.year, remake.release_date.month) == (2020, 9)
    bae = Performer.objects.get(slug="bae-jin-young")
    assert "Punch" in bae.fact_notes
    assert not Credit.objects.filter(song=remake, performer__slug="punch").exists()


# ------------------------------------------------------------- special cases


def test_onara_shows_mbcs_credit_and_says_it_is_disputed(seeded, client):
    assert singers("onara") == ["kim-seul-gi", "kim-ji-hyun", "baek-bo-hyun"]
    onara = Song.objects.get(slug="onara")
    assert "Ian" in onara.fact_notes and "isputed" in onara.fact_notes
    page = client.get(onara.get_absolute_url())
    assert page.status_code == 200
    assert "disputed" in page.content.decode()


def test_inyeon_is_associated_with_the_film_not_written_for_it(seeded):
    inyeon = Song.objects.get(slug="inyeon")
    assert inyeon.work.slug == "the-king-and-the-clown"
    assert inyeon.role == Song.Role.ASSOCIATED
    assert "Not written for the film" in inyeon.role_note and "Damo" in inyeon.role_note
    assert "one blog" in inyeon.role_note  # the OST-album claim is stated with its doubt


def test_eclipse_is_a_fictional_band_sung_by_byeon_woo_seok(seeded):
    eclipse = Performer.objects.get(slug="eclipse")
    assert eclipse.is_fictional and eclipse.kind == Performer.Kind.BAND
    members = list(eclipse.memberships.order_by("order").values_list("member__slug", flat=True))
    assert members[0] == "byeon-woo-seok"
    assert set(members) == {"byeon-woo-seok", "lee-seung-hyub", "moon-si-on", "yang-hyuk"}
    credits = {c.performer.slug: c.role for c in Credit.objects.filter(song__slug="sudden-shower")}
    assert credits == {"eclipse": Credit.Role.CREDITED_ARTIST, "byeon-woo-seok": Credit.Role.VOICE}
    assert not Performer.objects.get(slug="byeon-woo-seok").is_fictional


def test_actors_who_sang_are_ordinary_performers(seeded):
    for slug, song in [
        ("hyun-bin", "that-man"),
        ("jo-jung-suk", "aloha"),
        ("choi-woo-shik", "a-glass-of-soju"),
        ("seo-in-guk", "all-for-you"),
        ("byeon-woo-seok", "sudden-shower"),
    ]:
        performer = Performer.objects.published().get(slug=slug)
        assert song in performer.songs.values_list("slug", flat=True)


@pytest.mark.parametrize(
    ("performer", "works"),
    [
        ("lyn", {"moon-embracing-the-sun", "my-love-from-the-star"}),
        ("park-hyo-shin", {"im-sorry-i-love-you", "mr-sunshine"}),
    ],
)
def test_a_performer_with_several_works_has_one_page_listing_them(seeded, client, performer, works):
    assert Performer.objects.filter(slug=performer).count() == 1
    assert set(Credit.objects.filter(performer__slug=performer).values_list("song__work__slug", flat=True)) == works
    page = client.get(reverse("catalogue:performer-detail", kwargs={"slug": performer}))
    assert page.status_code == 200
    html = page.content.decode()
    for work in works:
        assert reverse("catalogue:work-detail", kwargs={"slug": work}) in html


def test_group_members_are_linked(seeded):
    assert Membership.objects.filter(group__slug="apink", member__slug="jung-eun-ji").exists()
    assert Membership.objects.filter(group__slug="sistar", member__slug="hyolyn").exists()
    assert Membership.objects.filter(group__slug="bts", member__slug="v").exists()


# ------------------------------------------------------------------ timeline


def test_timeline_lists_all_twenty_nine_works_in_order(seeded):
    slugs = [w.slug for w in Work.objects.for_timeline()]
    assert slugs == TIMELINE
    dates = [w.first_aired for w in Work.objects.for_timeline()]
    assert dates == sorted(dates)


def test_timeline_page_shows_every_work_once_in_order(seeded, client):
    html = client.get(reverse("catalogue:timeline")).content.decode()
    positions = [html.find(reverse("catalogue:work-detail", kwargs={"slug": slug})) for slug in TIMELINE]
    assert -1 not in positions, [s for s, p in zip(TIMELINE, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


# --------------------------------------------------------------- idempotence


def test_loading_our_fixtures_leaves_the_first_ten_untouched(db):
    earlier = [name for name in fixture_names() if name < "20_"]
    call_command("loaddata", "--verbosity=0", *earlier)
    before = snapshot_all()
    assert Work.objects.filter(slug="goblin").exists()
    call_command("loaddata", "--verbosity=0", *OUR_FIXTURES)
    after = snapshot_all()
    changed = [key for key, value in before.items() if after.get(key) != value]
    assert changed == []
    assert Work.objects.count() == len([k for k in before if k[0] == "Work"]) + len(NEW_WORKS)


def test_loading_the_fixtures_twice_changes_nothing(seeded):
    ours = snapshot(our_objects())
    counts = {model.__name__: model.objects.count() for model in CATALOGUE_MODELS}
    call_command("loaddata", "--verbosity=0", *fixture_names())
    assert snapshot(our_objects()) == ours
    assert {model.__name__: model.objects.count() for model in CATALOGUE_MODELS} == counts


# ----------------------------------------------------------------- own words

PROSE_FIELDS = ("summary", "soundtrack_note", "about", "bio", "credits_note")


def eight_word_runs(text):
    words = re.findall(r"[\w']+", text.lower().replace("\u2019", "'"))
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def test_no_new_text_copies_eight_words_in_a_row_from_the_reference_file():
    if not MORE_WORKS_MD.exists():
        pytest.skip(f"reference file not found beside the checkout: {MORE_WORKS_MD}")
    reference = eight_word_runs(MORE_WORKS_MD.read_text(encoding="utf-8"))
    copied = []
    for _label, fields in our_records():
        for field in PROSE_FIELDS:
            overlap = eight_word_runs(fields.get(field) or "") & reference
            if overlap:
                copied.append((fields.get("slug"), field, " ".join(sorted(overlap)[0])))
    assert copied == []


def test_the_copy_check_would_catch_a_copied_sentence():
    sample = "Entered the Billboard Hot 100 at No. 79, the first K-drama OST to chart there"
    assert eight_word_runs(sample) & eight_word_runs("It entered the Billboard Hot 100 at No. 79, the first")
