"""The Atom feed of published progress reports: ProgressReport.objects.public() only, latest 50."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import ProgressReport

FEED_SIZE = 50


class PublishedReportsFeed(Feed):
    feed_type = Atom1Feed
    title = "ACCEC progress reports on ASEAN's digital action plans"
    subtitle = "Progress reports published by the ASEAN Secretariat, newest first."

    def link(self):
        return reverse("reports:report_list")

    def items(self):
        return (
            ProgressReport.objects.public()
            .select_related("period", "programme")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.title} ({item.period}, version {item.version})"

    def item_description(self, item):
        return item.executive_summary or f"ACCEC's progress report on {item.programme.code} for {item.period}."

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return "ACCEC"
