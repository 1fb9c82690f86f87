"""sitemap.xml: every published page, and nothing else (drafts stay out)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Performer, Song, Work


class WorkSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    # Small pages keep each section fast to build at 20,000 works / 60,000 songs.
    limit = 5000

    def items(self):
        return Work.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class SongSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Song.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PerformerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Performer.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["catalogue:timeline", "catalogue:work-list", "catalogue:era-list", "catalogue:open-data"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "works": WorkSitemap, "songs": SongSitemap, "performers": PerformerSitemap}
