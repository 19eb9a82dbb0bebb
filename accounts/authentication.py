"""Passwords on the API (HTTP Basic) under the same brute-force lockout as the login pages (django-axes)."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.shortcuts import render
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions

API_PREFIX = "/api/"


class _BasicCredentials(authentication.BasicAuthentication):
    """DRF's own parsing of the Authorization header, giving back (username, password) instead of a user."""

    def authenticate_credentials(self, userid, password, request=None):
        return userid, password


class BasicCredentialsMiddleware:
    """Checks HTTP Basic credentials before the view's transaction opens, and leaves the outcome on the request.

    With ATOMIC_REQUESTS, DRF rolls the request's transaction back when it answers 401, and with it django-axes'
    record of the failed attempt (jazzband/django-axes#611): a password guesser would never be locked out.
    Checked here, outside that transaction, every failure is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            credentials = _BasicCredentials().authenticate(request)
        except exceptions.AuthenticationFailed:
            credentials = None  # a malformed header: DRF answers it with its own message
        if credentials is not None:
            username, password = credentials
            request.basic_credentials = (username, authenticate(request, username=username, password=password))
        return self.get_response(request)


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's HTTP Basic, taking the outcome BasicCredentialsMiddleware recorded rather than checking twice."""

    def authenticate_credentials(self, userid, password, request=None):
        checked = getattr(request, "basic_credentials", None)
        if checked is None or checked[0] != userid:
            return super().authenticate_credentials(userid, password, request)
        user = checked[1]
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (user, None)


class LockoutBasicScheme(BasicScheme):
    """In the OpenAPI schema, the API's HTTP Basic is plain HTTP Basic."""

    target_class = "accounts.authentication.BasicAuthentication"


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed logins for this account from your address: it is locked for {minutes} minutes "
        "after the last attempt. Try again later, or ask an administrator to unlock it."
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: JSON 403 on the API, a 429 page in the site's design elsewhere."""
    if request.path.startswith(API_PREFIX):
        # 403, as for any refused credentials: API clients treat 429 as "slow down and retry", which is not the fix.
        response = JsonResponse({"detail": lockout_message()}, status=403)
    else:
        response = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
