from knox.models import AuthToken
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per API token (so each client system of a body has its own), else per user, else per address."""

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AuthToken):
            ident = f"token-{request.auth.token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicRateThrottle(AnonRateThrottle):
    """Anonymous callers of the open-data API: one budget per address (`PUBLIC_API_RATE_LIMIT`).

    Logged-in callers are left to ClientRateThrottle (AnonRateThrottle skips authenticated requests).
    """

    scope = "public"
