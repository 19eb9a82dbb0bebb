import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import JSONField, Value
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotentRequest

HEADER = "Idempotency-Key"


def _fingerprint(request):
    """SHA-256 of what was asked: method, path and body; for uploads, the fields and each file's own hash."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type.startswith("multipart/"):
        # Django refuses to hand over the raw body of a large upload (and it would sit in memory).
        for name in sorted(request.data.keys()):
            if name in request.FILES:
                for upload in request.FILES.getlist(name):
                    file_digest = hashlib.sha256()
                    for chunk in upload.chunks():
                        file_digest.update(chunk)
                    upload.seek(0)
                    digest.update(f"{name}={upload.name}:{upload.size}:{file_digest.hexdigest()}\n".encode())
            else:
                digest.update(f"{name}={request.data.getlist(name)}\n".encode())
    else:
        digest.update(request._request.body)  # the bytes sent, before parsing
    return digest.hexdigest()


def idempotent(view_method):
    """For a DRF view method: the same key with the same request gives the stored answer, never a second action.

    The same key with a different request is refused (422): a key names one request, not a session.
    Answers of 5xx are not stored, so that a retry after a server fault really retries.
    """

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        return _answer(view_method, view, request, *args, **kwargs)

    return wrapper


def _answer(view_method, view, request, *args, **kwargs):
    """The stored answer to this request's key, or the view's own answer, stored for the next retry."""
    key = request.headers.get(HEADER)
    if not key:
        return view_method(view, request, *args, **kwargs)
    if len(key) > 255:
        return Response({"detail": f"{HEADER} is at most 255 characters."}, status=status.HTTP_400_BAD_REQUEST)
    fingerprint = _fingerprint(request)
    previous = IdempotentRequest.objects.filter(user=request.user, key=key).first()
    if previous is not None:
        if previous.fingerprint != fingerprint:
            return Response(
                {"detail": f"This {HEADER} was already used for a different request; use a new key."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(previous.response, status=previous.status_code, headers={"Idempotent-Replayed": "true"})
    try:
        # Claim the key first: a second copy arriving meanwhile waits on the unique key, then is told so.
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path[:500],
                fingerprint=fingerprint,
                status_code=0,
                response={},
            )
    except IntegrityError:
        return Response(
            {"detail": f"A request with this {HEADER} is in progress; retry in a moment."},
            status=status.HTTP_409_CONFLICT,
        )
    try:
        with transaction.atomic():  # the view's own work, undone alone if it fails
            response = view_method(view, request, *args, **kwargs)
    except Exception as error:  # DRF turns validation, permission and 404 errors into answers
        response = view.handle_exception(error)
        # DRF marks the request's transaction for rollback on an error; the view's work is already undone
        # (its savepoint above), and the claim must stay so that a retry gets this same answer.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(False)
    if response.status_code >= 500:
        claim.delete()  # a server fault is not an answer to replay: a retry really retries
    else:
        claim.status_code = response.status_code
        rendered = JSONRenderer().render(response.data)
        # An answer without a body (204) is kept as JSON null: None alone would be SQL NULL, which the column refuses.
        claim.response = json.loads(rendered) if rendered else Value(None, JSONField())
        claim.save(update_fields=["status_code", "response"])
    return response
