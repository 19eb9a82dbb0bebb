from django.contrib import admin

from .models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Read-only: reports are issued from the Reports pages, and an issued report never changes."""

    list_display = ["__str__", "period", "version", "state", "issued_by", "issued_at"]
    list_filter = ["state", "period"]
    list_select_related = ["period", "issued_by"]
    exclude = ["snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
