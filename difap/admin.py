from django.contrib import admin

from .models import ImplementationRecord


@admin.register(ImplementationRecord)
class ImplementationRecordAdmin(admin.ModelAdmin):
    list_display = ["initiative", "output", "as_of"]
    list_filter = ["as_of"]
    search_fields = ["initiative__code", "text"]
    list_select_related = ["initiative", "output"]
    raw_id_fields = ["initiative", "output"]
