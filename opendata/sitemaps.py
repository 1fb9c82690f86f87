"""sitemap.xml: every published page, and nothing else (drafts stay out)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from catalogue.models import Performer, Song, Work


class CatalogueSitemap(Sitemap):
    """A section of published entries, newest change as the section's lastmod."""

    changefreq = "monthly"
    priority = 0.6
    # Small pages keep each section fast to build at 20,000 works / 60,000 songs.
    limit = 5000
    model = None

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate; Django's default calls lastmod() on every item of the section.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class WorkSitemap(CatalogueSitemap):
    model = Work
    priority = 0.8


class SongSitemap(CatalogueSitemap):
    model = Song


class PerformerSitemap(CatalogueSitemap):
    model = Performer


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return [
            "catalogue:timeline",
            "catalogue:work-list",
            "catalogue:performer-list",
            "catalogue:song-list",
            "catalogue:era-list",
            "opendata:open-data",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "works": WorkSitemap, "songs": SongSitemap, "performers": PerformerSitemap}
