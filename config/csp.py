"""The site's Content-Security-Policy middleware: django-csp's, with one allowance for DRF's browsable API."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from rest_framework.renderers import BrowsableAPIRenderer


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """DRF's browsable API pages (/api/v1/ in a browser) lay out a few buttons with style="..." attributes.

    Those pages, and only those, may use inline styles; scripts stay refused everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
