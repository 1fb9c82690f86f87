"""schema.org JSON-LD for the detail pages.

A work is a TVSeries or Movie whose soundtrack (a MusicPlaylist of
MusicRecordings) is one of its parts; a song is a MusicRecording with its
performers as ``byArtist``; a group is a MusicGroup with its ``member``s, a
singer a Person. Every node carries a ``name``. The builders only read
relations the detail views prefetch, so they add no queries.
"""

import json

from catalogue.models import DatePrecision, Performer, Song, Work

CONTEXT = "https://schema.org"
GROUP_KINDS = {Performer.Kind.GROUP, Performer.Kind.DUO, Performer.Kind.BAND, Performer.Kind.ENSEMBLE}
FILM_KINDS = {Work.Kind.FILM, Work.Kind.ANIMATED_FILM}

# What json_script escapes: inside <script>, "</script>" or "<!--" in an
# editor's text must not end the element. JSON parsers read \u003C as "<".
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def _alternate_names(*names):
    return [name for name in dict.fromkeys(names) if name]


def _compact(node):
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def performer_node(performer, absolute):
    return _compact(
        {
            "@type": "MusicGroup" if performer.kind in GROUP_KINDS else "Person",
            "name": performer.name,
            "alternateName": _alternate_names(performer.name_ko, performer.romanized),
            "url": absolute(performer.get_absolute_url()),
        }
    )


def work_reference(work, absolute):
    return {
        "@type": "Movie" if work.kind in FILM_KINDS else "TVSeries",
        "name": work.title,
        "url": absolute(work.get_absolute_url()),
    }


def recording_node(song, absolute):
    return _compact(
        {
            "@type": "MusicRecording",
            "name": song.title,
            "alternateName": _alternate_names(song.title_ko, song.romanized),
            "url": absolute(song.get_absolute_url()),
            "datePublished": DatePrecision.iso(song.release_date, song.release_date_precision),
            "byArtist": [performer_node(credit.performer, absolute) for credit in song.credits.all()],
        }
    )


def work_data(work, absolute):
    songs = list(work.songs.all())
    is_film = work.kind in FILM_KINDS
    node = {
        "@context": CONTEXT,
        **work_reference(work, absolute),
        "alternateName": _alternate_names(work.title_ko, work.romanized, *work.alternative_title_list),
        "description": work.summary,
        "inLanguage": "ko",
        "datePublished" if is_film else "startDate": work.first_aired.isoformat()
        if work.first_aired
        else str(work.year),
        "endDate": None if is_film or not work.last_aired else work.last_aired.isoformat(),
        "numberOfEpisodes": None if is_film else work.episodes,
    }
    if songs:
        node["hasPart"] = {
            "@type": "MusicPlaylist",
            "name": f"{work.title}: soundtrack",
            "numTracks": len(songs),
            "track": [recording_node(song, absolute) for song in songs],
        }
    return _compact(node)


def song_data(song, absolute):
    node = {"@context": CONTEXT, **recording_node(song, absolute), "description": song.about}
    if song.work_id:
        node["isPartOf"] = work_reference(song.work, absolute)
    if song.remake_of_id:
        node["isBasedOn"] = recording_node_without_artists(song.remake_of, absolute)
    return _compact(node)


def recording_node_without_artists(song, absolute):
    return {"@type": "MusicRecording", "name": song.title, "url": absolute(song.get_absolute_url())}


def performer_data(performer, absolute):
    node = {"@context": CONTEXT, **performer_node(performer, absolute), "description": performer.bio}
    if node["@type"] == "MusicGroup":
        node["member"] = [performer_node(m.member, absolute) for m in performer.memberships.all()]
    else:
        node["memberOf"] = [performer_node(m.group, absolute) for m in performer.group_memberships.all()]
    return _compact(node)


def website_data(home, search_url):
    """The site itself, with its search (what a search engine's site search box uses)."""
    from django.conf import settings

    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def data_for(obj, absolute):
    if isinstance(obj, Work):
        return work_data(obj, absolute)
    if isinstance(obj, Song):
        return song_data(obj, absolute)
    if isinstance(obj, Performer):
        return performer_data(obj, absolute)
    return None
