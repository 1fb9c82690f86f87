from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .feeds import LatestWorksAtomFeed, LatestWorksFeed
from .sitemaps import SITEMAPS

app_name = "opendata"

urlpatterns = [
    path("feeds/works.rss", LatestWorksFeed(), name="feed-rss"),
    path("feeds/works.atom", LatestWorksAtomFeed(), name="feed-atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "opendata:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("data/", views.OpenDataView.as_view(), name="open-data"),
    path("data/catalogue.json", views.catalogue_json, name="data-json"),
    path("data/works.csv", views.CsvExportView.as_view(table="works"), name="data-works-csv"),
    path("data/songs.csv", views.CsvExportView.as_view(table="songs"), name="data-songs-csv"),
    path("data/performers.csv", views.CsvExportView.as_view(table="performers"), name="data-performers-csv"),
    path("data/credits.csv", views.CsvExportView.as_view(table="credits"), name="data-credits-csv"),
]
