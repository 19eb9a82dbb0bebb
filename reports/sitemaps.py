"""sitemap.xml: the public pages, the catalogue and the published reports (ProgressReport.objects.public())."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from transparency.sitemaps import SITEMAPS as TRANSPARENCY_SITEMAPS
from workprogramme.models import Body, Initiative, MemberState, Programme

from .models import ProgressReport


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "workprogramme:initiative_list",
            "workprogramme:member_state_list",
            "workprogramme:body_list",
            "opendata:index",
            "reports:report_list",
        ]

    def location(self, item):
        return reverse(item)


class ProgrammeSitemap(Sitemap):
    def items(self):
        return Programme.objects.order_by("code")


class InitiativeSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Initiative.objects.only("pk", "code").order_by("code")


class MemberStateSitemap(Sitemap):
    def items(self):
        return MemberState.objects.order_by("position")


class BodySitemap(Sitemap):
    def items(self):
        return Body.objects.order_by("acronym")


class ReportSitemap(Sitemap):
    def items(self):
        return ProgressReport.objects.public().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {
    "pages": StaticSitemap,
    "programmes": ProgrammeSitemap,
    "initiatives": InitiativeSitemap,
    "member-states": MemberStateSitemap,
    "bodies": BodySitemap,
    "reports": ReportSitemap,
    **TRANSPARENCY_SITEMAPS,
}
