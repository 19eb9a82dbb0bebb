"""API tokens for client systems: issued, listed and revoked here; stored hashed by django-rest-knox."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from knox.models import AuthToken

MAX_EXPIRY_DAYS = 3650


def token_issue(*, user, expires_days=None):
    """Issue a token for `user`; returns (token record, the key: shown once, never stored in clear)."""
    if not user.is_active:
        raise ValidationError(f"{user} is not active: no token can be issued.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ValidationError({"expires_days": f"Give an expiry between 1 and {MAX_EXPIRY_DAYS} days, or none."})
    expiry = timedelta(days=expires_days) if expires_days else None
    return AuthToken.objects.create(user=user, expiry=expiry)


def token_revoke(*, user, token_key):
    token = AuthToken.objects.filter(token_key=token_key).first()
    if token is None:
        raise ValidationError("No such token.")
    if token.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied("You can only revoke your own tokens.")
    token.delete()
