"""Fill the database with a large, realistic, published synthetic catalogue.

    python manage.py generate_catalogue --works 20000 [--seed 1] [--performers 10000]

Used to prove that no page's database work grows with the catalogue (query-count
tests, `make bench-large`). Everything is reproducible from --seed. Every slug
starts with "gen-", which no hand-written fixture uses, so the seed fixtures load
on top without collisions. Rows go in with bulk_create in batches inside one
transaction; bulk_create skips pre_save, so the derived search keys are computed
here with the same function the models use (search.keys.build_key), and the
catalogue version is bumped once at the end.
"""

import datetime
import functools
import json
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from catalogue.models import Credit, Network, Performer, Song, Work
from pagecache.version import bump_catalogue_version
from search.keys import build_key

PREFIX = "gen-"

# (English, Hangul) word pairs that Korean drama titles are made of.
WORDS = [
    ("Moonlight", "달빛"),
    ("Spring", "봄날"),
    ("Secret", "비밀"),
    ("Garden", "정원"),
    ("Love", "사랑"),
    ("Star", "별"),
    ("Sea", "바다"),
    ("Winter", "겨울"),
    ("Hotel", "호텔"),
    ("Doctor", "의사"),
    ("Prince", "왕자"),
    ("Memory", "기억"),
    ("Rain", "비"),
    ("Flower", "꽃"),
    ("Wind", "바람"),
    ("Summer", "여름"),
    ("Palace", "궁"),
    ("Diary", "일기"),
    ("Letter", "편지"),
    ("Promise", "약속"),
    ("Night", "밤"),
    ("Dream", "꿈"),
    ("Road", "길"),
    ("Heart", "마음"),
    ("City", "도시"),
    ("Island", "섬"),
    ("Snow", "눈"),
    ("Sky", "하늘"),
    ("Shadow", "그림자"),
    ("River", "강"),
    ("Window", "창문"),
    ("Station", "역"),
]
SONG_WORDS = [
    ("Stay", "머물러"),
    ("Always", "언제나"),
    ("Again", "다시"),
    ("Tonight", "오늘 밤"),
    ("Forever", "영원히"),
    ("Goodbye", "안녕"),
    ("With You", "너와"),
    ("Like a Dream", "꿈처럼"),
    ("My Way", "나의 길"),
    ("First Snow", "첫눈"),
    ("Hello", "안녕하세요"),
    ("Only You", "너뿐이야"),
    ("Breath", "숨"),
    ("Beautiful", "아름다운"),
    ("Because of You", "너 때문에"),
    ("Someday", "언젠가"),
]
SURNAMES = [
    ("Kim", "김"),
    ("Lee", "이"),
    ("Park", "박"),
    ("Choi", "최"),
    ("Jung", "정"),
    ("Kang", "강"),
    ("Cho", "조"),
    ("Yoon", "윤"),
    ("Jang", "장"),
    ("Lim", "임"),
    ("Han", "한"),
    ("Oh", "오"),
    ("Seo", "서"),
    ("Shin", "신"),
    ("Kwon", "권"),
    ("Hwang", "황"),
]
GIVEN = [
    ("Min", "민"),
    ("Seo", "서"),
    ("Ji", "지"),
    ("Hyun", "현"),
    ("Su", "수"),
    ("Young", "영"),
    ("Jun", "준"),
    ("Ha", "하"),
    ("Eun", "은"),
    ("Woo", "우"),
    ("Jin", "진"),
    ("Yeon", "연"),
]
BAND_WORDS = ["Lunar", "Velvet", "Echo", "Paper", "Neon", "Silver", "Blue", "Orbit", "Maple", "Cloud"]
BAND_NOUNS = ["Nine", "Hours", "Letters", "Tide", "Season", "Lights", "Garden", "Bridge"]
KINDS = [
    (Work.Kind.DRAMA, 70),
    (Work.Kind.FILM, 20),
    (Work.Kind.WEB_SERIES, 8),
    (Work.Kind.ANIMATED_FILM, 2),
]
FIRST_YEAR, LAST_YEAR = 1995, 2025


