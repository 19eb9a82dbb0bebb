"""Optimistic concurrency: an edit names the version it was made from, and is refused if the row moved on."""

from django.utils import timezone


class StaleEdit(Exception):
    """Somebody else saved the same record since this edit was started; nothing of this edit was saved."""


def lock_version(queryset, pk, version):
    """Lock the row for this transaction and check that it is still at `version` (None skips the check)."""
    obj = queryset.select_for_update(of=("self",)).get(pk=pk)  # only this row: joined rows may be NULL
    if version is not None and obj.version != int(version):
        latest = obj.history.select_related("history_user").first()
        who = latest.history_user if latest and latest.history_user else "someone else"
        when = timezone.localtime(latest.history_date).strftime("%d %b %Y %H:%M") if latest else "meanwhile"
        raise StaleEdit(
            f"{who} changed this at {when}, after you opened it. Your change was not saved, "
            "so that theirs is not overwritten: reload the page to see the current version, then make it again."
        )
    return obj
