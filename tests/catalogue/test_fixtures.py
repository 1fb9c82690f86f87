"""The catalogue fixtures: the ten works of the seed article (fixtures/10_*.json) and the
rules every fixture file keeps: valid rows, idempotent loading, our own prose.

Assertions name our slugs rather than counting all works, so more fixture files
(fixtures/20_*.json and later) can be added without touching these tests.
"""

import datetime
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from catalogue.models import Credit, Membership, Milestone, Performer, Song, Source, Work

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
OUR_FILES = ["10_sources.json", "10_first_ten.json"]

TEN_WORKS_IN_TIMELINE_ORDER = [
    "my-sassy-girl",
    "boys-over-flowers",
    "descendants-of-the-sun",
    "goblin",
    "hotel-del-luna",
    "itaewon-class",
    "its-okay-to-not-be-okay",
    "twenty-five-twenty-one",
    "queen-of-tears",
    "kpop-demon-hunters",
]

# song -> (work, performers in credit order)
TWELVE_SONGS = {
    "i-believe": ("my-sassy-girl", ["shin-seung-hun"]),
    "paradise": ("boys-over-flowers", ["t-max"]),
    "everytime": ("descendants-of-the-sun", ["chen", "punch"]),
    "stay-with-me": ("goblin", ["chanyeol", "punch"]),
    "can-you-see-my-heart": ("hotel-del-luna", ["heize"]),
    "start-over": ("itaewon-class", ["gaho"]),
    "in-silence": ("its-okay-to-not-be-okay", ["janet-suhh"]),
    "starlight": ("twenty-five-twenty-one", ["taeil"]),
    "fallin": ("queen-of-tears", ["isaac-hong"]),
    "golden": ("kpop-demon-hunters", ["huntrx"]),
    "soda-pop": ("kpop-demon-hunters", ["saja-boys"]),
    "your-idol": ("kpop-demon-hunters", ["saja-boys"]),
}

SHINGLE_LENGTH = 8
SEED_SHINGLES_FILE = Path(__file__).parent / "data" / "seed_article_shingles.txt"


def fixture_names():
    return sorted(p.name for d in settings.FIXTURE_DIRS for p in Path(d).glob("*.json"))


