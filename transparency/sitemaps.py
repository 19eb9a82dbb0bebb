"""The public pages of negotiations in the open, for sitemap.xml (reports/sitemaps.py gathers every section)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Consultation, Document, DocumentVersion, Negotiation


class TransparencyPagesSitemap(Sitemap):
    def items(self):
        return [
            "transparency:negotiation_list",
            "transparency:consultation_list",
            "transparency:meeting_list",
            "transparency:stakeholders",
        ]

    def location(self, item):
        return reverse(item)


class NegotiationSitemap(Sitemap):
    def items(self):
        return Negotiation.objects.order_by("code")


class RegisterSitemap(Sitemap):
    """Every register entry has a public page (restricted ones say why); versions only when public."""

    def items(self):
        return Document.objects.order_by("pk")


class VersionSitemap(Sitemap):
    def items(self):
        return DocumentVersion.objects.public().order_by("pk")

    def lastmod(self, item):
        return item.disclosed_at


class ConsultationSitemap(Sitemap):
    def items(self):
        return Consultation.objects.public().order_by("pk")


SITEMAPS = {
    "negotiations-pages": TransparencyPagesSitemap,
    "negotiations": NegotiationSitemap,
    "register": RegisterSitemap,
    "register-versions": VersionSitemap,
    "consultations": ConsultationSitemap,
}
