"""Every change to negotiations in the open, for the pages and the API alike: checked, validated, atomic, logged."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from redis.exceptions import RedisError

from outbox.services import enqueue
from reporting.services import WrongState as ReportingWrongState
from reporting.services import check_evidence_file

from . import permissions
from .models import (
    Consultation,
    DisclosureDecision,
    DisclosureRequest,
    Document,
    DocumentVersion,
    Meeting,
    Moderation,
    Organisation,
    RejectionReason,
    Reply,
    Response,
    RestrictionReason,
    Subscription,
    version_path,
)

DECIDABLE = (Document.Disclosure.PUBLIC, Document.Disclosure.RESTRICTED, Document.Disclosure.PENDING)
DECIDABLE_CHOICES = [(state.value, state.label) for state in DECIDABLE]
SEND_VERIFICATION = "transparency.send_verification"
ANNOUNCE = "transparency.announce"


class WrongState(ReportingWrongState):
    """A step the object's state does not allow (answer an answered request...): the API answers 409."""


def _require(value, field, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


def _limit(value, field, maximum):
    if len(value or "") > maximum:
        raise ValidationError({field: f"Keep it to {maximum:,} characters; it has {len(value):,}."})


# The register ---------------------------------------------------------------------------------------------------


@transaction.atomic
def disclosure_decide(*, user, document, to_state, explanation, reason="", review_on=None):
    """Make a document public, restrict it (reason from the fixed list, review date) or set it pending; logged."""
    permissions.check_can_manage(user)
    document = Document.objects.select_for_update().get(pk=document.pk)
    explanation = _require(explanation, "explanation", "Say why: the explanation is published with the decision.")
    _limit(explanation, "explanation", DisclosureDecision._meta.get_field("explanation").max_length)
    if to_state not in DECIDABLE:
        raise ValidationError({"to_state": "Decide public, restricted or pending decision."})
    today = timezone.localdate()
    if to_state == Document.Disclosure.RESTRICTED:
        if reason not in RestrictionReason.values:
            raise ValidationError({"reason": "Choose the reason from the list."})
        if review_on is None or review_on <= today:
            raise ValidationError({"review_on": "A restriction needs a review date after today."})
    else:
        reason, review_on = "", None
    if to_state == document.disclosure and to_state != Document.Disclosure.RESTRICTED:
        raise WrongState(f"The document is already {document.get_disclosure_display().lower()}.")
    decision = DisclosureDecision.objects.create(
        document=document,
        decided_by=user,
        from_state=document.disclosure,
        to_state=to_state,
        reason=reason,
        explanation=explanation,
        review_on=review_on,
    )
    document.disclosure = to_state
    document.restriction_reason = reason
    document.restriction_explanation = explanation if to_state == Document.Disclosure.RESTRICTED else ""
    document.review_on = review_on
    if to_state == Document.Disclosure.PUBLIC:
        document.public_since = today
        # Disclosing a document discloses the versions it holds; later versions are published one by one.
        document.versions.filter(disclosed_at=None).update(disclosed_at=timezone.now())
        enqueue(ANNOUNCE, "document", document.pk)
    else:
        document.public_since = None
    document.save()
    return decision


def _store(version, upload):
    content_type, sha256 = check_evidence_file(upload)
    version.filename, version.content_type, version.size, version.sha256 = (
        upload.name[-255:],
        content_type,
        upload.size,
        sha256,
    )
    stored_as = version_path(version, upload.name)
    if default_storage.exists(stored_as):
        version.file.name = stored_as  # the same content is stored once
    else:
        version.file.save(upload.name, upload, save=False)


@transaction.atomic
def version_add(*, user, document, text="", upload=None, label="", dated=None, publish=False):
    """Add the next version of a document (a text with [bracketed] passages, a file checked like evidence, or both)."""
    permissions.check_can_manage(user)
    document = Document.objects.select_for_update().get(pk=document.pk)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text and upload is None:
        raise ValidationError({"text": "Give the version's text, a file, or both."})
    _limit(text, "text", DocumentVersion._meta.get_field("text").max_length)
    _limit(label, "label", 200)
    if publish and not document.is_public:
        raise WrongState("Only a document disclosed public can have a version published; decide the disclosure first.")
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, label=(label or "").strip(), dated=dated, text=text, added_by=user
    )
    if upload is not None:
        _store(version, upload)
    if publish:
        version.disclosed_at = timezone.now()
    version.full_clean(exclude=["file", "added_by", "document"])
    version.save()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        DocumentVersion.objects.filter(pk=version.pk).update(search_vector=SearchVector("text", config="english"))
    if publish:
        enqueue(ANNOUNCE, "version", version.pk)
    return version


