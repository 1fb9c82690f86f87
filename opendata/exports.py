"""Open data: the published catalogue as one nested JSON document and flat CSV tables.

The schema is versioned (``SCHEMA_VERSION``) and documented on the /data/ page
from the descriptions below; a change that renames or removes a field or column
bumps the version. Only published entries appear (``published()`` everywhere),
and each export costs a fixed number of queries whatever the catalogue's size.
"""

import csv
import io
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalogue.models import Credit, DatePrecision, Membership, Performer, Song, Work
from catalogue.querysets import credits_prefetch
from pagecache.version import remember

SCHEMA_VERSION = 1

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": f"{settings.SITE_NAME} contributors",
    "note": (
        "Our summaries and our compilation of the data are licensed CC BY 4.0: reuse them, credit the site. "
        "Each entry lists the sources its facts were checked against; song titles and names are facts, "
        "and recordings, lyrics and artwork belong to their owners and are not part of this data."
    ),
}


def _col(name, description):
    return {"name": name, "description": description}


PRECISION_NOTE = _("YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known.")

CSV_TABLES = [
    {
        "name": "works",
        "url_name": "opendata:data-works-csv",
        "description": _("One row per published drama or film."),
        "columns": [
            _col("slug", _("Stable identifier; also the last part of the page address.")),
            _col("title", _("English title.")),
            _col("title_ko", _("Korean title in Hangul.")),
            _col("title_romanized", _("Revised Romanization of the Korean title.")),
            _col("kind", _("drama, film, animated-film or web-series.")),
            _col("year", _("Year of first broadcast or release.")),
            _col("first_aired", _("First broadcast or release date (YYYY-MM-DD).")),
            _col("last_aired", _("Last broadcast date (YYYY-MM-DD).")),
            _col("network", _("Slug of the original broadcaster or distributor.")),
            _col("network_name", _("Its name.")),
            _col("episodes", _("Number of episodes.")),
            _col("song_count", _("Number of songs listed for the work.")),
            _col("url", _("The work's page.")),
        ],
    },
    {
        "name": "songs",
        "url_name": "opendata:data-songs-csv",
        "description": _("One row per song on a published work's soundtrack, and per original recording it remakes."),
        "columns": [
            _col("slug", _("Stable identifier.")),
            _col("title", _("Title as released in English or Latin letters.")),
            _col("title_ko", _("Korean title in Hangul.")),
            _col("title_romanized", _("Revised Romanization of the Korean title.")),
            _col("work", _("Slug of the work; empty for a record outside any soundtrack.")),
            _col("work_title", _("English title of the work.")),
            _col("role", _("main-theme, opening, ending, insert, character, on-screen, associated, original, remake.")),
            _col("ost_part", _("OST part as released, such as 'Part 2'.")),
            _col("release_date", PRECISION_NOTE),
            _col("is_signature", _("true for the song the timeline shows for its work.")),
            _col("remake_of", _("Slug of the earlier recording this song remakes.")),
            _col("performers", _("Names of the credited performers in credit order, separated by '; '.")),
            _col("url", _("The song's page.")),
        ],
    },
    {
        "name": "performers",
        "url_name": "opendata:data-performers-csv",
        "description": _("One row per singer, group or band credited on a published song."),
        "columns": [
            _col("slug", _("Stable identifier.")),
            _col("name", _("Name in Latin letters.")),
            _col("name_ko", _("Name in Hangul.")),
            _col("name_romanized", _("Revised Romanization of the Korean name.")),
            _col("kind", _("solo, group, duo, band, ensemble or actor.")),
            _col("is_fictional", _("true for a group that exists only in a story.")),
            _col("members", _("Slugs of the members of a group, separated by '; '.")),
            _col("url", _("The performer's page.")),
        ],
    },
    {
        "name": "credits",
        "url_name": "opendata:data-credits-csv",
        "description": _("Who sang what: one row per performer credited on a song."),
        "columns": [
            _col("song", _("Slug of the song.")),
            _col("performer", _("Slug of the performer.")),
            _col("role", _("lead, duet, featuring, credited or voice.")),
            _col("order", _("Position in the song's credits, from 0.")),
        ],
    },
]
CSV_COLUMNS = {table["name"]: [column["name"] for column in table["columns"]] for table in CSV_TABLES}

