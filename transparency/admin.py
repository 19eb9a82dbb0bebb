"""The admin keeps the catalogue of negotiations; disclosure decisions, versions, moderation and answers go through
the pages or the API, which call the services (so they are checked and logged): here those fields are read only."""

from django.contrib import admin

from .models import (
    Chapter,
    Consultation,
    DisclosureDecision,
    DisclosureRequest,
    Document,
    DocumentVersion,
    Meeting,
    Negotiation,
    Organisation,
    Response,
    Round,
)


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0


@admin.register(Negotiation)
class NegotiationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "state", "launched_on"]
    filter_horizontal = ["programmes", "initiatives"]
    inlines = [RoundInline, ChapterInline]


class DecisionInline(admin.TabularInline):
    model = DisclosureDecision
    extra = 0
    can_delete = False
    readonly_fields = ["decided_at", "decided_by", "from_state", "to_state", "reason", "explanation", "review_on"]

    def has_add_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ["number", "label", "dated", "filename", "disclosed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "negotiation", "kind", "disclosure", "review_on"]
    list_filter = ["negotiation", "kind", "disclosure"]
    search_fields = ["title", "author"]
    readonly_fields = [
        "disclosure",
        "public_since",
        "restriction_reason",
        "restriction_explanation",
        "review_on",
    ]
    inlines = [VersionInline, DecisionInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "scope", "kind"]
    list_filter = ["scope", "kind", "country"]
    search_fields = ["name"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "negotiation", "opens_on", "closes_on", "published"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class SubmissionAdmin(admin.ModelAdmin):
    """What the public sent, with their names and emails: for staff only, read only (moderate on the to-do page)."""

    list_display = ["__str__", "submitted_at", "moderation"]
    list_filter = ["moderation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(DisclosureRequest, SubmissionAdmin)
admin.site.register(Response, SubmissionAdmin)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["subject", "negotiation", "held_on", "held_with"]
    list_filter = ["negotiation", "held_with"]
    filter_horizontal = ["organisations"]
    autocomplete_fields = ["agenda", "minutes"]
