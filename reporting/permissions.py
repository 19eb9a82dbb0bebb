"""Who may do what in the reporting cycle. The browser and the API both go through these."""

from django.core.exceptions import PermissionDenied

from workprogramme.models import Responsibility


def responsible_bodies(initiative, output=None):
    """Bodies that lead, implement or are consulted on the line, or that hold the output."""
    ids = set(Responsibility.objects.filter(initiative=initiative).values_list("body_id", flat=True))
    if output is not None:
        ids |= set(output.bodies.values_list("pk", flat=True))
    else:
        ids |= set(initiative.outputs.values_list("bodies", flat=True)) - {None}
    return ids


def is_secretariat(user):
    return user.is_authenticated and user.is_secretariat


def is_reviewer(user):
    return user.is_authenticated and user.is_reviewer


def check_can_file(user, initiative, output, body):
    """A body's own people file for lines their body is responsible for; the Secretariat for any such body."""
    if body is None:
        raise PermissionDenied("An update must be filed for an implementing body.")
    if body.pk not in responsible_bodies(initiative, output):
        raise PermissionDenied(f"{body.acronym} is not responsible for {initiative.code}, so it cannot report on it.")
    if is_secretariat(user):
        return
    # Observers may belong to a body too, but only its reporters (and ACCEC's reviewer for ACCEC) file for it.
    if user.is_authenticated and user.body_id == body.pk and user.role in (user.Role.REPORTER, user.Role.REVIEWER):
        return
    raise PermissionDenied(
        f"Only {body.acronym}'s own reporters or the ASEAN Secretariat can file {body.acronym}'s updates."
    )


def can_file(user, initiative, output, body):
    try:
        check_can_file(user, initiative, output, body)
    except PermissionDenied:
        return False
    return True


def check_can_edit(user, update):
    check_can_file(user, update.initiative, update.output, update.body)


def check_can_review(user, update):
    if not is_reviewer(user):
        raise PermissionDenied("Only ACCEC reviewers can accept or return updates.")
    if update.body_id is not None and user.body_id == update.body_id:
        raise PermissionDenied(f"A body cannot review its own update: another reviewer must review {update.body}'s.")


def can_review(user, update):
    try:
        check_can_review(user, update)
    except PermissionDenied:
        return False
    return True


def check_can_manage_periods(user):
    if not is_secretariat(user):
        raise PermissionDenied("Only ASEAN Secretariat staff can open, close or review reporting periods.")


def check_can_remove_evidence(user, update):
    """The Secretariat may take evidence off any update; the filing body only off one it can still add evidence to."""
    if is_secretariat(user):
        return
    check_can_edit(user, update)
    if not (update.is_editable or update.state == update.State.SUBMITTED):
        raise PermissionDenied(
            f"This update is {update.get_state_display().lower()}: only the ASEAN Secretariat can take evidence "
            "off it, and must say why."
        )


def can_remove_evidence(user, update):
    try:
        check_can_remove_evidence(user, update)
    except PermissionDenied:
        return False
    return True


def evidence_removal_needs_reason(user, update):
    """A reason is owed by anyone but the body changing its own editable update: a reviewer may have seen it."""
    return not update.is_editable or user.body_id != update.body_id


def check_can_set_disclosure(user, update):
    """Who decides whether the public may open a piece of evidence, and when.

    The filing body proposes, while it can still add evidence; an ACCEC reviewer who may review the update changes
    the proposal before accepting it (accepting confirms it); once accepted, only the ASEAN Secretariat changes it.
    """
    if is_secretariat(user):
        return
    if update.state == update.State.SUBMITTED and can_review(user, update):
        return
    if update.is_editable or update.state == update.State.SUBMITTED:
        check_can_edit(user, update)
        return
    raise PermissionDenied(
        f"This update is {update.get_state_display().lower()}: only the ASEAN Secretariat can change whether the "
        "public may open its evidence."
    )


def can_set_disclosure(user, update):
    try:
        check_can_set_disclosure(user, update)
    except PermissionDenied:
        return False
    return True
