"""A build that fails says why on the report page, and a reviewer or the Secretariat retries it."""

import pytest

from accounts.models import User
from reports import services
from reports.models import ProgressReport

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_report(plan, reviewer, settings, tmp_path, django_capture_on_commit_callbacks):  # noqa: F811
    """A report whose build failed because its storage could not be written (MEDIA_ROOT is a file, not a folder)."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = str(blocked)
    programme, period = plan
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_issue(user=reviewer, period=period, programme=programme, title="TEST report")
    callbacks[0]()  # the build fails: recorded on the report (and in the log), not raised to the caller
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the storage is repaired
    report.refresh_from_db()
    return report


def test_a_failed_build_says_which_step_failed_in_words(failed_report):
    assert failed_report.state == ProgressReport.State.FAILED
    assert failed_report.error.startswith("Writing the PDF file failed at 20%")
    assert "Retry the build" in failed_report.error and "Traceback" not in failed_report.error


def test_the_report_page_says_why_and_offers_a_retry_to_reviewers(client, failed_report):
    client.force_login(User.objects.get(username="accec"))
    content = client.get(failed_report.get_absolute_url()).content.decode()
    assert "The build failed. Writing the PDF file failed at 20%" in content
    assert f'action="/reports/{failed_report.pk}/retry/"' in content and "Retry build" in content


def test_a_body_reporter_sees_why_but_no_retry_button(client, failed_report):
    client.force_login(User.objects.get(username="telsom"))
    content = client.get(failed_report.get_absolute_url()).content.decode()
    assert "Writing the PDF file failed" in content and "Retry build" not in content
    assert client.post(f"/reports/{failed_report.pk}/retry/").status_code == 403
    assert ProgressReport.objects.get(pk=failed_report.pk).state == ProgressReport.State.FAILED


def test_a_reviewer_retries_the_build_from_the_page_and_it_finishes_with_the_same_version(
    client, failed_report, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="accec"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{failed_report.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == failed_report.get_absolute_url()
    report = ProgressReport.objects.get(pk=failed_report.pk)
    assert (report.state, report.progress, report.error, report.version) == ("ready", 100, "", 1)
    assert report.snapshot == failed_report.snapshot  # the figures frozen before the failure are kept
    assert report.pdf.read(5) == b"%PDF-"


def test_the_retry_page_takes_only_posts(client, failed_report):
    client.force_login(User.objects.get(username="accec"))
    assert client.get(f"/reports/{failed_report.pk}/retry/").status_code == 405


def test_the_secretariat_retries_through_the_api(api_client, failed_report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/reports/{failed_report.pk}/retry/")
    assert response.status_code == 202 and response.json()["state"] == "building"
    assert api_client.get(f"/api/v1/reports/{failed_report.pk}/").json()["state"] == "ready"


def test_a_report_that_did_not_fail_is_not_retried(api_client, client, failed_report):
    ProgressReport.objects.filter(pk=failed_report.pk).update(state="ready", progress=100)
    response = api_client.post(f"/api/v1/reports/{failed_report.pk}/retry/")
    assert response.status_code == 409 and "only a failed build is retried" in response.json()["detail"]
    client.force_login(User.objects.get(username="accec"))
    response = client.post(f"/reports/{failed_report.pk}/retry/", follow=True)
    assert "only a failed build is retried" in response.content.decode()


def test_a_body_reporter_cannot_retry_through_the_api(failed_report):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(User.objects.get(username="telsom"))
    assert api.post(f"/api/v1/reports/{failed_report.pk}/retry/").status_code == 403
    assert ProgressReport.objects.get(pk=failed_report.pk).state == ProgressReport.State.FAILED


def test_the_retry_is_in_the_api_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/reports/{id}/retry/"]["post"]
    assert {"202", "403", "409"} <= set(operation["responses"])
