"""Every change in the reporting cycle, for the browser, the API and the Celery tasks alike.

Each service checks permission, validates, saves atomically with the acting user on the history record,
and queues its notification once the transaction commits.
"""

import hashlib
import math
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from outbox.services import enqueue
from workprogramme.concurrency import Conflict, StaleEdit, lock_version
from workprogramme.models import CLOSED_STATUSES, Initiative, MemberState, Status

from . import permissions
from .limits import NOTE_MAX_LENGTH, length_error
from .models import (
    Comment,
    Evidence,
    ExpectedReport,
    MemberStateProgress,
    Period,
    PeriodEvent,
    Reason,
    Update,
    evidence_path,
)

UPDATE_FIELDS = ["status", "progress", "as_of", "narrative", "next_steps", "blockers", "reason", "reason_explanation"]
REASONED_STATUSES = (Status.DELAYED, Status.DISCONTINUED)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    # extension: (content type, check of the file's first bytes and, for Office files, its parts)
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


# Django's URLValidator lets `"`, `<`, `>`, `'` and backslashes through, but RFC 3986 (the API schema's `format: uri`)
# does not: a link holding them must be percent-encoded (%22, %3C...) by whoever files it.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]*")
URL_CHARACTERS_MESSAGE = (
    "Percent-encode spaces, quotes, angle brackets and other characters not allowed in a URL (e.g. %20, %22, %3C)."
)


class NotOnThisUpdate(ValidationError):
    """A decision named evidence that is not on the update: well formed, naming nothing here (the API's 404)."""


class WrongState(ValidationError):
    """A workflow step the update's state does not allow (submit a submitted one, accept a draft...): the request was
    well formed, so the API answers 409 Conflict rather than 400; the browser shows the message as for any refusal."""


def _queue(task, *args):
    """Run the task after the commit, through the outbox: recorded in this transaction, so never lost."""
    enqueue(task, *args)


