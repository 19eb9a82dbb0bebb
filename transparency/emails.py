"""Emails of negotiations in the open: confirmation links (requests, responses, subscriptions) and news to subscribers.

Sent by Celery tasks through the outbox after the change they announce has committed; printed on the console in
development. Every news email carries its own one-click unsubscribe link (RFC 8058 headers as well).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Consultation, DisclosureRequest, Document, DocumentVersion, Moderation, Response, Subscription

SUBJECT_PREFIX = "[ASEAN Tracker]"


def _link(name, token):
    return settings.SITE_URL + reverse(name, args=[token])


def send_verification(kind, pk):
    if kind == "subscription":
        subscription = Subscription.objects.filter(pk=pk, confirmed_at=None, unsubscribed_at=None).first()
        if subscription is None:
            return
        what = f"your subscription to news of “{subscription.target}”"
        link = _link("transparency:subscription_confirm", subscription.token)
        to = subscription.email
    else:
        model = {"request": DisclosureRequest, "response": Response}[kind]
        submission = model.objects.filter(pk=pk, moderation=Moderation.UNVERIFIED).first()
        if submission is None:  # verified already, or gone: nothing to confirm
            return
        what = "your request" if kind == "request" else f"your response to “{submission.consultation.title}”"
        link = _link("transparency:verify", submission.token)
        to = submission.email
    body = render_to_string("transparency/email/verify.txt", {"what": what, "link": link, "kind": kind})
    EmailMessage(f"{SUBJECT_PREFIX} Confirm {what}", body, to=[to]).send()


def _news(kind, pk):
    """(subject, text, subscribers) of one piece of news, or None if there is nothing public to tell."""
    if kind == "document":
        document = Document.objects.public().select_related("negotiation").filter(pk=pk).first()
        if document is None:
            return None
        negotiation, consultation = document.negotiation, None
        subject = f"{negotiation.code}: “{document.title}” is now public"
        url = settings.SITE_URL + document.get_absolute_url()
        text = f"The ASEAN Secretariat has published “{document.title}”.\n\n{url}"
    elif kind == "version":
        version = DocumentVersion.objects.public().select_related("document__negotiation").filter(pk=pk).first()
        if version is None:
            return None
        negotiation, consultation = version.document.negotiation, None
        subject = f"{negotiation.code}: version {version.number} of “{version.document.title}” is public"
        text = f"A new version has been published.\n\n{settings.SITE_URL}{version.get_absolute_url()}"
    else:
        consultation = Consultation.objects.public().select_related("negotiation").filter(pk=pk).first()
        if consultation is None:
            return None
        negotiation = consultation.negotiation
        url = settings.SITE_URL + consultation.get_absolute_url()
        if kind == "consultation":
            subject = f"{negotiation.code}: new public consultation, “{consultation.title}”"
            text = f"Open from {consultation.opens_on:%d %B %Y}; closes on {consultation.closes_on:%d %B %Y}.\n\n{url}"
            consultation = None  # news of a new consultation goes to those who follow the negotiation
        else:
            subject = f"{negotiation.code}: “{consultation.title}” closes on {consultation.closes_on:%d %B %Y}"
            text = f"The consultation takes responses until {consultation.closes_on:%d %B %Y}.\n\n{url}"
    audience = Q(negotiation=negotiation) | (Q(consultation=consultation) if consultation else Q(pk__in=[]))
    return subject, text, Subscription.objects.active().filter(audience).order_by("pk")


def announce(kind, pk):
    news = _news(kind, pk)
    if news is None:
        return
    subject, text, subscribers = news
    with get_connection() as connection:
        sent = set()
        for subscription in subscribers:
            if subscription.email.lower() in sent:  # one email per address, even if it follows both
                continue
            sent.add(subscription.email.lower())
            unsubscribe = _link("transparency:unsubscribe", subscription.token)
            body = render_to_string(
                "transparency/email/news.txt", {"text": text, "unsubscribe": unsubscribe, "target": subscription.target}
            )
            EmailMessage(
                f"{SUBJECT_PREFIX} {subject}",
                body,
                to=[subscription.email],
                connection=connection,
                headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            ).send()
