"""The home page's "Latest published report" block: fed here, so the home view need not know about reports."""

from django import template

from reports.models import ProgressReport

register = template.Library()


@register.simple_tag
def latest_published_report():
    """The newest public report (one query), or None."""
    return ProgressReport.objects.public().select_related("period", "programme").order_by("-published_at").first()
