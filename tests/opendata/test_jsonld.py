"""schema.org JSON-LD on every detail page: parsed from the HTML, shape checked."""

import json
import re

import pytest

from catalogue.models import Performer, Work
from tests.factories import CreditFactory, MembershipFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def ld_blocks(response):
    html = response.content.decode()
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def the_ld(client, url):
    response = client.get(url)
    assert response.status_code == 200
    blocks = ld_blocks(response)
    assert len(blocks) == 1, url
    assert blocks[0]["@context"] == "https://schema.org"
    return blocks[0]


def nodes(data):
    """Every schema.org node (dict with @type) in the document."""
    if isinstance(data, dict):
        if "@type" in data:
            yield data
        for value in data.values():
            yield from nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from nodes(value)


def assert_every_node_named(data):
    typed = [n for n in nodes(data) if n["@type"] not in ("EntryPoint", "SearchAction")]
    assert typed
    for node in typed:
        assert isinstance(node.get("name"), str) and node["name"], node


@pytest.fixture
def goblin():
    work = WorkFactory(slug="goblin", title="Goblin", title_ko="쓸쓸하고 찬란하神 – 도깨비", episodes=16, year=2016)
    exo = PerformerFactory(slug="exo", name="EXO", name_ko="엑소", kind=Performer.Kind.GROUP)
    chanyeol = PerformerFactory(slug="chanyeol", name="Chanyeol", name_ko="찬열")
    punch = PerformerFactory(slug="punch", name="Punch", name_ko="펀치")
    MembershipFactory(group=exo, member=chanyeol)
    song = SongFactory(work=work, slug="stay-with-me", title="Stay With Me", title_ko="")
    CreditFactory(song=song, performer=chanyeol, order=0)
    CreditFactory(song=song, performer=punch, order=1)
    CreditFactory(song=SongFactory(work=WorkFactory(slug="other"), slug="exo-song", title="Exo song"), performer=exo)
    return work


def test_work_is_a_tvseries_with_its_music(client, goblin):
    data = the_ld(client, "/works/goblin/")
    assert data["@type"] == "TVSeries"
    assert data["name"] == "Goblin"
    assert data["url"] == "http://testserver/works/goblin/"
    assert "쓸쓸하고 찬란하神 – 도깨비" in data["alternateName"]
    assert data["numberOfEpisodes"] == 16
    tracks = data["hasPart"]["track"]
    assert [t["@type"] for t in tracks] == ["MusicRecording"]
    assert [a["name"] for a in tracks[0]["byArtist"]] == ["Chanyeol", "Punch"]
    assert_every_node_named(data)


def test_film_is_a_movie(client):
    WorkFactory(slug="my-sassy-girl", title="My Sassy Girl", kind=Work.Kind.FILM)
    data = the_ld(client, "/works/my-sassy-girl/")
    assert data["@type"] == "Movie"
    assert "numberOfEpisodes" not in data
    assert_every_node_named(data)


def test_song_is_a_music_recording_by_its_artists(client, goblin):
    data = the_ld(client, "/songs/stay-with-me/")
    assert data["@type"] == "MusicRecording"
    assert data["name"] == "Stay With Me"
    assert [(a["@type"], a["name"]) for a in data["byArtist"]] == [("Person", "Chanyeol"), ("Person", "Punch")]
    assert data["isPartOf"] == {"@type": "TVSeries", "name": "Goblin", "url": "http://testserver/works/goblin/"}
    assert_every_node_named(data)


def test_group_is_a_music_group_with_members(client, goblin):
    data = the_ld(client, "/performers/exo/")
    assert data["@type"] == "MusicGroup"
    assert data["name"] == "EXO"
    assert data["alternateName"][0] == "엑소"
    assert [(m["@type"], m["name"]) for m in data["member"]] == [("Person", "Chanyeol")]
    assert_every_node_named(data)


def test_singer_is_a_person_member_of_groups(client, goblin):
    data = the_ld(client, "/performers/chanyeol/")
    assert data["@type"] == "Person"
    assert [(g["@type"], g["name"]) for g in data["memberOf"]] == [("MusicGroup", "EXO")]
    assert_every_node_named(data)


def test_home_page_describes_the_site_and_its_search(client):
    data = the_ld(client, "/")
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"


def test_editor_text_cannot_break_out_of_the_script(client):
    WorkFactory(slug="evil", title='</script><script>alert("x")</script> & <!--')
    response = client.get("/works/evil/")
    html = response.content.decode()
    assert '<script>alert("x")' not in html
    assert ld_blocks(response)[0]["name"] == '</script><script>alert("x")</script> & <!--'