@transaction.atomic
def version_publish(*, user, version):
    permissions.check_can_manage(user)
    version = DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    if not version.document.is_public:
        raise WrongState("Only a document disclosed public can have a version published; decide the disclosure first.")
    if version.disclosed_at is not None:
        raise WrongState("This version is already public.")
    version.disclosed_at = timezone.now()
    version.save(update_fields=["disclosed_at"])
    enqueue(ANNOUNCE, "version", version.pk)
    return version


def previous_public_version(version):
    return (
        DocumentVersion.objects.public()
        .filter(document_id=version.document_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def meeting_record(
    *,
    user,
    negotiation,
    held_on,
    held_with,
    subject,
    place="",
    online=False,
    organisations=(),
    round=None,
    agenda=None,
    minutes=None,
):
    """Record a meeting for the public list; its agenda and minutes are register entries of the same negotiation."""
    permissions.check_can_manage(user)
    for field, item in (("round", round), ("agenda", agenda), ("minutes", minutes)):
        if item is not None and item.negotiation_id != negotiation.pk:
            raise ValidationError({field: "It belongs to another negotiation."})
    meeting = Meeting(
        negotiation=negotiation,
        held_on=held_on,
        held_with=held_with,
        subject=_require(subject, "subject", "Say what the meeting was about."),
        place=(place or "").strip(),
        online=online,
        round=round,
        agenda=agenda,
        minutes=minutes,
    )
    if not meeting.place and not online:
        raise ValidationError({"place": "Say where the meeting was held, or that it was online."})
    meeting.full_clean()
    meeting.save()
    meeting.organisations.set(organisations)
    return meeting


# What the public sends: requests and responses ------------------------------------------------------------------


def address_hash(address):
    """The sender's network address, kept only as a keyed hash: enough to count, nothing to identify."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address or ''}".encode()).hexdigest()


def _check_rate(model, address, email):
    """At most SUBMISSIONS_PER_HOUR sends an hour from one network address and to one email address."""
    limit = settings.TRANSPARENCY_SUBMISSIONS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    if model.objects.filter(email__iexact=email, submitted_at__gte=since).count() >= limit:
        raise ValidationError({"email": f"At most {limit} an hour from one email address: please try again later."})
    key = f"transparency:sent:{address}"
    try:
        cache.add(key, 0, timeout=3600)
        sent = cache.incr(key)
    except (RedisError, ValueError):
        # The database still limits per email address if the cache is away or the key expired in between.
        return
    if sent > limit:
        raise ValidationError({"email": f"At most {limit} an hour from one network address: please try again later."})


def _clean_sender(name, email):
    name = _require(name, "name", "Give your name or your organisation's name (it is never shown publicly).")
    _limit(name, "name", 200)
    email = _require(email, "email", "Give an email address: a link to it confirms what you send.")
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    return name, email


def _new_token():
    return secrets.token_urlsafe(32)


@transaction.atomic
def request_submit(*, negotiation, text, name, email, subject="document", document=None, organisation="", address=""):
    """A member of the public asks for a document or a meeting; nothing is shown until verified and moderated."""
    name, email = _clean_sender(name, email)
    text = _require(text, "text", "Say what you ask for.")
    _limit(text, "text", DisclosureRequest._meta.get_field("text").max_length)
    _limit(organisation, "organisation", 200)
    if subject not in DisclosureRequest.Subject.values:
        raise ValidationError({"subject": "Ask for a document or a meeting."})
    if document is not None and document.negotiation_id != negotiation.pk:
        raise ValidationError({"document": "That document belongs to another negotiation."})
    hashed = address_hash(address)
    _check_rate(DisclosureRequest, hashed, email)
    request = DisclosureRequest.objects.create(
        negotiation=negotiation,
        subject=subject,
        document=document,
        text=text,
        name=name,
        email=email,
        organisation=(organisation or "").strip(),
        token=_new_token(),
        address=hashed,
    )
    enqueue(SEND_VERIFICATION, "request", request.pk)
    return request


@transaction.atomic
def response_submit(
    *, consultation, text, name, email, organisation="", organisation_kind="", country=None, anonymous=False, address=""
):
    """A response to an open consultation; it waits for its email to be verified, then for moderation."""
    if not consultation.is_open():
        raise WrongState("This consultation is not open for responses.")
    name, email = _clean_sender(name, email)
    text = _require(text, "text", "Write your response.")
    _limit(text, "text", Response._meta.get_field("text").max_length)
    _limit(organisation, "organisation", 200)
    if organisation_kind and organisation_kind not in Organisation.Kind.values:
        raise ValidationError({"organisation_kind": "Choose the kind of organisation from the list."})
    hashed = address_hash(address)
    _check_rate(Response, hashed, email)
    response = Response.objects.create(
        consultation=consultation,
        text=text,
        name=name,
        email=email,
        organisation=(organisation or "").strip(),
        organisation_kind=organisation_kind or "",
        country=country,
        anonymous=bool(anonymous),
        token=_new_token(),
        address=hashed,
    )
    enqueue(SEND_VERIFICATION, "response", response.pk)
    return response


@transaction.atomic
def submission_verify(token):
    """The link in the email was followed: the request or response joins the moderation queue. Returns it, or None."""
    if not token or len(token) > 64:
        return None
    for model in (Response, DisclosureRequest):
        submission = model.objects.select_for_update().filter(token=token).first()
        if submission is None:
            continue
        if submission.moderation == Moderation.UNVERIFIED:
            submission.verified_at = timezone.now()
            submission.moderation = Moderation.AWAITING
            submission.save(update_fields=["verified_at", "moderation"])
        return submission
    return None


@transaction.atomic
def submission_moderate(*, user, submission, publish, reason=""):
    """Publish a verified response or request, or reject it with a reason from the fixed list."""
    permissions.check_can_moderate(user)
    submission = type(submission).objects.select_for_update().get(pk=submission.pk)
    if submission.moderation != Moderation.AWAITING:
        raise WrongState(f"This is {submission.get_moderation_display().lower()}, not awaiting moderation.")
    if publish:
        submission.moderation, submission.rejection_reason = Moderation.PUBLISHED, ""
    else:
        if reason not in RejectionReason.values:
            raise ValidationError({"reason": "Choose the reason for rejecting it from the list."})
        submission.moderation, submission.rejection_reason = Moderation.REJECTED, reason
    submission.moderated_by, submission.moderated_at = user, timezone.now()
    submission.save(update_fields=["moderation", "rejection_reason", "moderated_by", "moderated_at"])
    return submission


@transaction.atomic
def request_answer(*, user, request, answer, text, refusal_reason="", document=None):
    """The Secretariat answers a request: granted (with the document), partly, or refused with a reason."""
    permissions.check_can_manage(user)
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.moderation in (Moderation.UNVERIFIED, Moderation.REJECTED):
        raise WrongState("Only a verified request that was not rejected can be answered.")
    if request.answered_at is not None:
        raise WrongState("This request has been answered already.")
    if answer not in DisclosureRequest.Answer.values:
        raise ValidationError({"answer": "Answer granted, partly granted or refused."})
    text = _require(text, "text", "Write the answer: it is published with the request.")
    _limit(text, "text", DisclosureRequest._meta.get_field("answer_text").max_length)
    if answer == DisclosureRequest.Answer.REFUSED:
        if refusal_reason not in RestrictionReason.values:
            raise ValidationError({"refusal_reason": "Choose the reason for refusing from the list."})
    else:
        refusal_reason = ""
    if document is not None:
        if document.negotiation_id != request.negotiation_id:
            raise ValidationError({"document": "That document belongs to another negotiation."})
        request.document = document
    if answer == DisclosureRequest.Answer.GRANTED and request.document and not request.document.is_public:
        raise ValidationError({"document": "Disclose the document public before granting a request for it."})
    request.answer, request.answer_text, request.refusal_reason = answer, text, refusal_reason
    request.answered_at, request.answered_by = timezone.now(), user
    request.save()
    return request


# Consultations --------------------------------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *,
    user,
    negotiation,
    title,
    questions,
    opens_on,
    closes_on,
    summary="",
    version=None,
    chapter=None,
    initiative=None,
    member_state=None,
    publish=True,
):
    """Open a consultation on a public version, a chapter or an initiative, at ASEAN level or in one AMS."""
    permissions.check_can_manage(user)
    if version is None and chapter is None and initiative is None:
        raise ValidationError({"version": "Consult on a document version, a chapter or an initiative."})
    if version is not None and not DocumentVersion.objects.public().filter(pk=version.pk).exists():
        raise ValidationError({"version": "Consult only on a version the public can read: publish it first."})
    for item in (version and version.document, chapter):
        if item is not None and item.negotiation_id != negotiation.pk:
            raise ValidationError({"negotiation": "The version or chapter belongs to another negotiation."})
    consultation = Consultation(
        negotiation=negotiation,
        title=_require(title, "title", "Give the consultation a title."),
        summary=(summary or "").strip(),
        version=version,
        chapter=chapter,
        initiative=initiative,
        member_state=member_state,
        opens_on=opens_on,
        closes_on=closes_on,
        questions=_require(questions, "questions", "Ask at least one question."),
        published=publish,
        created_by=user,
    )
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": "A consultation closes on or after the day it opens."})
    consultation.full_clean(exclude=["created_by"])
    consultation.save()
    if publish:
        enqueue(ANNOUNCE, "consultation", consultation.pk)
    return consultation


@transaction.atomic
def consultation_close(*, user, consultation):
    """Close an open consultation before its closing date (it takes no more responses; its report can be written)."""
    permissions.check_can_manage(user)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.is_closed():
        raise WrongState("This consultation is closed already.")
    consultation.closed_at = timezone.now()
    consultation.save(update_fields=["closed_at"])
    return consultation


@transaction.atomic
def reply_publish(*, user, consultation, responses, text):
    """The Secretariat's public answer to one response or a group of them, all published, of this consultation."""
    permissions.check_can_manage(user)
    text = _require(text, "text", "Write the reply.")
    _limit(text, "text", Reply._meta.get_field("text").max_length)
    responses = list(responses)
    if not responses:
        raise ValidationError({"responses": "Choose the response or responses this answers."})
    published = set(
        Response.objects.filter(consultation=consultation, moderation=Moderation.PUBLISHED).values_list("pk", flat=True)
    )
    if any(response.pk not in published for response in responses):
        raise ValidationError({"responses": "Answer only published responses to this consultation."})
    reply = Reply.objects.create(consultation=consultation, text=text, written_by=user)
    reply.responses.set(responses)
    return reply


# Subscriptions ----------------------------------------------------------------------------------------------------


@transaction.atomic
def subscription_request(*, email, negotiation=None, consultation=None, address=""):
    """Ask for news of a negotiation or a consultation; nothing is sent until the emailed link confirms the address.

    Asking again for what an address already follows changes nothing and sends nothing, and answers the same, so
    the form never tells anyone who follows what."""
    if (negotiation is None) == (consultation is None):
        raise ValidationError({"email": "Subscribe to one negotiation or one consultation."})
    email = _require(email, "email", "Give an email address: a link to it confirms the subscription.")
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    hashed = address_hash(address)
    _check_rate(Subscription, hashed, email)
    following = Subscription.objects.active().filter(
        email__iexact=email, negotiation=negotiation, consultation=consultation
    )
    if following.exists():
        return following.first()
    subscription = Subscription.objects.create(
        email=email, negotiation=negotiation, consultation=consultation, token=_new_token(), address=hashed
    )
    enqueue(SEND_VERIFICATION, "subscription", subscription.pk)
    return subscription


def subscription_confirm(token):
    subscription = Subscription.objects.filter(token=token, unsubscribed_at=None).first() if token else None
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_exists(token):
    return bool(token) and Subscription.objects.filter(token=token).exists()


def subscription_cancel(token):
    """One click ends it; the same link again finds it ended."""
    subscription = Subscription.objects.filter(token=token).first() if token else None
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


CLOSING_NOTICE_DAYS = 3


@transaction.atomic
def consultations_closing_soon(today=None):
    """Consultations closing within CLOSING_NOTICE_DAYS whose closing notice is not sent yet: marked, and queued."""
    today = today or timezone.localdate()
    due = list(
        Consultation.objects.public()
        .select_for_update(skip_locked=True)
        .filter(closed_at=None, closing_notice_sent_at=None, closes_on__gte=today)
        .filter(closes_on__lte=today + timedelta(days=CLOSING_NOTICE_DAYS))
    )
    for consultation in due:
        consultation.closing_notice_sent_at = timezone.now()
        consultation.save(update_fields=["closing_notice_sent_at"])
        enqueue(ANNOUNCE, "closing", consultation.pk)
    return due
