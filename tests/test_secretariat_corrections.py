"""The ASEAN Secretariat corrects a line's status between reports: an update of its own kind, with the reason rules
of a report, in the line's history and the next report, and never silently reversed by a later acceptance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from reporting import services
from reporting.models import Comment, Update
from reporting.services import WrongState
from reports.rollup import compute
from tests.helpers import line, user
from workprogramme.models import Programme

pytestmark = pytest.mark.django_db

LINE = "AWPEC-1.1"  # TELSOM's


@pytest.fixture
def period():
    secretariat = user("secretariat")
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def correct(status="delayed", note="SEOM heard that the study has no funding this year.", **extra):
    reasons = (
        {"reason": "awaiting_funding", "reason_explanation": "No budget line in 2026."} if status == "delayed" else {}
    )
    return services.status_correct(
        user=user("secretariat"),
        initiative=line(LINE),
        status=status,
        note=note,
        version=line(LINE).version,
        **{**reasons, **extra},
    )


def file_and_submit(period, status="in_progress", progress=50, **values):
    return services.update_create(
        user=user("telsom"),
        period=period,
        initiative=line(LINE),
        body=user("telsom").body,
        values={"status": status, "progress": progress, "narrative": "The study resumed in October.", **values},
        submit=True,
    )


def test_a_correction_is_an_accepted_update_of_its_own_kind_that_sets_the_line(period):
    correction = correct()
    stored = Update.objects.get(pk=correction.pk)
    assert (stored.kind, stored.state, stored.body, stored.period) == ("correction", "accepted", None, period)
    assert (stored.author.username, stored.reviewer.username) == ("secretariat", "secretariat")
    assert (stored.status, stored.reason, stored.narrative) == (
        "delayed",
        "awaiting_funding",
        "SEOM heard that the study has no funding this year.",
    )
    assert line(LINE).status == "delayed"


def test_a_correction_follows_the_reason_rules_of_a_report_and_says_why(period):
    before = line(LINE).status
    with pytest.raises(ValidationError) as refused:
        correct(reason="", reason_explanation="")
    assert {"reason", "reason_explanation"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        correct(status="completed", note="  ")
    assert "note" in refused.value.message_dict
    assert line(LINE).status == before
    assert not Update.objects.filter(kind="correction").exists()


def test_only_the_secretariat_corrects(period):
    for username in ("accec", "telsom"):
        with pytest.raises(PermissionDenied):
            services.status_correct(
                user=user(username), initiative=line(LINE), status="completed", note="x", version=line(LINE).version
            )
    assert not Update.objects.filter(kind="correction").exists()


def test_a_second_correction_in_the_period_revises_the_first_and_both_are_in_its_history(period):
    first = correct()
    second = correct(status="discontinued", reason="change_of_scope", reason_explanation="Merged into DEFA.")
    assert second.pk == first.pk
    assert Update.objects.filter(kind="correction").count() == 1
    assert [h.status for h in Update.objects.get(pk=first.pk).history.order_by("history_date")] == [
        "delayed",
        "discontinued",
    ]
    assert line(LINE).status == "discontinued"


def test_a_reviewer_is_told_before_accepting_an_update_that_contradicts_the_correction(period):
    update = file_and_submit(period)
    correct()
    with pytest.raises(WrongState, match="corrected this line to Delayed"):
        services.update_accept(user=user("accec"), update=update)
    assert Update.objects.get(pk=update.pk).state == "submitted" and line(LINE).status == "delayed"

    services.update_accept(user=user("accec"), update=update, overrule_correction=True)
    assert line(LINE).status == "in_progress"
    assert "Accepted over the ASEAN Secretariat's correction" in Comment.objects.get(update=update).text


def test_an_update_agreeing_with_the_correction_is_accepted_without_a_word(period):
    update = file_and_submit(
        period, status="delayed", progress=20, reason="awaiting_funding", reason_explanation="No budget line."
    )
    correct()
    services.update_accept(user=user("accec"), update=Update.objects.get(pk=update.pk))
    assert Update.objects.get(pk=update.pk).state == "accepted"


def test_the_review_page_warns_and_asks_for_the_reviewer_to_say_so(period):
    update = file_and_submit(period)
    correct()
    reviewer = Client()
    reviewer.force_login(user("accec"))
    page = reviewer.get(update.get_absolute_url()).content.decode()
    assert "This update contradicts the ASEAN Secretariat" in page
    assert 'name="overrule_correction"' in page

    refused = reviewer.post(f"/reporting/updates/{update.pk}/accept/", {"version": update.version}, follow=True)
    assert "corrected this line to Delayed" in refused.content.decode()
    assert Update.objects.get(pk=update.pk).state == "submitted"
    reviewer.post(f"/reporting/updates/{update.pk}/accept/", {"version": update.version, "overrule_correction": "yes"})
    assert Update.objects.get(pk=update.pk).state == "accepted"


def test_the_api_answers_409_then_accepts_when_told_to_overrule(period):
    update = file_and_submit(period)
    correct()
    api = APIClient()
    api.force_authenticate(user("accec"))
    refused = api.post(f"/api/v1/updates/{update.pk}/accept/", {}, format="json")
    assert refused.status_code == 409 and "correction" in refused.json()["detail"]
    accepted = api.post(f"/api/v1/updates/{update.pk}/accept/", {"overrule_correction": True}, format="json")
    assert accepted.status_code == 200, accepted.content


def test_the_correction_shows_in_the_public_history_and_in_the_next_report(period):
    correct()
    page = Client().get(f"/initiatives/{LINE}/").content.decode()
    assert "corrected by the ASEAN Secretariat" in page
    assert "SEOM heard that the study has no funding this year." in page

    rows = [row for row in compute(period, Programme.objects.get(code="AWPEC"))["lines"] if row["code"] == LINE]
    assert rows[0]["status_label"] == "Delayed (ASEAN Secretariat correction)"
    assert rows[0]["reporting_body"] == "ASEAN Secretariat (correction)"


def test_the_secretariat_corrects_in_the_browser_and_is_told_what_is_missing(period):
    secretariat = Client()
    secretariat.force_login(user("secretariat"))
    url = f"/initiatives/{LINE}/status/"
    response = secretariat.post(url, {"status": "delayed", "note": "", "version": line(LINE).version}, follow=True)
    page = response.content.decode()
    assert "not corrected" in page and "choose a reason" in page.lower()
    assert line(LINE).status != "delayed"

    secretariat.post(
        url,
        {
            "status": "delayed",
            "reason": "awaiting_funding",
            "reason_explanation": "No budget line in 2026.",
            "note": "SEOM heard it.",
            "version": line(LINE).version,
        },
    )
    assert line(LINE).status == "delayed"
    assert Update.objects.get(kind="correction").narrative == "SEOM heard it."


def test_without_a_current_period_there_is_nowhere_to_record_a_correction():
    with pytest.raises(ValidationError, match="Open a reporting period first"):
        correct()