def _stamp(obj, user, reason=""):
    """Name the acting user on the history record, whether the change came from the browser, the API or a task."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason


# Periods -------------------------------------------------------------------------------------------------------


@transaction.atomic
def period_create(*, user, year, half, deadline=None):
    permissions.check_can_manage_periods(user)
    if half not in (1, 2):
        raise ValidationError({"half": "A period is the first (1) or the second (2) half of a year."})
    if Period.objects.filter(year=year, half=half).exists():
        raise ValidationError({"half": f"Period {Period.make_code(year, half)} already exists."})
    period = Period(year=year, half=half, deadline=deadline or Period.default_deadline(year, half))
    if period.deadline < period.starts_on:
        raise ValidationError({"deadline": "The deadline cannot fall before the period starts."})
    _stamp(period, user)
    period.save()
    return period


def expected_lines(period):
    """(initiative, output, body, carried_over) for every line active in the period, per responsible lead body.

    Active: not completed or discontinued, and its plan had started by the period. A line whose plan has
    ended stays expected, marked carried over, until it is completed.
    """
    initiatives = (
        Initiative.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(programme__start_year__lte=period.year)
        .select_related("programme")
        .prefetch_related("responsibilities__body", "outputs__bodies")
    )
    lines = []
    for initiative in initiatives:
        carried_over = period.year > initiative.programme.end_year
        lead = next((r.body for r in initiative.responsibilities.all() if r.role == "lead"), None)
        if lead:
            lines.append((initiative, None, lead, carried_over))
        for output in initiative.outputs.all():
            holders = list(output.bodies.all())
            # An output held by bodies other than the line's lead is reported by those bodies (CRISP by the SLC).
            # An output that is another line's deliverable is reported on that line: never asked for twice.
            if holders and lead not in holders and output.status not in CLOSED_STATUSES and not output.delivered_by_id:
                lines += [(initiative, output, body, carried_over) for body in holders]
    return lines


def _log(period, user, action, reason=""):
    PeriodEvent.objects.create(period=period, action=action, by=user, reason=reason)


def period_outstanding(period):
    """What is still missing in a period, said before it is closed: (reports not received, updates awaiting review,
    drafts not submitted). Three counts, two queries."""
    missing = ExpectedReport.objects.filter(period=period).missing().count()
    states = dict(
        Update.objects.filter(period=period, state__in=[Update.State.SUBMITTED, Update.State.DRAFT])
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return missing, states.get(Update.State.SUBMITTED, 0), states.get(Update.State.DRAFT, 0)


@transaction.atomic
def period_open(*, user, period):
    """Open a period for filing and fix the list of reports each body owes in it."""
    permissions.check_can_manage_periods(user)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.UPCOMING:
        raise ValidationError(
            f"{period} is {period.get_state_display().lower()}: only an upcoming period can be opened."
        )
    if Period.objects.filter(state=Period.State.OPEN).exclude(pk=period.pk).exists():
        raise ValidationError("Another period is open: close it before opening this one.")
    ExpectedReport.objects.bulk_create(
        [
            ExpectedReport(period=period, initiative=i, output=o, body=b, carried_over=c)
            for i, o, b, c in expected_lines(period)
        ],
        ignore_conflicts=True,
    )
    period.state = Period.State.OPEN
    period.opened_at = timezone.now()
    _stamp(period, user)
    period.save()
    _log(period, user, PeriodEvent.Action.OPENED)
    from .tasks import notify_period_opened

    _queue(notify_period_opened, period.pk)
    return period


@transaction.atomic
def period_close(*, user, period):
    permissions.check_can_manage_periods(user)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.OPEN:
        raise ValidationError(f"{period} is not open.")
    period.state = Period.State.CLOSED
    period.closed_at = timezone.now()
    _stamp(period, user)
    period.save()
    _log(period, user, PeriodEvent.Action.CLOSED)
    return period


MAX_REOPEN_REASON = PeriodEvent._meta.get_field("reason").max_length


@transaction.atomic
def period_reopen(*, user, period, reason):
    """Reopen a closed period for filing, saying why (logged), until it is marked reviewed."""
    permissions.check_can_manage_periods(user)
    period = Period.objects.select_for_update().get(pk=period.pk)
    reason = (reason or "").strip()
    if period.state != Period.State.CLOSED:
        raise ValidationError(
            f"{period} is {period.get_state_display().lower()}: only a closed period, not yet reviewed,"
            " can be reopened."
        )
    if not reason:
        raise ValidationError({"reason": "Say why the period is reopened: bodies and reviewers will read it."})
    if "\x00" in reason:
        raise ValidationError({"reason": "Null characters are not allowed."})
    if len(reason) > MAX_REOPEN_REASON:
        raise ValidationError(
            {"reason": f"Keep the reason to {MAX_REOPEN_REASON:,} characters; it has {len(reason):,}."}
        )
    if Period.objects.filter(state=Period.State.OPEN).exists():
        raise ValidationError("Another period is open: close it before reopening this one.")
    period.state = Period.State.OPEN
    period.closed_at = None
    _stamp(period, user, "Reopened")
    period.save()
    _log(period, user, PeriodEvent.Action.REOPENED, reason)
    return period


@transaction.atomic
def period_mark_reviewed(*, user, period):
    permissions.check_can_manage_periods(user)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.CLOSED:
        raise ValidationError(f"{period} must be closed before it is marked reviewed.")
    if period.updates.awaiting_review().exists():
        raise ValidationError(f"{period} still has updates awaiting review.")
    period.state = Period.State.REVIEWED
    _stamp(period, user)
    period.save()
    _log(period, user, PeriodEvent.Action.REVIEWED)
    return period


# Updates -------------------------------------------------------------------------------------------------------


def validate_update(*, period, initiative, values, member_states):
    """The rules an update's content must meet; raises ValidationError naming each field at fault."""
    errors = {}
    for field in ("narrative", "next_steps", "blockers", "reason_explanation"):
        if message := length_error(Update, field, values.get(field)):
            errors[field] = message
    status, progress = values.get("status"), values.get("progress")
    if status not in Status.values:
        errors["status"] = "Choose a status."
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = "Progress is a percentage between 0 and 100."
    elif progress == 100 and status != Status.COMPLETED:
        errors["progress"] = "Progress can only be 100% when the status is Completed."
    elif status == Status.COMPLETED and progress != 100:
        errors["progress"] = f"A completed line is 100% done; you entered {progress}%."
    if values.get("reason") and values["reason"] not in Reason.values:
        errors["reason"] = f"Unknown reason {values['reason']!r}: choose one from the list."
    elif status in REASONED_STATUSES:
        if not values.get("reason"):
            errors["reason"] = f"Say why the line is {Status(status).label.lower()}: choose a reason."
        if not (values.get("reason_explanation") or "").strip():
            errors["reason_explanation"] = "Explain the reason in a sentence or two."
    elif values.get("reason"):
        errors["reason"] = "A reason is only given for a delayed or discontinued line."
    as_of = values.get("as_of")
    if as_of and not period.starts_on <= as_of <= period.ends_on:
        errors["as_of"] = (
            f"{as_of:%d %b %Y} is outside {period} ({period.starts_on:%d %b %Y} to {period.ends_on:%d %b %Y})."
        )
    if member_states:
        known = set(MemberState.objects.values_list("code", flat=True))
        unknown = sorted(set(member_states) - known)
        wrong = sorted({s for s in member_states.values() if s not in MemberStateProgress.Status.values})
        if not initiative.per_member_state:
            errors["member_states"] = f"{initiative.code} is not tracked per Member State."
        elif unknown:
            errors["member_states"] = f"Unknown Member State code(s): {', '.join(unknown)}. Use ISO codes such as VN."
        elif wrong:
            errors["member_states"] = f"Unknown status(es): {', '.join(wrong)}."
    if errors:
        raise ValidationError(errors)


def _clean_values(values):
    """Blank text for missing text fields; numbers and dates stay None when not given."""
    return {k: ("" if v is None and k not in ("progress", "as_of") else v) for k, v in values.items()}


def _check_period_takes_filings(period):
    if not period.takes_filings:
        raise ValidationError({"period": f"{period} is {period.get_state_display().lower()}: it takes no filings."})


