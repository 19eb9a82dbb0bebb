"""sitemap.xml: the public pages, the catalogue and the published reports (ProgressReport.objects.public())."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from workprogramme.models import Initiative, Programme

from .models import ProgressReport


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "workprogramme:initiative_list", "reports:report_list"]

    def location(self, item):
        return reverse(item)


class ProgrammeSitemap(Sitemap):
    def items(self):
        return Programme.objects.order_by("code")


class InitiativeSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Initiative.objects.only("pk", "code").order_by("code")


class ReportSitemap(Sitemap):
    def items(self):
        return ProgressReport.objects.public().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {
    "pages": StaticSitemap,
    "programmes": ProgrammeSitemap,
    "initiatives": InitiativeSitemap,
    "reports": ReportSitemap,
}
