"""Every role tries every action of negotiations in the open, in the browser and through the API, from one table.

Like tests/test_permission_matrix.py: a cell fails if a refused action changed anything, or an allowed one did not
happen, judged by the database. `admin` is a superuser, so it holds the moderation permission too.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.helpers import user
from transparency import services
from transparency.models import Consultation, DisclosureRequest, Document, Meeting, Moderation, Reply, Response

from .transparency import chapter_draft, defa, open_consultation

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "telsom", "accec", "secretariat", "admin"]
SECRETARIAT = {"secretariat", "admin"}

ALLOWED = {
    "decide disclosure": SECRETARIAT,
    "add version": SECRETARIAT,
    "publish version": SECRETARIAT,
    "open consultation": SECRETARIAT,
    "close consultation": SECRETARIAT,
    "publish reply": SECRETARIAT,
    "answer request": SECRETARIAT,
    "moderate response": SECRETARIAT,  # the demo Secretariat group holds transparency.moderate
    "moderate request": SECRETARIAT,
    "record meeting": SECRETARIAT,
    "read the to-do list": SECRETARIAT,
}
CHANGED = "Changed by the permission matrix."


def fresh(obj):
    return type(obj).objects.filter(pk=obj.pk).first()


def mandate():
    return defa().documents.get(kind=Document.Kind.MANDATE)


def draft():
    return chapter_draft(user("secretariat"), defa())[0]


def unpublished_version():
    document = draft()
    return services.version_add(user=user("secretariat"), document=document, text=CHANGED)


def consultation():
    negotiation = defa()
    _, _, second = chapter_draft(user("secretariat"), negotiation)
    return open_consultation(user("secretariat"), negotiation, second)


def published_response():
    target = consultation()
    response = services.response_submit(consultation=target, text="A view.", name="A", email="a@example.org")
    services.submission_verify(response.token)
    return services.submission_moderate(user=user("secretariat"), submission=response, publish=True)


def verified_response():
    target = consultation()
    response = services.response_submit(consultation=target, text="A view.", name="A", email="a@example.org")
    return services.submission_verify(response.token)


def verified_request():
    request = services.request_submit(negotiation=defa(), text="The study.", name="B", email="b@example.org")
    return services.submission_verify(request.token)


@dataclass
class Action:
    prepare: Callable
    browser: Callable | None
    api: Callable | None
    done: Callable


ACTIONS = {
    "decide disclosure": Action(
        prepare=mandate,
        browser=lambda c, d: c.post(
            d.get_absolute_url(), {"decide": "1", "decision-to_state": "public", "decision-explanation": CHANGED}
        ),
        api=lambda c, d: c.post(
            f"/api/v1/register/{d.pk}/decide/", {"to_state": "public", "explanation": CHANGED}, format="json"
        ),
        done=lambda d, r: fresh(d).disclosure == Document.Disclosure.PUBLIC,
    ),
    "add version": Action(
        prepare=mandate,
        browser=lambda c, d: c.post(d.get_absolute_url(), {"add_version": "1", "version-text": CHANGED}),
        api=lambda c, d: c.post(f"/api/v1/register/{d.pk}/versions/", {"text": CHANGED}, format="json"),
        done=lambda d, r: d.versions.filter(text=CHANGED).exists(),
    ),
    "publish version": Action(
        prepare=unpublished_version,
        browser=lambda c, v: c.post(v.get_absolute_url()),
        api=None,  # the API publishes a version as it adds it ("publish": true)
        done=lambda v, r: fresh(v).disclosed_at is not None,
    ),
    "open consultation": Action(
        prepare=lambda: chapter_draft(user("secretariat"), defa())[2],
        browser=lambda c, v: c.post(
            "/negotiations/DEFA/consultations/new/",
            {
                "title": CHANGED,
                "version": v.pk,
                "opens_on": date.today().isoformat(),
                "closes_on": (date.today() + timedelta(days=9)).isoformat(),
                "questions": "Why?",
            },
        ),
        api=lambda c, v: c.post(
            "/api/v1/consultations/",
            {
                "negotiation": "DEFA",
                "title": CHANGED,
                "version": v.pk,
                "opens_on": date.today().isoformat(),
                "closes_on": (date.today() + timedelta(days=9)).isoformat(),
                "questions": "Why?",
            },
            format="json",
        ),
        done=lambda v, r: Consultation.objects.filter(title=CHANGED).exists(),
    ),
    "close consultation": Action(
        prepare=consultation,
        browser=lambda c, k: c.post(k.get_absolute_url(), {"close": "1"}),
        api=None,
        done=lambda k, r: fresh(k).closed_at is not None,
    ),
    "publish reply": Action(
        prepare=published_response,
        browser=lambda c, resp: c.post(
            resp.consultation.get_absolute_url(), {"reply": "1", "reply-responses": [resp.pk], "reply-text": CHANGED}
        ),
        api=None,
        done=lambda resp, r: Reply.objects.filter(text=CHANGED).exists(),
    ),
    "answer request": Action(
        prepare=verified_request,
        browser=lambda c, q: c.post(f"/negotiations/to-do/answer/{q.pk}/", {"answer": "partly", "text": CHANGED}),
        api=lambda c, q: c.post(
            f"/api/v1/disclosure-requests/{q.pk}/answer/", {"answer": "partly", "text": CHANGED}, format="json"
        ),
        done=lambda q, r: fresh(q).answer_text == CHANGED,
    ),
    "moderate response": Action(
        prepare=verified_response,
        browser=lambda c, resp: c.post(f"/negotiations/to-do/moderate/response/{resp.pk}/", {"decision": "publish"}),
        api=lambda c, resp: c.post(
            f"/api/v1/consultation-responses/{resp.pk}/moderate/", {"publish": True}, format="json"
        ),
        done=lambda resp, r: fresh(resp).moderation == Moderation.PUBLISHED,
    ),
    "moderate request": Action(
        prepare=verified_request,
        browser=lambda c, q: c.post(f"/negotiations/to-do/moderate/request/{q.pk}/", {"decision": "publish"}),
        api=lambda c, q: c.post(f"/api/v1/disclosure-requests/{q.pk}/moderate/", {"publish": True}, format="json"),
        done=lambda q, r: fresh(q).moderation == Moderation.PUBLISHED,
    ),
    "record meeting": Action(
        prepare=defa,
        browser=None,  # meetings are recorded in the admin or by the API
        api=lambda c, n: c.post(
            "/api/v1/meetings/",
            {
                "negotiation": "DEFA",
                "held_on": "2026-03-02",
                "held_with": "third_parties",
                "subject": CHANGED,
                "online": True,
            },
            format="json",
        ),
        done=lambda n, r: Meeting.objects.filter(subject=CHANGED).exists(),
    ),
    "read the to-do list": Action(
        prepare=verified_request,
        browser=lambda c, q: c.get("/negotiations/to-do/"),
        api=None,
        done=lambda q, r: r.status_code == 200 and "The study." in r.content.decode(),
    ),
}


def cells():
    for action, spec in ACTIONS.items():
        for role in ROLES:
            for channel in ("browser", "api"):
                if getattr(spec, channel) is not None:
                    yield pytest.param(role, action, channel, id=f"{role}-{action.replace(' ', '_')}-{channel}")


def client_for(role, channel, client):
    if channel == "api":
        api = APIClient()
        if role != "anonymous":
            api.force_authenticate(user(role))
        return api
    if role != "anonymous":
        client.force_login(user(role))
    return client


@pytest.fixture(autouse=True)
def quiet(settings):
    cache.clear()
    yield
    cache.clear()


def test_the_table_names_every_action_and_only_known_roles():
    assert set(ALLOWED) == set(ACTIONS)
    assert set().union(*ALLOWED.values()) <= set(ROLES)


@pytest.mark.parametrize(("role", "action", "channel"), list(cells()))
def test_role_action_channel(role, action, channel, client):
    spec = ACTIONS[action]
    target = spec.prepare(role) if "role" in inspect.signature(spec.prepare).parameters else spec.prepare()
    client.raise_request_exception = False
    response = getattr(spec, channel)(client_for(role, channel, client), target)

    assert response.status_code < 500, response.content[:300]
    happened = spec.done(target, response)
    if role in ALLOWED[action]:
        assert happened, (response.status_code, response.content[:300])
        assert response.status_code < 400
    else:
        assert not happened, f"{role} could {action} through the {channel} ({response.status_code})"
    assert DisclosureRequest.objects.filter(moderation=Moderation.REJECTED).count() == 0
    assert Response.objects.filter(moderation=Moderation.REJECTED).count() == 0