def _write_member_states(update, member_states):
    if member_states is None:
        return
    states = {m.code: m for m in MemberState.objects.filter(code__in=member_states)}
    update.member_state_progress.exclude(member_state__code__in=list(member_states)).delete()
    for code, status in member_states.items():
        MemberStateProgress.objects.update_or_create(
            update=update, member_state=states[code], defaults={"status": status}
        )


@transaction.atomic
def update_create(*, user, period, initiative, body, values, output=None, member_states=None, submit=False):
    """File a new update (a draft, or submitted at once)."""
    permissions.check_can_file(user, initiative, output, body)
    _check_period_takes_filings(period)
    if output is not None and output.initiative_id != initiative.pk:
        raise ValidationError({"output": f"That output does not belong to {initiative.code}."})
    if output is not None and output.delivered_by_id:
        raise ValidationError(
            {"output": f"Report this output on {output.delivered_by.code}: it is that line's deliverable too."}
        )
    existing = Update.objects.filter(period=period, initiative=initiative, output=output, body=body).first()
    if existing:
        # A conflict with what is stored, not a fault of the filing: the API answers 409, as for the race below.
        raise Conflict(
            f"{body} already has an update on this line for {period} ({existing.get_state_display()}): "
            "edit that one instead."
        )
    values = _clean_values({k: values.get(k) for k in UPDATE_FIELDS})
    validate_update(period=period, initiative=initiative, values=values, member_states=member_states)
    update = Update(
        period=period,
        initiative=initiative,
        output=output,
        body=body,
        expected=ExpectedReport.objects.filter(period=period, initiative=initiative, output=output, body=body).first(),
        author=user,
        on_behalf=user.body_id != body.pk,
        **values,
    )
    _stamp(update, user)
    try:
        with transaction.atomic():  # a savepoint: losing the race below leaves the caller's transaction usable
            update.save()
    except IntegrityError:
        # Two requests filing the same line at the same moment both pass the check above; the database's
        # one_update_per_line lets only one insert through. The other is told so, and saves nothing.
        if not Update.objects.filter(period=period, initiative=initiative, output=output, body=body).exists():
            raise
        raise Conflict(
            f"{body} filed an update on this line for {period} at the same time as this request, which was not "
            "saved: reload to see and edit that update."
        ) from None
    _write_member_states(update, member_states)
    if submit:
        update = _submit(user=user, update=update)
    return update


@transaction.atomic
def update_edit(*, user, update, values, version, member_states=None, submit=False):
    """Change a draft, returned or withdrawn update; refused if somebody saved it since `version` was read."""
    update = lock_version(Update.objects, update.pk, version)
    permissions.check_can_edit(user, update)
    if not update.is_editable:
        raise ValidationError(
            {"__all__": f"This update is {update.get_state_display().lower()}: it can no longer be edited."}
        )
    _check_period_takes_filings(update.period)
    merged = {k: getattr(update, k) for k in UPDATE_FIELDS} | {k: v for k, v in values.items() if k in UPDATE_FIELDS}
    merged = _clean_values(merged)
    validate_update(period=update.period, initiative=update.initiative, values=merged, member_states=member_states)
    for field, value in merged.items():
        setattr(update, field, value)
    if user.body_id != update.body_id:
        update.on_behalf = True
    update.version += 1
    _stamp(update, user)
    update.save()
    _write_member_states(update, member_states)
    if submit:
        update = _submit(user=user, update=update)
    return update


def _submit(*, user, update):
    if update.state not in Update.EDITABLE_STATES:
        raise WrongState({"__all__": f"This update is {update.get_state_display().lower()}: it cannot be submitted."})
    _check_period_takes_filings(update.period)
    if not update.narrative.strip():
        raise ValidationError({"narrative": "Describe the progress before submitting."})
    now = timezone.now()
    if update.submitted_at is None:
        update.late = update.period.is_late(timezone.localdate(now))
    update.state = Update.State.SUBMITTED
    update.submitted_at = now
    update.version += 1
    _stamp(update, user, "Submitted")
    update.save()
    return update


@transaction.atomic
def update_submit(*, user, update, version=None):
    update = lock_version(Update.objects, update.pk, version)
    permissions.check_can_edit(user, update)
    return _submit(user=user, update=update)


@transaction.atomic
def update_withdraw(*, user, update, version=None):
    """Take a submitted update back before it is reviewed; it can then be edited and submitted again."""
    update = lock_version(Update.objects, update.pk, version)
    permissions.check_can_edit(user, update)
    if update.state != Update.State.SUBMITTED:
        raise WrongState({"__all__": "Only a submitted update that is not yet reviewed can be withdrawn."})
    update.state = Update.State.WITHDRAWN
    update.version += 1
    _stamp(update, user, "Withdrawn")
    update.save()
    return update


# Secretariat corrections --------------------------------------------------------------------------------------


