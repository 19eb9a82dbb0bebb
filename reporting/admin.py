from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Comment, Evidence, ExpectedReport, MemberStateProgress, Period, Reminder, Update


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "state", "deadline", "opened_at", "closed_at"]
    list_filter = ["state", "year"]
    readonly_fields = ["code", "state", "opened_at", "closed_at"]  # state changes go through the services


@admin.register(ExpectedReport)
class ExpectedReportAdmin(admin.ModelAdmin):
    list_display = ["period", "body", "initiative", "output", "carried_over"]
    list_filter = ["period", "body", "carried_over"]
    search_fields = ["initiative__code", "body__acronym"]
    list_select_related = ["period", "body", "initiative", "output"]


class MemberStateProgressInline(admin.TabularInline):
    model = MemberStateProgress
    extra = 0
    readonly_fields = ["member_state", "status"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ["kind", "title", "url", "filename", "size", "sha256", "added_by", "added_at"]
    exclude = ["file", "content_type"]


@admin.register(Update)
class UpdateAdmin(SimpleHistoryAdmin):
    """Read-only here: filing and review go through the reporting pages and API, which apply the rules."""

    list_display = ["period", "body", "initiative", "output", "status", "progress", "state", "late", "baseline"]
    list_filter = ["period", "state", "status", "late", "baseline", "reason", "body"]
    search_fields = ["initiative__code", "narrative", "body__acronym"]
    list_select_related = ["period", "body", "initiative", "output"]
    inlines = [MemberStateProgressInline, EvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["update", "author", "created_at"]
    list_select_related = ["update__period", "update__initiative", "update__body", "author"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["period", "body", "step", "sent_at"]
    list_filter = ["period", "step"]
