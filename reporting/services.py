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
from django.db.models import F
from django.utils import timezone

from outbox.services import enqueue
from workprogramme.concurrency import Conflict, StaleEdit, lock_version
from workprogramme.models import CLOSED_STATUSES, Initiative, MemberState, Status

from . import permissions
from .limits import length_error
from .models import Comment, Evidence, ExpectedReport, MemberStateProgress, Period, Reason, Update, evidence_path

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
            if holders and lead not in holders and output.status not in CLOSED_STATUSES:
                lines += [(initiative, output, body, carried_over) for body in holders]
    return lines


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
    existing = Update.objects.filter(period=period, initiative=initiative, output=output, body=body).first()
    if existing:
        raise ValidationError(
            {
                "__all__": f"{body} already has an update on this line for {period} ({existing.get_state_display()}): "
                "edit that one instead."
            }
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


@transaction.atomic
def update_accept(*, user, update, version=None):
    """Accept a submitted update; its status becomes the line's current status unless a later period's has."""
    update = lock_version(Update.objects.select_related("period", "initiative", "output"), update.pk, version)
    permissions.check_can_review(user, update)
    if update.state != Update.State.SUBMITTED:
        raise WrongState(
            {"__all__": f"Only a submitted update can be accepted; this one is {update.get_state_display().lower()}."}
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


@transaction.atomic
def evidence_add_link(*, user, update, title, url="", kind=Evidence.Kind.LINK):
    _check_evidence_editable(user, update)
    if kind not in (Evidence.Kind.LINK, Evidence.Kind.MEETING):
        raise ValidationError({"kind": "Links and meeting references only; upload files separately."})
    if not (title or "").strip():
        raise ValidationError({"title": "Give the evidence a title."})
    if kind == Evidence.Kind.LINK and not url:
        raise ValidationError({"url": "A link needs its address (URL)."})
    evidence = Evidence(update=update, kind=kind, title=title.strip(), url=url or "", added_by=user)
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
def evidence_add_file(*, user, update, title, upload):
    """Store an uploaded file after checking its size, extension and content; kept under its SHA-256."""
    _check_evidence_editable(user, update)
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


# Baseline ------------------------------------------------------------------------------------------------------

BASELINE_PERIOD = (2019, 2)


@transaction.atomic
def load_baseline(records):
    """Turn DIFAP's mid-2019 implementation column into the accepted updates of 2019-H2 (idempotent).

    `records` are (initiative, output, as_of, text, member_states) tuples; the body is the line's (or the
    output's) lead, or none where the document assigned the line to nobody.
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
    for initiative, output, as_of, text, member_states in records:
        holders = list(output.bodies.all()) if output else []
        lead = initiative.responsibilities.filter(role="lead").select_related("body").first()
        body = holders[0] if holders else (lead.body if lead else None)
        status = Status.COMPLETED if (output or initiative).status == Status.COMPLETED else Status.IN_PROGRESS
        update, was_created = Update.objects.get_or_create(
            period=period,
            initiative=initiative,
            output=output,
            body=body,
            defaults={
                "state": Update.State.ACCEPTED,
                "status": status,
                # The 2019 column states no percentage: unknown, not zero.
                "progress": 100 if status == Status.COMPLETED else None,
                "as_of": as_of,
                "narrative": text,
                "baseline": True,
            },
        )
        if was_created:
            created += 1
            _write_member_states(update, member_states or None)
            _apply_status(update, None)
    return period, created


# Bulk filing -----------------------------------------------------------------------------------------------------


class BulkRejected(Exception):
    """At least one item of a bulk filing was refused; nothing of the filing was saved."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} item(s) refused; nothing was saved.")
        self.errors = errors  # [{"index": i, "errors": {field: [messages]}}]


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
    updates, errors = [], []
    seen = set()
    for index, item in enumerate(items):
        initiative, output = item["initiative"], item.get("output")
        key = (initiative.pk, output.pk if output else None)
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
                    raise ValidationError(
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
            updates.append(update)
        except (ValidationError, PermissionDenied, StaleEdit, Conflict) as error:
            # A line filed by another request meanwhile is this item's refusal: the spreadsheet names its row.
            errors.append({"index": index, "errors": _error_dict(error)})
    if errors:
        raise BulkRejected(errors)
    return updates