@pytest.fixture(scope="module")
def _fixtures_loaded_once(django_db_setup, django_db_blocker):
    """The read-only checks below share one load of every fixture file, inside a
    transaction rolled back when the module ends (each test still runs in its own
    savepoint). Loading per test, as `seeded` does, costs a full load each time;
    the two tests that exercise loading itself use `seeded`."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "--verbosity=0", *fixture_names())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded_catalogue(_fixtures_loaded_once, db):
    """All fixtures loaded, as `make run` loads them (shared by this module)."""


def catalogue_models(include_auto_created=False):
    return list(apps.get_app_config("catalogue").get_models(include_auto_created=include_auto_created))


def snapshot():
    """Every row of every catalogue table (M2M and history tables included), minus
    the updated_at stamp that loaddata refreshes by design."""
    rows = {}
    for model in catalogue_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]
        rows[model._meta.label] = sorted(
            json.dumps(row, default=str, sort_keys=True) for row in model._default_manager.values(*fields)
        )
    return rows


def words(text):
    """Lower-cased runs of letters and digits, apostrophes dropped (“It’s” -> “its”)."""
    text = (text or "").lower().replace("\u2019", "").replace("\u2018", "").replace("'", "")
    return re.findall(r"[^\W_]+", text)


def shingle_hash(run):
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def seed_shingles():
    lines = SEED_SHINGLES_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def copied_runs(text, shingles):
    """The 8-word runs of text that also occur in the seed article."""
    w = words(text)
    runs = (w[i : i + SHINGLE_LENGTH] for i in range(len(w) - SHINGLE_LENGTH + 1))
    return [" ".join(run) for run in runs if shingle_hash(run) in shingles]


# ---------------------------------------------------------------- every fixture file


def test_every_catalogue_object_passes_full_clean(seeded):
    problems = []
    for model in catalogue_models():
        if model._meta.label.startswith("catalogue.Historical"):
            continue
        for obj in model._default_manager.all():
            try:
                obj.full_clean()
            except ValidationError as exc:
                problems.append(f"{model._meta.label} {obj!r}: {exc}")
    assert problems == []


def test_loading_the_fixtures_again_changes_no_row(seeded):
    before = snapshot()
    assert before["catalogue.Work"], "the fixtures loaded nothing"
    call_command("loaddata", "--verbosity=0", *fixture_names())
    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before


@pytest.mark.parametrize("name", OUR_FILES)
def test_our_fixture_files_are_tidy_json_without_primary_keys(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert all("pk" not in obj for obj in data), "rows must be identified by natural keys, not pk"


def test_no_prose_field_copies_an_eight_word_run_from_the_seed_article(loaded_catalogue):
    shingles = seed_shingles()
    prose = {
        Work: ["summary", "soundtrack_note", "credits_note", "fact_notes"],
        Song: ["about", "role_note", "fact_notes"],
        Performer: ["bio", "fact_notes"],
        Milestone: ["description"],
        Credit: ["note"],
        Membership: ["role"],
    }
    copied = []
    for model, fields in prose.items():
        for obj in model._default_manager.all():
            for field in fields:
                copied += [
                    f"{model.__name__} {obj}: {field}: “{run}”" for run in copied_runs(getattr(obj, field), shingles)
                ]
    assert copied == []


def test_the_copy_check_catches_a_sentence_lifted_from_the_article():
    shingles = seed_shingles()
    assert len(shingles) > 500
    lifted = "Golden became the first all-female K-pop single to top the Hot 100 this month."
    assert copied_runs(lifted, shingles) == [
        "became the first all female k pop single",
        "the first all female k pop single to",
        "first all female k pop single to top",
        "all female k pop single to top the",
        "female k pop single to top the hot",
        "k pop single to top the hot 100",
    ]
    assert copied_runs("Golden was the first Hot 100 No. 1 sung by women in K-pop.", shingles) == []


# ---------------------------------------------------------------- the ten works


def test_the_ten_works_are_published_with_their_networks(loaded_catalogue):
    works = {w.slug: w for w in Work.objects.published().filter(slug__in=TEN_WORKS_IN_TIMELINE_ORDER)}
    assert sorted(works) == sorted(TEN_WORKS_IN_TIMELINE_ORDER)
    assert all(w.published_at for w in works.values())
    assert works["boys-over-flowers"].network.slug == "kbs2"
    assert works["goblin"].network.slug == "tvn"
    assert works["itaewon-class"].network.slug == "jtbc"
    assert works["my-sassy-girl"].network.slug == "cinema-service"
    assert works["kpop-demon-hunters"].network.slug == "netflix"
    assert works["kpop-demon-hunters"].kind == Work.Kind.ANIMATED_FILM
    assert set(works["queen-of-tears"].also_on.values_list("slug", flat=True)) == {"tving", "netflix"}
    assert set(works["twenty-five-twenty-one"].also_on.values_list("slug", flat=True)) == {"netflix"}


def test_timeline_runs_from_my_sassy_girl_to_kpop_demon_hunters(loaded_catalogue):
    ours = [w.slug for w in Work.objects.for_timeline() if w.slug in TEN_WORKS_IN_TIMELINE_ORDER]
    assert ours == TEN_WORKS_IN_TIMELINE_ORDER
    first, last = Work.objects.get(slug="my-sassy-girl"), Work.objects.get(slug="kpop-demon-hunters")
    assert (first.year, first.first_aired) == (2001, datetime.date(2001, 7, 27))
    assert (last.year, last.first_aired) == (2025, datetime.date(2025, 6, 20))


def test_every_work_song_performer_and_milestone_cites_a_source_beyond_the_article(loaded_catalogue):
    uncited = []
    for model, slugs in [
        (Work, TEN_WORKS_IN_TIMELINE_ORDER),
        (Song, list(TWELVE_SONGS)),
        (Performer, Performer.objects.filter(credits__song__slug__in=TWELVE_SONGS).values_list("slug", flat=True)),
    ]:
        for obj in model.objects.filter(slug__in=list(slugs)):
            if not obj.sources.exclude(slug="seed-article").exists():
                uncited.append(str(obj))
    for milestone in Milestone.objects.filter(song__slug__in=TWELVE_SONGS):
        if not milestone.sources.exists():
            uncited.append(str(milestone))
    assert uncited == []
    assert Work.objects.filter(slug__in=TEN_WORKS_IN_TIMELINE_ORDER, sources__slug="seed-article").count() == 10


def test_sources_match_the_fact_sheet_numbering(loaded_catalogue):
    assert Source.objects.get(slug="f-s15").url == "https://en.m.wikipedia.org/wiki/Guardian:_The_Lonely_and_Great_God"
    assert Source.objects.get(slug="f-s41").publisher == "Korea JoongAng Daily"
    seed = Source.objects.get(slug="seed-article")
    assert (seed.url, seed.published_on) == ("", datetime.date(2025, 8, 22))


def test_boys_over_flowers_adapts_the_japanese_manga_not_a_taiwanese_drama(loaded_catalogue):
    work = Work.objects.get(slug="boys-over-flowers")
    assert "Japanese manga" in work.credits_note
    assert "Yoko Kamio" in work.credits_note
    assert "Taiwanese" not in work.credits_note + work.summary


def test_goblin_keeps_its_official_english_title_findable(loaded_catalogue):
    goblin = Work.objects.get(slug="goblin")
    assert goblin.alternative_titles == "Guardian: The Lonely and Great God"
    assert "guardian" in goblin.search_key


def test_kpop_demon_hunters_leaves_the_romanization_to_the_site(loaded_catalogue):
    film = Work.objects.get(slug="kpop-demon-hunters")
    assert film.title_romanized == ""
    assert film.title_ko == "케이팝 데몬 헌터스"
    assert film.romanized  # derived from the Hangul


# ---------------------------------------------------------------- songs and performers


def test_the_twelve_songs_and_who_sings_them(loaded_catalogue):
    songs = Song.objects.with_credits().filter(slug__in=TWELVE_SONGS)
    found = {s.slug: (s.work.slug, [c.performer.slug for c in s.credits.all()]) for s in songs}
    assert found == TWELVE_SONGS
    assert all(s.is_signature for s in songs)


def test_song_details_from_the_fact_sheet(loaded_catalogue):
    songs = {s.slug: s for s in Song.objects.filter(slug__in=TWELVE_SONGS)}
    assert songs["can-you-see-my-heart"].title_ko == "내 맘을 볼 수 있나요"
    assert songs["start-over"].title_ko == "시작"
    assert (songs["starlight"].ost_part, songs["starlight"].release_date) == ("Part 1", datetime.date(2022, 2, 13))
    assert songs["stay-with-me"].release_date == datetime.date(2016, 12, 3)
    assert songs["everytime"].release_date == datetime.date(2016, 2, 25)
    assert songs["in-silence"].ost_part == "Special Track Vol. 2"
    assert songs["i-believe"].ost_part == ""
    assert songs["i-believe"].role == Song.Role.MAIN_THEME
    assert songs["paradise"].role == Song.Role.OPENING
    assert songs["stay-with-me"].role == Song.Role.ENDING
    assert {songs[s].role for s in ("golden", "soda-pop", "your-idol")} == {Song.Role.ON_SCREEN}


def test_unverified_release_dates_are_left_empty_and_explained(loaded_catalogue):
    in_silence = Song.objects.get(slug="in-silence")
    assert in_silence.release_date is None
    assert "unconfirmed" in in_silence.fact_notes
    fallin = Song.objects.get(slug="fallin")
    assert (fallin.release_date, fallin.ost_part) == (None, "")
    assert "not confirmed" in fallin.fact_notes
    golden = Song.objects.get(slug="golden")
    assert golden.release_date_precision == "month"  # only the month is solid; the day rests on a weak source


def test_huntrx_is_fictional_and_sung_by_ejae_audrey_nuna_and_rei_ami(loaded_catalogue):
    huntrx = Performer.objects.get(slug="huntrx")
    assert huntrx.is_fictional
    members = [(m.member.slug, m.role) for m in huntrx.memberships.select_related("member").order_by("order")]
    assert members == [
        ("ejae", "singing voice of Rumi"),
        ("audrey-nuna", "singing voice of Mira"),
        ("rei-ami", "singing voice of Zoey"),
    ]
    assert not any(Performer.objects.get(slug=slug).is_fictional for slug, _ in members)
    assert not any(Performer.objects.get(slug=slug).name_ko for slug, _ in members)  # Hangul unverified


def test_saja_boys_are_fictional_with_five_real_singers(loaded_catalogue):
    saja = Performer.objects.get(slug="saja-boys")
    assert saja.is_fictional
    members = list(saja.memberships.order_by("order").values_list("member__slug", flat=True))
    assert members == ["andrew-choi", "neckwav", "danny-chung", "kevin-woo", "samuil-lee"]


def test_exo_members_sing_the_two_punch_duets(loaded_catalogue):
    exo = set(Membership.objects.filter(group__slug="exo").values_list("member__slug", flat=True))
    assert exo == {"chen", "chanyeol"}


def test_taeil_is_a_former_nct_member(loaded_catalogue):
    membership = Membership.objects.get_by_natural_key("nct", "taeil")
    assert membership.is_former
    assert membership.left_on == datetime.date(2024, 8, 28)
    taeil = Performer.objects.get(slug="taeil")
    assert "NCT's Taeil" not in taeil.bio


def test_heize_real_name_is_not_published_as_certain(loaded_catalogue):
    heize = Performer.objects.get(slug="heize")
    assert heize.real_name == ""
    assert "Jang Da-hye" in heize.fact_notes


# ---------------------------------------------------------------- milestones


def milestones(song):
    return {m.slug: m for m in Milestone.objects.filter(song__slug=song)}


def test_golden_milestones(loaded_catalogue):
    golden = milestones("golden")
    assert golden["hot100-no1"].date == datetime.date(2025, 8, 11)
    assert golden["uk-no1"].date == datetime.date(2025, 8, 1)
    assert golden["oscar"].date == datetime.date(2026, 3, 15)
    assert {"grammy", "golden-globe", "critics-choice"} <= set(golden)
    assert all(m.is_confirmed for m in golden.values())


def test_weakly_sourced_milestones_are_marked_unconfirmed(loaded_catalogue):
    assert not milestones("start-over")["melon-music-awards-best-ost"].is_confirmed
    assert not milestones("soda-pop")["riaa-platinum"].is_confirmed
    assert milestones("start-over")["melon-no1"].is_confirmed
    assert milestones("start-over")["melon-no1"].date == datetime.date(2020, 3, 16)


def test_stay_with_me_milestones(loaded_catalogue):
    stay = milestones("stay-with-me")
    assert stay["youtube-500m"].date == datetime.date(2024, 10, 6)
    assert "KKBOX" in stay["kkbox-best-korean-single"].description
