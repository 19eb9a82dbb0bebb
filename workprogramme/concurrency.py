"""Optimistic concurrency: an edit names the version it was made from, and is refused if the row moved on."""

from django.core.exceptions import ValidationError
from django.utils import timezone


class StaleEdit(Exception):
    """Somebody else saved the same record since this edit was started; nothing of this edit was saved."""


class Conflict(Exception):
    """Somebody else created the same record at the same moment; nothing of this request was saved."""


def parse_version(version):
    """The version a form or client sent, as a number; a refusal with a message when it is not one."""
    if version is None or isinstance(version, int):
        return version
    text = str(version).strip()
    # ASCII digits only: isdigit() alone lets "³" through to int(), which would fail; 18 digits fit a bigint.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        shown = str(version)[:20]
        raise ValidationError({"version": f"The form carried version {shown!r}, which is not a version number."})
    return int(text)


def lock_version(queryset, pk, version):
    """Lock the row for this transaction and check that it is still at `version` (None skips the check)."""
    version = parse_version(version)
    obj = queryset.select_for_update(of=("self",)).get(pk=pk)  # only this row: joined rows may be NULL
    if version is not None and obj.version != version:
        latest = obj.history.select_related("history_user").first()
        who = latest.history_user if latest and latest.history_user else "someone else"
        when = timezone.localtime(latest.history_date).strftime("%d %b %Y %H:%M") if latest else "meanwhile"
        raise StaleEdit(
            f"{who} changed this at {when}, after you opened it. Your change was not saved, "
            "so that theirs is not overwritten: reload the page to see the current version, then make it again."
        )
    return obj
