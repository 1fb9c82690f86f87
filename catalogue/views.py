from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from pagecache.version import remember
from search.keys import search_words
from search.query import ResultGroup, group_querysets, search, stages, suggestion

from .filters import WorkFilter
from .forms import SearchForm
from .models import MAX_YEAR, MIN_YEAR, Membership, Performer, Song, Work, decade_of
from .pagination import KnownCountPaginator
from .querysets import credits_prefetch


def published_stats():
    """Figures of the whole published catalogue, kept per catalogue version."""
    return remember("published", Work.objects.published().stats)


class StatsMixin:
    """Lists of every published work or of an era, shown with their figures (kept
    per catalogue version by ``remember``). The figures already hold the number of
    works, so the paginator takes it from there instead of counting the works again."""

    def get_stats(self):
        raise NotImplementedError

    @cached_property
    def stats(self):
        return self.get_stats()

    def get_paginator(self, queryset, per_page, **kwargs):
        return KnownCountPaginator(queryset, per_page, count=self.stats["figures"]["works"], **kwargs)


class TimelineView(StatsMixin, ListView):
    template_name = "catalogue/timeline.html"
    context_object_name = "works"
    # Thirty cards: a page a reader takes in, and light on a phone (the seed
    # catalogue's 29 works fill one). Whole decades and years have their own pages.
    paginate_by = 30

    def get_queryset(self):
        return Work.objects.for_timeline()

    def get_stats(self):
        return published_stats()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = self.stats
        years = [row["year"] for row in stats["by_year"]]
        context["figures"] = stats["figures"]
        context["decades"] = sorted({decade_of(year) for year in years})
        context["first_year"], context["last_year"] = (years[0], years[-1]) if years else (None, None)
        return context


class BrowseSummaryMixin:
    """What the browse page's filters ask for, in words ("TV dramas on tvN from the
    2010s") for its <title>, and how many are set, for the folded filters' summary."""

    KIND_PLURALS = {
        Work.Kind.DRAMA: gettext_lazy("TV dramas"),
        Work.Kind.FILM: gettext_lazy("Films"),
        Work.Kind.ANIMATED_FILM: gettext_lazy("Animated films"),
        Work.Kind.WEB_SERIES: gettext_lazy("Web series"),
    }

    def active_filters(self):
        """Filters given a value, valid or not (the page number is no filter)."""
        return sum(1 for name in self.filterset.form.fields if self.request.GET.get(name, "").strip())

    def filter_summary(self):
        form = self.filterset.form
        if not (self.filterset.is_bound and form.is_valid()):
            return ""
        data = form.cleaned_data
        words = []
        if data.get("network"):
            words.append(_("on %(network)s") % {"network": data["network"].name})
        if data.get("decade"):
            words.append(_("from the %(decade)ss") % {"decade": data["decade"]})
        first, last = (data.get(name) for name in ("year_min", "year_max"))
        # Decimals from NumberFilter: "2015", never "2.015E+3".
        first, last = (format(year, "f") if year is not None else None for year in (first, last))
        if first and last:
            words.append(_("from %(first)s to %(last)s") % {"first": first, "last": last})
        elif first:
            words.append(_("from %(year)s on") % {"year": first})
        elif last:
            words.append(_("up to %(year)s") % {"year": last})
        if data.get("performer"):
            words.append(_("with %(performer)s") % {"performer": data["performer"].name})
        if data.get("q"):
            words.append(_("titled “%(query)s”") % {"query": data["q"].strip()})
        if not (words or data.get("kind")):
            return ""
        return " ".join([str(self.KIND_PLURALS.get(data.get("kind"), _("Works"))), *words])


