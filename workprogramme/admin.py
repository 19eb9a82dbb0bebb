from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Area,
    Body,
    Initiative,
    InitiativeListing,
    MemberState,
    Outcome,
    OutcomeListing,
    Output,
    Programme,
    Responsibility,
)


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "start_year", "end_year", "adopted_on", "source_document"]
    search_fields = ["code", "title"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "programme", "parent"]
    list_filter = ["programme", "kind"]
    search_fields = ["code", "title"]
    list_select_related = ["programme", "parent"]


class OutcomeListingInline(admin.TabularInline):
    model = OutcomeListing
    extra = 0


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "programme", "source"]
    list_filter = ["programme", "source"]
    search_fields = ["code", "title"]
    inlines = [OutcomeListingInline]
    list_select_related = ["programme", "source"]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["body"]


class ListingInline(admin.StackedInline):
    model = InitiativeListing
    extra = 0


class OutputInline(admin.StackedInline):
    model = Output
    fk_name = "initiative"
    extra = 0
    fields = ["position", "title", "timeline", "timeline_kind", "target_year", "status", "bodies", "delivered_by"]
    raw_id_fields = ["delivered_by"]
    filter_horizontal = ["bodies"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_title", "programme", "timeline", "target_year", "status", "assignment"]
    list_filter = [
        "programme",
        "source",
        "status",
        "timeline_kind",
        "target_year",
        "assignment",
        "per_member_state",
        "responsibilities__body",
        "listings__area",
    ]
    search_fields = ["code", "title", "bodies_as_printed", "outputs__title", "listings__title"]
    list_select_related = ["programme"]
    inlines = [ResponsibilityInline, OutputInline, ListingInline]
    filter_horizontal = ["member_states"]
    readonly_fields = ["timeline_kind", "target_year"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        obj.set_timeline(obj.timeline)
        super().save_model(request, obj, form, change)


@admin.register(Output)
class OutputAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "position", "title", "timeline", "status"]
    list_filter = ["status", "timeline_kind", "target_year"]
    search_fields = ["title", "initiative__code"]
    list_select_related = ["initiative"]
