from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .filters import WorkFilter
from .models import Credit, Membership, Performer, Song, Work


class TimelineView(ListView):
    template_name = "catalogue/timeline.html"
    context_object_name = "works"
    paginate_by = 60

    def get_queryset(self):
        return Work.objects.for_timeline()


class WorkListView(ListView):
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
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class WorkDetailView(DetailView):
    model = Work

    def get_queryset(self):
        songs = Song.objects.order_by("release_date", "title").prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("performer").order_by("order", "pk")),
            "milestones",
        )
        return (
            Work.objects.published()
            .select_related("network")
            .prefetch_related(Prefetch("songs", queryset=songs), "also_on", "sources")
        )


class SongDetailView(DetailView):
    model = Song

    def get_queryset(self):
        return (
            Song.objects.published()
            .with_credits()
            .select_related("remake_of", "remake_of__work")
            .prefetch_related(
                "milestones__sources",
                "listen_links",
                "sources",
                Prefetch(
                    "remakes",
                    queryset=Song.objects.published().select_related("work").prefetch_related("credits__performer"),
                ),
                "remake_of__credits__performer",
            )
        )


class PerformerDetailView(DetailView):
    model = Performer

    def get_queryset(self):
        return Performer.objects.published().prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("member").order_by("order", "member__name")
            ),
            Prefetch("group_memberships", queryset=Membership.objects.select_related("group").order_by("group__name")),
            "sources",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        performer = self.object
        group_ids = [m.group_id for m in performer.group_memberships.all()]
        member_ids = [m.member_id for m in performer.memberships.all()]
        credits = (
            Credit.objects.filter(song__in=Song.objects.published())
            .filter(performer_id__in=[performer.pk, *group_ids, *member_ids])
            .select_related("song", "song__work", "performer")
            .order_by("song__release_date", "song__title")
        )
        context["credits"] = credits
        return context
