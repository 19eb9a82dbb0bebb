"""Every role tries every action, in the browser and through the API, generated from one permission table.

The objects belong to TELSOM (its updates on AWPEC-1.1 and AWPEC-1.3, its reporter's API token): `telsom` acts
on what its body owns, `accp` on what another body owns; ACCEC's own lines and each person's own token are the
objects `accec` and everyone else own. A cell fails if a refused action changed anything, or an
allowed one did not happen; each is judged by the database, not only by the answer's code.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from reporting import services
from reporting.models import Comment, Period, Update
from reports import services as reports
from reports.models import ProgressReport
from tests.helpers import line, user

pytestmark = pytest.mark.django_db

PERIOD = "2026-H2"
ROLES = ["anonymous", "telsom", "accp", "accec", "secretariat", "admin"]
EVERYONE = {"telsom", "accp", "accec", "secretariat", "admin"}
TELSOM_AND_SECRETARIAT = {"telsom", "secretariat", "admin"}  # the owning body, and the Secretariat on its behalf
SECRETARIAT = {"secretariat", "admin"}
REVIEWERS = {"accec"}

# The permission table: who may do what, on TELSOM's objects. Everyone else is refused.
ALLOWED = {
    "view update": EVERYONE,
    "create update": TELSOM_AND_SECRETARIAT,
    "edit draft": TELSOM_AND_SECRETARIAT,
    "submit": TELSOM_AND_SECRETARIAT,
    "withdraw": TELSOM_AND_SECRETARIAT,
    "accept": REVIEWERS,
    "return": REVIEWERS,
    "accept own body's update": set(),  # ACCEC's reviewer on ACCEC's own update: another reviewer must
    "add evidence": TELSOM_AND_SECRETARIAT,
    "comment": TELSOM_AND_SECRETARIAT | REVIEWERS,
    "correct a status": SECRETARIAT,
    "open period": SECRETARIAT,
    "close period": SECRETARIAT,
    "reopen period": SECRETARIAT,
    "issue report": SECRETARIAT | REVIEWERS,
    "read report": EVERYONE,
    "publish report": SECRETARIAT,
    "withdraw report": SECRETARIAT,
    "create ACCEC's update": {"accec", "secretariat", "admin"},  # ACCEC's reviewer also files for ACCEC
    "revoke token": {"telsom", "admin"},  # TELSOM's reporter's own, or any as the site administrator
    "revoke own token": EVERYONE,
}


# The world each cell starts from: made on demand, inside the test's transaction --------------------------------


def open_period():
    secretariat = user("secretariat")
    period = services.period_create(user=secretariat, year=2026, half=2)
    return services.period_open(user=secretariat, period=period)


def filed(code="AWPEC-1.1", *, username="telsom", submit=False):
    who = user(username)
    period = Period.objects.filter(code=PERIOD).first() or open_period()
    values = {"status": "in_progress", "progress": 40, "narrative": "Consultations held with all ten AMS."}
    return services.update_create(
        user=who, period=period, initiative=line(code), body=who.body, values=values, submit=submit
    )


def ready_report():
    """An issued report marked built: publishing judges the report's state, not its files."""
    report = reports.report_issue(user=user("accec"), period=open_period(), title="Consultations held")
    ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.READY, progress=100)
    return fresh(report)


def fresh(obj):
    return type(obj).objects.filter(pk=obj.pk).first()


@dataclass
class Action:
    prepare: Callable  # () or (role) -> the object acted on
    browser: Callable | None  # (client, obj) -> response
    api: Callable | None  # (api client, obj) -> response
    done: Callable  # (obj, response) -> did the action happen?


CHANGED = "Changed by the permission matrix."
FORM = {"status": "in_progress", "progress": "40"}


def updated_to(state):
    return lambda update, response: fresh(update).state == state


def read(update, response):
    return response.status_code == 200 and "Consultations held" in response.content.decode()