@functools.cache
def key_for(*names):
    """build_key is deliberately thorough (romanization, initials) and so
    not cheap; generated names repeat, so each distinct name is folded once."""
    return build_key(*names)


class Command(BaseCommand):
    help = "Fill the database with a large synthetic published catalogue (slugs start with 'gen-')."

    def add_arguments(self, parser):
        parser.add_argument("--works", type=int, default=20000)
        parser.add_argument("--performers", type=int, default=10000)
        parser.add_argument("--songs-per-work", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--replace", action="store_true", help="Delete a previously generated catalogue first (gen- slugs)."
        )

    def handle(self, *args, **options):
        works, performers = options["works"], options["performers"]
        if works < 1 or performers < 1 or options["songs_per_work"] < 1:
            raise CommandError("--works, --performers and --songs-per-work must be at least 1.")
        if options["songs_per_work"] > len(SONG_WORDS):
            raise CommandError(f"--songs-per-work can be at most {len(SONG_WORDS)}.")
        self.rng = random.Random(options["seed"])
        self.batch = options["batch_size"]
        self.started = time.monotonic()
        with transaction.atomic():
            if Work.objects.filter(slug__startswith=PREFIX).exists():
                if not options["replace"]:
                    raise CommandError(
                        "This database already holds a generated catalogue; pass --replace to build it again."
                    )
                self.delete_generated()
            networks = self.networks()
            performer_ids = self.create_performers(performers)
            work_rows = self.create_works(works, networks)
            song_rows = self.create_songs(work_rows, options["songs_per_work"])
            self.create_credits(song_rows, performer_ids)
            transaction.on_commit(bump_catalogue_version)
        # Fresh planner statistics: right after a bulk load PostgreSQL still
        # believes the tables are nearly empty and sorts the whole catalogue
        # instead of reading the timeline index (13 ms against 0.8 ms measured).
        # On PostgreSQL VACUUM too: the new rows wait in the trigram (GIN) indexes'
        # pending lists until a vacuum, and meanwhile the planner prices those
        # indexes so high that every search read the whole table (13 ms, not 0.05).
        # (VACUUM can't run inside a transaction: called from one, as the tests
        # do, only ANALYZE runs.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for model in (Work, Song, Performer, Credit):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        self.say(f"done: {works} works, {len(song_rows)} songs, {performers} performers (statistics refreshed)")

    def say(self, message):
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f}s] {message}")

    def delete_generated(self):
        Credit.objects.filter(song__slug__startswith=PREFIX).delete()
        Song.objects.filter(slug__startswith=PREFIX).delete()
        Work.objects.filter(slug__startswith=PREFIX).delete()
        Performer.objects.filter(slug__startswith=PREFIX).delete()
        self.say("deleted the previous generated catalogue")

    def networks(self):
        """The fixture networks, created when this database doesn't have them yet."""
        path = settings.BASE_DIR / "fixtures" / "00_networks.json"
        rows = json.loads(path.read_text(encoding="utf-8"))
        networks = []
        for row in rows:
            if row["model"] != "catalogue.network":
                continue
            fields = row["fields"]
            network, _ = Network.objects.get_or_create(
                slug=fields["slug"], defaults={k: v for k, v in fields.items() if k != "slug"}
            )
            networks.append(network)
        if not networks:
            raise CommandError(f"{path} holds no networks.")
        return networks

    def create_performers(self, count):
        rng = self.rng
        now = timezone.now()
        objs = []
        for n in range(1, count + 1):
            if n % 10 == 0:
                name = f"{rng.choice(BAND_WORDS)} {rng.choice(BAND_NOUNS)}"
                name_ko = ""
                kind = rng.choice([Performer.Kind.GROUP, Performer.Kind.BAND])
            else:
                (sur, sur_ko), (g1, g1_ko), (g2, g2_ko) = rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(GIVEN)
                name = f"{sur} {g1}-{g2.lower()}"
                name_ko = f"{sur_ko}{g1_ko}{g2_ko}"
                kind = Performer.Kind.SOLO
            objs.append(
                Performer(
                    slug=f"{PREFIX}p{n:05d}",
                    name=name,
                    name_ko=name_ko,
                    kind=kind,
                    bio="",
                    updated_at=now,
                    search_key=key_for(name, name_ko, "", ""),
                )
            )
        self.bulk(Performer, objs)
        ids = list(Performer.objects.filter(slug__startswith=PREFIX).order_by("slug").values_list("pk", flat=True))
        self.say(f"{len(ids)} performers")
        return ids

    def title(self):
        rng = self.rng
        (a, a_ko), (b, b_ko) = rng.sample(WORDS, 2)
        pattern = rng.randrange(4)
        if pattern == 0:
            return f"{a} {b}", f"{a_ko} {b_ko}"
        if pattern == 1:
            return f"The {b} of {a}", f"{a_ko}의 {b_ko}"
        if pattern == 2:
            return f"My {a} {b}", f"나의 {a_ko} {b_ko}"
        return f"{a} {b} Diary", f"{a_ko} {b_ko} 일기"

    def create_works(self, count, networks):
        rng = self.rng
        now = timezone.now()
        kinds, weights = zip(*KINDS, strict=True)
        objs = []
        for n in range(1, count + 1):
            title, title_ko = self.title()
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            first = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            kind = rng.choices(kinds, weights)[0]
            is_series = kind in (Work.Kind.DRAMA, Work.Kind.WEB_SERIES)
            episodes = rng.choice([12, 16, 16, 20, 24]) if is_series else None
            objs.append(
                Work(
                    slug=f"{PREFIX}{n:05d}",
                    title=title,
                    title_ko=title_ko,
                    kind=kind,
                    year=year,
                    first_aired=first,
                    last_aired=first + datetime.timedelta(weeks=episodes // 2) if episodes else None,
                    network=rng.choice(networks),
                    episodes=episodes,
                    summary=f"A generated {kind.label.lower()} from {year}, used to test the site at scale.",
                    status=Work.Status.PUBLISHED,
                    published_at=now,
                    updated_at=now,
                    search_key=key_for(title, title_ko, ""),
                )
            )
        self.bulk(Work, objs)
        rows = list(
            Work.objects.filter(slug__startswith=PREFIX).order_by("slug").values_list("pk", "first_aired", "year")
        )
        self.say(f"{len(rows)} works")
        return rows

    def create_songs(self, work_rows, per_work):
        rng = self.rng
        now = timezone.now()
        objs = []
        n = 0
        for work_id, first_aired, _year in work_rows:
            for i, (title, title_ko) in enumerate(rng.sample(SONG_WORDS, per_work)):
                n += 1
                objs.append(
                    Song(
                        work_id=work_id,
                        slug=f"{PREFIX}s{n:06d}",
                        title=title,
                        title_ko=title_ko,
                        release_date=first_aired + datetime.timedelta(days=7 * i),
                        ost_part=f"Part {i + 1}",
                        role=Song.Role.MAIN_THEME if i == 0 else Song.Role.INSERT,
                        is_signature=i == 0,
                        updated_at=now,
                        search_key=key_for(title, title_ko),
                    )
                )
            if len(objs) >= self.batch * 5:
                self.bulk(Song, objs)
                objs = []
        self.bulk(Song, objs)
        rows = list(Song.objects.filter(slug__startswith=PREFIX).order_by("slug").values_list("pk", flat=True))
        self.say(f"{len(rows)} songs")
        return rows

    def create_credits(self, song_ids, performer_ids):
        rng = self.rng
        objs = []
        for song_id in song_ids:
            singers = rng.sample(performer_ids, 2 if rng.random() < 0.3 else 1)
            for order, performer_id in enumerate(singers):
                objs.append(
                    Credit(
                        song_id=song_id,
                        performer_id=performer_id,
                        role=Credit.Role.LEAD if order == 0 else Credit.Role.FEATURING,
                        order=order,
                    )
                )
            if len(objs) >= self.batch * 5:
                self.bulk(Credit, objs)
                objs = []
        self.bulk(Credit, objs)
        self.say("credits")

    def bulk(self, model, objs):
        model.objects.bulk_create(objs, batch_size=self.batch)
