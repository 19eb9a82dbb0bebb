"""Atom feeds of newly accepted progress: everything, or one programme's, one body's or one Member State's.

Items come from Update.objects.public() only and say only what Update.PUBLIC_FIELDS allow (the body, never the
people); each feed is the latest FEED_SIZE items, read in a fixed number of queries.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from workprogramme.models import Body, MemberState, Programme

from .models import Update

FEED_SIZE = 50
RELATED_FIELDS = ("period__code", "initiative__code", "initiative__title", "body__acronym", "body__name")


def latest_public(updates):
    # Only PUBLIC_FIELDS are loaded: an author or reviewer cannot reach a feed even by a template slip.
    return (
        updates.select_related("period", "initiative", "body")
        .only(
            *Update.PUBLIC_FIELDS,
            "period__code",
            "initiative__code",
            "initiative__title",
            "body__acronym",
            "body__name",
        )
        .order_by("-reviewed_at", "-pk")[:FEED_SIZE]
    )


def reported_by(item):
    """The body that reported; the 2019 baseline came from the plan's own document, not from a body."""
    if item.body is None:
        return "DIFAP's mid-2019 implementation status" if item.baseline else "ASEAN Secretariat"
    return item.body.acronym


class ProgressFeed(Feed):
    feed_type = Atom1Feed
    title = "Accepted progress on ASEAN's digital action plans"
    subtitle = "Progress updates accepted by ACCEC's reviewers, newest first."

    def link(self):
        return reverse("workprogramme:initiative_list")

    def updates(self, obj):
        return Update.objects.public()

    def items(self, obj):
        return latest_public(self.updates(obj))

    def item_title(self, item):
        progress = f", {item.progress}%" if item.progress is not None else ""
        return f"{item.initiative.code} {item.period.code}: {item.get_status_display()}{progress} ({reported_by(item)})"

    def item_description(self, item):
        source = f"{item.body.name} ({item.body.acronym})" if item.body else reported_by(item)
        parts = [f"{item.initiative.title}. Reported by {source}."]
        if item.narrative:
            parts.append(item.narrative)
        if item.reason_explanation:
            parts.append(f"Reason: {item.get_reason_display()}. {item.reason_explanation}")
        return "\n\n".join(parts)

    def item_link(self, item):
        return f"{item.initiative.get_absolute_url()}#{item.period.code}"

    def item_guid(self, item):
        return f"update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.reviewed_at

    def item_updateddate(self, item):
        return item.reviewed_at

    def item_author_name(self, item):
        return reported_by(item)  # the public sees the body, never the person


class ProgrammeProgressFeed(ProgressFeed):
    def get_object(self, request, code):
        return get_object_or_404(Programme, code=code)

    def title(self, obj):
        return f"Accepted progress on {obj.code}"

    def link(self, obj):
        return obj.get_absolute_url()

    def updates(self, obj):
        in_programme = Q(initiative__programme=obj) | Q(initiative__listings__programme=obj)
        return Update.objects.public().filter(pk__in=Update.objects.filter(in_programme).values("pk"))


class BodyProgressFeed(ProgressFeed):
    def get_object(self, request, acronym):
        return get_object_or_404(Body, acronym__iexact=acronym)

    def title(self, obj):
        return f"Accepted progress reported by {obj.acronym}"

    def updates(self, obj):
        return Update.objects.public().filter(body=obj)


class MemberStateProgressFeed(ProgressFeed):
    def get_object(self, request, code):
        return get_object_or_404(MemberState, code__iexact=code)

    def title(self, obj):
        return f"Accepted progress on {obj.name}"

    def updates(self, obj):
        with_state = Update.objects.filter(member_state_progress__member_state=obj).values("pk")
        return Update.objects.public().filter(pk__in=with_state)