ACTIONS = {
    "view update": Action(
        prepare=filed,
        browser=lambda c, u: c.get(f"/reporting/updates/{u.pk}/"),
        api=lambda c, u: c.get(f"/api/v1/updates/{u.pk}/"),
        done=read,
    ),
    "create update": Action(
        prepare=open_period,
        browser=lambda c, p: c.post(
            "/reporting/updates/new/",
            {"period": p.code, "initiative": "AWPEC-1.1", "body": "TELSOM", **FORM, "narrative": CHANGED},
        ),
        api=lambda c, p: c.post(
            "/api/v1/updates/",
            {"period": p.code, "initiative": line("AWPEC-1.1").pk, "body": "TELSOM", **FORM, "narrative": CHANGED},
            format="json",
        ),
        done=lambda p, r: Update.objects.filter(period=p, initiative=line("AWPEC-1.1"), narrative=CHANGED).exists(),
    ),
    "edit draft": Action(
        prepare=filed,
        browser=lambda c, u: c.post(
            f"/reporting/updates/{u.pk}/edit/", {**FORM, "narrative": CHANGED, "version": u.version}
        ),
        api=lambda c, u: c.patch(
            f"/api/v1/updates/{u.pk}/", {"narrative": CHANGED}, format="json", headers={"If-Match": f'"{u.version}"'}
        ),
        done=lambda u, r: fresh(u).narrative == CHANGED,
    ),
    "submit": Action(
        prepare=filed,
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/submit/", {"version": u.version}),
        api=lambda c, u: c.post(f"/api/v1/updates/{u.pk}/submit/"),
        done=updated_to(Update.State.SUBMITTED),
    ),
    "withdraw": Action(
        prepare=lambda: filed("AWPEC-1.3", submit=True),
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/withdraw/", {"version": u.version}),
        api=lambda c, u: c.post(f"/api/v1/updates/{u.pk}/withdraw/"),
        done=updated_to(Update.State.WITHDRAWN),
    ),
    "accept": Action(
        prepare=lambda: filed("AWPEC-1.3", submit=True),
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/accept/", {"version": u.version}),
        api=lambda c, u: c.post(f"/api/v1/updates/{u.pk}/accept/"),
        done=updated_to(Update.State.ACCEPTED),
    ),
    "return": Action(
        prepare=lambda: filed("AWPEC-1.3", submit=True),
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/return/", {"version": u.version, "comment": CHANGED}),
        api=lambda c, u: c.post(f"/api/v1/updates/{u.pk}/return/", {"comment": CHANGED}, format="json"),
        done=updated_to(Update.State.RETURNED),
    ),
    "accept own body's update": Action(
        prepare=lambda: filed("AWPEC-2.1", username="accec", submit=True),
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/accept/", {"version": u.version}),
        api=lambda c, u: c.post(f"/api/v1/updates/{u.pk}/accept/"),
        done=updated_to(Update.State.ACCEPTED),
    ),
    "add evidence": Action(
        prepare=filed,
        browser=lambda c, u: c.post(
            f"/reporting/updates/{u.pk}/evidence/", {"title": CHANGED, "kind": "link", "url": "https://asean.org/"}
        ),
        api=lambda c, u: c.post(
            f"/api/v1/updates/{u.pk}/evidence/", {"title": CHANGED, "url": "https://asean.org/"}, format="json"
        ),
        done=lambda u, r: u.evidence.filter(title=CHANGED).exists(),
    ),
    "comment": Action(
        prepare=filed,
        browser=lambda c, u: c.post(f"/reporting/updates/{u.pk}/comments/", {"text": CHANGED}),
        api=None,  # comments are a page feature: the API has no comment operation
        done=lambda u, r: Comment.objects.filter(update=u, text=CHANGED).exists(),
    ),
    "correct a status": Action(
        prepare=lambda: (open_period(), line("AWPEC-1.1"))[1],  # a correction is recorded in the current period
        browser=lambda c, i: c.post(
            f"/initiatives/{i.code}/status/",
            {
                "status": "completed" if i.status != "completed" else "in_progress",
                "note": CHANGED,
                "version": i.version,
            },
        ),
        api=None,  # the catalogue API is read-only
        done=lambda i, r: fresh(i).status != i.status,
    ),
    "open period": Action(
        prepare=lambda: services.period_create(user=user("secretariat"), year=2026, half=2),
        browser=lambda c, p: c.post(f"/reporting/periods/{p.code}/open/"),
        api=None,  # the API reads periods; opening and closing them is done on the periods page
        done=lambda p, r: fresh(p).state == Period.State.OPEN,
    ),
    "close period": Action(
        prepare=open_period,
        browser=lambda c, p: c.post(f"/reporting/periods/{p.code}/close/", {"confirm": "yes"}),
        api=None,
        done=lambda p, r: fresh(p).state == Period.State.CLOSED,
    ),
    "reopen period": Action(
        prepare=lambda: services.period_close(user=user("secretariat"), period=open_period()),
        browser=lambda c, p: c.post(f"/reporting/periods/{p.code}/reopen/", {"reason": CHANGED}),
        api=None,
        done=lambda p, r: fresh(p).state == Period.State.OPEN,
    ),
    "issue report": Action(
        prepare=open_period,
        browser=lambda c, p: c.post("/reports/", {"period": p.code, "title": CHANGED}),
        api=lambda c, p: c.post("/api/v1/reports/", {"period": p.code, "title": CHANGED}, format="json"),
        done=lambda p, r: ProgressReport.objects.filter(period=p, title=CHANGED).exists(),
    ),
    "read report": Action(
        prepare=lambda: reports.report_issue(user=user("accec"), period=open_period(), title="Consultations held"),
        browser=lambda c, rep: c.get(f"/reports/{rep.pk}/"),
        api=lambda c, rep: c.get(f"/api/v1/reports/{rep.pk}/"),
        done=lambda rep, r: r.status_code == 200 and "Consultations held" in r.content.decode(),
    ),
    "publish report": Action(
        prepare=lambda: ready_report(),
        browser=lambda c, rep: c.post(f"/reports/{rep.pk}/publish/", {"confirm": "on"}),
        api=lambda c, rep: c.post(f"/api/v1/reports/{rep.pk}/publish/"),
        done=lambda rep, r: ProgressReport.objects.public().filter(pk=rep.pk).exists(),
    ),
    "withdraw report": Action(
        prepare=lambda: reports.report_publish(user=user("secretariat"), report=ready_report()),
        browser=lambda c, rep: c.post(f"/reports/{rep.pk}/withdraw/", {"reason": CHANGED}),
        api=lambda c, rep: c.post(f"/api/v1/reports/{rep.pk}/withdraw/", {"reason": CHANGED}, format="json"),
        done=lambda rep, r: ProgressReport.objects.withdrawn_from_public().filter(withdrawal_reason=CHANGED).exists(),
    ),
    "create ACCEC's update": Action(
        prepare=open_period,
        browser=lambda c, p: c.post(
            "/reporting/updates/new/",
            {"period": p.code, "initiative": "AWPEC-2.1", "body": "ACCEC", **FORM, "narrative": CHANGED},
        ),
        api=lambda c, p: c.post(
            "/api/v1/updates/",
            {"period": p.code, "initiative": line("AWPEC-2.1").pk, "body": "ACCEC", **FORM, "narrative": CHANGED},
            format="json",
        ),
        done=lambda p, r: Update.objects.filter(period=p, initiative=line("AWPEC-2.1"), narrative=CHANGED).exists(),
    ),
    "revoke own token": Action(
        # the anonymous visitor has no token: it tries TELSOM's
        prepare=lambda role: token_issue(user=user("telsom" if role == "anonymous" else role))[0],
        browser=lambda c, t: c.post(f"/accounts/tokens/{t.token_key}/revoke/"),
        api=None,
        done=lambda t, r: not AuthToken.objects.filter(token_key=t.token_key).exists(),
    ),
    "revoke token": Action(
        prepare=lambda: token_issue(user=user("telsom"))[0],
        browser=lambda c, t: c.post(f"/accounts/tokens/{t.token_key}/revoke/"),
        api=None,  # tokens are managed on the profile page
        done=lambda t, r: not AuthToken.objects.filter(token_key=t.token_key).exists(),
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
    cache.clear()  # the API's rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_report_builds(django_capture_on_commit_callbacks):
    """Issuing a report queues its build on commit; the matrix judges the issue, not the PDF writer."""
    with django_capture_on_commit_callbacks(execute=False):
        yield


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
