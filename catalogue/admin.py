from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Credit, ListenLink, Membership, Milestone, Network, Performer, Song, Source, Work


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "slug"]
    search_fields = ["publisher", "title", "url", "slug"]
    prepopulated_fields = {"slug": ["publisher", "title"]}


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ko", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ko"]
    prepopulated_fields = {"slug": ["name"]}


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["performer"]


class SongInline(admin.StackedInline):
    model = Song
    extra = 0
    show_change_link = True
    fields = ["title", "title_ko", "slug", "role", "is_signature", "ost_part", "release_date"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Work)
class WorkAdmin(SimpleHistoryAdmin):
    list_display = ["title", "title_ko", "year", "kind", "network", "status"]
    list_filter = ["status", "kind", "network", "year"]
    list_select_related = ["network"]
    search_fields = ["title", "title_ko", "alternative_titles", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "sources"]
    filter_horizontal = ["also_on"]
    inlines = [SongInline]
    date_hierarchy = "first_aired"


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["sources"]


class ListenLinkInline(admin.TabularInline):
    model = ListenLink
    extra = 0


@admin.register(Song)
class SongAdmin(SimpleHistoryAdmin):
    list_display = ["title", "title_ko", "work", "ost_part", "role", "is_signature"]
    list_filter = ["role", "is_signature", "work__kind"]
    list_select_related = ["work"]
    search_fields = ["title", "title_ko", "slug", "work__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["work", "remake_of", "sources"]
    inlines = [CreditInline, MilestoneInline, ListenLinkInline]


class MemberInline(admin.TabularInline):
    model = Membership
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = "member"
    verbose_name_plural = "members"


class GroupInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["group"]
    verbose_name = "group"
    verbose_name_plural = "groups"


@admin.register(Performer)
class PerformerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_ko", "kind", "is_fictional"]
    list_filter = ["kind", "is_fictional"]
    search_fields = ["name", "name_ko", "real_name", "real_name_ko", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    inlines = [MemberInline, GroupInline]