@transaction.atomic
def status_correct(*, user, initiative, status, note, version, reason="", reason_explanation=""):
    """The ASEAN Secretariat corrects a line's status between reports: an update of its own kind.

    It follows a report's reason rules (a delayed or discontinued line says why), says who and why (`note`), is
    accepted at once in the current period's record, shows in the line's history and in the next report as a
    Secretariat correction, and a reviewer accepting a later report that contradicts it is told so first. A second
    correction in the same period revises the first (both are in its history).
    """
    if not permissions.is_secretariat(user):
        raise PermissionDenied("Only ASEAN Secretariat staff can correct a line's status.")
    period = Period.objects.current()
    if period is None:
        raise ValidationError({"__all__": "Open a reporting period first: a correction is recorded in its record."})
    note = (note or "").strip()
    values = _clean_values(
        {"status": status, "reason": reason or "", "reason_explanation": (reason_explanation or "").strip()}
    )
    errors = {}
    try:
        # A correction states no progress of its own: check the rest of a report's rules with a neutral figure.
        validate_update(
            period=period,
            initiative=initiative,
            values={**values, "progress": 100 if status == Status.COMPLETED else 0},
            member_states=None,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not note:
        errors["note"] = "Say why the Secretariat corrects the status: bodies, reviewers and the public read it."
    elif message := length_error(Update, "narrative", note):
        errors["note"] = message
    if errors:
        raise ValidationError(errors)
    initiative = lock_version(Initiative.objects, initiative.pk, version)
    now = timezone.now()
    correction = (
        Update.objects.select_for_update().filter(period=period, initiative=initiative, output=None, body=None).first()
    )
    if correction is not None and correction.kind != Update.Kind.CORRECTION:
        raise ValidationError({"__all__": f"{period} already holds a record of {initiative.code} without a body."})
    if correction is None:
        correction = Update(
            period=period, initiative=initiative, kind=Update.Kind.CORRECTION, state=Update.State.ACCEPTED
        )
    else:
        correction.version += 1
    correction.status, correction.reason, correction.reason_explanation = (
        values["status"],
        values["reason"],
        values["reason_explanation"],
    )
    correction.narrative, correction.progress = note, None
    correction.author = correction.reviewer = user
    correction.submitted_at = correction.reviewed_at = now
    _stamp(correction, user, "Secretariat correction")
    correction.save()
    _apply_status(correction, user)
    return correction


_UNREAD = object()


def contradicted_correction(update, followed=_UNREAD):
    """The Secretariat correction that accepting `update` would overrule, if any.

    That is the line's (or output's) standing correction, if it is the newest accepted word on the line, from the
    update's period or before, and states another status than the update does. `followed`: that newest accepted
    update, when the caller has already read it (the review page does, for its comparison).
    """
    if followed is _UNREAD:
        followed = Update.objects.followed_by(update).select_related("author", "period").first()
    if followed is not None and followed.kind == Update.Kind.CORRECTION and followed.status != update.status:
        return followed
    return None


@transaction.atomic
def update_accept(*, user, update, version=None, disclosures=None, overrule_correction=False):
    """Accept a submitted update; its status becomes the line's current status unless a later period's has.

    Accepting confirms what the public may open of its evidence: the filer's proposals, or the reviewer's
    `disclosures` ({evidence id: (disclosure, reason)}) where the reviewer decides otherwise.
    """
    update = lock_version(Update.objects.select_related("period", "initiative", "output"), update.pk, version)
    permissions.check_can_review(user, update)
    if update.state != Update.State.SUBMITTED:
        raise WrongState(
            {"__all__": f"Only a submitted update can be accepted; this one is {update.get_state_display().lower()}."}
        )
    overruled = contradicted_correction(update)
    if overruled is not None and not overrule_correction:
        raise WrongState(
            {
                "__all__": f"The ASEAN Secretariat corrected this line to {overruled.get_status_display()} on "
                f"{overruled.reviewed_at:%d %b %Y}; this update says {update.get_status_display()}. Accept it only "
                "if it should replace the correction, and say so (overrule the correction)."
            }
        )
    _confirm_disclosures(user=user, update=update, disclosures=disclosures)
    if overruled is not None:
        Comment.objects.create(
            update=update,
            author=user,
            text=f"Accepted over the ASEAN Secretariat's correction of {overruled.reviewed_at:%d %b %Y} "
            f"({overruled.get_status_display()}).",
        )
    update.state = Update.State.ACCEPTED
    update.reviewer = user
    update.reviewed_at = timezone.now()
    update.version += 1
    _stamp(update, user, "Accepted")
    update.save()
    _apply_status(update, user)
    from .tasks import notify_update_reviewed

    _queue(notify_update_reviewed, update.pk)
    return update


class AcceptanceRefused(Exception):
    """Some of the updates chosen for acceptance were refused, so none was accepted: [(update, message)]."""

    def __init__(self, refusals):
        self.refusals = refusals
        super().__init__("; ".join(f"{update}: {message}" for update, message in refusals))


@transaction.atomic
def accept_many(*, user, chosen):
    """Accept several submitted updates in one go, each through update_accept and its checks: all, or none.

    `chosen` is [(update id, version the reviewer saw)]. Every refusal is reported (AcceptanceRefused), not only
    the first, and then nothing is accepted: the reviewer decides again with all the messages in front of them.
    """
    updates = Update.objects.select_related("period", "initiative", "output", "body").in_bulk([pk for pk, _ in chosen])
    accepted, refusals = [], []
    for pk, version in chosen:
        update = updates.get(pk)
        if update is None:
            refusals.append((f"Update {pk}", "it no longer exists."))
            continue
        try:
            with transaction.atomic():
                accepted.append(update_accept(user=user, update=update, version=version))
        except (ValidationError, PermissionDenied, StaleEdit) as refused:
            message = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
            refusals.append((update, message))
    if refusals:
        raise AcceptanceRefused(refusals)
    return accepted


def _apply_status(update, user):
    later = Update.objects.accepted().filter(
        initiative=update.initiative, output=update.output, period__year__gt=update.period.year
    ) | Update.objects.accepted().filter(
        initiative=update.initiative,
        output=update.output,
        period__year=update.period.year,
        period__half__gt=update.period.half,
    )
    if later.exists():
        return
    target = update.output or update.initiative
    if update.output is None:
        # Another line's output printed as this line's deliverable is reported here, once for both.
        for shared in update.initiative.shared_outputs.exclude(status=update.status):
            shared.status = update.status
            _stamp(shared, user, f"Reported on {update.initiative.code}: update {update.pk} ({update.period})")
            shared.save()
    if target.status == update.status:
        return
    target.status = update.status
    if isinstance(target, Initiative):
        target.version += 1
    _stamp(target, user, f"Accepted update {update.pk} ({update.period})")
    target.save()


@transaction.atomic
def update_return(*, user, update, comment, version=None):
    """Send a submitted update back to its body with the reviewer's comment, for revision."""
    update = lock_version(Update.objects, update.pk, version)
    permissions.check_can_review(user, update)
    if update.state != Update.State.SUBMITTED:
        raise WrongState(
            {"__all__": f"Only a submitted update can be returned; this one is {update.get_state_display().lower()}."}
        )
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what needs revising: the body sees this comment."})
    if message := length_error(Update, "review_comment", comment.strip()):
        raise ValidationError({"comment": message})
    update.state = Update.State.RETURNED
    update.reviewer = user
    update.reviewed_at = timezone.now()
    update.review_comment = comment.strip()
    update.version += 1
    _stamp(update, user, "Returned")
    update.save()
    Comment.objects.create(update=update, author=user, text=comment.strip())
    from .tasks import notify_update_reviewed

    _queue(notify_update_reviewed, update.pk)
    return update


@transaction.atomic
def comment_add(*, user, update, text, parent=None):
    if not (
        permissions.can_file(user, update.initiative, update.output, update.body)
        or permissions.is_reviewer(user)
        or permissions.is_secretariat(user)
    ):
        raise PermissionDenied("Only the body, the Secretariat and ACCEC reviewers comment on an update.")
    if not (text or "").strip():
        raise ValidationError({"text": "Write a comment."})
    if message := length_error(Comment, "text", text.strip()):
        raise ValidationError({"text": message})
    if parent is not None and parent.update_id != update.pk:
        raise ValidationError({"parent": "A reply must answer a comment on the same update."})
    return Comment.objects.create(update=update, author=user, text=text.strip(), parent=parent)


# Evidence ------------------------------------------------------------------------------------------------------


def _check_evidence_editable(user, update):
    permissions.check_can_edit(user, update)
    if not update.is_editable and update.state != Update.State.SUBMITTED:
        raise ValidationError({"__all__": "Evidence cannot be added to a reviewed update."})
    _check_period_takes_filings(update.period)


def _evidence_added(update, user):
    """New evidence changes what a reviewer would be accepting: it moves the update to a new version."""
    Update.objects.filter(pk=update.pk).update(version=F("version") + 1, updated_at=timezone.now())


def _disclosure(disclosure, restriction_reason):
    """(disclosure, reason) as stored: a restricted document needs the reason the public will read in its place."""
    disclosure = disclosure or Evidence.Disclosure.PUBLIC
    if disclosure not in Evidence.Disclosure.values:
        raise ValidationError({"disclosure": "Choose whether the public may open it: public or restricted."})
    if disclosure == Evidence.Disclosure.PUBLIC:
        return disclosure, ""  # a public document owes no reason; one typed before switching is not kept
    reason = (restriction_reason or "").strip()
    if not reason:
        raise ValidationError(
            {"restriction_reason": "Say why the public may not open it: the public reads this reason in its place."}
        )
    if "\x00" in reason:
        raise ValidationError({"restriction_reason": "Null characters are not allowed."})
    if error := length_error(Evidence, "restriction_reason", reason):
        raise ValidationError({"restriction_reason": error})
    return disclosure, reason


@transaction.atomic
def evidence_add_link(
    *,
    user,
    update,
    title,
    url="",
    kind=Evidence.Kind.LINK,
    disclosure=Evidence.Disclosure.PUBLIC,
    restriction_reason="",
):
    _check_evidence_editable(user, update)
    disclosure, restriction_reason = _disclosure(disclosure, restriction_reason)
    if kind not in (Evidence.Kind.LINK, Evidence.Kind.MEETING):
        raise ValidationError({"kind": "Links and meeting references only; upload files separately."})
    if not (title or "").strip():
        raise ValidationError({"title": "Give the evidence a title."})
    if kind == Evidence.Kind.LINK and not url:
        raise ValidationError({"url": "A link needs its address (URL)."})
    evidence = Evidence(
        update=update,
        kind=kind,
        title=title.strip(),
        url=url or "",
        added_by=user,
        disclosure=disclosure,
        restriction_reason=restriction_reason,
    )
    evidence.full_clean(exclude=["file", "sha256", "update", "added_by"])
    if url and not URL_CHARACTERS.fullmatch(url):
        raise ValidationError({"url": URL_CHARACTERS_MESSAGE})
    evidence.save()
    _evidence_added(update, user)
    return evidence


def sniff_file_type(name, head):
    """The content type of an allowed evidence file, judged by extension AND content; None when not allowed."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = EVIDENCE_TYPES.get(extension)
    if content_type is None:
        return None
    if extension == "pdf" and head.startswith(b"%PDF-"):
        return content_type
    if extension == "png" and head.startswith(b"\x89PNG\r\n\x1a\n"):
        return content_type
    if extension in ("jpg", "jpeg") and head.startswith(b"\xff\xd8\xff"):
        return content_type
    if extension in ("docx", "xlsx") and head.startswith(b"PK\x03\x04"):
        return content_type
    return None


def _office_part_present(upload, extension):
    import zipfile

    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[extension]
    try:
        with zipfile.ZipFile(upload) as archive:
            return part in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def check_evidence_file(upload):
    """Refuse a file that is too large or not an allowed type by content; returns (content type, SHA-256).

    Every stored upload goes through this: evidence here, and the documents of the disclosure register."""
    allowed = ", ".join(sorted({e.upper() for e in EVIDENCE_TYPES if e != "jpeg"}))
    if upload.size > MAX_EVIDENCE_BYTES:
        size = math.ceil(upload.size / 1048576 * 10) / 10  # rounded up, so that 10 MB and a byte reads "10.1"
        raise ValidationError(
            {"file": f"{upload.name} is {size:.1f} MB; the limit is {MAX_EVIDENCE_BYTES // 1048576} MB."}
        )
    head = upload.read(8)
    upload.seek(0)
    content_type = sniff_file_type(upload.name, head)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if content_type is None or (extension in ("docx", "xlsx") and not _office_part_present(upload, extension)):
        raise ValidationError(
            {"file": f"{upload.name} is not an allowed file. Allowed: {allowed}, checked by content."}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


@transaction.atomic
def evidence_add_file(*, user, update, title, upload, disclosure=Evidence.Disclosure.PUBLIC, restriction_reason=""):
    """Store an uploaded file after checking its size, extension and content; kept under its SHA-256."""
    _check_evidence_editable(user, update)
    disclosure, restriction_reason = _disclosure(disclosure, restriction_reason)
    content_type, sha256 = check_evidence_file(upload)
    evidence = Evidence(
        update=update,
        kind=Evidence.Kind.FILE,
        title=(title or "").strip() or upload.name,
        filename=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        added_by=user,
        disclosure=disclosure,
        restriction_reason=restriction_reason,
    )
    stored_as = evidence_path(evidence, upload.name)
    if default_storage.exists(stored_as):
        evidence.file.name = stored_as  # the same content is kept once, whoever files it
    else:
        evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    _evidence_added(update, user)
    return evidence


MAX_EVIDENCE_REMOVAL_REASON = 1000


@transaction.atomic
def evidence_remove(*, user, evidence, reason=""):
    """Take evidence off an update, with the reason on the update's history and in its comments for all to see.

    The body does so on an update it can still add evidence to; the Secretariat on any update, accepted ones
    included (a bad link in an accepted update would otherwise stay in every later report).
    """
    update = Update.objects.select_for_update(of=("self",)).select_related("period", "initiative", "output", "body")
    update = update.get(pk=evidence.update_id)
    permissions.check_can_remove_evidence(user, update)
    if not permissions.is_secretariat(user):
        _check_period_takes_filings(update.period)
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError({"reason": "Null characters are not allowed."})
    if len(reason) > MAX_EVIDENCE_REMOVAL_REASON:
        raise ValidationError(
            {"reason": f"Keep the reason to {MAX_EVIDENCE_REMOVAL_REASON} characters; it has {len(reason)}."}
        )
    if not reason and permissions.evidence_removal_needs_reason(user, update):
        raise ValidationError({"reason": "Say why the evidence is taken off: the body and the reviewers will read it."})
    evidence = Evidence.objects.filter(pk=evidence.pk, update=update).first()
    if evidence is None:
        raise ValidationError({"__all__": "That evidence has already been taken off this update."})
    described = f"{evidence.get_kind_display().lower()} \u201c{evidence.title}\u201d"
    described += f" ({evidence.url or evidence.filename})" if evidence.url or evidence.filename else ""
    # The stored file is kept: it is shared by content with any other evidence of the same SHA-256.
    evidence.delete()
    update.version += 1
    _stamp(update, user, f"Removed evidence: {evidence.title}"[:100])  # the history's reason holds 100 characters
    update.save()
    Comment.objects.create(
        update=update, author=user, text=f"Removed the {described}." + (f" Reason: {reason}" if reason else "")
    )
    return update


@transaction.atomic
def evidence_set_disclosure(*, user, evidence, disclosure, restriction_reason=""):
    """Change whether the public may open a piece of evidence (see permissions.check_can_set_disclosure).

    Before acceptance this changes the proposal, which the reviewer confirms by accepting (the update moves to a
    new version, so that a reviewer never accepts a choice they did not see). On an accepted update the
    Secretariat's choice takes effect at once. Anyone but the filing body leaves a comment saying what changed.
    """
    update = Update.objects.select_for_update(of=("self",)).select_related("period", "initiative", "output", "body")
    update = update.get(pk=evidence.update_id)
    permissions.check_can_set_disclosure(user, update)
    evidence = Evidence.objects.filter(pk=evidence.pk, update=update).first()
    if evidence is None:
        raise ValidationError({"__all__": "That evidence has been taken off this update."})
    disclosure, restriction_reason = _disclosure(disclosure, restriction_reason)
    accepted = update.state == Update.State.ACCEPTED
    if (evidence.disclosure, evidence.restriction_reason) == (disclosure, restriction_reason) and (
        evidence.disclosure_confirmed or not accepted
    ):
        return evidence
    evidence.disclosure, evidence.restriction_reason = disclosure, restriction_reason
    evidence.disclosure_confirmed = accepted  # the Secretariat decides on an accepted update; otherwise, review does
    evidence.save(update_fields=["disclosure", "restriction_reason", "disclosure_confirmed"])
    described = _disclosure_described(evidence)
    update.version += 1
    _stamp(update, user, f"Evidence {evidence.pk}: {described}"[:100])  # the history's reason holds 100 characters
    update.save()
    if not (update.is_editable and user.body_id == update.body_id):
        Comment.objects.create(update=update, author=user, text=f"\u201c{evidence.title}\u201d: {described}.")
    return evidence


def _disclosure_described(evidence):
    if evidence.disclosure == Evidence.Disclosure.PUBLIC:
        return "public"
    return f"restricted ({evidence.restriction_reason})"


def _confirm_disclosures(*, user, update, disclosures):
    """Apply the reviewer's last changes to the proposals ({evidence id: (disclosure, reason)}), then confirm all."""
    evidence = {e.pk: e for e in update.evidence.all()}
    changed = []
    for pk, (disclosure, reason) in (disclosures or {}).items():
        if pk not in evidence:
            raise NotOnThisUpdate({"evidence": f"Evidence {pk} is not on this update."})
        item = evidence[pk]
        try:
            decided = _disclosure(disclosure, reason)
        except ValidationError as error:
            raise ValidationError({"evidence": [f"Evidence {pk}: {m}" for m in error.messages]}) from error
        if decided != (item.disclosure, item.restriction_reason):
            item.disclosure, item.restriction_reason = decided
            changed.append(item)
    for item in evidence.values():
        item.disclosure_confirmed = True
    Evidence.objects.bulk_update(evidence.values(), ["disclosure", "restriction_reason", "disclosure_confirmed"])
    if changed:
        said = "; ".join(f"\u201c{item.title}\u201d: {_disclosure_described(item)}" for item in changed)
        text = f"Accepted with this evidence's disclosure changed: {said}."
        if len(text) > NOTE_MAX_LENGTH:  # many long titles: the evidence list shows each choice anyway
            text = f"Accepted with the disclosure of {len(changed)} pieces of evidence changed, as listed with each."
        Comment.objects.create(update=update, author=user, text=text)


# Baseline ------------------------------------------------------------------------------------------------------

BASELINE_PERIOD = (2019, 2)


@transaction.atomic
def load_baseline(records):
    """Turn DIFAP's mid-2019 implementation column into the accepted updates of 2019-H2 (idempotent).

    `records` are DIFAP's reviewed implementation records (difap.ImplementationRecord or anything with the same
    attributes): initiative, output, status, as_of, as_of_precision, text, member_states and outputs (position ->
    {status, basis}, the outputs the text speaks of). The body is the line's (or the output's) lead, or none where
    the document assigned the line to nobody. A baseline already loaded is corrected in place when the reviewed
    mapping changed, and left untouched (no new version, no history) when it did not. Returns (period, created).
    """
    year, half = BASELINE_PERIOD
    period, _ = Period.objects.get_or_create(
        year=year, half=half, defaults={"deadline": Period.default_deadline(year, half)}
    )
    if period.state != Period.State.REVIEWED:
        # The baseline is history already reviewed: 2019-H2 takes no filings, whoever created it before.
        period.state = Period.State.REVIEWED
        period.save(update_fields=["state"])
    created = 0
    for record in records:
        initiative, output = record.initiative, record.output
        holders = list(output.bodies.all()) if output else []
        lead = initiative.responsibilities.filter(role="lead").select_related("body").first()
        body = holders[0] if holders else (lead.body if lead else None)
        completed = record.status == Status.COMPLETED
        values = {
            "body": body,
            "state": Update.State.ACCEPTED,
            "status": record.status,
            # The 2019 column states no percentage: unknown, not zero.
            "progress": 100 if completed else None,
            "as_of": record.as_of,
            "as_of_precision": record.as_of_precision,
            "narrative": record.text,
        }
        update = Update.objects.filter(period=period, initiative=initiative, output=output, baseline=True).first()
        if update is None:
            update = Update.objects.create(period=period, initiative=initiative, output=output, baseline=True, **values)
            created += 1
            changed = True
        else:
            changed = [name for name, value in values.items() if getattr(update, name) != value]
            if changed:
                for name in changed:
                    setattr(update, name, values[name])
                update.version += 1
                _stamp(update, None, "Corrected from DIFAP's text (reviewed baseline mapping)")
                update.save()
        if {p.member_state.code: p.status for p in update.member_state_progress.select_related("member_state")} != (
            record.member_states or {}
        ):
            _write_member_states(update, record.member_states or {})
        if changed:
            _apply_status(update, None)
        for position, said in (record.outputs or {}).items():
            _apply_baseline_output_status(update, initiative.outputs.get(position=int(position)), said["status"])
    return period, created


def _apply_baseline_output_status(update, output, status):
    """An output the 2019 text speaks of takes the status the text states, unless a later report said otherwise."""
    reports = Update.objects.accepted().filter(baseline=False)
    reported_since = reports.filter(output=output).exists() or (
        output.delivered_by_id is not None and reports.filter(initiative=output.delivered_by_id, output=None).exists()
    )
    if reported_since or output.status == status:
        return
    output.status = status
    _stamp(output, None, f"DIFAP mid-2019 baseline of {update.initiative.code}")
    output.save()


# Bulk filing -----------------------------------------------------------------------------------------------------


class BulkRejected(Exception):
    """At least one item of a bulk filing was refused; nothing of the filing was saved.

    `conflict` is true when every refusal came from other requests (a line filed or submitted meanwhile, an update
    saved since it was read): the filing itself was sound, so the API answers 409 rather than 400.
    """

    def __init__(self, errors, *, conflict=False):
        super().__init__(f"{len(errors)} item(s) refused; nothing was saved.")
        self.errors = errors  # [{"index": i, "errors": {field: [messages]}}]
        self.conflict = conflict


def _error_dict(error):
    if isinstance(error, PermissionDenied):
        return {"__all__": [str(error)]}
    if isinstance(error, StaleEdit):
        return {"version": [str(error)]}
    if isinstance(error, Conflict):
        return {"__all__": [str(error)]}
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


@transaction.atomic
def bulk_file(*, user, period, body, items, submit=True):
    """File a body's updates for a period in one go: all of them, or none.

    Each item is {"initiative": Initiative, "output": Output|None, "values": {...}, "member_states": {...}|None}.
    A line that already has an editable update from the body is revised; otherwise a new update is filed.
    Returns the updates; raises BulkRejected with every item's errors when any item is refused.
    """
    _check_period_takes_filings(period)
    updates, errors, conflicts = {}, [], 0
    seen = set()
    # Lines are written in one fixed order, whatever the order of the filing: two filings listing the same lines in
    # crossing orders would otherwise each hold one line's insert while waiting for the other's (a deadlock).
    in_lock_order = sorted(enumerate(items), key=lambda pair: _line_key(pair[1]))
    for index, item in in_lock_order:
        initiative, output = item["initiative"], item.get("output")
        key = _line_key(item)
        try:
            if key in seen:
                raise ValidationError({"initiative": "This line appears twice in the filing."})
            seen.add(key)
            with transaction.atomic():
                existing = Update.objects.filter(period=period, initiative=initiative, output=output, body=body).first()
                if existing is None:
                    update = update_create(
                        user=user,
                        period=period,
                        initiative=initiative,
                        output=output,
                        body=body,
                        values=item["values"],
                        member_states=item.get("member_states"),
                        submit=submit,
                    )
                elif not existing.is_editable:
                    raise WrongState(
                        {
                            "__all__": f"{body}'s update on this line is already {existing.get_state_display().lower()}"
                            " (withdraw a submitted one to change it); retry with the same Idempotency-Key to repeat"
                            " a request safely."
                        }
                    )
                else:
                    update = update_edit(
                        user=user,
                        update=existing,
                        values=item["values"],
                        version=existing.version,
                        member_states=item.get("member_states"),
                        submit=submit,
                    )
            updates[index] = update
        except (ValidationError, PermissionDenied, StaleEdit, Conflict) as error:
            # A line filed by another request meanwhile is this item's refusal: the spreadsheet names its row.
            errors.append({"index": index, "errors": _error_dict(error)})
            conflicts += isinstance(error, (WrongState, StaleEdit, Conflict))
    if errors:
        raise BulkRejected(sorted(errors, key=lambda e: e["index"]), conflict=conflicts == len(errors))
    return [updates[index] for index in sorted(updates)]


def _line_key(item):
    output = item.get("output")
    return (item["initiative"].pk, output.pk if output else 0)
