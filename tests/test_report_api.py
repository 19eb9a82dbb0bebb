"""The progress report API: build (202), follow, list and export, through the same services as the pages."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from reports.models import ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api_as(username):
    api = APIClient()
    api.force_authenticate(User.objects.get(username=username))
    return api


@pytest.fixture
def built(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("accec").post(
            "/api/v1/reports/",
            {"period": "2019-H2", "title": "Baseline to SEOM", "executive_summary": "The baseline."},
            format="json",
        )
    return response


def test_a_reviewer_starts_a_build_and_gets_202_with_its_id(built):
    assert built.status_code == 202
    assert built.json()["state"] == "building" and built.json()["version"] == 1
    report = ProgressReport.objects.get(pk=built.json()["id"])
    assert report.issued_by.username == "accec" and report.period.code == "2019-H2"


def test_the_report_shows_its_state_and_progress(built):
    body = api_as("telsom").get(f"/api/v1/reports/{built.json()['id']}/").json()
    assert body["state"] == "ready" and body["progress"] == 100
    assert body["downloads"]["pdf"] == f"/api/v1/reports/{body['id']}/export/?format=pdf"


def test_the_list_shows_the_reports(built):
    body = api_as("telsom").get("/api/v1/reports/").json()
    assert [r["id"] for r in body["results"]] == [built.json()["id"]]


@pytest.mark.parametrize(
    ("format", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv"),
    ],
)
def test_each_export_comes_with_its_content_type(built, format, content_type):
    response = api_as("telsom").get(f"/api/v1/reports/{built.json()['id']}/export/?format={format}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_format_is_a_bad_request(built):
    response = api_as("telsom").get(f"/api/v1/reports/{built.json()['id']}/export/?format=odt")
    assert response.status_code == 400 and "Unknown format" in response.json()["detail"]


def test_exporting_while_building_is_a_conflict(built):
    ProgressReport.objects.filter(pk=built.json()["id"]).update(state="building", progress=20)
    response = api_as("accec").get(f"/api/v1/reports/{built.json()['id']}/export/?format=pdf")
    assert response.status_code == 409


def test_a_body_reporter_cannot_build_a_report():
    response = api_as("telsom").post("/api/v1/reports/", {"period": "2019-H2", "title": "Mine"}, format="json")
    assert response.status_code == 403
    assert "Only ACCEC reviewers and ASEAN Secretariat staff" in response.json()["detail"]
    assert not ProgressReport.objects.exists()


def test_anonymous_callers_are_refused(built):
    api = APIClient()
    assert api.get("/api/v1/reports/").status_code == 401
    assert api.post("/api/v1/reports/", {"period": "2019-H2", "title": "x"}, format="json").status_code == 401


def test_an_unknown_period_is_not_found():
    """A period code that names no period: 404 naming it, as everywhere in the API (issue 17)."""
    response = api_as("secretariat").post("/api/v1/reports/", {"period": "2031-H1", "title": "x"}, format="json")
    assert response.status_code == 404 and "period" in response.json()
