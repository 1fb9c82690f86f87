from django.urls import path

from . import indexes, views

app_name = "catalogue"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("works/", views.WorkListView.as_view(), name="work-list"),
    path("works/<slug:slug>/", views.WorkDetailView.as_view(), name="work-detail"),
    path("songs/", indexes.SongIndexView.as_view(), name="song-list"),
    path("songs/<slug:slug>/", views.SongDetailView.as_view(), name="song-detail"),
    path("performers/", indexes.PerformerIndexView.as_view(), name="performer-list"),
    path("performers/<slug:slug>/", views.PerformerDetailView.as_view(), name="performer-detail"),
    path("eras/", views.EraIndexView.as_view(), name="era-list"),
    path("eras/<int:decade>s/", views.DecadeView.as_view(), name="era-decade"),
    path("years/<int:year>/", views.YearView.as_view(), name="era-year"),
    path("search/", views.SearchView.as_view(), name="search"),
]
