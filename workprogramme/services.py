"""Changes to the catalogue made by people (loading from the documents is in loading.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .concurrency import lock_version
from .models import Initiative, Status


def can_edit_catalogue(user):
    return user.is_authenticated and getattr(user, "is_secretariat", False)


@transaction.atomic
def initiative_set_status(*, user, initiative, status, version):
    """Secretariat staff set a line's current status directly (e.g. correcting it between reports)."""
    if not can_edit_catalogue(user):
        raise PermissionDenied("Only ASEAN Secretariat staff can change an initiative's status directly.")
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    initiative = lock_version(Initiative.objects, initiative.pk, version)
    if initiative.status == status:
        return initiative
    initiative.status = status
    initiative.version += 1
    initiative._history_user = user
    initiative._change_reason = "Status set by the Secretariat"
    initiative.save(update_fields=["status", "version"])
    return initiative
