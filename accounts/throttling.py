import logging

from knox.models import AuthToken
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

log = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    """One budget per API token (so each client system of a body has its own), else per user, else per address.

    The counts live in the shared cache (Redis in production). If Redis is away the request is let through:
    a rate limit is not worth refusing every API call for, and the outage is logged.
    """

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AuthToken):
            ident = f"token-{request.auth.token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            log.warning("API rate limit not applied: the cache (Redis) did not answer: %s", error)
            return True


class PublicRateThrottle(AnonRateThrottle):
    """Anonymous callers of the open-data API: one budget per address (`PUBLIC_API_RATE_LIMIT`).

    Logged-in callers are left to ClientRateThrottle (AnonRateThrottle skips authenticated requests).
    """

    scope = "public"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            log.warning("Open-data rate limit not applied: the cache (Redis) did not answer: %s", error)
            return True
