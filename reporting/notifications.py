"""Emails of the reporting cycle: a period opening, an update reviewed, and reminders of reports still owed.

The Celery tasks in tasks.py call these; they run after the change they announce has been committed.
"""

import logging
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from accounts.models import User

from .models import ExpectedReport, Period, Reminder, Update

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[ASEAN Tracker]"

# Days from the deadline on which each reminder step falls, earliest first.
REMINDER_STEPS = [
    (Reminder.Step.TWO_WEEKS, -14),
    (Reminder.Step.THREE_DAYS, -3),
    (Reminder.Step.OVERDUE, 1),
]


def _day(value):
    return dateformat.format(value, "j M Y")


def _reports(count):
    return f"{count} report{pluralize(count)}"


def _reporting_link():
    return f"{settings.SITE_URL}/reporting/"


def body_emails(body):
    """The addresses of a body's active people: its reporters (and, for ACCEC, its reviewers)."""
    if body is None:
        return []
    users = User.objects.filter(body=body, is_active=True).exclude(email="").order_by("email")
    return list(dict.fromkeys(users.values_list("email", flat=True)))


def secretariat_emails():
    users = User.objects.filter(role=User.Role.SECRETARIAT, is_active=True).exclude(email="").order_by("email")
    return list(dict.fromkeys(users.values_list("email", flat=True)))


def _lines_by_body(expected_reports):
    """(body, [expected report, ...]) per body, bodies by acronym and lines in catalogue order."""
    rows = expected_reports.select_related("body", "initiative", "output").order_by(
        "body__acronym", "initiative__position", F("output__position").asc(nulls_first=True)
    )
    return [(body, list(lines)) for body, lines in groupby(rows, key=lambda row: row.body)]