class WorkListView(BrowseSummaryMixin, ListView):
    """The browse page: works filtered by kind, network, years, decade, performer or title."""

    template_name = "catalogue/work_list.html"
    context_object_name = "works"
    paginate_by = 24

    def get_queryset(self):
        self.filterset = WorkFilter(
            self.request.GET or None, queryset=Work.objects.published().with_music().in_timeline_order()
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Work.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["filter_summary"] = self.filter_summary()
        context["active_filters"] = self.active_filters()
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class DraftPreviewMixin:
    """Editors (with catalogue.view_work) preview drafts on the real page, under a
    "draft" banner; to everyone else a draft is a 404. Their requests carry a session,
    so the anonymous page cache never stores these pages."""

    def can_preview_drafts(self):
        return self.request.user.has_perm("catalogue.view_work")

    def visible(self, manager):
        return manager.all() if self.can_preview_drafts() else manager.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.can_preview_drafts():
            model = type(self.object)
            context["draft_preview"] = not model.objects.published().filter(pk=self.object.pk).exists()
            opts = model._meta
            admin_name = f"admin:{opts.app_label}_{opts.model_name}_change"
            context["draft_admin_url"] = reverse(admin_name, args=[self.object.pk])
        return context


class WorkDetailView(DraftPreviewMixin, DetailView):
    model = Work

    def get_queryset(self):
        song_order = ("-is_signature", F("release_date").asc(nulls_last=True), "title")
        songs = Song.objects.order_by(*song_order).prefetch_related(
            credits_prefetch(),
            "milestones",
            "listen_links",
            Prefetch("remakes", queryset=Song.objects.published().select_related("work")),
        )
        return (
            self.visible(Work.objects)
            .select_related("network")
            .prefetch_related(Prefetch("songs", queryset=songs), "also_on", "sources")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = self.related_works(self.object)
        return context

    def related_works(self, work, limit=4):
        """Three short lists (same performer, same network, same year): three queries
        whatever the catalogue's size."""
        others = Work.objects.published().exclude(pk=work.pk).select_related("network").in_timeline_order()
        performer_ids = {credit.performer_id for song in work.songs.all() for credit in song.credits.all()}
        related = []
        if performer_ids:
            related.append(("performer", list(others.sharing_performers(performer_ids)[:limit])))
        if work.network_id:
            related.append(("network", list(others.filter(network_id=work.network_id)[:limit])))
        related.append(("year", list(others.filter(year=work.year)[:limit])))
        return [(reason, works) for reason, works in related if works]


class SongDetailView(DraftPreviewMixin, DetailView):
    model = Song

    def get_queryset(self):
        return (
            self.visible(Song.objects)
            .with_credits()
            .select_related("remake_of", "remake_of__work")
            .prefetch_related(
                "milestones__sources",
                "listen_links",
                "sources",
                Prefetch(
                    "remakes",
                    queryset=Song.objects.published().select_related("work").prefetch_related(credits_prefetch()),
                ),
                credits_prefetch("remake_of__credits"),
            )
        )


class PerformerDetailView(DraftPreviewMixin, DetailView):
    model = Performer

    def get_queryset(self):
        return self.visible(Performer.objects).prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("member").order_by("order", "member__name")
            ),
            Prefetch("group_memberships", queryset=Membership.objects.select_related("group").order_by("group__name")),
            "sources",
        )

    def get_context_data(self, **kwargs):
        """The career: every published song the performer sang, alone, through a
        group, or (on a group's page) through its members. Two queries for the songs
        and their credits, however long the career."""
        context = super().get_context_data(**kwargs)
        performer = self.object
        group_ids = {m.group_id for m in performer.group_memberships.all()}
        member_ids = {m.member_id for m in performer.memberships.all()}
        songs = list(Song.objects.sung_by({performer.pk, *group_ids, *member_ids}))
        for song in songs:
            credited = [credit.performer for credit in song.credits.all()]
            song.via_groups = [other for other in credited if other.pk in group_ids]
            song.via_members = [other for other in credited if other.pk in member_ids]
        context["songs"] = songs
        context["years_active"] = sorted({song.career_year for song in songs if song.career_year})
        return context


class EraStepsMixin:
    """Previous and next on a decade or year page: the nearest decade (year) with
    published works, or none. Read from the catalogue's figures, which are kept per
    catalogue version, so the steps cost no query of their own."""

    def era_steps(self, current, *, decades=False):
        years = (row["year"] for row in published_stats()["by_year"])
        eras = sorted({decade_of(year) for year in years} if decades else set(years))
        previous = [era for era in eras if era < current]
        following = [era for era in eras if era > current]
        return {
            "previous_era": previous[-1] if previous else None,
            "next_era": following[0] if following else None,
        }


