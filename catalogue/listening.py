"""Where to hear a song: the links an editor entered, then a search on each
service that has none.

A curated ``ListenLink`` (an official video, the song's page on a service) always
wins: a search link is offered only for a service without one, so a song never
links the same service twice. Search links open the service's own public search
page, nothing more: no player, no script, no account, and no parameter beyond the
query (the services' own search boxes add section and logging flags to theirs; we
leave them out, so nothing in the URL says where the visitor came from).

The URL patterns, each in one function below and each tested with its exact
output (tests/catalogue/test_listening.py):

- Melon   ``https://www.melon.com/search/total/index.htm?q=<query>``: the total
  search (songs, artists, albums). The query is form-encoded as UTF-8, spaces as
  ``+``, which is what Melon's own search box sends.
- YouTube ``https://www.youtube.com/results?search_query=<query>``, form-encoded
  the same way.
- Spotify ``https://open.spotify.com/search/<query>``: the query is a path
  segment, percent-encoded with nothing left safe (spaces ``%20``). A slash is
  replaced by a space first: even encoded as ``%2F``, it would reach Spotify's
  router as a path separator (``/search/<query>/tracks`` names a tab), and it
  separates nothing a search needs ("Huntr/x" is found as "Huntr x").

What is searched: the song's title and its credited singers in billing order,
leaving out a "singing voice" credit (the real voice behind a credited artist, as
Byeon Woo-seok behind Eclipse): the record is listed under the credited artist, and
a name that is not on it can only narrow a search to nothing. Melon is a Korean
service that lists Korean releases under their Hangul titles and artist names, so
its query takes the Korean title and each singer's Korean name where we have them
(English otherwise: "Stay With Me 찬열 펀치"). YouTube and Spotify are searched
in English, the names the rest of the site leads with ("Stay With Me Chanyeol Punch").
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from search.keys import has_hangul

# ListenLink.Platform and Credit.Role values, spelled out: the models import this
# module, so it imports none of them (tests/catalogue/test_listening.py checks them).
MELON, YOUTUBE, SPOTIFY = "melon", "youtube", "spotify"
SINGING_VOICE = "voice"


def melon_search_url(query):
    return "https://www.melon.com/search/total/index.htm?" + urlencode({"q": query})


def youtube_search_url(query):
    return "https://www.youtube.com/results?" + urlencode({"search_query": query})


def spotify_search_url(query):
    return "https://open.spotify.com/search/" + quote(" ".join(query.replace("/", " ").split()), safe="")


@dataclass(frozen=True)
class SearchService:
    platform: str  # a ListenLink.Platform value: a curated link for it replaces the search
    name: str
    search_url: object  # query -> URL
    in_korean: bool


SEARCH_SERVICES = (
    SearchService(MELON, "Melon", melon_search_url, in_korean=True),
    SearchService(YOUTUBE, "YouTube", youtube_search_url, in_korean=False),
    SearchService(SPOTIFY, "Spotify", spotify_search_url, in_korean=False),
)


@dataclass(frozen=True)
class Term:
    """One word group of a query, with its language ("ko" for Hangul) for the page's lang attribute."""

    text: str
    lang: str = ""


@dataclass(frozen=True)
class SearchLink:
    platform: str
    service: str
    url: str
    terms: tuple

    @property
    def query(self):
        return " ".join(term.text for term in self.terms)


@dataclass(frozen=True)
class Listening:
    """A song's listening links: ``official`` (its ListenLinks, as entered) first,
    then ``searches`` for the services without one."""

    official: list
    searches: list

    def __iter__(self):
        yield from self.official
        yield from self.searches

    def __len__(self):
        return len(self.official) + len(self.searches)


def term(text):
    return Term(text, "ko" if has_hangul(text) else "")


def search_terms(song, *, in_korean):
    """The title, then each credited singer: in Korean where we have it when ``in_korean``."""
    names = [song.title_ko or song.title] if in_korean else [song.title]
    for credit in song.credits.all():
        if credit.role == SINGING_VOICE:
            continue
        performer = credit.performer
        names.append(performer.name_ko or performer.name if in_korean else performer.name)
    seen, terms = set(), []
    for name in (" ".join(name.split()) for name in names):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            terms.append(term(name))
    return tuple(terms)


def search_link(service, song):
    terms = search_terms(song, in_korean=service.in_korean)
    query = " ".join(t.text for t in terms)
    return SearchLink(service.platform, service.name, service.search_url(query), terms)


def listening_links(song):
    """Reads the song's ``listen_links`` and ``credits`` (with their performers):
    prefetch both (the song page does) and this runs no query."""
    official = list(song.listen_links.all())
    curated = {link.platform for link in official}
    searches = [search_link(service, song) for service in SEARCH_SERVICES if service.platform not in curated]
    return Listening(official, searches)