JSON_FIELDS = [
    _col("schema_version", _("1 for this layout; bumped when a field is renamed or removed.")),
    _col("licence", _("Name, address and terms of the licence.")),
    _col("works[]", _("Published works with the columns of works.csv, plus summary, sources and songs[].")),
    _col("works[].songs[]", _("Their songs with the columns of songs.csv, plus credits[], milestones[], links[].")),
    _col("works[].songs[].credits[]", _("performer (slug), name, role and order of each credit.")),
    _col("songs_outside_works[]", _("Original recordings outside any soundtrack (the originals of remakes).")),
    _col("performers[]", _("Performers with the columns of performers.csv, with members[] for groups.")),
    _col("sources[]", _("Every source the entries above cite: slug, publisher, title, url, published_on.")),
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Shaping rows -----------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def _source_slugs(obj, cited):
    slugs = []
    for source in obj.sources.all():
        cited[source.slug] = source
        slugs.append(source.slug)
    return slugs


def _song_queryset():
    return (
        Song.objects.select_related("work", "remake_of")
        .order_by("release_date", "title", "pk")
        .prefetch_related(
            credits_prefetch(),
            "milestones",
            "listen_links",
            "sources",
        )
    )


def song_row(song, absolute):
    return {
        "slug": song.slug,
        "title": song.title,
        "title_ko": song.title_ko,
        "title_romanized": song.romanized,
        "work": song.work.slug if song.work_id else "",
        "work_title": song.work.title if song.work_id else "",
        "role": song.role,
        "ost_part": song.ost_part,
        "release_date": DatePrecision.iso(song.release_date, song.release_date_precision),
        "is_signature": song.is_signature,
        "remake_of": song.remake_of.slug if song.remake_of_id else "",
        "performers": "; ".join(credit.performer.name for credit in song.credits.all()),
        "url": absolute(song.get_absolute_url()),
    }


def song_document(song, absolute, cited):
    row = song_row(song, absolute)
    row.pop("performers")
    row.pop("work_title")
    row.update(
        about=song.about,
        fact_notes=song.fact_notes,
        writers=song.writers,
        credits=[
            {"performer": c.performer.slug, "name": c.performer.name, "role": c.role, "order": c.order}
            for c in song.credits.all()
        ],
        milestones=[
            {
                "slug": m.slug,
                "kind": m.kind,
                "date": DatePrecision.iso(m.date, m.date_precision),
                "description": m.description,
                "is_confirmed": m.is_confirmed,
            }
            for m in song.milestones.all()
        ],
        links=[{"platform": link.platform, "url": link.url, "label": link.label} for link in song.listen_links.all()],
        sources=_source_slugs(song, cited),
    )
    return row


def work_row(work, absolute):
    return {
        "slug": work.slug,
        "title": work.title,
        "title_ko": work.title_ko,
        "title_romanized": work.romanized,
        "kind": work.kind,
        "year": work.year,
        "first_aired": _iso(work.first_aired),
        "last_aired": _iso(work.last_aired),
        "network": work.network.slug if work.network_id else "",
        "network_name": work.network.name if work.network_id else "",
        "episodes": work.episodes,
        "song_count": len(work.songs.all()),
        "url": absolute(work.get_absolute_url()),
    }


def performer_row(performer, absolute):
    return {
        "slug": performer.slug,
        "name": performer.name,
        "name_ko": performer.name_ko,
        "name_romanized": performer.romanized,
        "kind": performer.kind,
        "is_fictional": performer.is_fictional,
        "members": "; ".join(m.member.slug for m in performer.memberships.all()),
        "url": absolute(performer.get_absolute_url()),
    }


# --- Querysets (a fixed number of queries each) -------------------------------


def published_works():
    return (
        Work.objects.published()
        .select_related("network")
        .prefetch_related("sources", Prefetch("songs", queryset=_song_queryset()))
        .in_timeline_order()
    )


def published_songs():
    return (
        Song.objects.published()
        .select_related("work", "remake_of")
        .prefetch_related(credits_prefetch())
        .order_by("work__year", "work__slug", "release_date", "title", "pk")
    )


def published_performers():
    members = Membership.objects.select_related("member").order_by("order", "member__name")
    return (
        Performer.objects.published()
        .prefetch_related(Prefetch("memberships", queryset=members), "sources")
        .order_by("name", "pk")
    )


def published_credits():
    return (
        Credit.objects.filter(song__in=Song.objects.published())
        .select_related("song", "performer")
        .order_by("song__slug", "order", "pk")
    )


# --- Documents and responses --------------------------------------------------


def catalogue_document(absolute):
    """The whole published catalogue, nested works -> songs -> credits."""
    cited = {}
    works = []
    for work in published_works():
        row = work_row(work, absolute)
        row.pop("network_name")
        row.update(
            alternative_titles=work.alternative_title_list,
            network=(
                {"slug": work.network.slug, "name": work.network.name, "name_ko": work.network.name_ko}
                if work.network_id
                else None
            ),
            summary=work.summary,
            soundtrack_note=work.soundtrack_note,
            fact_notes=work.fact_notes,
            sources=_source_slugs(work, cited),
            songs=[song_document(song, absolute, cited) for song in work.songs.all()],
        )
        works.append(row)
    originals = [song_document(song, absolute, cited) for song in _song_queryset().filter(work__isnull=True)]
    performers = []
    for performer in published_performers():
        row = performer_row(performer, absolute)
        row.update(
            real_name=performer.real_name,
            bio=performer.bio,
            fact_notes=performer.fact_notes,
            members=[
                {"performer": m.member.slug, "name": m.member.name, "role": m.role, "is_former": m.is_former}
                for m in performer.memberships.all()
            ],
            sources=_source_slugs(performer, cited),
        )
        performers.append(row)
    sources = [
        {
            "slug": s.slug,
            "publisher": s.publisher,
            "title": s.title,
            "url": s.url,
            "published_on": _iso(s.published_on),
        }
        for s in sorted(cited.values(), key=lambda s: s.slug)
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "licence": LICENCE,
        "site": settings.SITE_NAME,
        "documentation": absolute(reverse("opendata:open-data")),
        "works": works,
        "songs_outside_works": originals,
        "performers": performers,
        "sources": sources,
    }


def built_once(name, request, build):
    """An export's bytes, built once per catalogue version (and host, which its
    links name) and shared by every worker and host: a download, or a flood of
    cache-busting query strings, costs a read of the stored file, not a build of
    the whole catalogue (seconds at a few thousand works)."""
    return remember(f"export:{name}:{request.build_absolute_uri('/')}", build)


def json_response(request):
    def build():
        document = catalogue_document(request.build_absolute_uri)
        return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()

    response = HttpResponse(built_once("json", request, build), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_cell(value):
    """Booleans as true/false, None as empty, and text a spreadsheet would run
    as a formula (=, +, -, @ first) defused with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_rows(table, absolute):
    columns = CSV_COLUMNS[table]
    yield columns
    if table == "works":
        rows = (work_row(w, absolute) for w in published_works())
    elif table == "songs":
        rows = (song_row(s, absolute) for s in published_songs())
    elif table == "performers":
        rows = (performer_row(p, absolute) for p in published_performers())
    else:
        rows = (
            {"song": c.song.slug, "performer": c.performer.slug, "role": c.role, "order": c.order}
            for c in published_credits()
        )
    for row in rows:
        yield [csv_cell(row[column]) for column in columns]


def csv_response(request, table):
    def build():
        text = io.StringIO()
        csv.writer(text).writerows(csv_rows(table, request.build_absolute_uri))
        return text.getvalue().encode()

    response = HttpResponse(built_once(f"csv:{table}", request, build), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
