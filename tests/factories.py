"""Small factory_boy factories for building catalogues of any size in tests."""

import datetime

import factory

from catalogue.models import Credit, ListenLink, Membership, Milestone, Network, Performer, Song, Source, Work


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"source-{n}")
    publisher = factory.Sequence(lambda n: f"Publisher {n}")
    title = "An article"
    url = factory.Sequence(lambda n: f"https://example.org/article/{n}")


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Network {n}")
    kind = Network.Kind.BROADCASTER


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"work-{n}")
    title = factory.Sequence(lambda n: f"Work {n}")
    title_ko = "드라마"
    kind = Work.Kind.DRAMA
    year = 2016
    first_aired = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 1))
    network = factory.SubFactory(NetworkFactory)
    status = Work.Status.PUBLISHED
    summary = "A story told in our own words."


class PerformerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performer
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"performer-{n}")
    name = factory.Sequence(lambda n: f"Performer {n}")
    name_ko = "가수"
    kind = Performer.Kind.SOLO


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(PerformerFactory, kind=Performer.Kind.GROUP)
    member = factory.SubFactory(PerformerFactory)


class SongFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Song
        django_get_or_create = ("slug",)

    work = factory.SubFactory(WorkFactory)
    slug = factory.Sequence(lambda n: f"song-{n}")
    title = factory.Sequence(lambda n: f"Song {n}")
    title_ko = "노래"
    role = Song.Role.MAIN_THEME
    is_signature = True
    release_date = factory.LazyAttribute(lambda o: datetime.date(o.work.year, 3, 2) if o.work else None)


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    song = factory.SubFactory(SongFactory)
    performer = factory.SubFactory(PerformerFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    song = factory.SubFactory(SongFactory)
    slug = factory.Sequence(lambda n: f"milestone-{n}")
    description = "No. 1 on a chart"
    date = datetime.date(2016, 4, 1)


class ListenLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListenLink

    song = factory.SubFactory(SongFactory)
    platform = ListenLink.Platform.YOUTUBE
    url = "https://www.youtube.com/watch?v=example"


def build_catalogue(size, *, year=2016, network=None, group=None, sources=True):
    """`size` published works, each with a signature song sung by a performer in a
    group, plus milestones, listen links and sources: every relation a page shows."""
    network = network or NetworkFactory()
    streaming = NetworkFactory(slug="stream-test", name="Stream test", kind=Network.Kind.STREAMING)
    group = group or PerformerFactory(kind=Performer.Kind.GROUP)
    works = []
    for i in range(size):
        work = WorkFactory(year=year + i % 3, network=network)
        work.also_on.add(streaming)
        song = SongFactory(work=work)
        singer = PerformerFactory()
        MembershipFactory(group=group, member=singer)
        CreditFactory(song=song, performer=singer, order=0)
        CreditFactory(song=song, performer=group, order=1)
        MilestoneFactory(song=song)
        ListenLinkFactory(song=song)
        if sources:
            source = SourceFactory()
            work.sources.add(source)
            song.sources.add(source)
            singer.sources.add(source)
        works.append(work)
    return works