class EraMixin(EraStepsMixin, StatsMixin):
    """Shared by the decade and year pages: a range of years, its figures and charts."""

    paginate_by = TimelineView.paginate_by  # the same cards, the same page length
    template_name = "catalogue/era_detail.html"
    context_object_name = "works"

    def works_in_era(self):
        return Work.objects.published().in_years(self.first_year, self.last_year)

    def get_queryset(self):
        return self.works_in_era().with_music().in_timeline_order()

    def get_stats(self):
        return remember(f"years:{self.first_year}-{self.last_year}", self.works_in_era().stats)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(first_year=self.first_year, last_year=self.last_year, **self.stats)
        return context


class DecadeView(EraMixin, ListView):
    def get(self, request, *args, **kwargs):
        decade = kwargs["decade"]
        if decade % 10 or not MIN_YEAR <= decade <= MAX_YEAR:
            raise Http404(_("There is no such decade."))
        self.first_year, self.last_year = decade, decade + 9
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decade = self.first_year
        context.update(era="decade", decade=decade, **self.era_steps(decade, decades=True))
        return context


class YearView(EraMixin, ListView):
    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404(_("There is no such year in the catalogue."))
        self.first_year = self.last_year = year
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.first_year
        context.update(era="year", year=year, decade=decade_of(year), **self.era_steps(year))
        return context


class EraIndexView(TemplateView):
    """Every decade at a glance: works and songs per year, folded into decades."""

    template_name = "catalogue/era_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = published_stats()
        by_year = stats["by_year"]
        decades = {}
        for row in by_year:
            decade = decades.setdefault(decade_of(row["year"]), {"works": 0, "song_count": 0, "years": []})
            decade["works"] += row["works"]
            decade["song_count"] += row["song_count"]
            decade["years"].append(row)
        context.update(
            figures=stats["figures"],
            by_year=by_year,
            decades=[{"decade": d, **values} for d, values in sorted(decades.items())],
            by_network=stats["by_network"],
        )
        return context


class SearchView(TemplateView):
    """Works, songs and performers matching ?q=, grouped by type; ?type= shows one
    group, paginated. A GET form, so a search is a link anyone can share."""

    template_name = "catalogue/search.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None)
        context = {"form": form, "groups": None}
        if form.is_bound and form.is_valid():
            context.update(self.results(form.cleaned_data["q"], form.cleaned_data["type"]))
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(self.get_context_data(**context), status=status)

    def results(self, query, kind):
        """The hits, or near misses with a "Did you mean ...?" when nothing matches
        (search.query.search); with ?type=, one group, paginated."""
        params = {"q": query, **({"type": kind} if kind else {})}
        common = {"query": query, "canonical_url": f"{self.request.path}?{urlencode(params)}"}
        if not kind:
            found = search(query)
            for group in found.groups:
                group.more_query = urlencode({"q": query, "type": group.kind})
            return {**common, "groups": found.groups, "near": found.near, **self.suggestion(found.suggestion, kind)}
        for plan in stages(search_words(query)):
            label, queryset = group_querysets(plan, kinds=[kind])[kind]
            page = Paginator(queryset, self.paginate_by).get_page(self.request.GET.get("page"))
            if page.paginator.count:
                break
        group = ResultGroup(kind=kind, label=label, hits=list(page.object_list), count=page.paginator.count)
        near = plan.near and bool(group.count)
        return {
            **common,
            **self.suggestion(suggestion([group]) if near else "", kind),
            "near": near,
            "kind": kind,
            "groups": [group],
            "all_query": urlencode({"q": query}),
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_without_page": urlencode(params),
        }

    @staticmethod
    def suggestion(text, kind):
        if not text:
            return {}
        return {"suggestion": text, "suggestion_query": urlencode({"q": text, **({"type": kind} if kind else {})})}
