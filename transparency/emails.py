"""The email that confirms a request or response came from its sender's address (printed on the console in dev)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import DisclosureRequest, Moderation, Response

SUBJECT_PREFIX = "[ASEAN Tracker]"


def send_verification(kind, pk):
    model = {"request": DisclosureRequest, "response": Response}[kind]
    submission = model.objects.filter(pk=pk, moderation=Moderation.UNVERIFIED).first()
    if submission is None:  # verified already, or gone: nothing to confirm
        return
    what = "your request" if kind == "request" else f"your response to “{submission.consultation.title}”"
    link = settings.SITE_URL + reverse("transparency:verify", args=[submission.token])
    body = render_to_string("transparency/email/verify.txt", {"what": what, "link": link, "submission": submission})
    send_mail(f"{SUBJECT_PREFIX} Confirm {what}", body, None, [submission.email])