def _message(subject, template, context, to, cc=()):
    """A plain-text email: user texts go into its body as written (no HTML part to escape them for).

    The subject is one line whatever names it quotes: a line break in a header would make Django refuse
    the message (BadHeaderError), and the email would never go out.
    """
    return EmailMessage(
        subject=" ".join(f"{SUBJECT_PREFIX} {subject}".split()),
        body=render_to_string(f"reporting/email/{template}", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        cc=list(cc),
    )


# A period opens ------------------------------------------------------------------------------------------------


def period_opened(period):
    """Tell each body owing reports in the period what it owes and by when; returns the number of emails sent."""
    messages = []
    for body, lines in _lines_by_body(ExpectedReport.objects.filter(period=period)):
        to = body_emails(body)
        if not to:
            logger.warning("%s is open but %s has no active user with an email: nobody was told.", period, body)
            continue
        subject = f"{period.code} is open: {body.acronym} owes {_reports(len(lines))} by {_day(period.deadline)}"
        context = {"period": period, "body": body, "lines": lines, "link": _reporting_link()}
        messages.append(_message(subject, "period_opened.txt", context, to))
    if not messages:
        return 0
    # One connection for every body's email rather than one SMTP session each.
    return get_connection().send_messages(messages) or 0


# An update is reviewed -----------------------------------------------------------------------------------------


def _line_label(update):
    return update.initiative.code + (f" output {update.output.position}" if update.output_id else "")


def update_reviewed(update):
    """Tell the update's author and its body's people that it was accepted or returned; returns emails sent."""
    if update.state not in (Update.State.ACCEPTED, Update.State.RETURNED):
        # The task runs after the review; if the update has moved on since (edited and submitted again),
        # the review it would announce is no longer news.
        logger.info("Update %s is %s by now: no review email sent.", update.pk, update.state)
        return 0
    to = []
    if update.author_id and update.author.is_active and update.author.email:
        to.append(update.author.email)
    to += [email for email in body_emails(update.body) if email not in to]
    if not to:
        logger.warning("Update %s was reviewed but has nobody with an email to tell.", update.pk)
        return 0
    accepted = update.state == Update.State.ACCEPTED
    owner = update.body.acronym if update.body_id else "the Secretariat"
    line = _line_label(update)
    verdict = "Accepted" if accepted else "Returned for revision"
    subject = f"{verdict}: {owner}'s update on {line} for {update.period.code}"
    context = {
        "update": update,
        "period": update.period,
        "owner": owner,
        "line": line,
        "accepted": accepted,
        "link": f"{settings.SITE_URL}{update.get_absolute_url()}",
    }
    return _message(subject, "update_reviewed.txt", context, to).send()


# Reminders -----------------------------------------------------------------------------------------------------


def due_step(period, on):
    """The latest reminder step whose day has come by `on`, or None before the first."""
    due = None
    for step, days in REMINDER_STEPS:
        if period.deadline + timedelta(days=days) <= on:
            due = step
    return due


def _steps_from(step):
    steps = [s for s, _ in REMINDER_STEPS]
    return steps[steps.index(step) :]


def _past_deadline(period):
    return timezone.localdate() > period.deadline


def _reminder_subject(step, period, body, lines):
    owed, deadline = _reports(len(lines)), _day(period.deadline)
    if step == Reminder.Step.OVERDUE or (step == Reminder.Step.BY_HAND and _past_deadline(period)):
        return f"Overdue: {body.acronym} still owes {owed} for {period.code} (deadline was {deadline})"
    if step == Reminder.Step.THREE_DAYS:
        return f"Due in 3 days: {body.acronym} still owes {owed} for {period.code} by {deadline}"
    return f"Reminder: {body.acronym} still owes {owed} for {period.code} by {deadline}"


def send_due_reminders(on=None):
    """Remind every body still owing reports in a period taking filings, once per step; returns sent per step.

    Only the latest step due is sent: a step whose day passed before it could be sent (the period opened
    late, or the job did not run) is skipped for good, and so is any step once a later one went out.
    """
    on = on or timezone.localdate()
    sent = {step.value: 0 for step, _ in REMINDER_STEPS}
    for period in Period.objects.taking_filings().order_by("year", "half"):
        step = due_step(period, on)
        if step is None:
            continue
        done = set(Reminder.objects.filter(period=period, step__in=_steps_from(step)).values_list("body_id", flat=True))
        cc = secretariat_emails() if step == Reminder.Step.OVERDUE else []
        for body, lines in _lines_by_body(ExpectedReport.objects.filter(period=period).missing()):
            if body.pk in done:
                continue
            to = body_emails(body)
            if _remind(period, body, step, lines, to, cc if to else []):
                sent[step.value] += 1
    return sent


class NothingToRemind(Exception):
    pass


def remind_now(*, user, period, bodies=None):
    """The Secretariat reminds, now, the bodies still owing reports in `period` (all of them, or those named):
    logged as a reminder sent by hand, at most once a day per body. Returns (reminded, already today, unreachable)
    as lists of bodies."""
    from . import permissions

    permissions.check_can_manage_periods(user)
    if not period.takes_filings:
        raise NothingToRemind(f"{period} takes no filings: there is nothing to remind anyone of.")
    owing = _lines_by_body(ExpectedReport.objects.filter(period=period).missing())
    if bodies is not None:
        owing = [(body, lines) for body, lines in owing if body in bodies]
    if not owing:
        raise NothingToRemind("No body chosen still owes a report for this period.")
    today = timezone.localdate()
    done = set(
        Reminder.objects.filter(period=period, step=Reminder.Step.BY_HAND, sent_on=today).values_list(
            "body_id", flat=True
        )
    )
    reminded, already, unreachable = [], [], []
    for body, lines in owing:
        if body.pk in done:
            already.append(body)
            continue
        to = body_emails(body)
        if _remind(period, body, Reminder.Step.BY_HAND, lines, to, [], sent_by=user, on=today):
            reminded.append(body)
        elif to:
            already.append(body)  # another click got there first
        else:
            unreachable.append(body)
    return reminded, already, unreachable


def _remind(period, body, step, lines, to, cc, sent_by=None, on=None):
    """Record the reminder, then send it; False when another run recorded it first or there is nobody to send to.

    The unique (period, body, step) row is the claim: a concurrent run's insert fails and it skips the body.
    The email goes out inside the same transaction so that a failed send leaves no row and the next run retries.
    """
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period,
                body=body,
                step=step,
                sent_by=sent_by,
                sent_on=on or timezone.localdate(),
                recipients=", ".join([*to, *cc]),
            )
            if not to:
                # Recorded all the same, so that the body is not retried every day.
                logger.warning(
                    "%s owes %s for %s but has no active user with an email.", body, _reports(len(lines)), period
                )
                return False
            context = {
                "period": period,
                "body": body,
                "lines": lines,
                "overdue": step == Reminder.Step.OVERDUE or (step == Reminder.Step.BY_HAND and _past_deadline(period)),
                "link": _reporting_link(),
            }
            _message(_reminder_subject(step, period, body, lines), "reminder.txt", context, to, cc).send()
    except IntegrityError:
        return False
    return True
