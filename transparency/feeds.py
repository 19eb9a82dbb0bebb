"""The Atom feed of newly published register documents and versions: the public selectors only, latest 50."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import Document, DocumentVersion

FEED_SIZE = 50


class PublishedDocumentsFeed(Feed):
    feed_type = Atom1Feed
    title = "Negotiations in the open: newly published documents"
    subtitle = "Documents disclosed public and new public versions of negotiating texts, newest first."

    def link(self):
        return reverse("transparency:negotiation_list")

    def items(self):
        documents = [
            (timezone.make_aware(datetime.combine(d.public_since, time.min)), d)
            for d in Document.objects.public()
            .select_related("negotiation")
            .order_by("-public_since", "-pk")[:FEED_SIZE]
        ]
        versions = [
            (v.disclosed_at, v)
            for v in DocumentVersion.objects.public()
            .select_related("document__negotiation")
            .order_by("-disclosed_at", "-pk")[:FEED_SIZE]
        ]
        return [item for _, item in sorted(documents + versions, key=lambda pair: pair[0], reverse=True)][:FEED_SIZE]

    def item_title(self, item):
        if isinstance(item, DocumentVersion):
            return f"{item.document.negotiation.code}: {item.document.title}, version {item.number}"
        return f"{item.negotiation.code}: {item.title} (disclosed public)"

    def item_description(self, item):
        if isinstance(item, DocumentVersion):
            return item.label or f"Version {item.number} of {item.document.title}."
        return item.description or item.get_kind_display()

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{type(item).__name__.lower()}-{item.pk}"

    def item_pubdate(self, item):
        if isinstance(item, DocumentVersion):
            return item.disclosed_at
        return timezone.make_aware(datetime.combine(item.public_since, time.min))

    def item_author_name(self, item):
        return "ASEAN Secretariat"
